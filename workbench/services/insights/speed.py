"""Speed-to-lead: hours from a lead's arrival to its first touch, by source, and whether
leads touched within the hour convert better for this rep.

Only inbound and referral leads are measured (``SPEED_TO_LEAD_KINDS``): a rep-sourced
cold or list lead has no arrival to answer, so it is left out of every figure here and
counted as ``left_out``.

``lead.speed_to_lead_s`` is kept by :mod:`workbench.services.outreach.touches`; a lead never
touched, or one of a kind left out, has none — so the touched buckets below need no
kind test, and the never-touched count is the speed-less leads less the left-out ones
(both known per source from the cohort's kind × source counts).

Everything here walks the index (source, deleted_at, speed_to_lead_s, received_at),
never the table:

* the sources come from a skip-scan (each next source is one index seek);
* a histogram bucket is one range count per source;
* a median is exact: the histogram says which bucket holds the middle and how many lie
  below it, so one ordered walk from the bucket's lower edge with OFFSET finds it — per
  source, and for all sources together by merging the sources' ordered walks (a UNION
  ALL with ORDER BY, which the database merges without sorting).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlalchemy import and_, func, literal_column, select, union_all
from sqlmodel import Session

from workbench.services.insights.common import Counts, Period, group_key, hours, median_of_sorted
from workbench.services.insights.conversion import (
    FAST_SECONDS,
    L,
    converted_by_first_touch,
    cube,
    leads_by_source,
    live_cohort,
    outcome_counts,
    unmeasured_by_source,
)
from workbench.store.sql_functions import literal_limit

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
SPEED_GROUPS = ("within_hour", "later", "never")
#: Sources merged in one compound SELECT (SQLite allows 500 terms by default).
MERGE_MAX = 200


def _in_bucket(index: int) -> Any:
    lower, upper, _label = BUCKETS[index]
    speed = L.speed_to_lead_s
    clauses = [speed.is_not(None)]
    if lower is not None:
        clauses.append(speed > lower)
    if upper is not None:
        clauses.append(speed <= upper)
    return and_(*clauses)


def all_sources(session: Session) -> list[Any]:
    """Every distinct lead source, one index seek each (a recursive "loose index scan")."""
    first = select(func.min(L.source).label("source")).cte("sources", recursive=True)
    step = select(select(func.min(L.source)).where(L.source > first.c.source).scalar_subquery())
    sources = first.union_all(step.where(first.c.source.is_not(None)))
    return [row[0] for row in session.execute(select(sources.c.source).where(sources.c.source.is_not(None)))]


#: The bucket left uncounted when the leads per source are known: it is what remains of
#: them. The open-ended last one, the biggest on a file with a long tail of slow touches.
DERIVED = len(BUCKETS) - 1


def _histograms(
    session: Session, period: Period, sources: list[Any], live_by_source: Mapping[Any, int] | None
) -> dict[Any, list[int]]:
    """Per raw source value: lead counts in each bucket, then the never-touched count.

    With the cohort's leads per source given (``live_by_source``), the :data:`DERIVED`
    bucket is not read but worked out: a lead is in exactly one bucket or never touched."""
    counts: dict[Any, list[int]] = {s: [0] * (len(BUCKETS) + 1) for s in sources}
    ranges = [_in_bucket(i) for i in range(len(BUCKETS))] + [L.speed_to_lead_s.is_(None)]
    for chunk in _chunks(sources):
        for i, clause in enumerate(ranges):
            if i == DERIVED and live_by_source is not None:
                continue
            stmt = (
                select(L.source, func.count())
                .where(L.source.in_(chunk), clause, live_cohort(period))
                .group_by(L.source)
            )
            for source, n in session.execute(stmt):
                counts[source][i] = int(n)
    if live_by_source is not None:
        for source, row in counts.items():
            row[DERIVED] = max(0, int(live_by_source.get(source, 0)) - sum(row) + row[DERIVED])
    return counts


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[i : i + MERGE_MAX] for i in range(0, len(items), MERGE_MAX)]


def _middle_position(counts: list[int]) -> tuple[int, int, int] | None:
    """For a histogram (touched buckets only): the bucket holding the lower middle value,
    that value's offset inside the bucket, and how many values to read (1 or 2)."""
    n = sum(counts)
    if n == 0:
        return None
    rank = (n - 1) // 2
    below = 0
    for i, c in enumerate(counts):
        if rank < below + c:
            return i, rank - below, 2 - n % 2
        below += c
    raise AssertionError("rank beyond the histogram")


def _walk(
    session: Session, period: Period, sources: list[Any], bucket: int, offset: int, take: int
) -> list[float]:
    """``take`` speeds from position ``offset`` on, in order, among the sources' leads
    from bucket ``bucket`` upwards (a second middle value may lie in the next bucket)."""
    lower = BUCKETS[bucket][0]
    arms = []
    for source in sources:
        clauses = [L.speed_to_lead_s.is_not(None), L.source == source, live_cohort(period)]
        if lower is not None:
            clauses.append(L.speed_to_lead_s > lower)
        arms.append(select(L.speed_to_lead_s.label("speed")).where(*clauses))
    stmt = (
        arms[0].order_by(L.speed_to_lead_s)
        if len(arms) == 1
        else union_all(*arms).order_by(literal_column("speed"))
    )
    return [
        float(v)
        for v in session.execute(stmt.offset(literal_limit(offset)).limit(literal_limit(take))).scalars()
    ]


