"""A reason or competitor longer than its field is refused in the GUI with the limit named,
and nothing is written: the Lost dialog's *lost to*, and a won reason typed in Settings."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit
from pytestqt.qtbot import QtBot

from tests.gui.pipeline.test_close_work import deal_with_work
from tests.gui.pipeline.test_pipeline_area import open_window, pipeline_area
from tests.gui.settings.test_settings_dialog import open_settings, window  # noqa: F401  (fixture)
from workbench.domain import StageKind
from workbench.services.pipeline import stages as pipeline
from workbench.services.pipeline.closing import LOST_TO_MAX, competitors
from workbench.services.settings import reasons
from workbench.store import Workbench
from workbench.ui.pipeline import moves as pipeline_moves
from workbench.ui.pipeline.close_opportunity import CloseAnswer, CloseOpportunityDialog
from workbench.ui.settings.lists import ReasonsPage
from workbench.ui.shell.main_window import MainWindow


def test_a_competitor_longer_than_the_field_is_refused_with_the_limit(
    qtbot: QtBot, wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    opp = deal_with_work(wb)
    win = open_window(qtbot, wb)
    area = pipeline_area(win)
    seen: list[str] = []

    def ask(parent: Any, **kw: Any) -> CloseAnswer | None:
        dialog = CloseOpportunityDialog(parent, **kw)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.reason.setFocus()
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Down)
        dialog.lost_to.setFocus()
        line = dialog.lost_to.lineEdit()
        assert line is not None
        qtbot.keyClicks(line, "R" * (LOST_TO_MAX + 1))
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        assert dialog.isVisible() and dialog.error.isVisible()  # refused, still open
        seen.append(dialog.error.text())
        qtbot.mouseClick(
            dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton
        )
        return dialog.answer() if dialog.result() else None

    monkeypatch.setattr(pipeline_moves, "ask_close", ask)
    lost = next(s for s in pipeline.list_stages(wb) if s.kind is StageKind.LOST)
    assert not pipeline_moves.move(area, win.ctx, opp, lost)
    assert seen == [f"A competitor's name has at most {LOST_TO_MAX} characters."]
    got = pipeline.get_opportunity(wb, opp)
    assert (got.outcome, got.lost_to) == ("open", "")  # nothing written
    assert competitors(wb) == []


def test_a_won_reason_longer_than_the_field_is_refused_in_settings(
    qtbot: QtBot,
    window: MainWindow,  # noqa: F811
    wb: Workbench,
) -> None:
    dialog = open_settings(qtbot, window)
    page = dialog.show_page(ReasonsPage)
    qtbot.waitUntil(page.isVisible)
    before = reasons.won_reasons(wb)
    qtbot.mouseClick(page.won_list.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "w" * (reasons.MAX_LENGTH + 1))
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "w" * (reasons.MAX_LENGTH + 1) in page.won_list.names())
    dialog.accept()
    assert dialog.isVisible() and dialog.error.isVisible()
    assert f"at most {reasons.MAX_LENGTH} characters" in dialog.error.text()
    assert reasons.won_reasons(wb) == before  # nothing written
