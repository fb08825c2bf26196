"""The timeline of one lead, contact, account or opportunity — embed it anywhere:

    timeline = TimelineWidget(ctx, parent)
    timeline.show_for("lead", lead_id)      # or show_record(RecordRef(...)); None = own log

Activities and follow-ups, newest first, with outcome badges; overdue follow-ups in
red. Keys on the list: Enter edits an activity (or reschedules a follow-up), Delete
moves it to the trash (undo with Ctrl+Z), Space marks a follow-up done, S snoozes it
one working day, R reschedules, L logs a new touch. The header's phone and email are
``tel:``/``mailto:`` links that open the system's program and then offer to log.

The entries load on a worker thread (an account's hundreds of touches took the UI
thread over 100 ms on the large workbench); ``loaded`` says when they are in the list.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.services.outreach import log as outreach
from workbench.services.outreach.timeline import TimelineEntry, timeline
from workbench.services.records import RecordKind, RecordRef, RecordSummary, summarise
from workbench.services.sequences import status as sequence_status
from workbench.services.sequences.status import EnrolmentView
from workbench.ui.common import format as fmt
from workbench.ui.common import keys
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.undo import undoable
from workbench.ui.common.workers import Job, start
from workbench.ui.outreach.icons import activity_icon, channel_label, followup_icon, outcome_label

log = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1


def _link(scheme: str, value: str, glyph: str) -> str:
    return f"<a href='{scheme}:{html.escape(value, quote=True)}'>{glyph} {html.escape(value)}</a>"


class TimelineModel(QAbstractListModel):
    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entries: list[TimelineEntry] = []
        self.show_who = False

    def set_entries(self, entries: list[TimelineEntry], show_who: bool) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.show_who = show_who
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        entry = self.entries[index.row()]
        now = self.ctx.clock()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(entry)
        if role == Qt.ItemDataRole.DecorationRole:
            if entry.is_followup:
                state = "done" if entry.done_at else ("overdue" if entry.overdue(now) else "open")
                return followup_icon(state)
            return activity_icon(entry.channel, entry.outcome)
        if role == Qt.ItemDataRole.ForegroundRole:
            if entry.overdue(now):
                return QBrush(QColor("#c62828"))
            if entry.is_followup and entry.done_at:
                return QBrush(QColor("#808080"))
            return None
        if role == Qt.ItemDataRole.FontRole and entry.is_open:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return entry.note or entry.title or None
        if role == ENTRY_ROLE:
            return entry
        return None

    def _text(self, entry: TimelineEntry) -> str:
        tr = self.tr
        who = f" · {entry.who}" if self.show_who and entry.who else ""
        if entry.is_followup:
            due = fmt.datetime_text(entry.due_at) if entry.due_at else ""
            if entry.done_at:
                head = tr("Follow-up done: {0} (was due {1})").format(entry.title, due)
            elif entry.overdue(self.ctx.clock()):
                head = tr("Overdue: {0} — due {1}").format(entry.title, due)
            else:
                head = tr("Next: {0} — due {1}").format(entry.title, due)
            return head + who
        parts = [channel_label(entry.channel)]
        if entry.outcome:
            parts.append(outcome_label(entry.outcome))
        head = " · ".join(parts) + f" — {fmt.datetime_text(entry.at)}"
        if entry.duration_min:
            head += tr(" · {0} min").format(entry.duration_min)
        head += who
        note = entry.note.strip().splitlines()[0] if entry.note.strip() else ""
        if len(note) > 160:
            note = note[:157] + "…"
        return f"{head}\n{note}" if note else head


def _notify(ctx: AppContext) -> None:
    for topic in (Topic.ACTIVITIES, Topic.LEADS, Topic.ACCOUNTS, Topic.OPPORTUNITIES):
        ctx.notify(topic)


class TimelineList(QListView):
    """The list, forwarding its single-key commands to the widget."""

    def __init__(self, owner: TimelineWidget) -> None:
        super().__init__(owner)
        self.owner = owner

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.owner.handle_key(event):
            event.accept()
            return
        super().keyPressEvent(event)


class _StoppedEnrolment(QUndoCommand):
    """A stop made from the timeline (already done when pushed)."""

    def __init__(self, ctx: AppContext, befores: Any) -> None:
        super().__init__("Stop sequence")
        self.ctx, self.befores = ctx, befores
        self._first = True

    def redo(self) -> None:
        from workbench.services.sequences import enrol

        if self._first:
            self._first = False
            return
        for before in self.befores:
            enrol.stop(self.ctx.wb, before.id, now=self.ctx.clock())
        self.ctx.notify(Topic.SEQUENCES)

    def undo(self) -> None:
        from workbench.services.sequences import enrol

        enrol.undo_stop(self.ctx.wb, self.befores, now=self.ctx.clock())
        self.ctx.notify(Topic.SEQUENCES)


#: What a load hands back: its generation, the entries, the record, its enrolments.
_Loaded = tuple[int, list[TimelineEntry], RecordSummary | None, list[EnrolmentView]]


class TimelineWidget(QWidget):
    #: The shown record's entries (and its phone/email links) are in place.
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ref: RecordRef | None = None
        self.own_log = False
        #: Which reload the newest started load belongs to; older results are dropped.
        self._generation = 0
        #: The record whose entries the list holds (None with own_log: the rep's log).
        self._shown: tuple[RecordRef | None, bool] | None = None
        self.loading = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        self.links = QLabel(self)
        self.links.setTextFormat(Qt.TextFormat.RichText)
        self.links.setWordWrap(True)  # a long email and a phone must not widen a narrow pane
        self.links.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.links.linkActivated.connect(self.open_link)
        self.log_button = QPushButton(self.tr("&Log a touch…"), self)
        self.log_button.setToolTip(self.tr("Log a call, email or meeting with this record (L on the list)"))
        self.log_button.clicked.connect(lambda: self.log_touch())
        header.addWidget(self.links, 1)
        header.addWidget(self.log_button)
        layout.addLayout(header)
        # The record's sequence enrolments (issue 21): the live one first, then why past ones stopped.
        self.sequences = QLabel(self)
        self.sequences.setWordWrap(True)
        self.sequences.setTextFormat(Qt.TextFormat.RichText)
        self.sequences.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.sequences.linkActivated.connect(self.enrolment_action)
        self.sequences.hide()
        layout.addWidget(self.sequences)
        self.model = TimelineModel(ctx, self)
        self.view = TimelineList(self)
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(True)
        # Wrapped rows have their own heights, and laying out an account's hundreds of
        # touches at once stopped the UI for over 100 ms: lay them out a batch per turn.
        self.view.setLayoutMode(QListView.LayoutMode.Batched)
        self.view.setBatchSize(40)
        self.view.setAlternatingRowColors(True)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        self.view.doubleClicked.connect(lambda _i: self.edit_current())
        # Embedded in scrolling detail panes, the list would otherwise shrink to a line or two.
        self.view.setMinimumHeight((self.view.fontMetrics().lineSpacing() * 2 + 8) * 6)
        layout.addWidget(self.view, 1)
        self.empty = QLabel(
            self.tr("Nothing logged yet. Press L or “Log a touch…” after your first call."), self
        )
        self.empty.setWordWrap(True)
        self.empty.setObjectName("emptyState")
        layout.addWidget(self.empty)
        self.hint = QLabel(
            self.tr("Enter edit · Del delete · Space done · S snooze · R reschedule · L log"), self
        )
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)  # in a narrow detail pane it would widen the pane
        layout.addWidget(self.hint)
        ctx.changed.connect(self._changed)

    # --- what to show -----------------------------------------------------------------------
    def show_for(self, kind: str | RecordKind | None, record_id: int | None = None) -> None:
        """Show the timeline of a record; ``kind=None`` shows the rep's own log."""
        self.show_record(None if kind is None or record_id is None else RecordRef.of(kind, record_id))

    def show_record(self, ref: RecordRef | None) -> None:
        self.ref = ref
        self.own_log = ref is None
        self.reload()

    def clear(self) -> None:
        self.ref = None
        self.own_log = False
        self._generation += 1  # a load still running is for a record no longer shown
        self.loading = False
        self._shown = None
        self.model.set_entries([], False)
        self.links.setText("")

    def reload(self) -> None:
        self._generation += 1
        self.log_button.setEnabled(self.ref is not None)
        if not self.ctx.has_workbench or (self.ref is None and not self.own_log):
            self.loading = False
            self._shown = None
            self.model.set_entries([], False)
            self.empty.setVisible(False)
            return
        wb, ref, generation = self.ctx.wb, self.ref, self._generation
        if self._shown != (ref, self.own_log):
            # Another record: never show the previous one's touches under its name.
            self._shown = None
            self.model.set_entries([], False)
            self.links.setText("")
            self.empty.setVisible(False)
        self.loading = True

        def load(_report: Any) -> _Loaded:
            enrolments = sequence_status.for_record(wb, ref) if ref is not None else []
            return generation, timeline(wb, ref), summarise(wb, ref) if ref is not None else None, enrolments

        job = Job(load)
        job.signals.finished.connect(self._loaded)
        job.signals.failed.connect(self._load_failed)
        start(job)

    def _loaded(self, result: _Loaded) -> None:
        generation, entries, summary, enrolments = result
        if generation != self._generation:
            return  # another record (or a newer state) was asked for meanwhile
        self.loading = False
        self._shown = (self.ref, self.own_log)
        self.model.set_entries(
            entries, self.ref is not None and self.ref.kind in (RecordKind.ACCOUNT, RecordKind.OPPORTUNITY)
        )
        self.empty.setVisible(not entries)
        self._fill_links(summary)
        self._fill_sequences(enrolments)
        self.loaded.emit()

    def _load_failed(self, exc: BaseException) -> None:
        self.loading = False
        log.warning("the timeline could not be read: %s", exc)
        self._status(self.tr("The timeline could not be read: {0}").format(exc))

    def _fill_links(self, summary: RecordSummary | None) -> None:
        parts = []
        if summary is not None and summary.phone:
            parts.append(_link("tel", summary.phone, "☎"))
        if summary is not None and summary.email:
            parts.append(_link("mailto", summary.email, "✉"))
        self.links.setText(" &nbsp; ".join(parts))

    def _fill_sequences(self, views: list[EnrolmentView]) -> None:
        several = self.ref is not None and self.ref.kind in (RecordKind.ACCOUNT, RecordKind.OPPORTUNITY)
        lines = []
        for v in views[:6]:
            text = html.escape(
                self.tr("Sequence: {0}").format((f"{v.person} — " if several else "") + v.summary)
            )
            actions = []
            if v.state == "active":
                actions.append(f"<a href='sequence-pause:{v.id}'>{self.tr('pause')}</a>")
            if v.state == "paused":
                actions.append(f"<a href='sequence-resume:{v.id}'>{self.tr('resume')}</a>")
            if v.live:
                actions.append(f"<a href='sequence-stop:{v.id}'>{self.tr('stop')}</a>")
            lines.append(text + (" &nbsp; " + " · ".join(actions) if actions else ""))
        if len(views) > 6:
            lines.append(html.escape(self.tr("… and {0} more").format(len(views) - 6)))
        self.sequences.setText("<br>".join(lines))
        self.sequences.setVisible(bool(lines))

    def enrolment_action(self, url: str) -> None:
        """Pause, resume or stop an enrolment from its line (stopping is undoable)."""
        action, _sep, value = url.partition(":")
        if not value.isdigit() or not self.ctx.has_workbench:
            return
        from workbench.services.sequences import enrol
        from workbench.services.sequences.templates import SequenceError

        wb, now, enrolment_id = self.ctx.wb, self.ctx.clock(), int(value)
        try:
            if action == "sequence-pause":
                enrol.pause(wb, enrolment_id, now=now)
            elif action == "sequence-resume":
                enrol.resume(wb, enrolment_id, now=now)
            elif action == "sequence-stop":
                befores = enrol.stop(wb, enrolment_id, now=now)
                self.ctx.undo_stack.push(_StoppedEnrolment(self.ctx, befores))
            else:
                return
        except SequenceError as exc:
            self._status(str(exc))
            return
        for topic in (Topic.SEQUENCES, Topic.ACTIVITIES):
            self.ctx.notify(topic)

    def _changed(self, topic: str) -> None:
        if topic in (Topic.ACTIVITIES, Topic.SEQUENCES, Topic.ALL) and (self.ref is not None or self.own_log):
            self.reload()

    # --- actions ------------------------------------------------------------------------------
    def current_entry(self) -> TimelineEntry | None:
        index = self.view.currentIndex()
        entry = index.data(ENTRY_ROLE) if index.isValid() else None
        return entry if isinstance(entry, TimelineEntry) else None

    def handle_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return False
        actions = keys.handlers(
            {
                "open": self.edit_current,
                "trash": self.delete_current,
                "done": self.toggle_done,
                "snooze": self.snooze_current,
                "reschedule": self.reschedule_current,
                "log": self.log_touch,
            }
        )
        action = actions.get(Qt.Key(key))
        if not callable(action):
            return False
        action()
        return True

    def log_touch(self, channel: str | None = None) -> Any:
        from workbench.ui.outreach.actions import open_quick_log

        return open_quick_log(self.ctx, self, target=self.ref, channel=channel)

    def open_link(self, url: str) -> Any:
        from workbench.ui.outreach.actions import open_contact_link

        return open_contact_link(self.ctx, self, url, self.ref)

    def edit_current(self) -> None:
        entry = self.current_entry()
        if entry is None:
            return
        if entry.is_followup:
            self.reschedule_current()
            return
        from workbench.ui.outreach.activity_edit import ActivityEditDialog

        if ActivityEditDialog.edit(self.ctx, self, entry):
            _notify(self.ctx)

    def delete_current(self) -> None:
        entry = self.current_entry()
        if entry is None:
            return
        text = self.tr("Delete follow-up") if entry.is_followup else self.tr("Delete activity")
        trash = outreach.trash_followup if entry.is_followup else outreach.trash_activity
        with undoable(self.ctx, text):
            trash(self.ctx.wb, entry.id, now=self.ctx.clock())
        _notify(self.ctx)
        self._status(self.tr("Moved to the trash. Undo with Ctrl+Z."))

    def toggle_done(self) -> None:
        entry = self.current_entry()
        if entry is None or not entry.is_followup:
            return
        now = self.ctx.clock()
        if entry.done_at is None:
            with undoable(self.ctx, self.tr("Mark follow-up done")):
                outreach.complete_followup(self.ctx.wb, entry.id, now=now)
        else:
            with undoable(self.ctx, self.tr("Reopen follow-up")):
                outreach.reopen_followup(self.ctx.wb, entry.id, now=now)
        _notify(self.ctx)

    def snooze_current(self) -> None:
        entry = self.current_entry()
        if entry is None or not entry.is_open:
            return
        with undoable(self.ctx, self.tr("Snooze follow-up")):
            due = outreach.snooze_followup(self.ctx.wb, entry.id, now=self.ctx.clock())
        _notify(self.ctx)
        self._status(self.tr("Snoozed to {0}.").format(fmt.datetime_text(due)))

    def reschedule_current(self) -> None:
        entry = self.current_entry()
        if entry is None or not entry.is_followup or entry.due_at is None:
            return
        from workbench.ui.outreach.activity_edit import RescheduleDialog

        due = RescheduleDialog.ask(self, entry.due_at, self.ctx.clock())
        if due is None:
            return
        with undoable(self.ctx, self.tr("Reschedule follow-up")):
            past = outreach.reschedule_followup(self.ctx.wb, entry.id, due, now=self.ctx.clock())
        _notify(self.ctx)
        if past:
            self._status(self.tr("That date has passed: the follow-up shows as overdue."))

    def _menu(self, pos: QPoint) -> None:
        entry = self.current_entry()
        menu = QMenu(self)
        menu.addAction(self.tr("Log a touch…\tL"), self.log_touch).setEnabled(self.ref is not None)
        if entry is not None:
            menu.addSeparator()
            if entry.is_followup:
                menu.addAction(
                    self.tr("Mark done\tSpace") if entry.done_at is None else self.tr("Reopen\tSpace"),
                    self.toggle_done,
                )
                menu.addAction(self.tr("Snooze one working day\tS"), self.snooze_current).setEnabled(
                    entry.is_open
                )
                menu.addAction(self.tr("Reschedule…\tR"), self.reschedule_current)
            else:
                menu.addAction(self.tr("Edit…\tEnter"), self.edit_current)
            menu.addAction(self.tr("Delete\tDel"), self.delete_current)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def _status(self, message: str) -> None:
        window = self.window()
        status = getattr(window, "statusBar", None)
        if callable(status):
            status().showMessage(message, 8000)
