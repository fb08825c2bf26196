"""Contacts of accounts: the buying team, with each person's role in the decision.

Email and phone are checked (``email-validator``, ``phonenumbers``) and the problems
are returned for the form to show, but they never stop a save: reps keep what they
have. A contact needs at least a name or an email.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from sqlmodel import Session, col, func, select

from workbench.domain import Account, BuyingRole, Contact, Lead
from workbench.domain.normalize import (
    check_email,
    check_phone,
    company_norm,
    email_norm,
    full_name,
    is_free_mail,
    split_full_name,
)
from workbench.exchange.vcard import VCardPerson
from workbench.services.clock import Clock, system_clock
from workbench.services.leads import duplicates
from workbench.services.leads.duplicates import Verdict
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
    department: str = ""


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
    department: str = ""

    @property
    def phone_shown(self) -> str:
        """The number to show: E.164 when valid, with the extension typed after it
        ("+15555550100 ext. 102"), else the phone as typed."""
        if not self.phone_e164:
            return self.phone
        ext = phone_extension(self.phone)
        return f"{self.phone_e164} ext. {ext}" if ext else self.phone_e164

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
            department=self.department,
        )


def phone_extension(phone: str, region: str = "US") -> str:
    """The extension of a phone as typed ("+1 555 0100 ext. 102" → "102"), else ""."""
    if not any(word in phone.casefold() for word in ("ext", "x", "#", ";")):
        return ""
    import phonenumbers

    try:
        return str(phonenumbers.parse(phone, region or None).extension or "")
    except phonenumbers.NumberParseException:
        return ""


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
    contact.department = " ".join(data.department.split())
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
        department=c.department,
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


# --- duplicates (the rules of services/leads/duplicates.py) ------------------------------------
@dataclass(frozen=True)
class ContactMatch:
    contact_id: int
    name: str
    email: str
    reason: str  # duplicates.SAME_EMAIL, SAME_PHONE, SIMILAR_FULL_NAME or SAME_PHONE_AND_NAME
    verdict: Verdict  # SAME: the same person; POSSIBLE: for the rep to judge


#: A contact with the same E.164 phone and an alike name: the same person again.
SAME_PHONE_AND_NAME = "same phone and name"


def _person(data: ContactInput | Contact, company: str, region: str) -> duplicates.Person:
    e164 = data.phone_e164 if isinstance(data, Contact) else None
    return duplicates.person_of(
        first=data.first_name,
        last=data.last_name,
        company=company,
        email=data.email if "@" in data.email and not check_email(data.email).problem else "",
        phone=data.phone,
        phone_region=region,
        e164=e164,
    )


def _names_alike(a: duplicates.Person, b: duplicates.Person) -> bool:
    if a.first and a.last and b.first and b.last:
        return duplicates.full_name_score(a, b) >= duplicates.NAME_SIMILARITY
    return (a.first, a.last) == (b.first, b.last)


def judge(new: duplicates.Person, old: duplicates.Person) -> tuple[Verdict, str]:
    """The shared verdict, and one step further for contacts of one account: the same
    E.164 phone with an alike name (or the same name and no email or phone telling them
    apart) is the same person — a re-imported phone-only card — not just a possible one."""
    verdict, reason, score = duplicates.verdict(new, old)
    if verdict is Verdict.POSSIBLE and reason == duplicates.SAME_PHONE and _names_alike(new, old):
        return Verdict.SAME, SAME_PHONE_AND_NAME
    if (
        verdict is Verdict.POSSIBLE
        and reason == duplicates.SIMILAR_FULL_NAME
        and score >= 100.0
        and not (new.email or old.email)
        and not (new.phone and old.phone and new.phone != old.phone)
    ):
        return Verdict.SAME, "same name"
    if (
        verdict is Verdict.DIFFERENT
        and not (new.email or old.email or new.phone or old.phone)
        and new.first
        and (new.first, new.last) == (old.first, old.last)
    ):
        return Verdict.SAME, "same name"
    return verdict, reason


class _Known:
    """The live contacts of one account, as the rules compare them."""

    def __init__(self, session: Session, account_id: int | None, region: str) -> None:
        self.region = region
        self.company = account_name(session, account_id)
        rows = session.exec(
            select(Contact).where(
                Contact.account_id == account_id
                if account_id is not None
                else col(Contact.account_id).is_(None),
                col(Contact.deleted_at).is_(None),
            )
        ).all()
        self.people: list[tuple[int, str, str, duplicates.Person]] = []
        for row in rows:
            assert row.id is not None
            self.add(row.id, row.name, row.email, _person(row, self.company, region))

    def add(self, contact_id: int, name: str, email: str, person: duplicates.Person) -> None:
        self.people.append((contact_id, name, email, person))

    def person(self, data: ContactInput) -> duplicates.Person:
        return _person(data, self.company, self.region)

    def matches(self, me: duplicates.Person, exclude_id: int | None = None) -> list[ContactMatch]:
        found: list[ContactMatch] = []
        for contact_id, name, email, other in self.people:
            if contact_id == exclude_id:
                continue
            verdict, reason = judge(me, other)
            if verdict is not Verdict.DIFFERENT:
                found.append(ContactMatch(contact_id, name, email, reason, verdict))
        return sorted(found, key=lambda m: (m.verdict is not Verdict.SAME, m.contact_id))


def find_duplicates(
    session: Session,
    data: ContactInput,
    *,
    exclude_id: int | None = None,
    phone_region: str = "US",
) -> list[ContactMatch]:
    """Contacts of ``data``'s account that are, or may be, the person typed."""
    known = _Known(session, data.account_id, phone_region)
    me = known.person(data)
    if not (me.email or me.phone or me.first or me.last):
        return []
    return known.matches(me, exclude_id)


