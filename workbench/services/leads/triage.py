"""Triage: moving leads between statuses in one key, and bringing nurture leads back.

Transitions (applied to many leads at once):

* **working** — the rep is on it;
* **nurture** with a revisit date — not now, but not dead: on that date the lead is
  *due* again (:func:`due_nurture`, the ``revisit`` chip and the Today page list it)
  until the rep triages it anew; an optional note goes on each lead's timeline;
* **qualified** (:func:`unanswered` names the leads with no qualification answer, which
  the UI asks about first);
* **disqualified** with a reason (and an optional note); :func:`untouched` names the
  leads nobody has touched yet, which *no response* would misdescribe;
* **new** — re-open (mainly for undo-like corrections by hand).

Converted leads belong to their opportunity and are never moved by triage; they are
reported as skipped. Leaving ``nurture`` clears the revisit date and leaving
``disqualified`` clears the reason, so a row never carries a stale explanation.

Every change returns the previous :class:`TriageState` of each lead so the UI can undo
it with :func:`restore`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update

from workbench.domain import (
    Activity,
    Answer,
    Channel,
    DisqualifyReason,
    Lead,
    LeadStatus,
    StopReason,
    new_uuid,
    table_of,
)
from workbench.services.clock import Clock, system_clock
from workbench.services.leads.qualification import QUESTIONS
from workbench.services.sequences import stops
from workbench.services.settings import reasons
from workbench.store import Workbench

L: Any = table_of(Lead).c
_CHUNK = 500
#: The longest nurture note (as long as an activity's note may be).
MAX_NOTE = 20_000


class TriageRefused(ValueError):
    """A triage that cannot be applied as asked (bad date, unknown reason)."""


@dataclass(frozen=True)
class TriageState:
    """The triage columns of one lead, as they were before a change."""

    lead_id: int
    status: str
    status_changed_at: datetime | None
    disqualify_reason: str
    disqualify_note: str
    nurture_until: date | None


@dataclass(frozen=True)
class TriageResult:
    changed: list[int]
    #: Leads left alone (converted, trashed or gone).
    skipped: list[int]
    #: Previous state of every changed lead, for undo.
    before: list[TriageState]


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    unique = sorted({int(i) for i in ids})
    for start in range(0, len(unique), _CHUNK):
        yield unique[start : start + _CHUNK]


def _states(conn: Connection, ids: list[int]) -> list[TriageState]:
    rows = conn.execute(
        select(
            L.id, L.status, L.status_changed_at, L.disqualify_reason, L.disqualify_note, L.nurture_until
        ).where(L.id.in_(ids), L.deleted_at.is_(None))
    )
    return [TriageState(int(r[0]), r[1], r[2], r[3] or "", r[4] or "", r[5]) for r in rows]


def states(wb: Workbench, lead_ids: Iterable[int]) -> list[TriageState]:
    with wb.engine.connect() as conn:
        found: list[TriageState] = []
        for batch in _chunks(lead_ids):
            found.extend(_states(conn, batch))
        return found


def _apply(
    wb: Workbench,
    lead_ids: Iterable[int],
    status: LeadStatus,
    extra: dict[str, Any],
    clock: Clock,
    note: str = "",
) -> TriageResult:
    now = clock()
    values = {
        "status": status.value,
        "status_changed_at": now,
        "updated_at": now,
        "disqualify_reason": "",
        "disqualify_note": "",
        "nurture_until": None,
        **extra,
    }
    changed: list[int] = []
    skipped: list[int] = []
    before: list[TriageState] = []
    with wb.engine.begin() as conn:
        for batch in _chunks(lead_ids):
            found = _states(conn, batch)
            movable = [s for s in found if s.status != LeadStatus.CONVERTED.value]
            known = {s.lead_id for s in movable}
            skipped.extend(i for i in batch if i not in known)
            if not movable:
                continue
            conn.execute(update(table_of(Lead)).where(L.id.in_(sorted(known))).values(**values))
            changed.extend(sorted(known))
            before.extend(movable)
            if status is LeadStatus.DISQUALIFIED:
                stops.leads_ended(conn, known, StopReason.DISQUALIFIED, now)
            if note:
                _add_notes(conn, sorted(known), note, now)
    return TriageResult(changed, skipped, before)


def _add_notes(conn: Connection, lead_ids: list[int], note: str, now: datetime) -> None:
    """A note on each lead's timeline, linked like any activity of the lead (a note is no
    touch: the touch columns and speed-to-lead stay as they are)."""
    links = conn.execute(
        select(L.id, L.account_id, L.contact_id, L.opportunity_id).where(L.id.in_(lead_ids))
    ).all()
    rows = [
        {
            "uuid": new_uuid(),
            "created_at": now,
            "updated_at": now,
            "deleted_at": None,
            "owner": "",
            "channel": Channel.NOTE.value,
            "outcome": "",
            "at": now,
            "duration_min": None,
            "note": note,
            "lead_id": lead_id,
            "contact_id": contact_id,
            "account_id": account_id,
            "opportunity_id": opportunity_id,
        }
        for lead_id, account_id, contact_id, opportunity_id in links
    ]
    if rows:
        conn.execute(insert(table_of(Activity)), rows)


def mark_working(wb: Workbench, lead_ids: Iterable[int], *, clock: Clock = system_clock) -> TriageResult:
    return _apply(wb, lead_ids, LeadStatus.WORKING, {}, clock)


def qualify(wb: Workbench, lead_ids: Iterable[int], *, clock: Clock = system_clock) -> TriageResult:
    return _apply(wb, lead_ids, LeadStatus.QUALIFIED, {}, clock)


def reopen(wb: Workbench, lead_ids: Iterable[int], *, clock: Clock = system_clock) -> TriageResult:
    return _apply(wb, lead_ids, LeadStatus.NEW, {}, clock)


def nurture(
    wb: Workbench, lead_ids: Iterable[int], until: date, note: str = "", *, clock: Clock = system_clock
) -> TriageResult:
    """Park leads until ``until`` (a day after today at the earliest); ``note`` (why, what
    to do then) goes on each parked lead's timeline, in the same transaction."""
    if until <= clock().date():
        raise TriageRefused("The revisit date must be in the future.")
    text = note.strip()
    if len(text) > MAX_NOTE:
        raise TriageRefused(f"The note is longer than {MAX_NOTE} characters.")
    return _apply(wb, lead_ids, LeadStatus.NURTURE, {"nurture_until": until}, clock, text)


