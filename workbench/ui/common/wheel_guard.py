"""Edits only by intent: a mouse wheel passing over a combo box, spin box, date edit or
slider while the rep scrolls a pane must not change it (one notch over *Source* once
rewrote a lead's attribution). Handlers on the application's one event filter, installed at start,
covers every detail pane, dialog and settings page, including ones added later.

A guarded widget takes the wheel only while it has keyboard focus (click or Tab into
it first); otherwise the event goes on to the widget's parents, so the scroll area
under the pointer scrolls. Guarded widgets get ``Qt.StrongFocus`` so the wheel itself
never gives them focus.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QSlider, QWidget

from workbench.ui.common.app_events import app_events

_GUARDED = (QComboBox, QAbstractSpinBox, QSlider)


def _guarded(obj: QObject) -> QWidget | None:
    return obj if isinstance(obj, _GUARDED) else None


def _on_polish(watched: QObject, _event: QEvent) -> bool:
    widget = _guarded(watched)
    if widget is not None and widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return False


def _on_wheel(watched: QObject, event: QEvent) -> bool:
    widget = _guarded(watched)
    if widget is None or widget.hasFocus():
        return False
    parent = widget.parentWidget()
    if parent is not None:
        # Qt hands an ignored wheel event on to the parents; a copy sent to the
        # parent travels up to the scroll area the same way.
        QApplication.sendEvent(parent, event.clone())
    event.ignore()
    return True


def install(app: QApplication) -> None:
    """Install the guard on ``app`` (once; a second call changes nothing)."""
    events = app_events(app)
    if events is None or events.has(QEvent.Type.Wheel, _on_wheel):
        return
    events.on(QEvent.Type.Polish, _on_polish)
    events.on(QEvent.Type.Wheel, _on_wheel)
