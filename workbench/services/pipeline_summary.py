"""The Summary sheet of a pipeline file: headline figures and small tables, computed in SQL.

The definitions are the rollup's (:mod:`workbench.services.rollup`), so the Summary a
rep exports and the numbers a manager's rollup computes from the rows are the same:

* **conversion** by kind and by source: live leads; of those, the ones converted into
  a live opportunity; of those, the won ones;
* **open pipeline** by stage: open opportunities, their amount and probability-weighted
  amount (the opportunity's own probability, else its stage's);
* **won / lost in the period**: opportunities closed on a day of the period;
* **touches in the period**: calls, emails, meetings and social touches (notes are not
  touches), from the first day of the period on;
* **speed to lead**: median hours from received to first touch over touched leads;
* **stale deals**: open opportunities past their stage's quiet days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlmodel import Session

from workbench.domain import Activity, Lead, Opportunity, PipelineStage, table_of
from workbench.exchange.pipeline_file import Summary, SummaryTable
from workbench.services.pipeline import stages_in
from workbench.services.pipeline_board import stale_condition_for
from workbench.services.touches import TOUCH_CHANNELS

OC: Any = table_of(Opportunity).c
S: Any = table_of(PipelineStage).c
L: Any = table_of(Lead).c
ACT: Any = table_of(Activity).c

CONVERSION_COLUMNS = ("Leads", "Opportunities", "Won", "Lead → opportunity", "Opportunity → won")
CONVERSION_FORMATS = ("text", "int", "int", "int", "percent", "percent")


def rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def median_speed_hours(session: Session) -> float | None:
    """The median of ``speed_to_lead_s`` over live touched leads, in hours (via its index)."""
    where = and_(L.deleted_at.is_(None), L.speed_to_lead_s.is_not(None))
    n = int(session.execute(select(func.count()).where(where)).scalar_one())
    if n == 0:
        return None
    ordered = select(L.speed_to_lead_s).where(where).order_by(L.speed_to_lead_s)
    middle = [int(v) for v in session.execute(ordered.offset((n - 1) // 2).limit(2 - n % 2)).scalars()]
    return sum(middle) / len(middle) / 3600.0


def _conversion(session: Session, group: Any) -> list[tuple[Any, ...]]:
    converted = and_(L.opportunity_id.is_not(None), OC.id.is_not(None))
    stmt = (
        select(
            group,
            func.count(L.id),
            func.sum(case((converted, 1), else_=0)),
            func.sum(case((and_(converted, OC.outcome == "won"), 1), else_=0)),
        )
        .select_from(
            table_of(Lead).outerjoin(
                table_of(Opportunity), and_(OC.id == L.opportunity_id, OC.deleted_at.is_(None))
            )
        )
        .where(L.deleted_at.is_(None))
        .group_by(group)
        .order_by(group)
    )
    rows = []
    for name, leads, opps, won in session.execute(stmt):
        leads, opps, won = int(leads), int(opps or 0), int(won or 0)
        rows.append((name or "(none)", leads, opps, won, rate(opps, leads), rate(won, opps)))
    return rows


def build_summary(session: Session, *, now: datetime, period_from: date, period_to: date) -> Summary:
    start = datetime(period_from.year, period_from.month, period_from.day, tzinfo=UTC)
    probability = func.coalesce(OC.probability, S.probability)
    live_open = and_(OC.deleted_at.is_(None), OC.outcome == "open")
    by_stage = {
        stage_id: (int(n), float(amount or 0), float(weighted or 0))
        for stage_id, n, amount, weighted in session.execute(
            select(OC.stage_id, func.count(OC.id), func.sum(OC.amount), func.sum(OC.amount * probability))
            .select_from(table_of(Opportunity).join(table_of(PipelineStage), S.id == OC.stage_id))
            .where(live_open)
            .group_by(OC.stage_id)
        )
    }
    stage_rows = []
    for stage in stages_in(session):
        if stage.is_open:
            n, amount, weighted = by_stage.get(stage.id, (0, 0.0, 0.0))
            stage_rows.append((stage.name, n, amount, weighted))
    end = datetime(period_to.year, period_to.month, period_to.day, tzinfo=UTC) + timedelta(days=1)
    in_period = and_(OC.deleted_at.is_(None), OC.closed_at >= start, OC.closed_at < end)
    closed = {
        outcome: (int(n), float(amount or 0))
        for outcome, n, amount in session.execute(
            select(OC.outcome, func.count(OC.id), func.sum(OC.amount))
            .where(in_period, OC.outcome.in_(("won", "lost")))
            .group_by(OC.outcome)
        )
    }
    touches = int(
        session.execute(
            select(func.count(ACT.id)).where(
                ACT.deleted_at.is_(None), ACT.at >= start, ACT.channel.in_(TOUCH_CHANNELS)
            )
        ).scalar_one()
    )
    leads = int(session.execute(select(func.count(L.id)).where(L.deleted_at.is_(None))).scalar_one())
    stale = int(
        session.execute(
            select(func.count(OC.id)).where(OC.deleted_at.is_(None), stale_condition_for(session, now))
        ).scalar_one()
    )
    speed = median_speed_hours(session)
    won_n, won_amount = closed.get("won", (0, 0.0))
    lost_n, lost_amount = closed.get("lost", (0, 0.0))
    figures: list[tuple[str, Any]] = [
        ("Leads", leads),
        ("Open opportunities", sum(r[1] for r in stage_rows)),
        ("Open pipeline", sum(r[2] for r in stage_rows)),
        ("Weighted pipeline", sum(r[3] for r in stage_rows)),
        ("Won in the period", won_n),
        ("Won amount in the period", won_amount),
        ("Lost in the period", lost_n),
        ("Lost amount in the period", lost_amount),
        ("Touches in the period", touches),
        ("Speed to lead, median hours", speed),
        ("Stale open deals", stale),
    ]
    return Summary(
        figures=figures,
        tables=[
            SummaryTable(
                "Open pipeline by stage",
                ("Stage", "Open", "Amount", "Weighted"),
                stage_rows,
                ("text", "int", "money", "money"),
            ),
            SummaryTable(
                "Conversion by kind",
                ("Kind", *CONVERSION_COLUMNS),
                _conversion(session, L.kind),
                CONVERSION_FORMATS,
            ),
            SummaryTable(
                "Conversion by source",
                ("Source", *CONVERSION_COLUMNS),
                _conversion(session, L.source),
                CONVERSION_FORMATS,
            ),
        ],
    )
