"""Pipeline area: the rep's opportunities as a table or as a board by stage, with the
selected one's details beside them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolButton,
    QWidget,
)

from workbench.domain import StageKind
from workbench.services.pipeline import stages as pipeline
from workbench.services.pipeline.board import OpportunityTable, detail, opportunity_table
from workbench.services.tables import TableQuery
from workbench.ui.common.area_base import Area, empty_state, simple_area_layout
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.sql_table import SqlTableModel
from workbench.ui.common.widgets import configure_big_table
from workbench.ui.pipeline import moves
from workbench.ui.pipeline.board import NO_NEXT_STEP_COLOUR, STALE_COLOUR, BoardView
from workbench.ui.pipeline.opportunity_detail import OpportunityDetailView

TABLE, BOARD = 0, 1


class PipelineArea(Area):
    title = "Pipeline"
    topics = (Topic.OPPORTUNITIES, Topic.ACTIVITIES, Topic.ACCOUNTS, Topic.SETTINGS)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = simple_area_layout(self)
        bar = QHBoxLayout()
        self.table_button = QToolButton(self)
        self.table_button.setText(self.tr("Table"))
        self.board_button = QToolButton(self)
        self.board_button.setText(self.tr("Board"))
        self.view_buttons = QButtonGroup(self)
        for mode, button in ((TABLE, self.table_button), (BOARD, self.board_button)):
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            self.view_buttons.addButton(button, mode)
            bar.addWidget(button)
        self.board_button.setChecked(True)
        self.view_buttons.idClicked.connect(self.set_mode)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(self.tr("Filter by opportunity or account…"))
        self.filter_edit.setClearButtonEnabled(True)
        self.outcome = QComboBox(self)
        for text, value in (
            (self.tr("Open"), "open"),
            (self.tr("Won"), "won"),
            (self.tr("Lost"), "lost"),
            (self.tr("All"), ""),
        ):
            self.outcome.addItem(text, value)
        self.outcome.setToolTip(self.tr("Which opportunities the table lists"))
        self.count_label = QLabel(self)
        legend = QLabel(
            self.tr(
                "<span style='color:{0}'>■</span> stale &nbsp; <span style='color:{1}'>■</span> no next step"
            ).format(STALE_COLOUR, NO_NEXT_STEP_COLOUR),
            self,
        )
        legend.setToolTip(
            self.tr(
                "Stale: no touch for the stage's number of days (see Settings). "
                "Every open deal needs a next step."
            )
        )
        bar.addSpacing(12)
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.outcome)
        bar.addWidget(self.count_label)
        bar.addSpacing(12)
        bar.addWidget(legend)
        layout.addLayout(bar)

        self.empty = empty_state(
            self.tr(
                "No opportunities yet. Convert a lead from Leads (Ctrl+Shift+O), "
                "or open one on a target account (Pipeline menu)."
            ),
            self,
        )
        self.empty.hide()
        # Takes the splitter's room while shown, so the bar stays at the top.
        layout.addWidget(self.empty, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.stack = QStackedWidget(self.splitter)
        self.table = QTableView(self.stack)
        configure_big_table(self.table)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.board = BoardView(ctx, self.stack)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.board)
        self.stack.setCurrentIndex(BOARD)
        self.detail = OpportunityDetailView(ctx, self.splitter)
        self.detail.hide()
        self.detail.closeRequested.connect(self.hide_detail)
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        layout.addWidget(self.splitter, 1)

        self.model: SqlTableModel | None = None
        self.source: OpportunityTable | None = None
        self.board.currentChanged.connect(self._on_board_current)
        self.board.loaded.connect(self._board_shown)
        self.board.activated.connect(self.open_detail)
        self.table.activated.connect(self._on_table_activated)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self._apply_filter)
        self.filter_edit.textChanged.connect(lambda _t: self._debounce.start())
        self.outcome.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.outcome.hide()  # the board shows open deals and recent closes

    # --- actions ----------------------------------------------------------------------
    def install_actions(self, window: object) -> None:
        menu = window.menu("Pipeline")  # type: ignore[attr-defined]
        group = QActionGroup(self)
        self.table_action = self._action(menu, "&Table view", lambda: self.set_mode(TABLE))
        self.board_action = self._action(menu, "&Board view", lambda: self.set_mode(BOARD))
        for action in (self.table_action, self.board_action):
            action.setCheckable(True)
            group.addAction(action)
        self.board_action.setChecked(True)
        menu.addSeparator()
        self._action(menu, "Move to &next stage", lambda: self.move_selected(1), "Ctrl+Right")
        self._action(menu, "Move to &previous stage", lambda: self.move_selected(-1), "Ctrl+Left")
        self._action(menu, "Mark &won…", lambda: self.close_selected(StageKind.WON), "Ctrl+Shift+W")
        self._action(menu, "Mark &lost…", lambda: self.close_selected(StageKind.LOST), "Ctrl+Shift+L")
        self._action(menu, "&Reopen", self.reopen_selected)
        # Alt+Enter (the desktop's "properties" key): Ctrl+I imports leads everywhere.
        self._action(menu, "Open &details", lambda: self.open_detail(self.selected_id()), "Alt+Return")
        self._action(menu, "Move to &trash…", self.trash_selected, QKeySequence.StandardKey.Delete)
        menu.addSeparator()
        self._action(menu, "Edit &stages…", self.edit_stages)
        self._window = window

    def _action(
        self, menu: object, text: str, slot: object, shortcut: str | QKeySequence.StandardKey | None = None
    ) -> QAction:
        """An action shown in the menu whose shortcut only works inside this area, so
        Ctrl+Left in another area's text field keeps its usual meaning."""
        action = QAction(self.tr(text), self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        menu.addAction(action)  # type: ignore[attr-defined]
        self.addAction(action)
        return action

    def _show_me(self) -> None:
        window = getattr(self, "_window", None)
        if window is not None and not self.isVisible():
            window.show_area("pipeline")

    # --- data -------------------------------------------------------------------------
    def first_reads(self) -> Callable[[], object] | None:
        if not self.ctx.has_workbench:
            return None
        wb, clock = self.ctx.wb, self.ctx.clock

        def read() -> None:
            rows = opportunity_table(wb, clock).fetch(TableQuery(), 0, 50)
            if rows:
                detail(wb, int(rows[0][0]), clock=clock)

        return read

    def reload(self) -> None:
        wb = self.ctx.wb
        if self.model is None or self.model.source.wb is not wb:
            self.source = opportunity_table(wb, self.ctx.clock)
            self.model = SqlTableModel(self.source, self)
            self.model.countChanged.connect(self._show_count)
            self.table.setModel(self.model)
            for i, column in enumerate(self.source.columns):
                self.table.setColumnWidth(i, column.width)
            self.table.selectionModel().currentRowChanged.connect(self._on_table_current)
            self.model.set_query(TableQuery(chips={"outcome": "open"}))
            # The first board of a file is read off the UI thread (hundreds of ms on a
            # big file); the area counts as populated once it shows.
            self.board.reload_in_background()
            return
        else:
            assert self.source is not None
            self.source.set_now(self.ctx.clock())
            keep = self.selected_id() if self.mode == TABLE else None
            old_row = self.table.currentIndex().row()
            self.model.refresh()
            if keep is not None:
                self.model.row_id(old_row)  # loads that page: the row is most likely still on it
                self._select_table_row(keep)
        self.board.reload()
        self._board_shown()

    def _board_shown(self) -> None:
        if self.model is None or self.board.loading:
            return
        self._show_count(self.model.rowCount())
        if self.detail.isVisible():
            self.detail.reload()
        self.populated.emit()

    def _apply_filter(self) -> None:
        text = self.filter_edit.text()
        if self.model is not None:
            q = self.model.query
            self.model.set_query(
                TableQuery(text, {"outcome": self.outcome.currentData()}, q.sort_key, q.descending)
            )
        if self.board.text != text:
            self.board.text = text
            self.board.reload()
        self._show_count(self.model.rowCount() if self.model else 0)

    def _show_count(self, count: int) -> None:
        if self.mode == BOARD:
            count = sum(c.count for c in self.board.model.columns if c.stage.is_open)
            self.count_label.setText(self.tr("%n open deal(s)", "", count))
        else:
            self.count_label.setText(self.tr("%n deal(s)", "", count))
        nothing = not self.filter_edit.text() and self._total_is_zero()
        self.empty.setVisible(nothing)
        self.splitter.setVisible(not nothing)

    def _total_is_zero(self) -> bool:
        if self.board.loading:
            return False  # not known yet: never flash the "no deals yet" page
        return all(c.count == 0 for c in self.board.model.columns)

    # --- modes and selection -------------------------------------------------------------
    @property
    def mode(self) -> int:
        return self.stack.currentIndex()

    def set_mode(self, mode: int) -> None:
        selected = self.selected_id()
        self.stack.setCurrentIndex(mode)
        self.view_buttons.button(mode).setChecked(True)
        if hasattr(self, "table_action"):
            (self.table_action if mode == TABLE else self.board_action).setChecked(True)
        self.outcome.setVisible(mode == TABLE)
        if selected is not None:
            if mode == BOARD:
                self.board.select(selected)
            else:
                self._select_table_row(selected)
        self._show_count(self.model.rowCount() if self.model else 0)

    def selected_id(self) -> int | None:
        if self.mode == BOARD:
            return self.board.current_id()
        if self.model is None:
            return None
        index = self.table.currentIndex()
        return self.model.row_id(index.row()) if index.isValid() else None

    def _select_table_row(self, opportunity_id: int) -> None:
        if self.model is None:
            return
        row = self.model.row_of_id(opportunity_id)
        if row is not None:
            self.table.selectRow(row)
            self.table.setCurrentIndex(self.model.index(row, 0))

    def _on_board_current(self, opportunity_id: object) -> None:
        if isinstance(opportunity_id, int) and self.detail.isVisible():
            self.detail.show_opportunity(opportunity_id)

    def _on_table_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self.model is not None and current.isValid() and self.detail.isVisible():
            opportunity_id = self.model.row_id(current.row())
            if opportunity_id is not None:
                self.detail.show_opportunity(opportunity_id)

    def _on_table_activated(self, index: QModelIndex) -> None:
        if self.model is not None and index.isValid():
            self.open_detail(self.model.row_id(index.row()))

    def open_detail(self, opportunity_id: int | None) -> None:
        self._show_me()
        if opportunity_id is None:
            return
        if not self.detail.isVisible():
            self.detail.show()
            total = sum(self.splitter.sizes())
            width = max(self.detail.minimumWidth(), min(460, total // 3))
            self.splitter.setSizes([total - width, width])
        self.detail.show_opportunity(opportunity_id)
        self.detail.name.setFocus()

    def hide_detail(self) -> None:
        self.detail.hide()
        if self.mode == BOARD:
            current = self.board.current_id()
            if current is not None:
                self.board.select(current)
        else:
            self.table.setFocus()

    # --- moves --------------------------------------------------------------------------
    def _stage_of(self, opportunity_id: int) -> pipeline.Stage | None:
        stage = self.board.model.stage_of_card(opportunity_id)
        if stage is not None:
            return stage
        try:
            opp = pipeline.get_opportunity(self.ctx.wb, opportunity_id)
        except pipeline.NotFound:
            return None
        return next((s for s in pipeline.list_stages(self.ctx.wb) if s.id == opp.stage_id), None)

    def move_selected(self, step: int) -> None:
        self._show_me()
        opportunity_id = self.selected_id()
        if opportunity_id is None:
            return
        if self.mode == BOARD:
            self.board.move_current(step)
            return
        stage = self._stage_of(opportunity_id)
        stages = pipeline.list_stages(self.ctx.wb)
        if stage is None:
            return
        if not stage.is_open and step < 0:
            moves.reopen(self, self.ctx, opportunity_id)
            return
        ids = [s.id for s in stages]
        at = ids.index(stage.id) + step
        if 0 <= at < len(ids):
            moves.move(self, self.ctx, opportunity_id, stages[at])

    def close_selected(self, outcome: StageKind) -> None:
        self._show_me()
        opportunity_id = self.selected_id()
        target = next((s for s in pipeline.list_stages(self.ctx.wb) if s.kind is outcome), None)
        if opportunity_id is None or target is None:
            return
        if self.mode == BOARD:
            self.board.request_move(opportunity_id, target.id)
        else:
            moves.move(self, self.ctx, opportunity_id, target)

    def reopen_selected(self) -> None:
        self._show_me()
        opportunity_id = self.selected_id()
        if opportunity_id is not None:
            moves.reopen(self, self.ctx, opportunity_id)

    def edit_stages(self) -> None:
        from workbench.ui.pipeline.stages import StagesDialog

        dialog = StagesDialog(self.ctx, self)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()

    def trash_selected(self) -> None:
        self._show_me()
        opportunity_id = self.selected_id()
        if opportunity_id is None:
            return
        self.detail.show_opportunity(opportunity_id)
        self.detail.trash()


__all__ = ["BOARD", "TABLE", "PipelineArea"]
