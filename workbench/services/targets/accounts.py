"""Accounts: create and edit them with a normalised domain, catch duplicates, link leads.

An account's ``domain`` is the comparison key for leads: a lead whose email domain
(free-mail never counts) or normalised company name matches an account is linked to
it. Creating or renaming an account links the unlinked leads that match; leads the rep
linked by hand elsewhere are never moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import ColumnElement, and_, func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from workbench.domain import (
    Account,
    AccountEvent,
    AccountStatus,
    Lead,
    Opportunity,
    PipelineStage,
    Tier,
    table_of,
)
from workbench.domain.normalize import company_norm, domain_of, is_free_mail, strip_accents
from workbench.services.clock import Clock, system_clock
from workbench.services.leads.accounts import auto_account_id
from workbench.services.targets import icp


class AccountError(ValueError):
    """Input an account cannot be saved with; the message says what to fix."""


@dataclass(frozen=True)
class AccountMatch:
    id: int
    name: str
    domain: str
    is_target: bool
    reason: str  # "same domain" or "same name"


class DuplicateAccount(AccountError):
    """Another account has the same domain or name; save again with ``allow_duplicate``."""

    def __init__(self, matches: Sequence[AccountMatch]) -> None:
        names = ", ".join(f"{m.name} ({m.reason})" for m in matches)
        super().__init__(f"An account like this already exists: {names}.")
        self.matches = tuple(matches)


@dataclass(frozen=True)
class AccountInput:
    """What the rep typed in the account dialog."""

    name: str
    website: str = ""
    industry: str = ""
    employees: int | None = None
    region: str = ""
    tier: Tier | str | None = None
    pain_hypothesis: str = ""
    notes: str = ""
    is_target: bool = False


@dataclass(frozen=True)
class AccountDetail:
    id: int
    uuid: str
    name: str
    domain: str
    website: str
    industry: str
    employees: int | None
    region: str
    tier: str | None
    status: str
    park_reason: str
    pain_hypothesis: str
    notes: str
    is_target: bool
    fit_score: float | None
    target_since: datetime | None
    last_touch_at: datetime | None
    next_followup_at: datetime | None
    deleted: bool = False
    extra: dict[str, object] = field(default_factory=dict)

    def as_input(self) -> AccountInput:
        return AccountInput(
            name=self.name,
            website=self.website or self.domain,
            industry=self.industry,
            employees=self.employees,
            region=self.region,
            tier=self.tier,
            pain_hypothesis=self.pain_hypothesis,
            notes=self.notes,
            is_target=self.is_target,
        )


def normalise_domain(text: str) -> str:
    """The comparison domain of a website or domain as typed; raises when it is not one."""
    try:
        domain = domain_of(text)
    except ValueError as exc:  # urlsplit refuses some broken URLs outright
        raise AccountError(f"“{text.strip()}” is not a website or domain.") from exc
    if not domain:
        if text.strip():
            raise AccountError(f"“{text.strip()}” is not a website or domain.")
        return ""
    if "." not in domain:
        raise AccountError(f"“{text.strip()}” has no top-level domain (like .com).")
    try:
        # The domain half of an address follows the same rules as a web host name.
        checked = validate_email(f"x@{domain}", check_deliverability=False)
    except EmailNotValidError as exc:
        raise AccountError(f"“{text.strip()}” is not a website or domain.") from exc
    return checked.domain.casefold()


def _clean(data: AccountInput) -> tuple[str, str, str | None]:
    name = " ".join(data.name.split())
    if not name:
        raise AccountError("An account needs a name.")
    domain = normalise_domain(data.website)
    tier = Tier(data.tier).value if data.tier else None
    return name, domain, tier


def find_duplicates(
    session: Session, name: str, domain: str, exclude_id: int | None = None
) -> list[AccountMatch]:
    """Live accounts with the same domain or the same normalised name."""
    acc = table_of(Account).c
    key = company_norm(name) if name.strip() else ""
    conditions = []
    if domain:
        conditions.append(acc.domain == domain)
    if key:
        conditions.append(acc.name_norm == key)
    if not conditions:
        return []
    stmt = sa_select(acc.id, acc.name, acc.domain, acc.is_target, acc.name_norm).where(
        acc.deleted_at.is_(None), or_(*conditions)
    )
    if exclude_id is not None:
        stmt = stmt.where(acc.id != exclude_id)
    matches = []
    for row in session.execute(stmt.order_by(acc.id).limit(20)):
        reason = "same domain" if domain and row.domain == domain else "same name"
        matches.append(AccountMatch(row.id, row.name, row.domain, bool(row.is_target), reason))
    return matches


def create_account(
    session: Session,
    data: AccountInput,
    *,
    allow_duplicate: bool = False,
    clock: Clock = system_clock,
) -> int:
    """A new account (a target when ``data.is_target``); links the leads that match it."""
    name, domain, tier = _clean(data)
    if not allow_duplicate:
        matches = find_duplicates(session, name, domain)
        if matches:
            raise DuplicateAccount(matches)
    now = clock()
    account = Account(
        name=name,
        name_norm=company_norm(name),
        domain=domain,
        website=data.website.strip(),
        industry=data.industry.strip(),
        employees=_employees(data.employees),
        region=data.region.strip(),
        tier=tier,
        pain_hypothesis=data.pain_hypothesis.strip(),
        notes=data.notes.strip(),
        is_target=data.is_target,
        status=AccountStatus.RESEARCHING,
        target_since=now if data.is_target else None,
        created_at=now,
        updated_at=now,
    )
    session.add(account)
    session.flush()
    assert account.id is not None
    if data.is_target:
        session.add(AccountEvent(account_id=account.id, at=now, what="promoted", new=tier or ""))
    icp.store_fit(session, account.id)
    link_leads(session, account.id)
    return account.id


def update_account(
    session: Session,
    account_id: int,
    data: AccountInput,
    *,
    allow_duplicate: bool = False,
    clock: Clock = system_clock,
) -> None:
    """Save the dialog's fields. Promotion and tier changes are recorded in the history."""
    account = live_account(session, account_id)
    name, domain, tier = _clean(data)
    if not allow_duplicate and (domain != account.domain or company_norm(name) != account.name_norm):
        matches = find_duplicates(session, name, domain, exclude_id=account_id)
        if matches:
            raise DuplicateAccount(matches)
    now = clock()
    if tier != account.tier and account.is_target and data.is_target:
        session.add(
            AccountEvent(account_id=account_id, at=now, what="tier", old=account.tier or "", new=tier or "")
        )
    if data.is_target and not account.is_target:
        account.target_since = now
        session.add(AccountEvent(account_id=account_id, at=now, what="promoted", new=tier or ""))
    elif account.is_target and not data.is_target:
        session.add(AccountEvent(account_id=account_id, at=now, what="demoted", old=account.tier or ""))
    relink = domain != account.domain or company_norm(name) != account.name_norm
    account.name = name
    account.name_norm = company_norm(name)
    account.domain = domain
    account.website = data.website.strip()
    account.industry = data.industry.strip()
    account.employees = _employees(data.employees)
    account.region = data.region.strip()
    account.tier = tier
    account.pain_hypothesis = data.pain_hypothesis.strip()
    account.notes = data.notes.strip()
    account.is_target = data.is_target
    account.updated_at = now
    session.add(account)
    session.flush()
    icp.store_fit(session, account_id)  # the facts (employees, industry, region) judge criteria
    if relink:
        link_leads(session, account_id)


