"""A small read-only table model for figures a service computed (rollups, drill-downs).

Rows are ``(style, value, value, …)``; columns carry a :class:`ColumnKind` so values
display like everywhere else (locale numbers, dates, percentages). Sorting happens in
the model on the raw values — these tables hold hundreds of rows, not millions.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from workbench.services.tables import ColumnKind
from workbench.ui.common import format as fmt
from workbench.ui.common.sql_table import RAW_ROLE, STYLE_COLOURS

log = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex

#: Row styles of this model on top of the shared colours.
STYLE_TOTAL = "total"
STYLE_REJECTED = "rejected"
COLOURS = {**STYLE_COLOURS, STYLE_REJECTED: "#c62828"}


class FiguresModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[tuple[str, ColumnKind]], parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[tuple[Any, ...]] = []
        #: The currency of this table's amounts ("" = the default one).
        self.currency = ""

    def set_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        self.beginResetModel()
        self._rows = [tuple(r) for r in rows]
        self.endResetModel()

    def row_values(self, row: int) -> tuple[Any, ...]:
        return self._rows[row][1:]

    def row_style(self, row: int) -> str:
        return str(self._rows[row][0] or "")

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self._columns[section][0]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return fmt.alignment(self._columns[section][1])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        try:
            record = self._rows[index.row()]
            kind = self._columns[index.column()][1]
            value = record[index.column() + 1]
            style = str(record[0] or "")
            if role == Qt.ItemDataRole.DisplayRole:
                if kind is ColumnKind.DURATION and value is not None:
                    return fmt.duration_text(float(value))
                return fmt.display(kind, value, self.currency)
            if role == RAW_ROLE:
                return value
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return fmt.alignment(kind)
            if role == Qt.ItemDataRole.ForegroundRole:
                colour = COLOURS.get(style)
                return QBrush(QColor(colour)) if colour else None
            if role == Qt.ItemDataRole.FontRole and style == STYLE_TOTAL:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.ToolTipRole:
                return str(value) if kind is ColumnKind.TEXT and value else None
        except Exception:  # an exception escaping a Qt virtual aborts the process
            log.exception("figures model failed at row %s", index.row())
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        self.layoutAboutToBeChanged.emit()
        # Totals stay at the bottom; empty values sort last either way.
        totals = [r for r in self._rows if r[0] == STYLE_TOTAL]
        rows = [r for r in self._rows if r[0] != STYLE_TOTAL]
        present = [r for r in rows if r[column + 1] is not None and r[column + 1] != ""]
        empty = [r for r in rows if r[column + 1] is None or r[column + 1] == ""]

        def key(r: tuple[Any, ...]) -> Any:
            v = r[column + 1]
            return v.casefold() if isinstance(v, str) else v

        try:
            present.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        except TypeError:  # mixed types in one column: compare as text
            present.sort(key=lambda r: str(r[column + 1]), reverse=order == Qt.SortOrder.DescendingOrder)
        old_rows = self._rows
        self._rows = present + empty + totals
        new_row = {id(r): i for i, r in enumerate(self._rows)}
        for old in self.persistentIndexList():
            moved = new_row[id(old_rows[old.row()])]
            self.changePersistentIndex(old, self.index(moved, old.column()))
        self.layoutChanged.emit()
