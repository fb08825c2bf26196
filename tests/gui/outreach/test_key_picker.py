"""The one-key choice rows of the quick log and the Today dialogs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from workbench.ui.common.theme import STYLE
from workbench.ui.outreach.key_picker import KeyPicker

CHOICES = [("call", "C", "Call"), ("email", "E", "Email"), ("meeting", "M", "Meeting")]


def test_a_chosen_button_shows_its_whole_label(qtbot: QtBot) -> None:
    """The theme pads a checked button more than an unchecked one; the chosen channel
    still reads "C Call", not "C…l"."""
    host = QWidget()
    host.setStyleSheet(STYLE)
    picker = KeyPicker(CHOICES, host)
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    for value, key, _label in CHOICES:
        picker.setFocus()
        qtbot.keyClick(picker, key)
        assert picker.value == value
        button = picker.buttons[value]
        assert button.isChecked()
        needed = button.fontMetrics().horizontalAdvance(button.text()) + 2 * 10 + 2
        assert button.width() >= needed, (button.text(), button.width(), needed)
    assert picker.focusPolicy() == Qt.FocusPolicy.StrongFocus