# --- many at once (vCard import) ------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """What became of one person of an import."""

    card: int
    name: str
    contact_id: int  # the new contact, or the one already there
    created: bool
    reason: str = ""  # why it counts as already there, or as a possible duplicate
    duplicate_of: str = ""  # the name of the contact it is, or may be

    @property
    def possible_duplicate(self) -> bool:
        return self.created and bool(self.duplicate_of)


@dataclass(frozen=True)
class BulkResult:
    outcomes: list[Outcome]

    @property
    def created(self) -> list[int]:
        return [o.contact_id for o in self.outcomes if o.created]

    @property
    def already_there(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.created]

    @property
    def possible(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.possible_duplicate]


#: ``progress(done, total)``; False stops the import (its transaction is rolled back).
Progress = Callable[[int, int], bool]


class ImportCancelled(Exception):
    """The rep cancelled; the caller's transaction is rolled back, nothing is written."""


def create_many(
    session: Session,
    account_id: int | None,
    people: Sequence[tuple[int, ContactInput]],
    *,
    phone_region: str = "US",
    clock: Clock = system_clock,
    progress: Progress | None = None,
) -> BulkResult:
    """Add ``(card, person)`` pairs to an account. A person the duplicate rules call the
    same as a contact already there (or earlier in the same file) is not added again;
    a possible duplicate is added and named for the rep to review."""
    if account_id is not None:
        accounts.live_account(session, account_id)
    known = _Known(session, account_id, phone_region)
    outcomes: list[Outcome] = []
    for done, (card, person) in enumerate(people, start=1):
        if progress is not None and done % 50 == 0 and not progress(done, len(people)):
            raise ImportCancelled
        data = replace(person, account_id=account_id)
        name = full_name(data.first_name, data.last_name) or data.email or data.phone
        me = known.person(data)
        matches = known.matches(me)
        same = next((m for m in matches if m.verdict is Verdict.SAME), None)
        if same is not None:
            outcomes.append(Outcome(card, name, same.contact_id, False, same.reason, same.name))
            continue
        contact_id = create_contact(session, data, phone_region=phone_region, clock=clock)
        saved = session.get(Contact, contact_id)
        assert saved is not None
        known.add(contact_id, saved.name, saved.email, _person(saved, known.company, phone_region))
        maybe = matches[0] if matches else None
        outcomes.append(
            Outcome(card, name, contact_id, True, maybe.reason if maybe else "", maybe.name if maybe else "")
        )
    if progress is not None and not progress(len(people), len(people)):
        raise ImportCancelled
    return BulkResult(outcomes)


def account_by_reference(session: Session, reference: str) -> int | None:
    """A live account by UUID, id or exact name (case ignored; None when two share it)."""
    text = reference.strip()
    if not text:
        return None
    live = col(Account.deleted_at).is_(None)
    row = session.exec(select(Account.id).where(Account.uuid == text.lower(), live)).first()
    if row is None and text.isdigit():
        row = session.exec(select(Account.id).where(Account.id == int(text), live)).first()
    if row is None:
        named = session.exec(
            select(Account.id).where(func.lower(col(Account.name)) == text.casefold(), live).limit(2)
        ).all()
        row = named[0] if len(named) == 1 else None
    return row


def account_name(session: Session, account_id: int | None) -> str:
    if account_id is None:
        return ""
    account = session.get(Account, account_id)
    return account.name if account is not None else ""


def from_vcard(person: VCardPerson, account: str = "") -> ContactInput:
    """A contact from a vCard person; emails and phones beyond the first, and an
    organisation other than the account's name, go into the notes."""
    extra: list[str] = []
    if person.organisation and company_norm(person.organisation) != company_norm(account):
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
        department=person.department,
    )
