"""Leads area: the rep's leads in one big, instant table, with chips, a detail pane and
one-key triage.

Keys while the table has the focus: W working, N nurture…, Q qualified, D disqualify…,
Shift+N back to new, L link to account, Del to the trash, / to filter. They act on all
selected rows, each as one undoable step (Ctrl+Z). The filter (text, chips and sort) is
remembered across restarts.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.services.leads import edit as leads
from workbench.services.leads import triage as lead_triage
from workbench.services.leads.table import LeadTableSource, lead_table
from workbench.services.leads.triage import TriageRefused, TriageResult
from workbench.services.settings import reasons
from workbench.services.settings import values as settings
from workbench.services.tables import TableQuery
from workbench.ui.common.area_base import Area, simple_area_layout
from workbench.ui.common.column_fit import fit_columns
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.sql_table import STYLE_ROLE, SqlTableModel
from workbench.ui.common.widgets import configure_big_table
from workbench.ui.leads import actions as lead_actions
from workbench.ui.leads import commands as lead_commands
from workbench.ui.leads import triage as triage_checks
from workbench.ui.leads.chips import ChipBar
from workbench.ui.leads.detail import LeadDetailPanel

#: Triage on more rows than this at once is refused (each row's old state is kept for undo).
MAX_SELECTED = 5000
SETTINGS_KEY = "leads/filter"


def _warn(parent: QWidget, title: str, text: str) -> None:
    """Tell the rep why nothing happened (tests replace this to read the message)."""
    QMessageBox.information(parent, title, text)


#: The columns that stay in view the longest as the table narrows (issue 20): who, where
#: they stand, how long they have waited, how fast they were answered, what is next.
LEAD_COLUMN_PRIORITY = ("name", "status", "age", "speed", "next_followup", "company", "source", "kind")


class LeadsArea(Area):
    title = "Leads"
    topics = (Topic.LEADS, Topic.ACTIVITIES, Topic.SETTINGS, Topic.ACCOUNTS)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.warn: Callable[[QWidget, str, str], None] = _warn
        layout = simple_area_layout(self)
        bar = QHBoxLayout()
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(self.tr("Filter by name, company, email or phone…  ( / )"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.installEventFilter(self)
        self.count_label = QLabel(self)
        self.new_button = QPushButton(self.tr("New lead (Ctrl+N)"), self)
        self.trash_button = QPushButton(self.tr("Trash…"), self)
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.count_label)
        bar.addWidget(self.new_button)
        bar.addWidget(self.trash_button)
        layout.addLayout(bar)
        self.chips = ChipBar(self)
        layout.addWidget(self.chips)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(self.splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableView(left)
        self.table.setObjectName("leadsTable")
        configure_big_table(self.table)
        self.empty = QLabel(left)
        self.empty.setObjectName("emptyState")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()
        left_layout.addWidget(self.empty)
        left_layout.addWidget(self.table, 1)
        self.detail = LeadDetailPanel(ctx, self.splitter)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        # The detail folds away while no lead is chosen: the table gets the whole width
        # (half a laptop screen said only "Select a lead"), and opens again on a choice.
        self.splitter.setCollapsible(1, True)
        self._detail_width = 420
        self.splitter.setSizes([1180, 0])
        layout.addWidget(self.splitter, 1)

        self.model: SqlTableModel | None = None
        self.source: LeadTableSource | None = None
        self.lead_menu: lead_actions.LeadActions | None = None
        self._shown_id: int | None = None
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self._apply_filter)
        self.filter_edit.textChanged.connect(lambda _t: self._debounce.start())
        # Writing the ini file costs ~20 ms: once the rep pauses, and when the area hides.
        self._save_soon = QTimer(self)
        self._save_soon.setSingleShot(True)
        self._save_soon.setInterval(600)
        self._save_soon.timeout.connect(self._save_filter)
        self.filter_edit.returnPressed.connect(self.focus_table)
        self.chips.changed.connect(self._apply_filter)
        self.detail.linkRequested.connect(self.link_account)

    # --- actions ------------------------------------------------------------------------
    def install_actions(self, window: object) -> None:
        actions = lead_actions.of(window)
        self.lead_menu = actions
        handlers: dict[Any, Callable[[], None]] = {
            actions.working: self.mark_working,
            actions.nurture: self.nurture,
            actions.qualified: self.qualify,
            actions.qualify_anyway: self.qualify_without_asking,
            actions.disqualify: self.disqualify,
            actions.reopen: self.reopen,
            actions.log: self.log_current,
            actions.link: self.link_current,
            actions.enrol: self.enrol_selected,
            actions.delete: self.delete_selected,
            actions.find: self.focus_filter,
        }
        for action, handler in handlers.items():
            action.triggered.connect(lambda _c=False, h=handler: self._run_if_shown(h))
            self.table.addAction(action)
        self.detail.set_triage_actions(actions.triage[:4])
        self.new_button.clicked.connect(actions.new_lead.trigger)
        self.trash_button.clicked.connect(actions.trash.trigger)
        self._update_actions()

    def _run_if_shown(self, handler: Callable[[], None]) -> None:
        if self.isVisible() and self.model is not None:
            handler()

    def _update_actions(self) -> None:
        if self.lead_menu is None:
            return
        has_rows = self.isVisible() and (bool(self.selected_ids(limit=1)) or self.detail.lead_id is not None)
        for action in self.lead_menu.table_actions:
            action.setEnabled(has_rows or action is self.lead_menu.find)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._update_actions()

    def hideEvent(self, event: Any) -> None:
        super().hideEvent(event)
        if self._save_soon.isActive():
            self._save_soon.stop()
            self._save_filter()
        if self.lead_menu is not None:
            for action in self.lead_menu.table_actions:
                action.setEnabled(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.filter_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
                self.focus_table()
                return True
        return super().eventFilter(watched, event)

    def focus_filter(self) -> None:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    def main_list(self) -> QWidget | None:
        return self.table

    def focus_table(self) -> None:
        self.table.setFocus()  # (Qt may make the first cell current, without selecting it)
        if (
            self.model is not None
            and self.model.rowCount()
            and not self.table.selectionModel().hasSelection()
        ):
            current = self.table.currentIndex()
            self.table.selectRow(current.row() if current.isValid() else 0)

    # --- data ---------------------------------------------------------------------------
    def first_reads(self) -> Callable[[], object] | None:
        if not self.ctx.has_workbench:
            return None
        wb, clock = self.ctx.wb, self.ctx.clock

        def read() -> None:
            source = lead_table(wb, clock)
            query = TableQuery()
            source.count(query)
            rows = source.fetch(query, 0, 50)
            leads.sources(wb)
            if rows:
                leads.lead_detail(wb, int(rows[0][0]))

        return read

    def reload(self) -> None:
        if self.model is None or self.model.source.wb is not self.ctx.wb:
            self.source = lead_table(self.ctx.wb, self.ctx.clock)
            self.model = SqlTableModel(self.source, self)
            self.model.countChanged.connect(self._show_count)
            self.table.setModel(self.model)
            columns = self.model.source.columns
            for i, column in enumerate(columns):
                self.table.setColumnWidth(i, column.width)
            fit_columns(
                self.table, LEAD_COLUMN_PRIORITY, [c.key for c in columns], [c.width for c in columns]
            )
            self.table.selectionModel().currentRowChanged.connect(self._current_changed)
            self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_actions())
            self.table.horizontalHeader().sortIndicatorChanged.connect(lambda *_a: self._save_soon.start())
            self.chips.set_sources(leads.sources(self.ctx.wb))
            self._restore_filter()
        else:
            assert self.source is not None
            self.source.refresh_rule()
            self.chips.set_sources(leads.sources(self.ctx.wb))
            self._refresh_keeping_place()
        self.populated.emit()

    def _refresh_keeping_place(self) -> None:
        """Reload after a change; stay on the same lead, or on the row where it was (so
        after triaging a lead out of a filtered view the next one is current)."""
        assert self.model is not None
        current = self.table.currentIndex()
        row = current.row() if current.isValid() else -1
        column = max(current.column(), 0)
        lead_id = self._shown_id
        self.model.refresh()
        if row < 0 or not self.model.rowCount():
            self._current_changed()
            return
        self.model.row_id(min(row, self.model.rowCount() - 1))  # loads the page around it
        found = self.model.row_of_id(lead_id) if lead_id is not None else None
        target = found if found is not None else min(row, self.model.rowCount() - 1)
        index = self.model.index(target, column)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)
        self._current_changed()

    def query(self) -> TableQuery:
        q = self.model.query if self.model is not None else TableQuery()
        return TableQuery(self.filter_edit.text(), self.chips.chips(), q.sort_key, q.descending)

    def _apply_filter(self) -> None:
        self._debounce.stop()
        if self.model is None:
            return
        self.model.set_query(self.query())
        self._save_soon.start()
        self._current_changed()

    def _show_count(self, count: int) -> None:
        self.count_label.setText(self.tr("%n lead(s)", "", count))
        filtered = bool(self.filter_edit.text().strip() or self.chips.chips())
        if count:
            self.empty.hide()
        elif filtered:
            self.empty.setText(
                self.tr("No lead matches this filter. Clear the text or the chips to see all leads.")
            )
            self.empty.show()
        else:
            self.empty.setText(
                self.tr(
                    "No leads yet. Press Ctrl+N to add the first one, or import a file from your CRM "
                    "or a trade show scanner."
                )
            )
            self.empty.show()
        self._update_actions()

    # --- saved filter ----------------------------------------------------------------------
    def _save_filter(self) -> None:
        self._save_soon.stop()
        if self.model is None:
            return
        from workbench.ui.shell.main_window import app_settings

        header = self.table.horizontalHeader()
        section = header.sortIndicatorSection()
        columns = self.model.source.columns
        sort_key = columns[section].key if 0 <= section < len(columns) else self.model.query.sort_key
        state = {
            "text": self.filter_edit.text(),
            "chips": self.chips.chips(),
            "sort": sort_key,
            "descending": header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder,
        }
        store = app_settings()
        store.setValue(SETTINGS_KEY, json.dumps(state))
        store.sync()

    def _restore_filter(self) -> None:
        assert self.model is not None
        from workbench.ui.shell.main_window import app_settings

        try:
            state = json.loads(str(app_settings().value(SETTINGS_KEY, "{}")))
        except ValueError:
            state = {}
        if not isinstance(state, dict):
            state = {}
        chips = state.get("chips") if isinstance(state.get("chips"), dict) else {}
        self.chips.set_chips(chips or {})
        self.filter_edit.blockSignals(True)
        self.filter_edit.setText(str(state.get("text") or ""))
        self.filter_edit.blockSignals(False)
        keys = [c.key for c in self.model.source.columns]
        sort = str(state.get("sort")) if state.get("sort") in keys else "received"
        descending = bool(state.get("descending", True)) if "sort" in state else True
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        header.setSortIndicator(keys.index(sort), order)
        header.blockSignals(False)
        self.model.set_query(TableQuery(self.filter_edit.text(), self.chips.chips(), sort, descending))
        self._current_changed()

    # --- selection and detail ----------------------------------------------------------------
    def selected_ids(self, limit: int = MAX_SELECTED + 1) -> list[int]:
        if self.model is None:
            return []
        ids: list[int] = []
        selection = self.table.selectionModel().selection()
        for n in range(selection.count()):
            selected = selection.at(n)
            for row in range(selected.top(), selected.bottom() + 1):
                lead_id = self.model.row_id(row)
                if lead_id is not None:
                    ids.append(lead_id)
                if len(ids) >= limit:
                    return ids
        return ids

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.row_id(index.row()) if self.model is not None and index.isValid() else None

    def _current_changed(self, *_args: Any) -> None:
        lead_id = self.current_id()
        style = ""
        if lead_id is not None and self.model is not None:
            style = str(self.model.index(self.table.currentIndex().row(), 0).data(STYLE_ROLE) or "")
        if lead_id == self._shown_id:
            self.detail.refresh(style)
            return
        if not self.detail.commit_pending():
            return
        self._shown_id = lead_id
        self.detail.show_lead(lead_id, style)
        self.fold_detail(lead_id is None)

    def fold_detail(self, folded: bool) -> None:
        """Fold the detail pane away (nothing chosen) or open it at its last width."""
        first, second = self.splitter.sizes()
        total = first + second
        if folded and second > 0:
            self._detail_width = second
            self.splitter.setSizes([total, 0])
        elif not folded and second == 0 and total > 0:
            width = min(self._detail_width, total * 2 // 5) if total > 600 else total // 2
            self.splitter.setSizes([total - width, width])

    def open_lead(self, lead_id: int) -> None:
        """Show one lead (from the new-lead dialog, search…): selected in the table when it
        is on the loaded rows, in the detail pane always."""
        if self.model is None:
            self.reload()
        assert self.model is not None
        self.model.refresh()
        self.model.row_id(0)
        row = self.model.row_of_id(lead_id)
        if row is not None:
            self.table.setFocus()
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        else:
            # Not on the loaded rows (or filtered out): nothing in the table may stay
            # selected, or a triage key would act on a lead other than the one shown; and
            # the table keeps no focus, which would make its first row current.
            self.table.selectionModel().clear()
            self.detail.setFocus()
        if self.detail.commit_pending():
            self._shown_id = lead_id
            self.detail.show_lead(lead_id)
            self.fold_detail(False)
        self._update_actions()

    # --- triage -------------------------------------------------------------------------------
    def _chosen(self) -> list[int] | None:
        if not self.detail.commit_pending():
            return None
        # Nothing selected in the table: the lead shown in the detail (opened from search
        # or Today when it is not on the loaded rows).
        ids = self.selected_ids() or ([self.detail.lead_id] if self.detail.lead_id is not None else [])
        if len(ids) > MAX_SELECTED:
            self.warn(
                self,
                self.tr("Too many leads selected"),
                self.tr("Triage works on up to {0} leads at a time; select fewer rows.").format(MAX_SELECTED),
            )
            return None
        return ids or None

    def _triage(self, text: str, change: Callable[[], TriageResult], topic: str = Topic.LEADS) -> None:
        command = lead_commands.triage(self.ctx, text, change, topic)
        result = command.state
        if result is not None and result.skipped:
            self._say(self.tr("%n converted lead(s) left as they are.", "", len(result.skipped)), 6000)
        else:  # every triage confirms: the row may leave the filtered view at once
            self._say(self.tr("Done: {0}. Ctrl+Z to undo.").format(text), 6000)

    def mark_working(self) -> None:
        ids = self._chosen()
        if ids:
            wb, clock = self.ctx.wb, self.ctx.clock
            self._triage(
                self.tr("Mark %n lead(s) working", "", len(ids)),
                lambda: lead_triage.mark_working(wb, ids, clock=clock),
            )

    def qualify(self, ask: bool = True) -> None:
        ids = self._chosen()
        if ids and (not ask or triage_checks.may_qualify(self, self.ctx.wb, ids)):
            wb, clock = self.ctx.wb, self.ctx.clock
            self._triage(
                self.tr("Mark %n lead(s) qualified", "", len(ids)),
                lambda: lead_triage.qualify(wb, ids, clock=clock),
            )

    def qualify_without_asking(self) -> None:
        self.qualify(ask=False)

    def reopen(self) -> None:
        ids = self._chosen()
        if ids:
            wb, clock = self.ctx.wb, self.ctx.clock
            self._triage(
                self.tr("Move %n lead(s) back to new", "", len(ids)),
                lambda: lead_triage.reopen(wb, ids, clock=clock),
            )

    def nurture(self) -> None:
        from workbench.ui.leads.triage import NurtureDialog

        ids = self._chosen()
        if not ids:
            return
        today = self.ctx.clock().date()
        days = int(settings.read(self.ctx.wb, "leads.nurture_days"))
        answer = NurtureDialog.ask(self, today, days, len(ids))
        if answer is None:
            return
        until, typed = answer
        if until <= today:
            until = today + timedelta(days=1)
        note = triage_checks.nurture_note(until, typed)
        wb, clock = self.ctx.wb, self.ctx.clock
        self._triage(
            self.tr("Nurture %n lead(s)", "", len(ids)),
            lambda: lead_triage.nurture(wb, ids, until, note, clock=clock),
            Topic.ALL if note else Topic.LEADS,  # a note is on the timelines too
        )

    def disqualify(self) -> None:
        from workbench.ui.leads.triage import DisqualifyDialog

        ids = self._chosen()
        if not ids:
            return
        shown = reasons.disqualify_reasons(self.ctx.wb)
        answer = DisqualifyDialog.ask(self, len(ids), shown)
        if answer is None:
            return
        reason, note = answer
        wb, clock = self.ctx.wb, self.ctx.clock
        try:  # validate before it becomes an undo step
            lead_triage.check_disqualify(reason, note, shown)
        except TriageRefused as exc:
            self.warn(self, self.tr("Not disqualified"), str(exc))
            return
        if not triage_checks.may_disqualify(self, wb, ids, reason):
            return
        self._triage(
            self.tr("Disqualify %n lead(s)", "", len(ids)),
            lambda: lead_triage.disqualify(wb, ids, reason, note, clock=clock),
        )

    def delete_selected(self) -> None:
        ids = self._chosen()
        if ids:
            lead_commands.delete_leads(self.ctx, self.tr("Move %n lead(s) to the trash", "", len(ids)), ids)
            self._say(self.tr("%n lead(s) moved to the trash. Ctrl+Z brings them back.", "", len(ids)), 6000)

    def _say(self, text: str, ms: int) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, ms)

    def log_current(self) -> Any:
        from workbench.services.records import RecordKind, RecordRef
        from workbench.ui.outreach.actions import open_quick_log

        lead_id = self.current_id()
        if lead_id is None:
            return None
        return open_quick_log(self.ctx, self, target=RecordRef(RecordKind.LEAD, lead_id))

    # --- account link -------------------------------------------------------------------------
    def enrol_selected(self) -> None:
        """Enrol the selected leads (or the one shown) in a sequence (issue 21)."""
        from workbench.services.records import RecordKind, RecordRef
        from workbench.ui.sequences.enrol_dialog import enrol_people

        ids = self.selected_ids() or ([self.detail.lead_id] if self.detail.lead_id is not None else [])
        who = self.tr("%n lead(s)", "", len(ids))
        self.enrol_dialog = enrol_people(self.ctx, self, [RecordRef(RecordKind.LEAD, i) for i in ids], who)

    def link_current(self) -> None:
        lead_id = self.current_id()
        if lead_id is not None:
            self.link_account(lead_id)

    def link_account(self, lead_id: int) -> None:
        from workbench.ui.leads.link_account import LinkAccountDialog

        if not self.detail.commit_pending():
            return
        account_id = LinkAccountDialog.ask(self.ctx.wb, lead_id, self)
        if account_id is not None:
            lead_commands.link_account(self.ctx, self.tr("Link lead to account"), lead_id, account_id)
