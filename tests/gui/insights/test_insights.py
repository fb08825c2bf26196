"""The Insights area: renders with data and with an empty file, follows the period,
exports its tables as safe CSV, and does the quota math from what the rep types."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCharts import QBarCategoryAxis, QChartView
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.support import insights_data as data
from workbench.domain import Lead
from workbench.services.clock import fixed_clock
from workbench.store import Workbench
from workbench.ui.common.context import AppContext
from workbench.ui.insights import parts as insights_parts
from workbench.ui.insights.parts import ReportTable
from workbench.ui.insights.view import InsightsArea
from workbench.ui.shell.main_window import MainWindow

# The window shows a file; the services' PostgreSQL runs are in tests/unit/insights/test_insights*.py.
pytestmark = pytest.mark.sqlite_only

FORMULA = '=HYPERLINK("http://x","click")'


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


def recompute(qtbot: QtBot, area: InsightsArea, action: Any) -> None:
    with qtbot.waitSignal(area.populated, timeout=20_000):
        action()


def tables(area: InsightsArea) -> list[ReportTable]:
    return area.findChildren(ReportTable)


def cells(table: ReportTable, column: int = 0) -> list[str]:
    model = table.model
    return [str(model.data(model.index(r, column))) for r in range(model.rowCount())]


def test_renders_every_tab_with_data(
    qtbot: QtBot, wb: Workbench, window: MainWindow, qtmodeltester: Any
) -> None:
    data.build(wb)
    area = open_insights(qtbot, window)
    assert area.last_result is not None
    assert not area.empty.isVisible()
    # Last 12 months up to 2026-04-01: L1…L6 and L8.
    assert "7 leads → 3 opportunities → 1 won" in area.conversion.summary.text()
    assert cells(area.conversion.table) == ["webinar", "cold", "referral"]
    for table in tables(area):
        qtmodeltester.check(table.model)
    for tab in (area.conversion, area.speed, area.funnel, area.activity, area.pipeline):
        assert isinstance(tab.chart.chart, QChartView)
    assert "Worst leak: Qualified" in area.funnel.summary.text()
    # The stage names stand beside their bars, whole (QtCharts elided them all to "…").
    (stages,) = [a for a in area.funnel.chart.chart.chart().axes() if isinstance(a, QBarCategoryAxis)]
    assert stages.categories()[-2:] == ["⚠ Qualified", "Discovery"] and not stages.truncateLabels()
    assert cells(area.funnel.table)[:2] == ["Discovery", "Qualified"]
    # Inbound and referral leads only: 5 min, 30 min, 2 h, 3 h, 48 h (the cold L4 left out).
    assert "Median speed-to-lead 2 h over 5 touched leads" in area.speed.summary.text()
    for i in range(area.tabs.count()):
        area.tabs.setCurrentIndex(i)
        qtbot.waitExposed(area.tabs.currentWidget())


def test_split_and_period_follow_the_rep(qtbot: QtBot, wb: Workbench, window: MainWindow) -> None:
    data.build(wb)
    area = open_insights(qtbot, window)
    area.conversion.dimension.setFocus()
    qtbot.keyClick(area.conversion.dimension, Qt.Key.Key_Home)  # "By kind"
    assert cells(area.conversion.table) == ["Inbound", "Target (rep-sourced)", "Referral"]
    # A custom period: March only, so L8 (January) drops out.
    recompute(qtbot, area, lambda: area.set_preset("custom"))
    assert area.first_day.isEnabled()
    recompute(
        qtbot,
        area,
        lambda: area.first_day.setDate(area.first_day.date().fromString("2026-03-01", "yyyy-MM-dd")),
    )
    recompute(
        qtbot,
        area,
        lambda: area.last_day.setDate(area.last_day.date().fromString("2026-03-31", "yyyy-MM-dd")),
    )
    assert "6 leads → 3 opportunities → 1 won" in area.conversion.summary.text()
    recompute(qtbot, area, lambda: area.set_preset("all"))
    assert not area.first_day.isVisible()
    assert "7 leads" in area.conversion.summary.text()


def test_csv_export_is_neutralised(
    qtbot: QtBot, wb: Workbench, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data.build(wb)
    with wb.session() as s:
        s.add(Lead(name="Mallory", received_at=data.T0, source="-2+3", campaign=FORMULA))
    area = open_insights(qtbot, window)
    area.conversion.dimension.setCurrentIndex(2)  # by campaign
    target = tmp_path / "campaigns.csv"
    monkeypatch.setattr(insights_parts, "ask_csv_path", lambda _parent, suggested: target)
    qtbot.mouseClick(area.conversion.table.export_button, Qt.MouseButton.LeftButton)
    with target.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:4] == ["campaign", "leads", "opportunities", "won"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["'" + FORMULA][1] == "1"  # text a spreadsheet would run gets a quote
    assert by_name["(none)"][1] == "4"
    assert float(by_name["Spring"][5]) == pytest.approx(2 / 3)  # raw rates, not "66.7 %"
    # Cancelling the file dialog writes nothing.
    monkeypatch.setattr(insights_parts, "ask_csv_path", lambda _parent, suggested: None)
    assert area.speed.by_source.export_csv() is None


def test_quota_math_from_what_the_rep_types(qtbot: QtBot, wb: Workbench, window: MainWindow) -> None:
    data.build(wb)
    area = open_insights(qtbot, window)
    area.show_tab(area.quota)
    tab = area.quota
    assert not tab.table.isVisible()
    tab.first_day.setDate(tab.first_day.date().fromString("2026-04-01", "yyyy-MM-dd"))
    tab.last_day.setDate(tab.last_day.date().fromString("2026-06-30", "yyyy-MM-dd"))
    qtbot.keyClicks(tab.amount, "lots")
    qtbot.keyClick(tab.amount, Qt.Key.Key_Return)
    assert tab.error.isVisible() and "amount" in tab.error.text()
    tab.amount.clear()
    qtbot.keyClicks(tab.amount, "100,000")
    with qtbot.waitSignal(area.populated, timeout=20_000):
        qtbot.keyClick(tab.amount, Qt.Key.Key_Return)
    assert not tab.error.isVisible()
    assert tab.table.isVisible()
    values = dict(zip(cells(tab.table, 0), cells(tab.table, 1), strict=True))
    # 12 months of history: O1 won 30,000, O2 and O4 lost → win rate 1/3; 4 deals → 12 opportunities.
    assert values["Deals needed"] == "4"
    assert values["Opportunities needed"] == "12"
    assert area.last_result is not None and area.last_result["quota"]["quota"] == 100_000
    with qtbot.waitSignal(area.populated, timeout=20_000):
        qtbot.mouseClick(tab.clear_button, Qt.MouseButton.LeftButton)
    assert area.last_result["quota"] is None
    assert not tab.table.isVisible()


def test_renders_an_empty_file(qtbot: QtBot, window: MainWindow, qtmodeltester: Any) -> None:
    area = open_insights(qtbot, window)
    assert area.empty.isVisible()
    assert "0 leads" in area.conversion.summary.text()
    assert "No opportunity was lost" in area.funnel.summary.text()
    for table in tables(area):
        qtmodeltester.check(table.model)
    assert cells(area.conversion.table) == []
    for i in range(area.tabs.count()):
        area.tabs.setCurrentIndex(i)
        qtbot.waitExposed(area.tabs.currentWidget())


@pytest.mark.parametrize(
    ("deals", "conversion", "pipeline"),
    [
        (1, "1 lead → 1 opportunity → 0 won.", " in 1 opportunity; weighted "),
        (2, "2 leads → 2 opportunities → 0 won.", " in 2 opportunities; weighted "),
    ],
)
def test_the_summaries_count_1_lead_and_1_opportunity(
    qtbot: QtBot, wb: Workbench, window: MainWindow, deals: int, conversion: str, pipeline: str
) -> None:
    from datetime import timedelta

    from workbench.services.leads.edit import LeadFields, create_lead
    from workbench.services.pipeline.convert import convert_lead

    clock = fixed_clock(data.NOW)
    for i in range(deals):
        lead = create_lead(
            wb, LeadFields(name=f"Buyer {i}", company=f"Co {i}"), received_at=data.NOW - timedelta(days=3)
        )
        convert_lead(wb, lead, clock=clock)
    area = open_insights(qtbot, window)
    assert conversion in area.conversion.summary.text()
    assert pipeline in area.pipeline.summary.text()
