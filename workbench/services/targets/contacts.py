"""Contacts of accounts: the buying team, with each person's role in the decision.

Email and phone are checked (``email-validator``, ``phonenumbers``) and the problems
are returned for the form to show, but they never stop a save: reps keep what they
have. A contact needs at least a name or an email.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from sqlmodel import Session, col, select

from workbench.domain import Account, BuyingRole, Contact, Lead
from workbench.domain.normalize import (
    check_email,
    check_phone,
    email_norm,
    full_name,
    is_free_mail,
    split_full_name,
)
from workbench.exchange.vcard import VCardPerson
from workbench.services.clock import Clock, system_clock
from workbench.services.targets import accounts

#: The roles of a complete buying team ("the perfect lead has the whole team").
TEAM_ROLES: tuple[BuyingRole, ...] = (
    BuyingRole.DECISION_MAKER,
    BuyingRole.CHAMPION,
    BuyingRole.INFLUENCER,
    BuyingRole.USER,
    BuyingRole.GATEKEEPER,
)


class ContactError(ValueError):
    """Input a contact cannot be saved with."""


@dataclass(frozen=True)
class ContactInput:
    first_name: str = ""
    last_name: str = ""
    title: str = ""
    buying_role: BuyingRole | str = BuyingRole.UNKNOWN
    email: str = ""
    phone: str = ""
    linkedin_url: str = ""
    notes: str = ""
    account_id: int | None = None


@dataclass(frozen=True)
class ContactInfo:
    id: int
    uuid: str
    account_id: int | None
    first_name: str
    last_name: str
    name: str
    title: str
    buying_role: str
    email: str
    phone: str
    phone_e164: str
    linkedin_url: str
    notes: str
    origin_lead_id: int | None

    def as_input(self) -> ContactInput:
        return ContactInput(
            first_name=self.first_name,
            last_name=self.last_name,
            title=self.title,
            buying_role=self.buying_role,
            email=self.email,
            phone=self.phone,
            linkedin_url=self.linkedin_url,
            notes=self.notes,
            account_id=self.account_id,
        )


@dataclass(frozen=True)
class Problems:
    """What looks wrong with a saved contact's fields (shown, never blocking)."""

    email: str = ""
    phone: str = ""

    def __bool__(self) -> bool:
        return bool(self.email or self.phone)


def check_input(data: ContactInput, phone_region: str = "US") -> Problems:
    return Problems(check_email(data.email).problem, check_phone(data.phone, phone_region).problem)


def _apply(contact: Contact, data: ContactInput, phone_region: str) -> None:
    first = " ".join(data.first_name.split())
    last = " ".join(data.last_name.split())
    email = data.email.strip()
    if not (first or last or email):
        raise ContactError("A contact needs a name or an email address.")
    checked_email = check_email(email)
    checked_phone = check_phone(data.phone, phone_region)
    contact.first_name = first
    contact.last_name = last
    contact.name = full_name(first, last) or email
    contact.title = data.title.strip()
    contact.buying_role = BuyingRole(data.buying_role or BuyingRole.UNKNOWN).value
    contact.email = checked_email.value if not checked_email.problem else email
    contact.email_norm = email_norm(contact.email)
    contact.phone = data.phone.strip()
    contact.phone_e164 = "" if checked_phone.problem else checked_phone.value
    contact.linkedin_url = data.linkedin_url.strip()
    contact.notes = data.notes.strip()


def create_contact(
    session: Session, data: ContactInput, *, phone_region: str = "US", clock: Clock = system_clock
) -> int:
    if data.account_id is not None:
        accounts.live_account(session, data.account_id)
    now = clock()
    contact = Contact(account_id=data.account_id, created_at=now, updated_at=now)
    _apply(contact, data, phone_region)
    session.add(contact)
    session.flush()
    assert contact.id is not None
    return contact.id


