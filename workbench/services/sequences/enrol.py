"""Enrolment: people into a sequence, and each enrolment through its steps.

One live (active or paused) enrolment per person: enrolling someone who has one raises
:class:`NeedsReplace` unless ``replace=True``, which stops the old one ("replaced").
Refused (with the reason, nothing written): a trashed, disqualified or converted lead,
a trashed contact, anyone without an email when the sequence has an email step, a
retired sequence or one without steps. For a selection, ``skip_refused=True`` enrols
the others (the UI asks first).

Due moments are working days after the previous step *as it was done* (not as it was
due), inside working hours (:mod:`workbench.services.workdays`). A step not done stays
due — overdue — until it is done, skipped or the enrolment ends.

Bulk work is Core SQL on a connection (5,000 leads in one statement per chunk); the
same functions run inside the sessions of outreach, triage and pipeline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from workbench.domain import (
    Contact,
    Enrolment,
    EnrolmentEvent,
    EnrolmentState,
    Lead,
    LeadStatus,
    OutreachSequence,
    SequenceStep,
    StepChannel,
    StopReason,
    new_uuid,
    table_of,
)
from workbench.services.records import RecordKind, RecordRef
from workbench.services.sequences.templates import LIVE_STATES, SequenceError
from workbench.services.workdays import due_after
from workbench.store import Workbench

E: Any = table_of(Enrolment).c
EV: Any = table_of(EnrolmentEvent).c
_CHUNK = 500


class NeedsReplace(SequenceError):
    """Some of the people already have a live enrolment; ask, then call with replace=True."""

    def __init__(self, names: list[str], count: int) -> None:
        shown = ", ".join(names[:5]) + (f" and {count - 5} more" if count > 5 else "")
        super().__init__(f"{count} already in a sequence ({shown}); replace their enrolment?")
        self.names = names
        self.count = count


@dataclass(frozen=True)
class Refusal:
    ref: RecordRef
    name: str
    reason: str


class Refused(SequenceError):
    """Some of the people cannot be enrolled (the reasons in ``refusals``); nothing was
    written. ``enrollable`` of them could be, with ``skip_refused=True``."""

    def __init__(self, message: str, refusals: list[Refusal], enrollable: int) -> None:
        super().__init__(message)
        self.refusals = refusals
        self.enrollable = enrollable


@dataclass(frozen=True)
class Before:
    """An enrolment's state before a stop or a replace, for undo."""

    id: int
    state: str
    next_due_at: datetime | None
    paused_at: datetime | None


@dataclass(frozen=True)
class EnrolResult:
    enrolled: tuple[int, ...] = ()
    replaced: tuple[Before, ...] = ()
    refused: tuple[Refusal, ...] = ()


@dataclass
class _Person:
    ref: RecordRef
    name: str
    lead_id: int | None = None
    contact_id: int | None = None
    account_id: int | None = None
    problem: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    unique = sorted({int(i) for i in ids})
    for start in range(0, len(unique), _CHUNK):
        yield unique[start : start + _CHUNK]


def steps_of(conn: Connection, sequence_id: int) -> list[tuple[str, int]]:
    """(channel, wait_days) of each step in order."""
    s = table_of(SequenceStep).c
    rows = conn.execute(
        select(s.channel, s.wait_days).where(s.sequence_id == sequence_id).order_by(s.position)
    )
    return [(str(r[0]), int(r[1])) for r in rows]


def _sequence(conn: Connection, sequence_id: int) -> tuple[str, list[tuple[str, int]]]:
    q = table_of(OutreachSequence).c
    row = conn.execute(select(q.name, q.deleted_at, q.retired_at).where(q.id == sequence_id)).first()
    if row is None or row[1] is not None:
        raise SequenceError("the sequence was deleted or does not exist")
    if row[2] is not None:
        raise SequenceError(f"{row[0]!r} is retired; copy it or bring it back to enrol people")
    steps = steps_of(conn, sequence_id)
    if not steps:
        raise SequenceError(f"{row[0]!r} has no steps")
    return str(row[0]), steps


