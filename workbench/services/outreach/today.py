"""The Today page's contents: what the rep should do next, computed in SQL.

The work queue comes first (``services/outreach/queue.py``: its sources, their order,
and how to add a kind of row) — ``overdue`` (follow-ups and sequence steps),
``new_leads``, ``due`` (follow-ups and today's steps), ``nurture``,
``stale_opportunities``, each record once and ranked — then the lines outside it, each
record still once:

* ``untouched_targets`` — target accounts (not parked) with no touch for
  ``targets.untouched_days``;
* ``own_log`` — activities logged without a record (the rep's own log), waiting to be
  linked to someone;
* ``tomorrow`` — a preview: follow-ups due, revisits and sequence steps coming tomorrow.

Every section holds its first :data:`SECTION_LIMIT` rows with the full count alongside.
Plus the goal: touches (calls, emails, meetings, social — not notes) today and this
week against ``goals.touches_per_day`` / ``goals.touches_per_week``. "Today" and
"this week" (from Monday) are the rep's local calendar, so pass the zone in tests.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import Connection, func, or_, select

from workbench.domain import Account, AccountStatus, Activity, table_of
from workbench.services.outreach.queue import (
    QUEUE_SOURCES,
    TOMORROW_SOURCES,
    QueueClock,
    QueueRow,
    QueueSection,
    build_queue,
    first_rows,
    rank_once,
)
from workbench.services.outreach.touches import TOUCH_CHANNELS
from workbench.services.records import RecordKind, RecordRef
from workbench.services.settings import values as settings
from workbench.store import Workbench
from workbench.store.sql_functions import unindexed

SECTION_LIMIT = 50
#: The sections in page order (the work queue's five first).
SECTION_KEYS = (
    "overdue",
    "new_leads",
    "due",
    "nurture",
    "stale_opportunities",
    "untouched_targets",
    "own_log",
    "tomorrow",
)
#: The queue's row and section types under the names the Today area reads.
TodayItem = QueueRow
TodaySection = QueueSection

_AC: Any = table_of(Account).c
_A: Any = table_of(Activity).c


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
    clock = QueueClock(
        now=now,
        start_tomorrow=start_tomorrow,
        start_day_after=_start_of(local_today + timedelta(days=2), tz),
        local_today=local_today,
        stale_days_new=int(values["leads.stale_days_new"]),
        stale_days_deals=int(values["pipeline.stale_days"]),
        start_today=start_today,
    )
    with wb.engine.connect() as conn:
        queue = build_queue(conn, clock, limit, QUEUE_SOURCES)
        seen: set[object] = {row.record for s in queue for row in s.items if row.record is not None}
        rest = rank_once(
            [
                _untouched_targets(conn, now, int(values["targets.untouched_days"]), limit),
                _own_log(conn, limit),
            ],
            conn,
            seen=seen,
        )
        # Tomorrow is a preview, ranked on its own: after today's queue is worked through.
        tomorrow = build_queue(conn, clock, limit, TOMORROW_SOURCES)
        goals = GoalProgress(
            touches_today=_touches_since(conn, start_today),
            goal_day=int(values["goals.touches_per_day"]),
            touches_week=_touches_since(conn, start_week),
            goal_week=int(values["goals.touches_per_week"]),
        )
    rest = [replace(s, items=tuple(replace(r, rank=0) for r in s.items)) for s in rest]
    return TodayReport(now, (*queue, *rest, *tomorrow), goals)


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
    rows, total = first_rows(conn, table_of(Account), stmt, where, limit)
    items = tuple(
        QueueRow(
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
    rows, total = first_rows(conn, table_of(Activity), stmt, where, limit)
    items = tuple(
        QueueRow(
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
