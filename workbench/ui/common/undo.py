"""One undo history for every change a rep makes: each step is the store's journal of
what one action wrote (:mod:`workbench.store.journal`), so undo and redo put rows back
exactly — and refuse, naming the record, when a row changed since. The file, not the
widgets, is undone.

Two ways in: :func:`undoable` around service calls that already ran their checks
(``with undoable(ctx, "Move deal"): pipeline.move_to_stage(…)``), or
:class:`ServiceCommand` when the change should run as the command is pushed.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from workbench.store import journal
from workbench.store.journal import RowChange, UndoConflict
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.errors import expected_message

State = TypeVar("State")
log = logging.getLogger(__name__)


def tell_refused(title: str, message: str) -> None:
    """Say why an undo or redo was refused (tests replace this function)."""
    QMessageBox.warning(QApplication.activeWindow(), title, message)


def say_not_undoable(text: str) -> None:
    """Tell the rep that ``text`` cannot be undone (tests replace this function)."""
    window = QApplication.activeWindow()
    if isinstance(window, QMainWindow):
        message = QApplication.translate("undo", "“{0}” cannot be undone; the undo history starts after it.")
        window.statusBar().showMessage(message.format(text), 10000)


class JournalCommand(QUndoCommand):
    """A step already written; undo and redo replay its journal."""

    def __init__(self, ctx: AppContext, text: str, changes: list[RowChange], topic: str = Topic.ALL) -> None:
        super().__init__(text)
        self.ctx = ctx
        self.changes = changes
        self.topic = topic
        self._written = True  # the first redo() (from push) finds the change already made

    def redo(self) -> None:
        if self._written:
            self._written = False
            return
        self._replay(journal.redo, "Cannot redo")

    def undo(self) -> None:
        self._replay(journal.undo, "Cannot undo")

    def _replay(self, step: Callable[..., None], title: str) -> None:
        try:
            step(self.ctx.wb.engine, self.changes)
        except UndoConflict as exc:
            self._refuse(f"{title} “{self.text()}”", str(exc))
            return
        except Exception as exc:
            message = expected_message(exc)
            if message is None:
                raise
            self._refuse(f"{title} “{self.text()}”", message)
            return
        self.ctx.notify(self.topic)

    def _refuse(self, title: str, message: str) -> None:
        # Qt drops an obsolete command from the stack; the rest of the history goes
        # once this call has returned: nothing older may be undone past a refusal.
        self.setObsolete(True)
        QTimer.singleShot(0, self.ctx.undo_stack.clear)
        tell_refused(title, message + " The undo history stops here.")


def push_recording(ctx: AppContext, text: str, recording: journal.Recording, topic: str = Topic.ALL) -> None:
    """Put what ``recording`` holds on the undo stack (nothing when nothing was written)."""
    if recording.incomplete:
        # A write the journal cannot see: this step cannot be undone, and undoing older
        # steps across it could overwrite it.
        log.warning("%s wrote outside the journal; the undo history stops here", text)
        ctx.undo_stack.clear()
        say_not_undoable(text)
        return
    if recording.changes:
        ctx.undo_stack.push(JournalCommand(ctx, text, list(recording.changes), topic))


@contextlib.contextmanager
def undoable(ctx: AppContext, text: str, topic: str = Topic.ALL) -> Iterator[journal.Recording]:
    """Journal what the block writes as one undoable step named ``text``. An exception
    propagates; whatever was committed before it is still undoable."""
    with journal.recording() as recording:
        try:
            yield recording
        finally:
            push_recording(ctx, text, recording, topic)


class ServiceCommand(QUndoCommand, Generic[State]):
    """``do()`` changes the file as the command is pushed (its result kept in ``state``);
    undo and redo replay the journal of what it wrote."""

    def __init__(self, ctx: AppContext, text: str, do: Callable[[], State], topic: str = Topic.LEADS) -> None:
        super().__init__(text)
        self.ctx = ctx
        self._do = do
        self._topic = topic
        self.state: State | None = None
        self._step: JournalCommand | None = None

    def redo(self) -> None:
        if self._step is None:
            with journal.recording() as recording:
                self.state = self._do()
            self._step = JournalCommand(self.ctx, self.text(), list(recording.changes), self._topic)
            self._step.redo()  # marks it written
            if recording.incomplete:
                self.setObsolete(True)
                QTimer.singleShot(0, self.ctx.undo_stack.clear)
                say_not_undoable(self.text())
            self.ctx.notify(self._topic)
            return
        self._step.redo()
        self.setObsolete(self._step.isObsolete())

    def undo(self) -> None:
        if self._step is not None:
            self._step.undo()
            self.setObsolete(self._step.isObsolete())


def push(command: QUndoCommand, ctx: AppContext) -> None:
    ctx.undo_stack.push(command)
