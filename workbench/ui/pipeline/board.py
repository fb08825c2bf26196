"""The pipeline board: a column per stage with its count and total, cards you drag
between stages — or move with Ctrl+Left / Ctrl+Right.

Every column is a :class:`CardList` over the shared :class:`BoardModel` with that
stage as root index, so drag and drop is Qt's own (mime data carrying the opportunity
ids). Moves go through :meth:`BoardView.request_move`, which asks for the reason when
the target is Won or Lost; cancelling leaves the card where it was.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QScrollArea,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import StageKind
from workbench.services.pipeline import stages as pipeline
from workbench.services.pipeline.board import Board, Card, board
from workbench.services.pipeline.stages import Stage
from workbench.ui.common import format as fmt
from workbench.ui.common.context import AppContext
from workbench.ui.common.plain import plain
from workbench.ui.pipeline import moves
from workbench.ui.pipeline.board_model import CARD_ROLE, BoardModel, money

STALE_COLOUR = "#b35c00"
NO_NEXT_STEP_COLOUR = "#8e24aa"
COLUMN_WIDTH = 150
#: A card holds at least this many average characters per line, whatever the font size
#: (columns share the width beyond that: seven stages fit a 1366-pixel laptop screen).
CARD_CHARS = 19
#: Won and Lost are drop targets more than reading places: narrower, always in view.
CLOSED_CHARS = 13


def column_width(metrics: QFontMetrics, *, closed: bool = False) -> int:
    """A board column's least width in this font: at least COLUMN_WIDTH (two thirds of it
    for Won and Lost), wider when the font is bigger, so cards never shrink below their
    text."""
    if closed:
        return max(COLUMN_WIDTH * 2 // 3, metrics.averageCharWidth() * CLOSED_CHARS + 24)
    return max(COLUMN_WIDTH, metrics.averageCharWidth() * CARD_CHARS + 24)


_Index = QModelIndex | QPersistentModelIndex


class CardDelegate(QStyledItemDelegate):
    """Paints a card: name, account, amount and close date, next step; stale and
    step-less cards get a coloured edge and say so in words (colour is never the only cue)."""

    PAD = 8

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: "Now" for the time-in-stage text; the board sets it on every reload.
        self.now: datetime | None = None

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        line = option.fontMetrics.height()
        return QSize(column_width(option.fontMetrics) - 24, line * 4 + self.PAD * 2 + 6)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        card = index.data(CARD_ROLE)
        if not isinstance(card, Card):
            super().paint(painter, option, index)
            return
        painter.save()
        try:
            self._paint(painter, option, card)
        finally:
            painter.restore()

    def _paint(self, painter: QPainter, option: QStyleOptionViewItem, card: Card) -> None:
        palette: QPalette = option.palette
        rect = option.rect.adjusted(3, 3, -3, -3)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(
            QPen(
                palette.color(QPalette.ColorRole.Highlight)
                if selected
                else palette.color(QPalette.ColorRole.Mid),
                2 if selected else 1,
            )
        )
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(rect, 6, 6)
        flag = STALE_COLOUR if card.stale else NO_NEXT_STEP_COLOUR if card.no_next_step else None
        if flag:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(flag))
            painter.drawRoundedRect(QRect(rect.left(), rect.top(), 5, rect.height()), 2, 2)
        text = rect.adjusted(self.PAD + 4, self.PAD - 2, -self.PAD, -self.PAD)
        line = option.fontMetrics.height()
        metrics = option.fontMetrics
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        row = QRect(text.left(), text.top(), text.width(), line)
        painter.drawText(  # elided in the bold font it is drawn in
            row,
            Qt.AlignmentFlag.AlignLeft,
            QFontMetrics(bold).elidedText(card.name, Qt.TextElideMode.ElideRight, row.width()),
        )
        painter.setFont(option.font)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        row.translate(0, line)
        painter.setPen(muted)
        where = card.account if card.account and card.account != card.name else ""
        age = self.tr("{0} in stage").format(fmt.age_text(card.stage_entered_at, self.now))
        second = f"{where} · {age}" if where else age
        painter.drawText(
            row,
            Qt.AlignmentFlag.AlignLeft,
            metrics.elidedText(second, Qt.TextElideMode.ElideRight, row.width()),
        )
        row.translate(0, line)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        amount = fmt.money_text(card.amount, card.currency)
        painter.drawText(row, Qt.AlignmentFlag.AlignLeft, amount)
        if card.expected_close is not None:
            # The date takes what the amount leaves (never drawn over it).
            room = row.width() - metrics.horizontalAdvance(amount) - metrics.averageCharWidth() * 2
            date = metrics.elidedText(fmt.date_text(card.expected_close), Qt.TextElideMode.ElideRight, room)
            if room > 0 and date:
                painter.setPen(muted)
                painter.drawText(row, Qt.AlignmentFlag.AlignRight, date)
        row.translate(0, line)
        if card.stale:
            painter.setPen(QColor(STALE_COLOUR))
            status = self.tr("Stale — no recent touch")
        elif card.no_next_step:
            painter.setPen(QColor(NO_NEXT_STEP_COLOUR))
            status = self.tr("No next step")
        else:
            painter.setPen(muted)
            status = self.tr("Next: {0}").format(card.next_step) if card.next_step else ""
        painter.drawText(
            row,
            Qt.AlignmentFlag.AlignLeft,
            metrics.elidedText(status, Qt.TextElideMode.ElideRight, row.width()),
        )


class CardList(QListView):
    """One column's cards. Ctrl+Left/Right asks to move the current card; Left/Right
    without Ctrl walks to the neighbouring column."""

    moveKey = Signal(int)
    neighbour = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setUniformItemSizes(True)
        self.setSpacing(2)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.card_delegate = CardDelegate(self)
        self.setItemDelegate(self.card_delegate)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            step = -1 if key == Qt.Key.Key_Left else 1
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.moveKey.emit(step)
            else:
                self.neighbour.emit(step)
            event.accept()
            return
        super().keyPressEvent(event)


class BoardColumnWidget(QFrame):
    def __init__(self, model: BoardModel, row: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("boardColumn")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.model = model
        self.row = row
        self.closed = model.columns[row].stage.kind is not StageKind.OPEN
        self.setMinimumWidth(column_width(self.fontMetrics(), closed=self.closed))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 8, 6, 6)
        layout.setSpacing(2)
        self.title = plain(QLabel(self))  # the stage's name: the rep's own text
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.title.setFont(font)
        self.title.setWordWrap(True)  # "Won · last 30 days" in a narrow column
        self.totals = plain(QLabel(self))
        self.totals.setWordWrap(True)
        self.more = QLabel(self)
        self.more.setWordWrap(True)
        self.more.setStyleSheet("color: palette(placeholder-text);")
        self.cards = CardList(self)
        self.cards.setModel(model)
        layout.addWidget(self.title)
        layout.addWidget(self.totals)
        layout.addWidget(self.cards, 1)
        layout.addWidget(self.more)
        self.refresh()

    @property
    def stage(self) -> Stage:
        return self.model.columns[self.row].stage

    def refresh(self) -> None:
        column = self.model.columns[self.row]
        self.cards.setRootIndex(self.model.index(self.row, 0))
        name = column.stage.name
        if column.stage.kind is StageKind.OPEN:
            self.title.setText(self.tr("{0} · {1} %").format(name, round(column.stage.probability * 100)))
        else:
            self.title.setText(self.tr("{0} · last %n day(s)", "", self.model.closed_days).format(name))
        text = self.tr("%n deal(s)", "", column.count) + " · " + money(column.totals)
        if column.stale:
            text += " · " + self.tr("%n stale", "", column.stale)
        self.totals.setText(text)
        self.totals.setToolTip(self.tr("Weighted by probability: {0}").format(money(column.weighted)))
        self.more.setVisible(column.hidden > 0)
        self.more.setText(self.tr("+ %n more: see the table view", "", column.hidden))
        self.cards.setAccessibleName(self.tr("{0} cards").format(name))


class BoardView(QWidget):
    """The board. :attr:`moved` fires after a card changed stage (and the data reloaded)."""

    moved = Signal(int)
    currentChanged = Signal(object)  # opportunity id or None
    activated = Signal(int)
    #: A background load ended (shown, or dropped because a newer load overtook it).
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.text = ""
        self.model = BoardModel(self)
        self.model.moveRequested.connect(self.request_move, Qt.ConnectionType.QueuedConnection)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroller = QScrollArea(self)
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.strip = QWidget(self.scroller)
        self.row = QHBoxLayout(self.strip)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(8)
        self.scroller.setWidget(self.strip)
        outer.addWidget(self.scroller)
        self.columns: list[BoardColumnWidget] = []
        self._stage_ids: list[int] = []
        self._current: int | None = None
        self._job: object | None = None
        self._job_generation = 0
        #: Bumped by every (re)load, so a background result that was overtaken is dropped.
        self._generation = 0

    # --- data --------------------------------------------------------------------------
    @property
    def loading(self) -> bool:
        """A background load is on its way (see :meth:`reload_in_background`)."""
        return self._job is not None

    def reload(self) -> None:
        self._generation += 1  # a background load still running is now out of date
        self._apply(board(self.ctx.wb, text=self.text, clock=self.ctx.clock))

    def reload_in_background(self) -> None:
        """Read the board on the thread pool and show it when it arrives (``loaded``):
        the first look at the board of a big file costs a few hundred milliseconds of
        SQL that must not stop the window (issue 11)."""
        from workbench.ui.common.workers import Job, start

        self._generation += 1
        generation, wb, text, clock = self._generation, self.ctx.wb, self.text, self.ctx.clock
        job = Job(lambda _report: (generation, wb, board(wb, text=text, clock=clock)))
        self._job, self._job_generation = job, generation
        # Bound methods: Qt drops the connections if this view is gone before the job is.
        job.signals.finished.connect(self._arrived)
        job.signals.failed.connect(self._load_failed)
        start(job)

    def _current_load(self, generation: int, wb: object) -> bool:
        return generation == self._generation and self.ctx.has_workbench and self.ctx.wb is wb

    def _arrived(self, result: tuple[int, object, Board]) -> None:
        generation, wb, data = result
        if generation == self._job_generation:
            self._job = None  # the newest background load (a sync reload makes none)
        if self._current_load(generation, wb):
            self._apply(data)
        self.loaded.emit()

    def _load_failed(self, _exc: BaseException) -> None:
        # Which load failed is not known here: read again on this thread, where an
        # error reaches the rep as every other one does.
        self._job = None
        if self.ctx.has_workbench:
            self.reload()
        self.loaded.emit()

    def _apply(self, data: Board) -> None:
        keep = self._current
        self.model.set_board(data)
        # After the reset, not in a modelReset slot: each list view clears its root
        # index in its own reset handler, which may run after ours.
        self._rebuild()
        for column in self.columns:
            column.cards.card_delegate.now = data.now
        if keep is not None:
            self.select(keep, focus=False)

    def _rebuild(self) -> None:
        ids = [c.stage.id for c in self.model.columns]
        if ids != self._stage_ids:
            for widget in self.columns:
                widget.setParent(None)
                widget.deleteLater()
            self.columns = []
            for row in range(len(ids)):
                column = BoardColumnWidget(self.model, row, self.strip)
                column.cards.moveKey.connect(lambda step, c=column: self.move_current(step, c))
                column.cards.neighbour.connect(lambda step, c=column: self._focus_neighbour(c, step))
                column.cards.selectionModel().currentChanged.connect(
                    lambda current, _previous: self._on_current(current)
                )
                column.cards.activated.connect(self._on_activated)
                # Open stages share the spare width twice as much as Won and Lost.
                self.row.addWidget(column, 1 if column.closed else 2)
                self.columns.append(column)
            self._stage_ids = ids
        else:
            for column in self.columns:
                column.refresh()

    def column_for_stage(self, stage_id: int) -> BoardColumnWidget | None:
        return next((c for c in self.columns if c.stage.id == stage_id), None)

    # --- selection ---------------------------------------------------------------------
    def _on_current(self, index: QModelIndex) -> None:
        card = self.model.card(index)
        if card is not None:
            self._current = card.id
            for column in self.columns:  # one selected card on the whole board
                if column.cards.currentIndex().isValid() and column.cards.currentIndex() != index:
                    column.cards.selectionModel().clear()
            self.currentChanged.emit(card.id)

    def _on_activated(self, index: QModelIndex) -> None:
        card = self.model.card(index)
        if card is not None:
            self.activated.emit(card.id)

    def current_id(self) -> int | None:
        return self._current if self.model.card_index(self._current or -1).isValid() else None

    def select(self, opportunity_id: int, *, focus: bool = True) -> bool:
        index = self.model.card_index(opportunity_id)
        if not index.isValid():
            return False
        column = self.column_for_stage(self.model.columns[index.parent().row()].stage.id)
        if column is None:
            return False
        column.cards.setCurrentIndex(index)
        column.cards.scrollTo(index)
        if focus:
            column.cards.setFocus()
        self.scroller.ensureWidgetVisible(column)
        return True

    def _focus_neighbour(self, column: BoardColumnWidget, step: int) -> None:
        at = self.columns.index(column) + step
        while 0 <= at < len(self.columns):
            target = self.columns[at].cards
            if self.model.rowCount(target.rootIndex()):
                if not target.currentIndex().isValid():
                    target.setCurrentIndex(self.model.index(0, 0, target.rootIndex()))
                target.setFocus()
                self.scroller.ensureWidgetVisible(self.columns[at])
                return
            at += step

    # --- moving ------------------------------------------------------------------------
    def move_current(self, step: int, column: BoardColumnWidget | None = None) -> None:
        opportunity_id = self.current_id()
        if opportunity_id is None:
            return
        stage = self.model.stage_of_card(opportunity_id)
        ids = [c.stage.id for c in self.model.columns]
        if stage is None:
            return
        if stage.kind is not StageKind.OPEN and step < 0:
            target = pipeline.reopen_target(self.ctx.wb, opportunity_id).id
        else:
            at = ids.index(stage.id) + step
            if not 0 <= at < len(ids):
                return
            target = ids[at]
        self.request_move(opportunity_id, target)

    def request_move(self, opportunity_id: int, stage_id: int) -> bool:
        """Move a card, asking for the reason when the target is Won or Lost. False when
        cancelled or refused — the card then stays where it was."""
        target = next((c.stage for c in self.model.columns if c.stage.id == stage_id), None)
        if target is None:
            return False
        self._current = opportunity_id
        changed = moves.move(self, self.ctx, opportunity_id, target)
        # Redrawn from the file either way: a cancelled drop shows the card where it is.
        self.reload()
        self.select(opportunity_id)
        if changed:
            self.moved.emit(opportunity_id)
        return changed
