"""Working days and hours: Monday to Friday, 09:00–17:00 in the rep's time zone.

Shared by the next-step rules (:mod:`workbench.services.outreach.next_step`) and the
sequences, so "in 2 working days" means the same thing wherever it is said."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

WORKDAY_START = time(9, 0)
WORKDAY_END = time(17, 0)


def add_business_days(start: date, days: int) -> date:
    """``start`` moved forward by ``days`` working days (Mon–Fri): Friday + 1 is Monday,
    and so is Saturday + 1. Zero days from a weekend also lands on the Monday — nobody
    should be told to call on a Sunday."""
    current = start
    if days <= 0:
        while current.weekday() >= 5:
            current += timedelta(days=1)
        return current
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def _working_time(moment: time) -> time:
    if WORKDAY_START <= moment <= WORKDAY_END:
        return moment.replace(second=0, microsecond=0)
    return WORKDAY_START


def due_after(now: datetime, business_days: int, tz: tzinfo | None = None) -> datetime:
    """A due datetime (UTC) ``business_days`` working days after ``now`` in the rep's zone."""
    local = now.astimezone(tz)
    day = add_business_days(local.date(), business_days)
    at = _working_time(local.time())
    if day == local.date() and local.time() > WORKDAY_END:
        # A same-day rule logged after hours: first thing on the next working day.
        day = add_business_days(day + timedelta(days=1), 0)
    if tz is None:
        # Naive local time through astimezone() follows the system's DST rules.
        return datetime.combine(day, at).astimezone().astimezone(UTC)
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)
