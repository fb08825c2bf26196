"""The Summary sheet of a pipeline file: headline figures and small tables.

The numbers come from the Insights service (:mod:`workbench.services.insights`), so
the Summary a rep exports, their Insights area and ``workbench stats`` agree — and the
manager's rollup (:mod:`workbench.services.manager.rollup`) computes the same numbers from the
file's rows (a test holds all of them equal):

* **conversion** by kind and by source, over every live lead (the file holds them all):
  leads; of those, the ones converted into a live opportunity; of those, the won ones;
* **open pipeline** by stage now: count, amount and probability-weighted amount;
* **won / lost in the period** and **touches in the period** (calls, emails,
  meetings, social — notes are not touches), days counted in UTC like the file;
* **speed to lead**: median hours from received to first touch over touched leads;
* **stale deals**: open opportunities past their stage's quiet days;
* **sequences**: every sequence's enrolments, replies, meetings, opportunities and won
  deals, all time (the Insights section of :mod:`workbench.services.insights.sequences`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from workbench.domain import Lead, Opportunity, table_of
from workbench.domain.enums import OpportunityOutcome
from workbench.exchange.pipeline_file import Summary, SummaryTable
from workbench.services.insights import activity, conversion, pipeline, sequences, speed
from workbench.services.insights.common import Period
from workbench.services.settings import values as settings

OPP: Any = table_of(Opportunity).c
L: Any = table_of(Lead).c

CONVERSION_COLUMNS = ("Leads", "Opportunities", "Won", "Lead → opportunity", "Opportunity → won")
CONVERSION_FORMATS = ("text", "int", "int", "int", "percent", "percent")
SEQUENCE_COLUMNS = (
    "Sequence",
    "Enrolled",
    "Active",
    "Replied",
    "Meetings",
    "Opportunities",
    "Won",
    "Reply or meeting rate",
    "Opportunity rate",
)


def period_of(first: date, last: date) -> Period:
    """The file's period: whole UTC days ``first`` … ``last``."""
    return Period.from_dates(first, last, UTC)


def lost_in(session: Session, period: Period) -> tuple[int, float]:
    stmt = select(func.count(), func.coalesce(func.sum(OPP.amount), 0.0)).where(
        OPP.deleted_at.is_(None), OPP.outcome == OpportunityOutcome.LOST.value, period.where(OPP.closed_at)
    )
    n, amount = session.execute(stmt).one()
    return int(n), float(amount)


def _conversion_rows(groups: dict[str, dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (name, g["leads"], g["opportunities"], g["won"], g["lead_to_opportunity"], g["opportunity_to_won"])
        for name, g in sorted(groups.items())
        if g["leads"]
    ]


def build_summary(session: Session, *, now: datetime, period_from: date, period_to: date) -> Summary:
    period = period_of(period_from, period_to)
    min_leads = int(settings.get(session, "insights.min_group_leads") or 0)
    goal = int(settings.get(session, "goals.touches_per_week") or 0)
    converted = conversion.compute(session, Period(), min_leads)
    open_pipeline = pipeline.compute(session, now)
    touches = activity.compute(session, period, now, goal, UTC)["touches"]
    won_n, won_amount = activity.won_in(session, period)
    lost_n, lost_amount = lost_in(session, period)
    median = speed.compute(session, Period(), min_leads)["median"]
    leads = int(session.execute(select(func.count()).where(L.deleted_at.is_(None))).scalar_one())
    figures: list[tuple[str, Any]] = [
        ("Leads", leads),
        ("Open opportunities", open_pipeline["open_count"]),
        ("Open pipeline", open_pipeline["open_amount"]),
        ("Weighted pipeline", open_pipeline["weighted_amount"]),
        ("Won in the period", won_n),
        ("Won amount in the period", won_amount),
        ("Lost in the period", lost_n),
        ("Lost amount in the period", lost_amount),
        ("Touches in the period", touches),
        ("Speed to lead, median hours", median),
        ("Stale open deals", open_pipeline["stale_count"]),
        ("Stale amount", open_pipeline["stale_amount"]),
    ]
    return Summary(
        figures=figures,
        tables=[
            SummaryTable(
                "Open pipeline by stage",
                ("Stage", "Open", "Amount", "Weighted"),
                [(s["stage"], s["count"], s["amount"], s["weighted"]) for s in open_pipeline["by_stage"]],
                ("text", "int", "money", "money"),
            ),
            SummaryTable(
                "Conversion by kind",
                ("Kind", *CONVERSION_COLUMNS),
                _conversion_rows(converted["by_kind"]),
                CONVERSION_FORMATS,
            ),
            SummaryTable(
                "Conversion by source",
                ("Source", *CONVERSION_COLUMNS),
                _conversion_rows(converted["by_source"]),
                CONVERSION_FORMATS,
            ),
            SummaryTable(
                "Sequences",
                SEQUENCE_COLUMNS,
                [
                    (
                        r["name"],
                        r["enrolled"],
                        r["active"],
                        r["replied"],
                        r["meeting_booked"],
                        r["opportunities"],
                        r["won"],
                        r["reply_rate"],
                        r["opportunity_rate"],
                    )
                    for r in sequences.compute(session, Period(), min_leads)["sequences"]
                    if r["enrolled"]
                ],
                ("text", "int", "int", "int", "int", "int", "int", "percent", "percent"),
            ),
        ],
    )
