"""Sequence templates: create, edit, reorder, copy, retire, delete.

A draft is checked whole before anything is written (:func:`problems`): a name, at
least one step, known channels, waits of 0–365 working days, email steps with a
subject and only known merge fields. Editing a sequence with live enrolments keeps
them on the same step position (their total is updated); a retired sequence takes no
new enrolments but keeps its history. Deleting one with live enrolments needs
``stop_live=True`` (the UI asks first): they are stopped with the reason kept, and the
sequence goes to the trash, still named in their history.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, or_, update
from sqlmodel import Session, col, select

from workbench.domain import (
    Enrolment,
    EnrolmentState,
    Outcome,
    OutreachSequence,
    SequenceStep,
    StepChannel,
    table_of,
)
from workbench.domain.sequence_defaults import DEFAULT_STOP_OUTCOMES
from workbench.services.plurals import counted
from workbench.services.sequences.merge import MergeError, unknown_fields
from workbench.store import Workbench

MAX_NAME = 200
MAX_WAIT = 365
LIVE_STATES = (EnrolmentState.ACTIVE.value, EnrolmentState.PAUSED.value)


class SequenceError(ValueError):
    """Bad input for a sequence action; nothing was written."""


@dataclass(frozen=True)
class StepDraft:
    channel: str
    wait_days: int = 0
    instructions: str = ""
    subject: str = ""
    body: str = ""


@dataclass(frozen=True)
class SequenceDraft:
    name: str
    steps: tuple[StepDraft, ...]
    description: str = ""
    stop_outcomes: tuple[str, ...] = DEFAULT_STOP_OUTCOMES


@dataclass(frozen=True)
class StepInfo:
    id: int
    position: int
    channel: str
    wait_days: int
    instructions: str
    subject: str
    body: str

    def draft(self) -> StepDraft:
        return StepDraft(self.channel, self.wait_days, self.instructions, self.subject, self.body)


@dataclass(frozen=True)
class SequenceInfo:
    id: int
    uuid: str
    name: str
    description: str
    retired: bool
    stop_outcomes: tuple[str, ...]
    steps: tuple[StepInfo, ...]
    #: Live counts by enrolment state.
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total_days(self) -> int:
        return sum(s.wait_days for s in self.steps)

    def draft(self) -> SequenceDraft:
        return SequenceDraft(
            self.name, tuple(s.draft() for s in self.steps), self.description, self.stop_outcomes
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "uuid": self.uuid,
            "name": self.name,
            "description": self.description,
            "retired": self.retired,
            "stop_outcomes": list(self.stop_outcomes),
            "working_days": self.total_days,
            "steps": [
                {
                    "position": s.position + 1,
                    "channel": s.channel,
                    "wait_days": s.wait_days,
                    "instructions": s.instructions,
                    "subject": s.subject,
                    "body": s.body,
                }
                for s in self.steps
            ],
            "counts": dict(self.counts),
        }


def problems(draft: SequenceDraft) -> list[str]:
    """What is wrong with ``draft``, in words; empty when it can be saved."""
    found: list[str] = []
    if not draft.name.strip():
        found.append("the sequence needs a name")
    elif len(draft.name.strip()) > MAX_NAME:
        found.append(f"the name is longer than {MAX_NAME} characters")
    if not draft.steps:
        found.append("a sequence needs at least one step")
    for number, step in enumerate(draft.steps, start=1):
        where = f"step {number}"
        if step.channel not in set(StepChannel):
            found.append(f"{where}: unknown channel {step.channel!r} (one of: {', '.join(StepChannel)})")
        if isinstance(step.wait_days, bool) or not isinstance(step.wait_days, int):
            found.append(f"{where}: the wait must be a whole number of working days")
        elif step.wait_days < 0:
            found.append(f"{where}: the wait cannot be negative ({step.wait_days} working days)")
        elif step.wait_days > MAX_WAIT:
            found.append(
                f"{where}: the wait is longer than {counted(MAX_WAIT, 'working day', 'working days')}"
            )
        if step.channel == StepChannel.EMAIL and not step.subject.strip():
            found.append(f"{where}: an email step needs a subject")
        for part, text in (
            ("subject", step.subject),
            ("body", step.body),
            ("instructions", step.instructions),
        ):
            try:
                unknown = unknown_fields(text)
            except MergeError as exc:
                found.append(f"{where} {part}: {exc}")
                continue
            if unknown:
                names = ", ".join("{" + u + "}" for u in unknown)
                found.append(f"{where} {part}: unknown merge field {names}")
    for outcome in draft.stop_outcomes:
        if outcome not in set(Outcome):
            found.append(f"unknown stop outcome {outcome!r} (one of: {', '.join(Outcome)})")
    return found


def _check(draft: SequenceDraft) -> None:
    found = problems(draft)
    if found:
        raise SequenceError("; ".join(found))


def check_name(session: Session, name: str, exclude_id: int | None = None) -> str:
    name = name.strip()
    query = (
        select(OutreachSequence.id)
        .where(func.lower(OutreachSequence.name) == name.casefold())
        .where(col(OutreachSequence.deleted_at).is_(None))
    )
    if exclude_id is not None:
        query = query.where(OutreachSequence.id != exclude_id)
    if session.exec(query).first() is not None:
        raise SequenceError(f"a sequence called {name!r} already exists")
    return name


def _write_steps(session: Session, sequence_id: int, steps: Sequence[StepDraft]) -> None:
    for row in session.exec(select(SequenceStep).where(SequenceStep.sequence_id == sequence_id)):
        session.delete(row)
    session.flush()
    for position, step in enumerate(steps):
        session.add(
            SequenceStep(
                sequence_id=sequence_id,
                position=position,
                channel=step.channel,
                wait_days=step.wait_days,
                instructions=step.instructions.strip(),
                subject=step.subject.strip(),
                body=step.body.rstrip(),
            )
        )


def create_in(session: Session, draft: SequenceDraft, *, now: datetime) -> int:
    _check(draft)
    name = check_name(session, draft.name)
    top = session.exec(select(func.max(OutreachSequence.position))).one()
    sequence = OutreachSequence(
        name=name,
        description=draft.description.strip(),
        position=int(top or 0) + 1,
        stop_outcomes=json.dumps(list(draft.stop_outcomes)),
        created_at=now,
        updated_at=now,
    )
    session.add(sequence)
    session.flush()
    assert sequence.id is not None
    _write_steps(session, sequence.id, draft.steps)
    return sequence.id


def create_sequence(wb: Workbench, draft: SequenceDraft, *, now: datetime) -> int:
    with wb.session() as session:
        return create_in(session, draft, now=now)


def update_in(session: Session, sequence_id: int, draft: SequenceDraft, *, now: datetime) -> SequenceDraft:
    """Replace a sequence's name, steps and stop outcomes; returns the previous draft (undo)."""
    _check(draft)
    sequence = live_row(session, sequence_id)
    before = _info(session, sequence).draft()
    sequence.name = check_name(session, draft.name, exclude_id=sequence_id)
    sequence.description = draft.description.strip()
    sequence.stop_outcomes = json.dumps(list(draft.stop_outcomes))
    sequence.updated_at = now
    session.add(sequence)
    _write_steps(session, sequence_id, draft.steps)
    # Live enrolments keep their position; one past the new end has nothing left to do
    # and stays due on the last step rather than vanishing behind the rep's back.
    e = table_of(Enrolment).c
    total = len(draft.steps)
    session.execute(
        update(table_of(Enrolment))
        .where(e.sequence_id == sequence_id, e.state.in_(LIVE_STATES))
        .values(steps_total=total, step=case((e.step > total - 1, total - 1), else_=e.step), updated_at=now)
    )
    return before


