"""Leads area: the rep's leads in one big, instant table."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTableView, QWidget

from workbench.services.lead_table import lead_table
from workbench.services.tables import TableQuery
from workbench.ui.context import AppContext, Topic
from workbench.ui.models.sql_table import SqlTableModel
from workbench.ui.views.base import Area, simple_area_layout
from workbench.ui.widgets import configure_big_table


class LeadsArea(Area):
    title = "Leads"
    topics = (Topic.LEADS, Topic.ACTIVITIES)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = simple_area_layout(self)
        bar = QHBoxLayout()
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(self.tr("Filter by name, company, email or phone…"))
        self.filter_edit.setClearButtonEnabled(True)
        self.count_label = QLabel(self)
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.count_label)
        layout.addLayout(bar)
        self.table = QTableView(self)
        configure_big_table(self.table)
        layout.addWidget(self.table, 1)
        self.model: SqlTableModel | None = None
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self._apply_filter)
        self.filter_edit.textChanged.connect(lambda _t: self._debounce.start())

    def reload(self) -> None:
        if self.model is None or self.model.source.wb is not self.ctx.wb:
            self.model = SqlTableModel(lead_table(self.ctx.wb), self)
            self.model.countChanged.connect(self._show_count)
            self.table.setModel(self.model)
            for i, column in enumerate(self.model.source.columns):
                self.table.setColumnWidth(i, column.width)
            self.model.refresh()
        else:
            self.model.refresh()
        self.populated.emit()

    def _apply_filter(self) -> None:
        if self.model is None:
            return
        q = self.model.query
        self.model.set_query(TableQuery(self.filter_edit.text(), q.chips, q.sort_key, q.descending))

    def _show_count(self, count: int) -> None:
        self.count_label.setText(self.tr("%n lead(s)", "", count))
