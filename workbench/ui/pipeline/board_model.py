"""The pipeline board as a two-level item model: stages at the top, their cards beneath.

Each board column is a view whose root index is one stage. Cards drag with a mime
type of their own carrying the opportunity ids; dropping on a stage (or on a card of
it) does **not** move anything itself: :attr:`BoardModel.moveRequested` is emitted and
the board view decides — a drop on Won or Lost first asks for the reason, and a
cancelled question leaves the card where it was. (Models never pop dialogs.)
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any, overload

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from workbench.services.pipeline.board import Board, BoardColumn, Card
from workbench.services.pipeline.stages import Stage
from workbench.ui.common import format as fmt

log = logging.getLogger(__name__)

MIME_TYPE = "application/x-workbench-opportunity-ids"

ID_ROLE = Qt.ItemDataRole.UserRole + 1
CARD_ROLE = Qt.ItemDataRole.UserRole + 10
STAGE_ROLE = Qt.ItemDataRole.UserRole + 11
COLUMN_ROLE = Qt.ItemDataRole.UserRole + 12
STALE_ROLE = Qt.ItemDataRole.UserRole + 13
NO_NEXT_STEP_ROLE = Qt.ItemDataRole.UserRole + 14

_Index = QModelIndex | QPersistentModelIndex
#: internalId of a stage item; a card's internalId is its stage's row + 1.
_STAGE = 0


def money(totals: dict[str, float]) -> str:
    if not totals:
        return fmt.money_text(0)
    return " + ".join(fmt.money_text(v, c) for c, v in sorted(totals.items()))


def encode_ids(ids: Sequence[int]) -> QByteArray:
    return QByteArray(json.dumps({"opportunity_ids": [int(i) for i in ids]}).encode())


def decode_ids(data: QMimeData) -> list[int]:
    if not data.hasFormat(MIME_TYPE):
        return []
    try:
        payload = json.loads(bytes(data.data(MIME_TYPE).data()).decode())
        return [int(i) for i in payload["opportunity_ids"]]
    except (ValueError, KeyError, TypeError):
        return []


class BoardModel(QAbstractItemModel):
    """Read-only view of a :class:`~workbench.services.pipeline.board.Board`."""

    #: (opportunity id, stage id): a card was dropped on another stage.
    moveRequested = Signal(int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns: list[BoardColumn] = []
        self._closed_days = 0

    # --- content ---------------------------------------------------------------
    def set_board(self, board: Board) -> None:
        self.beginResetModel()
        self._columns = list(board.columns)
        self._closed_days = board.closed_days
        self.endResetModel()

    @property
    def columns(self) -> list[BoardColumn]:
        return self._columns

    @property
    def closed_days(self) -> int:
        return self._closed_days

    def stage_index(self, stage_id: int) -> QModelIndex:
        for row, column in enumerate(self._columns):
            if column.stage.id == stage_id:
                return self.index(row, 0)
        return QModelIndex()

    def card_index(self, opportunity_id: int) -> QModelIndex:
        for row, column in enumerate(self._columns):
            for card_row, card in enumerate(column.cards):
                if card.id == opportunity_id:
                    return self.index(card_row, 0, self.index(row, 0))
        return QModelIndex()

    def stage_of_card(self, opportunity_id: int) -> Stage | None:
        index = self.card_index(opportunity_id)
        return self._columns[index.parent().row()].stage if index.isValid() else None

    def card(self, index: _Index) -> Card | None:
        if not index.isValid() or index.internalId() == _STAGE:
            return None
        column = self._columns[index.internalId() - 1]
        return column.cards[index.row()] if index.row() < len(column.cards) else None

    def _stage_for(self, index: _Index) -> Stage | None:
        """The stage a drop on ``index`` means: the stage itself, or the stage of a card."""
        if not index.isValid():
            return None
        if index.internalId() == _STAGE:
            return self._columns[index.row()].stage
        return self._columns[index.internalId() - 1].stage

    # --- structure -------------------------------------------------------------
    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, 0, _STAGE) if row < len(self._columns) else QModelIndex()
        if parent.internalId() != _STAGE or parent.row() >= len(self._columns):
            return QModelIndex()
        if row >= len(self._columns[parent.row()].cards):
            return QModelIndex()
        return self.createIndex(row, 0, parent.row() + 1)

    @overload
    def parent(self) -> QObject | None: ...
    @overload
    def parent(self, child: _Index) -> QModelIndex: ...
    def parent(self, child: _Index | None = None) -> QObject | QModelIndex | None:
        if child is None:
            return super().parent()
        if not child.isValid() or child.internalId() == _STAGE:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, _STAGE)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._columns)
        if parent.column() != 0 or parent.internalId() != _STAGE:
            return 0
        return len(self._columns[parent.row()].cards)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.internalId() == _STAGE:
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsDropEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled

    # --- data ------------------------------------------------------------------
    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        try:
            if index.internalId() == _STAGE:
                return self._stage_data(self._columns[index.row()], role)
            card = self.card(index)
            return None if card is None else self._card_data(card, role)
        except Exception:  # an exception escaping a Qt virtual aborts the process
            log.exception("board model failed to read %s/%s", index.internalId(), index.row())
            return None

    def _stage_data(self, column: BoardColumn, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return column.stage.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("{0}: %n deal(s), {1}; weighted {2}", "", column.count).format(
                column.stage.name, money(column.totals), money(column.weighted)
            )
        if role == ID_ROLE:
            return column.stage.id
        if role == STAGE_ROLE:
            return column.stage
        if role == COLUMN_ROLE:
            return column
        return None

    def _card_data(self, card: Card, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return card.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.card_summary(card)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.card_summary(card).replace("\n", ", ")
        if role == ID_ROLE:
            return card.id
        if role == CARD_ROLE:
            return card
        if role == STALE_ROLE:
            return card.stale
        if role == NO_NEXT_STEP_ROLE:
            return card.no_next_step
        return None

    def card_summary(self, card: Card) -> str:
        lines = [card.name]
        if card.account:
            lines.append(card.account)
        lines.append(
            self.tr("{0} · {1} %").format(
                fmt.money_text(card.amount, card.currency), round(card.probability * 100)
            )
        )
        if card.expected_close is not None:
            lines.append(self.tr("Expected close: {0}").format(fmt.date_text(card.expected_close)))
        if card.next_step:
            lines.append(self.tr("Next step: {0}").format(card.next_step))
        elif card.no_next_step:
            lines.append(self.tr("No next step"))
        if card.stale:
            lines.append(self.tr("Stale: no touch for a while"))
        return "\n".join(lines)

    # --- drag and drop ---------------------------------------------------------
    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        data = QMimeData()
        cards = [c for c in (self.card(i) for i in indexes) if c is not None]
        data.setData(MIME_TYPE, encode_ids([c.id for c in cards]))
        data.setText("\n".join(c.name for c in cards))
        return data

    def _moves(self, data: QMimeData, parent: _Index) -> list[tuple[int, int]]:
        stage = self._stage_for(parent)
        if stage is None:
            return []
        moves = []
        for opportunity_id in decode_ids(data):
            current = self.stage_of_card(opportunity_id)
            if current is None or current.id != stage.id:
                moves.append((opportunity_id, stage.id))
        return moves

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index
    ) -> bool:
        return action == Qt.DropAction.MoveAction and bool(self._moves(data, parent))

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index
    ) -> bool:
        if action == Qt.DropAction.IgnoreAction:
            return True
        moves = self._moves(data, parent) if action == Qt.DropAction.MoveAction else []
        for opportunity_id, stage_id in moves:
            self.moveRequested.emit(opportunity_id, stage_id)
        return bool(moves)
