"""Open pipeline now: amount and probability-weighted amount by stage and by expected
close month, and how much of it is stale.

The definitions are the Pipeline area's (:mod:`workbench.services.pipeline.board`):
*open* is a live opportunity with outcome ``open``; its probability is its own, else
its stage's; *stale* follows the stage's (or the setting's) quiet days. Amounts are
summed as stored: the workbench assumes one currency, and ``currencies`` lists what the
open opportunities use so a mixed file can say so.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlmodel import Session

from workbench.domain import Opportunity, PipelineStage, table_of
from workbench.domain.enums import OpportunityOutcome
from workbench.services.pipeline.board import probability_expr, stale_condition_for
from workbench.services.pipeline.stages import stages_in
from workbench.store.sql_functions import unindexed

OPP: Any = table_of(Opportunity).c
S: Any = table_of(PipelineStage).c
#: The expected-close "month" of open opportunities without a date.
NO_DATE = "no date"

_FROM = table_of(Opportunity).join(table_of(PipelineStage), S.id == OPP.stage_id)


def open_filter() -> Any:
    return and_(OPP.deleted_at.is_(None), OPP.outcome == OpportunityOutcome.OPEN.value)


def _amounts(n: int, amount: float, weighted: float) -> dict[str, Any]:
    return {"count": n, "amount": amount, "weighted": weighted}


def open_in(session: Session, first_day: date, last_day: date) -> tuple[int, float, float]:
    """Open opportunities expected to close on one of these days: count, amount, weighted amount."""
    stmt = (
        select(
            func.count(),
            func.coalesce(func.sum(OPP.amount), 0.0),
            func.coalesce(func.sum(OPP.amount * probability_expr), 0.0),
        )
        .select_from(_FROM)
        .where(open_filter(), OPP.expected_close >= first_day, OPP.expected_close <= last_day)
    )
    n, amount, weighted = session.execute(stmt).one()
    return int(n), float(amount), float(weighted)


def compute(session: Session, now: datetime) -> dict[str, Any]:
    # One pass over the open opportunities, by stage and close date: a few thousand
    # rows at most, rolled into months here.
    stmt = (
        select(
            unindexed(OPP.stage_id),
            OPP.expected_close,
            func.count(),
            func.sum(OPP.amount),
            func.sum(OPP.amount * probability_expr),
        )
        .select_from(_FROM)
        .where(open_filter())
        # unindexed: grouping by stage must not make the planner read every opportunity
        # through the stage index; the open ones are found through the outcome index.
        .group_by(unindexed(OPP.stage_id), OPP.expected_close)
    )
    by_stage_id: dict[int, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    by_month: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for stage_id, close, n, amount, weighted in session.execute(stmt):
        month = _month(close)
        for bucket in (by_stage_id[int(stage_id)], by_month[month]):
            bucket[0] += int(n)
            bucket[1] += float(amount or 0.0)
            bucket[2] += float(weighted or 0.0)
    live_ids = {s.id for s in stages_in(session)}
    stages = []
    for stage in stages_in(session, include_deleted=True):
        if stage.id in by_stage_id or (stage.is_open and stage.id in live_ids):
            n, amount, weighted = by_stage_id.get(stage.id, [0, 0.0, 0.0])
            stages.append({"stage_id": stage.id, "stage": stage.name, **_amounts(int(n), amount, weighted)})
    months = [
        {"month": month, **_amounts(int(v[0]), v[1], v[2])}
        for month, v in sorted(by_month.items(), key=lambda kv: (kv[0] == NO_DATE, kv[0]))
    ]
    stale_n, stale_amount, stale_weighted = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(OPP.amount), 0.0),
            func.coalesce(func.sum(OPP.amount * probability_expr), 0.0),
        )
        .select_from(_FROM)
        .where(open_filter(), stale_condition_for(session, now))
    ).one()
    currencies = sorted(
        str(c)
        for c in session.execute(select(OPP.currency).where(open_filter()).group_by(OPP.currency)).scalars()
    )
    return {
        "open_count": int(sum(v[0] for v in by_stage_id.values())),
        "open_amount": sum(v[1] for v in by_stage_id.values()),
        "weighted_amount": sum(v[2] for v in by_stage_id.values()),
        "stale_count": int(stale_n),
        "stale_amount": float(stale_amount),
        "stale_weighted_amount": float(stale_weighted),
        "currencies": currencies,
        "by_stage": stages,
        "by_month": months,
    }


def _month(close: date | None) -> str:
    return NO_DATE if close is None else f"{close.year:04d}-{close.month:02d}"
