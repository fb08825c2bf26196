"""Won or lost: the reason (required), a note, the close date, what becomes of the
deal's open follow-ups and next step (done by default), and who a lost deal went to.

Cancelling changes nothing — a card dropped on Won or Lost goes back where it was.
Tests answer it through :meth:`CloseOpportunityDialog.ask` or by driving the dialog,
and answer its questions by replacing :func:`confirm`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import CloseReason, StageKind
from workbench.services.pipeline.closing import LOST_TO_MAX, OpenWork
from workbench.services.settings.reasons import WON_DEFAULTS
from workbench.ui.common import format as fmt
from workbench.ui.common.date_edit import DateEdit
from workbench.ui.common.widgets import ask_yes_no


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """A yes/no question (tests replace this function to answer it)."""
    return ask_yes_no(parent, title, text)


def reason_labels(widget: QWidget) -> dict[CloseReason, str]:
    tr = widget.tr
    return {
        CloseReason.PRICE: tr("Price"),
        CloseReason.COMPETITOR: tr("Competitor"),
        CloseReason.NO_BUDGET: tr("No budget"),
        CloseReason.NO_DECISION: tr("No decision"),
        CloseReason.TIMING: tr("Timing"),
        CloseReason.WENT_SILENT: tr("Went silent"),
        CloseReason.POOR_FIT: tr("Poor fit"),
        CloseReason.OTHER: tr("Other (say why in the note)"),
    }


def won_labels(widget: QWidget) -> dict[str, str]:
    tr = widget.tr
    return {
        "price": tr("Price"),
        "product fit": tr("Product fit"),
        "relationship": tr("Relationship"),
        "timing": tr("Timing"),
        "champion": tr("Champion"),
        "other": tr("Other (say why in the note)"),
    }


def reason_text(widget: QWidget, value: str) -> str:
    """The words for a stored close reason (the stored text when it is not one of ours)."""
    try:
        return reason_labels(widget)[CloseReason(value)]
    except ValueError:
        return won_labels(widget).get(value, value)


@dataclass(frozen=True)
class CloseAnswer:
    #: A :class:`CloseReason` value or one of the rep's own reasons from the settings.
    reason: str
    note: str
    #: None: today (the change is dated now).
    closed_on: date | None
    #: The rep confirmed a close date before the opportunity was created.
    allow_before_creation: bool
    #: Mark the deal's open follow-ups done and clear its next step (the default).
    finish_work: bool = True
    #: The competitor a lost deal went to ("" none).
    lost_to: str = ""


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class CloseOpportunityDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        *,
        name: str,
        outcome: StageKind,
        created_on: date,
        today: date | None = None,
        reasons: Sequence[str] | None = None,
        work: OpenWork | None = None,
        competitors: Sequence[str] = (),
    ) -> None:
        super().__init__(parent)
        self.outcome = outcome
        self.created_on = created_on
        self.today = today or _pydate(QDate.currentDate())
        self._allow_early = False
        won = outcome is StageKind.WON
        self.setMinimumWidth(440)
        self.setWindowTitle(self.tr("Mark as won") if won else self.tr("Mark as lost"))
        layout = QVBoxLayout(self)
        heading = QLabel(
            (self.tr("Why did you win “{0}”?") if won else self.tr("Why was “{0}” lost?")).format(name), self
        )
        heading.setWordWrap(True)
        layout.addWidget(heading)
        form = QFormLayout()
        self.reason = QComboBox(self)
        self.reason.addItem(self.tr("Choose a reason…"), None)
        # The rep's list for this outcome from the settings (the built-in ones unless changed).
        builtin = list(WON_DEFAULTS) if won else [r.value for r in CloseReason]
        for reason in reasons or builtin:
            self.reason.addItem(reason_text(self, reason), reason)
        form.addRow(self.tr("&Reason:"), self.reason)
        self.note = QPlainTextEdit(self)
        self.note.setPlaceholderText(self.tr("What happened, in a sentence (optional unless “Other”)"))
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.fontMetrics().height() * 4 + 12)
        form.addRow(self.tr("&Note:"), self.note)
        self.closed_on = DateEdit(_qdate(self.today), self)
        self.closed_on.setCalendarPopup(True)
        self.closed_on.setDisplayFormat(fmt.date_format())
        self.closed_on.setMaximumDate(_qdate(self.today))
        form.addRow(self.tr("&Close date:"), self.closed_on)
        self.lost_to = QComboBox(self)
        self.lost_to.setEditable(True)
        self.lost_to.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.lost_to.addItem("")
        self.lost_to.addItems(list(competitors))
        self.lost_to.setCurrentIndex(0)
        line = self.lost_to.lineEdit()
        assert line is not None  # editable
        line.setPlaceholderText(self.tr("A competitor (optional; new names join the list)"))
        completer = QCompleter(list(competitors), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.lost_to.setCompleter(completer)
        if not won:
            form.addRow(self.tr("Lost &to:"), self.lost_to)
        else:
            self.lost_to.hide()
        self.work = work or OpenWork([], "", None)
        self.finish_work = QCheckBox(self.tr("Mark them &done (uncheck to keep them open)"), self)
        self.finish_work.setChecked(True)
        self.work_label = QLabel(self._work_text(), self)
        self.work_label.setWordWrap(True)
        if not self.work.empty:
            form.addRow(self.tr("Open work:"), self.work_label)
            form.addRow("", self.finish_work)
        else:
            self.work_label.hide()
            self.finish_work.hide()
        layout.addLayout(form)
        self.error = QLabel(self)
        self.error.setObjectName("formError")
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Mark &won") if won else self.tr("Mark &lost"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason.setFocus()

    def _work_text(self) -> str:
        lines = [self.tr("Follow-up: {0}").format(title) for title in self.work.followups]
        if self.work.next_step or self.work.next_step_due:
            lines.append(self.tr("Next step: {0}").format(self.work.next_step or self.tr("(no title)")))
        return "\n".join(lines)

    def chosen_lost_to(self) -> str:
        if self.outcome is not StageKind.LOST:
            return ""
        return " ".join(self.lost_to.currentText().split())

    def _fail(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def chosen_reason(self) -> str | None:
        value = self.reason.currentData()
        return str(value) if value else None

    def chosen_date(self) -> date:
        return _pydate(self.closed_on.date())

    def accept(self) -> None:
        reason = self.chosen_reason()
        if reason is None:
            self._fail(self.tr("Choose a reason: it is what Insights learns from."))
            self.reason.setFocus()
            return
        if reason == CloseReason.OTHER.value and not self.note.toPlainText().strip():
            self._fail(self.tr("With “Other”, say why in the note."))
            self.note.setFocus()
            return
        if len(self.chosen_lost_to()) > LOST_TO_MAX:
            self._fail(self.tr("A competitor's name has at most {0} characters.").format(LOST_TO_MAX))
            self.lost_to.setFocus()
            return
        when = self.chosen_date()
        if when > self.today:
            self._fail(self.tr("The close date cannot be in the future."))
            return
        self._allow_early = False
        if when < self.created_on:
            question = self.tr(
                "The close date {0} is before the opportunity was created ({1}). Use it anyway?"
            )
            if not confirm(
                self,
                self.tr("Close date before creation"),
                question.format(self.closed_on.date().toString(), _qdate(self.created_on).toString()),
            ):
                self.closed_on.setFocus()
                return
            self._allow_early = True
        super().accept()

    def reject(self) -> None:
        if self.note.toPlainText().strip() and not confirm(
            self, self.tr("Discard the note?"), self.tr("You typed a note. Close without saving it?")
        ):
            return
        super().reject()

    def answer(self) -> CloseAnswer:
        reason = self.chosen_reason()
        assert reason is not None
        when = self.chosen_date()
        return CloseAnswer(
            reason=reason,
            note=self.note.toPlainText().strip(),
            closed_on=None if when == self.today else when,
            allow_before_creation=self._allow_early,
            finish_work=self.finish_work.isChecked(),
            lost_to=self.chosen_lost_to(),
        )

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        *,
        name: str,
        outcome: StageKind,
        created_on: date,
        reasons: Sequence[str] | None = None,
        work: OpenWork | None = None,
        competitors: Sequence[str] = (),
    ) -> CloseAnswer | None:
        dialog = cls(
            parent,
            name=name,
            outcome=outcome,
            created_on=created_on,
            reasons=reasons,
            work=work,
            competitors=competitors,
        )
        try:
            return dialog.answer() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