def _resolve(conn: Connection, refs: Sequence[RecordRef]) -> list[_Person]:
    """The people behind ``refs`` (an account stands for its live contacts), with the
    problem that keeps each out, if any."""
    lead_ids = [r.id for r in refs if r.kind is RecordKind.LEAD]
    contact_ids = [r.id for r in refs if r.kind is RecordKind.CONTACT]
    account_ids = [r.id for r in refs if r.kind is RecordKind.ACCOUNT]
    people: list[_Person] = []
    ld = table_of(Lead).c
    found: set[int] = set()
    for chunk in _chunks(lead_ids):
        for row in conn.execute(
            select(ld.id, ld.name, ld.company, ld.status, ld.deleted_at, ld.email, ld.account_id).where(
                ld.id.in_(chunk)
            )
        ):
            found.add(int(row.id))
            person = _Person(RecordRef(RecordKind.LEAD, int(row.id)), row.name or row.company or "a lead")
            person.lead_id, person.account_id = int(row.id), row.account_id
            person.extra["email"] = row.email or ""
            if row.deleted_at is not None:
                person.problem = "is in the trash"
            elif row.status == LeadStatus.DISQUALIFIED:
                person.problem = "is disqualified"
            elif row.status == LeadStatus.CONVERTED:
                person.problem = "is converted (enrol the contact instead)"
            people.append(person)
    for lead_id in sorted(set(lead_ids) - found):
        people.append(
            _Person(RecordRef(RecordKind.LEAD, lead_id), f"lead #{lead_id}", problem="does not exist")
        )
    c = table_of(Contact).c
    seen: set[int] = set()
    queries: list[Any] = [c.id.in_(chunk) for chunk in _chunks(contact_ids)]
    queries += [c.account_id.in_(chunk) & c.deleted_at.is_(None) for chunk in _chunks(account_ids)]
    for where in queries:
        for crow in conn.execute(select(c.id, c.name, c.deleted_at, c.email, c.account_id).where(where)):
            if int(crow.id) in seen:
                continue
            seen.add(int(crow.id))
            person = _Person(RecordRef(RecordKind.CONTACT, int(crow.id)), crow.name or "a contact")
            person.contact_id, person.account_id = int(crow.id), crow.account_id
            person.extra["email"] = crow.email or ""
            if crow.deleted_at is not None:
                person.problem = "is in the trash"
            people.append(person)
    for contact_id in sorted(set(contact_ids) - seen):
        people.append(
            _Person(
                RecordRef(RecordKind.CONTACT, contact_id), f"contact #{contact_id}", problem="does not exist"
            )
        )
    if account_ids and not any(
        p.ref.kind is RecordKind.CONTACT and p.account_id in account_ids for p in people
    ):
        raise SequenceError("the account has no buying team yet; add its contacts first")
    return people


def _live_of(conn: Connection, people: Sequence[_Person]) -> dict[tuple[str, int], int]:
    """(kind, person id) → their live enrolment's id."""
    out: dict[tuple[str, int], int] = {}
    for kind, column, ids in (
        ("lead", E.lead_id, [p.lead_id for p in people if p.lead_id]),
        ("contact", E.contact_id, [p.contact_id for p in people if p.contact_id]),
    ):
        for chunk in _chunks(i for i in ids if i is not None):
            rows = conn.execute(
                select(column, E.id).where(
                    column.in_(chunk), E.state.in_(LIVE_STATES), E.deleted_at.is_(None)
                )
            )
            for person_id, enrolment_id in rows:
                out[(kind, int(person_id))] = int(enrolment_id)
    return out


