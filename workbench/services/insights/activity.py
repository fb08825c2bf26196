"""Activity ratios: how much prospecting each result takes, and touches per week against
the goal.

Touches are live activities on the channels of :data:`touches.TOUCH_CHANNELS` (a note
is not a touch). In the period:

* touches per **connected call** (a call whose outcome is "connected"), per **meeting
  booked** (any activity with that outcome), per **opportunity** (opportunities that
  entered the pipeline in the period) and per **won deal** (won with a close date in it);
* touches per week: the period's average and the last 12 weeks (Monday to Sunday,
  local time) up to the period's end, each against ``goals.touches_per_week``.

Counted through the index (channel, outcome, deleted_at, at): the period's counts walk
it once, and each week is a handful of range seeks.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from workbench.domain import Activity, Opportunity, StageChange, table_of
from workbench.domain.enums import Channel, OpportunityOutcome, Outcome
from workbench.services.insights.common import Period, aware, counts_per_key
from workbench.services.insights.wilson import ratio
from workbench.services.outreach.touches import TOUCH_CHANNELS
from workbench.store.sql_functions import unindexed

ACT: Any = table_of(Activity).c
OPP: Any = table_of(Opportunity).c
SC: Any = table_of(StageChange).c
WEEKS_SHOWN = 12


def _by_channel_and_outcome(session: Session, period: Period) -> dict[tuple[str, str], int]:
    """Live activities of the period per (channel, outcome): each pair counted in its own
    range of ``ix_activity_channel_live`` (see :func:`common.counts_per_key`)."""
    rows = counts_per_key(session, [ACT.channel, ACT.outcome], ACT.deleted_at.is_(None), period.where(ACT.at))
    return {(str(c), str(o)): int(n) for c, o, n in rows}


def _live() -> Any:
    """SQL: a live activity. Kept out of index choice: without planner statistics SQLite
    would read a million activities through the deleted_at index instead of walking
    (channel, outcome, deleted_at, at)."""
    return unindexed(ACT.deleted_at).is_(None)


def opportunities_entered(session: Session, period: Period) -> int:
    """Live opportunities whose first stage row (their entry into the pipeline, one per
    opportunity) is in the period."""
    # "Not in the trash" (a short list) rather than a join to each live opportunity: the
    # entries are then counted in ix_stage_change_entry alone.
    trashed = select(OPP.id).where(OPP.deleted_at.is_not(None))
    stmt = select(func.count()).where(
        SC.from_stage_id.is_(None), period.where(SC.at), SC.opportunity_id.not_in(trashed)
    )
    return int(session.execute(stmt).scalar_one())


def won_in(session: Session, period: Period) -> tuple[int, float]:
    """Live opportunities won with a close date in the period: count and amount."""
    stmt = select(func.count(), func.coalesce(func.sum(OPP.amount), 0.0)).where(
        OPP.deleted_at.is_(None), OPP.outcome == OpportunityOutcome.WON.value, period.where(OPP.closed_at)
    )
    n, amount = session.execute(stmt).one()
    return int(n), float(amount)


def week_start(moment: datetime, tz: tzinfo | None = None) -> date:
    """The Monday (local time unless ``tz``) of the week holding ``moment``."""
    local = moment.astimezone(tz) if tz is not None else moment.astimezone()
    return local.date() - timedelta(days=local.weekday())


def local_midnight(day: date, tz: tzinfo | None = None) -> datetime:
    """00:00 of ``day`` in ``tz`` (default: this computer's zone, daylight saving included)."""
    naive = datetime.combine(day, time())
    return naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()


def _weekly_touches(
    session: Session, end: datetime, outcomes: set[str], goal: int, tz: tzinfo | None
) -> list[dict[str, Any]]:
    first = week_start(end, tz) - timedelta(weeks=WEEKS_SHOWN - 1)
    weeks: list[dict[str, Any]] = []
    for i in range(WEEKS_SHOWN):
        # Local midnights: a week is 7 calendar days even across a daylight-saving change.
        start = local_midnight(first + timedelta(days=7 * i), tz)
        stop = local_midnight(first + timedelta(days=7 * (i + 1)), tz)
        # Listing the outcomes turns the count into range seeks on the channel index.
        stmt = select(func.count()).where(
            ACT.channel.in_(TOUCH_CHANNELS),
            ACT.outcome.in_(sorted(outcomes)),
            ACT.deleted_at.is_(None),
            ACT.at >= start,
            ACT.at < stop,
        )
        weeks.append(
            {
                "week_start": (first + timedelta(days=7 * i)).isoformat(),
                "touches": int(session.execute(stmt).scalar_one()),
                "goal": goal,
            }
        )
    return weeks


def _weeks_in(session: Session, period: Period, now: datetime) -> float:
    start = period.start
    if start is None:
        # The oldest touch: a walk of the time index from its start, not a count of all.
        first = session.execute(
            select(ACT.at)
            .where(_live(), unindexed(ACT.channel).in_(TOUCH_CHANNELS))
            .order_by(ACT.at)
            .limit(1)
        ).scalar()
        start = aware(first)
    end = min(period.end, now) if period.end is not None else now
    if start is None or end <= start:
        return 0.0
    return max((end - start) / timedelta(weeks=1), 1.0)


def compute(
    session: Session, period: Period, now: datetime, goal_per_week: int, tz: tzinfo | None = None
) -> dict[str, Any]:
    counts = _by_channel_and_outcome(session, period)
    by_channel = {channel: 0 for channel in TOUCH_CHANNELS}
    for (channel, _outcome), n in counts.items():
        if channel in by_channel:
            by_channel[channel] += n
    touches = sum(by_channel.values())
    connected = counts.get((Channel.CALL.value, Outcome.CONNECTED.value), 0)
    meetings = sum(n for (_c, o), n in counts.items() if o == Outcome.MEETING_BOOKED.value)
    opportunities = opportunities_entered(session, period)
    won, _amount = won_in(session, period)
    weeks = _weeks_in(session, period, now)
    outcomes = {o.value for o in Outcome} | {""} | {o for (_c, o) in counts}
    end = min(period.end, now) if period.end is not None else now
    return {
        "touches": touches,
        "by_channel": by_channel,
        "connected_calls": connected,
        "meetings_booked": meetings,
        "opportunities": opportunities,
        "won": won,
        "touches_per_connected_call": ratio(touches, connected),
        "touches_per_meeting_booked": ratio(touches, meetings),
        "touches_per_opportunity": ratio(touches, opportunities),
        "touches_per_won": ratio(touches, won),
        "touches_per_week": ratio(touches, weeks),
        "goal_per_week": goal_per_week,
        "weeks": _weekly_touches(session, end - timedelta(microseconds=1), outcomes, goal_per_week, tz),
    }
