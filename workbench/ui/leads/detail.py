"""The lead detail beside the table: contact fields with their problems, the account
link, the qualification checklist with its score, and the lead's touch figures.

Edits are saved as one undoable step (Save, Ctrl+S, or automatically when the rep moves
to another lead); an invalid email or phone is only marked, and a lead without name
and company is refused with a message, never silently dropped.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import Answer, LeadKind, LeadStatus
from workbench.domain.enums import SPEED_TO_LEAD_KINDS
from workbench.services.leads import edit as leads
from workbench.services.leads.edit import LeadDetail, LeadFields, refusal
from workbench.services.leads.qualification import QUESTIONS, Qualification, parse_answer
from workbench.ui.common import format as fmt
from workbench.ui.common.context import AppContext
from workbench.ui.common.plain import plain
from workbench.ui.leads import commands as lead_commands
from workbench.ui.leads import labels as lead_labels
from workbench.ui.leads.labels import answer_label, kind_label, question_label, reason_label, status_label

PROBLEM_STYLE = "color: #c62828"


class LeadDetailPanel(QWidget):
    """Shows one lead; ``show_lead(None)`` shows a hint instead."""

    #: The rep asked to link the lead to an account (the area opens the picker).
    linkRequested = Signal(int)
    saved = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.lead_id: int | None = None
        self.detail: LeadDetail | None = None
        self._loading = False
        self._dirty = False
        self._style = ""
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.hint = QLabel(self.tr("Select a lead to see and edit it here."), self)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setObjectName("emptyState")
        outer.addWidget(self.hint)
        self.scroller = QScrollArea(self)
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(self.scroller, 1)
        body = QWidget(self.scroller)
        self.scroller.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 0, 8, 8)

        self.heading = plain(QLabel(body))
        self.heading.setObjectName("areaTitle")
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.heading)
        self.status_line = plain(QLabel(body))
        self.status_line.setWordWrap(True)
        layout.addWidget(self.status_line)
        facts = QFormLayout()
        facts.setVerticalSpacing(2)
        self.received_value = QLabel(body)
        self.first_touch_value = QLabel(body)
        self.speed_value = QLabel(body)
        self.last_touch_value = QLabel(body)
        self.followup_value = QLabel(body)
        facts.addRow(self.tr("Received:"), self.received_value)
        facts.addRow(self.tr("First touch:"), self.first_touch_value)
        facts.addRow(self.tr("Speed-to-lead:"), self.speed_value)
        facts.addRow(self.tr("Last touch:"), self.last_touch_value)
        facts.addRow(self.tr("Next follow-up:"), self.followup_value)
        layout.addLayout(facts)
        self.triage_row = QHBoxLayout()
        self.triage_row.setSpacing(4)
        layout.addLayout(self.triage_row)

        form = QFormLayout()
        self.name_edit = QLineEdit(body)
        self.company_edit = QLineEdit(body)
        self.title_edit = QLineEdit(body)
        self.email_edit = QLineEdit(body)
        self.email_problem = self._problem(body)
        self.phone_edit = QLineEdit(body)
        self.phone_problem = self._problem(body)
        self.kind_combo = QComboBox(body)
        for kind in LeadKind:
            self.kind_combo.addItem(kind_label(kind.value), kind.value)
        self.source_combo = QComboBox(body)
        self.campaign_edit = QLineEdit(body)
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
        account_row = QHBoxLayout()
        self.account_label = plain(QLabel(body))
        self.account_label.setWordWrap(True)
        self.link_button = QToolButton(body)
        self.link_button.setText(self.tr("&Link…"))
        self.link_button.clicked.connect(self._ask_link)
        self.unlink_button = QToolButton(body)
        self.unlink_button.setText(self.tr("&Unlink"))
        self.unlink_button.clicked.connect(self.unlink)
        account_row.addWidget(self.account_label, 1)
        account_row.addWidget(self.link_button)
        account_row.addWidget(self.unlink_button)
        form.addRow(self.tr("Account:"), account_row)
        layout.addLayout(form)

        box = QGroupBox(self.tr("Qualification"), body)
        grid = QGridLayout(box)
        self.answer_combos: dict[str, QComboBox] = {}
        self.note_edits: dict[str, QLineEdit] = {}
        for row, key in enumerate(QUESTIONS):
            combo = QComboBox(box)
            for answer in (Answer.UNKNOWN, Answer.YES, Answer.NO):
                combo.addItem(answer_label(answer.value), answer.value)
            note = QLineEdit(box)
            note.setPlaceholderText(self.tr("Short note"))
            label = QLabel(question_label(key), box)
            label.setBuddy(combo)
            grid.addWidget(label, row, 0)
            grid.addWidget(combo, row, 1)
            grid.addWidget(note, row, 2)
            self.answer_combos[key] = combo
            self.note_edits[key] = note
        grid.setColumnStretch(2, 1)
        self.score_label = QLabel(box)
        grid.addWidget(self.score_label, len(QUESTIONS), 0, 1, 3)
        layout.addWidget(box)

        layout.addWidget(QLabel(self.tr("Notes:"), body))
        self.notes_edit = QPlainTextEdit(body)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setMinimumHeight(70)
        layout.addWidget(self.notes_edit)
        self.refusal = self._problem(body)
        layout.addWidget(self.refusal)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.revert_button = QPushButton(self.tr("Re&vert"), body)
        self.revert_button.clicked.connect(self.revert)
        self.save_button = QPushButton(self.tr("Save (Ctrl+S)"), body)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        from workbench.ui.outreach.timeline import TimelineWidget

        layout.addWidget(QLabel(self.tr("Timeline:"), body))
        self.timeline = TimelineWidget(ctx, body)
        self.timeline.setMinimumHeight(240)
        layout.addWidget(self.timeline)
        layout.addStretch(1)
        save_action = QAction(self.tr("Save lead"), self)
        save_action.setShortcut(QKeySequence.StandardKey.Save)
        save_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_action.triggered.connect(self.save)
        self.addAction(save_action)

        for edit in (self.name_edit, self.company_edit, self.title_edit, self.email_edit, self.phone_edit):
            edit.textChanged.connect(self._changed)
        self.campaign_edit.textChanged.connect(self._changed)
        for combo in (self.kind_combo, self.source_combo, *self.answer_combos.values()):
            combo.currentIndexChanged.connect(self._changed)
        for note in self.note_edits.values():
            note.textChanged.connect(self._changed)
        self.notes_edit.textChanged.connect(self._changed)
        self._set_enabled(False)

    def _problem(self, parent: QWidget) -> QLabel:
        label = QLabel(parent)
        label.setStyleSheet(PROBLEM_STYLE)
        label.setWordWrap(True)
        label.hide()
        return label

    def set_triage_actions(self, actions: list[QAction]) -> None:
        """Buttons for the triage actions, with short captions so the pane stays narrow."""
        for action in actions:
            key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            caption = action.text().replace("&", "").replace("Mark ", "").replace("…", "").split(" until")[0]
            button = QPushButton(f"{caption[:1].upper()}{caption[1:]} ({key})", self)
            button.setToolTip(action.text().replace("&", ""))
            button.setAutoDefault(False)
            button.clicked.connect(action.trigger)
            button.setEnabled(action.isEnabled())
            action.enabledChanged.connect(button.setEnabled)
            self.triage_row.addWidget(button)
        self.triage_row.addStretch(1)

    # --- showing -------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return self._dirty

    def _set_enabled(self, on: bool) -> None:
        self.scroller.setVisible(on)
        self.hint.setVisible(not on)

    def show_lead(self, lead_id: int | None, style: str = "") -> None:
        """Show a lead (discarding unsaved edits: call :meth:`commit_pending` first)."""
        self.lead_id = lead_id
        self._style = style
        self.detail = leads.lead_detail(self.ctx.wb, lead_id) if lead_id is not None else None
        if self.detail is None or self.detail.deleted:
            self.lead_id, self.detail = None, None
            self._set_enabled(False)
            self._dirty = False
            self.timeline.clear()
            return
        self._set_enabled(True)
        self._fill(self.detail)
        self.timeline.show_for("lead", lead_id)

    def refresh(self, style: str = "") -> None:
        """Re-read the shown lead after the file changed, keeping unsaved edits."""
        if self.lead_id is None:
            return
        self.timeline.show_for("lead", self.lead_id)
        if self._dirty:
            detail = leads.lead_detail(self.ctx.wb, self.lead_id)
            if detail is not None:
                self.detail = detail
                self._style = style
                self._fill_status(detail)
            return
        self.show_lead(self.lead_id, style)

    def _fill(self, d: LeadDetail) -> None:
        self._loading = True
        try:
            f = d.fields
            self.name_edit.setText(f.name)
            self.company_edit.setText(f.company)
            self.title_edit.setText(f.title)
            self.email_edit.setText(f.email)
            self.phone_edit.setText(f.phone)
            self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(f.kind), 0))
            self.source_combo.clear()
            self.source_combo.addItem(self.tr("(none)"), "")
            for source in leads.sources(self.ctx.wb):
                self.source_combo.addItem(source, source)
            if f.source and self.source_combo.findData(f.source) < 0:
                self.source_combo.addItem(f.source, f.source)
            self.source_combo.setCurrentIndex(max(self.source_combo.findData(f.source), 0))
            self.campaign_edit.setText(f.campaign)
            for key in QUESTIONS:
                combo = self.answer_combos[key]
                combo.setCurrentIndex(max(combo.findData(d.qualification.answer(key).value), 0))
                self.note_edits[key].setText(d.qualification.note(key))
            self.notes_edit.setPlainText(f.notes)
            self.refusal.hide()
        finally:
            self._loading = False
        self._dirty = False
        self._fill_status(d)
        self._show_problems()
        self._show_score()

    def _fill_status(self, d: LeadDetail) -> None:
        name = d.fields.name or d.fields.company
        company = f" — {d.fields.company}" if d.fields.name and d.fields.company else ""
        self.heading.setText(f"{name}{company}")
        parts = [status_label(d.status)]
        if d.status == LeadStatus.DISQUALIFIED.value and d.disqualify_reason:
            reason = reason_label(d.disqualify_reason)
            parts.append(f"{reason}: {d.disqualify_note}" if d.disqualify_note else reason)
        if d.status == LeadStatus.NURTURE.value and d.nurture_until is not None:
            parts.append(self.tr("revisit on {0}").format(fmt.date_text(d.nurture_until)))
        marks = {
            "stale": self.tr("stale — no touch for too long"),
            "untouched": self.tr("not touched yet"),
            "due": self.tr("revisit date has come"),
        }
        if self._style in marks:
            parts.append(marks[self._style])
        self.status_line.setText(" · ".join(parts))
        now = self.ctx.clock()
        none = self.tr("none yet")
        self.received_value.setText(
            self.tr("{0} ({1} ago)").format(
                fmt.datetime_text(d.received_at), fmt.age_text(d.received_at, now)
            )
        )
        self.first_touch_value.setText(fmt.datetime_text(d.first_touch_at) if d.first_touch_at else none)
        self.speed_value.setText(
            fmt.duration_text(d.speed_to_lead_s)
            if d.speed_to_lead_s is not None
            else "—"
            if d.fields.kind in SPEED_TO_LEAD_KINDS
            else self.tr("not measured: a lead you sourced")
        )
        self.last_touch_value.setText(
            self.tr("{0} ago").format(fmt.age_text(d.last_touch_at, now)) if d.last_touch_at else none
        )
        self.followup_value.setText(
            fmt.datetime_text(d.next_followup_at) if d.next_followup_at else self.tr("none")
        )
        if d.account_id is not None:
            self.account_label.setText(d.account_name or self.tr("(account #{0})").format(d.account_id))
        else:
            self.account_label.setText(self.tr("not linked"))
        self.unlink_button.setEnabled(d.account_id is not None)

    def _show_problems(self) -> None:
        values = self.values()
        problems = leads.field_problems(values, phone_region=leads.phone_region(self.ctx.wb))
        for label, key in ((self.email_problem, "email"), (self.phone_problem, "phone")):
            label.setText(problems.get(key, ""))
            label.setVisible(key in problems)
        if "phone" not in problems and values.phone.strip():
            e164 = leads.phone_e164(values.phone, leads.phone_region(self.ctx.wb))
            if e164 and e164 != values.phone.strip():
                self.phone_problem.setStyleSheet("color: palette(placeholder-text)")
                self.phone_problem.setText(self.tr("saved as {0}").format(e164))
                self.phone_problem.show()
                return
        self.phone_problem.setStyleSheet(PROBLEM_STYLE)

    def _show_score(self) -> None:
        score = self.qualification().score
        self.score_label.setText(
            self.tr("Qualification {0} %: {1} of {2} yes, {3} still unknown").format(
                round(score.completeness * 100), score.yes, score.total, score.unknown
            )
        )

    def _changed(self) -> None:
        if self._loading or self.detail is None:
            return
        self._dirty = True
        self._show_problems()
        self._show_score()

    # --- editing -------------------------------------------------------------------------
    def values(self) -> LeadFields:
        return LeadFields(
            name=self.name_edit.text(),
            company=self.company_edit.text(),
            title=self.title_edit.text(),
            email=self.email_edit.text(),
            phone=self.phone_edit.text(),
            kind=str(self.kind_combo.currentData() or LeadKind.INBOUND.value),
            source=str(self.source_combo.currentData() or ""),
            campaign=self.campaign_edit.text(),
            notes=self.notes_edit.toPlainText(),
        )

    def qualification(self) -> Qualification:
        return Qualification(
            answers={k: parse_answer(c.currentData()) for k, c in self.answer_combos.items()},
            notes={k: e.text() for k, e in self.note_edits.items()},
        )

    def save(self) -> bool:
        """Save the edits as one undoable step; False (with a message) when refused."""
        if self.lead_id is None or not self._dirty:
            return True
        values = self.values()
        why = refusal(values)
        if why:
            self.refusal.setText(self.tr("Not saved: {0}").format(self.tr(why)))
            self.refusal.show()
            self.name_edit.setFocus()
            return False
        lead_id = self.lead_id
        self._dirty = False
        self.refusal.hide()
        label = values.name or values.company
        lead_commands.edit_lead(
            self.ctx, self.tr("Edit lead {0}").format(label), lead_id, values, self.qualification()
        )
        self.saved.emit(lead_id)
        return True

    def revert(self) -> None:
        self._dirty = False
        self.show_lead(self.lead_id, self._style)

    def commit_pending(self) -> bool:
        """Before leaving this lead: save edits, or ask to discard them if they cannot be
        saved. False means "stay here"."""
        if not self._dirty:
            return True
        if self.save():
            return True
        if lead_labels.confirm_discard(self):
            self.revert()
            return True
        return False

    def _ask_link(self) -> None:
        if self.lead_id is not None:
            self.linkRequested.emit(self.lead_id)

    def unlink(self) -> None:
        if self.lead_id is None or self.detail is None or self.detail.account_id is None:
            return
        if not self.commit_pending():
            return
        lead_commands.link_account(self.ctx, self.tr("Unlink account"), self.lead_id, None)
