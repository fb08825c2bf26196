"""What every Insights section shares: the period, the conversion counts of one group,
and the few SQL pieces (the live-row filter, epoch seconds, medians) they are built from.

Sections read through one session and return plain, JSON-able dicts; the GUI, the CLI
and the benchmarks all call the same functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, true
from sqlmodel import Session

from workbench.services.insights.wilson import rate, wilson_interval
from workbench.services.settings import values as settings
from workbench.store.sql_functions import unindexed

#: How an empty group value (no campaign, no account, no industry) is named in results.
NONE_KEY = "(none)"

settings.DEFAULTS.update(
    {
        # A group with fewer leads than this is marked "not yet meaningful": its rates
        # are shown, with their interval, but not compared or ranked.
        "insights.min_group_leads": 20,
        # Quota math: the quota amount and its period (ISO dates; None: this quarter).
        "insights.quota_amount": 0.0,
        "insights.quota_from": None,
        "insights.quota_to": None,
    }
)


@dataclass(frozen=True)
class Period:
    """A half-open time range ``[start, end)``; ``None`` on a side means "no limit"."""

    start: datetime | None = None
    end: datetime | None = None

    @classmethod
    def from_dates(cls, first: date | None, last: date | None, tz: tzinfo | None = None) -> Period:
        """The days ``first`` … ``last`` inclusive, each from midnight in ``tz`` (default:
        this computer's time zone), as UTC instants."""
        return cls(_midnight(first, tz), _midnight(last + timedelta(days=1), tz) if last else None)

    def where(self, column: Any, *, indexed: bool = True) -> ColumnElement[bool]:
        """SQL: ``column`` lies in the period. ``indexed=False`` keeps the range out of
        index selection, for queries that another index answers better."""
        if not indexed:
            column = unindexed(column)
        clauses = []
        if self.start is not None:
            clauses.append(column >= self.start)
        if self.end is not None:
            clauses.append(column < self.end)
        return and_(true(), *clauses) if clauses else true()

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
        }


def _midnight(day: date | None, tz: tzinfo | None) -> datetime | None:
    if day is None:
        return None
    local = datetime.combine(day, time())
    aware = local.replace(tzinfo=tz) if tz is not None else local.astimezone()
    return aware.astimezone(UTC)


@dataclass
class Counts:
    """Conversion counts of one group of leads (a kind, a source, a campaign…)."""

    leads: int = 0
    opportunities: int = 0
    won: int = 0
    lost: int = 0

    def add(self, other: Counts) -> None:
        self.leads += other.leads
        self.opportunities += other.opportunities
        self.won += other.won
        self.lost += other.lost

    def as_dict(self, min_leads: int) -> dict[str, Any]:
        closed = self.won + self.lost
        return {
            "leads": self.leads,
            "opportunities": self.opportunities,
            "won": self.won,
            "lost": self.lost,
            "open": self.opportunities - closed,
            "lead_to_opportunity": rate(self.opportunities, self.leads),
            "lead_to_opportunity_ci": _interval(self.opportunities, self.leads),
            "opportunity_to_won": rate(self.won, self.opportunities),
            "opportunity_to_won_ci": _interval(self.won, self.opportunities),
            "lead_to_won": rate(self.won, self.leads),
            "lead_to_won_ci": _interval(self.won, self.leads),
            "win_rate": rate(self.won, closed),
            "win_rate_ci": _interval(self.won, closed),
            "meaningful": self.leads >= min_leads,
        }


def _interval(successes: int, trials: int) -> list[float] | None:
    bounds = wilson_interval(min(successes, trials), trials)
    return list(bounds) if bounds is not None else None


def group_key(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if text.strip() else NONE_KEY


def sorted_groups(groups: dict[str, Counts], min_leads: int) -> dict[str, dict[str, Any]]:
    """Groups as JSON, the biggest first (then by name), so tables and charts lead with
    what carries weight."""
    order = sorted(groups.items(), key=lambda kv: (-kv[1].leads, -kv[1].opportunities, kv[0]))
    return {key: counts.as_dict(min_leads) for key, counts in order}


def median_of_sorted(values: list[float]) -> float | None:
    """The median of an already sorted list (the middle two averaged)."""
    n = len(values)
    if n == 0:
        return None
    middle = n // 2
    return values[middle] if n % 2 else (values[middle - 1] + values[middle]) / 2


def hours(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 3600.0


def aware(value: datetime | None) -> datetime | None:
    """Rows read through Core keep the column type, but be safe with naive values."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def counts_per_key(session: Session, keys: Sequence[Any], *where: Any) -> list[tuple[Any, ...]]:
    """(key values…, n) for each distinct tuple of ``keys`` — not-null columns that lead
    an index, in its order — with n > 0 the rows of that tuple matching ``where``.

    Cheaper than a GROUP BY walk of the index, which compares every entry's keys with
    the last one's and tests the rest of ``where`` on each: the tuples are found one
    index seek each (a recursive "loose index scan", one key deeper per level), then
    each tuple's rows are counted in their own index range, which ``where`` on the
    columns after the keys (the live flag, then a period) narrows by itself."""
    table = keys[0].table
    level: Any = None
    for depth, key in enumerate(keys):
        names = [k.name for k in keys[: depth + 1]]
        if level is None:  # the smallest first key, then each next one
            start = select(func.min(key).label(key.name))
        else:
            outer = level.c
            start = select(*(outer[k.name] for k in keys[:depth]), _smallest(key, keys[:depth], outer)).where(
                outer[keys[depth - 1].name].is_not(None)
            )
        cte = start.cte(f"keys_{depth}", recursive=True)
        prefix = [cte.c[name] for name in names[:-1]]
        after = _smallest(key, keys[:depth], cte.c, after=cte.c[key.name])
        level = cte.union_all(select(*prefix, after).where(cte.c[key.name].is_not(None)))
    values = level.c
    n = (
        select(func.count())
        .select_from(table)
        .where(*(k == values[k.name] for k in keys), *where)
        .scalar_subquery()
    )
    stmt = select(*(values[k.name] for k in keys), n).where(values[keys[-1].name].is_not(None))
    return [tuple(row) for row in session.execute(stmt) if row[-1]]


def _smallest(key: Any, prefix: Sequence[Any], outer: Any, after: Any = None) -> Any:
    """SQL: the smallest ``key`` among the rows whose ``prefix`` keys equal ``outer``'s
    (and greater than ``after``): one index seek."""
    clauses = [k == outer[k.name] for k in prefix]
    if after is not None:
        clauses.append(key > after)
    return select(func.min(key)).where(*clauses).scalar_subquery().label(key.name)
