"""An undoable step over services: ``do()`` changes the file and returns what
``undo(state)`` needs to put it back; the command tells the views what changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtGui import QUndoCommand

from workbench.ui.common.context import AppContext, Topic

State = TypeVar("State")


class ServiceCommand(QUndoCommand, Generic[State]):
    """``do()`` changes the file and returns what ``undo(state)`` needs to put it back."""

    def __init__(
        self,
        ctx: AppContext,
        text: str,
        do: Callable[[], State],
        undo: Callable[[State], Any],
        topic: str = Topic.LEADS,
    ) -> None:
        super().__init__(text)
        self.ctx = ctx
        self._do = do
        self._undo = undo
        self._topic = topic
        self.state: State | None = None

    def redo(self) -> None:
        self.state = self._do()
        self.ctx.notify(self._topic)

    def undo(self) -> None:
        if self.state is not None:
            self._undo(self.state)
        self.ctx.notify(self._topic)


def push(command: QUndoCommand, ctx: AppContext) -> None:
    ctx.undo_stack.push(command)
