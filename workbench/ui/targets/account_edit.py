"""New or edit account: name, website/domain, industry, size, region, tier, target,
pain hypothesis and notes.

Typed from the keyboard top to bottom (Tab between fields, Enter or Ctrl+Return saves).
The domain is normalised as you type and a look-alike account is named right away;
saving one anyway asks first. Closing with unsaved text asks before discarding it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QIntValidator, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import Tier
from workbench.services.targets import actions as target_actions
from workbench.services.targets.accounts import AccountError, AccountInput, DuplicateAccount, normalise_domain
from workbench.ui.common.context import AppContext
from workbench.ui.common.undo import undoable
from workbench.ui.targets import labels

PROBLEM_STYLE = "color: #c62828"
HINT_STYLE = "color: palette(placeholder-text)"


class AccountEditDialog(QDialog):
    """Saves through the targets service itself; :attr:`saved_id` is the account saved,
    :attr:`open_id` an existing account the rep chose to open instead."""

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        account_id: int | None = None,
        target: bool = True,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id = account_id
        self.saved_id: int | None = None
        self.open_id: int | None = None
        self.setWindowTitle(self.tr("Edit account") if account_id else self.tr("New target account"))
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText(self.tr("Company name"))
        self.website_edit = QLineEdit(self)
        self.website_edit.setPlaceholderText(self.tr("acme.com or https://www.acme.com"))
        self.domain_hint = QLabel(self)
        self.domain_hint.setStyleSheet(HINT_STYLE)
        self.duplicate_hint = QLabel(self)
        self.duplicate_hint.setWordWrap(True)
        self.duplicate_hint.setStyleSheet("color: #b35c00")
        self.industry_edit = QLineEdit(self)
        self.employees_edit = QLineEdit(self)
        self.employees_edit.setValidator(QIntValidator(0, 10_000_000, self))
        self.employees_edit.setPlaceholderText(self.tr("number of employees"))
        self.region_edit = QLineEdit(self)
        self.tier_combo = QComboBox(self)
        self.tier_combo.addItem(self.tr("No tier"), None)
        for tier in Tier:
            self.tier_combo.addItem(self.tr("Tier {0}").format(tier.value), tier.value)
        self.target_check = QCheckBox(self.tr("On my target list"), self)
        self.target_check.setChecked(target)
        self.pain_edit = QPlainTextEdit(self)
        self.pain_edit.setTabChangesFocus(True)
        self.pain_edit.setPlaceholderText(self.tr("Why them, why now?"))
        self.pain_edit.setFixedHeight(self.fontMetrics().height() * 4)
        self.notes_edit = QPlainTextEdit(self)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(self.fontMetrics().height() * 4)
        form.addRow(self.tr("&Name:"), self.name_edit)
        form.addRow("", self.duplicate_hint)
        form.addRow(self.tr("&Website:"), self.website_edit)
        form.addRow("", self.domain_hint)
        form.addRow(self.tr("&Industry:"), self.industry_edit)
        form.addRow(self.tr("Si&ze:"), self.employees_edit)
        form.addRow(self.tr("&Region:"), self.region_edit)
        form.addRow(self.tr("&Tier:"), self.tier_combo)
        form.addRow("", self.target_check)
        form.addRow(self.tr("&Pain hypothesis:"), self.pain_edit)
        form.addRow(self.tr("N&otes:"), self.notes_edit)
        layout.addLayout(form)
        self.problem = QLabel(self)
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(PROBLEM_STYLE)
        self.problem.hide()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.accept)
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(150)
        self._check_timer.timeout.connect(self._check_duplicates)
        self.name_edit.textChanged.connect(lambda _t: self._check_timer.start())
        self.website_edit.textChanged.connect(self._website_changed)
        self._initial = AccountInput(name="", is_target=target)
        if account_id is not None:
            self._load(account_id)
        self._initial = self.value()
        self.name_edit.setFocus()

    def _load(self, account_id: int) -> None:
        view = target_actions.account_view(self.ctx.wb, account_id).account
        self.name_edit.setText(view.name)
        self.website_edit.setText(view.website or view.domain)
        self.industry_edit.setText(view.industry)
        self.employees_edit.setText("" if view.employees is None else str(view.employees))
        self.region_edit.setText(view.region)
        self.tier_combo.setCurrentIndex(max(0, self.tier_combo.findData(view.tier)))
        self.target_check.setChecked(view.is_target)
        self.pain_edit.setPlainText(view.pain_hypothesis)
        self.notes_edit.setPlainText(view.notes)

    # --- what was typed ---------------------------------------------------------------
    def value(self) -> AccountInput:
        size = self.employees_edit.text().strip()
        return AccountInput(
            name=self.name_edit.text(),
            website=self.website_edit.text(),
            industry=self.industry_edit.text(),
            employees=int(size) if size.isdigit() else None,
            region=self.region_edit.text(),
            tier=self.tier_combo.currentData(),
            pain_hypothesis=self.pain_edit.toPlainText(),
            notes=self.notes_edit.toPlainText(),
            is_target=self.target_check.isChecked(),
        )

    def is_dirty(self) -> bool:
        return self.value() != self._initial

    def _website_changed(self, text: str) -> None:
        self._check_timer.start()
        if not text.strip():
            self.domain_hint.setText("")
            return
        try:
            domain = normalise_domain(text)
        except AccountError as exc:
            self.domain_hint.setStyleSheet(PROBLEM_STYLE)
            self.domain_hint.setText(str(exc))
            return
        self.domain_hint.setStyleSheet(HINT_STYLE)
        self.domain_hint.setText(self.tr("Domain: {0} (leads from it are linked here)").format(domain))

    def _check_duplicates(self) -> None:
        if not self.ctx.has_workbench:
            return
        matches = target_actions.find_duplicates(
            self.ctx.wb, self.name_edit.text(), self.website_edit.text(), self.account_id
        )
        if matches:
            names = ", ".join(m.name for m in matches[:3])
            self.duplicate_hint.setText(self.tr("Looks like an account you have: {0}").format(names))
        else:
            self.duplicate_hint.setText("")

    # --- saving -------------------------------------------------------------------------
    def accept(self) -> None:
        self._save(allow_duplicate=False)

    def _save(self, *, allow_duplicate: bool) -> None:
        data = self.value()
        try:
            with undoable(
                self.ctx, self.tr("New account") if self.account_id is None else self.tr("Edit account")
            ):
                if self.account_id is None:
                    self.saved_id = target_actions.create_account(
                        self.ctx.wb, data, allow_duplicate=allow_duplicate, clock=self.ctx.clock
                    )
                else:
                    target_actions.update_account(
                        self.ctx.wb,
                        self.account_id,
                        data,
                        allow_duplicate=allow_duplicate,
                        clock=self.ctx.clock,
                    )
                    self.saved_id = self.account_id
        except DuplicateAccount as exc:
            answer = labels.ask_duplicate(self, exc.matches)
            if answer == labels.CREATE_ANYWAY:
                self._save(allow_duplicate=True)
            elif answer == labels.OPEN_EXISTING:
                self.open_id = exc.matches[0].id
                super().reject()
            return
        except AccountError as exc:
            self.problem.setText(str(exc))
            self.problem.show()
            return
        super().accept()

    def reject(self) -> None:
        if self.is_dirty() and not labels.confirm_discard(self):
            return
        super().reject()

    @classmethod
    def ask(
        cls,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        account_id: int | None = None,
        target: bool = True,
    ) -> tuple[int | None, int | None]:
        """(saved account id, existing account to open instead); both None when cancelled."""
        dialog = cls(ctx, parent, account_id=account_id, target=target)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.exec()
        dialog.deleteLater()
        return dialog.saved_id, dialog.open_id