def enrol_in(
    conn: Connection,
    sequence_id: int,
    refs: Sequence[RecordRef],
    *,
    now: datetime,
    tz: tzinfo | None = None,
    replace: bool = False,
    skip_refused: bool = False,
) -> EnrolResult:
    if not refs:
        raise SequenceError("nobody to enrol")
    _name, steps = _sequence(conn, sequence_id)
    has_email = any(channel == StepChannel.EMAIL for channel, _wait in steps)
    people = _resolve(conn, refs)
    for person in people:
        if not person.problem and has_email and not str(person.extra.get("email", "")).strip():
            person.problem = "has no email address and the sequence has an email step"
    refused = [Refusal(p.ref, p.name, p.problem) for p in people if p.problem]
    if refused and not skip_refused:
        shown = "; ".join(f"{r.name} {r.reason}" for r in refused[:5])
        more = f" (and {len(refused) - 5} more)" if len(refused) > 5 else ""
        raise Refused(f"cannot enrol: {shown}{more}", refused, len(people) - len(refused))
    ok = [p for p in people if not p.problem]
    if not ok:
        raise SequenceError("nobody left to enrol")
    live = _live_of(conn, ok)
    if live and not replace:
        names = [p.name for p in ok if (p.ref.kind.value, p.ref.id) in live]
        raise NeedsReplace(names, len(names))
    replaced = stop_ids(conn, list(live.values()), StopReason.REPLACED, now)
    first_due = due_after(now, steps[0][1], tz)
    rows = [
        {
            "uuid": new_uuid(),
            "created_at": now,
            "updated_at": now,
            "deleted_at": None,
            "owner": "",
            "sequence_id": sequence_id,
            "lead_id": p.lead_id,
            "contact_id": p.contact_id,
            "account_id": p.account_id,
            "state": EnrolmentState.ACTIVE.value,
            "step": 0,
            "steps_total": len(steps),
            "next_due_at": first_due,
            "enrolled_at": now,
            "paused_at": None,
            "ended_at": None,
            "stop_reason": "",
        }
        for p in ok
    ]
    table = table_of(Enrolment)
    enrolled: list[int] = []
    for start in range(0, len(rows), 2000):
        result = conn.execute(insert(table).returning(table.c.id), rows[start : start + 2000])
        enrolled.extend(int(r[0]) for r in result)
    return EnrolResult(tuple(enrolled), tuple(replaced), tuple(refused))


def enrol(
    wb: Workbench,
    sequence_id: int,
    refs: Sequence[RecordRef],
    *,
    now: datetime,
    tz: tzinfo | None = None,
    replace: bool = False,
    skip_refused: bool = False,
) -> EnrolResult:
    """Enrol leads, contacts or accounts' buying teams in one transaction."""
    with wb.session() as session:
        return enrol_in(
            session.connection(),
            sequence_id,
            refs,
            now=now,
            tz=tz,
            replace=replace,
            skip_refused=skip_refused,
        )


def undo_enrol(wb: Workbench, result: EnrolResult, *, now: datetime) -> None:
    """Take back an enrolment: the new ones removed, the replaced ones live again."""
    with wb.session() as session:
        conn = session.connection()
        for chunk in _chunks(result.enrolled):
            conn.execute(delete(table_of(EnrolmentEvent)).where(EV.enrolment_id.in_(chunk)))
            conn.execute(delete(table_of(Enrolment)).where(E.id.in_(chunk)))
        restore_states(conn, result.replaced, now)


# --- state changes --------------------------------------------------------------------


def _event(conn: Connection, enrolment_id: int, what: str, now: datetime, **values: Any) -> None:
    conn.execute(
        insert(table_of(EnrolmentEvent)),
        [
            {
                "uuid": new_uuid(),
                "enrolment_id": enrolment_id,
                "at": now,
                "what": what,
                "step": values.get("step"),
                "activity_id": values.get("activity_id"),
                "note": values.get("note", ""),
            }
        ],
    )


