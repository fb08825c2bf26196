"""A short read-only table inside a detail panel: as tall as its rows (up to a limit),
and a plain sentence instead of an empty grid when there is nothing to show."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from workbench.services.tables import ColumnKind
from workbench.ui.common.column_fit import fit_columns
from workbench.ui.common.small_rows import SmallRowsModel


class SmallTable(QWidget):
    def __init__(
        self,
        headers: Sequence[tuple[str, ColumnKind]],
        empty_text: str,
        parent: QWidget | None = None,
        *,
        max_rows: int = 8,
        widths: Sequence[int] = (),
    ) -> None:
        super().__init__(parent)
        self.max_rows = max_rows
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.model = SmallRowsModel(headers, self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        vertical = self.view.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        self.view.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate(widths):
            self.view.setColumnWidth(column, width)
        # Narrow detail panes hide the last columns rather than scroll sideways.
        fit_columns(self.view, widths=widths)
        self.empty = QLabel(empty_text, self)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: palette(placeholder-text)")
        layout.addWidget(self.view)
        layout.addWidget(self.empty)
        self.set_rows([])

    def set_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        self.model.set_rows(rows)
        count = len(rows)
        self.view.setVisible(count > 0)
        self.empty.setVisible(count == 0)
        shown = min(max(count, 1), self.max_rows)
        height = (
            self.view.horizontalHeader().sizeHint().height()
            + shown * self.view.verticalHeader().defaultSectionSize()
            + 2 * self.view.frameWidth()
            + self.view.horizontalScrollBar().sizeHint().height()
        )
        self.view.setFixedHeight(height)

    def current_id(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.row_id(index.row()) if index.isValid() else None
