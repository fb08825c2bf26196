"""App-wide shortcuts that work from any field of the main window.

A text field claims some Ctrl keys for itself before the window sees them (Ctrl+E, Ctrl+K
and Ctrl+L edit the line on X11-style desktops), so Export, Search and Quick log did
nothing while the cursor was in a field. This filter refuses the field's claim for the
app-wide keys listed here; every other key (Ctrl+Z, Ctrl+A, Ctrl+C…) stays the field's.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QWidget

from workbench.ui.common.app_events import app_events

#: The window's commands that must answer from every widget of the window.
APP_WIDE: tuple[str, ...] = (
    "Ctrl+K",
    "Ctrl+L",
    "Ctrl+E",
    "Ctrl+I",
    "Ctrl+N",
    "Ctrl+1",
    "Ctrl+2",
    "Ctrl+3",
    "Ctrl+4",
    "Ctrl+5",
    "Ctrl+6",
    "Ctrl+/",
    "Ctrl+,",
)
_COMBINED = {QKeySequence(text)[0].toCombined() for text in APP_WIDE}  # type: ignore[index]


class WindowKeys(QObject):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        events = app_events()
        if events is not None:
            events.on(QEvent.Type.ShortcutOverride, self._on_shortcut_override, owner=self)

    def _on_shortcut_override(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(event, QKeyEvent):
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self.window:
            return False
        if event.keyCombination().toCombined() in _COMBINED:
            event.ignore()  # not the field's: the window's shortcut runs
            return True
        return False