def stop_ids(conn: Connection, ids: Sequence[int], reason: str, now: datetime) -> list[Before]:
    """Stop the live enrolments among ``ids`` with ``reason``; returns what they were."""
    befores: list[Before] = []
    for chunk in _chunks(ids):
        rows = conn.execute(
            select(E.id, E.state, E.next_due_at, E.paused_at, E.step).where(
                E.id.in_(chunk), E.state.in_(LIVE_STATES)
            )
        ).all()
        if not rows:
            continue
        live = [int(r.id) for r in rows]
        befores.extend(Before(int(r.id), str(r.state), r.next_due_at, r.paused_at) for r in rows)
        conn.execute(
            update(table_of(Enrolment))
            .where(E.id.in_(live))
            .values(
                state=EnrolmentState.STOPPED.value,
                stop_reason=str(reason),
                ended_at=now,
                next_due_at=None,
                updated_at=now,
            )
        )
        conn.execute(
            insert(table_of(EnrolmentEvent)),
            [
                {
                    "uuid": new_uuid(),
                    "enrolment_id": int(r.id),
                    "at": now,
                    "what": "stopped",
                    "step": int(r.step),
                    "activity_id": None,
                    "note": str(reason),
                }
                for r in rows
            ],
        )
    return befores


def restore_states(conn: Connection, befores: Sequence[Before], now: datetime) -> None:
    """Undo a stop: each enrolment back to the state it had (its stop noted in history)."""
    for before in befores:
        conn.execute(
            update(table_of(Enrolment))
            .where(E.id == before.id)
            .values(
                state=before.state,
                next_due_at=before.next_due_at,
                paused_at=before.paused_at,
                ended_at=None,
                stop_reason="",
                updated_at=now,
            )
        )
        _event(conn, before.id, "reopened", now)


def _row(conn: Connection, enrolment_id: int) -> Any:
    row = conn.execute(
        select(
            E.id, E.sequence_id, E.state, E.step, E.steps_total, E.next_due_at, E.paused_at, E.deleted_at
        ).where(E.id == enrolment_id)
    ).first()
    if row is None or row.deleted_at is not None:
        raise SequenceError("the enrolment was deleted or does not exist")
    return row


def advance(
    conn: Connection,
    enrolment_id: int,
    *,
    now: datetime,
    tz: tzinfo | None = None,
    activity_id: int | None = None,
    skipped: bool = False,
) -> Before:
    """The current step done (or skipped): schedule the next, or finish after the last."""
    row = _row(conn, enrolment_id)
    if row.state != EnrolmentState.ACTIVE:
        raise SequenceError(
            f"the enrolment is {row.state}; resume it first"
            if row.state == "paused"
            else f"the enrolment has {row.state}"
        )
    before = Before(int(row.id), str(row.state), row.next_due_at, row.paused_at)
    steps = steps_of(conn, int(row.sequence_id))
    step = int(row.step)
    _event(conn, enrolment_id, "skipped" if skipped else "done", now, step=step, activity_id=activity_id)
    following = step + 1
    if following >= len(steps):
        conn.execute(
            update(table_of(Enrolment))
            .where(E.id == enrolment_id)
            .values(
                state=EnrolmentState.FINISHED.value,
                step=len(steps),
                steps_total=len(steps),
                next_due_at=None,
                ended_at=now,
                updated_at=now,
            )
        )
        _event(conn, enrolment_id, "finished", now, step=following)
    else:
        conn.execute(
            update(table_of(Enrolment))
            .where(E.id == enrolment_id)
            .values(
                step=following,
                steps_total=len(steps),
                next_due_at=due_after(now, steps[following][1], tz),
                updated_at=now,
            )
        )
    return before


@dataclass(frozen=True)
class StepUndo:
    """Enough to take back a step done or skipped."""

    before: Before
    step: int
    state: str


def _snapshot(conn: Connection, enrolment_id: int) -> StepUndo:
    row = _row(conn, enrolment_id)
    return StepUndo(
        Before(int(row.id), str(row.state), row.next_due_at, row.paused_at), int(row.step), str(row.state)
    )


def skip_step(wb: Workbench, enrolment_id: int, *, now: datetime, tz: tzinfo | None = None) -> StepUndo:
    with wb.session() as session:
        conn = session.connection()
        snap = _snapshot(conn, enrolment_id)
        advance(conn, enrolment_id, now=now, tz=tz, skipped=True)
        return snap


def undo_step(wb: Workbench, snap: StepUndo, *, now: datetime) -> None:
    with wb.session() as session:
        conn = session.connection()
        conn.execute(
            update(table_of(Enrolment))
            .where(E.id == snap.before.id)
            .values(
                state=snap.state,
                step=snap.step,
                next_due_at=snap.before.next_due_at,
                ended_at=None,
                updated_at=now,
            )
        )
        _event(conn, snap.before.id, "step undone", now, step=snap.step)


