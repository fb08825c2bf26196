"""The ICP criteria editor: names, weights and each criterion's share of the fit score.

:class:`IcpCriteriaEditor` is a plain widget (the settings dialog embeds it);
:class:`IcpCriteriaDialog` wraps it for Targets → ICP criteria…. Weights are
relative: the share column shows what each one counts for after normalisation, and
weights that add up to nothing are explained, never divided by.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.exchange.icp_template import TemplateCriterion, TemplateError, read_template, write_template
from workbench.services.targets import actions as target_actions
from workbench.services.targets import icp
from workbench.ui.common import file_dialogs
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.undo import undoable
from workbench.ui.targets import labels

log = logging.getLogger(__name__)
_Index = QModelIndex | QPersistentModelIndex

NAME, WEIGHT, SHARE, DESCRIPTION = range(4)


class CriteriaModel(QAbstractTableModel):
    """The criteria being edited (not yet saved): id (None when new), name, weight, description."""

    edited = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[icp.CriterionEdit] = []
        self._shares: tuple[float, ...] = ()
        self.note = ""

    def set_rows(self, rows: list[icp.CriterionEdit]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._reshare()
        self.endResetModel()

    def rows(self) -> list[icp.CriterionEdit]:
        return list(self._rows)

    def _reshare(self) -> None:
        self._shares, self.note = icp.normalise([r.weight for r in self._rows])

    def _changed(self) -> None:
        self._reshare()
        if self._rows:
            self.dataChanged.emit(self.index(0, SHARE), self.index(len(self._rows) - 1, SHARE))
        self.edited.emit()

    # --- editing ---------------------------------------------------------------------
    def add(self, name: str, weight: float = 1.0) -> int:
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(icp.CriterionEdit(None, name, weight))
        self.endInsertRows()
        self._changed()
        return row

    def remove(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()
            self._changed()

    def move(self, row: int, delta: int) -> int:
        to = row + delta
        if not (0 <= row < len(self._rows) and 0 <= to < len(self._rows)):
            return row
        # beginMoveRows wants the destination *before* which the row lands.
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), to + 1 if delta > 0 else to)
        self._rows.insert(to, self._rows.pop(row))
        self.endMoveRows()
        self._changed()
        return to

    # --- QAbstractTableModel -----------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = (self.tr("Criterion"), self.tr("Weight"), self.tr("Share"), self.tr("Description"))
        return titles[section] if 0 <= section < 4 else None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base if index.column() == SHARE else base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == NAME:
                return row.name
            if column == WEIGHT:
                return row.weight if role == Qt.ItemDataRole.EditRole else f"{row.weight:g}"
            if column == SHARE:
                share = self._shares[index.row()] if index.row() < len(self._shares) else 0.0
                return f"{share * 100:.0f} %"
            if column == DESCRIPTION:
                return row.description
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (WEIGHT, SHARE):
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() == SHARE:
            return False
        row = self._rows[index.row()]
        column = index.column()
        try:
            if column == NAME:
                text = " ".join(str(value).split())
                if not text:
                    return False  # a criterion keeps its name; removing it is the Remove button
                new = icp.CriterionEdit(row.id, text, row.weight, row.description)
            elif column == WEIGHT:
                weight = float(str(value).replace(",", "."))
                if not icp.usable_weight(weight) and weight != 0:
                    return False
                new = icp.CriterionEdit(row.id, row.name, weight, row.description)
            else:
                new = icp.CriterionEdit(row.id, row.name, row.weight, str(value).strip())
        except ValueError:
            return False
        self._rows[index.row()] = new
        self.dataChanged.emit(index, index)
        self._changed()
        return True


class WeightDelegate(QStyledItemDelegate):
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        if index.column() != WEIGHT:
            return super().createEditor(parent, option, index)
        editor = QDoubleSpinBox(parent)
        editor.setRange(0.0, 1000.0)
        editor.setDecimals(1)
        editor.setSingleStep(1.0)
        editor.setFrame(False)
        return editor


class IcpCriteriaEditor(QWidget):
    """The list of criteria with add/remove/reorder and template import/export."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._saved: list[icp.CriterionEdit] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        intro = QLabel(
            self.tr(
                "What makes a company fit your sweet spot. Each target account marks every criterion "
                "met, not met or unknown; the fit score (0–100) adds up the shares of the met ones."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.model = CriteriaModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setItemDelegate(WeightDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(WEIGHT, 70)
        self.table.setColumnWidth(SHARE, 60)
        self.table.setColumnWidth(DESCRIPTION, 220)
        layout.addWidget(self.table, 1)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #b35c00")
        layout.addWidget(self.note)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("&Add"), self)
        self.remove_button = QPushButton(self.tr("&Remove"), self)
        self.up_button = QPushButton(self.tr("Move &up"), self)
        self.down_button = QPushButton(self.tr("Move do&wn"), self)
        self.import_button = QPushButton(self.tr("&Import template…"), self)
        self.export_button = QPushButton(self.tr("E&xport template…"), self)
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        for button in (self.import_button, self.export_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        layout.addLayout(row)
        self.add_button.clicked.connect(self.add_criterion)
        self.remove_button.clicked.connect(self.remove_current)
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button.clicked.connect(lambda: self.move_current(1))
        self.import_button.clicked.connect(self.import_template)
        self.export_button.clicked.connect(self.export_template)
        QShortcut(QKeySequence("Alt+Up"), self.table, lambda: self.move_current(-1))
        QShortcut(QKeySequence("Alt+Down"), self.table, lambda: self.move_current(1))
        self.model.edited.connect(self._show_note)
        self.load()

    # --- data --------------------------------------------------------------------------
    def load(self) -> None:
        weighting = target_actions.weighting(self.ctx.wb)
        self._saved = [icp.CriterionEdit(c.id, c.name, c.weight, c.description) for c in weighting.criteria]
        self.model.set_rows(self._saved)
        self._show_note()

    def is_dirty(self) -> bool:
        return self.model.rows() != self._saved

    def save(self) -> None:
        """Write the criteria; every account's fit score follows. Raises ``IcpError``."""
        with undoable(self.ctx, self.tr("Change the ICP criteria")):
            target_actions.save_criteria(self.ctx.wb, self.model.rows(), self.ctx.clock)
        self.ctx.notify(Topic.ACCOUNTS)
        self.load()

    def _show_note(self) -> None:
        self.note.setText(labels.weighting_note(self.model.note))
        self.note.setVisible(bool(self.model.note))
        has_rows = self.model.rowCount() > 0
        self.remove_button.setEnabled(has_rows)
        self.export_button.setEnabled(has_rows)

    # --- actions ----------------------------------------------------------------------
    def current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def add_criterion(self) -> None:
        row = self.model.add(self.tr("New criterion"))
        index = self.model.index(row, NAME)
        self.table.setCurrentIndex(index)
        self.table.edit(index)

    def remove_current(self) -> None:
        self.model.remove(self.current_row())

    def move_current(self, delta: int) -> None:
        row = self.current_row()
        if row < 0:
            return
        to = self.model.move(row, delta)
        self.table.setCurrentIndex(self.model.index(to, max(self.table.currentIndex().column(), 0)))

    def import_template(self) -> None:
        name, _ = file_dialogs.TEMPLATES.getOpenFileName(
            self, self.tr("Import ICP template"), str(Path.home()), self.tr("ICP templates (*.json)")
        )
        if name:
            self.apply_template(Path(name))

    def apply_template(self, path: Path) -> bool:
        """Replace the list being edited with a template's criteria (saved with Save)."""
        try:
            criteria = read_template(path)
        except TemplateError as exc:
            labels.warn(self, self.tr("Cannot import the template"), str(exc))
            return False
        self.model.set_rows([icp.CriterionEdit(None, c.name, c.weight, c.description) for c in criteria])
        self._show_note()
        return True

    def export_template(self) -> None:
        name, _ = file_dialogs.TEMPLATES.getSaveFileName(
            self,
            self.tr("Export ICP template"),
            str(Path.home() / "icp.json"),
            self.tr("ICP templates (*.json)"),
        )
        if name:
            self.write_template(Path(name))

    def write_template(self, path: Path) -> bool:
        rows = [TemplateCriterion(r.name, r.weight, r.description) for r in self.model.rows()]
        try:
            write_template(path, rows)
        except OSError as exc:
            labels.warn(self, self.tr("Cannot export the template"), f"{path.name}: {exc.strerror or exc}")
            return False
        return True


class IcpCriteriaDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("ICP criteria"))
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        self.editor = IcpCriteriaEditor(ctx, self)
        layout.addWidget(self.editor, 1)
        self.problem = QLabel(self)
        self.problem.setStyleSheet("color: #c62828")
        self.problem.hide()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.editor.table.setFocus()

    def accept(self) -> None:
        try:
            self.editor.save()
        except icp.IcpError as exc:
            self.problem.setText(str(exc))
            self.problem.show()
            return
        super().accept()

    def reject(self) -> None:
        if self.editor.is_dirty() and not labels.confirm_discard(self):
            return
        super().reject()

    @classmethod
    def ask(cls, ctx: AppContext, parent: QWidget | None = None) -> bool:
        return cls(ctx, parent).exec() == QDialog.DialogCode.Accepted
