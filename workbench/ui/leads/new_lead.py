"""New lead (Ctrl+N): type a person and company; possible duplicates show up as you type.

An invalid email or phone is shown next to its field but never stops the save (reps
paste what they have); a lead with neither name nor company is refused with a message.
Closing the dialog with something typed asks first. The dialog is window-modal and
non-blocking (``open()``): the caller reads :attr:`created_id` or :attr:`open_id`
when it finishes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import LeadKind
from workbench.services.leads import duplicates
from workbench.services.leads import edit as leads
from workbench.services.leads.edit import LeadFields, LeadRefused
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.undo import undoable
from workbench.ui.leads import labels as lead_labels
from workbench.ui.leads.labels import kind_label, status_label

PROBLEM_STYLE = "color: #c62828"
HINT_STYLE = "color: palette(mid)"


class NewLeadDialog(QDialog):
    duplicatesShown = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.created_id: int | None = None
        self.open_id: int | None = None
        self.setWindowTitle(self.tr("New lead"))
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText(self.tr("First and last name"))
        self.company_edit = QLineEdit(self)
        self.title_edit = QLineEdit(self)
        self.email_edit = QLineEdit(self)
        self.email_problem = self._problem_label()
        self.phone_edit = QLineEdit(self)
        self.phone_problem = self._problem_label()
        self.kind_combo = QComboBox(self)
        for kind in LeadKind:
            self.kind_combo.addItem(kind_label(kind.value), kind.value)
        self.source_combo = QComboBox(self)
        self.source_combo.addItem(self.tr("(none)"), "")
        for source in leads.sources(ctx.wb):
            self.source_combo.addItem(source, source)
        self.campaign_edit = QLineEdit(self)
        completer = QCompleter(leads.campaigns(ctx.wb), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.campaign_edit.setCompleter(completer)
        self.notes_edit = QPlainTextEdit(self)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(self.notes_edit.fontMetrics().lineSpacing() * 3 + 14)
        form.addRow(self.tr("&Name:"), self.name_edit)
        form.addRow(self.tr("&Company:"), self.company_edit)
        form.addRow(self.tr("&Title:"), self.title_edit)
        form.addRow(self.tr("&Email:"), self.email_edit)
        form.addRow("", self.email_problem)
        form.addRow(self.tr("&Phone:"), self.phone_edit)
        form.addRow("", self.phone_problem)
        form.addRow(self.tr("&Kind:"), self.kind_combo)
        form.addRow(self.tr("&Source:"), self.source_combo)
        form.addRow(self.tr("Ca&mpaign:"), self.campaign_edit)
        form.addRow(self.tr("N&otes:"), self.notes_edit)
        layout.addLayout(form)

        self.duplicates_label = QLabel(self.tr("Possibly already in your leads:"), self)
        self.duplicates_list = QListWidget(self)
        self.duplicates_list.setMaximumHeight(110)
        self.duplicates_list.setWordWrap(True)
        self.duplicates_label.setStyleSheet("font-weight: 600; color: #b35c00")
        self.open_button = QPushButton(self.tr("&Open existing lead"), self)
        self.open_button.setAutoDefault(False)
        self.open_button.clicked.connect(self.open_existing)
        self.duplicates_list.itemActivated.connect(lambda _i: self.open_existing())
        for widget in (self.duplicates_label, self.duplicates_list, self.open_button):
            layout.addWidget(widget)
            widget.hide()

        self.refusal = self._problem_label()
        layout.addWidget(self.refusal)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("&Save lead"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.accept)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.check_now)
        for edit in (self.name_edit, self.company_edit, self.email_edit, self.phone_edit):
            edit.textChanged.connect(lambda _t: self._debounce.start())
        self.name_edit.setFocus()

    def _problem_label(self) -> QLabel:
        label = QLabel(self)
        label.setStyleSheet(PROBLEM_STYLE)
        label.setWordWrap(True)
        label.hide()
        return label

    # --- what was typed ------------------------------------------------------------------
    def values(self) -> LeadFields:
        return LeadFields(
            name=self.name_edit.text(),
            company=self.company_edit.text(),
            title=self.title_edit.text(),
            email=self.email_edit.text(),
            phone=self.phone_edit.text(),
            kind=str(self.kind_combo.currentData()),
            source=str(self.source_combo.currentData() or ""),
            campaign=self.campaign_edit.text(),
            notes=self.notes_edit.toPlainText(),
        )

    def has_typed(self) -> bool:
        return not self.values().is_blank() or self.source_combo.currentIndex() > 0

    def check_now(self) -> None:
        """Field problems and possible duplicates for what is typed right now."""
        self._debounce.stop()
        values = self.values()
        problems = leads.field_problems(values, phone_region=leads.phone_region(self.ctx.wb))
        for label, key in ((self.email_problem, "email"), (self.phone_problem, "phone")):
            label.setText(problems.get(key, ""))
            label.setVisible(key in problems)
        matches = duplicates.find_duplicates(
            self.ctx.wb,
            name=values.name,
            company=values.company,
            email=values.email,
            phone=values.phone,
            phone_region=leads.phone_region(self.ctx.wb),
        )
        self.duplicates_list.clear()
        for match in matches:
            why = {
                duplicates.SAME_EMAIL: self.tr("same email"),
                duplicates.SAME_PHONE: self.tr("same phone — maybe the same person"),
            }.get(match.reason, self.tr("similar full name — maybe the same person"))
            who = " · ".join(p for p in (match.name, match.company) if p)
            item = QListWidgetItem(
                f"{who} ({status_label(match.status)})\n{match.email}  — {why}".rstrip(), self.duplicates_list
            )
            item.setData(Qt.ItemDataRole.UserRole, match.lead_id)
        if matches:
            self.duplicates_list.setCurrentRow(0)
        for widget in (self.duplicates_label, self.duplicates_list, self.open_button):
            widget.setVisible(bool(matches))
        self.duplicatesShown.emit(len(matches))

    def duplicate_ids(self) -> list[int]:
        return [
            int(self.duplicates_list.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.duplicates_list.count())
        ]

    # --- closing ---------------------------------------------------------------------------
    def open_existing(self) -> None:
        item = self.duplicates_list.currentItem()
        if item is None:
            return
        self.open_id = int(item.data(Qt.ItemDataRole.UserRole))
        self.done(QDialog.DialogCode.Rejected)

    def accept(self) -> None:
        values = self.values()
        try:
            with undoable(self.ctx, self.tr("New lead {0}").format(values.name), Topic.LEADS):
                self.created_id = leads.create_lead(self.ctx.wb, values, clock=self.ctx.clock)
        except LeadRefused as exc:
            self.refusal.setText(self.tr("Not saved: {0}").format(self.tr(str(exc))))
            self.refusal.show()
            self.name_edit.setFocus()
            return
        super().accept()

    def reject(self) -> None:
        if self.has_typed() and not lead_labels.confirm_discard(self):
            return
        super().reject()
