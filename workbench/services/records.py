"""A pointer to any record a rep can log against, and a one-line description of it.

Quick log, timelines, Today and global search all talk about "a lead, a contact, an
account or an opportunity" without caring which: :class:`RecordRef` is that pointer,
and :func:`describe` turns one into the few words a list shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session

from workbench.domain import Account, Contact, Lead, Opportunity
from workbench.store import Workbench


class RecordKind(StrEnum):
    LEAD = "lead"
    CONTACT = "contact"
    ACCOUNT = "account"
    OPPORTUNITY = "opportunity"


@dataclass(frozen=True)
class RecordRef:
    kind: RecordKind
    id: int

    @classmethod
    def of(cls, kind: str, record_id: int) -> RecordRef:
        return cls(RecordKind(kind), int(record_id))


@dataclass(frozen=True)
class RecordSummary:
    """What a list or a header needs to name a record and reach the person behind it."""

    ref: RecordRef
    uuid: str
    name: str
    company: str = ""
    email: str = ""
    phone: str = ""
    deleted: bool = False

    @property
    def label(self) -> str:
        return f"{self.name} · {self.company}" if self.company and self.company != self.name else self.name


MODELS: dict[RecordKind, type[Lead] | type[Contact] | type[Account] | type[Opportunity]] = {
    RecordKind.LEAD: Lead,
    RecordKind.CONTACT: Contact,
    RecordKind.ACCOUNT: Account,
    RecordKind.OPPORTUNITY: Opportunity,
}


def describe(session: Session, ref: RecordRef) -> RecordSummary | None:
    """The record's name, company, email and phone; None when it does not exist."""
    if ref.kind is RecordKind.LEAD:
        lead = session.get(Lead, ref.id)
        if lead is None:
            return None
        return RecordSummary(
            ref, lead.uuid, lead.name, lead.company, lead.email, lead.phone, lead.deleted_at is not None
        )
    if ref.kind is RecordKind.CONTACT:
        contact = session.get(Contact, ref.id)
        if contact is None:
            return None
        account = session.get(Account, contact.account_id) if contact.account_id else None
        return RecordSummary(
            ref,
            contact.uuid,
            contact.name,
            account.name if account else "",
            contact.email,
            contact.phone,
            contact.deleted_at is not None,
        )
    if ref.kind is RecordKind.ACCOUNT:
        acc = session.get(Account, ref.id)
        if acc is None:
            return None
        return RecordSummary(ref, acc.uuid, acc.name, "", "", "", acc.deleted_at is not None)
    opp = session.get(Opportunity, ref.id)
    if opp is None:
        return None
    account = session.get(Account, opp.account_id) if opp.account_id else None
    contact = session.get(Contact, opp.contact_id) if opp.contact_id else None
    return RecordSummary(
        ref,
        opp.uuid,
        opp.name,
        account.name if account else "",
        contact.email if contact else "",
        contact.phone if contact else "",
        opp.deleted_at is not None,
    )


def find_by_uuid(session: Session, kind: RecordKind, uuid: str) -> RecordRef | None:
    from sqlmodel import select

    model = MODELS[kind]
    row_id = session.exec(select(model.id).where(model.uuid == uuid.strip())).first()
    return None if row_id is None else RecordRef(kind, int(row_id))


def summarise(wb: Workbench, ref: RecordRef) -> RecordSummary | None:
    """:func:`describe` in its own read session, for widgets."""
    with wb.reading() as session:
        return describe(session, ref)


def account_of_contact(wb: Workbench, contact_id: int) -> int | None:
    with wb.reading() as session:
        contact = session.get(Contact, contact_id)
        return contact.account_id if contact is not None else None
