"""New or edit contact: name, title, department, buying role, email, phone, LinkedIn URL,
notes.

An email or phone that looks wrong is shown as a problem under the field but never
stops the save (reps keep what they have); so is a contact of the account that is, or
may be, the same person (the duplicate rules of the leads). Enter or Ctrl+Return saves; closing with
unsaved text asks before discarding it.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
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

from workbench.domain import BuyingRole
from workbench.domain.normalize import check_email, check_phone
from workbench.services.leads import duplicates
from workbench.services.targets import actions as target_actions
from workbench.services.targets.contacts import ContactError, ContactInput, ContactMatch
from workbench.ui.common.context import AppContext
from workbench.ui.common.plain import plain
from workbench.ui.common.undo import undoable
from workbench.ui.targets import labels

PROBLEM_STYLE = "color: #c62828"


class ContactEditDialog(QDialog):
    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        account_id: int | None = None,
        contact_id: int | None = None,
        account_name: str = "",
        role: BuyingRole | str | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id = account_id
        self.contact_id = contact_id
        self.saved_id: int | None = None
        self.region = target_actions.phone_region(ctx.wb)
        title = self.tr("Edit contact") if contact_id else self.tr("New contact")
        self.setWindowTitle(f"{title} — {account_name}" if account_name else title)
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.first_edit = QLineEdit(self)
        self.last_edit = QLineEdit(self)
        self.title_edit = QLineEdit(self)
        self.department_edit = QLineEdit(self)
        self.role_combo = QComboBox(self)
        for value in (*(r for r in BuyingRole if r is not BuyingRole.UNKNOWN), BuyingRole.UNKNOWN):
            self.role_combo.addItem(labels.role_label(value), value.value)
        self.role_combo.setCurrentIndex(self.role_combo.findData(role or BuyingRole.UNKNOWN))
        self.email_edit = QLineEdit(self)
        self.email_problem = QLabel(self)
        self.email_problem.setStyleSheet(PROBLEM_STYLE)
        self.phone_edit = QLineEdit(self)
        self.phone_problem = QLabel(self)
        self.phone_problem.setStyleSheet(PROBLEM_STYLE)
        self.linkedin_edit = QLineEdit(self)
        self.linkedin_edit.setPlaceholderText("https://www.linkedin.com/in/…")
        self.notes_edit = QPlainTextEdit(self)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(self.fontMetrics().height() * 4)
        form.addRow(self.tr("&First name:"), self.first_edit)
        form.addRow(self.tr("&Last name:"), self.last_edit)
        form.addRow(self.tr("&Title:"), self.title_edit)
        form.addRow(self.tr("&Department:"), self.department_edit)
        form.addRow(self.tr("Buying &role:"), self.role_combo)
        form.addRow(self.tr("&Email:"), self.email_edit)
        form.addRow("", self.email_problem)
        form.addRow(self.tr("&Phone:"), self.phone_edit)
        form.addRow("", self.phone_problem)
        form.addRow(self.tr("Lin&kedIn:"), self.linkedin_edit)
        form.addRow(self.tr("N&otes:"), self.notes_edit)
        layout.addLayout(form)
        # Possible duplicates on this account, by the rules leads and imports use.
        self.duplicates_label = plain(QLabel(self))
        self.duplicates_label.setWordWrap(True)
        self.duplicates_label.setStyleSheet("font-weight: 600; color: #b35c00")
        self.duplicates_label.hide()
        layout.addWidget(self.duplicates_label)
        self.problem = QLabel(self)
        self.problem.setObjectName("problem")
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
        self.email_edit.textChanged.connect(self._email_changed)
        self.phone_edit.textChanged.connect(self._phone_changed)
        # Checked a moment after typing stops, as the new-lead dialog does.
        self._duplicates_timer = QTimer(self)
        self._duplicates_timer.setSingleShot(True)
        self._duplicates_timer.setInterval(250)
        self._duplicates_timer.timeout.connect(self.check_duplicates)
        for edit in (self.first_edit, self.last_edit, self.email_edit, self.phone_edit):
            edit.textEdited.connect(lambda _t: self._duplicates_timer.start())
        self._initial = self.value()
        if contact_id is not None:
            self._load(contact_id)
            self._initial = self.value()
        self.first_edit.setFocus()

    def _load(self, contact_id: int) -> None:
        info = target_actions.get_contact(self.ctx.wb, contact_id)
        self.account_id = info.account_id
        self.first_edit.setText(info.first_name)
        self.last_edit.setText(info.last_name)
        self.title_edit.setText(info.title)
        self.department_edit.setText(info.department)
        self.role_combo.setCurrentIndex(max(0, self.role_combo.findData(info.buying_role)))
        self.email_edit.setText(info.email)
        self.phone_edit.setText(info.phone)
        self.linkedin_edit.setText(info.linkedin_url)
        self.notes_edit.setPlainText(info.notes)

    def value(self) -> ContactInput:
        return ContactInput(
            first_name=self.first_edit.text(),
            last_name=self.last_edit.text(),
            title=self.title_edit.text(),
            department=self.department_edit.text(),
            buying_role=str(self.role_combo.currentData()),
            email=self.email_edit.text(),
            phone=self.phone_edit.text(),
            linkedin_url=self.linkedin_edit.text(),
            notes=self.notes_edit.toPlainText(),
            account_id=self.account_id,
        )

    def check_duplicates(self) -> list[ContactMatch]:
        """Show the contacts of this account that are, or may be, the person typed."""
        data = self.value()
        matches = (
            target_actions.contact_duplicates(self.ctx.wb, data, exclude_id=self.contact_id)
            if data.account_id is not None and self.ctx.has_workbench and self.isVisible()
            else []
        )
        if matches:
            words = {
                duplicates.SAME_EMAIL: self.tr("same email"),
                duplicates.SAME_PHONE: self.tr("same phone — maybe the same person"),
                duplicates.SIMILAR_FULL_NAME: self.tr("similar full name — maybe the same person"),
            }
            who = "; ".join(f"{m.name} ({words.get(m.reason, m.reason)})" for m in matches[:3])
            self.duplicates_label.setText(self.tr("Already on this account: {0}").format(who))
        self.duplicates_label.setVisible(bool(matches))
        return matches

    def is_dirty(self) -> bool:
        return self.value() != self._initial

    def _email_changed(self, text: str) -> None:
        self.email_problem.setText(check_email(text).problem)

    def _phone_changed(self, text: str) -> None:
        checked = check_phone(text, self.region)
        if checked.problem:
            self.phone_problem.setStyleSheet(PROBLEM_STYLE)
            self.phone_problem.setText(checked.problem)
        elif checked.value and checked.value != text.strip():
            self.phone_problem.setStyleSheet("color: palette(placeholder-text)")
            self.phone_problem.setText(self.tr("Saved as {0}").format(checked.value))
        else:
            self.phone_problem.setText("")

    def accept(self) -> None:
        data = self.value()
        try:
            with undoable(
                self.ctx, self.tr("Add contact") if self.contact_id is None else self.tr("Edit contact")
            ):
                if self.contact_id is None:
                    self.saved_id = target_actions.create_contact(self.ctx.wb, data, self.ctx.clock)
                else:
                    target_actions.update_contact(self.ctx.wb, self.contact_id, data, self.ctx.clock)
                    self.saved_id = self.contact_id
        except ContactError as exc:
            self.problem.setText(str(exc))
            self.problem.show()
            return
        super().accept()

    def done(self, result: int) -> None:
        self._duplicates_timer.stop()
        super().done(result)

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
        contact_id: int | None = None,
        account_name: str = "",
        role: BuyingRole | str | None = None,
    ) -> int | None:
        dialog = cls(
            ctx, parent, account_id=account_id, contact_id=contact_id, account_name=account_name, role=role
        )
        dialog.exec()
        dialog.deleteLater()
        return dialog.saved_id
