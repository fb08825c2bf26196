"""The Sequences area: every template with its live counts; new (Ins), edit (Enter or
F2), copy, retire or bring back, delete (Del: asks, stops live enrolments, kept in
history), and Alt+Up / Alt+Down to reorder. Every change is undoable."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from workbench.services.sequences import deletion, templates
from workbench.services.sequences.deletion import Deleted
from workbench.services.sequences.templates import SequenceDraft, SequenceError, SequenceInfo
from workbench.ui.common.area_base import Area, empty_state, simple_area_layout
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.widgets import ask_yes_no

COLUMNS = ("Sequence", "Steps", "Working days", "Active", "Paused", "Finished", "Stopped")


class _Done(QUndoCommand):
    """A change already made when pushed; ``undo_fn`` / ``redo_fn`` replay it."""

    def __init__(self, ctx: AppContext, text: str, undo_fn: Any, redo_fn: Any) -> None:
        super().__init__(text)
        self.ctx, self.undo_fn, self.redo_fn = ctx, undo_fn, redo_fn
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self.redo_fn()
        self.ctx.notify(Topic.SEQUENCES)

    def undo(self) -> None:
        self.undo_fn()
        self.ctx.notify(Topic.SEQUENCES)


def confirm_delete(parent: QWidget, name: str, live: int) -> bool:
    """A seam tests answer."""
    text = parent.tr("Delete “{0}”?").format(name)
    if live:
        text += " " + parent.tr(
            "%n person(s) enrolled in it now: their enrolments stop (kept in their history).", "", live
        )
    return ask_yes_no(parent, parent.tr("Delete sequence"), text, warning=bool(live))


class SequenceTree(QTreeWidget):
    def __init__(self, area: SequencesArea) -> None:
        super().__init__(area)
        self.area = area

    def keyPressEvent(self, event: QKeyEvent) -> None:
        alt = event.modifiers() & Qt.KeyboardModifier.AltModifier
        key = event.key()
        handler = None
        if alt and key == Qt.Key.Key_Up:
            handler = lambda: self.area.move_current(-1)  # noqa: E731
        elif alt and key == Qt.Key.Key_Down:
            handler = lambda: self.area.move_current(1)  # noqa: E731
        elif not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            handler = {
                Qt.Key.Key_Return: self.area.edit_current,
                Qt.Key.Key_Enter: self.area.edit_current,
                Qt.Key.Key_F2: self.area.edit_current,
                Qt.Key.Key_Insert: self.area.new_sequence,
                Qt.Key.Key_Delete: self.area.delete_current,
            }.get(Qt.Key(key))
        if handler is not None:
            handler()
            event.accept()
            return
        super().keyPressEvent(event)


class SequencesArea(Area):
    title = "Sequences"
    needs_workbench = True
    topics = (Topic.SEQUENCES, Topic.ACTIVITIES, Topic.LEADS, Topic.SETTINGS)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.items: list[SequenceInfo] = []
        self.editor: Any = None
        layout = simple_area_layout(self)
        bar = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
            ("new", self.tr("&New…"), self.new_sequence),
            ("edit", self.tr("&Edit…"), self.edit_current),
            ("copy", self.tr("&Copy"), self.copy_current),
            ("retire", self.tr("&Retire / bring back"), self.toggle_retired),
            ("delete", self.tr("&Delete…"), self.delete_current),
        ):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            bar.addWidget(button)
            self.buttons[key] = button
        bar.addStretch(1)
        layout.addLayout(bar)
        self.tree = SequenceTree(self)
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels([self.tr(c) for c in COLUMNS])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.itemDoubleClicked.connect(lambda _i, _c: self.edit_current())
        self.tree.currentItemChanged.connect(lambda *_a: self._show_current())
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.tree, 2)
        self.detail = QLabel(self)
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.detail, 1)
        from workbench.ui.sequences.stats_panel import StatsPanel

        self.stats = StatsPanel(ctx, self)
        # The area is shown once its statistics are in (they come from the thread pool).
        self.stats.computed.connect(self.populated.emit)
        layout.addWidget(self.stats, 2)
        self.empty = empty_state(
            self.tr("No sequences yet: press Ins (or New…) to plan a series of touches."), self
        )
        layout.addWidget(self.empty)
        self.nobody = empty_state(
            self.tr(
                "Nobody is enrolled yet. Select leads in Leads, or a target account in Targets, "
                "and press Ctrl+Shift+S to start a sequence; its steps then come up on Today."
            ),
            self,
        )
        layout.addWidget(self.nobody)
        hint = QLabel(
            self.tr("Enter edits · Ins new · Del deletes · Alt+Up/Down reorder · Ctrl+Z undoes"), self
        )
        hint.setObjectName("hint")
        layout.addWidget(hint)

    # --- data ------------------------------------------------------------------------------
    def reload(self) -> None:
        keep = self.current_id()
        self.items = templates.list_sequences(self.ctx.wb)
        self.tree.clear()
        for info in self.items:
            name = info.name + (self.tr(" (retired)") if info.retired else "")
            counts = info.counts
            item = QTreeWidgetItem(
                [
                    name,
                    str(len(info.steps)),
                    str(info.total_days),
                    *(str(counts.get(k, 0)) for k in ("active", "paused", "finished", "stopped")),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, info.id)
            for column in range(1, len(COLUMNS)):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if info.retired:
                item.setForeground(0, self.palette().placeholderText())
            self.tree.addTopLevelItem(item)
        self.tree.setVisible(bool(self.items))
        self.empty.setVisible(not self.items)
        self.stats.set_sequences(self.items)
        self.select(keep if keep is not None else (self.items[0].id if self.items else None))
        self._show_current()
        self.nobody.setVisible(bool(self.items) and not any(sum(s.counts.values()) for s in self.items))

    def select(self, sequence_id: int | None) -> None:
        for row in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(row)
            if item is not None and item.data(0, Qt.ItemDataRole.UserRole) == sequence_id:
                self.tree.setCurrentItem(item)
                return

    def current_id(self) -> int | None:
        item = self.tree.currentItem()
        value = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        return int(value) if value is not None else None

    def current(self) -> SequenceInfo | None:
        wanted = self.current_id()
        return next((s for s in self.items if s.id == wanted), None)

    def _show_current(self) -> None:
        info = self.current()
        if info is None:
            self.detail.setText("")
            return
        lines = [info.description] if info.description else []
        for step in info.steps:
            what = step.subject if step.channel == "email" else step.instructions
            lines.append(f"{step.position + 1}. +{step.wait_days} d  {step.channel.capitalize()}  {what}")
        lines.append(self.tr("Stops on: {0}").format(", ".join(info.stop_outcomes) or self.tr("nothing")))
        self.detail.setText("\n".join(lines))
        self.stats.show_sequence(info.id)

    # --- actions ---------------------------------------------------------------------------
    def _edit(self, sequence_id: int | None) -> None:
        from workbench.ui.sequences.editor import SequenceEditor

        editor = SequenceEditor(self.ctx, self, sequence_id=sequence_id)
        self.editor = editor
        editor.accepted.connect(lambda e=editor: self._edited(e))
        editor.open()

    def _edited(self, editor: Any) -> None:
        wb = self.ctx.wb
        saved, before, draft = editor.saved_id, editor.before, editor.draft()
        if before is None:  # created
            self.ctx.undo_stack.push(
                _Done(
                    self.ctx,
                    self.tr("New sequence {0}").format(draft.name),
                    lambda: deletion.delete_sequence(wb, saved, now=self.ctx.clock(), stop_live=True),
                    lambda: deletion.restore_sequence(wb, Deleted(saved, ()), now=self.ctx.clock()),
                )
            )
        else:
            self.ctx.undo_stack.push(self._update_command(saved, before, draft))
        self.ctx.notify(Topic.SEQUENCES)
        self.reload()
        self.select(saved)

    def _update_command(self, sequence_id: int, before: SequenceDraft, after: SequenceDraft) -> _Done:
        wb = self.ctx.wb
        return _Done(
            self.ctx,
            self.tr("Edit sequence {0}").format(after.name),
            lambda: templates.update_sequence(wb, sequence_id, before, now=self.ctx.clock()),
            lambda: templates.update_sequence(wb, sequence_id, after, now=self.ctx.clock()),
        )

    def new_sequence(self) -> None:
        self._edit(None)

    def edit_current(self) -> None:
        if self.current_id() is not None:
            self._edit(self.current_id())

    def copy_current(self) -> None:
        info = self.current()
        if info is None:
            return
        wb = self.ctx.wb
        new_id = templates.copy_sequence(wb, info.id, now=self.ctx.clock())
        self.ctx.undo_stack.push(
            _Done(
                self.ctx,
                self.tr("Copy sequence {0}").format(info.name),
                lambda: deletion.delete_sequence(wb, new_id, now=self.ctx.clock(), stop_live=True),
                lambda: deletion.restore_sequence(wb, Deleted(new_id, ()), now=self.ctx.clock()),
            )
        )
        self.ctx.notify(Topic.SEQUENCES)
        self.reload()
        self.select(new_id)

    def toggle_retired(self) -> None:
        info = self.current()
        if info is None:
            return
        wb, retired = self.ctx.wb, not info.retired
        templates.set_retired(wb, info.id, retired, now=self.ctx.clock())
        self.ctx.undo_stack.push(
            _Done(
                self.ctx,
                self.tr("Retire sequence {0}").format(info.name)
                if retired
                else self.tr("Bring back {0}").format(info.name),
                lambda: templates.set_retired(wb, info.id, not retired, now=self.ctx.clock()),
                lambda: templates.set_retired(wb, info.id, retired, now=self.ctx.clock()),
            )
        )
        self.ctx.notify(Topic.SEQUENCES)
        self.reload()

    def delete_current(self) -> None:
        info = self.current()
        if info is None:
            return
        wb = self.ctx.wb
        live = deletion.live_enrolments(wb, info.id)
        if not confirm_delete(self, info.name, live):
            return
        try:
            done = deletion.delete_sequence(wb, info.id, now=self.ctx.clock(), stop_live=True)
        except SequenceError as exc:
            self.detail.setText(str(exc))
            return
        self.ctx.undo_stack.push(
            _Done(
                self.ctx,
                self.tr("Delete sequence {0}").format(info.name),
                lambda: deletion.restore_sequence(wb, done, now=self.ctx.clock()),
                lambda: deletion.delete_sequence(wb, info.id, now=self.ctx.clock(), stop_live=True),
            )
        )
        self.ctx.notify(Topic.SEQUENCES)
        self.reload()

    def move_current(self, delta: int) -> None:
        ids = [s.id for s in self.items]
        current = self.current_id()
        if current is None:
            return
        row = ids.index(current)
        target = row + delta
        if not 0 <= target < len(ids):
            return
        before = list(ids)
        ids[row], ids[target] = ids[target], ids[row]
        wb = self.ctx.wb
        templates.reorder_sequences(wb, ids, now=self.ctx.clock())
        self.ctx.undo_stack.push(
            _Done(
                self.ctx,
                self.tr("Reorder sequences"),
                lambda: templates.reorder_sequences(wb, before, now=self.ctx.clock()),
                lambda: templates.reorder_sequences(wb, ids, now=self.ctx.clock()),
            )
        )
        self.reload()
        self.select(current)