def untouched(wb: Workbench, lead_ids: Iterable[int]) -> list[int]:
    """The live leads among ``lead_ids`` with no touch logged (no call, email, meeting or
    social touch): *no response* would say something that never happened."""
    return _matching(wb, lead_ids, L.last_touch_at.is_(None))


def unanswered(wb: Workbench, lead_ids: Iterable[int]) -> list[int]:
    """The live leads among ``lead_ids`` with none of the qualification questions
    answered (every one still *unknown*)."""
    unknown = Answer.UNKNOWN.value
    condition = and_(*(func.coalesce(L[f"q_{key}"], unknown) == unknown for key in QUESTIONS))
    return _matching(wb, lead_ids, condition)


def _matching(wb: Workbench, lead_ids: Iterable[int], condition: Any) -> list[int]:
    found: list[int] = []
    with wb.engine.connect() as conn:
        for batch in _chunks(lead_ids):
            stmt = select(L.id).where(L.id.in_(batch), L.deleted_at.is_(None), condition).order_by(L.id)
            found.extend(int(i) for i in conn.execute(stmt).scalars())
    return found


def check_disqualify(reason: str, note: str = "", shown: Sequence[str] = ()) -> str:
    """The reason as it is stored, if it can be used as given: a built-in one
    (:class:`DisqualifyReason`) or one of the rep's own (``shown``, the list in the
    settings). Raises :class:`TriageRefused` otherwise."""
    known = reasons.accepted(reason, shown, (r.value for r in DisqualifyReason))
    if known is None:
        raise TriageRefused(f"Unknown disqualify reason: {reason!r}.")
    if known == DisqualifyReason.OTHER.value and not note.strip():
        raise TriageRefused("Say in a few words why, when the reason is “other”.")
    return known


def disqualify(
    wb: Workbench, lead_ids: Iterable[int], reason: str, note: str = "", *, clock: Clock = system_clock
) -> TriageResult:
    known = check_disqualify(reason, note, reasons.disqualify_reasons(wb))
    extra = {"disqualify_reason": known, "disqualify_note": note.strip()}
    return _apply(wb, lead_ids, LeadStatus.DISQUALIFIED, extra, clock)


def restore(wb: Workbench, previous: Sequence[TriageState]) -> None:
    """Put leads back exactly as they were (the undo of any triage)."""
    with wb.engine.begin() as conn:
        for state in previous:
            conn.execute(
                update(table_of(Lead))
                .where(L.id == state.lead_id)
                .values(
                    status=state.status,
                    status_changed_at=state.status_changed_at,
                    disqualify_reason=state.disqualify_reason,
                    disqualify_note=state.disqualify_note,
                    nurture_until=state.nurture_until,
                )
            )


# --- nurture leads coming back -------------------------------------------------------
@dataclass(frozen=True)
class NurtureDue:
    lead_id: int
    name: str
    company: str
    nurture_until: date


def _due(today: date) -> Any:
    return (L.status == LeadStatus.NURTURE.value) & (L.nurture_until <= today) & L.deleted_at.is_(None)


def due_nurture(wb: Workbench, today: date, *, limit: int = 200) -> list[NurtureDue]:
    """Nurture leads whose revisit date has come (oldest date first), for the Today page."""
    stmt = (
        select(L.id, L.name, L.company, L.nurture_until)
        .where(_due(today))
        .order_by(L.nurture_until, L.id)
        .limit(limit)
    )
    with wb.engine.connect() as conn:
        return [NurtureDue(int(r[0]), r[1] or "", r[2] or "", r[3]) for r in conn.execute(stmt)]


def count_due_nurture(wb: Workbench, today: date) -> int:
    with wb.engine.connect() as conn:
        return int(
            conn.execute(select(func.count()).select_from(table_of(Lead)).where(_due(today))).scalar_one()
        )
