"""Convert a lead: the plan (which account and contact are linked or created) for the
rep to confirm, plus the opportunity's first details."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from workbench.services.pipeline import convert
from workbench.services.pipeline.stages import PipelineError, check_currency
from workbench.ui.common import format as fmt
from workbench.ui.common.date_edit import DateEdit
from workbench.ui.common.money_input import AmountEdit
from workbench.ui.pipeline.close_opportunity import confirm


@dataclass(frozen=True)
class ConvertOptions:
    name: str
    amount: float
    currency: str
    stage_id: int
    expected_close: date | None
    next_step: str
    next_step_due: date | None
    #: Join this open deal of the account instead of creating one (None: a new deal).
    into: int | None = None


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class OptionalDate(QWidget):
    """A date that may be left out: a check box in front of a date edit."""

    def __init__(self, label: str, value: date | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.check = QCheckBox(label, self)
        self.edit = DateEdit(None, self)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat(fmt.date_format())
        self.edit.setDate(_qdate(value) if value else QDate.currentDate().addDays(30))
        self.check.setChecked(value is not None)
        self.edit.setEnabled(value is not None)
        self.check.toggled.connect(self.edit.setEnabled)
        row.addWidget(self.check)
        row.addWidget(self.edit, 1)

    def value(self) -> date | None:
        return _pydate(self.edit.date()) if self.check.isChecked() else None


class ConvertLeadDialog(QDialog):
    def __init__(self, parent: QWidget | None, plan: convert.ConversionPlan) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(self.tr("Convert lead"))
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr("Convert <b>{0}</b> into an opportunity.").format(
                _escape(plan.lead_name or plan.company or plan.opportunity_name)
            ),
            self,
        )
        layout.addWidget(intro)
        box = QGroupBox(self.tr("What will happen"), self)
        steps = QVBoxLayout(box)
        for line in self.plan_lines():
            label = QLabel(line, box)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            steps.addWidget(label)
        layout.addWidget(box)
        self.deal_choices: list[tuple[QRadioButton, int | None]] = []
        if plan.open_deals:
            layout.addWidget(self._deals_box(plan))

        form = QFormLayout()
        self.name = QLineEdit(plan.opportunity_name, self)
        form.addRow(self.tr("&Opportunity:"), self.name)
        money = QHBoxLayout()
        self.amount = AmountEdit(self)
        self.currency = QLineEdit(plan.currency, self)
        self.currency.setMaxLength(3)
        self.currency.setFixedWidth(self.fontMetrics().horizontalAdvance("WWWW") + 12)
        self.currency.setToolTip(self.tr("Three-letter currency code"))
        money.addWidget(self.amount, 1)
        money.addWidget(self.currency)
        amount_label = QLabel(self.tr("&Amount:"), self)
        amount_label.setBuddy(self.amount)
        form.addRow(amount_label, money)
        self.stage = QComboBox(self)
        for stage in plan.stages:
            self.stage.addItem(f"{stage.name} ({stage.probability * 100:.0f} %)", stage.id)
        self.stage.setCurrentIndex(max(0, self.stage.findData(plan.stage.id)))
        form.addRow(self.tr("&Stage:"), self.stage)
        self.expected_close = OptionalDate(self.tr("Expected close"), None, self)
        form.addRow("", self.expected_close)
        self.next_step = QLineEdit(plan.next_step, self)
        self.next_step.setPlaceholderText(self.tr("What happens next, e.g. “Demo with the team”"))
        form.addRow(self.tr("&Next step:"), self.next_step)
        self.next_step_due = OptionalDate(self.tr("Due"), plan.next_step_due, self)
        form.addRow("", self.next_step_due)
        layout.addLayout(form)

        self.error = QLabel(self)
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Convert"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._initial = self._typed()
        self.amount.setFocus()

    def _deals_box(self, plan: convert.ConversionPlan) -> QGroupBox:
        account = plan.account.name if plan.account else plan.company
        box = QGroupBox(self.tr("“{0}” already has open deals").format(account), self)
        column = QVBoxLayout(box)
        person = plan.lead_name or self.tr("this lead's person")
        for deal in plan.open_deals:
            details = [deal.stage, fmt.money_text(deal.amount, deal.currency)]
            if deal.next_step:
                details.append(self.tr("next: {0}").format(deal.next_step))
            button = QRadioButton(
                self.tr("Add {0} to “{1}” ({2})").format(person, deal.name, " · ".join(details)), box
            )
            column.addWidget(button)
            self.deal_choices.append((button, deal.id))
        new = QRadioButton(self.tr("Create a &new deal"), box)
        new.setChecked(True)
        column.addWidget(new)
        self.deal_choices.append((new, None))
        for button, _deal in self.deal_choices:
            button.toggled.connect(self._deal_chosen)
        return box

    def chosen_deal(self) -> int | None:
        return next((deal for button, deal in self.deal_choices if button.isChecked()), None)

    def _deal_chosen(self, *_args: object) -> None:
        new_deal = self.chosen_deal() is None
        for widget in (self.name, self.amount, self.currency, self.stage, self.expected_close):
            widget.setEnabled(new_deal)
        for widget in (self.next_step, self.next_step_due):
            widget.setEnabled(new_deal)

    # --- the plan in words -------------------------------------------------------
    def plan_lines(self) -> list[str]:
        plan = self.plan
        lines = []
        account = plan.account
        if account is None:
            lines.append(self.tr("No account: the lead has no company and a personal email address."))
        elif account.created:
            lines.append(self.tr("<b>Create</b> the account “{0}”.").format(_escape(account.name)))
        else:
            lines.append(
                self.tr("<b>Link</b> to the existing account “{0}” ({1}).").format(
                    _escape(account.name), self._why(account)
                )
            )
        contact = plan.contact
        if contact is None:
            lines.append(self.tr("No contact: the lead has neither a name nor an email address."))
        elif contact.created:
            lines.append(self.tr("<b>Create</b> the contact “{0}”.").format(_escape(contact.name)))
        else:
            lines.append(
                self.tr("<b>Link</b> to the existing contact “{0}” ({1}).").format(
                    _escape(contact.name), self._why(contact)
                )
            )
        attribution = [plan.kind, plan.source, plan.campaign, fmt.datetime_text(plan.received_at)]
        lines.append(
            self.tr("The opportunity keeps the lead's origin: {0}.").format(
                _escape(" · ".join(a for a in attribution if a))
            )
        )
        lines.append(self.tr("The lead is marked converted and points to the opportunity."))
        return lines

    def _why(self, choice: convert.RecordChoice) -> str:
        reasons = {
            convert.MATCH_LINKED: self.tr("the lead is already linked to it"),
            convert.MATCH_CONTACT: self.tr("the contact works there"),
            convert.MATCH_DOMAIN: self.tr("same email domain {0}"),
            convert.MATCH_COMPANY: self.tr("same company name"),
            convert.MATCH_EMAIL: self.tr("same email address"),
            convert.MATCH_NAME: self.tr("same name in this account"),
        }
        return _escape(reasons.get(choice.reason, choice.reason).format(choice.detail))

    # --- answers -------------------------------------------------------------------
    def _typed(self) -> tuple[str, ...]:
        return (self.name.text(), self.amount.text(), self.currency.text(), self.next_step.text())

    def _fail(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def options(self) -> ConvertOptions:
        """The rep's choices; :class:`PipelineError` says what is wrong."""
        name = " ".join(self.name.text().split())
        if not name:
            raise PipelineError(self.tr("The opportunity needs a name."))
        return ConvertOptions(
            name=name,
            amount=self.amount.amount(),
            currency=check_currency(self.currency.text()),
            stage_id=int(self.stage.currentData()),
            expected_close=self.expected_close.value(),
            next_step=self.next_step.text().strip(),
            next_step_due=self.next_step_due.value(),
            into=self.chosen_deal(),
        )

    def accept(self) -> None:
        try:
            self.options()
        except PipelineError as exc:
            self._fail(str(exc))
            return
        super().accept()

    def reject(self) -> None:
        if self._typed() != self._initial and not confirm(
            self, self.tr("Discard the conversion?"), self.tr("You typed details. Close without converting?")
        ):
            return
        super().reject()

    @classmethod
    def ask(cls, parent: QWidget | None, plan: convert.ConversionPlan) -> ConvertOptions | None:
        dialog = cls(parent, plan)
        try:
            return dialog.options() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
