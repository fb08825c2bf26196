"""Targets area: the rep's short list of ICP accounts.

A header shows progress against the target-list goal and how many targets nobody has
touched for N days; the list sorts by fit, tier or last touch (in SQL); the fit ×
engagement grid shows which good-fit accounts are not engaged yet; the selected
account's detail sits beside them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.services.records import account_of_contact
from workbench.services.tables import TableQuery
from workbench.services.targets import actions as target_actions
from workbench.services.targets.target_list import Summary, TargetTable, target_table
from workbench.ui.common.area_base import Area, empty_state, simple_area_layout
from workbench.ui.common.column_fit import fit_columns
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.sql_table import SqlTableModel
from workbench.ui.common.undo import undoable
from workbench.ui.common.widgets import configure_big_table
from workbench.ui.targets import labels
from workbench.ui.targets.account_detail import AccountDetailView
from workbench.ui.targets.fit_grid import FitGridView

LIST, GRID, EMPTY = 0, 1, 2
SORTS = (("fit", True), ("tier", False), ("last_touch", False), ("name", False))


class TargetTableModel(SqlTableModel):
    """The SQL table, with statuses in the rep's words."""

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        value = super().data(index, role)
        if (
            role == Qt.ItemDataRole.DisplayRole
            and isinstance(value, str)
            and self.source.columns[index.column()].key == "status"
        ):
            return labels.status_label(value)
        return value


