"""Edit → Search everything… (Ctrl+K): the global search box, and what a choice does.

The commands it offers are read from the menus when the box opens (so the list can
never drift from what the app really has), plus a few that are no menu entry ("Log a
call" opens the quick log on the Call channel). A record opens in its area through
:func:`workbench.ui.shell.record_links.open_record`. The records come from the lookup
shared with the quick log (one per open workbench, warmed off the UI thread, marked
dirty whenever the context says data changed).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence

from workbench.ui.common.widgets import plain

if TYPE_CHECKING:  # imported when the box first opens: start-up stays lean (P2)
    from workbench.services.search.global_search import CommandIndex, Hit

#: Words a rep might type for a menu command, by the command's plain title.
KEYWORDS: dict[str, str] = {
    "Quick log": "log call email meeting touch activity note",
    "New lead": "add create person",
    "Import leads": "csv xlsx excel spreadsheet file upload load",
    "Import history": "undo import batches",
    "Export pipeline": "xlsx json share manager report file",
    "Export table as CSV": "spreadsheet save table",
    "Back up now": "backup save copy safety",
    "Backups": "restore backup copies",
    "Export follow-ups to calendar": "ics calendar events outlook google",
    "Keyboard shortcuts": "keys hotkeys help cheat sheet",
    "Settings": "preferences options profile goals name stages sources theme dark light",
    "Trash": "deleted restore undelete bin",
    "New target account": "add account company target",
    "Promote an account to target": "target account list",
    "ICP criteria": "ideal customer profile fit weights",
    "Convert lead": "opportunity deal",
    "New opportunity on a target account": "deal create",
    "Edit stages": "pipeline stages probabilities",
    "Check file": "integrity database health",
    "New workbench": "file create",
    "Open workbench": "file",
}
#: Shown before anything is typed: the frequent ones, in this order.
SUGGESTED = (
    "Log a call",
    "Quick log",
    "New lead",
    "Import leads",
    "Export pipeline",
    "Back up now",
    "New target account",
    "Settings",
)
#: Menus whose entries act on the selection of the area of the same name.
AREA_MENUS = {"Leads": "leads", "Targets": "targets", "Pipeline": "pipeline"}


class SearchActions(QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.setObjectName("searchActions")
        self.window = window
        self.dialog: Any = None
        self._runners: dict[str, Callable[[], None]] = {}
        window.menu("Edit").addSeparator()
        self.action = window.add_action("Edit", "&Search everything…", self.open_search, "Ctrl+K")

    # --- the commands -------------------------------------------------------------------
    def commands(self) -> CommandIndex:
        """Every enabled menu entry, plus the quick-log channels, as :class:`Command` rows."""
        from workbench.services.search.global_search import Command, CommandIndex
        from workbench.ui.shell.shortcuts import menu_actions

        self._runners = {}
        found: list[Command] = []
        for channel, title, words in (
            ("call", self.tr("Log a call"), "call phone rang quick log touch"),
            ("email", self.tr("Log an email"), "email mail wrote quick log touch"),
            ("meeting", self.tr("Log a meeting"), "meeting met quick log touch"),
        ):
            key = f"log:{channel}"
            self._runners[key] = partial(self._log, channel)
            found.append(
                Command(key, title, self.tr("Outreach"), "", words, suggested=plain(title) in SUGGESTED)
            )
        for number, (path, action) in enumerate(menu_actions(self.window.menuBar())):
            if action is self.action or not action.isEnabled() or not action.isVisible():
                continue
            title = plain(action.text())
            if not title:
                continue
            key = f"menu:{number}"
            self._runners[key] = partial(self._run_action, action, path)
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            found.append(
                Command(
                    key,
                    title,
                    plain(path),
                    keys,
                    KEYWORDS.get(title, ""),
                    suggested=title in SUGGESTED,
                )
            )
        found.sort(key=lambda c: SUGGESTED.index(c.title) if c.title in SUGGESTED else len(SUGGESTED))
        return CommandIndex(found)

    def _run_action(self, action: QAction, path: str) -> None:
        top = plain(path.split("›")[0])
        area = AREA_MENUS.get(top)
        contextual = action.shortcutContext() in (
            Qt.ShortcutContext.WidgetShortcut,
            Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        if area is not None and contextual:
            # It acts on what is selected there: show that area first.
            self.window.show_area(area)
        action.trigger()

    def _log(self, channel: str) -> None:
        from workbench.ui.outreach.actions import open_quick_log

        open_quick_log(self.window.ctx, self.window, channel=channel)

    # --- the box ------------------------------------------------------------------------
    def open_search(self) -> Any:
        from workbench.ui.search.dialog import GlobalSearchDialog

        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            self.dialog.activateWindow()
            self.dialog.edit.selectAll()
            return self.dialog
        dialog = GlobalSearchDialog(self.window.ctx, self.commands(), self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.chosen.connect(self._chosen)
        dialog.destroyed.connect(self._forget)
        dialog.place_over(self.window)
        self.dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        dialog.edit.setFocus()
        return dialog

    def _forget(self) -> None:
        self.dialog = None

    def _chosen(self, hit: Hit) -> None:
        # After the box has closed, so a dialog the choice opens is not stacked on it.
        QTimer.singleShot(0, lambda: self.act_on(hit))

    def act_on(self, hit: Hit) -> bool:
        if hit.command is not None:
            runner = self._runners.get(hit.command.key)
            if runner is None:
                return False
            runner()
            return True
        if hit.record is None or not self.window.ctx.has_workbench:
            return False
        from workbench.ui.shell.record_links import open_record

        return open_record(self.window, self.window.ctx, hit.record.ref)


def of(window: Any) -> SearchActions:
    found = window.findChild(SearchActions, "searchActions")
    assert isinstance(found, SearchActions), "search_actions.install_actions was not run"
    return found


def install_actions(window: Any) -> None:
    SearchActions(window)


__all__ = ["SearchActions", "install_actions", "of", "plain"]
