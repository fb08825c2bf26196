"""File → Backups…: the list of verified backups, and restoring one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.store.backup import BackupInfo
from workbench.ui.common import format as fmt


class BackupsDialog(QDialog):
    """Lists backups newest first; ``chosen`` is the one the rep asked to restore."""

    def __init__(self, backups: list[BackupInfo], folder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Backups"))
        self.resize(760, 420)
        self.backups = backups
        self.chosen: BackupInfo | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Backups are made every 30 minutes while you work, before imports and before upgrades. "
                "Each one is checked before it is kept. They are stored in:\n{0}"
            ).format(folder),
            self,
        )
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(intro)
        # A handful of rows that the dialog owns outright: a table widget is right here.
        self.table = QTableWidget(len(backups), 5, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Taken"), self.tr("Why"), self.tr("Size"), self.tr("Leads"), self.tr("Opportunities")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for row, info in enumerate(backups):
            cells = [
                fmt.datetime_text(info.taken_at),
                info.reason.replace("-", " "),
                f"{info.size / 1_048_576:.1f} MB",
                str(info.counts.get("lead", "")),
                str(info.counts.get("opportunity", "")),
            ]
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        layout.addWidget(self.table, 1)
        if not backups:
            layout.addWidget(
                QLabel(self.tr("No backups yet. Use File → Back up now to make the first one."), self)
            )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.restore_button = QPushButton(self.tr("Restore…"), self)
        self.restore_button.setEnabled(False)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.restore_button.clicked.connect(self._restore)
        self.table.itemSelectionChanged.connect(
            lambda: self.restore_button.setEnabled(bool(self.table.selectedItems()))
        )
        layout.addWidget(buttons)

    def select(self, row: int) -> None:
        self.table.selectRow(row)

    def _restore(self) -> None:
        rows = {i.row() for i in self.table.selectedItems()}
        if not rows:
            return
        info = self.backups[min(rows)]
        answer = QMessageBox.question(
            self,
            self.tr("Restore backup"),
            self.tr(
                "Replace your workbench with the backup taken {0}?\n\n"
                "Your workbench as it is now is backed up first, so this can be undone."
            ).format(fmt.datetime_text(info.taken_at)),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.chosen = info
            self.accept()
