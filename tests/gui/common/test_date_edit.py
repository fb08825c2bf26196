"""Date fields accept a date typed in the locale's format and in ISO, typed or pasted."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from workbench.ui.common.date_edit import DateEdit


def field(qtbot: QtBot) -> DateEdit:
    edit = DateEdit(QDate(2026, 1, 1))
    qtbot.addWidget(edit)
    edit.show()
    qtbot.waitExposed(edit)
    edit.setFocus()
    return edit


def test_an_iso_date_typed_key_by_key(qtbot: QtBot) -> None:
    edit = field(qtbot)
    qtbot.keyClicks(edit, "2026-03-05")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert edit.date() == QDate(2026, 3, 5)


def test_an_impossible_iso_date_sets_nothing(qtbot: QtBot) -> None:
    edit, reference = field(qtbot), field(qtbot)
    qtbot.keyClicks(reference, "2026")  # what the field makes of the digits before the first dash
    edit.setFocus()
    qtbot.keyClicks(edit, "2026-02-31")
    assert edit.date() == reference.date()  # no 31 February, no rolling over into March


def test_a_pasted_iso_date_and_a_locale_date(qtbot: QtBot, qapp: Any) -> None:
    edit = field(qtbot)
    QApplication.clipboard().setText("2026-07-09")
    line = edit.lineEdit()
    assert line is not None
    line.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert edit.date() == QDate(2026, 7, 9)
    QApplication.clipboard().setText(QDate(2026, 11, 23).toString(edit.displayFormat()))
    line.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert edit.date() == QDate(2026, 11, 23)
