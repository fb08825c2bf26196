"""Item models of the import wizard: the file's first rows, the column mapping, and the
preview's rows, problems and duplicate groups.

Each holds at most what the services already bounded (50 raw rows, one entry per file
column, a capped list of problems and groups), so plain lists are right here; the
leads table itself stays SQL-paged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from workbench.exchange.mapping import FIELD_LABELS, MULTI_COLUMN, Field
from workbench.exchange.readers import SourceRow
from workbench.services.imports.options import DupAction, DuplicateGroup, PreviewRow, RowProblem
from workbench.ui.common import format as fmt

log = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")

REJECTED_COLOUR = "#c62828"
WARNING_COLOUR = "#b35c00"
DUPLICATE_COLOUR = "#808080"


def tr(text: str) -> str:
    return QCoreApplication.translate("ImportWizard", text)


def field_label(field: Field | None) -> str:
    return tr("— not mapped —") if field is None else tr(FIELD_LABELS[field])


def action_label(action: DupAction) -> str:
    return {
        DupAction.SKIP: tr("Skip (keep the stored lead)"),
        DupAction.MERGE: tr("Merge (fill empty fields)"),
        DupAction.KEEP: tr("Keep both"),
    }[action]


class ListModel(QAbstractTableModel, Generic[T]):
    """A read-only table over a list; ``cell(item, column)`` gives the text."""

    def __init__(
        self,
        headers: Sequence[str],
        cell: Callable[[T, int], Any],
        colour: Callable[[T], str] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._cell = cell
        self._colour = colour
        self.items: list[T] = []

    def set_items(self, items: Sequence[T]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
        if horizontal and 0 <= section < len(self._headers):
            return self._headers[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        try:
            item = self.items[index.row()]
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = self._cell(item, index.column())
                text = "" if value is None else str(value)
                if role == Qt.ItemDataRole.DisplayRole:
                    return text.replace("\n", " ⏎ ")[:300]
                return text[:2000] or None
            if role == Qt.ItemDataRole.ForegroundRole and self._colour is not None:
                colour = self._colour(item)
                return QBrush(QColor(colour)) if colour else None
        except Exception:  # an exception escaping a Qt virtual aborts the process
            log.exception("import table failed to show row %s", index.row())
        return None


def raw_rows_model(headers: Sequence[str], parent: Any = None) -> ListModel[SourceRow]:
    width = len(headers)

    def cell(row: SourceRow, column: int) -> str:
        if column == 0:
            return str(row.number)
        if row.error:
            return row.error if column == 1 else ""
        values = row.values
        return values[column - 1] if column - 1 < len(values) else ""

    colour: Callable[[SourceRow], str] = lambda r: (  # noqa: E731
        REJECTED_COLOUR if r.error or len(r.values) > width else ""
    )
    return ListModel([tr("Row"), *headers], cell, colour, parent)


def problems_model(parent: Any = None) -> ListModel[RowProblem]:
    def cell(p: RowProblem, column: int) -> str:
        return (str(p.row), tr("rejected") if p.rejected else tr("warning"), p.message)[column]

    return ListModel(
        [tr("Row"), tr("Outcome"), tr("Problem")],
        cell,
        lambda p: REJECTED_COLOUR if p.rejected else WARNING_COLOUR,
        parent,
    )


_OUTCOMES = {
    "new account": "new account",
    "new": "new lead",
    "keep": "new lead (duplicate kept)",
    "duplicate": "already present",
    "merge": "merged",
    "rejected": "rejected",
}


def sample_model(parent: Any = None) -> ListModel[PreviewRow]:
    def cell(r: PreviewRow, column: int) -> str:
        received = fmt.datetime_text(r.received) if r.received is not None else ""
        values = (str(r.row), tr(_OUTCOMES.get(r.outcome, r.outcome)), r.name, r.company, r.email, received)
        return values[column] if column < len(values) else r.note

    def colour(r: PreviewRow) -> str:
        if r.outcome == "rejected":
            return REJECTED_COLOUR
        if r.outcome == "duplicate":
            return DUPLICATE_COLOUR
        return WARNING_COLOUR if r.note and r.outcome in ("new", "keep") else ""

    headers = [tr("Row"), tr("Outcome"), tr("Name"), tr("Company"), tr("Email"), tr("Received"), tr("Note")]
    return ListModel(headers, cell, colour, parent)


def account_sample_model(parent: Any = None) -> ListModel[PreviewRow]:
    """The sample of a company list imported as accounts (its name and domain are in the
    row's ``name`` and ``email``)."""

    def cell(r: PreviewRow, column: int) -> str:
        values = (str(r.row), tr(_OUTCOMES.get(r.outcome, r.outcome)), r.name, r.email)
        return values[column] if column < len(values) else r.note

    def colour(r: PreviewRow) -> str:
        if r.outcome == "rejected":
            return REJECTED_COLOUR
        return DUPLICATE_COLOUR if r.outcome == "duplicate" else ""

    headers = [tr("Row"), tr("Outcome"), tr("Account"), tr("Domain"), tr("Note")]
    return ListModel(headers, cell, colour, parent)


class GroupsModel(QAbstractTableModel):
    """Duplicate groups with the rep's choice per group (column 3, editable)."""

    ACTION_COLUMN = 3

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.groups: list[DuplicateGroup] = []
        self.choices: dict[str, DupAction] = {}
        self.default = DupAction.SKIP

    def set_groups(self, groups: Sequence[DuplicateGroup], default: DupAction) -> None:
        self.beginResetModel()
        self.groups = list(groups)
        self.default = default
        self.choices = {k: v for k, v in self.choices.items() if any(g.key == k for g in groups)}
        self.endResetModel()

    def action_of(self, row: int) -> DupAction:
        group = self.groups[row]
        # A possible duplicate is kept unless the rep says otherwise (issue 18).
        return self.choices.get(group.key, DupAction.KEEP if group.possible else self.default)

    def set_action(self, rows: Sequence[int], action: DupAction) -> None:
        for row in rows:
            if 0 <= row < len(self.groups):
                self.choices[self.groups[row].key] = action
                index = self.index(row, self.ACTION_COLUMN)
                self.dataChanged.emit(index, index)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.groups)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            headers = (tr("Rows in the file"), tr("Same as"), tr("Why"), tr("What to do"))
            return headers[section] if 0 <= section < len(headers) else None
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == self.ACTION_COLUMN:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.groups):
            return None
        try:
            group = self.groups[index.row()]
            column = index.column()
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                if column == 0:
                    rows = ", ".join(str(r) for r in group.rows[:12])
                    return rows + (" …" if len(group.rows) > 12 else "")
                if column == 1:
                    where = tr("row {0} of this file").format(group.rows[0]) if group.in_file else ""
                    return f"{group.existing} ({where})" if where else group.existing
                if column == 2:
                    if group.possible:
                        return tr("maybe the same person: {0}").format(tr(group.reason))
                    return tr(group.reason)
                if column == 3:
                    return action_label(self.action_of(index.row()))
            if role == Qt.ItemDataRole.EditRole and column == self.ACTION_COLUMN:
                return self.action_of(index.row()).value
        except Exception:
            log.exception("duplicate groups failed to show row %s", index.row())
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != self.ACTION_COLUMN or role != Qt.ItemDataRole.EditRole:
            return False
        try:
            action = DupAction(str(value))
        except ValueError:
            return False
        self.set_action([index.row()], action)
        return True


