"""Link a lead to an account by hand: matching accounts first, then any account by typing."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.services.leads import accounts as lead_accounts
from workbench.services.leads.accounts import AccountChoice
from workbench.store import Workbench


class LinkAccountDialog(QDialog):
    def __init__(self, wb: Workbench, lead_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.wb = wb
        self.setWindowTitle(self.tr("Link to account"))
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(self.tr("Type an account name or domain…"))
        self.search_edit.setClearButtonEnabled(True)
        layout.addWidget(self.search_edit)
        self.hint = QLabel(self)
        layout.addWidget(self.hint)
        self.list = QListWidget(self)
        layout.addWidget(self.list, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Link"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.list.itemActivated.connect(lambda _i: self.accept())
        self._suggested = lead_accounts.suggestions(wb, lead_id)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self.search_now)
        self.search_edit.textChanged.connect(lambda _t: self._debounce.start())
        self.search_edit.returnPressed.connect(self._enter)
        self.search_now()

    def search_now(self) -> None:
        self._debounce.stop()
        typed = self.search_edit.text().strip()
        if typed:
            choices = lead_accounts.search_accounts(self.wb, typed)
            self.hint.setText(
                self.tr("%n account(s) found", "", len(choices)) if choices else self.tr("No match")
            )
        else:
            choices = self._suggested
            self.hint.setText(
                self.tr("Accounts matching this lead's email domain or company:")
                if choices
                else self.tr("No account matches this lead; type to search.")
            )
        self._fill(choices)

    def _fill(self, choices: list[AccountChoice]) -> None:
        self.list.clear()
        for choice in choices:
            parts = [choice.name, choice.domain]
            if choice.is_target:
                parts.append(self.tr("target"))
            if choice.reason:
                parts.append(self.tr("matches by {0}").format(self.tr(choice.reason)))
            item = QListWidgetItem(" · ".join(p for p in parts if p), self.list)
            item.setData(Qt.ItemDataRole.UserRole, choice.id)
        if choices:
            self.list.setCurrentRow(0)

    def _enter(self) -> None:
        self.search_now()
        if self.list.count():
            self.accept()

    def chosen_id(self) -> int | None:
        item = self.list.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    @classmethod
    def ask(cls, wb: Workbench, lead_id: int, parent: QWidget | None) -> int | None:
        dialog = cls(wb, lead_id, parent)
        return dialog.chosen_id() if dialog.exec() == QDialog.DialogCode.Accepted else None
