"""The Targets menu: window-wide "New target account" (Ctrl+Shift+A), "Promote an
account" and "ICP criteria…", plus the Targets area's own actions.

The area's actions are created here so the menu (and the shortcuts sheet) is complete
from the start; their shortcuts only work inside the Targets area, which connects them
when it is first shown. Dialogs are imported when an action runs (start-up time).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

from workbench.ui.common import keys


class TargetsMenu(QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.setObjectName("targetsMenu")
        self.window = window
        self.new_account = window.add_action(
            "Targets", "&New target account…", lambda: self._in_area("new_account"), "Ctrl+Shift+A"
        )
        self.promote = window.add_action(
            "Targets",
            "&Promote an account to target…",
            lambda: self._in_area("promote_account"),
            "Ctrl+Shift+P",
        )
        self.criteria = window.add_action("Targets", "&ICP criteria…", self.edit_criteria)
        menu = window.menu("Targets")
        menu.addSeparator()
        self.edit = self._area_action(menu, self.tr("&Edit account…"), "F2")
        self.add_contact = self._area_action(menu, self.tr("Add &contact…"), "Ctrl+Shift+C")
        self.import_vcard = self._area_action(menu, self.tr("Import contacts from &vCard…"), "Ctrl+Shift+V")
        self.enrol_team = self._area_action(menu, self.tr("En&rol buying team in sequence…"), "Ctrl+Shift+S")
        self.park = self._area_action(menu, self.tr("P&ark or unpark…"), "Ctrl+Shift+K")
        self.demote = self._area_action(menu, self.tr("&Take off target list…"), None)
        tiers = menu.addMenu(self.tr("Set &tier"))
        self.tier_a = self._area_action(tiers, self.tr("Tier &A"), "Alt+1")
        self.tier_b = self._area_action(tiers, self.tr("Tier &B"), "Alt+2")
        self.tier_c = self._area_action(tiers, self.tr("Tier &C"), "Alt+3")
        self.tier_none = self._area_action(tiers, self.tr("&No tier"), "Alt+0")
        self.trash = self._area_action(menu, self.tr("Move to t&rash"), keys.KEYS["trash"].key)
        self.trash.setProperty(keys.KEY_PROPERTY, "trash")
        menu.addSeparator()
        self.grid = self._area_action(menu, self.tr("&Fit × engagement view"), "Ctrl+G")
        self.grid.setCheckable(True)
        self.find = self._area_action(menu, self.tr("&Filter targets"), keys.KEYS["filter"].key)
        self.find.setProperty(keys.KEY_PROPERTY, "filter")
        self.area_actions = [
            self.edit,
            self.add_contact,
            self.import_vcard,
            self.enrol_team,
            self.park,
            self.demote,
            self.tier_a,
            self.tier_b,
            self.tier_c,
            self.tier_none,
            self.trash,
            self.grid,
            self.find,
        ]

    def _area_action(self, menu: Any, text: str, key: str | QKeySequence.StandardKey | None) -> QAction:
        action = QAction(text, self.window)
        if key is not None:
            action.setShortcut(QKeySequence(key))
            # Only inside the Targets area (added to it when it is first shown).
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setEnabled(False)
        menu.addAction(action)
        return action

    def _in_area(self, method: str) -> None:
        if not self.window.ctx.has_workbench:
            return
        area = self.window.show_area("targets")
        getattr(area, method)()

    def edit_criteria(self) -> None:
        if not self.window.ctx.has_workbench:
            return
        from workbench.ui.targets.icp_criteria import IcpCriteriaDialog

        IcpCriteriaDialog.ask(self.window.ctx, self.window)


def of(window: Any) -> TargetsMenu:
    found = window.findChild(TargetsMenu, "targetsMenu")
    assert isinstance(found, TargetsMenu), "targets_menu.install_actions was not run"
    return found


def install_actions(window: Any) -> None:
    TargetsMenu(window)
