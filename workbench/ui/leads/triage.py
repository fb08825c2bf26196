"""The two triage questions: until when to nurture (and a note why), and why to
disqualify — and the two checks before a triage that would put a wrong fact in the file.

Both dialogs are answered from the keyboard: the nurture date has quick choices
(1/3/6 months) and the disqualify reasons (the rep's list from the settings) are
numbered 1–9. No reason is chosen at first, so Enter alone records none (the button
waits for one). Each has an ``ask()`` class method that tests replace to answer
without a modal loop; :func:`confirm_no_response` and :func:`confirm_unanswered` are
the questions before *no response* on an untouched lead and *qualified* with no
qualification answer (Shift+Q qualifies without the question).
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
from workbench.services.leads import triage as lead_triage
from workbench.store import Workbench
from workbench.ui.common import format as fmt
from workbench.ui.common.date_edit import DateEdit
from workbench.ui.common.widgets import ask_yes_no
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
        form = QFormLayout()
        self.note_edit = QLineEdit(self)
        self.note_edit.setPlaceholderText(self.tr("Why not now, what to do then (on the lead's timeline)"))
        form.addRow(self.tr("&Note:"), self.note_edit)
        layout.addLayout(form)
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

    def note(self) -> str:
        return self.note_edit.text().strip()

    def reject(self) -> None:
        if self.note() and not lead_labels.confirm_discard(self):
            return
        super().reject()

    @classmethod
    def ask(
        cls, parent: QWidget | None, today: date, default_days: int, count: int
    ) -> tuple[date, str] | None:
        """The revisit date and the note (may be empty); None when cancelled."""
        dialog = cls(parent, today, default_days, count)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.value(), dialog.note()
        return None


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
        # Nothing pre-selected: a reason is a fact the rep states, never a default Enter
        # records. (The list still gets a current row when it takes the focus; the reason
        # is the *selected* row.)
        self.reasons.clearSelection()
        layout.addWidget(self.reasons)
        self.choose_hint = QLabel(self.tr("Choose a reason: its number, or ↓/↑ and Space."), self)
        self.choose_hint.setObjectName("hint")
        layout.addWidget(self.choose_hint)
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
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("&Disqualify"))
        self.ok_button.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.reasons.itemDoubleClicked.connect(lambda _i: self.accept())
        self.reasons.itemSelectionChanged.connect(self._reason_changed)
        layout.addWidget(buttons)
        self.reasons.setFocus()

    def _reason_changed(self) -> None:
        chosen = bool(self.reason())
        self.ok_button.setEnabled(chosen)
        self.choose_hint.setVisible(not chosen)

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
        """The chosen reason; "" while none is selected."""
        items = self.reasons.selectedItems()
        return str(items[0].data(Qt.ItemDataRole.UserRole)) if items else ""

    def note(self) -> str:
        return self.note_edit.text().strip()

    def accept(self) -> None:
        if not self.reason():  # Enter (or a double click beside the rows) before a reason
            self.choose_hint.show()
            self.reasons.setFocus()
            return
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


# --- the checks before a triage (tests replace these functions to answer) ------------------
def confirm_no_response(parent: QWidget | None, untouched: int, total: int) -> bool:
    """Disqualify as *no response* although no touch was logged on ``untouched`` leads?"""
    from PySide6.QtCore import QCoreApplication

    def tr(text: str, n: int = -1) -> str:
        return QCoreApplication.translate("LeadTriage", text, "", n)

    if total == 1:
        text = tr("No touch has been logged on this lead — disqualify as No response anyway?")
    else:
        text = tr(
            "No touch has been logged on %n of the chosen leads — disqualify them as No response anyway?",
            untouched,
        )
    return ask_yes_no(parent, tr("No response?"), text)


def confirm_unanswered(parent: QWidget | None, unanswered: int, total: int) -> bool:
    """Mark qualified although none of the qualification questions is answered on
    ``unanswered`` leads? (Shift+Q does not ask.)"""
    from PySide6.QtCore import QCoreApplication

    def tr(text: str, n: int = -1) -> str:
        return QCoreApplication.translate("LeadTriage", text, "", n)

    if total == 1:
        text = tr(
            "None of the qualification questions (budget, authority, need, timeline, asked) is "
            "answered on this lead — mark it qualified anyway?"
        )
    else:
        text = tr(
            "None of the qualification questions is answered on %n of the chosen leads — "
            "mark them qualified anyway?",
            unanswered,
        )
    return ask_yes_no(
        parent, tr("Qualified without answers?"), text + "\n\n" + tr("Shift+Q qualifies without asking.")
    )


def may_disqualify(parent: QWidget | None, wb: Workbench, lead_ids: Sequence[int], reason: str) -> bool:
    """*No response* on a lead nobody has touched asks first; any other reason goes ahead."""
    if reason.strip().casefold() != DisqualifyReason.NO_RESPONSE.value:
        return True
    untouched = lead_triage.untouched(wb, lead_ids)
    return not untouched or confirm_no_response(parent, len(untouched), len(lead_ids))


def may_qualify(parent: QWidget | None, wb: Workbench, lead_ids: Sequence[int]) -> bool:
    """*Qualified* with no qualification answer given asks first."""
    unanswered = lead_triage.unanswered(wb, lead_ids)
    return not unanswered or confirm_unanswered(parent, len(unanswered), len(lead_ids))


def nurture_note(until: date, typed: str) -> str:
    """The timeline note of a nurture ("Nurture until 6/8/2026: budget in Q3"); "" when
    the rep typed none."""
    from PySide6.QtCore import QCoreApplication

    text = typed.strip()
    if not text:
        return ""
    return QCoreApplication.translate("LeadTriage", "Nurture until {0}: {1}").format(
        fmt.date_text(until), text
    )
