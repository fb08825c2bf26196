"""Quick log: what happened and what comes next, in a few keystrokes.

    Ana⏎   c   3   left a message⏎

picks "Ana López" (Down/Up for another match), channel Call, outcome No answer, types
the note and saves — with "Call again" due next working day already proposed from the
outcome's rule (editable, never forced). Tab walks the fields; Enter saves from any of
them; Shift+Enter adds a line to the note; Esc asks before throwing typed text away.

A log with no one picked is kept on the rep's own log (and what was typed in the
"who" field goes into the note, so nothing typed is lost). When the best matches tie on
what was typed (two "Daniel Lee"), Enter picks no one until Down/Up chose; each match
shows its company, status and next follow-up. Opened from a follow-up (Today's L), a
line says which one saving ticks off ("Completes: Send pricing — due 3/12/2026").
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, Qt, QTimeZone, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import Channel, Outcome
from workbench.services.outreach import followups, next_step
from workbench.services.outreach import log as outreach
from workbench.services.outreach.log import LogEntry, Logged, OutreachError
from workbench.services.records import RecordRef
from workbench.services.search.lookup import Match
from workbench.services.sequences.templates import SequenceError
from workbench.ui.common import format as fmt
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.lookup_field import LookupField, shared_lookup
from workbench.ui.common.undo import undoable
from workbench.ui.outreach.icons import channel_label, outcome_label
from workbench.ui.outreach.key_picker import KeyPicker

CHANNEL_KEYS = (("call", "C"), ("email", "E"), ("meeting", "M"), ("social", "S"), ("note", "N"))


def to_qdatetime(value: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(value.timestamp()), QTimeZone.utc()).toLocalTime()


def from_qdatetime(value: QDateTime) -> datetime:
    return datetime.fromtimestamp(value.toSecsSinceEpoch(), UTC)


class NoteEdit(QPlainTextEdit):
    """A note box where Enter means "save" and Shift+Enter a new line."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.submitted.emit()
            event.accept()
            return
        super().keyPressEvent(event)


def _notify_all(ctx: AppContext) -> None:
    # Touch columns of leads, accounts and opportunities move with every activity.
    for topic in (Topic.ACTIVITIES, Topic.LEADS, Topic.ACCOUNTS, Topic.OPPORTUNITIES, Topic.SEQUENCES):
        ctx.notify(topic)


