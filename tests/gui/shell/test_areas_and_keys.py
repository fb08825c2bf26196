"""Every area, opened on an empty workbench and on the small demo, without a Qt warning
(pytest's ``qt_log_level_fail``) and with a sentence saying what to do when empty; every
menu command has a shortcut or a reason for none, and no shortcut is ambiguous."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMenu, QWidget
from pytestqt.qtbot import QtBot

from workbench.store import open_workbench
from workbench.ui.common.context import AppContext
from workbench.ui.search.actions import plain
from workbench.ui.shell.areas import AREAS
from workbench.ui.shell.main_window import MainWindow
from workbench.ui.shell.shortcuts import menu_actions

pytestmark = pytest.mark.qt_log_ignore("does not support raise")

#: Menu commands deliberately without a shortcut — rare, or reached another way.
WITHOUT_SHORTCUT: dict[str, str] = {
    "File › Open team database": "rare: once per machine; WORKBENCH_DB_URL or --db opens it at every start",
    "File › Backups": "rare: restoring a backup is not an everyday action (Back up now has Ctrl+Shift+B)",
    "File › Import history": "rare: opened to undo an import; the import itself has Ctrl+I",
    "Edit › Trash": "rare; Ctrl+Z undoes a delete right away, and the Leads area has a Trash button",
    "Pipeline › New opportunity on a target account": "done from the account detail, or by converting a lead",
    "Pipeline › Table view": "the Table/Board toggle sits at the top left of the Pipeline area",
    "Pipeline › Board view": "the Table/Board toggle sits at the top left of the Pipeline area",
    "Pipeline › Reopen": "Ctrl+Left on a closed deal reopens it",
    "Pipeline › Edit stages": "set-up, not daily work (also in Settings, Ctrl+,)",
    "Targets › ICP criteria": "set-up, not daily work (also in Settings, Ctrl+,)",
    "Targets › Take off target list": "rare, and destructive enough to want the menu",
    "Help › Check file": "rare: the file is checked at start and before backups",
    "Help › About Prospecting Workbench": "informational",
}


def _settle(qtbot: QtBot) -> None:
    """Let background counts and computations finish and their results arrive."""
    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0, timeout=30_000)
    qtbot.wait(50)  # queued result signals


@pytest.fixture
def empty_window(qtbot: QtBot, db_path: Path) -> Iterator[MainWindow]:
    ctx = AppContext(open_workbench(db_path))
    win = MainWindow(ctx, start_area="today")
    qtbot.addWidget(win)
    win.show()
    yield win
    _settle(qtbot)
    ctx.replace_workbench(None)


@pytest.fixture
def demo_window(qtbot: QtBot, small_demo: Path) -> Iterator[MainWindow]:
    ctx = AppContext(open_workbench(small_demo))
    win = MainWindow(ctx, start_area="today")
    qtbot.addWidget(win)
    win.show()
    yield win
    _settle(qtbot)
    ctx.replace_workbench(None)


def _visible_empty_states(area: QWidget) -> list[str]:
    return [label.text() for label in area.findChildren(QLabel, "emptyState") if label.isVisible()]


def test_every_area_on_an_empty_workbench_says_what_to_do(qtbot: QtBot, empty_window: MainWindow) -> None:
    for entry in AREAS:
        area = empty_window.show_area(entry.key)
        _settle(qtbot)
        qtbot.waitUntil(lambda area=area: bool(_visible_empty_states(area)), timeout=10_000)
        texts = _visible_empty_states(area)
        # A sentence with something to do, not just "no data".
        assert any(len(t) > 40 for t in texts), (entry.key, texts)


def test_every_area_on_the_small_demo_shows_data(qtbot: QtBot, demo_window: MainWindow) -> None:
    for entry in AREAS:
        area = demo_window.show_area(entry.key)
        _settle(qtbot)
        empty = getattr(area, "empty", None)
        if entry.key != "manager":  # the manager view starts without files on any workbench
            assert not (isinstance(empty, QWidget) and empty.isVisible()), entry.key


def _all_menu_actions(window: MainWindow) -> list[tuple[str, QAction]]:
    for entry in AREAS:  # areas add their menu entries when first shown
        window.area(entry.key)
    return menu_actions(window.menuBar())


def test_every_menu_command_has_a_shortcut_or_a_reason(qtbot: QtBot, demo_window: MainWindow) -> None:
    missing = []
    listed = set()
    for path, action in _all_menu_actions(demo_window):
        name = f"{path} › {plain(action.text())}"
        if any(not s.isEmpty() for s in action.shortcuts()):
            assert name not in WITHOUT_SHORTCUT, f"{name} has a shortcut now: take it off the list"
            continue
        listed.add(name)
        if name not in WITHOUT_SHORTCUT:
            missing.append(name)
    assert not missing, f"menu commands without a shortcut or a reason: {missing}"
    assert not set(WITHOUT_SHORTCUT) - listed, "the list names commands the menus no longer have"


def _scopes(action: QAction | QShortcut, window: MainWindow) -> list[QWidget]:
    """The widgets in which a shortcut fires (the whole window for window shortcuts)."""
    context = action.context() if isinstance(action, QShortcut) else action.shortcutContext()
    if context in (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut):
        return [window]
    if isinstance(action, QShortcut):
        parent = action.parent()
        return [parent] if isinstance(parent, QWidget) else []
    return [w for w in action.associatedObjects() if isinstance(w, QWidget) and not isinstance(w, QMenu)]


def _overlap(a: QWidget, b: QWidget) -> bool:
    return a is b or a.isAncestorOf(b) or b.isAncestorOf(a)


def test_no_shortcut_is_ambiguous(qtbot: QtBot, demo_window: MainWindow) -> None:
    items: list[tuple[str, QAction | QShortcut]] = [
        (f"{p} › {plain(a.text())}", a) for p, a in _all_menu_actions(demo_window)
    ]
    seen = {id(a) for _n, a in items}
    items += [(f"(window) {plain(a.text())}", a) for a in demo_window.actions() if id(a) not in seen]
    items += [
        (f"(shortcut on {type(s.parent()).__name__} {s.parent().objectName()})", s)
        for s in demo_window.findChildren(QShortcut)
    ]
    by_key: dict[str, list[tuple[str, QAction | QShortcut]]] = {}
    for name, item in items:
        keys = [item.key()] if isinstance(item, QShortcut) else item.shortcuts()
        for key in keys:
            if not key.isEmpty():
                by_key.setdefault(key.toString(QKeySequence.SequenceFormat.PortableText), []).append(
                    (name, item)
                )
    clashes = []
    for key, holders in by_key.items():
        for i, (name_a, a) in enumerate(holders):
            for name_b, b in holders[i + 1 :]:
                if a is b:
                    continue
                if any(_overlap(x, y) for x in _scopes(a, demo_window) for y in _scopes(b, demo_window)):
                    clashes.append(f"{key}: {name_a} / {name_b}")
    assert not clashes, clashes
