"""Speed-to-lead counts inbound and referral leads only (issue 22): a rep-sourced cold
or list lead has no arrival to answer, so adding such leads — touched fast, slow or
never — changes no speed figure: not the lead's own column, Insights, the manager's
summary and rollups, nor Today's waiting time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from workbench.domain import Lead, table_of
from workbench.domain.enums import SPEED_TO_LEAD_KINDS, LeadKind
from workbench.services.insights import speed
from workbench.services.insights.common import Period
from workbench.services.insights.stats import compute_stats
from workbench.services.leads.edit import LeadDetail, LeadFields, create_lead, lead_detail, update_lead
from workbench.services.manager import rollup, team_rollup
from workbench.services.manager.summary import build_summary
from workbench.services.outreach.log import LogEntry, log_activity
from workbench.services.outreach.today import today_report
from workbench.services.records import RecordKind, RecordRef
from workbench.store import Workbench

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
MARCH = Period(start=datetime(2026, 3, 1, tzinfo=UTC), end=datetime(2026, 4, 1, tzinfo=UTC))


def _lead(wb: Workbench, name: str, kind: LeadKind, source: str, received: datetime) -> int:
    values = LeadFields(name=name, kind=kind.value, source=source)
    return create_lead(wb, values, received_at=received, clock=lambda: received)


def _touch(wb: Workbench, lead_id: int, at: datetime) -> None:
    log_activity(wb, LogEntry("call", at=at, target=RecordRef(RecordKind.LEAD, lead_id)), now=at)


def _inbound_file(wb: Workbench) -> list[int]:
    """Web form 20 min, webinar 3 h, referral 2 days, a web form never touched."""
    ids = []
    for i, (kind, source, delay) in enumerate(
        [
            (LeadKind.INBOUND, "web form", timedelta(minutes=20)),
            (LeadKind.INBOUND, "webinar", timedelta(hours=3)),
            (LeadKind.REFERRAL, "referral", timedelta(days=2)),
            (LeadKind.INBOUND, "web form", None),
        ]
    ):
        received = T0 + timedelta(days=i)
        lead_id = _lead(wb, f"Inbound {i}", kind, source, received)
        if delay is not None:
            _touch(wb, lead_id, received + delay)
        ids.append(lead_id)
    return ids


def _add_cold_and_list_leads(wb: Workbench) -> list[int]:
    """Rep-sourced leads: touched within minutes, after a week, and never."""
    ids = []
    for i, (source, delay) in enumerate(
        [("cold", timedelta(minutes=2)), ("list", timedelta(days=8)), ("cold", None), ("web form", None)]
    ):
        received = T0 + timedelta(days=i, hours=1)
        lead_id = _lead(wb, f"Target {i}", LeadKind.TARGET, source, received)
        if delay is not None:
            _touch(wb, lead_id, received + delay)
        ids.append(lead_id)
    return ids


def _speed_figures(result: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in result.items() if key != "left_out"}


def test_cold_and_list_leads_change_no_speed_figure(wb: Workbench) -> None:
    _inbound_file(wb)
    with wb.reading() as s:
        before = speed.compute(s, MARCH, min_leads=1)
        summary_before = build_summary(s, now=NOW, period_from=T0.date(), period_to=NOW.date())
    stats_before = compute_stats(wb, MARCH, clock=lambda: NOW, tz=UTC)["speed_to_lead_hours"]
    assert before["touched"] == 3 and before["untouched"] == 1
    assert before["median"] == pytest.approx(3.0)  # 20 min, 3 h, 48 h
    assert before["left_out"] == 0

    cold = _add_cold_and_list_leads(wb)

    with wb.reading() as s:
        after = speed.compute(s, MARCH, min_leads=1)
        summary_after = build_summary(s, now=NOW, period_from=T0.date(), period_to=NOW.date())
    stats_after = compute_stats(wb, MARCH, clock=lambda: NOW, tz=UTC)["speed_to_lead_hours"]
    assert _speed_figures(after) == _speed_figures(before)
    assert _speed_figures(stats_after) == _speed_figures(stats_before)
    assert after["left_out"] == stats_after["left_out"] == len(cold)
    # The manager's Summary sheet: the same median hours.
    assert _median_row(summary_after) == _median_row(summary_before) == [pytest.approx(3.0)]


def _median_row(summary: Any) -> list[Any]:
    return [value for name, value in summary.figures if name == "Speed to lead, median hours"]


def test_the_lead_column_has_no_speed_for_a_cold_lead_and_follows_a_kind_edit(wb: Workbench) -> None:
    lead_id = _lead(wb, "Cold Carla", LeadKind.TARGET, "cold", T0)
    _touch(wb, lead_id, T0 + timedelta(minutes=30))
    assert _detail(wb, lead_id).speed_to_lead_s is None
    assert _detail(wb, lead_id).first_touch_at == T0 + timedelta(minutes=30)
    # She turns out to have written in first: an inbound lead now, with her speed.
    update_lead(wb, lead_id, LeadFields(name="Cold Carla", kind="inbound", source="web form"))
    assert _detail(wb, lead_id).speed_to_lead_s == 30 * 60
    update_lead(wb, lead_id, LeadFields(name="Cold Carla", kind="target", source="cold"))
    assert _detail(wb, lead_id).speed_to_lead_s is None
    with wb.reading() as s:
        speeds = s.execute(select(table_of(Lead).c.speed_to_lead_s)).scalars().all()
    assert speeds == [None]


def _detail(wb: Workbench, lead_id: int) -> LeadDetail:
    detail = lead_detail(wb, lead_id)
    assert detail is not None
    return detail


def test_todays_waiting_time_is_for_inbound_and_referral_leads(wb: Workbench) -> None:
    inbound = _lead(wb, "Ina Inbound", LeadKind.INBOUND, "web form", NOW - timedelta(hours=3))
    target = _lead(wb, "Tom Target", LeadKind.TARGET, "list", NOW - timedelta(hours=2))
    report = today_report(wb, now=NOW, tz=UTC)
    rows = {row.record.id: row for section in report.sections for row in section.items if row.record}
    assert rows[inbound].due == NOW - timedelta(hours=3)  # shown as "waiting 3 h"
    assert rows[target].kind == "new_leads" and rows[target].due is None  # nobody waits on a list lead


def test_team_rollup_medians_leave_cold_leads_out(wb: Workbench) -> None:
    _inbound_file(wb)
    before = team_rollup.live_rollup(wb, since=T0.date(), clock=lambda: NOW)
    _add_cold_and_list_leads(wb)
    after = team_rollup.live_rollup(wb, since=T0.date(), clock=lambda: NOW)
    assert after.team is not None and before.team is not None
    assert after.team.speed_median_hours == before.team.speed_median_hours == pytest.approx(3.0)


def test_file_rollup_leaves_out_a_speed_an_older_file_kept_on_a_cold_lead() -> None:
    assert frozenset(SPEED_TO_LEAD_KINDS) == rollup.SPEED_KINDS  # the rollup's own copy
    kinds = ["inbound", "target", "referral", "target", "inbound"]
    hours = [1.0, 0.1, 5.0, None, None]
    assert [h for k, h in zip(kinds, hours, strict=True) if rollup._speed_measured(k, h)] == [1.0, 5.0]


def test_a_file_from_before_keeps_no_speed_on_sourced_leads(tmp_path: Path) -> None:
    """Migration 0009: a file written when every lead had a speed-to-lead keeps it on
    inbound and referral leads and drops it from the rep's own (cold, list)."""
    from sqlalchemy import create_engine
    from sqlmodel import Session as PlainSession

    from workbench.store import open_workbench
    from workbench.store.migrate import upgrade
    from workbench.store.sqlite_file import APPLICATION_ID

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine, "0008")
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    received = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    with PlainSession(engine) as s:
        for name, kind in (("Ana Inbound", "inbound"), ("Ben Referral", "referral"), ("Cy Cold", "target")):
            s.add(
                Lead(
                    name=name,
                    kind=kind,
                    source="cold" if kind == "target" else "web form",
                    received_at=received,
                    speed_to_lead_s=600,
                )
            )
        s.commit()
    engine.dispose()
    with open_workbench(path) as wb, wb.reading() as s:  # opening migrates it to 0009
        speeds = {name: speed_s for name, speed_s in s.execute(select(Lead.name, Lead.speed_to_lead_s))}
    assert speeds == {"Ana Inbound": 600, "Ben Referral": 600, "Cy Cold": None}
