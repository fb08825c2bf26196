"""A QAbstractTableModel over a :class:`SqlTableSource`, paged lazily.

The model holds the row count and a bounded cache of pages; ``data()`` loads the page
holding the asked row on demand. Sorting and filtering re-run SQL (through an index),
never a proxy model over all rows, so a million leads stay instant.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from workbench.services.tables import SqlTableSource, TableQuery
from workbench.ui.common import format as fmt

log = logging.getLogger(__name__)

PAGE_SIZE = 200
MAX_PAGES = 64
ID_ROLE = Qt.ItemDataRole.UserRole + 1
RAW_ROLE = Qt.ItemDataRole.UserRole + 2
STYLE_ROLE = Qt.ItemDataRole.UserRole + 3

_Index = QModelIndex | QPersistentModelIndex

_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_FONT = Qt.ItemDataRole.FontRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
#: The roles this model answers; a view asks for several more per cell on every paint
#: (decoration, background, check state…), and those must cost next to nothing.
_ANSWERED = frozenset(
    int(r) for r in (_DISPLAY, _ALIGNMENT, _FOREGROUND, _FONT, _TOOLTIP, ID_ROLE, RAW_ROLE, STYLE_ROLE)
)
#: Formatted cell texts kept between paints (a scroll by one row repaints the rest).
MAX_TEXTS = 20_000

STYLE_COLOURS: dict[str, str] = {
    "untouched": "#1f6fd1",
    "stale": "#b35c00",
    "no-next-step": "#8e24aa",
    "overdue": "#c62828",
    "due": "#00838f",  # a nurture lead whose revisit date has come
    "muted": "#808080",
    "won": "#2e7d32",
    "lost": "#808080",
}


class SqlTableModel(QAbstractTableModel):
    """Read-only table over SQL. Call :meth:`set_query` to filter or sort, :meth:`refresh`
    after the data changed."""

    countChanged = Signal(int)

    def __init__(self, source: SqlTableSource, parent: Any = None) -> None:
        super().__init__(parent)
        self._source = source
        self._query = TableQuery()
        self._count = 0
        self._pages: OrderedDict[int, list[tuple[Any, ...]]] = OrderedDict()
        self._loaded = False
        self._kinds = [c.kind for c in source.columns]
        self._alignments = [fmt.alignment(c.kind) for c in source.columns]
        # Amounts are shown in their row's own currency when the table has one.
        self._currency = next((i for i, c in enumerate(source.columns) if c.key == "currency"), None)
        self._texts: dict[tuple[int, int], str] = {}
        self._brushes: dict[str, QBrush | None] = {}
        self._bold: QFont | None = None

    # --- what the view shows -------------------------------------------------
    @property
    def source(self) -> SqlTableSource:
        return self._source

    @property
    def query(self) -> TableQuery:
        return self._query

    def set_query(self, query: TableQuery) -> None:
        self.beginResetModel()
        self._query = query
        self._reload()
        self.endResetModel()
        self.countChanged.emit(self._count)

    def refresh(self) -> None:
        self.set_query(self._query)

    def load(self) -> None:
        if not self._loaded:
            self.refresh()

    def _reload(self) -> None:
        self._pages.clear()
        self._texts.clear()
        self._count = self._source.count(self._query)
        self._loaded = True

    def row_id(self, row: int) -> int | None:
        record = self._row(row)
        return None if record is None else int(record[0])

    def row_of_id(self, record_id: int) -> int | None:
        """The row of an already-cached record, if any (cheap; no query)."""
        for page_no, rows in self._pages.items():
            for offset, record in enumerate(rows):
                if record[0] == record_id:
                    return page_no * PAGE_SIZE + offset
        return None

    def _row(self, row: int) -> tuple[Any, ...] | None:
        if row < 0 or row >= self._count:
            return None
        page_no, offset = divmod(row, PAGE_SIZE)
        page = self._pages.get(page_no)
        if page is None:
            page = self._source.fetch(self._query, page_no * PAGE_SIZE, PAGE_SIZE, self._count)
            self._pages[page_no] = page
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page[offset] if offset < len(page) else None

    # --- QAbstractTableModel -------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._source.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._source.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._source.columns[section].title
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ANSWERED or not index.isValid():
            return None
        try:
            column = index.column()
            if role == _ALIGNMENT:
                return self._alignments[column]
            row = index.row()
            if role == _DISPLAY:
                text = self._texts.get((row, column))
                if text is None:
                    record = self._row(row)
                    if record is None:
                        return None
                    currency = "" if self._currency is None else str(record[self._currency + 2] or "")
                    text = fmt.display(self._kinds[column], record[column + 2], currency)
                    if len(self._texts) >= MAX_TEXTS:
                        self._texts.clear()
                    self._texts[(row, column)] = text
                return text
            if role == _TOOLTIP:  # an elided cell, whole on hover
                text = self.data(index, _DISPLAY)
                return text if isinstance(text, str) and len(text) > 12 else None
            record = self._row(row)
            if record is None:
                return None
            if role == ID_ROLE:
                return record[0]
            if role == RAW_ROLE:
                return record[column + 2]
            if role == STYLE_ROLE:
                return record[1]
            if role == _FOREGROUND:
                return self._brush(str(record[1] or ""))
            if role == _FONT and record[1] in ("untouched", "overdue"):
                if self._bold is None:
                    self._bold = QFont()
                    self._bold.setBold(True)
                return self._bold
        except Exception:  # an exception escaping a Qt virtual aborts the process
            log.exception("table model failed to read row %s", index.row())
        return None

    def _brush(self, style: str) -> QBrush | None:
        if style not in self._brushes:
            colour = STYLE_COLOURS.get(style)
            self._brushes[style] = QBrush(QColor(colour)) if colour else None
        return self._brushes[style]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._source.columns):
            return
        key = self._source.columns[column].key
        descending = order == Qt.SortOrder.DescendingOrder
        q = self._query
        self.set_query(TableQuery(text=q.text, chips=q.chips, sort_key=key, descending=descending))
