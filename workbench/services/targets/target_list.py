"""The target list: the short list of accounts the rep chose on purpose.

Definitions the Targets area, Today and the CLI share:

* an **active target** is a live account with ``is_target`` whose status is not
  ``parked``; the list's progress is active targets against ``targets.goal``;
* a target is **untouched** when it has no touch at all, or none in the last
  ``targets.untouched_days`` days (``account.last_touch_at``, kept by ``touches``);
* its **engagement** is the furthest of: its status, "contacted" once it has a touch,
  and "opportunity" once it has an open opportunity;
* a **good fit** has a fit score of at least ``targets.good_fit``.

Promoting, demoting, parking and status changes are recorded as ``AccountEvent`` rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, case, cast, func, literal, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from workbench.domain import (
    Account,
    AccountCheck,
    AccountEvent,
    AccountStatus,
    Contact,
    IcpCriterion,
    Opportunity,
    Tier,
    table_of,
)
from workbench.services.clock import Clock, system_clock
from workbench.services.settings import values as settings
from workbench.services.tables import Column, ColumnKind, SqlTableSource
from workbench.services.targets.accounts import AccountError, escape_like, live_account
from workbench.store import Workbench

A: Any = table_of(Account).c
_C: Any = table_of(Contact).c
_O: Any = table_of(Opportunity).c
_K: Any = table_of(AccountCheck).c
_I: Any = table_of(IcpCriterion).c

#: Status order along the way to a deal (parked is off the path).
STATUS_PATH = (
    AccountStatus.RESEARCHING,
    AccountStatus.CONTACTED,
    AccountStatus.ENGAGED,
    AccountStatus.OPPORTUNITY,
)


class Engagement(StrEnum):
    NOT_CONTACTED = "not contacted"
    CONTACTED = "contacted"
    ENGAGED = "engaged"
    OPPORTUNITY = "opportunity"


class FitBand(StrEnum):
    GOOD = "good fit"
    MEDIUM = "medium fit"
    POOR = "poor fit"
    UNASSESSED = "not assessed"


# --- SQL pieces shared by the table, the CLI and the grid -----------------------------
def contacts_count() -> ColumnElement[Any]:
    return (
        sa_select(func.count(_C.id)).where(_C.account_id == A.id, _C.deleted_at.is_(None)).scalar_subquery()
    )


def open_pipeline() -> ColumnElement[Any]:
    return (
        sa_select(func.coalesce(func.sum(_O.amount), 0.0))
        .where(_O.account_id == A.id, _O.deleted_at.is_(None), _O.outcome == "open")
        .scalar_subquery()
    )


def open_opportunities() -> ColumnElement[Any]:
    return (
        sa_select(func.count(_O.id))
        .where(_O.account_id == A.id, _O.deleted_at.is_(None), _O.outcome == "open")
        .scalar_subquery()
    )


def unknown_criteria() -> ColumnElement[Any]:
    """Live criteria not yet judged met or not met on the account: research left."""
    live = sa_select(func.count(_I.id)).where(_I.deleted_at.is_(None)).scalar_subquery()
    known = (
        sa_select(func.count(_K.id))
        .select_from(table_of(AccountCheck).join(table_of(IcpCriterion), _K.criterion_id == _I.id))
        .where(_K.account_id == A.id, _K.state != "unknown", _I.deleted_at.is_(None))
        .scalar_subquery()
    )
    return live - known


def active_target() -> ColumnElement[bool]:
    return and_(A.is_target, A.deleted_at.is_(None), A.status != AccountStatus.PARKED.value)


def untouched_clause(cutoff: datetime) -> ColumnElement[bool]:
    return or_(A.last_touch_at.is_(None), A.last_touch_at < cutoff)


def untouched_cutoff(session: Session, now: datetime) -> tuple[datetime, int]:
    days = int(settings.get(session, "targets.untouched_days") or 0)
    return now - timedelta(days=max(days, 0)), days


# --- the table of the Targets area --------------------------------------------------------
def fit_shown() -> ColumnElement[Any]:
    """The fit score as a whole number, as the list shows and sorts it."""
    return cast(func.round(A.fit_score), Integer)


def target_columns() -> list[Column]:
    return [
        Column("name", "Account", A.name, width=170),
        Column("tier", "Tier", A.tier, width=40),
        Column("fit", "Fit", fit_shown(), ColumnKind.NUMBER, width=45),
        Column("status", "Status", A.status, width=100),
        Column("last_touch", "Last touch", A.last_touch_at, ColumnKind.DATETIME, width=120),
        Column("next_followup", "Next follow-up", A.next_followup_at, ColumnKind.DATETIME, width=120),
        Column("contacts", "Contacts", contacts_count(), ColumnKind.NUMBER, width=65),
        Column("pipeline", "Open pipeline", open_pipeline(), ColumnKind.MONEY, width=100),
        Column("unknown", "To research", unknown_criteria(), ColumnKind.NUMBER, width=80),
        Column("domain", "Domain", A.domain, width=140),
    ]


def _text_filter(dialect: str, text: str) -> ColumnElement[bool] | None:
    clauses = []
    for word in text.split():
        pattern = f"%{escape_like(word)}%"
        clauses.append(
            or_(
                A.name.ilike(pattern, escape="\\"),
                A.domain.ilike(pattern, escape="\\"),
                A.industry.ilike(pattern, escape="\\"),
                A.region.ilike(pattern, escape="\\"),
            )
        )
    return and_(*clauses) if clauses else None


def _base(stmt: Select[Any]) -> Select[Any]:
    return stmt.select_from(table_of(Account)).where(A.is_target, A.deleted_at.is_(None))


def _chip_filter(cutoff: datetime) -> Any:
    def chips(values: Mapping[str, Any]) -> Sequence[ColumnElement[bool]]:
        clauses: list[ColumnElement[bool]] = []
        if not values.get("parked"):
            clauses.append(A.status != AccountStatus.PARKED.value)
        if values.get("untouched"):
            clauses.append(untouched_clause(cutoff))
        ids = values.get("ids")
        if ids is not None:
            clauses.append(A.id.in_(list(ids)))
        return clauses

    return chips


class TargetTable(SqlTableSource):
    """The target list, paged and sorted in SQL. Chips: ``parked`` (show parked ones
    too), ``untouched`` (only untouched ones), ``ids`` (only these, from the grid).
    "Untouched" depends on now: call :meth:`set_now` before a refresh."""

    def __init__(self, wb: Workbench, clock: Clock = system_clock) -> None:
        super().__init__(
            wb,
            id_column=A.id,
            columns=target_columns(),
            base=_base,
            text_filter=_text_filter,
            default_sort=("fit", True),
        )
        self.clock = clock
        self.set_now()

    def set_now(self, now: datetime | None = None) -> None:
        with self.wb.reading() as session:
            cutoff, _ = untouched_cutoff(session, now or self.clock())
        self._style = case(
            (A.status == AccountStatus.PARKED.value, literal("muted")),
            (untouched_clause(cutoff), literal("untouched")),
            else_=literal(""),
        )
        self._chip_filter = _chip_filter(cutoff)


def target_table(wb: Workbench, clock: Clock = system_clock) -> TargetTable:
    return TargetTable(wb, clock)


# --- summary and lists ------------------------------------------------------------------
@dataclass(frozen=True)
class Summary:
    goal: int
    active: int
    parked: int
    untouched: int
    untouched_days: int
    good_fit_not_engaged: int

    @property
    def progress(self) -> float:
        """Share of the goal reached, 0–1 (a goal of 0 or less counts as reached)."""
        return 1.0 if self.goal <= 0 else min(1.0, self.active / self.goal)

    @property
    def reached(self) -> bool:
        return self.active >= self.goal


def summary(session: Session, now: datetime) -> Summary:
    goal = int(settings.get(session, "targets.goal") or 0)
    cutoff, days = untouched_cutoff(session, now)
    row = session.execute(
        sa_select(
            func.count().filter(active_target()),
            func.count().filter(A.status == AccountStatus.PARKED.value),
            func.count().filter(and_(active_target(), untouched_clause(cutoff))),
        ).where(A.is_target, A.deleted_at.is_(None))
    ).one()
    cells = fit_engagement(session)
    return Summary(
        goal=goal,
        active=int(row[0]),
        parked=int(row[1]),
        untouched=int(row[2]),
        untouched_days=days,
        good_fit_not_engaged=len(cells.get((FitBand.GOOD, Engagement.NOT_CONTACTED), [])),
    )


@dataclass(frozen=True)
class TargetRow:
    id: int
    uuid: str
    name: str
    domain: str
    tier: str | None
    fit_score: float | None
    unknown: int
    status: str
    contacts: int
    last_touch_at: datetime | None
    next_followup_at: datetime | None
    open_pipeline: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "uuid": self.uuid,
            "name": self.name,
            "domain": self.domain,
            "tier": self.tier,
            "fit": self.fit_score,
            "unknown_criteria": self.unknown,
            "status": self.status,
            "contacts": self.contacts,
            "last_touch_at": self.last_touch_at.isoformat() if self.last_touch_at else None,
            "next_followup_at": self.next_followup_at.isoformat() if self.next_followup_at else None,
            "open_pipeline": self.open_pipeline,
        }


def list_targets(session: Session, *, include_parked: bool = True) -> list[TargetRow]:
    """Every target, best fit first (for the CLI and exports; the UI pages instead)."""
    stmt = sa_select(
        A.id,
        A.uuid,
        A.name,
        A.domain,
        A.tier,
        A.fit_score,
        unknown_criteria(),
        A.status,
        contacts_count(),
        A.last_touch_at,
        A.next_followup_at,
        open_pipeline(),
    ).where(A.is_target, A.deleted_at.is_(None))
    if not include_parked:
        stmt = stmt.where(A.status != AccountStatus.PARKED.value)
    stmt = stmt.order_by(A.fit_score.is_(None), A.fit_score.desc(), A.name)
    return [
        TargetRow(
            id=r[0],
            uuid=r[1],
            name=r[2],
            domain=r[3],
            tier=r[4],
            fit_score=r[5],
            unknown=int(r[6] or 0),
            status=r[7],
            contacts=int(r[8] or 0),
            last_touch_at=r[9],
            next_followup_at=r[10],
            open_pipeline=float(r[11] or 0.0),
        )
        for r in session.execute(stmt)
    ]


@dataclass(frozen=True)
class UntouchedTarget:
    id: int
    name: str
    tier: str | None
    fit_score: float | None
    last_touch_at: datetime | None
    #: Whole days since the last touch, ``None`` when never touched.
    days_since: int | None


def untouched_targets(session: Session, now: datetime, limit: int = 100) -> list[UntouchedTarget]:
    """Active targets without a touch in ``targets.untouched_days`` days (for Today):
    never-touched ones first, then the longest-untouched, better tiers and fits first."""
    cutoff, _ = untouched_cutoff(session, now)
    rows = session.execute(
        sa_select(A.id, A.name, A.tier, A.fit_score, A.last_touch_at)
        .where(active_target(), untouched_clause(cutoff))
        .order_by(
            A.last_touch_at.is_not(None),
            A.last_touch_at,
            A.tier.is_(None),
            A.tier,
            A.fit_score.desc(),
        )
        .limit(limit)
    ).all()
    return [
        UntouchedTarget(
            id=r[0],
            name=r[1],
            tier=r[2],
            fit_score=r[3],
            last_touch_at=r[4],
            days_since=None if r[4] is None else max(0, (now - r[4]).days),
        )
        for r in rows
    ]


def count_untouched(session: Session, now: datetime) -> int:
    cutoff, _ = untouched_cutoff(session, now)
    return int(
        session.execute(
            sa_select(func.count(A.id)).where(active_target(), untouched_clause(cutoff))
        ).scalar_one()
    )


# --- fit × engagement -----------------------------------------------------------------
def fit_band(score: float | None, good: float) -> FitBand:
    if score is None:
        return FitBand.UNASSESSED
    if score >= good:
        return FitBand.GOOD
    if score >= good / 2:
        return FitBand.MEDIUM
    return FitBand.POOR


def engagement(status: str, touched: bool, open_opportunities: int) -> Engagement:
    level = Engagement.NOT_CONTACTED
    if touched or status == AccountStatus.CONTACTED:
        level = Engagement.CONTACTED
    if status == AccountStatus.ENGAGED:
        level = Engagement.ENGAGED
    if status == AccountStatus.OPPORTUNITY or open_opportunities > 0:
        level = Engagement.OPPORTUNITY
    return level


@dataclass(frozen=True)
class GridAccount:
    id: int
    name: str
    fit_score: float | None
    tier: str | None


def fit_engagement(session: Session) -> dict[tuple[FitBand, Engagement], list[GridAccount]]:
    """Active targets by fit band and engagement, best fit first in each cell."""
    good = float(settings.get(session, "targets.good_fit") or 70)
    rows = session.execute(
        sa_select(A.id, A.name, A.fit_score, A.tier, A.status, A.last_touch_at, open_opportunities())
        .where(active_target())
        .order_by(A.fit_score.is_(None), A.fit_score.desc(), A.name)
    ).all()
    cells: dict[tuple[FitBand, Engagement], list[GridAccount]] = {}
    for r in rows:
        key = (fit_band(r[2], good), engagement(r[4], r[5] is not None, int(r[6] or 0)))
        cells.setdefault(key, []).append(GridAccount(r[0], r[1], r[2], r[3]))
    return cells


# --- promote, demote, park, status -------------------------------------------------------
@dataclass(frozen=True)
class Event:
    at: datetime
    what: str
    old: str
    new: str
    reason: str


def _event(
    session: Session, account_id: int, at: datetime, what: str, old: str = "", new: str = "", reason: str = ""
) -> None:
    session.add(AccountEvent(account_id=account_id, at=at, what=what, old=old, new=new, reason=reason))


def promote(
    session: Session,
    account_id: int,
    *,
    tier: Tier | str | None = None,
    reason: str = "",
    clock: Clock = system_clock,
) -> bool:
    """Make an account a target (False when it already was one)."""
    account = live_account(session, account_id)
    if account.is_target:
        return False
    now = clock()
    account.is_target = True
    account.target_since = now
    if tier:
        account.tier = Tier(tier).value
    if account.status == AccountStatus.PARKED:
        account.status = AccountStatus.RESEARCHING
        account.park_reason = ""
    account.updated_at = now
    session.add(account)
    _event(session, account_id, now, "promoted", new=account.tier or "", reason=reason.strip())
    session.flush()
    from workbench.services.targets import icp

    icp.store_fit(session, account_id)
    return True


def demote(session: Session, account_id: int, reason: str = "", clock: Clock = system_clock) -> bool:
    """Take an account off the target list; it stays an account (False when it was not a target)."""
    account = live_account(session, account_id)
    if not account.is_target:
        return False
    now = clock()
    account.is_target = False
    account.updated_at = now
    session.add(account)
    _event(session, account_id, now, "demoted", old=account.tier or "", reason=reason.strip())
    return True


def park(session: Session, account_id: int, reason: str, clock: Clock = system_clock) -> None:
    """Park a target with a reason: it stays on the list, greyed, and stops counting."""
    why = " ".join(reason.split())
    if not why:
        raise AccountError("Say why the account is parked.")
    account = live_account(session, account_id)
    if account.status == AccountStatus.PARKED:
        account.park_reason = why
        session.add(account)
        return
    now = clock()
    _event(session, account_id, now, "status", old=account.status, new=AccountStatus.PARKED, reason=why)
    account.status = AccountStatus.PARKED
    account.park_reason = why
    account.updated_at = now
    session.add(account)


def unpark(session: Session, account_id: int, clock: Clock = system_clock) -> str:
    """Back on the list at the status it had before it was parked."""
    account = live_account(session, account_id)
    if account.status != AccountStatus.PARKED:
        return account.status
    last = session.exec(
        select(AccountEvent)
        .where(AccountEvent.account_id == account_id, AccountEvent.new == AccountStatus.PARKED.value)
        .order_by(col(AccountEvent.at).desc(), col(AccountEvent.id).desc())
    ).first()
    before = last.old if last is not None and last.old in STATUS_PATH else AccountStatus.RESEARCHING.value
    set_status(session, account_id, before, clock=clock)
    return before


def set_status(
    session: Session,
    account_id: int,
    status: AccountStatus | str,
    reason: str = "",
    clock: Clock = system_clock,
) -> None:
    status = AccountStatus(status)
    if status == AccountStatus.PARKED:
        park(session, account_id, reason, clock)
        return
    account = live_account(session, account_id)
    if account.status == status:
        return
    now = clock()
    _event(session, account_id, now, "status", old=account.status, new=status, reason=reason.strip())
    account.status = status
    account.park_reason = ""
    account.updated_at = now
    session.add(account)


def advance_status(
    session: Session, account_id: int, status: AccountStatus | str, clock: Clock = system_clock
) -> bool:
    """Move a target forward to ``status`` if it is behind it (never back, never out of
    parked). For callers that log touches or create opportunities."""
    status = AccountStatus(status)
    account = live_account(session, account_id)
    if status not in STATUS_PATH or account.status not in STATUS_PATH:
        return False
    if STATUS_PATH.index(AccountStatus(account.status)) >= STATUS_PATH.index(status):
        return False
    set_status(session, account_id, status, clock=clock)
    return True


def set_tier(session: Session, account_id: int, tier: Tier | str | None, clock: Clock = system_clock) -> None:
    account = live_account(session, account_id)
    value = Tier(tier).value if tier else None
    if account.tier == value:
        return
    now = clock()
    _event(session, account_id, now, "tier", old=account.tier or "", new=value or "")
    account.tier = value
    account.updated_at = now
    session.add(account)


def history(session: Session, account_id: int) -> list[Event]:
    rows = session.exec(
        select(AccountEvent)
        .where(AccountEvent.account_id == account_id)
        .order_by(col(AccountEvent.at).desc(), col(AccountEvent.id).desc())
    ).all()
    return [Event(r.at, r.what, r.old, r.new, r.reason) for r in rows]