def update_contact(
    session: Session,
    contact_id: int,
    data: ContactInput,
    *,
    phone_region: str = "US",
    clock: Clock = system_clock,
) -> None:
    contact = _live(session, contact_id)
    if data.account_id is not None and data.account_id != contact.account_id:
        accounts.live_account(session, data.account_id)
    _apply(contact, data, phone_region)
    contact.account_id = data.account_id
    contact.updated_at = clock()
    session.add(contact)


def set_role(session: Session, contact_id: int, role: BuyingRole | str) -> None:
    contact = _live(session, contact_id)
    contact.buying_role = BuyingRole(role).value
    session.add(contact)


def _live(session: Session, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id)
    if contact is None or contact.deleted_at is not None:
        raise ContactError(f"There is no contact {contact_id}.")
    return contact


def _info(c: Contact) -> ContactInfo:
    assert c.id is not None
    return ContactInfo(
        id=c.id,
        uuid=c.uuid,
        account_id=c.account_id,
        first_name=c.first_name,
        last_name=c.last_name,
        name=c.name,
        title=c.title,
        buying_role=c.buying_role,
        email=c.email,
        phone=c.phone,
        phone_e164=c.phone_e164,
        linkedin_url=c.linkedin_url,
        notes=c.notes,
        origin_lead_id=c.origin_lead_id,
    )


def get_contact(session: Session, contact_id: int) -> ContactInfo:
    return _info(_live(session, contact_id))


def list_contacts(session: Session, account_id: int) -> list[ContactInfo]:
    """The account's contacts: decision makers first, then by name."""
    rows = session.exec(
        select(Contact)
        .where(Contact.account_id == account_id, col(Contact.deleted_at).is_(None))
        .order_by(col(Contact.name))
    ).all()
    order = {role.value: i for i, role in enumerate((*TEAM_ROLES, BuyingRole.UNKNOWN))}
    return sorted((_info(r) for r in rows), key=lambda c: (order.get(c.buying_role, 99), c.name.casefold()))


def delete_contact(session: Session, contact_id: int, clock: Clock = system_clock) -> None:
    """Move a contact to the trash (restorable: it only gets ``deleted_at``)."""
    contact = _live(session, contact_id)
    contact.deleted_at = clock()
    session.add(contact)


def restore_contact(session: Session, contact_id: int) -> None:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise ContactError(f"There is no contact {contact_id}.")
    contact.deleted_at = None
    session.add(contact)


