"""Fixing a logged activity (and linking one from the rep's own log to a record), and
moving a follow-up to another date."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import Channel, Outcome
from workbench.services.outreach import log as outreach
from workbench.services.outreach.log import ActivityEdit, OutreachError
from workbench.services.outreach.timeline import TimelineEntry
from workbench.services.records import RecordKind, RecordRef, summarise
from workbench.services.search.lookup import Match
from workbench.ui.common import format as fmt
from workbench.ui.common.context import AppContext
from workbench.ui.common.lookup_field import LookupField
from workbench.ui.common.undo import undoable
from workbench.ui.outreach.icons import channel_label, outcome_label
from workbench.ui.outreach.quick_log import from_qdatetime, to_qdatetime


def _linked_ref(entry: TimelineEntry) -> RecordRef | None:
    for kind, record_id in (
        (RecordKind.LEAD, entry.lead_id),
        (RecordKind.CONTACT, entry.contact_id),
        (RecordKind.OPPORTUNITY, entry.opportunity_id),
        (RecordKind.ACCOUNT, entry.account_id),
    ):
        if record_id:
            return RecordRef(kind, record_id)
    return None


class ActivityEditDialog(QDialog):
    def __init__(self, ctx: AppContext, entry: TimelineEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entry = entry
        self.setWindowTitle(self.tr("Edit activity"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.channel = QComboBox(self)
        for value in Channel:
            self.channel.addItem(channel_label(value), str(value))
        self.channel.setCurrentIndex(max(self.channel.findData(entry.channel), 0))
        self.outcome = QComboBox(self)
        self.outcome.addItem(self.tr("(no outcome)"), "")
        for outcome in Outcome:
            self.outcome.addItem(outcome_label(outcome), str(outcome))
        self.outcome.setCurrentIndex(max(self.outcome.findData(entry.outcome), 0))
        self.at = QDateTimeEdit(to_qdatetime(entry.at), self)
        self.at.setCalendarPopup(True)
        self.at.setDisplayFormat(fmt.datetime_format())
        self.duration = QSpinBox(self)
        self.duration.setRange(0, 24 * 60)
        self.duration.setSuffix(self.tr(" min"))
        self.duration.setSpecialValueText(self.tr("no duration"))
        self.duration.setValue(entry.duration_min or 0)
        self.note = QPlainTextEdit(entry.note, self)
        self.note.setTabChangesFocus(True)
        self.who = LookupField(ctx, self)
        self.original_ref = _linked_ref(entry)
        if self.original_ref is not None:
            summary = summarise(ctx.wb, self.original_ref)
            if summary is not None:
                self.who.set_match(
                    Match(self.original_ref, summary.name, summary.company, summary.email, summary.phone)
                )
        form.addRow(self.tr("&Channel"), self.channel)
        form.addRow(self.tr("&Outcome"), self.outcome)
        form.addRow(self.tr("&When"), self.at)
        form.addRow(self.tr("&Duration"), self.duration)
        form.addRow(self.tr("&Note"), self.note)
        form.addRow(self.tr("&Linked to"), self.who)
        hint = QLabel(self.tr("Clear “Linked to” to keep it on your own log."), self)
        hint.setObjectName("hint")
        form.addRow("", hint)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @property
    def chosen_ref(self) -> RecordRef | None:
        return self.who.current.ref if self.who.current else None

    def save(self) -> None:
        now = self.ctx.clock()
        edit = ActivityEdit(
            channel=str(self.channel.currentData()),
            outcome=str(self.outcome.currentData() or ""),
            at=from_qdatetime(self.at.dateTime()),
            note=self.note.toPlainText(),
            duration_min=self.duration.value() or None,
        )
        try:
            with undoable(self.ctx, self.tr("Edit activity")):
                outreach.update_activity(self.ctx.wb, self.entry.id, edit, now=now)
                # Leaving the field half-typed keeps the old link; only a pick or a clear changes it.
                if self.chosen_ref != self.original_ref and (
                    self.who.current or not self.who.edit.text().strip()
                ):
                    outreach.link_activity(self.ctx.wb, self.entry.id, self.chosen_ref, now=now)
        except OutreachError as exc:
            QMessageBox.warning(self, self.tr("Cannot save"), str(exc))
            return
        self.accept()

    @classmethod
    def edit(cls, ctx: AppContext, parent: QWidget | None, entry: TimelineEntry) -> bool:
        """Show the dialog; True when the activity was saved."""
        dialog = cls(ctx, entry, parent)
        return dialog.exec() == QDialog.DialogCode.Accepted


class RescheduleDialog(QDialog):
    def __init__(self, due: datetime, now: datetime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.now = now
        self.setWindowTitle(self.tr("Reschedule follow-up"))
        layout = QVBoxLayout(self)
        self.due = QDateTimeEdit(to_qdatetime(max(due, now)), self)
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat(fmt.datetime_format())
        self.warning = QLabel(self)
        self.warning.setStyleSheet("color: #c62828;")
        layout.addWidget(QLabel(self.tr("New due date:"), self))
        layout.addWidget(self.due)
        layout.addWidget(self.warning)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.due.dateTimeChanged.connect(self._warn)
        self._warn()

    def value(self) -> datetime:
        return from_qdatetime(self.due.dateTime())

    def _warn(self, *_args: object) -> None:
        self.warning.setText(
            self.tr("This date has passed: the follow-up will show as overdue.")
            if self.value() < self.now
            else ""
        )

    @classmethod
    def ask(cls, parent: QWidget | None, due: datetime, now: datetime) -> datetime | None:
        """The new due date, or None when cancelled (tests replace this)."""
        dialog = cls(due, now, parent)
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None
