"""Which backups to keep: the last N, then one a day, a week and a month (Anki's thinning)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class RetentionPolicy:
    keep_last: int = 10
    daily_days: int = 7
    weekly_weeks: int = 4
    monthly_months: int = 12


def to_keep(times: Sequence[datetime], now: datetime, policy: RetentionPolicy) -> set[datetime]:
    """The backup times to keep; every other backup may be deleted."""
    ordered = sorted(times, reverse=True)
    keep = set(ordered[: max(policy.keep_last, 1)])
    buckets: dict[tuple[str, object], datetime] = {}
    for at in ordered:  # newest first: the first seen in a bucket is the one kept
        age = now - at
        if age <= timedelta(days=policy.daily_days):
            key: tuple[str, object] = ("day", at.date())
        elif age <= timedelta(weeks=policy.weekly_weeks):
            iso = at.isocalendar()
            key = ("week", (iso.year, iso.week))
        elif age <= timedelta(days=31 * policy.monthly_months):
            key = ("month", (at.year, at.month))
        else:
            continue
        buckets.setdefault(key, at)
    keep.update(buckets.values())
    return keep
