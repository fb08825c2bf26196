"""Keyboard-first, as a rep works: Ctrl+1…6 land in the area's list, app-wide shortcuts
answer from any field, one meaning per single key (from one table), triage confirms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt, QThreadPool
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from tests.gui.leads.test_leads_area import NOW, add_people, visible_names
from workbench.services.clock import fixed_clock
from workbench.store import Workbench
from workbench.ui.common import keys
from workbench.ui.common.context import AppContext
from workbench.ui.leads.view import LeadsArea
from workbench.ui.manager.export_actions import ExportPipelineDialog
from workbench.ui.outreach.quick_log import QuickLogDialog
from workbench.ui.shell.main_window import MainWindow
from workbench.ui.shell.shortcuts import shortcut_rows, single_key_rows
from workbench.ui.today.view import TodayArea

pytestmark = pytest.mark.qt_log_ignore("does not support raise")
CTRL = Qt.KeyboardModifier.ControlModifier
README = Path(__file__).resolve().parents[3] / "README.md"


@pytest.fixture
def window(qtbot: QtBot, wb: Workbench) -> Iterator[MainWindow]:
    add_people(wb)
    ctx = AppContext(wb, fixed_clock(NOW))
    win = MainWindow(ctx, start_area="today")
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    yield win
    QThreadPool.globalInstance().waitForDone(10_000)
    ctx.undo_stack.clear()
    for dialog in win.findChildren(QuickLogDialog):
        dialog._force_close = True
        dialog.close()


def test_ctrl_3_puts_the_focus_in_the_leads_table_and_slash_filters(qtbot: QtBot, window: MainWindow) -> None:
    window.nav.setFocus()
    qtbot.keyClick(window.nav, Qt.Key.Key_3, CTRL)
    area = window.current_area()
    assert isinstance(area, LeadsArea)
    qtbot.waitUntil(lambda: area.model is not None and area.model.rowCount() == 5)
    assert QApplication.focusWidget() is area.table
    qtbot.keyClick(area.table, Qt.Key.Key_Slash)
    assert QApplication.focusWidget() is area.filter_edit
    qtbot.keyClicks(area.filter_edit, "glob")
    qtbot.waitUntil(lambda: visible_names(area) == ["Bruno Díaz"])
    # Down in the table moves in the table, not to the next area.
    area.table.setFocus()
    qtbot.keyClick(area.table, Qt.Key.Key_Down)
    assert window.current_area() is area
    qtbot.keyClick(area.table, Qt.Key.Key_1, CTRL)
    today = window.current_area()
    assert isinstance(today, TodayArea) and QApplication.focusWidget() is today.tree


def test_app_wide_shortcuts_work_from_a_text_field(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[object] = []

    def answer(*args: object, **kwargs: object) -> None:
        asked.append(args)
        return None  # the rep cancels: nothing written

    monkeypatch.setattr(ExportPipelineDialog, "ask", staticmethod(answer))
    area = window.show_area("leads", focus=True)
    assert isinstance(area, LeadsArea)
    field: QLineEdit = area.filter_edit
    # On X11 desktops a line edit claims Ctrl+E (end of line) and Ctrl+K (delete to the
    # end) through ShortcutOverride; the offscreen platform's key bindings do not, so the
    # field claims them here exactly as it does there.
    claim = _X11LineKeys(field)
    field.installEventFilter(claim)
    field.setFocus()
    qtbot.keyClicks(field, "an")
    qtbot.keyClick(field, Qt.Key.Key_E, CTRL)
    assert len(asked) == 1  # the export dialog was asked for
    assert field.text() == "an"
    qtbot.keyClick(field, Qt.Key.Key_L, CTRL)
    qtbot.waitUntil(lambda: bool(window.findChildren(QuickLogDialog)))
    # Text editing keys stay the field's.
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_A, CTRL)
    assert field.selectedText() == "an"


def test_no_single_key_has_two_meanings(qtbot: QtBot, window: MainWindow) -> None:
    by_key: dict[str, set[str]] = {}
    for name, entry in keys.KEYS.items():
        by_key.setdefault(QKeySequence(entry.key).toString(), set()).add(name)
    assert all(len(names) == 1 for names in by_key.values()), by_key
    for area in ("leads", "targets"):
        window.show_area(area)
    # Every single-key menu command (no Ctrl/Alt) is made from the table, with its key.
    for _path, action in _all_actions(window):
        for sequence in action.shortcuts():
            text = sequence.toString()
            if sequence.isEmpty() or re.search(r"Ctrl|Alt|Meta|F\d", text):
                continue
            name = action.property(keys.KEY_PROPERTY)
            assert name in keys.KEYS, f"{action.text()} ({text}) is not in ui/common/keys.py"
            assert QKeySequence(keys.KEYS[name].key).toString() == text
    # L means log everywhere; linking a lead to its account moved to A.
    assert keys.KEYS["log"].key == "L" and keys.KEYS["link"].key == "A"


def test_the_shortcut_sheet_lists_the_single_keys_and_the_readme_matches_it(window: MainWindow) -> None:
    window.show_area("pipeline")  # its menu joins when the area is first shown
    sheet = {k for _path, _name, text in shortcut_rows(window.menuBar()) for k in text.split(", ")}
    singles = {row[0] for row in single_key_rows()}
    assert singles == {QKeySequence(e.key).toString() for e in keys.KEYS.values()}
    assert {"Ctrl+Y", "Ctrl+Shift+Z"} <= sheet  # redo, both spellings
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Keyboard") : text.index("## Demo workbench")]
    cells = re.findall(r"^\| ([^|]+?) \| [^|]+ \|$", section, flags=re.M)
    tokens = [t for cell in cells if cell not in ("keys", "key", "---") for t in re.split(r" / |, | ", cell)]
    tokens = [t for t in tokens if t and t != "…"]
    assert len(tokens) > 20, tokens
    for token in tokens:
        assert token in sheet or token in singles, f"the README names {token!r}, the shortcut sheet does not"
    # And every single key of the table is in the README.
    assert singles <= set(tokens), singles - set(tokens)


def test_triage_says_what_it_did(qtbot: QtBot, window: MainWindow) -> None:
    area = window.show_area("leads", focus=True)
    assert isinstance(area, LeadsArea)
    qtbot.waitUntil(lambda: area.model is not None and area.model.rowCount() == 5)
    area.table.selectRow(0)
    area.table.setFocus()
    qtbot.keyClick(area.table, Qt.Key.Key_W)
    assert "Ctrl+Z to undo" in window.statusBar().currentMessage()
    assert "working" in window.statusBar().currentMessage()


def test_l_in_leads_logs_a_touch_on_the_lead(qtbot: QtBot, window: MainWindow) -> None:
    area = window.show_area("leads", focus=True)
    assert isinstance(area, LeadsArea)
    qtbot.waitUntil(lambda: area.model is not None and area.model.rowCount() == 5)
    area.table.selectRow(0)
    area.table.setFocus()
    qtbot.keyClick(area.table, Qt.Key.Key_L)
    [dialog] = window.findChildren(QuickLogDialog)
    assert dialog.target is not None and dialog.target.id == area.current_id()


class _X11LineKeys(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        claimed = (Qt.Key.Key_E, Qt.Key.Key_K, Qt.Key.Key_L)
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.modifiers() == CTRL
            and event.key() in claimed
        ):
            event.accept()
            return True
        return False


def _all_actions(window: MainWindow) -> list[tuple[str, object]]:
    from workbench.ui.shell.shortcuts import menu_actions

    return [(p, a) for p, a in menu_actions(window.menuBar())]  # type: ignore[misc]


def test_a_move_on_the_board_confirms_in_the_status_bar(qtbot: QtBot, wb: Workbench) -> None:
    from tests.support import pipeline_data
    from workbench.ui.pipeline.view import PipelineArea

    pipeline_data.build(wb)
    ctx = AppContext(wb, fixed_clock(pipeline_data.NOW))
    window = MainWindow(ctx, start_area="pipeline")
    qtbot.addWidget(window)
    window.show()
    area = window.current_area()
    assert isinstance(area, PipelineArea)
    board = area.board
    qtbot.waitUntil(
        lambda: bool(board.columns) and any(c.model.rowCount(c.cards.rootIndex()) for c in board.columns)
    )
    column = next(c for c in board.columns if c.model.rowCount(c.cards.rootIndex()) and not c.closed)
    card = column.model.index(0, 0, column.cards.rootIndex())
    column.cards.setCurrentIndex(card)
    column.cards.setFocus()
    with qtbot.waitSignal(board.moved, timeout=5000):
        qtbot.keyClick(column.cards, Qt.Key.Key_Right, CTRL)
    assert window.statusBar().currentMessage().startswith("Moved to ")
    QThreadPool.globalInstance().waitForDone(10_000)


def test_the_app_starts_with_the_focus_in_todays_queue(qtbot: QtBot, window: MainWindow) -> None:
    today = window.current_area()
    assert isinstance(today, TodayArea)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is today.tree)
