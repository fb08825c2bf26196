from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from workbench.domain import Opportunity
from workbench.services.pipeline import stages as pipeline
from workbench.store import Workbench
from workbench.ui.common.context import AppContext
from workbench.ui.pipeline import stages as stages_dialog
from workbench.ui.pipeline.stages import StagesEditor


def names(wb: Workbench) -> list[str]:
    return [s.name for s in pipeline.list_stages(wb)]


@pytest.fixture
def editor(qtbot: QtBot, wb: Workbench) -> StagesEditor:
    widget = StagesEditor(AppContext(wb))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def select(editor: StagesEditor, name: str) -> None:
    row = next(i for i, s in enumerate(editor.stages) if s.name == name)
    editor.table.view.selectRow(row)
    assert editor.current() is not None and editor.current().name == name  # type: ignore[union-attr]


def test_rename_reorder_and_probability(qtbot: QtBot, editor: StagesEditor, wb: Workbench) -> None:
    assert editor.table.model.rowCount() == 7
    select(editor, "Solution")
    editor.name.selectAll()
    qtbot.keyClicks(editor.name, "Demo")
    qtbot.keyClick(editor.name, Qt.Key.Key_Return)
    assert "Demo" in names(wb) and "Solution" not in names(wb)
    editor.probability.selectAll()
    qtbot.keyClicks(editor.probability, "45")
    qtbot.keyClick(editor.probability, Qt.Key.Key_Return)
    assert next(s for s in pipeline.list_stages(wb) if s.name == "Demo").probability == 0.45
    qtbot.mouseClick(editor.up_button, Qt.MouseButton.LeftButton)
    assert names(wb)[:3] == ["Discovery", "Demo", "Qualified"]
    assert editor.current().name == "Demo"  # type: ignore[union-attr]
    select(editor, "Negotiation")
    assert not editor.move_current(1)  # won and lost stay last
    select(editor, "Won")
    assert not editor.up_button.isEnabled() and not editor.stale_days.isEnabled()


def test_duplicate_name_and_removing_a_stage_in_use_are_refused(
    qtbot: QtBot, editor: StagesEditor, wb: Workbench
) -> None:
    select(editor, "Qualified")
    editor.name.selectAll()
    qtbot.keyClicks(editor.name, "discovery")
    qtbot.keyClick(editor.name, Qt.Key.Key_Return)
    assert "already a stage" in editor.error.text()
    assert editor.name.text() == "Qualified"  # back to what is stored
    stage_id = editor.current_id()
    with wb.session() as s:
        s.add(Opportunity(name="Deal", stage_id=stage_id))
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert "still holds 1 opportunity" in editor.error.text()
    assert "Qualified" in names(wb)


def test_add_and_remove_a_stage(
    qtbot: QtBot, editor: StagesEditor, wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stages_dialog, "ask_name", lambda parent, title, label: "Security review")
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert names(wb)[-3:] == ["Security review", "Won", "Lost"]
    assert editor.current().name == "Security review"  # type: ignore[union-attr]
    editor.stale_days.setValue(10)
    editor.stale_days.editingFinished.emit()
    assert next(s for s in pipeline.list_stages(wb) if s.name == "Security review").stale_days == 10
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert "Security review" not in names(wb)
