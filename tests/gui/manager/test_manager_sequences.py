"""The Manager view's Sequences tab: two reps' sequences side by side, small samples greyed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from pytestqt.qtbot import QtBot

from tests.gui.manager.test_manager import open_manager, wait_loaded
from tests.support import pipeline_data as data
from tests.support import sequence_files as sf
from workbench.domain import StageKind
from workbench.services.clock import fixed_clock
from workbench.services.manager.export import export_pipeline
from workbench.services.pipeline import stages
from workbench.store import Workbench
from workbench.ui.manager.view import ManagerArea


def _open_sequences_tab(qtbot: QtBot, area: ManagerArea) -> None:
    bar = area.lower_tabs.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i) == "Sequences")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    qtbot.waitUntil(lambda: area.lower_tabs.currentWidget() is area.sequence_stack)


def test_two_reps_sequences_side_by_side(qtbot: QtBot, tmp_path: Path) -> None:
    dana = sf.write_file(tmp_path / "dana.xlsx", "Dana", sf.DANA_SEQUENCES, sf.DANA_STEPS)
    lee = sf.write_file(tmp_path / "lee.json", "Lee", sf.LEE_SEQUENCES, sf.LEE_STEPS)
    area = open_manager(qtbot)
    area.add_paths([dana, lee])
    wait_loaded(qtbot, area)
    _open_sequences_tab(qtbot, area)
    assert area.sequence_stack.currentWidget() is area.sequence_view
    model = area.sequence_model
    rows = [model.row_values(r) for r in range(model.rowCount())]
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("New inbound", "Dana", 40),
        ("New inbound", "Lee", 5),
        ("New inbound", "Team (2 reps)", 45),
        ("Target account contact", "Dana", 25),
        ("Target account contact", "Team (1 rep)", 25),
    ]
    dana_row, lee_row, team_row = rows[:3]
    assert dana_row[5] == 0.3 and dana_row[6] == "18–45 %"  # reply or meeting, its interval
    assert dana_row[7] == 0.1 and dana_row[10:12] == (6, 0.15) and dana_row[13] == 2
    assert lee_row[5] == 0.4 and lee_row[6] == "12–77 %"
    assert team_row[2:4] == (45, 11) and team_row[13] == 2
    # Lee's 5 enrolled are too few to compare: greyed; Dana's 40 are not; the team is bold.
    assert [model.row_style(r) for r in range(3)] == ["", "muted", "total"]
    grey = model.data(model.index(1, 5), Qt.ItemDataRole.ForegroundRole)
    assert isinstance(grey, QBrush) and grey.color().name() == "#808080"
    assert model.data(model.index(0, 5), Qt.ItemDataRole.ForegroundRole) is None
    assert model.data(model.index(2, 0), Qt.ItemDataRole.FontRole).bold()
    shown = model.data(model.index(0, 5), Qt.ItemDataRole.DisplayRole)
    assert "30" in shown and "%" in shown
    # The rep's own rows are unchanged by the comparison.
    assert [area.rep_model.row_values(r)[0] for r in range(area.rep_model.rowCount())] == [
        "Dana",
        "Lee",
        "Team (2 reps)",
    ]


def test_files_without_sequences_explain_the_empty_tab(qtbot: QtBot, tmp_path: Path) -> None:
    old = sf.write_file(tmp_path / "sam.xlsx", "Sam")
    area = open_manager(qtbot)
    area.add_paths([old])
    wait_loaded(qtbot, area)
    _open_sequences_tab(qtbot, area)
    assert area.sequence_stack.currentWidget() is area.sequence_hint
    assert "earlier version" in area.sequence_hint.text()
    assert area.sequence_model.rowCount() == 0


def test_the_drill_down_names_each_close_reasons_list(qtbot: QtBot, wb: Workbench, tmp_path: Path) -> None:
    ids = data.build(wb)
    stages.close(wb, ids.opps["O1"], StageKind.LOST, "no budget", clock=fixed_clock(data.NOW))
    path = tmp_path / "dana.xlsx"
    export_pipeline(wb, path, clock=fixed_clock(data.NOW))
    area = open_manager(qtbot)
    area.add_paths([path])
    wait_loaded(qtbot, area)
    assert area.select_rep("Dana Rep")
    area.drill_down()
    model = area.detail.opportunity_model
    qtbot.waitUntil(lambda: model.rowCount() == 4, timeout=20_000)
    rows = {model.row_values(r)[0]: model.row_values(r) for r in range(4)}
    assert rows["Deal O1"][-2:] == ("no budget", "lost reasons")
    assert rows["Deal O4"][-2:] == ("", "")  # open: no reason, no list
