"""Promote an account to the target list: type to find it (the accounts most leads come
from are listed first), pick a tier, say why, Enter."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import Tier
from workbench.services.targets import actions as target_actions
from workbench.ui.common.context import AppContext


@dataclass(frozen=True)
class Promotion:
    account_id: int
    tier: str | None
    reason: str


class PromoteDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Promote an account to target"))
        self.setMinimumSize(460, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr("Accounts not on your target list; the ones most leads come from are first."), self
            )
        )
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(self.tr("Type a name or domain…"))
        self.search_edit.setClearButtonEnabled(True)
        layout.addWidget(self.search_edit)
        # A handful of search hits, rebuilt on every keystroke (never edited in place).
        self.results = QListWidget(self)
        # Up/Down in the search field move through it, so Tab goes on to the tier.
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.results, 1)
        self.empty_label = QLabel(self)
        self.empty_label.setWordWrap(True)
        layout.addWidget(self.empty_label)
        form = QFormLayout()
        self.tier_combo = QComboBox(self)
        self.tier_combo.addItem(self.tr("No tier"), None)
        for tier in Tier:
            self.tier_combo.addItem(self.tr("Tier {0}").format(tier.value), tier.value)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setPlaceholderText(self.tr("e.g. inbound leads keep coming from them"))
        form.addRow(self.tr("&Tier:"), self.tier_combo)
        form.addRow(self.tr("&Why:"), self.reason_edit)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Promote"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(100)
        self._debounce.timeout.connect(self.search)
        self.search_edit.textChanged.connect(lambda _t: self._debounce.start())
        self.search_edit.installEventFilter(self)
        self.results.currentRowChanged.connect(lambda _r: self._update_ok())
        self.results.itemDoubleClicked.connect(lambda _i: self.accept())
        self.search()
        self.search_edit.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Up/Down in the search field move through the results, as in any type-ahead.
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results.count():
                step = 1 if event.key() == Qt.Key.Key_Down else -1
                row = max(0, min(self.results.count() - 1, self.results.currentRow() + step))
                self.results.setCurrentRow(row)
                return True
        return super().eventFilter(watched, event)

    def search(self) -> None:
        self.results.clear()
        found = target_actions.search_accounts(self.ctx.wb, self.search_edit.text(), targets_only=False)
        for choice in found:
            text = choice.name + (f" — {choice.domain}" if choice.domain else "")
            if choice.leads:
                text += " · " + self.tr("%n lead(s)", "", choice.leads)
            item = QListWidgetItem(text, self.results)
            item.setData(Qt.ItemDataRole.UserRole, choice.id)
        if found:
            self.results.setCurrentRow(0)
            self.empty_label.setText("")
        else:
            self.empty_label.setText(
                self.tr("No account matches. New companies are added with Targets → New target account.")
            )
        self._update_ok()

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.results.currentRow() >= 0)

    def value(self) -> Promotion | None:
        item = self.results.currentItem()
        if item is None:
            return None
        return Promotion(
            int(item.data(Qt.ItemDataRole.UserRole)), self.tier_combo.currentData(), self.reason_edit.text()
        )

    def accept(self) -> None:
        if self.value() is not None:
            super().accept()

    @classmethod
    def ask(cls, ctx: AppContext, parent: QWidget | None = None) -> Promotion | None:
        dialog = cls(ctx, parent)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        return dialog.value() if accepted else None
