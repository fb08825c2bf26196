"""The stage funnel from the stage history: where opportunities advance, stall and fail.

Read with the definitions of :mod:`workbench.services.pipeline.stages` (one ``stage_change``
row per move; the first row of an opportunity has no ``from_stage_id``). For the
opportunities that *entered the pipeline* in the period (their first row), per stage:

* **entered** — distinct opportunities with a row into the stage;
* **advanced** — distinct opportunities with a row out of it to a later open stage or
  to a won stage;
* **lost** — distinct opportunities with a row out of it to a lost stage;
* **still here** — open opportunities in the stage now;
* **median days in stage** — per stay: the next row's time minus the entering row's
  (a stay still going counts until now); the median to the hour.

Each row carries where the opportunity went next and how long it stayed (see
:mod:`workbench.store.stage_links`), so the counts are one ordered walk of an index
and a median a walk to the middle of another: no window function, no sort of the
history.

Bottom-up, ``per_won`` says how many opportunities entered a stage for each won deal,
and the **worst leak** is the open stage that lost the most (ties: the higher share).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, literal, literal_column, select, union_all
from sqlmodel import Session

from workbench.domain import Opportunity, StageChange, table_of
from workbench.domain.enums import StageKind
from workbench.services.insights.common import Period, median_of_sorted
from workbench.services.insights.wilson import rate
from workbench.services.pipeline.stages import Stage, stages_in
from workbench.store.sql_functions import epoch_seconds, literal_limit, unindexed

SC_T = table_of(StageChange)
SC: Any = SC_T.c
OPP: Any = table_of(Opportunity).c
HOUR = 3600.0
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
        # A membership test on each row walked (unindexed): the counts and the stays are
        # read in their own indexes' order, not looked up opportunity by opportunity.
        clauses.append(unindexed(SC.opportunity_id).in_(entered))
    return and_(*clauses)


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


def _stage_counts(
    session: Session, cohort: Any, stages: list[Stage]
) -> tuple[dict[int, dict[str, int]], dict[int, int]]:
    """Per stage: distinct opportunities that entered, advanced, were lost, moved back
    and are still there (their latest row); and the stays (rows) in each stage.

    One ordered walk of ``ix_stage_change_flow`` counts the rows by (stage, next
    stage): a few dozen groups, whose directions are read here. A stage counts each
    opportunity once, so the few opportunities that entered a stage twice (moved back,
    or a deal reopened) are read again apart and their repeats taken off."""
    by_id = {s.id: s for s in stages}
    flows = select(SC.to_stage_id, SC.next_stage_id, func.count()).where(cohort)
    counts: dict[int, dict[str, int]] = {}
    stays: dict[int, int] = defaultdict(int)
    directions: set[str] = set()
    for stage, next_stage, n in session.execute(flows.group_by(SC.to_stage_id, SC.next_stage_id)):
        figures = counts.setdefault(stage, {"entered": 0, **dict.fromkeys(WAYS_OUT, 0)})
        figures["entered"] += n
        stays[stage] += n
        direction = _direction(stage, next_stage, by_id)
        directions.add(direction)
        if direction in figures:
            figures[direction] += n
    # Rows are consecutive moves, so a stage entered twice means a move back or out of
    # a closed stage somewhere; with none, each opportunity was counted once already.
    if {"back", "other"} & directions:
        _count_each_opportunity_once(session, cohort, counts, by_id)
    return counts, dict(stays)


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
    )
    stmt = (
        select(SC.opportunity_id, SC.to_stage_id, SC.next_stage_id, func.count())
        .where(cohort, SC.opportunity_id.in_(repeating))
        .group_by(SC.opportunity_id, SC.to_stage_id, SC.next_stage_id)
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


def _median_stay(session: Session, cohort: Any, stage_id: int, stays: int, now: datetime) -> float | None:
    """The median of a stage's ``stays`` stays in seconds, rounded to the hour.

    Finished stays are walked in order through ``ix_stage_change_stay``; stays still
    going (counted until now) are the stage's latest rows, few, sorted apart; the two
    ordered streams are merged and read from the middle on."""
    if stays <= 0:
        return None
    in_stage = and_(SC.to_stage_id == stage_id, cohort)
    finished = select(SC.seconds_in_stage.label("stay")).where(in_stage, SC.seconds_in_stage.is_not(None))
    going = select((literal(now.timestamp()) - epoch_seconds(SC.at)).label("stay")).where(
        in_stage, SC.seconds_in_stage.is_(None)
    )
    stmt = union_all(finished, going).order_by(literal_column("stay"))
    middle = stmt.offset(literal_limit((stays - 1) // 2)).limit(literal_limit(2 - stays % 2))
    values = [float(v) for v in session.execute(middle).scalars()]
    median = median_of_sorted(values)
    return None if median is None else round(median / HOUR) * HOUR


@dataclass
class History:
    """What the funnel read of the cohort's stage history: per stage the counts of
    :func:`_stage_counts`, per open stage the median stay in seconds, and the stages to
    show them with."""

    stages: list[Stage]
    live_ids: set[int]
    counts: dict[int, dict[str, int]]
    median_stay: dict[int, float]


def measure(session: Session, period: Period, now: datetime) -> History:
    cohort = cohort_filter(period)
    all_stages = stages_in(session, include_deleted=True)
    counts, stays = _stage_counts(session, cohort, all_stages) if all_stages else ({}, {})
    medians: dict[int, float] = {}
    for stage in all_stages:
        if stage.is_open:
            median = _median_stay(session, cohort, stage.id, stays.get(stage.id, 0), now)
            if median is not None:
                medians[stage.id] = median
    return History(all_stages, {s.id for s in stages_in(session)}, counts, medians)


def compute(session: Session, period: Period, now: datetime) -> list[dict[str, Any]]:
    return rows(measure(session, period, now))


def rows(history: History) -> list[dict[str, Any]]:
    """The funnel table: one row per stage shown, the worst leak marked."""
    all_stages, counts, live_ids = history.stages, history.counts, history.live_ids
    medians = history.median_stay
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
