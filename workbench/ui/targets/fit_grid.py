"""Fit × engagement: active targets placed by ICP fit (rows) and how far the rep has
got with them (columns). The top-left cell — good fit, not contacted yet — is where the
next hour of prospecting pays most, so it stands out.

Activating a cell (Enter or double-click) shows those accounts in the list.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from workbench.services.targets.target_list import Engagement, FitBand, GridAccount
from workbench.ui.targets import labels

log = logging.getLogger(__name__)
_Index = QModelIndex | QPersistentModelIndex

BANDS = (FitBand.GOOD, FitBand.MEDIUM, FitBand.POOR, FitBand.UNASSESSED)
LEVELS = (Engagement.NOT_CONTACTED, Engagement.CONTACTED, Engagement.ENGAGED, Engagement.OPPORTUNITY)
IDS_ROLE = Qt.ItemDataRole.UserRole + 10
#: Names listed in a cell before "and N more".
NAMES_SHOWN = 4
HOT_CELL = (FitBand.GOOD, Engagement.NOT_CONTACTED)


class FitGridModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._cells: dict[tuple[FitBand, Engagement], list[GridAccount]] = {}
        self._good = 70.0

    def set_cells(
        self, cells: dict[tuple[FitBand, Engagement], list[GridAccount]], good_fit: float = 70.0
    ) -> None:
        self.beginResetModel()
        self._cells = dict(cells)
        self._good = good_fit
        self.endResetModel()

    def _band_title(self, band: FitBand) -> str:
        good, medium = f"{self._good:.0f}", f"{self._good / 2:.0f}"
        ranges = {
            FitBand.GOOD: f"{good}–100",
            FitBand.MEDIUM: f"{medium}–{float(good) - 1:.0f}",
            FitBand.POOR: f"0–{float(medium) - 1:.0f}",
        }
        title = labels.band_label(band)
        return f"{title}\n{ranges[band]}" if band in ranges else title

    def accounts_at(self, row: int, column: int) -> list[GridAccount]:
        if not (0 <= row < len(BANDS) and 0 <= column < len(LEVELS)):
            return []
        return list(self._cells.get((BANDS[row], LEVELS[column]), []))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(BANDS)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(LEVELS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(LEVELS):
            return labels.engagement_label(LEVELS[section])
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(BANDS):
            return self._band_title(BANDS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        try:
            accounts = self.accounts_at(index.row(), index.column())
            hot = (BANDS[index.row()], LEVELS[index.column()]) == HOT_CELL
            if role == Qt.ItemDataRole.DisplayRole:
                if not accounts:
                    return "–"
                names = [a.name for a in accounts[:NAMES_SHOWN]]
                more = len(accounts) - len(names)
                tail = "\n" + self.tr("and {0} more").format(more) if more > 0 else ""
                return f"{len(accounts)}\n" + "\n".join(f"· {n}" for n in names) + tail
            if role == Qt.ItemDataRole.ToolTipRole and accounts:
                lines = "\n".join(a.name for a in accounts)
                note = self.tr("Good fit, not contacted yet: start here.") + "\n" if hot else ""
                return note + lines
            if role == IDS_ROLE:
                return [a.id for a in accounts]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
            if role == Qt.ItemDataRole.BackgroundRole and hot and accounts:
                return QBrush(QColor(255, 193, 7, 70))
            if role == Qt.ItemDataRole.FontRole and hot:
                font = QFont()
                font.setBold(True)
                return font
        except Exception:  # an exception escaping a Qt virtual aborts the process
            log.exception("fit grid failed to show a cell")
        return None


class FitGridView(QTableView):
    """Emits :attr:`cellChosen` with the account ids of the activated cell."""

    cellChosen = Signal(list, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid_model = FitGridModel(self)
        self.setModel(self.grid_model)
        self.setWordWrap(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.activated.connect(self._activated)
        self.setCurrentIndex(self.grid_model.index(0, 0))

    def _activated(self, index: QModelIndex) -> None:
        ids = self.grid_model.data(index, IDS_ROLE) or []
        if ids:
            label = self.tr("{0}, {1}").format(
                labels.band_label(BANDS[index.row()]), labels.engagement_label(LEVELS[index.column()]).lower()
            )
            self.cellChosen.emit(list(ids), label)
