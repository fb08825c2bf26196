"""A date field that takes a date typed in the locale's format (as shown) and in ISO
(``2026-03-05``), typed or pasted — a date copied from a spreadsheet or an email works
without retyping it in the field's own order.

Qt's date edit types section by section in its display format, so an ISO date typed
key by key is recognised from the keys themselves: once the digits and dashes typed in
a row read as a valid ISO date, that is the date. A pasted ISO text goes through
:meth:`validate` and :meth:`dateTimeFromText`.
"""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QDate, QDateTime
from PySide6.QtGui import QFocusEvent, QKeyEvent, QValidator
from PySide6.QtWidgets import QDateEdit, QWidget

_ISO = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*")


def iso_date(text: str) -> QDate | None:
    """The date an ISO text names, or None (not ISO, or no such day)."""
    match = _ISO.fullmatch(text)
    if match is None:
        return None
    try:
        value = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return QDate(value.year, value.month, value.day)


class DateEdit(QDateEdit):
    def __init__(self, value: QDate | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._typed = ""
        if value is not None:
            self.setDate(value)

    def _fits(self, value: QDate) -> bool:
        return self.minimumDate() <= value <= self.maximumDate()

    # --- typed key by key ---------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.text()
        if key and (key.isdigit() or key == "-"):
            self._typed = (self._typed + key)[-10:]
            if "-" in self._typed:
                # An ISO date in the making: the dash is no separator of the display
                # format, so Qt would refuse it. Two digits of day complete it; a
                # shorter one ("2026-3-5") counts when the rep leaves the field.
                if re.search(r"-\d{2}$", self._typed) and self._typed.count("-") == 2:
                    self._take_typed()
                event.accept()
                return
        else:
            self._take_typed()
            self._typed = ""
        super().keyPressEvent(event)

    def _take_typed(self) -> None:
        found = iso_date(self._typed) if self._typed.count("-") == 2 else None
        if found is not None and self._fits(found):
            self.setDate(found)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self._typed = ""
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._take_typed()
        self._typed = ""
        super().focusOutEvent(event)

    # --- pasted -------------------------------------------------------------------------
    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        found = iso_date(text)
        if found is not None:
            return (QValidator.State.Acceptable if self._fits(found) else QValidator.State.Invalid), text, pos
        return super().validate(text, pos)

    def dateTimeFromText(self, text: str) -> QDateTime:
        found = iso_date(text)
        if found is not None:
            return QDateTime(found, self.time())
        return super().dateTimeFromText(text)
