"""Which account a lead belongs to: matched by email domain or company name, or chosen by hand.

A lead matches an account when its email domain (never a free-mail one) equals the
account's ``domain``, or its normalised company name equals the account's
``name_norm``. A domain match wins over a name match. Leads are linked automatically
when they are created or their email/company changes and exactly one account matches;
the rep links and unlinks by hand in the lead detail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, or_, select, update

from workbench.domain import Account, Lead, table_of
from workbench.domain.normalize import company_norm, email_domain, is_free_mail
from workbench.services.clock import Clock, system_clock
from workbench.store import Workbench

A: Any = table_of(Account).c
L: Any = table_of(Lead).c

BY_DOMAIN = "email domain"
BY_NAME = "company name"


@dataclass(frozen=True)
class AccountChoice:
    id: int
    name: str
    domain: str
    is_target: bool
    #: Why it is offered: BY_DOMAIN, BY_NAME, or "" for a search hit.
    reason: str = ""


def _choice(row: Any, reason: str) -> AccountChoice:
    return AccountChoice(int(row.id), row.name or "", row.domain or "", bool(row.is_target), reason)


def matching_accounts(
    conn: Connection, *, email: str = "", company: str = "", limit: int = 10
) -> list[AccountChoice]:
    """Live accounts a lead with this email/company belongs to, domain matches first."""
    domain = email_domain(email)
    if is_free_mail(domain):
        domain = ""
    norm = company_norm(company) if company.strip() else ""
    choices: dict[int, AccountChoice] = {}
    cols = (A.id, A.name, A.domain, A.is_target)
    if domain:
        for row in conn.execute(select(*cols).where(A.domain == domain, A.deleted_at.is_(None)).limit(limit)):
            choices[int(row.id)] = _choice(row, BY_DOMAIN)
    if norm:
        stmt = select(*cols).where(A.name_norm == norm, A.deleted_at.is_(None)).limit(limit)
        for row in conn.execute(stmt):
            choices.setdefault(int(row.id), _choice(row, BY_NAME))
    return list(choices.values())[:limit]


def auto_account_id(conn: Connection, *, email: str, company: str) -> int | None:
    """The account to link automatically: the only domain match, else the only name match."""
    choices = matching_accounts(conn, email=email, company=company)
    for reason in (BY_DOMAIN, BY_NAME):
        hits = [c for c in choices if c.reason == reason]
        if len(hits) == 1:
            return hits[0].id
        if hits:
            return None  # ambiguous: let the rep choose
    return None


def suggestions(wb: Workbench, lead_id: int) -> list[AccountChoice]:
    with wb.engine.connect() as conn:
        row = conn.execute(select(L.email, L.company).where(L.id == lead_id)).first()
        if row is None:
            return []
        return matching_accounts(conn, email=row.email or "", company=row.company or "")


def search_accounts(wb: Workbench, text: str, *, limit: int = 20) -> list[AccountChoice]:
    """Accounts whose name or domain starts with what the rep typed (through the indexes)."""
    typed = text.strip()
    if not typed:
        return []
    norm = company_norm(typed)
    clauses = [
        A.name.like(f"{_escape(typed)}%", escape="\\"),
        A.domain.like(f"{_escape(typed.casefold())}%", escape="\\"),
    ]
    if norm:
        clauses.append(A.name_norm.like(f"{_escape(norm)}%", escape="\\"))
    stmt = (
        select(A.id, A.name, A.domain, A.is_target)
        .where(or_(*clauses), A.deleted_at.is_(None))
        .order_by(A.is_target.desc(), A.name)
        .limit(limit)
    )
    with wb.engine.connect() as conn:
        return [_choice(row, "") for row in conn.execute(stmt)]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def link(wb: Workbench, lead_id: int, account_id: int | None, *, clock: Clock = system_clock) -> None:
    """Link a lead to an account by hand, or unlink it with ``None``."""
    with wb.engine.begin() as conn:
        if account_id is not None:
            exists = conn.execute(
                select(A.id).where(A.id == account_id, A.deleted_at.is_(None))
            ).scalar_one_or_none()
            if exists is None:
                raise ValueError("That account does not exist or is in the trash.")
        conn.execute(
            update(table_of(Lead)).where(L.id == lead_id).values(account_id=account_id, updated_at=clock())
        )


def account_name(conn: Connection, account_id: int | None) -> str:
    if account_id is None:
        return ""
    return str(conn.execute(select(A.name).where(A.id == account_id)).scalar_one_or_none() or "")
