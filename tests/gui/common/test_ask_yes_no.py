"""The yes/no question every "are you sure?" goes through: Enter answers No."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from workbench.ui.common.widgets import ask_yes_no


def _answer_when_shown(qtbot: QtBot, key: Qt.Key, seen: list[str]) -> None:
    def press() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, press)
            return
        seen.append(box.icon().name)
        qtbot.keyClick(box, key)

    QTimer.singleShot(0, press)


@pytest.mark.parametrize(("warning", "icon"), [(False, "Question"), (True, "Warning")])
def test_enter_answers_no_and_y_answers_yes(qtbot: QtBot, warning: bool, icon: str) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[str] = []
    _answer_when_shown(qtbot, Qt.Key.Key_Return, seen)
    assert ask_yes_no(parent, "Empty trash", "Delete everything for good?", warning=warning) is False
    _answer_when_shown(qtbot, Qt.Key.Key_Y, seen)
    assert ask_yes_no(parent, "Empty trash", "Delete everything for good?", warning=warning) is True
    assert seen == [icon, icon]
