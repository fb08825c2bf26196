"""The Lead menu and window-wide lead actions: New lead (Ctrl+N) from anywhere, the
triage keys shown in the menu, and Edit → Trash….

The triage actions are created here so the menu is complete from the start, but their
single-key shortcuts only work while the leads table has the focus (never while the
rep types in a field); the Leads area connects them when it is first shown. Heavy
modules (dialogs, services) are imported when an action runs, to keep start-up fast.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog

from workbench.ui.common import keys


class LeadActions(QObject):
    """The actions of the Lead menu; :func:`of` finds them from the window."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.setObjectName("leadActions")
        self.window = window
        self.dialog: QDialog | None = None
        self.new_lead = window.add_action("Leads", "&New lead…", self.open_new_lead, "Ctrl+N")
        menu = window.menu("Leads")
        menu.addSeparator()
        self.working = self._table_action(menu, self.tr("Mark &working"), "working")
        self.nurture = self._table_action(menu, self.tr("&Nurture until…"), "nurture")
        self.qualified = self._table_action(menu, self.tr("Mark &qualified"), "qualified")
        self.disqualify = self._table_action(menu, self.tr("&Disqualify…"), "disqualify")
        self.reopen = self._table_action(menu, self.tr("Back to n&ew"), "reopen")
        self.triage = [self.working, self.nurture, self.qualified, self.disqualify, self.reopen]
        # Q asks first when no qualification question is answered; Shift+Q does not.
        self.qualify_anyway = self._table_action(
            menu, self.tr("Mark qualified wit&hout asking"), "qualify_anyway"
        )
        menu.addSeparator()
        self.log = self._table_action(menu, self.tr("&Log a touch…"), "log")
        self.link = self._table_action(menu, self.tr("Link to &account…"), "link")
        # Not a single key (ui/common/keys): Ctrl+Shift+S, as in Targets.
        self.enrol = QAction(self.tr("En&rol in sequence…"), self.window)
        self.enrol.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.enrol.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.enrol.setEnabled(False)
        menu.addAction(self.enrol)
        self.delete = self._table_action(menu, self.tr("Move to &trash"), "trash")
        self.find = self._table_action(menu, self.tr("&Filter leads"), "filter")
        self.table_actions = [
            *self.triage,
            self.qualify_anyway,
            self.log,
            self.link,
            self.enrol,
            self.delete,
            self.find,
        ]
        window.menu("Edit").addSeparator()
        self.trash = window.add_action("Edit", "&Trash…", self.show_trash)

    def _table_action(self, menu: Any, text: str, key: str) -> QAction:
        """An action on the table with the single key ``key`` names in ``ui/common/keys``."""
        action = QAction(text, self.window)
        action.setShortcut(keys.sequence(key))
        action.setProperty(keys.KEY_PROPERTY, key)
        # Single keys: only while the leads table has the focus (added to it by the area).
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setEnabled(False)
        menu.addAction(action)
        return action

    # --- window-wide --------------------------------------------------------------------
    def open_new_lead(self) -> None:
        if not self.window.ctx.has_workbench:
            return
        from workbench.ui.leads.new_lead import NewLeadDialog

        dialog = NewLeadDialog(self.window.ctx, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r, d=dialog: self._new_lead_done(d))
        self.dialog = dialog
        dialog.open()

    def _new_lead_done(self, dialog: Any) -> None:
        from workbench.ui.common.context import Topic

        self.dialog = None
        target = dialog.created_id or dialog.open_id
        if dialog.created_id is not None:
            self.window.ctx.notify(Topic.LEADS)
        if target is not None:
            area = self.window.show_area("leads")
            area.open_lead(int(target))

    def show_trash(self) -> None:
        if not self.window.ctx.has_workbench:
            return
        from workbench.ui.safety.trash import TrashDialog

        TrashDialog.show_for(self.window)


def of(window: Any) -> LeadActions:
    found = window.findChild(LeadActions, "leadActions")
    assert isinstance(found, LeadActions), "lead_actions.install_actions was not run"
    return found


def install_actions(window: Any) -> None:
    LeadActions(window)
