"""An enrolment as a lead's, contact's or account's detail shows it: sequence, step,
next due, and why it stopped — the live one first, then the past ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, or_, select

from workbench.domain import Contact, Enrolment, Lead, OutreachSequence, table_of
from workbench.services.plurals import counted
from workbench.services.records import RecordKind, RecordRef
from workbench.services.sequences.templates import LIVE_STATES
from workbench.store import Workbench

E: Any = table_of(Enrolment).c
Q: Any = table_of(OutreachSequence).c


@dataclass(frozen=True)
class EnrolmentView:
    id: int
    uuid: str
    sequence: str
    person: str
    kind: str
    person_uuid: str
    state: str
    step: int  # steps done
    steps_total: int
    next_due_at: datetime | None
    enrolled_at: datetime
    ended_at: datetime | None
    stop_reason: str

    @property
    def live(self) -> bool:
        return self.state in LIVE_STATES

    @property
    def summary(self) -> str:
        if self.state == "active" and self.next_due_at is not None:
            due = self.next_due_at.astimezone()
            return f"{self.sequence}: step {self.step + 1} of {self.steps_total}, due {due:%a %d %b %H:%M}"
        if self.state == "paused":
            return f"{self.sequence}: paused at step {self.step + 1} of {self.steps_total}"
        if self.state == "finished":
            return f"{self.sequence}: finished all {counted(self.steps_total, 'step', 'steps')}"
        steps = counted(self.steps_total, "step", "steps")
        return f"{self.sequence}: stopped after {self.step} of {steps} ({self.stop_reason})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "uuid": self.uuid,
            "sequence": self.sequence,
            "person": self.person,
            "kind": self.kind,
            "person_uuid": self.person_uuid,
            "state": self.state,
            "steps_done": self.step,
            "steps": self.steps_total,
            "next_due_at": self.next_due_at.isoformat() if self.next_due_at else None,
            "enrolled_at": self.enrolled_at.isoformat(),
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "stop_reason": self.stop_reason or None,
        }


def _select() -> Any:
    ld, c = table_of(Lead).c, table_of(Contact).c
    return (
        select(
            E.id,
            E.uuid,
            Q.name.label("sequence"),
            E.lead_id,
            ld.name.label("lead_name"),
            ld.uuid.label("lead_uuid"),
            c.name.label("contact_name"),
            c.uuid.label("contact_uuid"),
            E.state,
            E.step,
            E.steps_total,
            E.next_due_at,
            E.enrolled_at,
            E.ended_at,
            E.stop_reason,
        )
        .select_from(table_of(Enrolment))
        .join(table_of(OutreachSequence), Q.id == E.sequence_id)
        .outerjoin(table_of(Lead), ld.id == E.lead_id)
        .outerjoin(table_of(Contact), c.id == E.contact_id)
        .where(E.deleted_at.is_(None))
    )


def _view(r: Any) -> EnrolmentView:
    is_lead = r.lead_id is not None
    return EnrolmentView(
        id=int(r.id),
        uuid=r.uuid,
        sequence=r.sequence,
        person=(r.lead_name if is_lead else r.contact_name) or "",
        kind="lead" if is_lead else "contact",
        person_uuid=(r.lead_uuid if is_lead else r.contact_uuid) or "",
        state=r.state,
        step=int(r.step),
        steps_total=int(r.steps_total),
        next_due_at=r.next_due_at,
        enrolled_at=r.enrolled_at,
        ended_at=r.ended_at,
        stop_reason=r.stop_reason or "",
    )


def for_record_in(conn: Connection, ref: RecordRef) -> list[EnrolmentView]:
    """Enrolments of a lead, a contact, or (for an account) of its people; live first."""
    if ref.kind is RecordKind.LEAD:
        where = E.lead_id == ref.id
    elif ref.kind is RecordKind.CONTACT:
        where = E.contact_id == ref.id
    elif ref.kind is RecordKind.ACCOUNT:
        where = E.account_id == ref.id
    else:
        ld = table_of(Lead).c
        where = or_(E.lead_id.in_(select(ld.id).where(ld.opportunity_id == ref.id)))
    rows = conn.execute(_select().where(where).order_by(E.enrolled_at.desc(), E.id.desc()))
    views = [_view(r) for r in rows]
    return [v for v in views if v.live] + [v for v in views if not v.live]


def for_record(wb: Workbench, ref: RecordRef) -> list[EnrolmentView]:
    with wb.engine.connect() as conn:
        return for_record_in(conn, ref)


def of_sequence_in(conn: Connection, sequence_id: int) -> list[EnrolmentView]:
    rows = conn.execute(_select().where(E.sequence_id == sequence_id).order_by(E.enrolled_at, E.id))
    return [_view(r) for r in rows]
