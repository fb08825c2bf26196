"""File → Import leads… (Ctrl+I) and File → Import history…, from every area.

The wizard and the history dialog are imported when an action runs, to keep start-up
fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject


class ImportActions(QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.setObjectName("importActions")
        self.window = window
        window.menu("File").addSeparator()
        self.import_leads = window.add_action("File", "&Import leads…", self.open_wizard, "Ctrl+I")
        self.history = window.add_action("File", "Import &history…", self.open_history)
        self.wizard: Any = None

    def open_wizard(self, _checked: bool = False, path: Path | None = None) -> None:
        if not self.window.ctx.has_workbench:
            return
        from PySide6.QtCore import Qt

        from workbench.ui.imports.wizard import ImportWizard

        if self.wizard is not None and self.wizard.isVisible():
            self.wizard.raise_()
            self.wizard.activateWindow()
            return
        self.wizard = ImportWizard(self.window.ctx, self.window, path)
        self.wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.wizard.destroyed.connect(self._forget)
        self.wizard.imported.connect(self._imported)
        self.wizard.show()

    def _forget(self) -> None:
        self.wizard = None

    def _imported(self, result: Any) -> None:
        self.window.statusBar().showMessage(
            self.tr("Imported {0} new leads from {1}").format(f"{result.inserted:,}", result.file_name),
            15_000,
        )

    def open_history(self) -> None:
        if not self.window.ctx.has_workbench:
            return
        from workbench.ui.imports.history import ImportHistoryDialog

        ImportHistoryDialog(self.window.ctx, self.window).exec()


def install_actions(window: Any) -> None:
    window.import_actions = ImportActions(window)


__all__ = ["ImportActions", "install_actions"]
