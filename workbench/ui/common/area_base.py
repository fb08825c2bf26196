"""The contract of one area of the main window (Today, Targets, Leads…)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QLabel, QVBoxLayout, QWidget

from workbench.ui.common.context import AppContext


class Area(QWidget):
    """One area. Subclasses fill themselves in :meth:`reload` and emit ``populated``
    the first time they show data from the file (``--smoke`` waits for it)."""

    populated = Signal()
    #: Shown in the navigation.
    title = "Area"
    #: Topics of :class:`~workbench.ui.common.context.Topic` that make this area reload.
    topics: tuple[str, ...] = ()
    #: Whether this area needs an open workbench (the Manager view does not).
    needs_workbench = True

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        ctx.changed.connect(self._on_changed)
        ctx.workbenchReplaced.connect(self.mark_stale)

    def install_actions(self, window: object) -> None:
        """Add this area's actions to the window's menus (called once)."""

    def first_reads(self) -> Callable[[], object] | None:
        """The reads this area's first visit makes, as a function the warm-up runs on
        the thread pool (never touching a widget): SQLAlchemy compiles each statement
        on its first use, and on the large file those first compilations kept the UI
        thread over 100 ms when the rep first clicked the area. None: nothing to warm."""
        return None

    def open_record(self, record_id: int) -> bool:
        """Select and show the record ``record_id`` of this area's kind (Today and search
        call it after ``window.show_area``). True when it was found; the base does nothing."""
        return False

    def main_list(self) -> QWidget | None:
        """The list the rep works in, which gets the focus when the area is switched to
        (so ``/`` and the single keys work at once). The base picks the first visible
        list or table; an area with several overrides it."""
        for view in self.findChildren(QAbstractItemView):
            if view.isVisibleTo(self) and view.focusPolicy() != Qt.FocusPolicy.NoFocus:
                return view
        return None

    def activate(self) -> None:
        """Called when the area becomes visible; reloads if data changed meanwhile."""
        if self._stale and (self.ctx.has_workbench or not self.needs_workbench):
            self._stale = False
            self.reload()

    def mark_stale(self) -> None:
        self._stale = True
        if self.isVisible():
            self.activate()

    def _on_changed(self, topic: str) -> None:
        if topic == "all" or topic in self.topics:
            self.mark_stale()

    def reload(self) -> None:
        self.populated.emit()


def empty_state(text: str, parent: QWidget | None = None) -> QLabel:
    """A friendly sentence for an empty view: what it is for and what to do."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)  # it may name a record or a file
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setObjectName("emptyState")
    label.setMargin(24)
    return label


def simple_area_layout(widget: QWidget) -> QVBoxLayout:
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(12, 12, 12, 12)
    return layout
