"""What every area of the window shares: the open workbench, the undo stack, and a
signal that tells all areas when data of some kind changed."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from workbench.services.clock import Clock, system_clock
from workbench.store import Workbench
from workbench.ui.common import plural


class Topic:
    """Names for :attr:`AppContext.changed`; an area refreshes on the topics it shows."""

    LEADS = "leads"
    ACTIVITIES = "activities"
    ACCOUNTS = "accounts"
    OPPORTUNITIES = "opportunities"
    SETTINGS = "settings"
    SEQUENCES = "sequences"
    ALL = "all"


class AppContext(QObject):
    changed = Signal(str)
    workbenchReplaced = Signal()

    def __init__(
        self, wb: Workbench | None, clock: Clock = system_clock, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._wb = wb
        self.clock = clock
        self.undo_stack = QUndoStack(self)
        plural.install()  # "1 lead", "2 leads" in every area (once per application)

    @property
    def wb(self) -> Workbench:
        if self._wb is None:
            raise RuntimeError("no workbench is open")
        return self._wb

    @property
    def has_workbench(self) -> bool:
        return self._wb is not None

    def replace_workbench(self, wb: Workbench | None) -> None:
        old, self._wb = self._wb, wb
        self.undo_stack.clear()
        if old is not None and old is not wb:
            old.close()
        self.workbenchReplaced.emit()

    def notify(self, topic: str) -> None:
        self.changed.emit(topic)