def update_sequence(wb: Workbench, sequence_id: int, draft: SequenceDraft, *, now: datetime) -> SequenceDraft:
    with wb.session() as session:
        return update_in(session, sequence_id, draft, now=now)


def reorder_sequences(wb: Workbench, ordered_ids: Sequence[int], *, now: datetime) -> None:
    with wb.session() as session:
        for position, sequence_id in enumerate(ordered_ids):
            sequence = live_row(session, sequence_id)
            sequence.position = position
            sequence.updated_at = now
            session.add(sequence)


def copy_sequence(wb: Workbench, sequence_id: int, *, now: datetime, name: str | None = None) -> int:
    """A new sequence with the same steps, called "<name> (copy)" unless ``name`` is given."""
    with wb.session() as session:
        info = _info(session, live_row(session, sequence_id))
        base = name or f"{info.name} (copy)"
        candidate, n = base, 2
        while name is None and _name_taken(session, candidate):
            candidate, n = f"{base} {n}", n + 1
        draft = SequenceDraft(candidate, info.draft().steps, info.description, info.stop_outcomes)
        return create_in(session, draft, now=now)


def _name_taken(session: Session, name: str) -> bool:
    try:
        check_name(session, name)
    except SequenceError:
        return True
    return False


def set_retired(wb: Workbench, sequence_id: int, retired: bool, *, now: datetime) -> None:
    with wb.session() as session:
        sequence = live_row(session, sequence_id)
        sequence.retired_at = (sequence.retired_at or now) if retired else None
        sequence.updated_at = now
        session.add(sequence)


