"""File → Settings… (Ctrl+,), and the appearance stored in the open workbench file
(applied when a file is opened, so a rep's dark mode travels with their file)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication


class SettingsActions(QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.setObjectName("settingsActions")
        self.window = window
        self.ctx = window.ctx
        self.dialog: Any = None
        window.menu("File").addSeparator()
        self.action = window.add_action("File", "&Settings…", self.open_settings, "Ctrl+,")
        self.ctx.workbenchReplaced.connect(self.apply_appearance)
        QTimer.singleShot(0, self.apply_appearance)

    def open_settings(self, _checked: bool = False, page: type[Any] | None = None) -> Any:
        """Show the Settings dialog (on ``page`` when given); returns it."""
        if not self.ctx.has_workbench:
            return None
        from PySide6.QtCore import Qt

        from workbench.ui.settings.dialog import SettingsDialog

        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            self.dialog.activateWindow()
        else:
            self.dialog = SettingsDialog(self.ctx, self.window)
            self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.dialog.destroyed.connect(self._forget)
            self.dialog.open()
        if page is not None:
            self.dialog.show_page(page)
        return self.dialog

    def _forget(self) -> None:
        self.dialog = None

    def apply_appearance(self) -> None:
        """Light, dark or like the system, as the open file says."""
        from workbench.services.settings import values as settings
        from workbench.services.settings.preferences import APPEARANCE_KEY
        from workbench.ui.common.theme import current_appearance, use_appearance

        app = QApplication.instance()
        if not isinstance(app, QApplication) or not self.ctx.has_workbench:
            return
        wanted = str(settings.read(self.ctx.wb, APPEARANCE_KEY) or "system")
        if wanted != current_appearance(app):
            use_appearance(app, wanted)


def of(window: Any) -> SettingsActions:
    found = window.findChild(SettingsActions, "settingsActions")
    assert isinstance(found, SettingsActions), "settings_actions.install_actions was not run"
    return found


def install_actions(window: Any) -> None:
    SettingsActions(window)
