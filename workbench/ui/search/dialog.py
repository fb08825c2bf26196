"""Global search (Ctrl+K): one box over leads, contacts, accounts, opportunities and
commands. Type; the best matches are listed as you type; Up/Down move, Enter opens the
record in its area or runs the command, Esc closes. ``>`` in front lists commands only.
Each record shows its company, status (a deal's stage and amount) and next follow-up;
when the best records tie on what was typed (two "Daniel Lee"), Enter opens nothing
until Down/Up chose one.

The dialog only ranks and reports the choice (``chosen``); what a choice does belongs
to :mod:`workbench.ui.search.actions`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QIcon, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from workbench.services.records import RecordKind
from workbench.services.search.global_search import CommandIndex, Hit, record_tie, search_everything
from workbench.ui.common.context import AppContext
from workbench.ui.common.lookup_field import kind_label, lookup_holder, match_facts, tie_text

_Index = QModelIndex | QPersistentModelIndex
RESULTS = 12
TEXT, HINT = range(2)

_KIND_ICONS = {
    RecordKind.LEAD: "leads",
    RecordKind.CONTACT: "targets",
    RecordKind.ACCOUNT: "targets",
    RecordKind.OPPORTUNITY: "pipeline",
}


@cache
def _kind_icon(kind: RecordKind) -> QIcon:
    from workbench.ui.common.icons import icon

    return icon(_KIND_ICONS[kind])


def hit_text(hit: Hit) -> str:
    if hit.command is not None:
        return hit.command.title
    match = hit.record
    assert match is not None
    parts = [match.name]
    if match.company and match.company != match.name:
        parts.append(match.company)
    if match.email or match.phone:
        parts.append(match.email or match.phone)
    return f"{' · '.join(parts)}  — {match_facts(match)}"


class SearchResultsModel(QAbstractTableModel):
    """The ranked hits: what it is, and a hint (the record's kind, or the command's
    menu and shortcut)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hits: list[Hit] = []

    def set_hits(self, hits: list[Hit]) -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.hits)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Match"), self.tr("What"))[section] if 0 <= section < 2 else None
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.hits):
            return None
        hit = self.hits[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return hit_text(hit) if column == TEXT else self._hint(hit)
        if role == Qt.ItemDataRole.DecorationRole and column == TEXT and hit.record is not None:
            return _kind_icon(hit.record.kind)
        if role == Qt.ItemDataRole.ToolTipRole and hit.command is not None and hit.command.path:
            return hit.command.path
        if role == Qt.ItemDataRole.TextAlignmentRole and column == HINT:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.UserRole:
            return hit
        return None

    def _hint(self, hit: Hit) -> str:
        if hit.record is not None:
            return kind_label(hit.record.kind)
        command = hit.command
        assert command is not None
        where = command.path or self.tr("command")
        return f"{where}   {command.shortcut}" if command.shortcut else where


class GlobalSearchDialog(QDialog):
    """``chosen`` carries the :class:`Hit` picked with Enter or a click; the dialog
    closes itself first, so whatever the choice opens is not stacked on top of it."""

    chosen = Signal(object)
    searched = Signal(int)

    def __init__(
        self, ctx: AppContext, commands: CommandIndex, parent: QWidget | None = None, *, debounce_ms: int = 25
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.commands = commands
        #: Down/Up chose a line since the last search (a tie may be opened).
        self._moved = False
        self.setWindowTitle(self.tr("Search everything"))
        self.setObjectName("globalSearch")
        layout = QVBoxLayout(self)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(
            self.tr("Search leads, contacts, accounts and deals — or type a command: log call, new lead…")
        )
        self.edit.setClearButtonEnabled(True)
        font = self.edit.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.edit.setFont(font)
        self.model = SearchResultsModel(self)
        self.results = QTreeView(self)
        self.results.setModel(self.model)
        self.results.setRootIsDecorated(False)
        self.results.setStyleSheet("QTreeView::item { padding: 3px 2px; }")
        self.results.setHeaderHidden(True)
        self.results.setUniformRowHeights(True)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.results.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(HINT, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(HINT, 220)
        row_height = self.results.fontMetrics().height() + 8
        self.results.setMinimumHeight(row_height * 8)
        self.status = QLabel(self)
        self.status.setObjectName("hint")
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # it quotes what was typed
        self.status.setWordWrap(True)
        footer = QLabel(
            self.tr("Enter opens · ↑ ↓ move · Esc closes · start with > for commands only"),
            self,
        )
        footer.setObjectName("hint")
        footer.setEnabled(False)
        layout.addWidget(self.edit)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.status)
        layout.addWidget(footer)
        self.resize(680, 440)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self.search_now)
        self.edit.textChanged.connect(lambda _t: self._timer.start())
        self.edit.installEventFilter(self)
        self.results.clicked.connect(lambda index: self.choose(index.row()))
        holder = lookup_holder(ctx)
        holder.ready.connect(self._index_ready)
        holder.warm()
        self.search_now()

    # --- placing ------------------------------------------------------------------------
    def place_over(self, window: QWidget) -> None:
        """Centred near the top of ``window``, where the eye already is."""
        width = min(720, max(480, window.width() - 120))
        self.resize(width, self.height())
        top_left = window.mapToGlobal(QPoint((window.width() - width) // 2, max(40, window.height() // 8)))
        self.move(top_left)

    # --- searching ----------------------------------------------------------------------
    def search_now(self) -> None:
        self._timer.stop()
        text = self.edit.text()
        lookup = None
        holder = lookup_holder(self.ctx)
        if self.ctx.has_workbench:
            lookup = holder.get()
        hits = search_everything(lookup, self.commands, text, RESULTS, wait=not holder.warming)
        self.model.set_hits(hits)
        self._moved = False
        if hits:
            self.results.setCurrentIndex(self.model.index(0, TEXT))
        if not text.strip():
            self.status.setText(self.tr("Frequent commands. Type a name, company, email, phone or command."))
        elif not hits:
            self.status.setText(self.tr("Nothing matches “{0}”.").format(text.strip()))
        else:
            self.status.setText(self._tie_text())
        self.searched.emit(len(hits))

    @property
    def tied(self) -> int:
        """How many best records tie while no line was chosen with Down/Up (0: Enter opens)."""
        return 0 if self._moved else record_tie(self.model.hits)

    def _tie_text(self) -> str:
        tied = self.tied
        records = [h.record for h in self.model.hits if h.record is not None]
        return tie_text(records, tied) if tied else ""

    def _index_ready(self) -> None:
        if self.isVisible() and self.edit.text().strip():
            self.search_now()

    # --- keys ---------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
                if self._timer.isActive():
                    self.search_now()
                self._step(key)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self._timer.isActive():
                    self.search_now()
                if self.tied:  # two people score the same: the rep chooses, not the list order
                    self.status.setText(self._tie_text())
                    return True
                self.choose(max(self.results.currentIndex().row(), 0))
                return True
        return super().eventFilter(watched, event)

    def _step(self, key: int) -> None:
        rows = self.model.rowCount()
        if not rows:
            return
        step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 5, Qt.Key.Key_PageUp: -5}[
            Qt.Key(key)
        ]
        row = max(0, min(rows - 1, self.results.currentIndex().row() + step))
        self.results.setCurrentIndex(self.model.index(row, TEXT))
        hint = self._tie_text()
        self._moved = True
        if hint and self.status.text() == hint:  # chosen: the tie is settled
            self.status.setText("")

    def current_hit(self) -> Hit | None:
        row = self.results.currentIndex().row()
        return self.model.hits[row] if 0 <= row < len(self.model.hits) else None

    def choose(self, row: int) -> None:
        if not 0 <= row < len(self.model.hits):
            return
        hit = self.model.hits[row]
        self.accept()
        self.chosen.emit(hit)
