"""The sequence steps due now, for Today: "Call · step 3 of 7 · New inbound".

Due means an active enrolment whose next step's moment has come (today's end in the
rep's zone included, so the whole day's plan is visible in the morning); overdue ones
first. One ordered walk of ``ix_enrolment_due`` finds them; Today's queue reads them
through :func:`due_between` (its overdue rows and those due later today, each a range
of that index), :data:`LIMIT` rows and the count. :func:`step_of` reads one
enrolment's step again when the rep acts on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import Connection, and_, func, select

from workbench.domain import (
    Account,
    Contact,
    Enrolment,
    EnrolmentState,
    Lead,
    OutreachSequence,
    SequenceStep,
    StepChannel,
    table_of,
)
from workbench.services.records import RecordKind, RecordRef
from workbench.services.sequences.merge import Rendered, render, values_for
from workbench.store import Workbench

LIMIT = 50

E: Any = table_of(Enrolment).c
S: Any = table_of(SequenceStep).c
Q: Any = table_of(OutreachSequence).c
L: Any = table_of(Lead).c
C: Any = table_of(Contact).c
A: Any = table_of(Account).c


@dataclass(frozen=True)
class DueStep:
    enrolment_id: int
    ref: RecordRef
    person: str
    company: str
    email: str
    phone: str
    sequence: str
    channel: str
    step: int  # 0-based
    steps_total: int
    due_at: datetime
    overdue: bool
    instructions: str
    subject: str
    body: str

    @property
    def label(self) -> str:
        return f"{self.channel.capitalize()} · step {self.step + 1} of {self.steps_total} · {self.sequence}"

    @property
    def log_channel(self) -> str:
        """The activity channel the step is logged as (a task is a note)."""
        return "note" if self.channel == StepChannel.TASK else self.channel

    def as_dict(self) -> dict[str, Any]:
        return {
            "enrolment": self.enrolment_id,
            "kind": self.ref.kind.value,
            "person": self.person,
            "company": self.company,
            "sequence": self.sequence,
            "channel": self.channel,
            "step": self.step + 1,
            "steps": self.steps_total,
            "due_at": self.due_at.isoformat(),
            "overdue": self.overdue,
        }


def _end_of_today(now: datetime, tz: tzinfo | None) -> datetime:
    local = now.astimezone(tz)
    return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=local.tzinfo)


def _due_where(now: datetime, tz: tzinfo | None) -> Any:
    return _live_due(E.next_due_at < _end_of_today(now, tz))


def _live_due(when: Any) -> Any:
    return and_(E.state == EnrolmentState.ACTIVE.value, E.deleted_at.is_(None), when)


def count_due(conn: Connection, now: datetime, tz: tzinfo | None = None) -> int:
    return _count(conn, _due_where(now, tz))


def _count(conn: Connection, where: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(table_of(Enrolment)).where(where)).scalar_one())


def due_in(conn: Connection, now: datetime, tz: tzinfo | None = None, *, limit: int = LIMIT) -> list[DueStep]:
    return _read(conn, _due_where(now, tz), now, limit)


def due_between(
    conn: Connection, *, start: datetime | None, end: datetime, overdue_before: datetime, limit: int = LIMIT
) -> tuple[list[DueStep], int]:
    """The first ``limit`` steps due in ``[start, end)`` (from any time when ``start``
    is None), in due order, and how many there are in all. Today's queue counts a step
    overdue when it was due before today (not done on its day): steps are planned in
    days, so this morning's call is today's work until midnight."""
    when = E.next_due_at < end if start is None else and_(E.next_due_at >= start, E.next_due_at < end)
    where = _live_due(when)
    steps = _read(conn, where, overdue_before, limit)
    return steps, len(steps) if len(steps) < limit else _count(conn, where)


def step_of(wb: Workbench, enrolment_id: int, now: datetime) -> DueStep | None:
    """The step ``enrolment_id`` has to do next, read again (None once it is not active)."""
    with wb.engine.connect() as conn:
        found = _read(conn, _live_due(E.id == enrolment_id), now, 1)
    return found[0] if found else None


def _read(conn: Connection, where: Any, now: datetime, limit: int) -> list[DueStep]:
    rows = conn.execute(
        select(
            E.id,
            E.lead_id,
            E.contact_id,
            E.step,
            E.steps_total,
            E.next_due_at,
            Q.name.label("sequence"),
            S.channel,
            S.instructions,
            S.subject,
            S.body,
            func.coalesce(L.name, C.name).label("person"),
            func.coalesce(A.name, L.company, "").label("company"),
            func.coalesce(L.email, C.email, "").label("email"),
            func.coalesce(L.phone, C.phone, "").label("phone"),
        )
        .select_from(table_of(Enrolment))
        .join(table_of(OutreachSequence), Q.id == E.sequence_id)
        .outerjoin(table_of(SequenceStep), and_(S.sequence_id == E.sequence_id, S.position == E.step))
        .outerjoin(table_of(Lead), L.id == E.lead_id)
        .outerjoin(table_of(Contact), C.id == E.contact_id)
        .outerjoin(table_of(Account), A.id == E.account_id)
        .where(where)
        .order_by(E.next_due_at, E.id)
        .limit(limit)
    )
    out = []
    for r in rows:
        ref = (
            RecordRef(RecordKind.LEAD, int(r.lead_id))
            if r.lead_id
            else RecordRef(RecordKind.CONTACT, int(r.contact_id))
        )
        out.append(
            DueStep(
                enrolment_id=int(r.id),
                ref=ref,
                person=r.person or "",
                company=r.company or "",
                email=r.email or "",
                phone=r.phone or "",
                sequence=r.sequence,
                channel=r.channel or "task",
                step=int(r.step),
                steps_total=int(r.steps_total),
                due_at=r.next_due_at,
                overdue=r.next_due_at < now,
                instructions=r.instructions or "",
                subject=r.subject or "",
                body=r.body or "",
            )
        )
    return out


def due_steps(
    wb: Workbench, now: datetime, tz: tzinfo | None = None, *, limit: int = LIMIT
) -> tuple[list[DueStep], int]:
    """The first ``limit`` due steps and how many are due in all."""
    with wb.engine.connect() as conn:
        return due_in(conn, now, tz, limit=limit), count_due(conn, now, tz)


@dataclass(frozen=True)
class Email:
    subject: Rendered
    body: Rendered
    to: str

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.subject.missing + self.body.missing))


def email_for(wb: Workbench, step: DueStep) -> Email:
    """An email step's subject and body with the person's merge values."""
    with wb.reading() as session:
        values = values_for(
            session,
            lead_id=step.ref.id if step.ref.kind is RecordKind.LEAD else None,
            contact_id=step.ref.id if step.ref.kind is RecordKind.CONTACT else None,
        )
    return Email(render(step.subject, values), render(step.body, values), step.email)