# --- buying team -------------------------------------------------------------------
@dataclass(frozen=True)
class BuyingTeam:
    members: dict[str, list[ContactInfo]] = field(default_factory=dict)
    missing: tuple[BuyingRole, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def covered(self) -> int:
        return len(TEAM_ROLES) - len(self.missing)


def buying_team(session: Session, account_id: int) -> BuyingTeam:
    people = list_contacts(session, account_id)
    members: dict[str, list[ContactInfo]] = {role.value: [] for role in (*TEAM_ROLES, BuyingRole.UNKNOWN)}
    for person in people:
        members.setdefault(person.buying_role, []).append(person)
    missing = tuple(role for role in TEAM_ROLES if not members[role.value])
    return BuyingTeam(members, missing)


# --- from a lead ----------------------------------------------------------------------
@dataclass(frozen=True)
class FromLead:
    contact_id: int
    account_id: int | None
    created: bool  # False when the lead's email already belonged to a contact
    account_created: bool = False


def contact_from_lead(
    session: Session,
    lead_id: int,
    *,
    create_account: bool = False,
    phone_region: str = "US",
    clock: Clock = system_clock,
) -> FromLead:
    """A contact made from a lead's person fields, on the lead's account (matched by
    domain or company when the lead has none; created from the company name when asked).
    A contact with the same email on that account is reused instead of duplicated."""
    lead = session.get(Lead, lead_id)
    if lead is None or lead.deleted_at is not None:
        raise ContactError(f"There is no lead {lead_id}.")
    account_id = lead.account_id or accounts.account_for(session, email=lead.email, company=lead.company)
    account_created = False
    if account_id is None and create_account and lead.company.strip():
        account_id = accounts.create_account(
            session, accounts.AccountInput(name=lead.company, website=_lead_domain(lead)), clock=clock
        )
        account_created = True
    if lead.contact_id is not None:
        existing = session.get(Contact, lead.contact_id)
        if existing is not None and existing.deleted_at is None:
            return FromLead(lead.contact_id, existing.account_id, False, account_created)
    if lead.email_norm:
        same = session.exec(
            select(Contact).where(
                Contact.email_norm == lead.email_norm,
                col(Contact.deleted_at).is_(None),
                Contact.account_id == account_id
                if account_id is not None
                else col(Contact.account_id).is_(None),
            )
        ).first()
        if same is not None and same.id is not None:
            lead.contact_id = same.id
            lead.account_id = lead.account_id or account_id
            session.add(lead)
            return FromLead(same.id, account_id, False, account_created)
    first, last = lead.first_name, lead.last_name
    if not (first or last) and lead.name:
        first, last = split_full_name(lead.name)
    contact_id = create_contact(
        session,
        ContactInput(
            first_name=first,
            last_name=last,
            title=lead.title,
            email=lead.email,
            phone=lead.phone,
            account_id=account_id,
        ),
        phone_region=phone_region,
        clock=clock,
    )
    contact = session.get(Contact, contact_id)
    assert contact is not None
    contact.origin_lead_id = lead_id
    session.add(contact)
    lead.contact_id = contact_id
    lead.account_id = lead.account_id or account_id
    session.add(lead)
    return FromLead(contact_id, account_id, True, account_created)


def _lead_domain(lead: Lead) -> str:
    return lead.email_domain if lead.email_domain and not is_free_mail(lead.email_domain) else ""


# --- many at once (vCard import) ------------------------------------------------------------
@dataclass(frozen=True)
class BulkResult:
    created: list[int]
    skipped: list[str]  # names of contacts already on the account (same email)


def create_many(
    session: Session,
    account_id: int | None,
    people: Sequence[ContactInput],
    *,
    phone_region: str = "US",
    clock: Clock = system_clock,
) -> BulkResult:
    """Add contacts to an account, skipping people whose email is already there."""
    if account_id is not None:
        accounts.live_account(session, account_id)
    known = {
        c.email_norm
        for c in session.exec(
            select(Contact).where(Contact.account_id == account_id, col(Contact.deleted_at).is_(None))
        ).all()
        if c.email_norm
    }
    created: list[int] = []
    skipped: list[str] = []
    for person in people:
        key = email_norm(person.email)
        if key and key in known:
            skipped.append(full_name(person.first_name, person.last_name) or person.email)
            continue
        created.append(
            create_contact(session, _with_account(person, account_id), phone_region=phone_region, clock=clock)
        )
        if key:
            known.add(key)
    return BulkResult(created, skipped)


def _with_account(person: ContactInput, account_id: int | None) -> ContactInput:
    return replace(person, account_id=account_id)


def account_name(session: Session, account_id: int | None) -> str:
    if account_id is None:
        return ""
    account = session.get(Account, account_id)
    return account.name if account is not None else ""


def from_vcard(person: VCardPerson) -> ContactInput:
    """A contact from a vCard person; emails and phones beyond the first go into the notes."""
    extra: list[str] = []
    if person.organisation:
        extra.append(f"Organisation: {person.organisation}")
    if len(person.emails) > 1:
        extra.append("Other emails: " + ", ".join(person.emails[1:]))
    if len(person.phones) > 1:
        extra.append("Other phones: " + ", ".join(person.phones[1:]))
    others = [u for u in person.urls if u != person.linkedin_url]
    if others:
        extra.append("Web: " + ", ".join(others))
    notes = "\n".join(p for p in (person.note, *extra) if p)
    return ContactInput(
        first_name=person.first_name,
        last_name=person.last_name,
        title=person.title,
        email=person.email,
        phone=person.phone,
        linkedin_url=person.linkedin_url,
        notes=notes,
    )
