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
  (a stay still going counts until now).

Bottom-up, ``per_won`` says how many opportunities entered a stage for each won deal,
and the **worst leak** is the open stage that lost the most (ties: the higher share).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, select
from sqlmodel import Session

from workbench.domain import Opportunity, PipelineStage, StageChange, table_of
from workbench.domain.enums import OpportunityOutcome, StageKind
from workbench.services.insights.common import Period
from workbench.services.insights.wilson import rate
from workbench.services.pipeline import stages_in
from workbench.store.sql_functions import epoch_seconds

SC_T = table_of(StageChange)
SC: Any = SC_T.c
OPP: Any = table_of(Opportunity).c
DAY = 86400.0


def cohort_filter(period: Period) -> Any:
    """SQL: the stage_change row belongs to a live opportunity that entered the pipeline
    in the period."""
    live = select(OPP.id).where(OPP.deleted_at.is_(None))
    clauses = [SC.opportunity_id.in_(live)]
    if period.start is not None or period.end is not None:
        entry = SC_T.alias("entry")
        entered = select(entry.c.opportunity_id).where(
            entry.c.from_stage_id.is_(None), period.where(entry.c.at)
        )
        clauses.append(SC.opportunity_id.in_(entered))
    return and_(*clauses)


def _entered(session: Session, cohort: Any) -> dict[int, int]:
    stmt = (
        select(SC.to_stage_id, func.count(SC.opportunity_id.distinct()))
        .where(cohort)
        .group_by(SC.to_stage_id)
    )
    return {int(stage): int(n) for stage, n in session.execute(stmt)}


def _moves_out(session: Session, cohort: Any) -> dict[tuple[int, str], int]:
    """(from stage, "advanced" | "lost" | "back") → distinct opportunities, from open stages."""
    source = table_of(PipelineStage).alias("source_stage")
    target = table_of(PipelineStage).alias("target_stage")
    direction = case(
        (target.c.kind == StageKind.LOST.value, literal("lost")),
        (target.c.kind == StageKind.WON.value, literal("advanced")),
        (target.c.position > source.c.position, literal("advanced")),
        else_=literal("back"),
    )
    stmt = (
        select(SC.from_stage_id, direction, func.count(SC.opportunity_id.distinct()))
        .select_from(
            SC_T.join(source, source.c.id == SC.from_stage_id).join(target, target.c.id == SC.to_stage_id)
        )
        .where(cohort, source.c.kind == StageKind.OPEN.value)
        .group_by(SC.from_stage_id, direction)
    )
    return {(int(stage), str(d)): int(n) for stage, d, n in session.execute(stmt)}


def _still_here(session: Session, cohort_ids: Any) -> dict[int, int]:
    stmt = (
        select(OPP.stage_id, func.count())
        .where(OPP.deleted_at.is_(None), OPP.outcome == OpportunityOutcome.OPEN.value, OPP.id.in_(cohort_ids))
        .group_by(OPP.stage_id)
    )
    return {int(stage): int(n) for stage, n in session.execute(stmt)}


def _median_seconds_in_stage(
    session: Session, cohort: Any, open_ids: list[int], now: datetime
) -> dict[int, float]:
    """Per open stage, the median length of a stay, computed in SQL with window functions."""
    if not open_ids:
        return {}
    next_at = func.lead(SC.at).over(partition_by=SC.opportunity_id, order_by=(SC.at, SC.id))
    stays = (
        select(
            SC.to_stage_id.label("stage"),
            (func.coalesce(epoch_seconds(next_at), literal(now.timestamp())) - epoch_seconds(SC.at)).label(
                "seconds"
            ),
        )
        .where(cohort)
        .subquery("stays")
    )
    ranked = (
        select(
            stays.c.stage,
            stays.c.seconds,
            func.row_number().over(partition_by=stays.c.stage, order_by=stays.c.seconds).label("rn"),
            func.count().over(partition_by=stays.c.stage).label("n"),
        )
        .where(stays.c.stage.in_(open_ids))
        .subquery("ranked")
    )
    stmt = (
        select(ranked.c.stage, func.avg(ranked.c.seconds))
        .where(ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2]))
        .group_by(ranked.c.stage)
    )
    return {int(stage): float(seconds) for stage, seconds in session.execute(stmt)}


def compute(session: Session, period: Period, now: datetime) -> list[dict[str, Any]]:
    cohort = cohort_filter(period)
    cohort_ids = select(SC.opportunity_id).where(cohort)
    entered = _entered(session, cohort)
    moves = _moves_out(session, cohort)
    still = _still_here(session, cohort_ids)
    # Live stages are always listed; hidden ones only while their history matters.
    live_ids = {s.id for s in stages_in(session)}
    stages = [
        s
        for s in stages_in(session, include_deleted=True)
        if s.kind is not StageKind.LOST and (s.id in live_ids or entered.get(s.id) or still.get(s.id))
    ]
    open_ids = [s.id for s in stages if s.is_open]
    medians = _median_seconds_in_stage(session, cohort, open_ids, now)
    won_total = sum(entered.get(s.id, 0) for s in stages if s.kind is StageKind.WON)
    rows: list[dict[str, Any]] = []
    for stage in stages:
        n = entered.get(stage.id, 0)
        advanced = moves.get((stage.id, "advanced"), 0)
        lost = moves.get((stage.id, "lost"), 0)
        seconds = medians.get(stage.id)
        rows.append(
            {
                "stage_id": stage.id,
                "stage": stage.name,
                "kind": stage.kind.value,
                "entered": n,
                "advanced": advanced if stage.is_open else None,
                "lost": lost if stage.is_open else None,
                "moved_back": moves.get((stage.id, "back"), 0) if stage.is_open else None,
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
