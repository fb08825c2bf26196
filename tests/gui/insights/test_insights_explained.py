"""Insights say what their figures count (issue 22): speed-to-lead names the cold and
list leads it leaves out, and a plain line stands beside each pair of figures that look
like they contradict each other."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from tests.support import insights_data as data
from workbench.domain.enums import LeadKind
from workbench.services.clock import fixed_clock
from workbench.services.leads.edit import LeadFields, create_lead
from workbench.services.outreach.log import LogEntry, log_activity
from workbench.services.records import RecordKind, RecordRef
from workbench.store import Workbench
from workbench.ui.common.context import AppContext
from workbench.ui.insights.view import InsightsArea
from workbench.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def window(qtbot: QtBot, wb: Workbench) -> Iterator[MainWindow]:
    ctx = AppContext(wb, clock=fixed_clock(data.NOW))
    win = MainWindow(ctx, start_area="today")
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def open_insights(qtbot: QtBot, window: MainWindow) -> InsightsArea:
    area = window.area("insights")
    assert isinstance(area, InsightsArea)
    with qtbot.waitSignal(area.populated, timeout=20_000):
        window.show_area("insights")
    return area


def explanations(widget: QLabel | object) -> list[str]:
    assert hasattr(widget, "findChildren")
    return [label.text() for label in widget.findChildren(QLabel, "insightsExplanation")]


def test_the_explanation_lines_stand_beside_their_figures(
    qtbot: QtBot, wb: Workbench, window: MainWindow
) -> None:
    data.build(wb)
    area = open_insights(qtbot, window)
    # Conversion: the cohort's opportunities vs those created; opportunity → won vs win rate.
    conversion = explanations(area.conversion)
    assert any("leads received in the period" in t and "created in the period" in t for t in conversion)
    assert any("Opportunity → won" in t and "Win rate (closed)" in t for t in conversion)
    assert area.conversion.cohort_note.textFormat() == Qt.TextFormat.PlainText
    area.show_tab(area.activity)
    assert area.activity.opportunities_note.isVisible()
    assert "created in the period" in area.activity.opportunities_note.text()
    # Speed-to-lead says which leads it counts: L4 and L5 are cold target leads.
    area.show_tab(area.speed)
    assert area.speed.scope.isVisible()
    assert area.speed.scope.text() == (
        "Speed-to-lead counts inbound and referral leads only; 2 cold/list leads left out."
    )
    assert "over 5 touched leads" in area.speed.summary.text()
    # Quota: "opportunities needed" vs "more needed to close the gap", once there is a quota.
    area.show_tab(area.quota)
    tab = area.quota
    assert not tab.needed_note.isVisible()
    tab.first_day.setDate(tab.first_day.date().fromString("2026-04-01", "yyyy-MM-dd"))
    tab.last_day.setDate(tab.last_day.date().fromString("2026-06-30", "yyyy-MM-dd"))
    qtbot.keyClicks(tab.amount, "100,000")
    with qtbot.waitSignal(area.populated, timeout=20_000):
        qtbot.keyClick(tab.amount, Qt.Key.Key_Return)
    assert tab.needed_note.isVisible()
    assert "Opportunities needed" in tab.needed_note.text()
    assert "close the gap" in tab.needed_note.text()


def _lead(wb: Workbench, name: str, kind: LeadKind, source: str, hours_ago: int, touch: bool) -> None:
    received = data.NOW - timedelta(hours=hours_ago)
    lead_id = create_lead(
        wb,
        LeadFields(name=name, kind=kind.value, source=source),
        received_at=received,
        clock=lambda: received,
    )
    if touch:
        at = received + timedelta(minutes=30)
        log_activity(wb, LogEntry("call", at=at, target=RecordRef(RecordKind.LEAD, lead_id)), now=at)


def test_speed_lines_in_the_singular_and_the_plural(qtbot: QtBot, wb: Workbench, window: MainWindow) -> None:
    _lead(wb, "Ina Inbound", LeadKind.INBOUND, "web form", 30, touch=True)
    _lead(wb, "Carl Cold", LeadKind.TARGET, "cold", 20, touch=True)
    area = open_insights(qtbot, window)
    area.show_tab(area.speed)
    assert "1 cold/list lead left out." in area.speed.scope.text()
    assert "over 1 touched lead;" in area.speed.summary.text()
    _lead(wb, "Lisa List", LeadKind.TARGET, "list", 10, touch=False)
    _lead(wb, "Rita Referral", LeadKind.REFERRAL, "referral", 5, touch=True)
    with qtbot.waitSignal(area.populated, timeout=20_000):
        qtbot.mouseClick(area.refresh_button, Qt.MouseButton.LeftButton)
    assert "2 cold/list leads left out." in area.speed.scope.text()
    assert "over 2 touched leads;" in area.speed.summary.text()
    # Carl was reached within 30 minutes, yet the median is the inbound leads' own.
    assert "30 min" in area.speed.summary.text() or "0.5" in area.speed.summary.text()
