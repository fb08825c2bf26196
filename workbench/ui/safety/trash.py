"""The Trash: deleted leads, accounts and opportunities, newest first, restorable with
everything that went with them (Edit → Trash…, or the Trash button of the Leads area).
"Delete permanently" and "Empty trash" remove items for good, after asking."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.services.safety import trash
from workbench.services.safety.trash import TrashItem
from workbench.ui.common import format as fmt
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.widgets import ask_yes_no, configure_big_table
from workbench.ui.safety.commands import restore_from_trash

_Index = QModelIndex | QPersistentModelIndex
LIMIT = 1000


def confirm_purge(parent: QWidget, title: str, text: str) -> bool:
    """Ask before deleting for good (a seam tests answer); No is the default."""
    return ask_yes_no(parent, title, text, warning=True)


def kind_title(kind: str) -> str:
    from PySide6.QtCore import QCoreApplication

    names = {"lead": "Lead", "account": "Account", "opportunity": "Opportunity"}
    return QCoreApplication.translate("trash", names.get(kind, kind))


class TrashModel(QAbstractTableModel):
    """The listed trash items (at most :data:`LIMIT`; the trash is rarely big)."""

    HEADERS = ("What", "Name", "Detail", "Deleted", "With")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.items: list[TrashItem] = []

    def set_items(self, items: list[TrashItem]) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.HEADERS)
        ):
            return self.tr(self.HEADERS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == 0:
                return kind_title(item.kind)
            if column == 1:
                return item.label or self.tr("(no name)")
            if column == 2:
                return item.detail
            if column == 3:
                return fmt.datetime_text(item.deleted_at)
            if column == 4:
                return (
                    self.tr("%n activity(ies) and follow-up(s)", "", item.attached) if item.attached else ""
                )
        if role == Qt.ItemDataRole.UserRole:
            return (item.kind, item.id)
        return None


class TrashDialog(QDialog):
    """A non-modal window over the trash of the open workbench."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Trash"))
        self.resize(720, 420)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.kind_combo = QComboBox(self)
        self.kind_combo.addItem(self.tr("Everything"), None)
        for kind in trash.KINDS:
            self.kind_combo.addItem(kind_title(kind), kind)
        self.kind_combo.currentIndexChanged.connect(self.reload)
        self.count_label = QLabel(self)
        bar.addWidget(QLabel(self.tr("Show:"), self))
        bar.addWidget(self.kind_combo)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        layout.addLayout(bar)
        self.model = TrashModel(self)
        self.table = QTableView(self)
        configure_big_table(self.table)
        self.table.setSortingEnabled(False)
        self.table.setModel(self.model)
        for column, width in enumerate((90, 200, 160, 140)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setStretchLastSection(True)  # "With …" reads in full
        layout.addWidget(self.table, 1)
        self.empty = QLabel(
            self.tr("The trash is empty. Deleted leads, accounts and opportunities wait here."), self
        )
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty)
        buttons = QHBoxLayout()
        self.purge_button = QPushButton(self.tr("&Delete permanently…"), self)
        self.purge_button.setShortcut(QKeySequence("Shift+Del"))
        self.purge_button.setToolTip(
            self.tr("Delete the selected items and what went to the trash with them for good (Shift+Del)")
        )
        self.purge_button.clicked.connect(self.purge_selected)
        self.empty_button = QPushButton(self.tr("&Empty trash…"), self)
        self.empty_button.setToolTip(self.tr("Delete everything in the trash for good"))
        self.empty_button.clicked.connect(self.empty_trash)
        buttons.addWidget(self.purge_button)
        buttons.addWidget(self.empty_button)
        buttons.addStretch(1)
        self.restore_button = QPushButton(self.tr("&Restore"), self)
        self.restore_button.setShortcut(QKeySequence("Ctrl+R"))
        self.restore_button.setToolTip(self.tr("Restore the selected items with their activities (Ctrl+R)"))
        self.restore_button.clicked.connect(self.restore_selected)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.close)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.table.doubleClicked.connect(lambda _i: self.restore_selected())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        ctx.changed.connect(self._on_changed)
        ctx.workbenchReplaced.connect(self.reload)
        self.reload()

    def _on_changed(self, _topic: str) -> None:
        if self.isVisible():
            self.reload()

    def reload(self) -> None:
        if not self.ctx.has_workbench:
            self.model.set_items([])
            return
        kind = self.kind_combo.currentData()
        items = trash.list_items(self.ctx.wb, kind, limit=LIMIT)
        self.model.set_items(items)
        total = trash.count(self.ctx.wb, kind)
        if total > len(items):
            self.count_label.setText(self.tr("newest {0} of {1} shown").format(len(items), total))
        else:
            self.count_label.setText(self.tr("%n item(s)", "", total))
        self.empty.setVisible(total == 0)
        self.table.setVisible(total > 0)
        if items and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.table.selectionModel().hasSelection()
        self.restore_button.setEnabled(chosen)
        self.purge_button.setEnabled(chosen)
        self.empty_button.setEnabled(self.model.rowCount() > 0)

    def selected(self) -> list[tuple[str, int]]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [(self.model.items[r].kind, self.model.items[r].id) for r in rows]

    def restore_selected(self) -> None:
        chosen = self.selected()
        if not chosen:
            return
        by_kind: dict[str, list[int]] = {}
        for kind, record_id in chosen:
            by_kind.setdefault(kind, []).append(record_id)
        self.ctx.undo_stack.beginMacro(self.tr("Restore %n item(s) from the trash", "", len(chosen)))
        try:
            for kind, ids in by_kind.items():
                restore_from_trash(self.ctx, self.tr("Restore"), kind, ids)
        finally:
            self.ctx.undo_stack.endMacro()
        self.ctx.notify(Topic.ALL)
        self.reload()

    def purge_selected(self) -> int:
        """Delete the selected items for good, after asking; returns how many went."""
        chosen = self.selected()
        if not chosen:
            return 0
        if len(chosen) == 1:
            item = next(i for i in self.model.items if (i.kind, i.id) == chosen[0])
            question = self.tr("Delete “{0}” for good?").format(item.label or self.tr("(no name)"))
        else:
            question = self.tr("Delete %n item(s) for good?", "", len(chosen))
        text = (
            question
            + "\n\n"
            + self.tr("Their activities and follow-ups in the trash go too. This cannot be undone.")
        )
        if not confirm_purge(self, self.tr("Delete permanently"), text):
            return 0
        by_kind: dict[str, list[int]] = {}
        for kind, record_id in chosen:
            by_kind.setdefault(kind, []).append(record_id)
        purged = sum(trash.purge(self.ctx.wb, kind, ids) for kind, ids in by_kind.items())
        self._after_purge(purged)
        return purged

    def empty_trash(self) -> int:
        """Delete everything in the trash for good, after asking."""
        total = trash.count(self.ctx.wb) if self.ctx.has_workbench else 0
        if total == 0:
            return 0
        text = self.tr("Delete all %n item(s) in the trash for good?", "", total) + "\n\n"
        text += self.tr("Their activities and follow-ups go too. This cannot be undone.")
        if not confirm_purge(self, self.tr("Empty trash"), text):
            return 0
        purged = trash.empty(self.ctx.wb)
        self._after_purge(purged)
        return purged

    def _after_purge(self, purged: int) -> None:
        # Nothing live changed (the records were hidden already), but views that count
        # the trash, and the undo history's restores, now see fewer records.
        self.ctx.notify(Topic.ALL)
        self.reload()
        window = self.parent()
        status = getattr(window, "statusBar", None)
        if callable(status):
            status().showMessage(self.tr("%n item(s) deleted for good.", "", purged), 8000)

    @classmethod
    def show_for(cls, window: Any) -> TrashDialog:
        existing = window.findChild(TrashDialog)
        dialog = existing if isinstance(existing, TrashDialog) else cls(window.ctx, window)
        dialog.reload()
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog
