"""What works: per sequence and per step, how the people enrolled (in the period, by
enrolment date) fared — finished, stopped by reply / meeting / not interested — and
how many of them became opportunities and won deals afterwards (an opportunity of the
lead or contact created on or after the enrolment). Rates carry Wilson intervals; a
sequence with fewer enrolments than ``insights.min_group_leads`` is marked not
``meaningful`` (greyed like every small group in Insights).

"The step after which people most often reply": an enrolment stopped by *replied* or
*meeting booked* with N steps done replied after step N (N = 0: before the first).

Counted in SQL (GROUP BY sequence, state, steps done, reason): tens of thousands of
enrolments come back as a few dozen rows; only the few people who have an opportunity
are read one by one."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, select
from sqlmodel import Session

from workbench.domain import (
    Enrolment,
    EnrolmentEvent,
    Lead,
    Opportunity,
    OpportunityOutcome,
    OutreachSequence,
    SequenceStep,
    StopReason,
    table_of,
)
from workbench.services.insights.common import Period
from workbench.services.insights.wilson import rate, wilson_interval

E: Any = table_of(Enrolment).c
EV: Any = table_of(EnrolmentEvent).c
OP: Any = table_of(Opportunity).c
L: Any = table_of(Lead).c
Q: Any = table_of(OutreachSequence).c
S: Any = table_of(SequenceStep).c
REPLIES = (StopReason.REPLIED.value, StopReason.MEETING_BOOKED.value)


def _ci(successes: int, trials: int) -> list[float] | None:
    bounds = wilson_interval(min(successes, trials), trials)
    return list(bounds) if bounds is not None else None


@dataclass
class _Seq:
    enrolled: int = 0
    states: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    opportunities: int = 0
    won: int = 0
    reached: Counter[int] = field(default_factory=Counter)
    passed: Counter[int] = field(default_factory=Counter)
    done: Counter[int] = field(default_factory=Counter)
    skipped: Counter[int] = field(default_factory=Counter)
    replied_after: Counter[int] = field(default_factory=Counter)


def _enrolments(period: Period, owner: str | None) -> Any:
    """The enrolments counted: live, enrolled in the period, of one rep when ``owner`` is
    given (the manager's live rollup of a team database)."""
    live = and_(E.deleted_at.is_(None), period.where(E.enrolled_at))
    return live if owner is None else and_(live, E.owner == owner)


def _outcomes(session: Session, period: Period, owner: str | None) -> dict[int, tuple[int, int]]:
    """Sequence id → (enrolments with an opportunity since enrolling, with a won one)."""
    found: dict[int, tuple[int, bool]] = {}  # enrolment id → (its sequence, won)
    live = and_(
        _enrolments(period, owner),
        OP.deleted_at.is_(None),
        OP.created_at >= E.enrolled_at,
    )
    by_lead = (
        select(E.id, E.sequence_id, OP.outcome)
        .select_from(table_of(Enrolment))
        .join(table_of(Lead), L.id == E.lead_id)
        .join(table_of(Opportunity), OP.id == L.opportunity_id)
        .where(live)
    )
    by_contact = (
        select(E.id, E.sequence_id, OP.outcome)
        .select_from(table_of(Enrolment))
        .join(table_of(Opportunity), OP.contact_id == E.contact_id)
        .where(live, E.contact_id.is_not(None))
    )
    for query in (by_lead, by_contact):
        for enrolment_id, sequence_id, outcome in session.execute(query):
            _seq, won = found.get(int(enrolment_id), (int(sequence_id), False))
            found[int(enrolment_id)] = (int(sequence_id), won or outcome == OpportunityOutcome.WON)
    per_sequence: dict[int, tuple[int, int]] = {}
    for sequence_id, won in found.values():
        had, wins = per_sequence.get(sequence_id, (0, 0))
        per_sequence[sequence_id] = (had + 1, wins + won)
    return per_sequence


def compute(
    session: Session, period: Period, min_enrolled: int, *, owner: str | None = None
) -> dict[str, Any]:
    stats: dict[int, _Seq] = defaultdict(_Seq)
    outcomes = _outcomes(session, period, owner)
    rows = session.execute(
        select(E.sequence_id, E.state, E.step, E.stop_reason, func.count())
        .where(_enrolments(period, owner))
        .group_by(E.sequence_id, E.state, E.step, E.stop_reason)
    )
    for sequence_id, state, step, reason, count in rows:
        seq, n = stats[int(sequence_id)], int(count)
        seq.enrolled += n
        seq.states[str(state)] += n
        if reason:
            seq.reasons[str(reason)] += n
        steps_done = int(step)
        for position in range(steps_done + 1):
            seq.reached[position] += n
        for position in range(steps_done):
            seq.passed[position] += n
        if reason in REPLIES:
            seq.replied_after[steps_done] += n
    for sequence_id, (had, won) in outcomes.items():
        stats[sequence_id].opportunities += had
        stats[sequence_id].won += won
    events = session.execute(
        select(E.sequence_id, EV.step, EV.what, func.count())
        .select_from(table_of(EnrolmentEvent))
        .join(table_of(Enrolment), E.id == EV.enrolment_id)
        .where(_enrolments(period, owner), EV.what.in_(("done", "skipped")))
        .group_by(E.sequence_id, EV.step, EV.what)
    )
    for sequence_id, step, what, count in events:
        seq = stats[int(sequence_id)]
        (seq.done if what == "done" else seq.skipped)[int(step or 0)] += int(count)
    steps: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for sequence_id, position, channel in session.execute(
        select(S.sequence_id, S.position, S.channel).order_by(S.sequence_id, S.position)
    ):
        steps[int(sequence_id)].append((int(position), str(channel)))
    out = []
    for sequence_id, uuid, name, retired, deleted in session.execute(
        select(Q.id, Q.uuid, Q.name, Q.retired_at, Q.deleted_at).order_by(Q.position, Q.id)
    ):
        seq = stats.get(int(sequence_id), _Seq())
        if deleted is not None and not seq.enrolled:
            continue
        out.append(
            _as_dict(
                seq,
                str(uuid),
                str(name),
                retired is not None,
                deleted is not None,
                steps[int(sequence_id)],
                min_enrolled,
            )
        )
    return {"min_group_leads": min_enrolled, "sequences": out}


def _as_dict(
    seq: _Seq,
    uuid: str,
    name: str,
    retired: bool,
    deleted: bool,
    steps: list[tuple[int, str]],
    min_enrolled: int,
) -> dict[str, Any]:
    n = seq.enrolled
    replied = seq.reasons[StopReason.REPLIED.value]
    meetings = seq.reasons[StopReason.MEETING_BOOKED.value]
    best = max(seq.replied_after.items(), key=lambda kv: (kv[1], -kv[0]), default=None)
    return {
        "uuid": uuid,
        "name": name,
        "retired": retired,
        "deleted": deleted,
        "enrolled": n,
        "active": seq.states["active"],
        "paused": seq.states["paused"],
        "finished": seq.states["finished"],
        "stopped": seq.states["stopped"],
        "stopped_by": dict(sorted(seq.reasons.items())),
        "replied": replied,
        "meeting_booked": meetings,
        "not_interested": seq.reasons[StopReason.NOT_INTERESTED.value],
        "opportunities": seq.opportunities,
        "won": seq.won,
        "reply_rate": rate(replied + meetings, n),
        "reply_rate_ci": _ci(replied + meetings, n),
        "meeting_rate": rate(meetings, n),
        "meeting_rate_ci": _ci(meetings, n),
        "opportunity_rate": rate(seq.opportunities, n),
        "opportunity_rate_ci": _ci(seq.opportunities, n),
        "won_rate": rate(seq.won, n),
        "won_rate_ci": _ci(seq.won, n),
        "meaningful": n >= min_enrolled,
        "most_replies_after_step": best[0] if best is not None and best[1] else None,
        "steps": [
            {
                "step": position + 1,
                "channel": channel,
                "reached": seq.reached[position],
                "done": seq.done[position],
                "skipped": seq.skipped[position],
                "passed": seq.passed[position],
                "replied_after": seq.replied_after[position + 1],
                "reply_rate": rate(seq.replied_after[position + 1], seq.passed[position]),
                "reply_rate_ci": _ci(seq.replied_after[position + 1], seq.passed[position]),
                "meaningful": seq.passed[position] >= min_enrolled,
            }
            for position, channel in steps
        ],
    }
