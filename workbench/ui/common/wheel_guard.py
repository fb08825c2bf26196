"""Edits only by intent: a mouse wheel passing over a combo box, spin box, date edit or
slider while the rep scrolls a pane must not change it (one notch over *Source* once
rewrote a lead's attribution). One application-wide event filter, installed at start,
covers every detail pane, dialog and settings page, including ones added later.

A guarded widget takes the wheel only while it has keyboard focus (click or Tab into
it first); otherwise the event goes on to the widget's parents, so the scroll area
under the pointer scrolls. Guarded widgets get ``Qt.StrongFocus`` so the wheel itself
never gives them focus.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QSlider, QWidget

_GUARDED = (QComboBox, QAbstractSpinBox, QSlider)


def _guarded(obj: QObject) -> QWidget | None:
    return obj if isinstance(obj, _GUARDED) else None


class WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish:
            widget = _guarded(watched)
            if widget is not None and widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            return False
        if kind != QEvent.Type.Wheel:
            return False
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


def install(app: QApplication) -> WheelGuard:
    """Install the guard on ``app`` (once; a second call returns the same guard)."""
    existing = app.findChild(WheelGuard)
    if isinstance(existing, WheelGuard):
        return existing
    guard = WheelGuard(app)
    app.installEventFilter(guard)
    return guard
