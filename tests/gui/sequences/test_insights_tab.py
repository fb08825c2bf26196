"""Insights' Sequences tab: two sequences side by side, greyed when the sample is small."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot

from workbench.domain import Lead
from workbench.services.clock import fixed_clock
from workbench.services.outreach.log import LogEntry, log_activity
from workbench.services.records import RecordKind, RecordRef
from workbench.services.sequences import enrol, templates
from workbench.store import Workbench
from workbench.ui.common.context import AppContext
from workbench.ui.insights.view import InsightsArea
from workbench.ui.shell.main_window import MainWindow

NOW = datetime(2026, 3, 4, 11, 0, tzinfo=UTC)
pytestmark = pytest.mark.sqlite_only


def test_the_sequences_tab_compares_two_sequences(qtbot: QtBot, wb: Workbench) -> None:
    with wb.session() as s:
        for n in range(3):
            s.add(Lead(name=f"Lead {n}", email=f"l{n}@x.com", received_at=NOW))
    with wb.reading() as s:
        a, b = templates.find_in(s, "New inbound"), templates.find_in(s, "Target account contact")
    assert a is not None and b is not None
    enrol.enrol(wb, a, [RecordRef(RecordKind.LEAD, 1), RecordRef(RecordKind.LEAD, 2)], now=NOW)
    enrol.enrol(wb, b, [RecordRef(RecordKind.LEAD, 3)], now=NOW)
    log_activity(wb, LogEntry("email", "replied", target=RecordRef(RecordKind.LEAD, 1)), now=NOW)
    win = MainWindow(AppContext(wb, clock=fixed_clock(NOW)), start_area="today")
    qtbot.addWidget(win)
    win.show()
    area = win.area("insights")
    assert isinstance(area, InsightsArea)
    with qtbot.waitSignal(area.populated, timeout=20_000):
        win.show_area("insights")
    tab = area.sequences
    area.show_tab(tab)
    assert tab.choice.currentText() == "New inbound"
    tab.panel.compare.setCurrentIndex(tab.panel.compare.findText("Target account contact"))
    table = tab.panel.table
    rows = {table.topLevelItem(r).text(0): table.topLevelItem(r) for r in range(table.topLevelItemCount())}  # type: ignore[union-attr]
    assert (rows["Enrolled"].text(1), rows["Enrolled"].text(2)) == ("2", "1")
    assert rows["Stopped by reply"].text(1) == "1"
    assert rows["Reply or meeting rate"].text(1).startswith("50%")
    assert rows["Enrolled"].toolTip(1) == "Few enrolments: read with care"  # greyed: 2 < the minimum
    assert tab.panel.steps.topLevelItemCount() == 5
    win.close()
