"""Tables that fit their width: columns hide by priority instead of scrolling sideways.

A laptop screen (1366 × 768, or 1920 × 1080 at 150 %) left a table's key columns behind
a horizontal scroll bar. :func:`fit_columns` keeps every column the table can hold at
its natural width and hides the least important ones that do not fit — the last
columns first unless ``priorities`` ranks them — bringing them back as the table
widens. The header's tooltip names what is hidden; right-clicking the header pins a
column into view (its priority becomes the highest).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtWidgets import QMenu, QTableView

#: The object name of the fitter a table carries (tests find it).
FITTER_NAME = "columnFitter"


class ColumnFitter(QObject):
    def __init__(
        self,
        view: QTableView,
        priorities: Sequence[str] = (),
        keys: Sequence[str] = (),
        widths: Sequence[int] = (),
    ) -> None:
        super().__init__(view)
        self.setObjectName(FITTER_NAME)
        self.view = view
        #: Column keys most important first; columns not named rank after them, in order.
        self.priorities = list(priorities)
        self.keys = list(keys)
        #: Each column's own width (what it gets when shown); read from the header if not given.
        self.widths = list(widths)
        self.natural: dict[int, int] = {}
        self._fitting = False
        header = view.horizontalHeader()
        header.sectionResized.connect(self._resized)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._menu)
        view.viewport().installEventFilter(self)

    def set_keys(self, keys: Sequence[str]) -> None:
        """The model's column keys (in column order), so ``priorities`` can name them."""
        self.keys = list(keys)
        self.natural.clear()
        self.fit()

    # --- fitting ---------------------------------------------------------------------------
    def order(self) -> list[int]:
        """Column numbers, most important first."""
        model = self.view.model()
        count = model.columnCount() if model is not None else 0
        ranked = [
            self.keys.index(k) for k in self.priorities if k in self.keys and self.keys.index(k) < count
        ]
        return ranked + [c for c in range(count) if c not in ranked]

    def fit(self) -> None:
        model = self.view.model()
        if model is None or self._fitting:
            return
        header = self.view.horizontalHeader()
        room = self.view.viewport().width()
        if room <= 0:
            return
        self._fitting = True
        try:
            used = 0
            for n, column in enumerate(self.order()):
                width = self.natural.setdefault(column, self._natural_width(column))
                # The most important column always shows; the others while they fit.
                shown = n == 0 or used + width <= room
                if shown:
                    used += width
                if header.isSectionHidden(column) == shown:
                    header.setSectionHidden(column, not shown)
                if shown and not header.stretchLastSection() and header.sectionSize(column) != width:
                    header.resizeSection(column, width)
            hidden = [
                str(model.headerData(c, Qt.Orientation.Horizontal) or "")
                for c in range(model.columnCount())
                if header.isSectionHidden(c)
            ]
            header.setToolTip(
                self.tr("Hidden to fit: {0}. Widen the window, or right-click here to show one.").format(
                    ", ".join(hidden)
                )
                if hidden
                else ""
            )
        finally:
            self._fitting = False

    def _natural_width(self, column: int) -> int:
        header = self.view.horizontalHeader()
        if column < len(self.widths) and self.widths[column] > 0:
            return self.widths[column]
        width = header.sectionSize(column) if not header.isSectionHidden(column) else 0
        last = max((c for c in range(header.count()) if not header.isSectionHidden(c)), default=-1)
        if (column == last and header.stretchLastSection()) or width <= 0:
            # Stretched to fill (or hidden): its header text decides, not the leftover room.
            width = max(header.sectionSizeHint(column), header.defaultSectionSize())
        return max(width, header.minimumSectionSize())

    def hidden_columns(self) -> list[int]:
        header = self.view.horizontalHeader()
        model = self.view.model()
        return [c for c in range(model.columnCount() if model else 0) if header.isSectionHidden(c)]

    def pin(self, column: int) -> None:
        """Bring ``column`` into view ahead of the others."""
        if 0 <= column < len(self.keys):
            key = self.keys[column]
            self.priorities = [key, *(k for k in self.priorities if k != key)]
        self.fit()

    # --- events ----------------------------------------------------------------------------
    def _resized(self, column: int, _old: int, new: int) -> None:
        header = self.view.horizontalHeader()
        if self._fitting or header.isSectionHidden(column) or new <= 0:
            return
        last = max((c for c in range(header.count()) if not header.isSectionHidden(c)), default=-1)
        if column == last and header.stretchLastSection():
            return  # stretched to fill the rest: not the column's own width
        self.natural[column] = new

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def _menu(self, pos: QPoint) -> None:
        model = self.view.model()
        hidden = self.hidden_columns()
        if model is None or not hidden:
            return
        menu = QMenu(self.view)
        for column in hidden:
            title = str(model.headerData(column, Qt.Orientation.Horizontal) or column)
            action = menu.addAction(self.tr("Show {0}").format(title))
            action.triggered.connect(lambda _c=False, c=column: self.pin(c))
        menu.exec(self.view.horizontalHeader().mapToGlobal(pos))


def fit_columns(
    view: QTableView, priorities: Sequence[str] = (), keys: Sequence[str] = (), widths: Sequence[int] = ()
) -> ColumnFitter:
    """Install (or update) the table's fitter; call again after a new model."""
    fitter = view.findChild(ColumnFitter, FITTER_NAME)
    if fitter is None:
        fitter = ColumnFitter(view, priorities, keys, widths)
    else:
        fitter.priorities = list(priorities) or fitter.priorities
        fitter.keys = list(keys) or fitter.keys
        fitter.widths = list(widths) or fitter.widths
    fitter.natural.clear()
    fitter.fit()
    return fitter
