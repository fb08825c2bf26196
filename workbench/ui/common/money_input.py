"""A line edit for amounts: typed in the rep's locale, refused with a reason when not a usable amount."""

from __future__ import annotations

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QLineEdit, QWidget

from workbench.services.pipeline.stages import InvalidAmount, check_amount, parse_amount
from workbench.services.tables import ColumnKind
from workbench.ui.common import format as fmt


class AmountEdit(QLineEdit):
    """Free text, so that a mistyped amount gets a message instead of silently becoming 0."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(self.tr("e.g. 12500"))
        self.setAlignment(fmt.alignment(ColumnKind.MONEY))

    def set_amount(self, value: float) -> None:
        self.setText(QLocale().toString(float(value), "f", 0) if value else "")

    def amount(self) -> float:
        """The amount typed (empty = 0); :class:`InvalidAmount` says what is wrong."""
        text = self.text().strip()
        if not text:
            return 0.0
        value, ok = QLocale().toDouble(text)
        if ok:
            return check_amount(value)
        return parse_amount(text)


__all__ = ["AmountEdit", "InvalidAmount"]
