"""Small widget helpers shared by the areas."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMessageBox, QTableView, QWidget


def text_width(widget: QWidget, sample: str, extra: int = 0) -> int:
    """The width ``sample`` takes in ``widget``'s font, plus ``extra`` (padding, an
    icon): sizes derived from the font grow with it at 125–200 % scaling or with a
    bigger system font, where fixed pixel widths clip the text."""
    return widget.fontMetrics().horizontalAdvance(sample) + extra


def configure_big_table(view: QTableView) -> None:
    """Settings for a table over many rows: fixed row height, no content-based sizing
    (ResizeToContents over a million rows freezes the UI), sorting through the model."""
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    vertical = view.verticalHeader()
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(view.fontMetrics().height() + 8)
    vertical.hide()
    horizontal = view.horizontalHeader()
    horizontal.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    horizontal.setStretchLastSection(True)
    horizontal.setSortIndicatorShown(True)
    horizontal.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def ask_yes_no(parent: QWidget | None, title: str, text: str, *, warning: bool = False) -> bool:
    """A yes/no question with No as the default (Enter never confirms by accident);
    ``warning`` for what cannot be undone. Modules wrap it in a function of their own
    that tests replace to answer."""
    ask = QMessageBox.warning if warning else QMessageBox.question
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    return ask(parent, title, text, buttons, QMessageBox.StandardButton.No) == QMessageBox.StandardButton.Yes


def plain(text: str) -> str:
    """A menu text without its mnemonic ampersand and trailing dots."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".…").strip()
