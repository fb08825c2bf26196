"""A row of choices picked with one key each ("C" for call, "3" for no answer).

The row takes the keyboard focus as a whole; its buttons never do, so Tab moves past
it in one step. Left/Right move between choices; Enter is left to the dialog (save).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QButtonGroup, QFrame, QHBoxLayout, QToolButton, QWidget


class KeyPicker(QFrame):
    """Choices ``(value, key, label)``; ``chosen`` fires with the value on every pick
    made by key, click or :meth:`set_value` (``""`` when cleared)."""

    chosen = Signal(str)

    def __init__(
        self,
        choices: Sequence[tuple[str, str, str]],
        parent: QWidget | None = None,
        *,
        allow_none: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("keyPicker")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.allow_none = allow_none
        self.values = [value for value, _key, _label in choices]
        self._keys = {key.casefold(): value for value, key, _label in choices}
        self.group = QButtonGroup(self)
        self.group.setExclusive(not allow_none)
        self.buttons: dict[str, QToolButton] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        row.setSpacing(4)
        for value, key, label in choices:
            button = QToolButton(self)
            button.setText(f"{key} {label}")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            # A checked button takes the theme's padding (theme.py: 10 px a side and a
            # border) while the layout keeps the unchecked size: room for it up front, or
            # the chosen channel reads "C…l".
            text_w = button.fontMetrics().horizontalAdvance(button.text())
            button.setMinimumWidth(max(button.sizeHint().width(), text_w + 2 * 10 + 2 + 6))
            button.clicked.connect(lambda _checked=False, v=value: self._clicked(v))
            self.group.addButton(button)
            self.buttons[value] = button
            row.addWidget(button)
        row.addStretch(1)
        self._value = ""
        self._show_focus(False)

    @property
    def value(self) -> str:
        return self._value

    def set_value(self, value: str) -> None:
        if value and value not in self.buttons:
            raise ValueError(f"unknown choice {value!r}")
        self._value = value
        for v, button in self.buttons.items():
            button.setChecked(v == value)
        self.chosen.emit(value)

    def _clicked(self, value: str) -> None:
        if self.allow_none and value == self._value:
            self.set_value("")
        else:
            self.set_value(value)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        text = event.text().casefold()
        if text and text in self._keys and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.set_value(self._keys[text])
            event.accept()
            return
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            at = self.values.index(self._value) if self._value in self.values else -1
            step = 1 if key == Qt.Key.Key_Right else -1
            self.set_value(self.values[(at + step) % len(self.values)])
            event.accept()
            return
        if key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete) and self.allow_none:
            self.set_value("")
            event.accept()
            return
        super().keyPressEvent(event)  # Enter, Esc, Tab: the dialog's

    def focusInEvent(self, event: QFocusEvent) -> None:
        self._show_focus(True)
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._show_focus(False)
        super().focusOutEvent(event)

    def _show_focus(self, focused: bool) -> None:
        # A picker has no text cursor: a highlighted frame shows where the keys go.
        self.setStyleSheet(
            "QFrame#keyPicker { border: 2px solid palette(highlight); border-radius: 4px; }"
            if focused
            else "QFrame#keyPicker { border: 2px solid transparent; }"
        )
