"""The lead's own speed-to-lead (issue 22): an inbound lead shows it; a cold or list lead
the rep sourced says it is not measured instead of a number or a bare dash."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pytestqt.qtbot import QtBot

from workbench.domain.enums import LeadKind
from workbench.services.leads.edit import LeadFields, create_lead
from workbench.services.outreach.log import LogEntry, log_activity
from workbench.services.records import RecordKind, RecordRef
from workbench.store import Workbench
from workbench.ui.common.context import AppContext
from workbench.ui.leads.detail import LeadDetailPanel

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _touched_lead(wb: Workbench, name: str, kind: LeadKind, source: str) -> int:
    lead_id = create_lead(wb, LeadFields(name=name, kind=kind.value, source=source), received_at=T0)
    at = T0 + timedelta(minutes=30)
    log_activity(wb, LogEntry("call", at=at, target=RecordRef(RecordKind.LEAD, lead_id)), now=at)
    return lead_id


def test_the_lead_detail_says_a_sourced_lead_is_not_measured(qtbot: QtBot, wb: Workbench) -> None:
    inbound = _touched_lead(wb, "Ina Inbound", LeadKind.INBOUND, "web form")
    cold = _touched_lead(wb, "Cold Carla", LeadKind.TARGET, "cold")
    panel = LeadDetailPanel(AppContext(wb, lambda: T0 + timedelta(days=1)))
    qtbot.addWidget(panel)
    panel.show_lead(inbound)
    qtbot.waitUntil(lambda: panel.speed_value.text() == "30 min")
    panel.show_lead(cold)
    qtbot.waitUntil(lambda: panel.speed_value.text() == "not measured: a lead you sourced")