def pause(wb: Workbench, enrolment_id: int, *, now: datetime) -> None:
    with wb.session() as session:
        conn = session.connection()
        row = _row(conn, enrolment_id)
        if row.state != EnrolmentState.ACTIVE:
            raise SequenceError(f"only an active enrolment can be paused (this one is {row.state})")
        conn.execute(
            update(table_of(Enrolment))
            .where(E.id == enrolment_id)
            .values(state=EnrolmentState.PAUSED.value, paused_at=now, updated_at=now)
        )
        _event(conn, enrolment_id, "paused", now, step=int(row.step))


def resume(wb: Workbench, enrolment_id: int, *, now: datetime) -> None:
    """A paused enrolment goes on where it was; a step that fell due meanwhile is due now."""
    with wb.session() as session:
        conn = session.connection()
        row = _row(conn, enrolment_id)
        if row.state != EnrolmentState.PAUSED:
            raise SequenceError(f"only a paused enrolment can be resumed (this one is {row.state})")
        conn.execute(
            update(table_of(Enrolment))
            .where(E.id == enrolment_id)
            .values(state=EnrolmentState.ACTIVE.value, paused_at=None, updated_at=now)
        )
        _event(conn, enrolment_id, "resumed", now, step=int(row.step))


def stop(
    wb: Workbench, enrolment_id: int, *, now: datetime, reason: str = StopReason.BY_HAND
) -> list[Before]:
    with wb.session() as session:
        conn = session.connection()
        row = _row(conn, enrolment_id)
        if row.state not in LIVE_STATES:
            raise SequenceError(f"the enrolment has already {row.state}")
        return stop_ids(conn, [enrolment_id], reason, now)


def undo_stop(wb: Workbench, befores: Sequence[Before], *, now: datetime) -> None:
    with wb.session() as session:
        restore_states(session.connection(), befores, now)


def live_for(conn: Connection, ref: RecordRef) -> int | None:
    """The live enrolment of a lead or contact, if any."""
    column = E.lead_id if ref.kind is RecordKind.LEAD else E.contact_id
    row = conn.execute(
        select(E.id).where(column == ref.id, E.state.in_(LIVE_STATES), E.deleted_at.is_(None))
    ).first()
    return int(row[0]) if row is not None else None


def stop_person(wb: Workbench, sequence_id: int, ref: RecordRef, *, now: datetime) -> list[Before]:
    """Stop ``ref``'s live enrolment in ``sequence_id`` (the CLI's ``sequences stop``)."""
    with wb.session() as session:
        conn = session.connection()
        column = E.lead_id if ref.kind is RecordKind.LEAD else E.contact_id
        row = conn.execute(
            select(E.id).where(
                column == ref.id,
                E.sequence_id == sequence_id,
                E.state.in_(LIVE_STATES),
                E.deleted_at.is_(None),
            )
        ).first()
        if row is None:
            raise SequenceError(f"the {ref.kind.value} has no live enrolment in this sequence")
        return stop_ids(conn, [int(row[0])], StopReason.BY_HAND, now)


def step_snapshot(wb: Workbench, enrolment_id: int) -> StepUndo:
    """An enrolment as it is now, before a quick log completes its step (for undo)."""
    with wb.engine.connect() as conn:
        return _snapshot(conn, enrolment_id)


def redo_step(
    wb: Workbench,
    enrolment_id: int,
    *,
    now: datetime,
    tz: tzinfo | None = None,
    activity_id: int | None = None,
) -> None:
    """Do a step again after its undo (the quick log's redo)."""
    with wb.session() as session:
        advance(session.connection(), enrolment_id, now=now, tz=tz, activity_id=activity_id)


def live_enrolment(wb: Workbench, ref: RecordRef) -> int | None:
    """The live enrolment of a lead or contact, in its own read."""
    with wb.engine.connect() as conn:
        return live_for(conn, ref)
