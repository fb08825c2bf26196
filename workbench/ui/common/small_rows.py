"""A read-only table model over a short list of rows that a service already returned.

For the handful of rows a detail panel shows (an account's contacts, opportunities,
linked leads, history): the service reads them in one session and the model only
formats them. Big tables use :class:`~workbench.ui.common.sql_table.SqlTableModel`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from workbench.services.tables import ColumnKind
from workbench.ui.common import format as fmt
from workbench.ui.common.sql_table import ID_ROLE, STYLE_COLOURS

log = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex


class SmallRowsModel(QAbstractTableModel):
    """Rows are ``(id, style, value, value, …)`` like the SQL tables' rows."""

    def __init__(self, headers: Sequence[tuple[str, ColumnKind]], parent: Any = None) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._rows: list[tuple[Any, ...]] = []
        #: The currency of this table's amounts ("" = the default one).
        self.currency = ""

    def set_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        self.beginResetModel()
        self._rows = [tuple(r) for r in rows]
        self.endResetModel()

    def row_id(self, row: int) -> int | None:
        return int(self._rows[row][0]) if 0 <= row < len(self._rows) else None

    def row_of_id(self, record_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r[0] == record_id), None)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section][0]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        try:
            record = self._rows[index.row()]
            kind = self._headers[index.column()][1]
            value = record[index.column() + 2]
            if role == Qt.ItemDataRole.DisplayRole:
                return fmt.display(kind, value, self.currency)
            if role == Qt.ItemDataRole.ToolTipRole and kind is ColumnKind.TEXT and value:
                return str(value)
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return fmt.alignment(kind)
            if role == ID_ROLE:
                return record[0]
            if role == Qt.ItemDataRole.ForegroundRole:
                colour = STYLE_COLOURS.get(str(record[1] or ""))
                return QBrush(QColor(colour)) if colour else None
        except Exception:  # an exception escaping a Qt virtual aborts the process
            log.exception("small table failed to show row %s", index.row())
        return None