class TargetsArea(Area):
    title = "Targets"
    topics = (Topic.ACCOUNTS, Topic.ACTIVITIES, Topic.OPPORTUNITIES, Topic.SETTINGS, Topic.LEADS)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model: SqlTableModel | None = None
        self.source: TargetTable | None = None
        self.summary: Summary | None = None
        self._ids_filter: list[int] | None = None
        self._keep: int | None = None  # the account to select again once a reload finishes
        layout = simple_area_layout(self)
        layout.addLayout(self._build_header())
        layout.addLayout(self._build_bar())
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(self.splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.cell_bar = QWidget(left)
        cell_row = QHBoxLayout(self.cell_bar)
        cell_row.setContentsMargins(0, 0, 0, 0)
        self.cell_label = QLabel(self.cell_bar)
        self.cell_clear = QPushButton(self.tr("Show all"), self.cell_bar)
        self.cell_clear.clicked.connect(self.clear_cell_filter)
        cell_row.addWidget(self.cell_label, 1)
        cell_row.addWidget(self.cell_clear)
        self.cell_bar.hide()
        left_layout.addWidget(self.cell_bar)
        self.stack = QStackedWidget(left)
        self.table = QTableView(self.stack)
        configure_big_table(self.table)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAccessibleName(self.tr("Target accounts"))
        self.grid = FitGridView(self.stack)
        self.grid.cellChosen.connect(self.show_cell)
        self.empty = empty_state(
            self.tr(
                "No target accounts yet. Write down the companies that fit your sweet spot: "
                "press Ctrl+Shift+A to add one, or Ctrl+Shift+P to promote an account your leads come from."
            ),
            self.stack,
        )
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.grid)
        self.stack.addWidget(self.empty)
        left_layout.addWidget(self.stack, 1)
        self.detail = AccountDetailView(ctx, self.splitter)
        self.detail.accountChanged.connect(self._detail_changed)
        self.detail.openAccount.connect(self.open_account)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout.addWidget(self.splitter, 1)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self._apply_query)
        self.filter_edit.textChanged.connect(lambda _t: self._debounce.start())
        self.table.doubleClicked.connect(lambda _i: self.edit_account())

    # --- building -------------------------------------------------------------------------
    def _build_header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        title = QLabel(self.tr("Target accounts"), self)
        title.setObjectName("areaTitle")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("goalProgress")
        self.progress.setMinimumWidth(220)
        self.progress.setTextVisible(True)
        self.untouched_button = QPushButton(self)
        self.untouched_button.setFlat(True)
        self.untouched_button.setToolTip(self.tr("Show only the targets nobody has touched lately"))
        self.untouched_button.clicked.connect(lambda: self.untouched_check.setChecked(True))
        self.idle_label = QLabel(self)
        self.idle_label.setToolTip(
            self.tr("Good-fit targets not contacted yet (see the fit × engagement view)")
        )
        row.addWidget(title)
        row.addSpacing(16)
        row.addWidget(self.progress)
        row.addWidget(self.untouched_button)
        row.addWidget(self.idle_label)
        row.addStretch(1)
        return row

    def _build_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(self.tr("Filter by name, domain, industry or region…"))
        self.filter_edit.setClearButtonEnabled(True)
        self.sort_combo = QComboBox(self)
        for text in (
            self.tr("Sort by fit"),
            self.tr("Sort by tier"),
            self.tr("Sort by last touch"),
            self.tr("Sort by name"),
        ):
            self.sort_combo.addItem(text)
        self.sort_combo.setAccessibleName(self.tr("Sort"))
        self.sort_combo.currentIndexChanged.connect(self.sort_by)
        self.untouched_check = QCheckBox(self.tr("&Untouched only"), self)
        self.parked_check = QCheckBox(self.tr("Show pa&rked"), self)
        self.untouched_check.toggled.connect(lambda _c: self._apply_query())
        self.parked_check.toggled.connect(lambda _c: self._apply_query())
        self.grid_button = QPushButton(self.tr("Fit × &engagement"), self)
        self.grid_button.setCheckable(True)
        self.grid_button.toggled.connect(self.show_grid)
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.sort_combo)
        bar.addWidget(self.untouched_check)
        bar.addWidget(self.parked_check)
        bar.addWidget(self.grid_button)
        return bar

    def install_actions(self, window: object) -> None:
        from workbench.ui.targets import menu as targets_menu

        self._window = window
        menu = targets_menu.of(window)
        slots: dict[Any, Any] = {
            menu.edit: self.edit_account,
            menu.add_contact: lambda: self.detail.contacts.add_contact(),
            menu.import_vcard: lambda: self.detail.contacts.import_vcard(),
            menu.enrol_team: self.enrol_buying_team,
            menu.park: self.detail.toggle_park,
            menu.demote: self.detail.toggle_target,
            menu.tier_a: lambda: self.set_tier("A"),
            menu.tier_b: lambda: self.set_tier("B"),
            menu.tier_c: lambda: self.set_tier("C"),
            menu.tier_none: lambda: self.set_tier(None),
            menu.trash: self.trash_selected,
            menu.grid: lambda: self.grid_button.toggle(),
            menu.find: self.focus_filter,
        }
        for action, slot in slots.items():
            action.triggered.connect(lambda _c=False, s=slot: self._from_menu(s))
            action.setEnabled(True)
            if action in (menu.trash, menu.find):
                # Keys that mean something else in a text field: the list and grid only.
                self.table.addAction(action)
                self.grid.addAction(action)
            else:
                self.addAction(action)
        self._grid_action = menu.grid

    def enrol_buying_team(self) -> None:
        """Enrol the current account's buying team in a sequence (issue 21)."""
        from workbench.services.records import RecordKind, RecordRef
        from workbench.ui.sequences.enrol_dialog import enrol_people

        account_id = self.selected_id()
        if account_id is None:
            return
        who = self.tr("the buying team")
        self.enrol_dialog = enrol_people(self.ctx, self, [RecordRef(RecordKind.ACCOUNT, account_id)], who)

    def _from_menu(self, slot: Any) -> None:
        window = getattr(self, "_window", None)
        if window is not None and not self.isVisible():
            window.show_area("targets")
        slot()

    # --- data --------------------------------------------------------------------------------
    def first_reads(self) -> Callable[[], object] | None:
        if not self.ctx.has_workbench:
            return None
        wb, clock = self.ctx.wb, self.ctx.clock

        def read() -> None:
            target_actions.summary(wb, clock)
            target_actions.grid(wb)
            target_actions.good_fit(wb)
            rows = target_actions.list_targets(wb)
            if rows:
                target_actions.account_view(wb, rows[0].id)

        return read

    def reload(self) -> None:
        wb = self.ctx.wb
        keep = self.selected_id()
        first_build = self.model is None or self.model.source.wb is not wb
        if first_build:
            self.source = target_table(wb, self.ctx.clock)
            self.model = TargetTableModel(self.source, self)
            self.table.setModel(self.model)
            columns = self.model.source.columns
            for i, column in enumerate(columns):
                self.table.setColumnWidth(i, column.width)
            fit_columns(self.table, (), [c.key for c in columns], [c.width for c in columns])
            self.table.selectionModel().currentRowChanged.connect(self._current_changed)
            # setModel made the view sort by its header's indicator; the combo box decides.
            self.model.set_query(self._query(keep_sort=False))
            self._show_sort()
            self.table.horizontalHeader().sortIndicatorChanged.connect(self._header_sorted)
        else:
            assert self.source is not None
            self.source.set_now(self.ctx.clock())  # "untouched" depends on now
            assert self.model is not None
            self.model.refresh()
        self._keep = keep
        if first_build:
            # On a first visit the list, the header and the first account's detail
            # together kept the UI busy over 100 ms: each gets an event-loop turn.
            QTimer.singleShot(0, self._finish_reload)
            return
        self._finish_reload()

    def _finish_reload(self) -> None:
        if not self.ctx.has_workbench or self.model is None:
            return
        wb, keep = self.ctx.wb, self._keep
        self.refresh_header()
        self.grid.grid_model.set_cells(target_actions.grid(wb), target_actions.good_fit(wb))
        self._show_stack()
        if keep is not None:
            self.select_account(keep)
        elif self.model.rowCount() > 0 and not self.table.currentIndex().isValid():
            # The first account's detail fills in the next event-loop turn: on a first
            # visit the list, header and detail together kept the UI busy over 100 ms.
            QTimer.singleShot(0, self._select_first)
            return
        self.populated.emit()

    def _select_first(self) -> None:
        if self.model is not None and self.model.rowCount() > 0 and not self.table.currentIndex().isValid():
            self.table.selectRow(0)
        self.populated.emit()

    def refresh_header(self) -> None:
        s = target_actions.summary(self.ctx.wb, self.ctx.clock)
        self.summary = s
        self.progress.setMaximum(max(s.goal, 1))
        self.progress.setValue(min(s.active, max(s.goal, 1)))
        self.progress.setFormat(self.tr("{0} of {1} targets").format(s.active, s.goal))
        self.progress.setToolTip(
            self.tr("Goal reached")
            if s.reached
            else self.tr("%n more to reach your goal", "", s.goal - s.active)
        )
        self.untouched_button.setText(
            self.tr("Untouched for {0}+ days: {1}").format(s.untouched_days, s.untouched)
        )
        self.untouched_button.setStyleSheet("color: #1f6fd1; font-weight: 600" if s.untouched else "")
        self.idle_label.setText(self.tr("Good fit, not contacted: {0}").format(s.good_fit_not_engaged))
        self.idle_label.setVisible(s.good_fit_not_engaged > 0)

    def _query(self, *, keep_sort: bool = True) -> TableQuery:
        chips: dict[str, Any] = {
            "parked": self.parked_check.isChecked(),
            "untouched": self.untouched_check.isChecked(),
        }
        if self._ids_filter is not None:
            chips["ids"] = self._ids_filter
        if keep_sort and self.model is not None and self.model.query.sort_key is not None:
            key, descending = self.model.query.sort_key, self.model.query.descending
        else:
            key, descending = SORTS[self.sort_combo.currentIndex()]
        return TableQuery(self.filter_edit.text(), chips, key, descending)

    def _apply_query(self) -> None:
        if self.model is None:
            return
        keep = self.selected_id()
        self.model.set_query(self._query())
        self._show_stack()
        if keep is not None:
            self.select_account(keep)

    def sort_by(self, index: int) -> None:
        """The sort picked in the combo box (the column headers sort too)."""
        if self.model is None:
            return
        key, descending = SORTS[index]
        q = self.model.query
        self.model.set_query(TableQuery(q.text, q.chips, key, descending))
        self._show_sort()

    def _show_sort(self) -> None:
        if self.model is None:
            return
        q = self.model.query
        key = q.sort_key or SORTS[0][0]
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(
            self.model.source.column_index(key),
            Qt.SortOrder.DescendingOrder if q.descending else Qt.SortOrder.AscendingOrder,
        )
        header.blockSignals(False)

    def _header_sorted(self, _section: int, _order: Qt.SortOrder) -> None:
        # The view already asked the model to sort; keep the combo box saying what it is.
        if self.model is None:
            return
        keys = [k for k, _ in SORTS]
        if self.model.query.sort_key in keys:
            self.sort_combo.blockSignals(True)
            self.sort_combo.setCurrentIndex(keys.index(self.model.query.sort_key))
            self.sort_combo.blockSignals(False)

    def _show_stack(self) -> None:
        if self.grid_button.isChecked():
            self.stack.setCurrentIndex(GRID)
        elif self.summary is not None and self.summary.active + self.summary.parked == 0:
            self.stack.setCurrentIndex(EMPTY)
        else:
            self.stack.setCurrentIndex(LIST)

    # --- selection ------------------------------------------------------------------------------
    def selected_id(self) -> int | None:
        if self.model is None:
            return None
        index = self.table.currentIndex()
        return self.model.row_id(index.row()) if index.isValid() else None

    def select_account(self, account_id: int) -> bool:
        if self.model is None:
            return False
        row = self.model.row_of_id(account_id)
        if row is None:
            # Not in the cached pages: look through the (short) list.
            for r in range(min(self.model.rowCount(), 2000)):
                if self.model.row_id(r) == account_id:
                    row = r
                    break
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.detail.show_account(
            self.model.row_id(current.row()) if self.model and current.isValid() else None
        )

    def open_account(self, account_id: int) -> None:
        """Show an account (a target, parked or not) in the list and its detail."""
        if self.select_account(account_id):
            return
        # Widen the list (parked shown, no grid cell) with one query, and go straight to
        # the account: toggling each setting re-ran the query and re-read the old
        # selection's detail every time (three detail reads for one click).
        self.parked_check.blockSignals(True)
        self.parked_check.setChecked(True)
        self.parked_check.blockSignals(False)
        self._ids_filter = None
        self.cell_bar.hide()
        if self.model is not None:
            self.model.set_query(self._query())
            self._show_stack()
        if not self.select_account(account_id):
            self.detail.show_account(account_id)

    def open_contact(self, contact_id: int) -> bool:
        """Show a contact's account with the contact's timeline."""
        account_id = account_of_contact(self.ctx.wb, contact_id)
        if account_id is None:
            return False
        self.open_account(account_id)
        return self.detail.show_contact(contact_id)

    # --- the grid ------------------------------------------------------------------------------
    def show_grid(self, on: bool) -> None:
        if self._grid_action_checked() != on:
            self._grid_action.setChecked(on)
        if on:
            if self._ids_filter is not None:
                self._ids_filter = None
                self._apply_query()
            self.cell_label.setText(
                self.tr("Rows: ICP fit. Columns: how far you got. Enter on a cell lists its accounts.")
            )
            self.cell_clear.hide()
        self.cell_bar.setVisible(on)
        self._show_stack()
        (self.grid if on else self.table).setFocus()

    def _grid_action_checked(self) -> bool:
        action = getattr(self, "_grid_action", None)
        return bool(action.isChecked()) if action is not None else False

    def show_cell(self, ids: list[int], label: str) -> None:
        self._ids_filter = ids
        self.grid_button.setChecked(False)
        self.cell_label.setText(self.tr("Showing: {0}").format(label))
        self.cell_clear.show()
        self.cell_bar.show()
        self._apply_query()
        self.table.selectRow(0)
        self.table.setFocus()

    def clear_cell_filter(self) -> None:
        self._ids_filter = None
        self.cell_bar.hide()
        self._apply_query()

    # --- actions ----------------------------------------------------------------------------------
    def focus_filter(self) -> None:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    def new_account(self) -> int | None:
        from workbench.ui.targets.account_edit import AccountEditDialog

        saved, open_other = AccountEditDialog.ask(self.ctx, self.window(), target=True)
        if saved is not None:
            self._after_change(saved)
            return saved
        if open_other is not None:
            self.open_account(open_other)
        return None

    def promote_account(self) -> int | None:
        from workbench.ui.targets.promote_account import PromoteDialog

        choice = PromoteDialog.ask(self.ctx, self.window())
        if choice is None:
            return None
        with undoable(self.ctx, self.tr("Put an account on the target list")):
            target_actions.promote(
                self.ctx.wb, choice.account_id, tier=choice.tier, reason=choice.reason, clock=self.ctx.clock
            )
        self._after_change(choice.account_id)
        return choice.account_id

    def edit_account(self) -> None:
        if self.detail.account_id is not None:
            self.detail.edit_account()

    def set_tier(self, tier: str | None) -> None:
        account_id = self.selected_id()
        if account_id is None:
            return
        with undoable(self.ctx, self.tr("Set tier")):
            target_actions.set_tier(self.ctx.wb, account_id, tier, self.ctx.clock)
        self._after_change(account_id)

    def trash_selected(self) -> None:
        account_id = self.selected_id()
        if account_id is None or self.detail.view is None:
            return
        name = self.detail.view.account.name
        if not labels.confirm(
            self,
            self.tr("Move to trash"),
            self.tr(
                "Move {0} to the trash, with its contacts, activities and follow-ups? "
                "Edit → Trash restores it."
            ).format(name),
        ):
            return
        with undoable(self.ctx, self.tr("Move {0} to the trash").format(name)):
            target_actions.trash_account(self.ctx.wb, account_id, self.ctx.clock)
        row = self.table.currentIndex().row()
        self.ctx.notify(Topic.ACCOUNTS)
        self.reload()
        if self.model is not None and self.model.rowCount():
            self.table.selectRow(min(row, self.model.rowCount() - 1))

    def _detail_changed(self, account_id: int) -> None:
        # The detail also notified Topic.ACCOUNTS, which reloads this area when it shows.
        if not self.isVisible():
            return
        self.select_account(account_id)

    def _after_change(self, account_id: int) -> None:
        self.ctx.notify(Topic.ACCOUNTS)
        self.reload()
        if not self.select_account(account_id):
            self.open_account(account_id)
        self.table.setFocus()
