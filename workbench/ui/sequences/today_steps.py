"""The sequence steps due now, as a section of Today: "Call · step 3 of 7 · New inbound".

Enter (or L) does the current step (:mod:`workbench.ui.sequences.work_step`); X skips
it (undoable). Overdue steps are red and stay listed until done — nothing is skipped
behind the rep's back. Read synchronously: one walk of an index, 50 rows."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.services.sequences import enrol
from workbench.services.sequences.due import DueStep, due_steps
from workbench.services.sequences.enrol import StepUndo
from workbench.services.sequences.templates import SequenceError
from workbench.ui.common import format as fmt
from workbench.ui.common.context import AppContext, Topic


class SkipCommand(QUndoCommand):
    """A skipped step (already skipped when pushed, so a refusal is shown, not swallowed)."""

    def __init__(self, ctx: AppContext, step: DueStep, snap: StepUndo) -> None:
        super().__init__(f"Skip step {step.step + 1} of {step.person}")
        self.ctx, self.step, self.snap = ctx, step, snap
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self.snap = enrol.skip_step(self.ctx.wb, self.step.enrolment_id, now=self.ctx.clock())
        self.ctx.notify(Topic.SEQUENCES)

    def undo(self) -> None:
        enrol.undo_step(self.ctx.wb, self.snap, now=self.ctx.clock())
        self.ctx.notify(Topic.SEQUENCES)


class StepTree(QTreeWidget):
    def __init__(self, panel: DueStepsPanel) -> None:
        super().__init__(panel)
        self.panel = panel

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            handler = {
                Qt.Key.Key_Return: self.panel.work_current,
                Qt.Key.Key_Enter: self.panel.work_current,
                Qt.Key.Key_L: self.panel.work_current,
                Qt.Key.Key_X: self.panel.skip_current,
            }.get(Qt.Key(event.key()))
            if handler is not None:
                handler()
                event.accept()
                return
        super().keyPressEvent(event)


class DueStepsPanel(QWidget):
    """Today's "Sequence steps" section."""

    #: Emitted after each reload with the number of due steps.
    loaded = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.steps: list[DueStep] = []
        self.total = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(self)
        self.title.setObjectName("heading")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.tree = StepTree(self)
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([self.tr("Step"), self.tr("Who"), self.tr("Due")])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.itemDoubleClicked.connect(lambda _i, _c: self.work_current())
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        metrics = self.tree.fontMetrics()
        header.resizeSection(0, metrics.averageCharWidth() * 40)
        # Up to five rows in view; the list scrolls, the rest of Today stays visible.
        self.tree.setMaximumHeight(metrics.lineSpacing() * 8 + 16)
        layout.addWidget(self.tree)
        hint = QLabel(self.tr("Enter does the step · X skips it"), self)
        hint.setObjectName("hint")
        layout.addWidget(hint)
        ctx.changed.connect(self._changed)

    def _changed(self, topic: str) -> None:
        if topic in (Topic.SEQUENCES, Topic.ACTIVITIES, Topic.LEADS, Topic.ALL) and self.ctx.has_workbench:
            self.reload()

    def reload(self) -> None:
        now = self.ctx.clock()
        self.steps, self.total = due_steps(self.ctx.wb, now)
        current = self.tree.currentIndex().row()
        self.tree.clear()
        red = QBrush(QColor("#c62828"))
        for step in self.steps:
            who = (
                f"{step.person} · {step.company}"
                if step.company and step.company != step.person
                else step.person
            )
            due = fmt.datetime_text(step.due_at)
            if step.overdue:
                due = self.tr("{0} — overdue").format(due)
            item = QTreeWidgetItem([step.label, who, due])
            item.setToolTip(0, step.instructions)
            if step.overdue:
                item.setForeground(2, red)
            self.tree.addTopLevelItem(item)
        self.title.setText(self.tr("Sequence steps due ({0})").format(self.total))
        self.setVisible(bool(self.steps))
        chosen = self.tree.topLevelItem(min(max(current, 0), len(self.steps) - 1)) if self.steps else None
        if chosen is not None:
            self.tree.setCurrentItem(chosen)
        self.loaded.emit(self.total)

    def current_step(self) -> DueStep | None:
        row = self.tree.currentIndex().row()
        return self.steps[row] if 0 <= row < len(self.steps) else None

    def work_current(self) -> Any:
        from workbench.ui.sequences.work_step import work_step

        step = self.current_step()
        if step is None:
            return None
        dialog = work_step(self.ctx, self, step)
        if dialog is not None:
            dialog.logged.connect(lambda _l: self.reload())
        return dialog

    def skip_current(self) -> None:
        step = self.current_step()
        if step is None:
            return
        try:
            snap = enrol.skip_step(self.ctx.wb, step.enrolment_id, now=self.ctx.clock())
        except SequenceError as exc:
            self.title.setText(str(exc))
            return
        self.ctx.undo_stack.push(SkipCommand(self.ctx, step, snap))
        self.ctx.notify(Topic.SEQUENCES)
