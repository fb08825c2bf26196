"""Turning a lead into an opportunity — without the duplicate accounts and contacts that
CRM conversions are notorious for — and opening an opportunity on a target account.

Matching, in order (the first hit wins; trashed records never match):

* **contact**: the contact the lead already points to; else a contact with the same
  normalised email; else, inside the matched account, one with the same name;
* **account**: the account the lead already points to; else the matched contact's
  account; else an account whose domain is the lead's email domain (free-mail domains
  such as gmail.com never match); else one whose normalised name equals the lead's
  normalised company ("Acme, Inc." = "ACME"). Target accounts are preferred on ties.

What does not match is created, so two leads of one company end with one account. The
same matching runs twice: :func:`plan_conversion` for the rep to confirm, and again in
the write of :func:`convert_lead`, so what is written reflects the file at that moment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from workbench.domain import (
    Account,
    AccountEvent,
    AccountStatus,
    Activity,
    Contact,
    FollowUp,
    Lead,
    LeadKind,
    LeadStatus,
    Opportunity,
    StopReason,
)
from workbench.domain.normalize import (
    company_norm,
    domain_of,
    email_norm,
    full_name,
    is_free_mail,
    person_key,
)
from workbench.services.clock import Clock, system_clock
from workbench.services.outreach import touches
from workbench.services.pipeline import account_deals
from workbench.services.pipeline.account_deals import OpenDeal
from workbench.services.pipeline.stages import (
    NOTE_CONVERTED,
    NOTE_CREATED,
    NotFound,
    PipelineError,
    Stage,
    check_amount,
    check_currency,
    first_open_stage,
    record_entry,
    stages_in,
)
from workbench.services.sequences import stops
from workbench.services.settings import values as settings
from workbench.store import Workbench


class ConversionError(PipelineError):
    """The lead cannot be converted (already converted, trashed…); nothing was written."""


# Why a record was matched; the UI words these for the rep.
MATCH_LINKED = "linked"  # the lead already pointed to it
MATCH_CONTACT = "contact"  # the account of the matched contact
MATCH_DOMAIN = "domain"  # same email domain
MATCH_COMPANY = "company"  # same company name
MATCH_EMAIL = "email"  # same email address
MATCH_NAME = "name"  # same person name in the account
MATCH_NEW = "new"  # nothing matched: it will be created


@dataclass(frozen=True)
class RecordChoice:
    """An existing record to link (``id`` set) or one to create (``id`` None)."""

    id: int | None
    name: str
    reason: str
    detail: str = ""  # the domain or email that matched, or the domain of a new account

    @property
    def created(self) -> bool:
        return self.id is None


@dataclass(frozen=True)
class ConversionPlan:
    lead_id: int
    lead_uuid: str
    lead_name: str
    company: str
    kind: str
    source: str
    campaign: str
    received_at: datetime
    #: None: the lead has neither a company nor a business email domain — no account.
    account: RecordChoice | None
    #: None: the lead has neither a name nor an email — no contact.
    contact: RecordChoice | None
    opportunity_name: str
    stage: Stage
    stages: list[Stage]
    currency: str
    next_step: str
    next_step_due: date | None
    #: The matched account's open deals: the lead may join one instead of a new deal.
    open_deals: list[OpenDeal] = field(default_factory=list)


@dataclass(frozen=True)
class ConversionResult:
    opportunity_id: int
    opportunity_uuid: str
    account_id: int | None
    account_created: bool
    contact_id: int | None
    contact_created: bool
    stage_id: int


# --- matching ----------------------------------------------------------------------------
def _match_contact(session: Session, lead: Lead, account_id: int | None) -> Contact | None:
    if lead.contact_id is not None:
        linked = session.get(Contact, lead.contact_id)
        if linked is not None and linked.deleted_at is None:
            return linked
    email = lead.email_norm or email_norm(lead.email)
    if email:
        stmt = select(Contact).where(Contact.email_norm == email, col(Contact.deleted_at).is_(None))
        found = list(session.exec(stmt.order_by(col(Contact.id))))
        if found:
            same_account = [c for c in found if account_id is not None and c.account_id == account_id]
            return (same_account or found)[0]
    name = person_key(_lead_person(lead))
    if account_id is not None and name:
        stmt = select(Contact).where(Contact.account_id == account_id, col(Contact.deleted_at).is_(None))
        for contact in session.exec(stmt.order_by(col(Contact.id))):
            same_name = person_key(contact.name or full_name(contact.first_name, contact.last_name)) == name
            if same_name and (not contact.email_norm or not email or contact.email_norm == email):
                return contact
    return None


def _business_domain(lead: Lead) -> str:
    domain = domain_of(lead.email_domain or lead.email)
    return "" if not domain or is_free_mail(domain) else domain


def _first_account(session: Session, *where: object) -> Account | None:
    stmt = (
        select(Account)
        .where(*where, col(Account.deleted_at).is_(None))  # type: ignore[arg-type]
        .order_by(col(Account.is_target).desc(), col(Account.id))
        .limit(1)
    )
    return session.exec(stmt).first()


def _match_account(session: Session, lead: Lead, contact: Contact | None) -> tuple[Account | None, str, str]:
    if lead.account_id is not None:
        linked = session.get(Account, lead.account_id)
        if linked is not None and linked.deleted_at is None:
            return linked, MATCH_LINKED, ""
    if contact is not None and contact.account_id is not None:
        of_contact = session.get(Account, contact.account_id)
        if of_contact is not None and of_contact.deleted_at is None:
            return of_contact, MATCH_CONTACT, contact.name
    domain = _business_domain(lead)
    if domain:
        by_domain = _first_account(session, Account.domain == domain)
        if by_domain is not None:
            return by_domain, MATCH_DOMAIN, domain
    norm = company_norm(lead.company) if lead.company.strip() else ""
    if norm:
        by_name = _first_account(session, Account.name_norm == norm)
        if by_name is not None:
            return by_name, MATCH_COMPANY, lead.company.strip()
    return None, MATCH_NEW, domain


def _lead_person(lead: Lead) -> str:
    return lead.name.strip() or full_name(lead.first_name, lead.last_name)


def _new_account_name(lead: Lead) -> str:
    return lead.company.strip() or _business_domain(lead)


def _matches(session: Session, lead: Lead) -> tuple[RecordChoice | None, RecordChoice | None]:
    contact = _match_contact(session, lead, lead.account_id)
    account, reason, detail = _match_account(session, lead, contact)
    if account is not None and contact is None:
        # With the account known, a same-name contact in it also counts.
        contact = _match_contact(session, lead, account.id)
    account_choice: RecordChoice | None
    if account is not None:
        account_choice = RecordChoice(account.id, account.name, reason, detail)
    elif _new_account_name(lead):
        account_choice = RecordChoice(None, _new_account_name(lead), MATCH_NEW, detail)
    else:
        account_choice = None
    contact_choice: RecordChoice | None
    if contact is not None:
        why = MATCH_LINKED if contact.id == lead.contact_id else MATCH_EMAIL
        if why == MATCH_EMAIL and contact.email_norm != (lead.email_norm or email_norm(lead.email)):
            why = MATCH_NAME
        contact_choice = RecordChoice(contact.id, contact.name, why, contact.email)
    elif _lead_person(lead) or lead.email.strip():
        contact_choice = RecordChoice(
            None, _lead_person(lead) or lead.email.strip(), MATCH_NEW, lead.email.strip()
        )
    else:
        contact_choice = None
    return account_choice, contact_choice


def _convertible(session: Session, lead_id: int) -> Lead:
    lead = session.get(Lead, lead_id)
    if lead is None or lead.deleted_at is not None:
        raise ConversionError("That lead no longer exists (it may be in the trash).")
    if lead.status == LeadStatus.CONVERTED or lead.opportunity_id is not None:
        raise ConversionError(f"“{_lead_person(lead) or lead.company}” was already converted.")
    return lead


def lead_id_for_uuid(wb: Workbench, uuid: str) -> int:
    with wb.reading() as session:
        lead = session.exec(select(Lead).where(Lead.uuid == uuid.strip().lower())).first()
        if lead is None or lead.id is None or lead.deleted_at is not None:
            raise NotFound(f"No lead with the id {uuid}.")
        return lead.id


def _next_followup(session: Session, lead_id: int) -> FollowUp | None:
    stmt = (
        select(FollowUp)
        .where(
            FollowUp.lead_id == lead_id, col(FollowUp.done_at).is_(None), col(FollowUp.deleted_at).is_(None)
        )
        .order_by(col(FollowUp.due_at))
        .limit(1)
    )
    return session.exec(stmt).first()


def plan_conversion(wb: Workbench, lead_id: int, *, clock: Clock = system_clock) -> ConversionPlan:
    """What converting this lead would do, for the rep to confirm. Writes nothing."""
    with wb.reading() as session:
        lead = _convertible(session, lead_id)
        account, contact = _matches(session, lead)
        following = _next_followup(session, lead_id)
        company = lead.company.strip()
        assert lead.id is not None
        deals = account_deals.open_deals_in(session, account.id) if account and account.id else []
        name = (account.name if account else "") or company or _lead_person(lead) or lead.email
        if deals:  # beside other deals, a bare company name says nothing
            name = account_deals.new_deal_name(account.name if account else company, lead, _lead_person(lead))
        step, due = (following.title, following.due_at.date()) if following else ("", None)
        if not following:
            step, due = account_deals.first_step(session, clock())
        return ConversionPlan(
            lead_id=lead.id,
            lead_uuid=lead.uuid,
            lead_name=_lead_person(lead),
            company=company,
            kind=lead.kind,
            source=lead.source,
            campaign=lead.campaign,
            received_at=lead.received_at,
            account=account,
            contact=contact,
            opportunity_name=name,
            stage=first_open_stage(session),
            stages=[s for s in stages_in(session) if s.is_open],
            currency=str(settings.get(session, "profile.currency") or "USD"),
            next_step=step,
            next_step_due=due,
            open_deals=deals,
        )


# --- writing -----------------------------------------------------------------------------
def _mark_account_opportunity(session: Session, account: Account, now: datetime, why: str) -> None:
    if account.status != AccountStatus.OPPORTUNITY:
        assert account.id is not None
        session.add(
            AccountEvent(
                account_id=account.id,
                at=now,
                what="status",
                old=account.status,
                new="opportunity",
                reason=why,
            )
        )
        account.status = AccountStatus.OPPORTUNITY
        account.updated_at = now
        session.add(account)


def _open_stage(session: Session, stage_id: int | None) -> int:
    if stage_id is None:
        return first_open_stage(session).id
    live = {s.id: s for s in stages_in(session)}
    if stage_id not in live:
        raise NotFound("That stage no longer exists.")
    if not live[stage_id].is_open:
        raise PipelineError("A new opportunity starts in an open stage, not won or lost.")
    return stage_id


def _opportunity_name(name: str | None, fallback: str) -> str:
    text = " ".join((name or "").split()) or fallback
    if not text:
        raise PipelineError("The opportunity needs a name.")
    return text[:300]


def convert_lead(
    wb: Workbench,
    lead_id: int,
    *,
    name: str | None = None,
    amount: float = 0.0,
    currency: str | None = None,
    stage_id: int | None = None,
    expected_close: date | None = None,
    next_step: str = "",
    next_step_due: date | None = None,
    into: int | None = None,
    clock: Clock = system_clock,
) -> ConversionResult:
    """Convert in one transaction: link or create account and contact, create the
    opportunity (keeping kind, source, campaign and received date for attribution),
    mark the lead converted, and record the opportunity's first stage change.

    ``into``: join this open deal of the account instead — the lead's person goes on
    its buying team and the lead points to it; no new opportunity."""
    amount = check_amount(amount)
    now = clock()
    with wb.session() as session:
        lead = _convertible(session, lead_id)
        currency = check_currency(currency or str(settings.get(session, "profile.currency") or "USD"))
        start_stage = _open_stage(session, stage_id)
        account_choice, contact_choice = _matches(session, lead)

        account: Account | None = None
        if account_choice is not None and account_choice.id is not None:
            account = session.get(Account, account_choice.id)
        elif account_choice is not None:
            domain = _business_domain(lead)
            account = Account(
                name=account_choice.name,
                name_norm=company_norm(account_choice.name),
                domain=domain,
                owner=lead.owner,
                created_at=now,
                updated_at=now,
            )
            session.add(account)
            session.flush()
        account_id = account.id if account is not None else None

        contact: Contact | None = None
        if contact_choice is not None and contact_choice.id is not None:
            contact = session.get(Contact, contact_choice.id)
            if contact is not None and contact.account_id is None and account_id is not None:
                contact.account_id = account_id
                contact.updated_at = now
                session.add(contact)
        elif contact_choice is not None:
            contact = Contact(
                account_id=account_id,
                first_name=lead.first_name,
                last_name=lead.last_name,
                name=contact_choice.name,
                title=lead.title,
                email=lead.email.strip(),
                email_norm=lead.email_norm or email_norm(lead.email),
                phone=lead.phone,
                phone_e164=lead.phone_e164,
                owner=lead.owner,
                origin_lead_id=lead.id,
                created_at=now,
                updated_at=now,
            )
            session.add(contact)
            session.flush()
        contact_id = contact.id if contact is not None else None

        if into is not None:
            joined = account_deals.deal_to_join(session, into, account_id)
            account_deals.put_on_buying_team(session, contact, joined, now)
            assert joined.id is not None and lead.id is not None
            account_id = joined.account_id if joined.account_id is not None else account_id
            _mark_converted(session, lead, joined.id, account_id, contact_id, now)
            _carry_over(session, lead.id, account_id, contact_id, joined.id)
            return ConversionResult(
                opportunity_id=joined.id,
                opportunity_uuid=joined.uuid,
                account_id=account_id,
                account_created=account_choice is not None and account_choice.created,
                contact_id=contact_id,
                contact_created=contact_choice is not None and contact_choice.created,
                stage_id=joined.stage_id,
            )

        fallback = (
            (account.name if account else "") or lead.company.strip() or _lead_person(lead) or lead.email
        )
        opp = Opportunity(
            name=_opportunity_name(name, fallback),
            account_id=account_id,
            contact_id=contact_id,
            amount=amount,
            currency=currency,
            stage_id=start_stage,
            expected_close=expected_close,
            next_step=next_step.strip(),
            next_step_due=next_step_due,
            origin_lead_id=lead.id,
            kind=lead.kind,
            source=lead.source,
            campaign=lead.campaign,
            lead_received_at=lead.received_at,
            stage_entered_at=now,
            owner=lead.owner,
            created_at=now,
            updated_at=now,
        )
        session.add(opp)
        session.flush()
        assert opp.id is not None and lead.id is not None
        record_entry(session, opp, NOTE_CONVERTED)

        _mark_converted(session, lead, opp.id, account_id, contact_id, now)
        if account is not None:
            _mark_account_opportunity(session, account, now, f"lead converted: {opp.name}")
        _carry_over(session, lead.id, account_id, contact_id, opp.id)
        stops.leads_ended(session.connection(), [lead.id], StopReason.CONVERTED, now)
        return ConversionResult(
            opportunity_id=opp.id,
            opportunity_uuid=opp.uuid,
            account_id=account_id,
            account_created=account_choice is not None and account_choice.created,
            contact_id=contact_id,
            contact_created=contact_choice is not None and contact_choice.created,
            stage_id=start_stage,
        )


def _mark_converted(
    session: Session, lead: Lead, opp_id: int, account_id: int | None, contact_id: int | None, now: datetime
) -> None:
    lead.status = LeadStatus.CONVERTED
    lead.status_changed_at = now
    lead.opportunity_id = opp_id
    lead.account_id = account_id
    lead.contact_id = contact_id
    lead.updated_at = now
    session.add(lead)


def _carry_over(
    session: Session, lead_id: int, account_id: int | None, contact_id: int | None, opp_id: int
) -> None:
    """The lead's activities and follow-ups now also belong to its account and contact;
    its open follow-ups move with the deal, so the opportunity keeps its next step."""
    for activity in session.exec(select(Activity).where(Activity.lead_id == lead_id)):
        if activity.account_id is None and account_id is not None:
            activity.account_id = account_id
        if activity.contact_id is None and contact_id is not None:
            activity.contact_id = contact_id
        session.add(activity)
    for follow_up in session.exec(select(FollowUp).where(FollowUp.lead_id == lead_id)):
        if follow_up.account_id is None and account_id is not None:
            follow_up.account_id = account_id
        if follow_up.contact_id is None and contact_id is not None:
            follow_up.contact_id = contact_id
        if follow_up.opportunity_id is None and follow_up.done_at is None:
            follow_up.opportunity_id = opp_id
        session.add(follow_up)
    session.flush()
    touches.recompute(session, account_ids=[account_id] if account_id else [], opportunity_ids=[opp_id])


def create_from_account(
    wb: Workbench,
    account_id: int,
    *,
    name: str | None = None,
    amount: float = 0.0,
    currency: str | None = None,
    stage_id: int | None = None,
    contact_id: int | None = None,
    expected_close: date | None = None,
    next_step: str = "",
    next_step_due: date | None = None,
    clock: Clock = system_clock,
) -> int:
    """An opportunity the rep found themselves on a target account (kind ``target``)."""
    amount = check_amount(amount)
    now = clock()
    with wb.session() as session:
        account = session.get(Account, account_id)
        if account is None or account.deleted_at is not None:
            raise NotFound("That account no longer exists (it may be in the trash).")
        if contact_id is not None:
            contact = session.get(Contact, contact_id)
            if contact is None or contact.deleted_at is not None or contact.account_id != account_id:
                raise PipelineError("That contact does not belong to the account.")
        opp = Opportunity(
            name=_opportunity_name(name, account.name),
            account_id=account_id,
            contact_id=contact_id,
            amount=amount,
            currency=check_currency(currency or str(settings.get(session, "profile.currency") or "USD")),
            stage_id=_open_stage(session, stage_id),
            expected_close=expected_close,
            next_step=next_step.strip(),
            next_step_due=next_step_due,
            kind=LeadKind.TARGET,
            stage_entered_at=now,
            owner=account.owner,
            created_at=now,
            updated_at=now,
        )
        session.add(opp)
        session.flush()
        assert opp.id is not None
        record_entry(session, opp, NOTE_CREATED)
        _mark_account_opportunity(session, account, now, f"opportunity opened: {opp.name}")
        touches.recompute(session, opportunity_ids=[opp.id])
        return opp.id


@dataclass(frozen=True)
class AccountOption:
    """A target account to open an opportunity on, with the people the rep knows there."""

    id: int
    name: str
    contacts: list[tuple[int, str]]


def target_account_options(wb: Workbench) -> list[AccountOption]:
    """The live target accounts (a deliberately short list), by name, with their contacts."""
    with wb.reading() as session:
        accounts = list(
            session.exec(
                select(Account)
                .where(col(Account.is_target).is_(True), col(Account.deleted_at).is_(None))
                .order_by(col(Account.name), col(Account.id))
            )
        )
        ids = [a.id for a in accounts if a.id is not None]
        people: dict[int, list[tuple[int, str]]] = {i: [] for i in ids}
        if ids:
            stmt = (
                select(Contact)
                .where(col(Contact.account_id).in_(ids), col(Contact.deleted_at).is_(None))
                .order_by(col(Contact.name), col(Contact.id))
            )
            for contact in session.exec(stmt):
                if contact.account_id is not None and contact.id is not None:
                    label = contact.name or full_name(contact.first_name, contact.last_name) or contact.email
                    people[contact.account_id].append((contact.id, label))
        return [AccountOption(a.id, a.name, people[a.id]) for a in accounts if a.id is not None]
