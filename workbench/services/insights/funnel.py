"""The stage funnel from the stage history: where opportunities advance, stall and fail.

Read with the definitions of :mod:`workbench.services.pipeline` (one ``stage_change``
row per move; the first row of an opportunity has no ``from_stage_id``). For the
opportunities that *entered the pipeline* in the period (their first row), per stage:

* **entered** — distinct opportunities with a row into the stage;
* **advanced** — distinct opportunities with a row out of it to a later open stage or
  to a won stage;
* **lost** — distinct opportunities with a row out of it to a lost stage;
* **still here** — open opportunities in the stage now;
* **median days in stage** — per stay: the next row's time minus the entering row's
  (a stay still going counts until now), to the hour.

Bottom-up, ``per_won`` says how many opportunities entered a stage for each won deal,
and the **worst leak** is the open stage that lost the most (ties: the higher share).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, false, func, literal, select
from sqlmodel import Session

from workbench.domain import Opportunity, StageChange, table_of
from workbench.domain.enums import StageKind
from workbench.services.insights.common import Period, median_of_counts
from workbench.services.insights.wilson import rate
from workbench.services.pipeline import Stage, stages_in
from workbench.store.sql_functions import epoch_seconds

SC_T = table_of(StageChange)
SC: Any = SC_T.c
OPP: Any = table_of(Opportunity).c
DAY = 86400.0


def cohort_filter(period: Period) -> Any:
    """SQL: the stage_change row belongs to a live opportunity that entered the pipeline
    in the period."""
    # "Not trashed" rather than "live": the trash is short, and the history is then
    # walked in index order instead of one seek per live opportunity.
    trashed = select(OPP.id).where(OPP.deleted_at.is_not(None))
    clauses = [SC.opportunity_id.not_in(trashed)]
    if period.start is not None or period.end is not None:
        entry = SC_T.alias("entry")
        entered = select(entry.c.opportunity_id).where(
            entry.c.from_stage_id.is_(None), period.where(entry.c.at)
        )
        clauses.append(SC.opportunity_id.in_(entered))
    return and_(*clauses)


def _walk(cohort: Any) -> Any:
    """Every row of the cohort's histories with the stage the opportunity went to next
    and when: one ordered walk of ``ix_stage_change_history`` with lead(), no sort."""
    window = {"partition_by": SC.opportunity_id, "order_by": (SC.at, SC.id)}
    return (
        select(
            SC.opportunity_id.label("opp"),
            SC.to_stage_id.label("stage"),
            # Seconds since 1970 parsed once per row; the next row's comes through lead().
            epoch_seconds(SC.at).label("t"),
            func.lead(SC.to_stage_id).over(**window).label("next_stage"),
            func.lead(epoch_seconds(SC.at)).over(**window).label("next_t"),
        )
        .where(cohort)
        .subquery("walk")
    )


WAYS_OUT = ("advanced", "lost", "back", "here")


def _direction(stage: int, next_stage: int | None, by_id: dict[int, Stage]) -> str:
    """Where a row leads: nowhere yet ("here"), or from an open stage to a later open or
    a won stage ("advanced"), to a lost one, or back; rows out of a closed stage (a
    reopened deal) are "other"."""
    if next_stage is None:
        return "here"
    here = by_id.get(stage)
    if here is None or not here.is_open:
        return "other"
    there = by_id.get(next_stage)
    if there is not None and there.kind is StageKind.LOST:
        return "lost"
    if there is not None and (there.kind is StageKind.WON or there.position > here.position):
        return "advanced"
    return "back"


def _stage_figures(
    session: Session, cohort: Any, stages: list[Stage], now: datetime
) -> tuple[dict[int, dict[str, int]], dict[int, list[tuple[float, int]]]]:
    """Per stage: distinct opportunities that entered, advanced, were lost, moved back
    and are still there (their latest row); and per open stage the stays, as (seconds
    to the hour, how many) pairs.

    One pass over the history, grouped by (stage, next stage, whole hours stayed): a
    few thousand groups, whose directions and stay histograms are read here. A stage
    counts each opportunity once, so the few opportunities that entered a stage twice
    (moved back, or a deal reopened) are read again apart and their repeats taken off.
    """
    if not stages:
        return {}, {}
    by_id = {s.id: s for s in stages}
    walk = _walk(cohort)
    seconds = func.coalesce(walk.c.next_t, literal(now.timestamp())) - walk.c.t
    # Stays are only read in open stages: the others' rows fall into one group each.
    open_ids = [s.id for s in stages if s.is_open]
    stay_hours = case((walk.c.stage.in_(open_ids), func.round(seconds / 3600.0)), else_=None)
    grouped = select(walk.c.stage, walk.c.next_stage, stay_hours, func.count()).group_by(
        walk.c.stage, walk.c.next_stage, stay_hours
    )
    counts: dict[int, dict[str, int]] = {}
    histograms: dict[int, list[tuple[float, int]]] = defaultdict(list)
    # Thousands of groups but a few dozen (stage, next stage) pairs: each pair's
    # direction is worked out once.
    directions: dict[tuple[int, int | None], str] = {}
    for stage, next_stage, hours, n in session.execute(grouped).all():
        if stage not in counts:
            counts[stage] = {"entered": 0, **dict.fromkeys(WAYS_OUT, 0)}
        figures = counts[stage]
        figures["entered"] += n
        direction = directions.get((stage, next_stage))
        if direction is None:
            direction = directions[(stage, next_stage)] = _direction(stage, next_stage, by_id)
        if direction in figures:
            figures[direction] += n
        if hours is not None:
            histograms[stage].append((hours * 3600.0, n))
    # Rows are consecutive moves, so a stage entered twice means a move back or out of
    # a closed stage somewhere; with none, each opportunity was counted once already.
    if {"back", "other"} & set(directions.values()):
        _count_each_opportunity_once(session, cohort, counts, by_id)
    return counts, dict(histograms)


def _count_each_opportunity_once(
    session: Session, cohort: Any, counts: dict[int, dict[str, int]], by_id: dict[int, Stage]
) -> None:
    """Take off the repeats of opportunities with more rows than stages entered: each
    stage counts them once, and once for each way they left it."""
    repeating = (
        select(SC.opportunity_id)
        .where(cohort)
        .group_by(SC.opportunity_id)
        .having(func.count() > func.count(SC.to_stage_id.distinct()))
        .correlate(None)
    )
    walk = _walk(and_(cohort, SC.opportunity_id.in_(repeating)))
    stmt = select(walk.c.opp, walk.c.stage, walk.c.next_stage, func.count()).group_by(
        walk.c.opp, walk.c.stage, walk.c.next_stage
    )
    visits: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for opp, stage, next_stage, n in session.execute(stmt):
        ways = visits[(int(opp), int(stage))]
        ways["entered"] += int(n)
        ways[_direction(int(stage), next_stage, by_id)] += int(n)
    for (_opp, stage), ways in visits.items():
        figures = counts[stage]
        for name, n in ways.items():
            if name in figures and n > 1:
                figures[name] -= n - 1


@dataclass
class History:
    """What a pass over (a part of) the cohort's stage history found: per stage the
    counts of :func:`_stage_figures`, per open stage the stays (whole hours, in seconds,
    and how many), and the stages to show them with."""

    stages: list[Stage]
    live_ids: set[int]
    counts: dict[int, dict[str, int]]
    stays: dict[int, list[tuple[float, int]]]


def _part_filter(session: Session, part: int, parts: int) -> Any:
    """SQL: the stage rows of the ``part``-th of ``parts`` equal ranges of opportunity
    ids (every opportunity's history lies whole in one part)."""
    low, high = session.execute(select(func.min(OPP.id), func.max(OPP.id))).one()
    if low is None:
        return false()
    size = int(high) - int(low) + 1
    start = int(low) + size * part // parts
    stop = int(low) + size * (part + 1) // parts
    return and_(SC.opportunity_id >= start, SC.opportunity_id < stop)


def measure(session: Session, period: Period, now: datetime, part: int = 0, parts: int = 1) -> History:
    """The history pass, over all of the cohort or (``parts`` > 1) one part of it, so
    that parts can run side by side and be put together with :func:`merge`."""
    cohort = cohort_filter(period)
    if parts > 1:
        cohort = and_(cohort, _part_filter(session, part, parts))
    all_stages = stages_in(session, include_deleted=True)
    counts, stays = _stage_figures(session, cohort, all_stages, now)
    return History(all_stages, {s.id for s in stages_in(session)}, counts, stays)


def merge(parts: list[History]) -> History:
    counts: dict[int, dict[str, int]] = {}
    stays: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for part in parts:
        for stage, figures in part.counts.items():
            total = counts.setdefault(stage, dict.fromkeys(figures, 0))
            for name, n in figures.items():
                total[name] += n
        for stage, pairs in part.stays.items():
            stays[stage].extend(pairs)
    return History(parts[0].stages, parts[0].live_ids, counts, dict(stays))


def compute(session: Session, period: Period, now: datetime) -> list[dict[str, Any]]:
    return rows(measure(session, period, now))


def rows(history: History) -> list[dict[str, Any]]:
    """The funnel table: one row per stage shown, the worst leak marked."""
    all_stages, counts, live_ids = history.stages, history.counts, history.live_ids
    medians = {
        stage: median
        for stage, pairs in history.stays.items()
        if (median := median_of_counts(pairs)) is not None
    }
    entered = {stage: c["entered"] for stage, c in counts.items()}
    still = {stage: c["here"] for stage, c in counts.items()}
    # Live stages are always listed; hidden ones only while their history matters.
    stages = [
        s
        for s in all_stages
        if s.kind is not StageKind.LOST and (s.id in live_ids or entered.get(s.id) or still.get(s.id))
    ]
    won_total = sum(entered.get(s.id, 0) for s in stages if s.kind is StageKind.WON)
    result: list[dict[str, Any]] = []
    for stage in stages:
        n = entered.get(stage.id, 0)
        stage_counts = counts.get(stage.id, {})
        advanced = stage_counts.get("advanced", 0)
        lost = stage_counts.get("lost", 0)
        seconds = medians.get(stage.id)
        result.append(
            {
                "stage_id": stage.id,
                "stage": stage.name,
                "kind": stage.kind.value,
                "entered": n,
                "advanced": advanced if stage.is_open else None,
                "lost": lost if stage.is_open else None,
                "moved_back": stage_counts.get("back", 0) if stage.is_open else None,
                "still_here": still.get(stage.id, 0) if stage.is_open else None,
                "advance_rate": rate(advanced, n) if stage.is_open else None,
                "loss_rate": rate(lost, n) if stage.is_open else None,
                "median_days_in_stage": seconds / DAY if seconds is not None else None,
                "per_won": n / won_total if won_total else None,
                "worst_leak": False,
            }
        )
    leaky = [r for r in result if r["kind"] == StageKind.OPEN.value and r["lost"]]
    if leaky:
        worst = max(leaky, key=lambda r: (r["lost"], r["loss_rate"] or 0.0))
        worst["worst_leak"] = True
    return result