# --- reading --------------------------------------------------------------------------


def live_row(session: Session, sequence_id: int) -> OutreachSequence:
    row = session.get(OutreachSequence, sequence_id)
    if row is None or row.deleted_at is not None:
        raise SequenceError("the sequence was deleted or does not exist")
    return row


def _stop_outcomes(raw: str) -> tuple[str, ...]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return DEFAULT_STOP_OUTCOMES
    if not isinstance(value, list):
        return DEFAULT_STOP_OUTCOMES
    return tuple(str(v) for v in value if str(v) in set(Outcome))


def _info(session: Session, row: OutreachSequence, counts: dict[str, int] | None = None) -> SequenceInfo:
    assert row.id is not None
    steps = session.exec(
        select(SequenceStep).where(SequenceStep.sequence_id == row.id).order_by(col(SequenceStep.position))
    ).all()
    return SequenceInfo(
        id=row.id,
        uuid=row.uuid,
        name=row.name,
        description=row.description,
        retired=row.retired_at is not None,
        stop_outcomes=_stop_outcomes(row.stop_outcomes),
        steps=tuple(
            StepInfo(s.id or 0, s.position, s.channel, s.wait_days, s.instructions, s.subject, s.body)
            for s in steps
        ),
        counts=counts or {},
    )


def _counts(session: Session) -> dict[int, dict[str, int]]:
    e = table_of(Enrolment).c
    out: dict[int, dict[str, int]] = {}
    rows = session.execute(
        select(e.sequence_id, e.state, func.count())
        .where(e.deleted_at.is_(None))
        .group_by(e.sequence_id, e.state)
    )
    for sequence_id, state, n in rows:
        out.setdefault(int(sequence_id), {})[str(state)] = int(n)
    return out


def list_in(session: Session, *, include_retired: bool = True) -> list[SequenceInfo]:
    query = select(OutreachSequence).where(col(OutreachSequence.deleted_at).is_(None))
    if not include_retired:
        query = query.where(col(OutreachSequence.retired_at).is_(None))
    rows = session.exec(query.order_by(col(OutreachSequence.position), col(OutreachSequence.id))).all()
    counts = _counts(session)
    return [_info(session, r, counts.get(r.id or 0, {})) for r in rows]


def list_sequences(wb: Workbench, *, include_retired: bool = True) -> list[SequenceInfo]:
    with wb.reading() as session:
        return list_in(session, include_retired=include_retired)


def get_in(session: Session, sequence_id: int) -> SequenceInfo:
    row = live_row(session, sequence_id)
    return _info(session, row, _counts(session).get(sequence_id, {}))


def get_sequence(wb: Workbench, sequence_id: int) -> SequenceInfo:
    with wb.reading() as session:
        return get_in(session, sequence_id)


def find_in(session: Session, key: str) -> int | None:
    """A live sequence's id by UUID or by name (any case)."""
    key = key.strip()
    row = session.exec(
        select(OutreachSequence.id)
        .where(col(OutreachSequence.deleted_at).is_(None))
        .where(or_(col(OutreachSequence.uuid) == key, func.lower(OutreachSequence.name) == key.casefold()))
    ).first()
    return int(row) if row is not None else None