def _employees(value: int | None) -> int | None:
    if value is None:
        return None
    if value < 0:
        raise AccountError("The number of employees cannot be negative.")
    return int(value)


def live_account(session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None or account.deleted_at is not None:
        raise AccountError(f"There is no account {account_id}.")
    return account


def get_account(session: Session, account_id: int) -> AccountDetail:
    account = session.get(Account, account_id)
    if account is None:
        raise AccountError(f"There is no account {account_id}.")
    assert account.id is not None
    return AccountDetail(
        id=account.id,
        uuid=account.uuid,
        name=account.name,
        domain=account.domain,
        website=account.website,
        industry=account.industry,
        employees=account.employees,
        region=account.region,
        tier=account.tier,
        status=account.status,
        park_reason=account.park_reason,
        pain_hypothesis=account.pain_hypothesis,
        notes=account.notes,
        is_target=account.is_target,
        fit_score=account.fit_score,
        target_since=account.target_since,
        last_touch_at=account.last_touch_at,
        next_followup_at=account.next_followup_at,
        deleted=account.deleted_at is not None,
    )


def set_notes(
    session: Session, account_id: int, *, pain_hypothesis: str | None = None, notes: str | None = None
) -> None:
    """Save the free-text fields edited in place on the account detail."""
    account = live_account(session, account_id)
    if pain_hypothesis is not None:
        account.pain_hypothesis = pain_hypothesis.strip()
    if notes is not None:
        account.notes = notes.strip()
    session.add(account)


# --- leads ------------------------------------------------------------------------
def account_for(session: Session, *, email: str = "", company: str = "") -> int | None:
    """The account a lead with this email and company belongs to, by the leads' own rule
    (:mod:`workbench.services.leads.accounts`): the only email-domain match (never a
    free-mail domain), else the only company-name match; ``None`` when ambiguous."""
    return auto_account_id(session.connection(), email=email, company=company)


def link_leads(session: Session, account_id: int) -> int:
    """Link every unlinked live lead that matches the account; returns how many."""
    account = live_account(session, account_id)
    lead = table_of(Lead).c
    matches = []
    if account.domain and not is_free_mail(account.domain):
        matches.append(lead.email_domain == account.domain)
    if account.name_norm:
        matches.append(lead.company_norm == account.name_norm)
    if not matches:
        return 0
    result = session.execute(
        update(table_of(Lead))
        .where(and_(lead.account_id.is_(None), lead.deleted_at.is_(None), or_(*matches)))
        .values(account_id=account_id)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def link_lead(session: Session, lead_id: int, account_id: int | None) -> None:
    """Link a lead to an account by hand (``None`` unlinks it)."""
    row = session.get(Lead, lead_id)
    if row is None:
        raise AccountError(f"There is no lead {lead_id}.")
    if account_id is not None:
        live_account(session, account_id)
    row.account_id = account_id
    session.add(row)


@dataclass(frozen=True)
class LinkedLead:
    id: int
    name: str
    company: str
    email: str
    status: str
    kind: str
    source: str
    received_at: datetime


def linked_leads(session: Session, account_id: int, limit: int = 200) -> list[LinkedLead]:
    rows = session.exec(
        select(Lead)
        .where(Lead.account_id == account_id, col(Lead.deleted_at).is_(None))
        .order_by(col(Lead.received_at).desc())
        .limit(limit)
    ).all()
    return [
        LinkedLead(r.id or 0, r.name, r.company, r.email, r.status, r.kind, r.source, r.received_at)
        for r in rows
    ]


@dataclass(frozen=True)
class AccountOpportunity:
    id: int
    name: str
    stage: str
    amount: float
    currency: str
    outcome: str
    expected_close: date | None


def account_opportunities(session: Session, account_id: int) -> list[AccountOpportunity]:
    """The account's live opportunities, open ones first, then by expected close."""
    opp = table_of(Opportunity).c
    stage = table_of(PipelineStage).c
    rows = session.execute(
        sa_select(opp.id, opp.name, stage.name, opp.amount, opp.currency, opp.outcome, opp.expected_close)
        .select_from(table_of(Opportunity).outerjoin(table_of(PipelineStage), stage.id == opp.stage_id))
        .where(opp.account_id == account_id, opp.deleted_at.is_(None))
        .order_by(opp.outcome != "open", opp.expected_close.is_(None), opp.expected_close, opp.id)
    ).all()
    return [AccountOpportunity(r[0], r[1], r[2] or "", float(r[3] or 0), r[4], r[5], r[6]) for r in rows]


@dataclass(frozen=True)
class AccountChoice:
    id: int
    name: str
    domain: str
    is_target: bool
    leads: int


#: How many accounts a typed search considers before ranking them by leads.
SEARCH_CANDIDATES = 300


def search_accounts(
    session: Session, text: str = "", *, targets: bool | None = None, limit: int = 50
) -> list[AccountChoice]:
    """Accounts by name or domain for pickers, the busiest (most leads) first.

    Fast on 100k accounts and 1M leads: without text, the ranking comes from one pass
    over the covering ``lead.account_id`` index; with text, up to
    ``SEARCH_CANDIDATES`` matches are ranked. Lead counts shown leave out the trash.
    """
    acc = table_of(Account).c
    lead = table_of(Lead).c
    live: list[ColumnElement[bool]] = [acc.deleted_at.is_(None)]
    if targets is not None:
        live.append(acc.is_target == targets)
    words = text.split()
    if words:
        stmt = sa_select(acc.id).where(*live)
        for word in words:
            pattern = f"%{escape_like(strip_accents(word).casefold())}%"
            stmt = stmt.where(
                or_(acc.name_norm.like(pattern, escape="\\"), acc.domain.like(pattern, escape="\\"))
            )
        ids = [int(i) for i in session.execute(stmt.limit(SEARCH_CANDIDATES)).scalars()]
    else:
        # Trashed leads still count towards this ranking: reading deleted_at would cost
        # a row lookup per lead; the counts shown below are exact.
        busiest = (
            sa_select(lead.account_id)
            .where(lead.account_id.is_not(None))
            .group_by(lead.account_id)
            .order_by(func.count().desc())
            .limit(limit * 3)
        )
        ids = [int(i) for i in session.execute(busiest).scalars()]
        if len(ids) < limit * 3:
            quiet = sa_select(acc.id).where(*live).order_by(acc.name).limit(limit * 3)
            seen = set(ids)
            ids += [int(i) for i in session.execute(quiet).scalars() if int(i) not in seen]
    if not ids:
        return []
    lead_count = (
        sa_select(func.count(lead.id))
        .where(lead.account_id == acc.id, lead.deleted_at.is_(None))
        .scalar_subquery()
    )
    rows = session.execute(
        sa_select(acc.id, acc.name, acc.domain, acc.is_target, lead_count.label("leads"))
        .where(acc.id.in_(ids), *live)
        .order_by(lead_count.desc(), acc.name)
        .limit(limit)
    )
    return [AccountChoice(r.id, r.name, r.domain, bool(r.is_target), int(r.leads)) for r in rows]


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
