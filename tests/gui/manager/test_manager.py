"""The Manager area and the export actions, driven like a person would."""

from __future__ import annotations

import csv
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot
from sqlmodel import select

from tests.support import pipeline_data as data
from workbench.domain import Opportunity, PipelineStage
from workbench.services.clock import fixed_clock
from workbench.services.manager.export import export_pipeline
from workbench.store import Workbench
from workbench.ui.common import format as fmt
from workbench.ui.common.context import AppContext
from workbench.ui.manager import export_actions
from workbench.ui.manager import view as manager_module
from workbench.ui.manager.export_actions import ExportPipelineDialog, ExportRequest
from workbench.ui.manager.view import ManagerArea
from workbench.ui.shell.main_window import MainWindow

LATER = datetime(2026, 3, 9, 9, tzinfo=UTC)


@pytest.fixture
def team(wb: Workbench, tmp_path: Path) -> Path:
    """A folder with Dana's exports of two weeks, Sam's export, and two files that are not pipelines."""
    ids = data.build(wb)
    folder = tmp_path / "team"
    folder.mkdir()
    export_pipeline(wb, folder / "dana-week1.xlsx", clock=fixed_clock(data.NOW))
    export_pipeline(wb, folder / "sam.json", clock=fixed_clock(data.NOW), rep="Sam")
    with wb.session() as s:
        won = s.exec(select(PipelineStage).where(PipelineStage.name == "Negotiation")).one()
        o1 = s.get(Opportunity, ids.opps["O1"])
        assert o1 is not None
        o1.stage_id = won.id
        o1.amount = 12500.0
    export_pipeline(wb, folder / "dana-week2.xlsx", clock=fixed_clock(LATER))
    (folder / "budget.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    openpyxl.Workbook().save(folder / "other.xlsx")
    return folder


def open_manager(qtbot: QtBot) -> ManagerArea:
    area = ManagerArea(AppContext(None))
    qtbot.addWidget(area)
    area.resize(1200, 800)
    area.show()
    qtbot.waitExposed(area)
    return area


def wait_loaded(qtbot: QtBot, area: ManagerArea) -> None:
    qtbot.waitUntil(lambda: area._job is None and area.rep_model.rowCount() > 0, timeout=30_000)


def test_empty_manager_explains_itself(qtbot: QtBot) -> None:
    area = open_manager(qtbot)
    assert area.stack.currentWidget() is area.empty
    assert "Drop files" in area.empty.text()
    assert not area.export_button.isEnabled()


def test_a_folder_loads_with_rejected_files_listed(qtbot: QtBot, team: Path, qtmodeltester: object) -> None:
    before = {p.name: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in team.iterdir()}
    area = open_manager(qtbot)
    assert area.add_paths([team]) is not None
    wait_loaded(qtbot, area)
    reps = [area.rep_model.row_values(r)[0] for r in range(area.rep_model.rowCount())]
    assert reps == ["Dana Rep", "Sam", "Team (2 reps)"]
    dana = area.rep_model.row_values(0)
    assert dana[1] == LATER  # the latest of Dana's two files
    assert dana[2:5] == (2, 14500.0, 11000.0)  # open deals, pipeline, weighted
    files = area.file_model
    statuses = {Path(files.row_values(r)[0]).name: files.row_values(r)[1] for r in range(files.rowCount())}
    assert statuses == {
        "dana-week1.xlsx": "loaded",
        "dana-week2.xlsx": "loaded",
        "sam.json": "loaded",
        "budget.xlsx": "rejected",
        "other.xlsx": "rejected",
    }
    reasons = [
        files.row_values(r)[4] for r in range(files.rowCount()) if files.row_values(r)[1] == "rejected"
    ]
    assert any("damaged or truncated" in r for r in reasons) and any("no _meta sheet" in r for r in reasons)
    assert area.lower_tabs.tabText(1) == "Files (2 rejected)"
    assert "2 rejected" in area.status_label.text()
    for model in (area.rep_model, area.file_model, area.detail.stage_model, area.detail.conversion_model):
        qtmodeltester.check(model)  # type: ignore[attr-defined]
    # The same folder again adds nothing; the files were never modified.
    assert area.add_paths([team]) is None
    assert {p.name: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in team.iterdir()} == before


def test_team_row_and_rep_detail(qtbot: QtBot, team: Path) -> None:
    area = open_manager(qtbot)
    area.add_paths([team / "dana-week2.xlsx", team / "sam.json"])
    wait_loaded(qtbot, area)
    assert area.selected_figures() is area.rollup.team or area.selected_figures().rep == "Team"  # type: ignore[union-attr]
    team_stages = area.detail.stage_model
    assert team_stages.row_values(team_stages.rowCount() - 1)[1:] == (4, 26500.0, 18000.0)
    assert area.select_rep("Sam")
    stages = {r[0]: r[1:] for r in (team_stages.row_values(i) for i in range(team_stages.rowCount()))}
    assert stages["Proposal"] == (1, 10000.0, 6000.0) and stages["Discovery"] == (1, 2000.0, 1000.0)
    conversion = area.detail.conversion_model
    rows = [conversion.row_values(i) for i in range(conversion.rowCount())]
    # With their 95 % Wilson intervals, as in Insights (issue 20).
    assert ("kind", "inbound", 3, 2, 1, 2 / 3, "21–94 %", 0.5, "9–91 %") in rows
    # Three leads are under insights.min_group_leads: greyed like Insights' small groups.
    assert {conversion.row_style(i) for i in range(conversion.rowCount())} == {"muted"}
    weeks = area.detail.week_model
    assert sum(weeks.row_values(i)[1] for i in range(weeks.rowCount())) == 6


def test_drill_into_a_reps_opportunities(qtbot: QtBot, team: Path, qtmodeltester: object) -> None:
    area = open_manager(qtbot)
    area.add_paths([team / "sam.json"])
    wait_loaded(qtbot, area)
    assert area.select_rep("Sam")
    cell = area.rep_view.visualRect(area.rep_model.index(0, 0)).center()
    qtbot.mouseClick(area.rep_view.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    qtbot.mouseDClick(area.rep_view.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    model = area.detail.opportunity_model
    qtbot.waitUntil(lambda: model.rowCount() == 4, timeout=20_000)
    assert area.detail.currentWidget() is area.detail.opportunity_stack
    names = sorted(model.row_values(i)[0] for i in range(4))
    assert names == ["Deal O1", "Deal O2", "Deal O3", "Deal O4"]
    stale = [model.row_values(i)[0] for i in range(4) if model.row_style(i) == "stale"]
    assert stale == ["Deal O1"]
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    area.rep_view.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # sorting keeps the team row last
    assert area.rep_model.row_style(area.rep_model.rowCount() - 1) == "total"


def test_what_changed_between_two_files_of_one_rep(qtbot: QtBot, team: Path) -> None:
    area = open_manager(qtbot)
    area.add_paths([team / "dana-week1.xlsx", team / "dana-week2.xlsx"])
    wait_loaded(qtbot, area)
    assert area.select_rep("Dana Rep")
    detail = area.detail
    assert detail.older_box.count() == 2 and detail.older_box.currentIndex() == 0
    detail.setCurrentIndex(detail.indexOf(detail.change_stack.parentWidget()))
    qtbot.waitUntil(lambda: detail.change_model.rowCount() == 2, timeout=20_000)
    rows = [detail.change_model.row_values(i) for i in range(2)]
    assert rows == [
        ("Stage move", "Deal O1", "", "Proposal", "Negotiation"),
        # Amounts in the locale's grouping with a currency (issue 20), like every other amount.
        ("Amount changed", "Deal O1", "", fmt.money_text(10000), fmt.money_text(12500)),
    ]
    assert "1 stage move" in detail.change_summary.text()


def test_files_dropped_on_the_area_load(qtbot: QtBot, team: Path) -> None:
    area = open_manager(qtbot)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(team / "sam.json")), QUrl.fromLocalFile(str(team / "other.xlsx"))])
    event = QDropEvent(
        QPointF(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    area.dropEvent(event)
    wait_loaded(qtbot, area)
    assert [f.rep for f in area.rollup.files] == ["Sam"]
    assert [r.path.name for r in area.rollup.rejected] == ["other.xlsx"]


def test_add_buttons_use_the_dialog_seams(qtbot: QtBot, team: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    area = open_manager(qtbot)
    monkeypatch.setattr(manager_module, "ask_folder", lambda _parent: team)
    qtbot.mouseClick(area.add_folder_button, Qt.MouseButton.LeftButton)
    wait_loaded(qtbot, area)
    assert len(area.rollup.files) == 3
    out = team.parent / "rollup.json"
    monkeypatch.setattr(manager_module, "ask_rollup_path", lambda _parent: out)
    qtbot.mouseClick(area.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: out.exists(), timeout=20_000)
    assert json.loads(out.read_text("utf-8"))["team"]["files"] == 2
    qtbot.mouseClick(area.clear_button, Qt.MouseButton.LeftButton)
    assert area.stack.currentWidget() is area.empty


# --- the export actions -------------------------------------------------------------------
def open_window(qtbot: QtBot, wb: Workbench, start: str = "today") -> MainWindow:
    window = MainWindow(AppContext(wb, fixed_clock(data.NOW)), start_area=start)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_ctrl_e_exports_the_pipeline(
    qtbot: QtBot, wb: Workbench, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data.build(wb)
    window = open_window(qtbot, wb)
    out = tmp_path / "mine.xlsx"
    asked: list[tuple[str, object]] = []

    def answer(_parent: object, rep: str, since: object, folder: object, today: object) -> ExportRequest:
        asked.append((rep, since))
        return ExportRequest(out, "Dana R.", data.PERIOD_FROM)

    monkeypatch.setattr(ExportPipelineDialog, "ask", staticmethod(answer))
    menu_texts = [a.text() for a in window.menu("File").actions()]
    assert "E&xport pipeline…" in menu_texts and "Export table as &CSV…" in menu_texts
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: out.exists(), timeout=20_000)
    assert asked == [("Dana Rep", data.PERIOD_FROM)]
    qtbot.waitUntil(lambda: "Pipeline exported" in window.statusBar().currentMessage(), timeout=10_000)
    assert openpyxl.load_workbook(out)["_meta"]["B4"].value == "Dana R."


def test_export_dialog_checks_its_input(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = ExportPipelineDialog("Dana", data.PERIOD_FROM, tmp_path, data.NOW.date())
    qtbot.addWidget(dialog)
    assert dialog.request().path == tmp_path / "pipeline-dana-2026-03-02.xlsx"
    dialog.format_box.setCurrentIndex(1)
    assert dialog.request().path.suffix == ".json"
    dialog.rep_edit.clear()
    assert dialog.problem() is not None and "name" in (dialog.problem() or "")
    qtbot.keyClicks(dialog.rep_edit, "Sam")
    assert dialog.problem() is None and dialog.request().rep == "Sam"
    dialog.path_edit.setText(str(tmp_path / "missing" / "x.xlsx"))
    assert "does not exist" in (dialog.problem() or "")


def test_ctrl_shift_e_exports_the_table_in_focus(
    qtbot: QtBot, wb: Workbench, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data.build(wb, extra_text={"name": "=SUM(A1)"})
    window = open_window(qtbot, wb, "leads")
    view = window.area("leads").findChild(QTableView)
    assert view is not None
    qtbot.waitUntil(lambda: view.model() is not None and view.model().rowCount() == 5)
    view.setFocus()
    out = tmp_path / "leads.csv"
    monkeypatch.setattr(export_actions, "ask_csv_path", lambda _parent, _suggested: out)
    qtbot.keyClick(
        window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(lambda: out.exists(), timeout=20_000)
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert len(rows) == 6  # header + every lead, not only the visible ones
    assert any(cell == "'=SUM(A1)" for row in rows for cell in row)


def test_manager_tables_export_as_csv(
    qtbot: QtBot, team: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(AppContext(None), start_area="manager")
    qtbot.addWidget(window)
    window.show()
    area = window.area("manager")
    assert isinstance(area, ManagerArea)
    area.add_paths([team / "sam.json"])
    wait_loaded(qtbot, area)
    out = tmp_path / "reps.csv"
    monkeypatch.setattr(export_actions, "ask_csv_path", lambda _parent, _suggested: out)
    window.export_actions.export_table(area.rep_view)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: out.exists(), timeout=20_000)
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["Rep", "Exported", "Open deals"]
    assert rows[1][0] == "Sam" and rows[1][3] == "12000.0"


def test_the_view_reopens_its_files_and_drops_missing_ones(qtbot: QtBot, team: Path) -> None:
    area = open_manager(qtbot)
    area.add_paths([team / "sam.json", team / "dana-week1.xlsx"])
    wait_loaded(qtbot, area)
    (team / "dana-week1.xlsx").unlink()  # gone before the next start
    again = open_manager(qtbot)  # a new start: a new view reads what was open
    again.activate()
    wait_loaded(qtbot, again)
    assert [f.rep for f in again.rollup.files] == ["Sam"]
    assert "dana-week1.xlsx" in again.status_label.text() and "No longer there" in again.status_label.text()
    assert manager_module.remembered_paths() == [(team / "sam.json").resolve()]
    again.clear()
    assert manager_module.remembered_paths() == []


def test_what_changed_says_why_it_is_empty(qtbot: QtBot, team: Path) -> None:
    area = open_manager(qtbot)
    area.add_paths([team / "dana-week1.xlsx", team / "sam.json"])
    wait_loaded(qtbot, area)
    assert area.select_rep("Sam")
    detail = area.detail
    detail.setCurrentIndex(detail.indexOf(detail.change_stack.parentWidget()))
    assert detail.change_stack.currentWidget() is detail.change_hint
    assert "Only one file of Sam is loaded (sam.json)" in detail.change_hint.text()


def test_open_deals_are_listed_first(qtbot: QtBot, team: Path) -> None:
    area = open_manager(qtbot)
    area.add_paths([team / "dana-week2.xlsx"])
    wait_loaded(qtbot, area)
    assert area.select_rep("Dana Rep")
    area.detail.setCurrentIndex(area.detail.indexOf(area.detail.opportunity_stack))
    model = area.detail.opportunity_model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=20_000)
    outcomes = [model.row_values(i)[3] for i in range(model.rowCount())]
    assert {"open", "won", "lost"} <= set(outcomes)
    assert outcomes == sorted(outcomes, key=lambda o: o != "open"), outcomes