class MappingModel(QAbstractTableModel):
    """One row per file column: its header, sample values, and the field it goes to
    (column 2, editable)."""

    FIELD_COLUMN = 2

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.headers: list[str] = []
        self.samples: list[str] = []
        self.mapping: list[Field | None] = []

    def set_columns(
        self, headers: Sequence[str], rows: Sequence[SourceRow], mapping: Sequence[Field | None]
    ) -> None:
        self.beginResetModel()
        self.headers = list(headers)
        self.mapping = list(mapping)
        self.samples = []
        for column in range(len(headers)):
            seen: list[str] = []
            for row in rows:
                value = row.values[column].strip() if column < len(row.values) else ""
                if value and value not in seen:
                    seen.append(value.replace("\n", " "))
                if len(seen) >= 3:
                    break
            self.samples.append(" · ".join(v[:40] for v in seen))
        self.endResetModel()

    def set_mapping(self, mapping: Sequence[Field | None]) -> None:
        self.beginResetModel()
        self.mapping = list(mapping)
        self.endResetModel()

    def set_field(self, row: int, field: Field | None) -> None:
        """Map column ``row`` to ``field``; a single-column field leaves its old column."""
        if field is not None and field not in MULTI_COLUMN:
            for other, current in enumerate(self.mapping):
                if current == field and other != row:
                    self.mapping[other] = None
                    self.dataChanged.emit(self.index(other, 2), self.index(other, 2))
        self.mapping[row] = field
        self.dataChanged.emit(self.index(row, 2), self.index(row, 2))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            headers = (tr("Column in the file"), tr("Sample values"), tr("Imports as"))
            return headers[section] if 0 <= section < len(headers) else None
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == self.FIELD_COLUMN:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.headers):
            return None
        try:
            row, column = index.row(), index.column()
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                if column == 0:
                    return self.headers[row]
                if column == 1:
                    return self.samples[row] if row < len(self.samples) else ""
                return field_label(self.mapping[row])
            if role == Qt.ItemDataRole.EditRole and column == self.FIELD_COLUMN:
                field = self.mapping[row]
                return "" if field is None else field.value
            if role == Qt.ItemDataRole.ForegroundRole and column == 2 and self.mapping[row] is None:
                return QBrush(QColor(DUPLICATE_COLOUR))
        except Exception:
            log.exception("mapping failed to show row %s", index.row())
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != self.FIELD_COLUMN or role != Qt.ItemDataRole.EditRole:
            return False
        text = str(value or "")
        try:
            field = Field(text) if text else None
        except ValueError:
            return False
        self.set_field(index.row(), field)
        return True


__all__ = [
    "GroupsModel",
    "ListModel",
    "MappingModel",
    "action_label",
    "field_label",
    "problems_model",
    "raw_rows_model",
    "sample_model",
]
