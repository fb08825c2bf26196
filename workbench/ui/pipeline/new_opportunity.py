"""A new opportunity the rep found on one of their target accounts (kind "target")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from workbench.services.pipeline.convert import AccountOption
from workbench.services.pipeline.stages import PipelineError, Stage, check_currency
from workbench.ui.common.money_input import AmountEdit
from workbench.ui.pipeline.close_opportunity import confirm
from workbench.ui.pipeline.convert_lead import OptionalDate


@dataclass(frozen=True)
class NewOpportunity:
    account_id: int
    contact_id: int | None
    name: str
    amount: float
    currency: str
    stage_id: int
    expected_close: date | None
    next_step: str
    next_step_due: date | None


class NewOpportunityDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        accounts: list[AccountOption],
        stages: list[Stage],
        currency: str,
        account_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.accounts = {a.id: a for a in accounts}
        self.setWindowTitle(self.tr("New opportunity on a target account"))
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.account = QComboBox(self)
        self.account.setEditable(True)
        self.account.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for option in accounts:
            self.account.addItem(option.name, option.id)
        completer = self.account.completer()
        if completer is not None:
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        form.addRow(self.tr("A&ccount:"), self.account)
        self.contact = QComboBox(self)
        form.addRow(self.tr("C&ontact:"), self.contact)
        self.name = QLineEdit(self)
        form.addRow(self.tr("&Opportunity:"), self.name)
        money = QHBoxLayout()
        self.amount = AmountEdit(self)
        self.currency = QLineEdit(currency, self)
        self.currency.setMaxLength(3)
        self.currency.setFixedWidth(self.fontMetrics().horizontalAdvance("WWWW") + 12)
        money.addWidget(self.amount, 1)
        money.addWidget(self.currency)
        amount_label = QLabel(self.tr("&Amount:"), self)
        amount_label.setBuddy(self.amount)
        form.addRow(amount_label, money)
        self.stage = QComboBox(self)
        for stage in stages:
            if stage.is_open:
                self.stage.addItem(f"{stage.name} ({stage.probability * 100:.0f} %)", stage.id)
        form.addRow(self.tr("&Stage:"), self.stage)
        self.expected_close = OptionalDate(self.tr("Expected close"), None, self)
        form.addRow("", self.expected_close)
        self.next_step = QLineEdit(self)
        self.next_step.setPlaceholderText(self.tr("What happens next, e.g. “Discovery call”"))
        form.addRow(self.tr("&Next step:"), self.next_step)
        self.next_step_due = OptionalDate(self.tr("Due"), None, self)
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
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("&Create"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.account.currentIndexChanged.connect(self._account_changed)
        if account_id is not None and self.account.findData(account_id) >= 0:
            self.account.setCurrentIndex(self.account.findData(account_id))
        self._account_changed()
        self._initial = self._typed()

    def _account_changed(self, *_args: object) -> None:
        option = self.accounts.get(self.account.currentData())
        previous_name = self.name.text()
        self.contact.clear()
        self.contact.addItem(self.tr("— nobody yet —"), None)
        for contact_id, label in option.contacts if option else []:
            self.contact.addItem(label, contact_id)
        if option is not None and (
            not previous_name or previous_name in {a.name for a in self.accounts.values()}
        ):
            self.name.setText(option.name)

    def _typed(self) -> tuple[str, ...]:
        return (self.amount.text(), self.next_step.text(), self.currency.text())

    def options(self) -> NewOpportunity:
        account_id = self.account.currentData()
        if account_id is None or self.account.currentText() != self.accounts[account_id].name:
            raise PipelineError(self.tr("Choose one of your target accounts."))
        name = " ".join(self.name.text().split())
        if not name:
            raise PipelineError(self.tr("The opportunity needs a name."))
        return NewOpportunity(
            account_id=int(account_id),
            contact_id=self.contact.currentData(),
            name=name,
            amount=self.amount.amount(),
            currency=check_currency(self.currency.text()),
            stage_id=int(self.stage.currentData()),
            expected_close=self.expected_close.value(),
            next_step=self.next_step.text().strip(),
            next_step_due=self.next_step_due.value(),
        )

    def accept(self) -> None:
        try:
            self.options()
        except PipelineError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        super().accept()

    def reject(self) -> None:
        if self._typed() != self._initial and not confirm(
            self,
            self.tr("Discard the opportunity?"),
            self.tr("You typed details. Close without creating it?"),
        ):
            return
        super().reject()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        accounts: list[AccountOption],
        stages: list[Stage],
        currency: str,
        account_id: int | None = None,
    ) -> NewOpportunity | None:
        dialog = cls(parent, accounts, stages, currency, account_id)
        try:
            return dialog.options() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