def _median(session: Session, period: Period, sources: list[Any], touched: list[int]) -> float | None:
    position = _middle_position(touched)
    if position is None:
        return None
    bucket, offset, take = position
    if len(sources) > MERGE_MAX:  # hundreds of sources: let the database sort the slice
        lower = BUCKETS[bucket][0]
        clauses = [L.speed_to_lead_s.is_not(None), L.source.in_(sources), live_cohort(period)]
        if lower is not None:
            clauses.append(L.speed_to_lead_s > lower)
        stmt = select(L.speed_to_lead_s).where(*clauses).order_by(L.speed_to_lead_s)
        values = [
            float(v)
            for v in session.execute(stmt.offset(literal_limit(offset)).limit(literal_limit(take))).scalars()
        ]
    else:
        values = _walk(session, period, sources, bucket, offset, take)
    return median_of_sorted(values)


def _first_touch_groups(session: Session, period: Period) -> dict[str, Counts]:
    counts: dict[str, Counts] = defaultdict(Counts)
    for touch, outcome, n in converted_by_first_touch(session, period):
        counts[str(touch)].add(outcome_counts(outcome, int(n)))
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


def compute(
    session: Session,
    period: Period,
    min_leads: int,
    *,
    with_first_touch: bool = True,
    live_by_source: Mapping[Any, int] | None = None,
    cube_rows: list[tuple[Any, Any, Any, int]] | None = None,
) -> dict[str, Any]:
    """Speed-to-lead of the period's cohort. ``with_first_touch=False`` leaves the
    converted leads of ``conversion_by_first_touch`` at zero, for a caller that has
    them already (:func:`conversion.compute_with_first_touch` reads them in its own
    pass) and adds them with :func:`add_first_touch_conversion`. ``live_by_source``:
    the cohort's leads per source, when the caller counted them (one bucket less to
    read, see :func:`_histograms`). ``cube_rows``: the cohort's (kind, source, campaign,
    n) from :func:`conversion.cube`, read here when not given (both come from them)."""
    if cube_rows is None:
        cube_rows = cube(session, period)
    if live_by_source is None:
        live_by_source = leads_by_source(cube_rows)
    left_out = unmeasured_by_source(cube_rows)
    histograms = _histograms(session, period, all_sources(session), live_by_source)
    for source, row in histograms.items():
        row[-1] = max(0, row[-1] - int(left_out.get(source, 0)))
    per_source = {s: c for s, c in histograms.items() if any(c)}
    sources = sorted(per_source, key=lambda s: (-sum(per_source[s][:-1]), str(s)))
    totals = [sum(column) for column in zip(*per_source.values(), strict=True)] or [0] * (len(BUCKETS) + 1)
    by_source: dict[str, dict[str, Any]] = {}
    for source in sources:
        counts = per_source[source]
        median = _median(session, period, [source], counts[:-1])
        by_source[group_key(source)] = {
            "median": hours(median),
            "touched": sum(counts[:-1]),
            "untouched": counts[-1],
            "histogram": _histogram_dict(counts),
        }
    touched = sum(totals[:-1])
    fast_buckets = sum(1 for _lo, hi, _label in BUCKETS if hi is not None and hi <= FAST_SECONDS)
    within = sum(totals[:fast_buckets])
    leads = {"within_hour": within, "later": touched - within, "never": totals[-1]}
    opportunities = _first_touch_groups(session, period) if with_first_touch else {}
    return {
        "median": hours(_median(session, period, sources, totals[:-1])),
        "touched": touched,
        "untouched": totals[-1],
        "histogram": _histogram_dict(totals),
        "by_source": by_source,
        "conversion_by_first_touch": _first_touch_dict(leads, opportunities, min_leads),
        "left_out": sum(left_out.values()),
    }


def _first_touch_dict(
    leads: dict[str, int], opportunities: dict[str, Counts], min_leads: int
) -> dict[str, Any]:
    groups: dict[str, Any] = {}
    for name in SPEED_GROUPS:
        group = Counts()
        group.add(opportunities.get(name, Counts()))
        group.leads = leads[name]
        groups[name] = group.as_dict(min_leads)
    return groups


def add_first_touch_conversion(
    result: dict[str, Any], opportunities: dict[str, Counts], min_leads: int
) -> dict[str, Any]:
    """``result`` (computed ``with_first_touch=False``) with the converted leads of each
    first-touch group counted in."""
    leads = {name: int(result["conversion_by_first_touch"][name]["leads"]) for name in SPEED_GROUPS}
    return {**result, "conversion_by_first_touch": _first_touch_dict(leads, opportunities, min_leads)}
