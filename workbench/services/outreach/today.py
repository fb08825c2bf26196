"""The Today page's contents: what the rep should do next, computed in SQL.

Sections, each capped at :data:`SECTION_LIMIT` items with the full count alongside:

* ``overdue`` — open follow-ups whose due time has passed;
* ``due`` — open follow-ups due later today;
* ``new_leads`` — new leads nobody has touched yet, newest first (speed-to-lead);
* ``nurture`` — nurture leads whose revisit date has come;
* ``stale_opportunities`` — open opportunities with no touch for ``pipeline.stale_days``
  (or their stage's own ``stale_days``), counted from the last touch or, if none, from
  when they entered their stage;
* ``untouched_targets`` — target accounts (not parked) with no touch for
  ``targets.untouched_days``;
* ``own_log`` — activities logged without a record (the rep's own log), waiting to be
  linked to someone.

Plus the goal: touches (calls, emails, meetings, social — not notes) today and this
week against ``goals.touches_per_day`` / ``goals.touches_per_week``. "Today" and
"this week" (from Monday) are the rep's local calendar, so pass the zone in tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, false, func, or_, select

from workbench.domain import (
    Account,
    AccountStatus,
    Activity,
    Contact,
    FollowUp,
    Lead,
    LeadStatus,
    Opportunity,
    OpportunityOutcome,
    PipelineStage,
    StageKind,
    table_of,
)
from workbench.services.outreach.touches import TOUCH_CHANNELS
from workbench.services.records import RecordKind, RecordRef
from workbench.services.settings import values as settings
from workbench.store import Workbench
from workbench.store.sql_functions import unindexed

SECTION_LIMIT = 50
SECTION_KEYS = (
    "overdue",
    "due",
    "new_leads",
    "nurture",
    "stale_opportunities",
    "untouched_targets",
    "own_log",
)

_L: Any = table_of(Lead).c
_C: Any = table_of(Contact).c
_AC: Any = table_of(Account).c
_O: Any = table_of(Opportunity).c
_F: Any = table_of(FollowUp).c
_A: Any = table_of(Activity).c
_S: Any = table_of(PipelineStage).c


@dataclass(frozen=True)
class TodayItem:
    """One line on Today. ``when`` is the moment that matters for its section: due time,
    received time, revisit date, last touch."""

    section: str
    ref: RecordRef | None
    name: str
    detail: str = ""
    when: datetime | None = None
    followup_id: int | None = None
    activity_id: int | None = None
    flagged: bool = False  # overdue / going stale: shown in the warning colour


@dataclass(frozen=True)
class TodaySection:
    key: str
    items: tuple[TodayItem, ...]
    total: int


@dataclass(frozen=True)
class GoalProgress:
    touches_today: int
    goal_day: int
    touches_week: int
    goal_week: int


@dataclass(frozen=True)
class TodayReport:
    now: datetime
    sections: tuple[TodaySection, ...]
    goals: GoalProgress

    def section(self, key: str) -> TodaySection:
        return next(s for s in self.sections if s.key == key)

    @property
    def counts(self) -> dict[str, int]:
        return {s.key: s.total for s in self.sections}


def day_bounds(now: datetime, tz: tzinfo | None = None) -> tuple[datetime, datetime, datetime]:
    """Start of today, start of tomorrow and start of this week (Monday), in UTC."""
    local_day = now.astimezone(tz).date()
    monday = local_day - timedelta(days=local_day.weekday())
    return (_start_of(local_day, tz), _start_of(local_day + timedelta(days=1), tz), _start_of(monday, tz))


def _start_of(day: date, tz: tzinfo | None) -> datetime:
    if tz is None:
        return datetime.combine(day, time()).astimezone().astimezone(UTC)
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


def today_report(
    wb: Workbench, *, now: datetime, tz: tzinfo | None = None, limit: int = SECTION_LIMIT
) -> TodayReport:
    values = settings.read_all(wb)
    start_today, start_tomorrow, start_week = day_bounds(now, tz)
    local_today = now.astimezone(tz).date()
    with wb.engine.connect() as conn:
        sections = (
            _followups(conn, "overdue", _F.due_at < now, now, limit),
            _followups(conn, "due", (_F.due_at >= now) & (_F.due_at < start_tomorrow), now, limit),
            _new_leads(conn, now, int(values["leads.stale_days_new"]), limit),
            _nurture(conn, local_today, limit),
            _stale_opportunities(conn, now, int(values["pipeline.stale_days"]), limit),
            _untouched_targets(conn, now, int(values["targets.untouched_days"]), limit),
            _own_log(conn, limit),
        )
        goals = GoalProgress(
            touches_today=_touches_since(conn, start_today),
            goal_day=int(values["goals.touches_per_day"]),
            touches_week=_touches_since(conn, start_week),
            goal_week=int(values["goals.touches_per_week"]),
        )
    return TodayReport(now, sections, goals)


def touches_between(wb: Workbench, start: datetime, end: datetime | None = None) -> int:
    with wb.engine.connect() as conn:
        return _touches_since(conn, start, end)


def _touches_since(conn: Connection, start: datetime, end: datetime | None = None) -> int:
    # Only the range on `at` (today's or this week's rows) may pick the index: the
    # planner otherwise walks the channel or trash index over every activity ever logged.
    stmt = select(func.count(_A.id)).where(
        _A.at >= start, unindexed(_A.deleted_at).is_(None), unindexed(_A.channel).in_(TOUCH_CHANNELS)
    )
    if end is not None:
        stmt = stmt.where(_A.at < end)
    return int(conn.execute(stmt).scalar_one())


def _section(
    conn: Connection, table: Any, stmt: Select[Any], where: list[ColumnElement[bool]], limit: int
) -> tuple[list[Any], int]:
    """The first ``limit`` rows and the full count. The count runs on ``table`` alone
    (``where`` only names its columns): the joins that name the rows would only slow it."""
    for clause in where:
        stmt = stmt.where(clause)
    rows = list(conn.execute(stmt.limit(limit)))
    if len(rows) < limit:
        return rows, len(rows)
    count = select(func.count()).select_from(table).where(*where)
    return rows, int(conn.execute(count).scalar_one())


def _first_ids(
    conn: Connection, id_column: Any, order: list[Any], where: list[ColumnElement[bool]], limit: int
) -> tuple[list[int], int]:
    """The first ``limit`` ids in ``order`` and how many match, in one pass: the count
    rides along as a window function, and only ids are sorted (names are read for the
    few shown, never for every match)."""
    stmt = select(id_column, func.count().over()).where(*where).order_by(*order).limit(limit)
    rows = conn.execute(stmt).all()
    return [int(r[0]) for r in rows], (int(rows[0][1]) if rows else 0)


def _by_ids(conn: Connection, stmt: Select[Any], id_column: Any, ids: list[int]) -> list[Any]:
    """Rows of ``stmt`` for ``ids`` (first column the id), in the order of ``ids``."""
    if not ids:
        return []
    found = {row[0]: row for row in conn.execute(stmt.where(id_column.in_(ids)))}
    return [found[i] for i in ids if i in found]


def _followups(
    conn: Connection, key: str, when: ColumnElement[bool], now: datetime, limit: int
) -> TodaySection:
    name = func.coalesce(
        func.nullif(_C.name, ""), func.nullif(_L.name, ""), func.nullif(_O.name, ""), _AC.name, ""
    )
    company = func.coalesce(func.nullif(_L.company, ""), _AC.name, "")
    stmt = (
        select(
            _F.id,
            _F.title,
            _F.due_at,
            _F.lead_id,
            _F.contact_id,
            _F.account_id,
            _F.opportunity_id,
            name,
            company,
        )
        .select_from(
            table_of(FollowUp)
            .outerjoin(table_of(Lead), _L.id == _F.lead_id)
            .outerjoin(table_of(Contact), _C.id == _F.contact_id)
            .outerjoin(table_of(Account), _AC.id == _F.account_id)
            .outerjoin(table_of(Opportunity), _O.id == _F.opportunity_id)
        )
        .order_by(_F.due_at, _F.id)
    )
    rows, total = _section(
        conn, table_of(FollowUp), stmt, [_F.done_at.is_(None), _F.deleted_at.is_(None), when], limit
    )
    items = []
    for fid, title, due, lead_id, contact_id, account_id, opp_id, who, company_name in rows:
        detail = f"{title} · {company_name}" if company_name and company_name != who else title
        items.append(
            TodayItem(
                key,
                _most_specific(lead_id, contact_id, opp_id, account_id),
                who or "",
                detail,
                due,
                followup_id=fid,
                flagged=due < now,
            )
        )
    return TodaySection(key, tuple(items), total)


def _most_specific(
    lead_id: int | None, contact_id: int | None, opp_id: int | None, account_id: int | None
) -> RecordRef | None:
    for kind, record_id in (
        (RecordKind.LEAD, lead_id),
        (RecordKind.CONTACT, contact_id),
        (RecordKind.OPPORTUNITY, opp_id),
        (RecordKind.ACCOUNT, account_id),
    ):
        if record_id:
            return RecordRef(kind, int(record_id))
    return None


def _new_leads(conn: Connection, now: datetime, stale_days: int, limit: int) -> TodaySection:
    stmt = select(_L.id, _L.name, _L.company, _L.source, _L.received_at).order_by(
        _L.received_at.desc(), _L.id.desc()
    )
    # "Untouched" read from last_touch_at (NULL exactly when first_touch_at is): the
    # status index holds it, so this is a scan of the new leads' index entries.
    where = [_L.status == LeadStatus.NEW, _L.deleted_at.is_(None), unindexed(_L.last_touch_at).is_(None)]
    rows, total = _section(conn, table_of(Lead), stmt, where, limit)
    stale_before = now - timedelta(days=stale_days)
    items = tuple(
        TodayItem(
            "new_leads",
            RecordRef(RecordKind.LEAD, lead_id),
            name or company,
            " · ".join(p for p in (company, source) if p),
            received,
            flagged=received < stale_before,
        )
        for lead_id, name, company, source, received in rows
    )
    return TodaySection("new_leads", items, total)


def _nurture(conn: Connection, today: date, limit: int) -> TodaySection:
    where = [_L.status == LeadStatus.NURTURE, _L.deleted_at.is_(None), _L.nurture_until <= today]
    ids, total = _first_ids(conn, _L.id, [_L.nurture_until, _L.id], where, limit)
    rows = _by_ids(conn, select(_L.id, _L.name, _L.company, _L.nurture_until), _L.id, ids)
    items = tuple(
        TodayItem(
            "nurture",
            RecordRef(RecordKind.LEAD, lead_id),
            name or company,
            company,
            datetime.combine(until, time(), tzinfo=UTC) if until else None,
        )
        for lead_id, name, company, until in rows
    )
    return TodaySection("nurture", items, total)


def _stale_opportunities(conn: Connection, now: datetime, default_days: int, limit: int) -> TodaySection:
    quiet_since = func.coalesce(_O.last_touch_at, _O.stage_entered_at)
    stages = conn.execute(select(_S.id, _S.stale_days).where(_S.kind == StageKind.OPEN)).all()
    # One threshold per stage, so each stage's own stale_days applies (stages are few).
    stale: ColumnElement[bool] = or_(
        false(),
        *(
            (_O.stage_id == stage_id) & (quiet_since < now - timedelta(days=days or default_days))
            for stage_id, days in stages
        ),
    )
    where = [_O.outcome == OpportunityOutcome.OPEN, _O.deleted_at.is_(None), stale]
    ids, total = _first_ids(conn, _O.id, [quiet_since, _O.id], where, limit)
    stmt = select(_O.id, _O.name, _AC.name, _S.name, quiet_since).select_from(
        table_of(Opportunity)
        .join(table_of(PipelineStage), _S.id == _O.stage_id)
        .outerjoin(table_of(Account), _AC.id == _O.account_id)
    )
    rows = _by_ids(conn, stmt, _O.id, ids)
    items = tuple(
        TodayItem(
            "stale_opportunities",
            RecordRef(RecordKind.OPPORTUNITY, opp_id),
            name,
            " · ".join(p for p in (account or "", stage) if p),
            quiet,
            flagged=True,
        )
        for opp_id, name, account, stage, quiet in rows
    )
    return TodaySection("stale_opportunities", items, total)


def _untouched_targets(conn: Connection, now: datetime, days: int, limit: int) -> TodaySection:
    stmt = select(_AC.id, _AC.name, _AC.tier, _AC.last_touch_at).order_by(
        _AC.last_touch_at.asc().nulls_first(), _AC.tier, _AC.name
    )
    where = [
        _AC.is_target.is_(True),
        _AC.deleted_at.is_(None),
        _AC.status != AccountStatus.PARKED,
        or_(_AC.last_touch_at.is_(None), _AC.last_touch_at < now - timedelta(days=days)),
    ]
    rows, total = _section(conn, table_of(Account), stmt, where, limit)
    items = tuple(
        TodayItem(
            "untouched_targets",
            RecordRef(RecordKind.ACCOUNT, account_id),
            name,
            tier or "",
            last,
            flagged=last is None,
        )
        for account_id, name, tier, last in rows
    )
    return TodaySection("untouched_targets", items, total)


def _own_log(conn: Connection, limit: int) -> TodaySection:
    stmt = select(_A.id, _A.channel, _A.outcome, _A.note, _A.at).order_by(_A.at.desc(), _A.id.desc())
    where = [
        _A.lead_id.is_(None),
        _A.contact_id.is_(None),
        _A.account_id.is_(None),
        _A.opportunity_id.is_(None),
        _A.deleted_at.is_(None),
    ]
    rows, total = _section(conn, table_of(Activity), stmt, where, limit)
    items = tuple(
        TodayItem(
            "own_log",
            None,
            (note or "").strip().split("\n")[0][:120],
            " · ".join(p for p in (channel, outcome) if p),
            at,
            activity_id=activity_id,
        )
        for activity_id, channel, outcome, note, at in rows
    )
    return TodaySection("own_log", items, total)
