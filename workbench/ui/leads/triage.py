"""The two triage questions: until when to nurture, and why to disqualify.

Both dialogs are answered from the keyboard: the nurture date has quick choices
(1/3/6 months) and the disqualify reasons (the rep's list from the settings) are
numbered 1–9. Each has an ``ask()`` class method that tests replace to answer
without a modal loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import DisqualifyReason
from workbench.ui.common import format as fmt
from workbench.ui.common.date_edit import DateEdit
from workbench.ui.leads import labels as lead_labels
from workbench.ui.leads.labels import reason_label


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class NurtureDialog(QDialog):
    """Until when to park the leads; they come back on that date."""

    def __init__(self, parent: QWidget | None, today: date, default_days: int, count: int) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Nurture until…"))
        self.today = today
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr("Park %n lead(s) and bring them back on this date:", "", count),
                self,
            )
        )
        self.date_edit = DateEdit(None, self)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat(fmt.date_format())
        self.date_edit.setMinimumDate(_qdate(today + timedelta(days=1)))
        self.date_edit.setDate(_qdate(today + timedelta(days=max(default_days, 1))))
        layout.addWidget(self.date_edit)
        quick = QHBoxLayout()
        for days, text in (
            (30, self.tr("&1 month")),
            (90, self.tr("&3 months")),
            (180, self.tr("&6 months")),
        ):
            button = QPushButton(text, self)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, d=days: self.set_days(d))
            quick.addWidget(button)
        layout.addLayout(quick)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.date_edit.setFocus()

    def set_days(self, days: int) -> None:
        self.date_edit.setDate(_qdate(self.today + timedelta(days=days)))

    def value(self) -> date:
        return _pydate(self.date_edit.date())

    @classmethod
    def ask(cls, parent: QWidget | None, today: date, default_days: int, count: int) -> date | None:
        dialog = cls(parent, today, default_days, count)
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None


class DisqualifyDialog(QDialog):
    """Why these leads are out: a reason (keys 1–9) and, for "other", a note."""

    def __init__(self, parent: QWidget | None, count: int, reasons: Sequence[str] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Disqualify"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Why is this out? (%n lead(s))", "", count), self))
        self.reasons = QListWidget(self)
        # The rep's list from the settings (the built-in reasons unless changed).
        shown = list(reasons) if reasons else [r.value for r in DisqualifyReason]
        for number, reason in enumerate(shown, start=1):
            prefix = f"{number}  " if number <= 9 else "    "
            item = QListWidgetItem(f"{prefix}{reason_label(reason)}", self.reasons)
            item.setData(Qt.ItemDataRole.UserRole, reason)
        self.reasons.installEventFilter(self)
        self.reasons.setCurrentRow(0)
        layout.addWidget(self.reasons)
        form = QFormLayout()
        self.note_edit = QLineEdit(self)
        self.note_edit.setPlaceholderText(self.tr("A few words (needed for “Other”)"))
        form.addRow(self.tr("&Note:"), self.note_edit)
        layout.addLayout(form)
        self.problem = QLabel(self)
        self.problem.setObjectName("problem")
        self.problem.setStyleSheet("color: #c62828")
        self.problem.hide()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Disqualify"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.reasons.itemDoubleClicked.connect(lambda _i: self.accept())
        layout.addWidget(buttons)
        self.reasons.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Digits pick a reason while the list has the focus; typed into the note they
        # stay text.
        if watched is self.reasons and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            text = event.text()
            if text.isdigit() and 1 <= int(text) <= min(self.reasons.count(), 9):
                self._pick(int(text) - 1)
                return True
        return super().eventFilter(watched, event)

    def _pick(self, row: int) -> None:
        self.reasons.setCurrentRow(row)
        if self.reason() == DisqualifyReason.OTHER.value:
            self.note_edit.setFocus()

    def reason(self) -> str:
        item = self.reasons.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""

    def note(self) -> str:
        return self.note_edit.text().strip()

    def accept(self) -> None:
        if self.reason() == DisqualifyReason.OTHER.value and not self.note():
            self.problem.setText(self.tr("Say in a few words why, when the reason is “Other”."))
            self.problem.show()
            self.note_edit.setFocus()
            return
        super().accept()

    def reject(self) -> None:
        if self.note() and not lead_labels.confirm_discard(self):
            return
        super().reject()

    @classmethod
    def ask(
        cls, parent: QWidget | None, count: int, reasons: Sequence[str] | None = None
    ) -> tuple[str, str] | None:
        dialog = cls(parent, count, reasons)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.reason(), dialog.note()
        return None
