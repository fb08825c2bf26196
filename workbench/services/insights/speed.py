"""Speed-to-lead: hours from a lead's arrival to its first touch, by source, and whether
leads touched within the hour convert better for this rep.

``lead.speed_to_lead_s`` is kept by :mod:`workbench.services.touches`; a lead never
touched has none. Everything here walks the index (source, deleted_at,
speed_to_lead_s, received_at): bucket counts are index range counts, and a median is
read with ORDER BY … LIMIT/OFFSET along it — per source, then for all sources at once
between the smallest and the largest source median (the overall median always lies
there), so no query sorts or returns the cohort's rows.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import and_, case, func, literal_column, select, union_all
from sqlmodel import Session

from workbench.domain.enums import OpportunityOutcome
from workbench.services.insights.common import Counts, Period, group_key, hours, median_of_sorted
from workbench.services.insights.conversion import OPP, L, converted_join, live_cohort

HOUR = 3600
DAY = 86400
#: Histogram buckets ``(lower, upper]`` in seconds; None is open-ended. A first touch
#: logged before the lead arrived (negative speed) counts as immediate.
BUCKETS: tuple[tuple[int | None, int | None, str], ...] = (
    (None, 5 * 60, "≤ 5 min"),
    (5 * 60, HOUR, "5–60 min"),
    (HOUR, 4 * HOUR, "1–4 h"),
    (4 * HOUR, DAY, "4–24 h"),
    (DAY, 3 * DAY, "1–3 days"),
    (3 * DAY, 7 * DAY, "3–7 days"),
    (7 * DAY, None, "> 7 days"),
)
#: "Touched within the hour": speed-to-lead of at most this many seconds.
FAST = HOUR
SPEED_GROUPS = ("within_hour", "later", "never")
#: Sources merged in one compound SELECT (SQLite allows 500 terms by default).
MERGE_MAX = 200


def _inline(n: int) -> Any:
    # A literal LIMIT/OFFSET lets SQLite's planner trust the index order (see tables.py).
    return literal_column(str(int(n)))


def _in_bucket(lower: int | None, upper: int | None) -> Any:
    speed = L.speed_to_lead_s
    clauses = [speed.is_not(None)]
    if lower is not None:
        clauses.append(speed > lower)
    if upper is not None:
        clauses.append(speed <= upper)
    return and_(*clauses)


def _sources(session: Session, period: Period) -> list[Any]:
    stmt = select(L.source).where(live_cohort(period, indexed=False)).group_by(L.source)
    return [row[0] for row in session.execute(stmt)]


def _histograms(session: Session, period: Period, sources: list[Any]) -> dict[Any, list[int]]:
    """Per raw source value: lead counts in each bucket, then the never-touched count."""
    counts: dict[Any, list[int]] = {s: [0] * (len(BUCKETS) + 1) for s in sources}
    ranges = [_in_bucket(lo, hi) for lo, hi, _label in BUCKETS] + [L.speed_to_lead_s.is_(None)]
    for i, clause in enumerate(ranges):
        stmt = (
            select(L.source, func.count())
            .where(L.source.in_(sources), clause, live_cohort(period, indexed=False))
            .group_by(L.source)
        )
        for source, n in session.execute(stmt):
            counts[source][i] = int(n)
    return counts


def _middle(session: Session, where: Any, offset: int, n: int) -> list[float]:
    stmt = (
        select(L.speed_to_lead_s)
        .where(where)
        .order_by(L.speed_to_lead_s)
        .offset(_inline(offset))
        .limit(_inline(2 - n % 2))
    )
    return [float(v) for v in session.execute(stmt).scalars()]


def _touched(period: Period, *extra: Any) -> Any:
    return and_(L.speed_to_lead_s.is_not(None), live_cohort(period, indexed=False), *extra)


def _source_median(session: Session, period: Period, source: Any, n: int) -> tuple[float, float] | None:
    """The lower and upper middle values of one source's speeds (equal for odd n)."""
    if n == 0:
        return None
    values = _middle(session, _touched(period, L.source == source), (n - 1) // 2, n)
    return (values[0], values[-1]) if values else None


def _overall_median(
    session: Session, period: Period, middles: dict[Any, tuple[float, float]], n: int
) -> float | None:
    """The median of all sources' speeds from the per-source middles.

    Fewer than half of all values lie below the smallest source median and fewer than
    half above the largest, so the overall middle values lie between them: count what
    lies below per source, then merge the sources' ordered values from there. Each
    source is one ordered walk of its index; a UNION ALL with ORDER BY is merged by
    SQLite (and PostgreSQL) without sorting.
    """
    if n == 0 or not middles:
        return None
    low = min(m[0] for m in middles.values())
    high = max(m[1] for m in middles.values())
    sources = list(middles)
    below = 0
    for chunk in _chunks(sources):
        arms = [
            select(func.count().label("n")).where(_touched(period, L.source == s, L.speed_to_lead_s < low))
            for s in chunk
        ]
        counts = union_all(*arms).subquery("below")
        below += int(session.execute(select(func.coalesce(func.sum(counts.c.n), 0))).scalar_one())
    offset = (n - 1) // 2 - below
    if len(sources) <= MERGE_MAX:
        arms = [
            select(L.speed_to_lead_s.label("speed")).where(
                _touched(period, L.source == s, L.speed_to_lead_s >= low, L.speed_to_lead_s <= high)
            )
            for s in sources
        ]
        merged = union_all(*arms).order_by("speed").offset(_inline(offset)).limit(_inline(2 - n % 2))
        values = [float(v) for v in session.execute(merged).scalars()]
    else:  # hundreds of sources: let the database sort the middle slice
        between = _touched(period, L.source.in_(sources), L.speed_to_lead_s >= low, L.speed_to_lead_s <= high)
        values = _middle(session, between, offset, n)
    return median_of_sorted(values)


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[i : i + MERGE_MAX] for i in range(0, len(items), MERGE_MAX)]


