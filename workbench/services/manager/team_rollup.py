"""The manager's rollup computed live with SQL on the team database.

The same figures as :mod:`workbench.services.manager.rollup` computes from the reps' pipeline
files (the definitions are those of the exported file: see
:mod:`workbench.services.manager.export`), but grouped by ``owner`` in a handful of GROUP BY
queries instead of read from files — a test holds the two equal on the same data. A
manager's login reads every rep's rows; a rep's login (row-level security) sees only
their own, so the same call gives a rep their own line. It works on a workbench file
too (one owner: the rep).

The period is the export's: activities and won/lost from ``since`` (default 90 days
before today) to today, pipeline and conversion over every live record.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, literal, select
from sqlalchemy.orm import aliased

from workbench.domain import Activity, Enrolment, Lead, Opportunity, PipelineStage, table_of
from workbench.domain.enums import SPEED_TO_LEAD_KINDS
from workbench.exchange.pipeline_file import SequenceRow, SequenceStepRow
from workbench.services.clock import Clock, system_clock
from workbench.services.insights.common import NONE_KEY
from workbench.services.manager.export import _midnight, default_rep_name, period_start, sequence_rows
from workbench.services.manager.rollup import Conversion, RepFigures, Rollup, StageFigures, sequences_of
from workbench.services.outreach.touches import TOUCH_CHANNELS
from workbench.services.pipeline.board import stale_condition_for
from workbench.services.pipeline.stages import stages_in
from workbench.services.settings import values as settings
from workbench.services.team.members import members
from workbench.store import Workbench
from workbench.store.sql_functions import as_date, week_start

OC: Any = table_of(Opportunity).c
S: Any = table_of(PipelineStage).c
L: Any = table_of(Lead).c
ACT: Any = table_of(Activity).c
E: Any = table_of(Enrolment).c


def live_rollup(wb: Workbench, *, since: date | None = None, clock: Clock = system_clock) -> Rollup:
    """Per-rep figures (one :class:`RepFigures` per owner) of everything ``wb``'s login
    may read; ``Rollup.team`` adds them up."""
    now = clock()
    today = now.astimezone(UTC).date()
    start_day = period_start(since, today)
    start = _midnight(start_day)
    end = _midnight(today) + timedelta(days=1)
    names = {m.role: m.name for m in members(wb)}
    with wb.reading() as session:
        stages = stages_in(session)
        stale = stale_condition_for(session, now)
        currency = str(settings.get(session, "profile.currency") or "USD")
        fallback_name = default_rep_name(wb)  # rows nobody owns: a rep's own file
        conn = session.connection()
        figures: dict[str, RepFigures] = {}

        def rep(owner: str) -> RepFigures:
            found = figures.get(owner)
            if found is None:
                found = figures[owner] = RepFigures(
                    rep=names.get(owner) or owner or fallback_name,
                    path=None,
                    exported_at=now.astimezone(UTC),
                    period_from=start_day,
                    period_to=today,
                    stages=[StageFigures(s.name) for s in stages if s.is_open],
                )
            return found

        _pipeline(conn, rep, stale, start, end)
        _conversion(conn, rep)
        _activity(conn, rep, start)
        # Each rep's sequences as their file would carry them (the templates are shared).
        for (owner,) in conn.execute(select(E.owner).where(E.deleted_at.is_(None)).distinct()):
            rep(owner)
        min_enrolled = int(settings.get(session, "insights.min_group_leads") or 0)
        for owner, figures_of_rep in figures.items():
            rows, steps = sequence_rows(session, min_enrolled, owner=owner)
            figures_of_rep.sequences = sequences_of(
                [SequenceRow(*r) for r in rows], [SequenceStepRow(*r) for r in steps]
            )
        for figures_of_rep in figures.values():
            if not figures_of_rep.currencies:
                figures_of_rep.currencies = {currency}
    return Rollup(files=sorted(figures.values(), key=lambda f: f.rep.casefold()))


def _pipeline(conn: Any, rep: Any, stale: Any, start: datetime, end: datetime) -> None:
    live = OC.deleted_at.is_(None)
    probability = func.coalesce(OC.probability, S.probability)
    is_open = OC.outcome == "open"
    stale_open = and_(is_open, stale)
    rows = conn.execute(
        select(
            OC.owner,
            S.name,
            func.count(OC.id).filter(is_open),
            func.coalesce(func.sum(OC.amount).filter(is_open), 0.0),
            func.coalesce(func.sum(OC.amount * probability).filter(is_open), 0.0),
            func.count(OC.id).filter(stale_open),
            func.coalesce(func.sum(OC.amount).filter(stale_open), 0.0),
        )
        .select_from(table_of(Opportunity).join(table_of(PipelineStage), S.id == OC.stage_id))
        .where(live)
        .group_by(OC.owner, S.name)
    )
    for owner, stage, count, amount, weighted, stale_count, stale_amount in rows:
        figures = rep(owner)
        if count:
            target = next((s for s in figures.stages if s.stage == stage), None)
            if target is None:
                target = StageFigures(stage)
                figures.stages.append(target)
            target.count += int(count)
            target.amount += float(amount)
            target.weighted += float(weighted)
        figures.stale_count += int(stale_count)
        figures.stale_amount += float(stale_amount)
    in_period = and_(
        OC.outcome != "open", OC.closed_at.is_not(None), OC.closed_at >= start, OC.closed_at < end
    )
    won = OC.outcome == "won"
    rows = conn.execute(
        select(
            OC.owner,
            func.count(OC.id),
            func.count(OC.id).filter(and_(in_period, won)),
            func.coalesce(func.sum(OC.amount).filter(and_(in_period, won)), 0.0),
            func.count(OC.id).filter(and_(in_period, ~won)),
            func.coalesce(func.sum(OC.amount).filter(and_(in_period, ~won)), 0.0),
        )
        .where(live)
        .group_by(OC.owner)
    )
    for owner, total, won_count, won_amount, lost_count, lost_amount in rows:
        figures = rep(owner)
        figures.opportunities = int(total)
        figures.won_count, figures.won_amount = int(won_count), float(won_amount)
        figures.lost_count, figures.lost_amount = int(lost_count), float(lost_amount)
    for owner, currency in conn.execute(select(OC.owner, OC.currency).where(live).distinct()):
        rep(owner).currencies.add(currency)


def _conversion(conn: Any, rep: Any) -> None:
    """Leads by kind and by source: converted = the lead points to a live opportunity
    that came from it (the export's and Insights' definition)."""
    opp = aliased(table_of(Opportunity))
    converted = opp.c.id.is_not(None)
    won = and_(converted, opp.c.outcome == "won")
    base = table_of(Lead).outerjoin(
        opp, and_(opp.c.id == L.opportunity_id, opp.c.origin_lead_id == L.id, opp.c.deleted_at.is_(None))
    )
    for column, attribute in ((L.kind, "by_kind"), (L.source, "by_source")):
        rows = conn.execute(
            select(
                L.owner,
                column,
                func.count(L.id),
                func.count(L.id).filter(converted),
                func.count(L.id).filter(won),
            )
            .select_from(base)
            .where(L.deleted_at.is_(None))
            .group_by(L.owner, column)
        )
        for owner, value, leads, opportunities, won_count in rows:
            groups: dict[str, Conversion] = getattr(rep(owner), attribute)
            key = value if str(value).strip() else NONE_KEY
            c = groups.setdefault(key, Conversion())
            c.add(Conversion(int(leads), int(opportunities), int(won_count)))
    for owner, leads in conn.execute(
        select(L.owner, func.count(L.id)).where(L.deleted_at.is_(None)).group_by(L.owner)
    ):
        rep(owner).leads = int(leads)
    speeds: dict[str, array[float]] = defaultdict(lambda: array("d"))
    rows = conn.execution_options(yield_per=10_000).execute(
        select(L.owner, L.speed_to_lead_s / literal(3600.0))
        .where(
            L.deleted_at.is_(None), L.speed_to_lead_s.is_not(None), L.kind.in_(sorted(SPEED_TO_LEAD_KINDS))
        )
        .order_by(L.owner, L.id)
    )
    for owner, hours in rows:
        speeds[owner].append(float(hours))
    for owner, values in speeds.items():
        rep(owner).speeds = values


def _activity(conn: Any, rep: Any, start: datetime) -> None:
    live = and_(ACT.deleted_at.is_(None), ACT.at >= start)
    for owner, count in conn.execute(select(ACT.owner, func.count(ACT.id)).where(live).group_by(ACT.owner)):
        rep(owner).activities = int(count)
    week = week_start(ACT.at)
    rows = conn.execute(
        select(ACT.owner, week, func.count(ACT.id))
        .where(live, ACT.channel.in_(TOUCH_CHANNELS))
        .group_by(ACT.owner, week)
        .order_by(ACT.owner, week)
    )
    for owner, monday, count in rows:
        per_week = rep(owner).touches_per_week
        day = as_date(monday)
        per_week[day] = per_week.get(day, 0) + int(count)


__all__ = ["live_rollup"]
