"""The ICP checklist pre-judges what the account's facts answer (issue 22): a size
criterion "200–2,000 employees" on an account of 25,017 employees shows *Not met, from
the account's facts*; the rep overrides it from the keyboard (one undoable step), the
line then shows the rep's mark and flags the contradiction; Ctrl+Z brings the facts back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from workbench.domain import CheckState
from workbench.services.targets import actions as target_actions
from workbench.services.targets import icp
from workbench.services.targets.accounts import AccountInput
from workbench.store import open_workbench
from workbench.ui.common.context import AppContext
from workbench.ui.shell.main_window import MainWindow
from workbench.ui.targets.view import TargetsArea

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(qtbot: QtBot, db_path: Path) -> Iterator[MainWindow]:
    wb = open_workbench(db_path)
    with wb.session() as s:
        icp.save_criteria(
            s,
            [
                icp.CriterionEdit(None, "200–2,000 employees", 3),
                icp.CriterionEdit(None, "Industry: logistics, retail", 1),
            ],
        )
    target_actions.create_account(
        wb, AccountInput("Globex", "globex.com", industry="Insurance", employees=25_017, is_target=True)
    )
    ctx = AppContext(wb)
    win = MainWindow(ctx, start_area="targets")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    yield win
    ctx.replace_workbench(None)


def test_prejudged_from_the_facts_overridden_flagged_and_undone(qtbot: QtBot, window: MainWindow) -> None:
    area = window.area("targets")
    assert isinstance(area, TargetsArea)
    qtbot.waitUntil(lambda: area.detail.account_id is not None)
    checklist = area.detail.checklist
    size, industry = target_actions.weighting(window.ctx.wb).criteria
    combo = checklist.combos[size.id]
    source = checklist.sources[size.id]
    assert combo.currentText() == "Not met (from the account's facts)"
    assert source.text() == "From the account's facts: 25,017 employees"
    assert source.property("judgedBy") == "facts"
    assert checklist.sources[industry.id].text() == "From the account's facts: industry “Insurance”"
    assert "Fit 0" in checklist.fit_label.text()  # both answered, neither met

    # The rep knows better: Met, picked from the keyboard.
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == CheckState.MET.value
    qtbot.waitUntil(lambda: source.property("judgedBy") == "contradicted")
    assert source.text() == "Marked met, but the account has 25,017 employees"
    assert "Fit 75" in checklist.fit_label.text()  # the fit counts the rep's mark
    line = target_actions.checklist(window.ctx.wb, area.detail.account_id or 0)[0]
    assert line.marked == CheckState.MET and line.contradicted
    assert target_actions.list_targets(window.ctx.wb)[0].fit_score == 75.0  # the list and grid agree

    # One undoable step: Ctrl+Z gives the line back to the facts.
    assert window.ctx.undo_stack.undoText() == "Judge an ICP criterion"
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: checklist.sources[size.id].property("judgedBy") == "facts")
    assert checklist.combos[size.id].currentText() == "Not met (from the account's facts)"
    assert "Fit 0" in checklist.fit_label.text()
    assert target_actions.list_targets(window.ctx.wb)[0].fit_score == 0.0

    # The account's facts change (it sold a division): the facts answer again, in place.
    account_id = area.detail.account_id or 0
    target_actions.update_account(
        window.ctx.wb,
        account_id,
        AccountInput("Globex", "globex.com", industry="Retail", employees=1_800, is_target=True),
    )
    area.detail.reload()
    assert checklist.combos[size.id].currentText() == "Met (from the account's facts)"
    assert checklist.sources[size.id].text() == "From the account's facts: 1,800 employees"
    assert "Fit 100" in checklist.fit_label.text()