class QuickLogDialog(QDialog):
    logged = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        target: RecordRef | Match | None = None,
        channel: str | None = None,
        completes: tuple[int, ...] = (),
        sequence_step: int | None = None,
        step_label: str = "",
        note: str = "",
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.completes = completes
        #: The enrolment whose due step this log does (saving completes it).
        self.sequence_step = sequence_step
        self.result_logged: Logged | None = None
        self._next_edited = False
        self._filling = False
        self._force_close = False
        self.setWindowTitle(self.tr("Quick log"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        with ctx.wb.reading() as session:
            self.rules = next_step.load_rules(session)
        self._build()
        self._connect()
        now = ctx.clock()
        self.at_edit.setDateTime(to_qdatetime(now))
        self._filling = True
        self.next_due.setDateTime(to_qdatetime(next_step.due_after(now, 1)))
        self._filling = False
        self.channel_picker.set_value(channel or Channel.CALL)
        self.set_target(target)
        if note:
            self.note_edit.setPlainText(note)
        self.step_label.setText(step_label)
        self.step_label.setVisible(bool(step_label))
        self.completes_label.setText(self._completes_text())
        self.completes_label.setVisible(bool(self.completes_label.text()))
        self._update_next_warning()
        (self.channel_picker if self.who.current else self.who.edit).setFocus()

    # --- building -----------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.step_label = QLabel(self)
        self.step_label.setObjectName("hint")
        self.step_label.hide()
        layout.addWidget(self.step_label)
        self.completes_label = QLabel(self)
        self.completes_label.setObjectName("hint")
        self.completes_label.setTextFormat(Qt.TextFormat.PlainText)  # a follow-up's title is user data
        self.completes_label.setWordWrap(True)
        self.completes_label.hide()
        layout.addWidget(self.completes_label)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.who = LookupField(self.ctx, self)
        self.who_hint = QLabel(self)
        self.who_hint.setWordWrap(True)
        self.who_hint.setObjectName("hint")
        who_box = QVBoxLayout()
        who_box.addWidget(self.who)
        who_box.addWidget(self.who_hint)
        form.addRow(self._buddy(self.tr("&Who"), self.who.edit), who_box)
        self.channel_picker = KeyPicker(
            [(value, key, channel_label(value)) for value, key in CHANNEL_KEYS], self
        )
        form.addRow(self.tr("&Channel"), self.channel_picker)
        self.outcome_picker = KeyPicker(
            [(str(o), str(i + 1), outcome_label(o)) for i, o in enumerate(Outcome)], self, allow_none=True
        )
        form.addRow(self.tr("&Outcome"), self.outcome_picker)
        self.note_edit = NoteEdit(self)
        self.note_edit.setPlaceholderText(self.tr("What happened? (Shift+Enter for a new line)"))
        self.note_edit.setFixedHeight(self.note_edit.fontMetrics().lineSpacing() * 4 + 12)
        form.addRow(self.tr("&Note"), self.note_edit)
        when = QHBoxLayout()
        self.at_edit = QDateTimeEdit(self)
        self.at_edit.setCalendarPopup(True)
        self.at_edit.setDisplayFormat(fmt.datetime_format())
        self.duration_edit = QSpinBox(self)
        self.duration_edit.setRange(0, 24 * 60)
        self.duration_edit.setSuffix(self.tr(" min"))
        self.duration_edit.setSpecialValueText(self.tr("no duration"))
        when.addWidget(self.at_edit)
        when.addWidget(self._buddy(self.tr("&Duration"), self.duration_edit))
        when.addWidget(self.duration_edit)
        when.addStretch(1)
        form.addRow(self._buddy(self.tr("W&hen"), self.at_edit), when)
        next_row = QHBoxLayout()
        self.next_check = QCheckBox(self.tr("&Next step"), self)
        self.next_title = QLineEdit(self)
        self.next_title.setPlaceholderText(self.tr("e.g. Call again"))
        self.next_due = QDateTimeEdit(self)
        self.next_due.setCalendarPopup(True)
        self.next_due.setDisplayFormat(fmt.datetime_format())
        next_row.addWidget(self.next_title, 1)
        next_row.addWidget(QLabel(self.tr("due"), self))
        next_row.addWidget(self.next_due)
        form.addRow(self.next_check, next_row)
        self.next_warning = QLabel(self)
        self.next_warning.setObjectName("warning")
        self.next_warning.setStyleSheet("color: #c62828;")
        self.next_warning.setWordWrap(True)
        form.addRow("", self.next_warning)
        layout.addLayout(form)
        # Room the match list leaves when it hides goes below the form, not between rows.
        layout.addStretch(1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setToolTip(self.tr("Save (Enter)"))
        save.setAutoDefault(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        hint = QLabel(self.tr("Enter saves · Tab next field · Esc closes"), self)
        hint.setObjectName("hint")
        bottom = QHBoxLayout()
        bottom.addWidget(hint, 1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        self.setTabOrder(self.who.edit, self.channel_picker)
        self.setTabOrder(self.channel_picker, self.outcome_picker)
        self.setTabOrder(self.outcome_picker, self.note_edit)
        self.setTabOrder(self.note_edit, self.at_edit)
        self.setTabOrder(self.at_edit, self.duration_edit)
        self.setTabOrder(self.duration_edit, self.next_check)
        self.setTabOrder(self.next_check, self.next_title)
        self.setTabOrder(self.next_title, self.next_due)
        self.resize(640, self.sizeHint().height())

    def _connect(self) -> None:
        self.who.picked.connect(self._picked)
        self.who.searched.connect(lambda _n: self._update_who_hint())
        self.who.highlighted.connect(lambda _row: self._update_who_hint())
        self.who.edit.textEdited.connect(lambda _t: self._update_who_hint())
        self.channel_picker.chosen.connect(self._channel_chosen)
        self.outcome_picker.chosen.connect(self._outcome_chosen)
        self.note_edit.submitted.connect(self.save)
        self.next_check.toggled.connect(self._update_next_warning)
        self.next_due.dateTimeChanged.connect(self._next_changed_by_hand)
        self.next_title.textEdited.connect(self._next_changed_by_hand)
        self.at_edit.dateTimeChanged.connect(
            lambda _d: self._outcome_chosen(self.outcome_picker.value, False)
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def _buddy(self, text: str, widget: QWidget) -> QLabel:
        label = QLabel(text, self)
        label.setBuddy(widget)
        return label

    # --- the record ----------------------------------------------------------------------
    def set_target(self, target: RecordRef | Match | None) -> None:
        if isinstance(target, RecordRef):
            # With the facts a search shows (status, next follow-up); None when trashed.
            target = shared_lookup(self.ctx).describe(target)
        self.who.set_match(target)
        self._update_who_hint()

    def _completes_text(self) -> str:
        """ "Completes: Send pricing — due 3/12/2026": the follow-up saving ticks off."""
        found = followups.open_titles(self.ctx.wb, self.completes)
        return "\n".join(
            self.tr("Completes: {0} — due {1}").format(
                title or self.tr("Follow up"), fmt.date_text(due.astimezone().date())
            )
            for title, due in found
        )

    @property
    def target(self) -> RecordRef | None:
        return self.who.current.ref if self.who.current else None

    def _picked(self, match: Match | None) -> None:
        self._update_who_hint()
        if match is not None:
            self.channel_picker.setFocus()

    def _update_who_hint(self) -> None:
        if self.who.current is not None:
            self.who_hint.setText("")
            self.who_hint.hide()
            return
        typed = self.who.edit.text().strip()
        if self.who.tied:  # the field says "2 people match — choose with ↓/↑" itself
            self.who_hint.setText("")
            self.who_hint.hide()
            return
        if typed and not self.who.model.rowCount():
            text = self.tr(
                "No match — saved without a record, on your own log, with “{0}” in the note."
            ).format(typed)
        elif typed:
            text = self.tr("Down/Up to choose, Enter to pick.")
        else:
            text = self.tr("No one picked: this goes to your own log; you can link it later.")
        self.who_hint.setText(text)
        self.who_hint.show()

    # --- channel, outcome, next step ------------------------------------------------------
    def _channel_chosen(self, value: str) -> None:
        if self.channel_picker.hasFocus() and value:
            # A note has no outcome: straight on to what it says.
            (self.note_edit if value == Channel.NOTE else self.outcome_picker).setFocus()

    def _outcome_chosen(self, outcome: str, move_focus: bool = True) -> None:
        by_key = move_focus and self.outcome_picker.hasFocus()
        proposal = (
            next_step.propose(outcome, from_qdatetime(self.at_edit.dateTime()), self.rules)
            if outcome
            else None
        )
        if not self._next_edited:
            self._filling = True
            try:
                if proposal is not None:
                    self.next_check.setChecked(True)
                    self.next_title.setText(proposal.title)
                    self.next_due.setDateTime(to_qdatetime(proposal.due))
                else:
                    self.next_check.setChecked(False)
            finally:
                self._filling = False
        self._update_next_warning()
        if by_key:
            if proposal is not None and proposal.ask_date and not self._next_edited:
                # "Meeting booked": the rep knows the date; go and type it.
                self.next_due.setFocus()
                self.next_warning.setText(self.tr("When is the meeting? Set its date and time."))
            else:
                self.note_edit.setFocus()

    def _next_changed_by_hand(self, *_args: object) -> None:
        if not self._filling:
            self._next_edited = True
            if not self.next_check.isChecked():
                self.next_check.setChecked(True)
        self._update_next_warning()

    def _update_next_warning(self, *_args: object) -> None:
        self.next_title.setEnabled(self.next_check.isChecked())
        self.next_due.setEnabled(self.next_check.isChecked())
        if self.next_check.isChecked() and from_qdatetime(self.next_due.dateTime()) < self.ctx.clock():
            self.next_warning.setText(self.tr("This date has passed: the follow-up will show as overdue."))
        else:
            self.next_warning.setText("")

    # --- saving ---------------------------------------------------------------------------
    def entry(self) -> LogEntry:
        note = self.note_edit.toPlainText().strip()
        typed_who = self.who.edit.text().strip() if self.who.current is None else ""
        if typed_who:
            note = self.tr("With: {0}").format(typed_who) + (f"\n{note}" if note else "")
        next_due = from_qdatetime(self.next_due.dateTime()) if self.next_check.isChecked() else None
        return LogEntry(
            channel=self.channel_picker.value or Channel.CALL,
            outcome=self.outcome_picker.value,
            at=from_qdatetime(self.at_edit.dateTime()),
            note=note,
            duration_min=self.duration_edit.value() or None,
            target=self.target,
            next_title=self.next_title.text().strip() if next_due else "",
            next_due=next_due,
            completes=self.completes,
            sequence_step=self.sequence_step,
        )

    def save(self) -> None:
        entry = self.entry()
        if entry.target is None and not entry.note:
            self.who_hint.setText(self.tr("Pick someone or write a note first."))
            self.who_hint.show()
            self.who.edit.setFocus()
            return
        who = self.who.current.name if self.who.current else self.tr("your own log")
        text = self.tr("Log {0} with {1}").format(channel_label(entry.channel).lower(), who)
        try:
            with undoable(self.ctx, text):
                logged = outreach.log_activity(self.ctx.wb, entry, now=self.ctx.clock())
        except (OutreachError, SequenceError) as exc:
            self.show_error(self, str(exc))
            return
        self.result_logged = logged
        _notify_all(self.ctx)
        self.logged.emit(logged)
        message = self.tr("Logged {0} with {1}.").format(channel_label(entry.channel).lower(), who)
        if logged.past_due:
            message += " " + self.tr("The next step's date has passed; it shows as overdue.")
        message += " " + self.tr("Ctrl+Z to undo.")
        self._status(message)
        self._force_close = True
        self.accept()

    def _status(self, message: str) -> None:
        parent = self.parentWidget()
        window = parent.window() if parent is not None else None
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(message, 8000)

    # --- leaving --------------------------------------------------------------------------
    @property
    def has_typed_text(self) -> bool:
        return bool(
            self.note_edit.toPlainText().strip()
            or (self.who.current is None and self.who.edit.text().strip())
            or (self._next_edited and self.next_title.text().strip())
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.save()
            event.accept()
            return
        super().keyPressEvent(event)  # Esc → reject()

    def reject(self) -> None:
        if not self._force_close and self.has_typed_text and not self.confirm_discard(self):
            return
        self._force_close = True
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._force_close and self.has_typed_text and not self.confirm_discard(self):
            event.ignore()
            return
        self._force_close = True
        super().closeEvent(event)

    # --- seams tests answer ------------------------------------------------------------------
    @staticmethod
    def confirm_discard(parent: QWidget) -> bool:
        answer = QMessageBox.question(
            parent,
            parent.tr("Discard this log?"),
            parent.tr("You typed something that is not saved yet. Throw it away?"),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard

    @staticmethod
    def show_error(parent: QWidget, message: str) -> None:
        QMessageBox.warning(parent, parent.tr("Cannot save the log"), message)
