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
from datetime import datetime
from typing import Any

from sqlalchemy import Float, and_, case, cast, func, literal, null, select, union_all
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


def _history(cohort: Any, stages: list[Stage], now: datetime) -> Any:
    """Every row of the cohort's histories, with where the opportunity went next and how
    many hours it stayed (until now for the stage it is in): one ordered walk of
    ``ix_stage_change_history`` with lead(), each row's figures computed once. A CTE
    read twice below, which SQLite and PostgreSQL compute once."""
    window = {"partition_by": SC.opportunity_id, "order_by": (SC.at, SC.id)}
    walk = (
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
    open_ids = [s.id for s in stages if s.is_open]
    # Where a row leads, from the stages' kinds and positions written into the SQL (a
    # handful of stages) rather than joined for every history row.
    position = {s.id: s.position for s in stages}
    direction = case(
        (walk.c.next_stage.is_(None), literal("here")),
        (walk.c.stage.not_in(open_ids), literal("other")),
        (walk.c.next_stage.in_([s.id for s in stages if s.kind is StageKind.LOST]), literal("lost")),
        (walk.c.next_stage.in_([s.id for s in stages if s.kind is StageKind.WON]), literal("advanced")),
        (
            case(position, value=walk.c.next_stage, else_=None)
            > case(position, value=walk.c.stage, else_=None),
            literal("advanced"),
        ),
        else_=literal("back"),
    )
    seconds = func.coalesce(walk.c.next_t, literal(now.timestamp())) - walk.c.t
    return select(
        walk.c.opp,
        walk.c.stage,
        direction.label("direction"),
        func.round(seconds / 3600.0).label("stay_hours"),
    ).cte("moves")


WAYS_OUT = ("advanced", "lost", "back", "here")


def _stage_figures(
    session: Session, cohort: Any, stages: list[Stage], now: datetime
) -> tuple[dict[int, dict[str, int]], dict[int, float]]:
    """Per stage: distinct opportunities that entered, advanced, were lost, moved back
    and are still there (their latest row); and per open stage the median stay in
    seconds — from one pass over the history, in one statement."""
    if not stages:
        return {}, {}
    moves = _history(cohort, stages, now)
    open_ids = [s.id for s in stages if s.is_open]
    # One row per (stage, opportunity) with a flag per way out, then sums per stage: a
    # re-entered stage still counts its opportunity once.
    per_opportunity = (
        select(
            moves.c.stage,
            *(func.max(case((moves.c.direction == name, 1), else_=0)).label(name) for name in WAYS_OUT),
        )
        .group_by(moves.c.opp, moves.c.stage)
        .subquery("per_opportunity")
    )
    counts = select(
        literal("counts").label("what"),
        per_opportunity.c.stage,
        func.count().label("entered"),
        *(func.sum(per_opportunity.c[name]).label(name) for name in WAYS_OUT),
        cast(null(), Float).label("value"),
    ).group_by(per_opportunity.c.stage)
    # Stays are counted per open stage and whole hour (a few thousand rows at most): the
    # median is read from those counts, to the hour, without ranking every stay.
    stay_hours = moves.c.stay_hours
    stays = (
        select(
            literal("stays"),
            moves.c.stage,
            func.count(),
            *(literal(0) for _ in WAYS_OUT),
            stay_hours,
        )
        .where(moves.c.stage.in_(open_ids))
        .group_by(moves.c.stage, stay_hours)
    )
    stage_counts: dict[int, dict[str, int]] = {}
    histograms: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for what, stage, n, *values, value in session.execute(union_all(counts, stays)):
        if what == "stays":
            histograms[int(stage)].append((float(value) * 3600.0, int(n)))
        else:
            stage_counts[int(stage)] = {
                "entered": int(n),
                **{name: int(v) for name, v in zip(WAYS_OUT, values, strict=True)},
            }
    stage_medians = {
        stage: median
        for stage, pairs in histograms.items()
        if (median := median_of_counts(pairs)) is not None
    }
    return stage_counts, stage_medians


def compute(session: Session, period: Period, now: datetime) -> list[dict[str, Any]]:
    cohort = cohort_filter(period)
    all_stages = stages_in(session, include_deleted=True)
    counts, medians = _stage_figures(session, cohort, all_stages, now)
    entered = {stage: c["entered"] for stage, c in counts.items()}
    still = {stage: c["here"] for stage, c in counts.items()}
    # Live stages are always listed; hidden ones only while their history matters.
    live_ids = {s.id for s in stages_in(session)}
    stages = [
        s
        for s in all_stages
        if s.kind is not StageKind.LOST and (s.id in live_ids or entered.get(s.id) or still.get(s.id))
    ]
    won_total = sum(entered.get(s.id, 0) for s in stages if s.kind is StageKind.WON)
    rows: list[dict[str, Any]] = []
    for stage in stages:
        n = entered.get(stage.id, 0)
        stage_counts = counts.get(stage.id, {})
        advanced = stage_counts.get("advanced", 0)
        lost = stage_counts.get("lost", 0)
        seconds = medians.get(stage.id)
        rows.append(
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
    leaky = [r for r in rows if r["kind"] == StageKind.OPEN.value and r["lost"]]
    if leaky:
        worst = max(leaky, key=lambda r: (r["lost"], r["loss_rate"] or 0.0))
        worst["worst_leak"] = True
    return rows