def _speed_group_opportunities(session: Session, period: Period) -> dict[str, Counts]:
    speed = L.speed_to_lead_s
    group = case(
        (speed.is_(None), "never"),
        (speed <= FAST, "within_hour"),
        else_="later",
    )
    stmt = (
        select(group, OPP.outcome, func.count())
        .select_from(converted_join())
        .where(OPP.deleted_at.is_(None), live_cohort(period, indexed=False))
        .group_by(group, OPP.outcome)
    )
    counts: dict[str, Counts] = defaultdict(Counts)
    for name, outcome, n in session.execute(stmt):
        counts[str(name)].add(
            Counts(
                opportunities=int(n),
                won=int(n) if outcome == OpportunityOutcome.WON else 0,
                lost=int(n) if outcome == OpportunityOutcome.LOST else 0,
            )
        )
    return counts


def _histogram_dict(counts: list[int]) -> list[dict[str, Any]]:
    return [
        {
            "label": label,
            "from_hours": hours(lo) if lo is not None else None,
            "to_hours": hours(hi) if hi is not None else None,
            "leads": counts[i],
        }
        for i, (lo, hi, label) in enumerate(BUCKETS)
    ]


def compute(session: Session, period: Period, min_leads: int) -> dict[str, Any]:
    sources = _sources(session, period)
    per_source = _histograms(session, period, sources)
    totals = [sum(column) for column in zip(*per_source.values(), strict=True)] or [0] * (len(BUCKETS) + 1)
    middles: dict[Any, tuple[float, float]] = {}
    by_source: dict[str, dict[str, Any]] = {}
    for source in sorted(sources, key=lambda s: (-sum(per_source[s][:-1]), str(s))):
        counts = per_source[source]
        touched = sum(counts[:-1])
        middle = _source_median(session, period, source, touched)
        if middle is not None:
            middles[source] = middle
        by_source[group_key(source)] = {
            "median": hours((middle[0] + middle[1]) / 2) if middle else None,
            "touched": touched,
            "untouched": counts[-1],
            "histogram": _histogram_dict(counts),
        }
    touched = sum(totals[:-1])
    fast_buckets = sum(1 for _lo, hi, _label in BUCKETS if hi is not None and hi <= FAST)
    within = sum(totals[:fast_buckets])
    leads = {"within_hour": within, "later": touched - within, "never": totals[-1]}
    opportunities = _speed_group_opportunities(session, period)
    groups: dict[str, Any] = {}
    for name in SPEED_GROUPS:
        group = opportunities.get(name, Counts())
        group.leads = leads[name]
        groups[name] = group.as_dict(min_leads)
    return {
        "median": hours(_overall_median(session, period, middles, touched)),
        "touched": touched,
        "untouched": totals[-1],
        "histogram": _histogram_dict(totals),
        "by_source": by_source,
        "conversion_by_first_touch": groups,
    }
