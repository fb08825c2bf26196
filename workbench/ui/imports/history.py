"""File → Import history…: every import of this workbench, with Undo import.

Undo removes a whole import in one transaction (see
:mod:`workbench.services.imports.history`); it runs off the UI thread because an
import may have added a million leads.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.services.imports import history as import_history
from workbench.services.imports.history import BatchInfo, UndoResult
from workbench.ui.common import format as fmt
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.plural import plural
from workbench.ui.common.widgets import configure_big_table
from workbench.ui.common.workers import Job, start
from workbench.ui.imports.models import ListModel, tr


def _cell(batch: BatchInfo, column: int) -> Any:
    values = (
        batch.id,
        batch.file_name,
        fmt.datetime_text(batch.started_at),
        f"{batch.rows:,}",
        plural("%n account(s)", batch.inserted) if batch.accounts else f"{batch.inserted:,}",
        f"{batch.merged:,}",
        f"{batch.skipped:,}",
        f"{batch.rejected:,}",
        "" if batch.accounts else f"{batch.live_leads:,}",
        tr("undone {0}").format(fmt.datetime_text(batch.undone_at)) if batch.undone_at else tr("imported"),
    )
    return values[column]


HEADERS = (
    "Import",
    "File",
    "When",
    "Rows",
    "New",
    "Merged",
    "Already present",
    "Rejected",
    "Leads now",
    "Status",
)


class ImportHistoryDialog(QDialog):
    """The imports, newest first; Undo import on the selected one."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.job: Job | None = None
        self.setWindowTitle(self.tr("Import history"))
        self.resize(920, 420)
        layout = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.model: ListModel[BatchInfo] = ListModel(
            [tr(h) for h in HEADERS], _cell, lambda b: "#808080" if b.undone else "", self
        )
        self.table = QTableView(self)
        configure_big_table(self.table)
        self.table.setSortingEnabled(False)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setModel(self.model)
        for column, width in enumerate((60, 170, 120, 60, 60, 60, 110, 70, 80)):
            self.table.setColumnWidth(column, width)
        layout.addWidget(self.table, 1)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.undo_button = QPushButton(self.tr("&Undo import…"), self)
        buttons.addButton(self.undo_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.undo_button.clicked.connect(self.undo_selected)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update())
        self.reload()

    @classmethod
    def confirm(cls, parent: QWidget, title: str, text: str) -> bool:
        answer = QMessageBox.question(parent, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def reload(self) -> None:
        batches = import_history.list_batches(self.ctx.wb)
        self.model.set_items(batches)
        self.intro.setText(
            self.tr("Every import of this workbench. Undo import removes all the leads an import added.")
            if batches
            else self.tr("No imports yet. File → Import leads… (Ctrl+I) brings in a CSV or Excel file.")
        )
        if batches:
            self.table.selectRow(0)
        self._update()

    def selected(self) -> BatchInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.items[rows[0].row()]

    def _update(self) -> None:
        batch = self.selected()
        self.undo_button.setEnabled(batch is not None and not batch.undone and self.job is None)

    def undo_selected(self) -> None:
        batch = self.selected()
        if batch is None or batch.undone or self.job is not None:
            return
        if batch.accounts:
            text = self.tr(
                "Undo import {0} ({1})? Its {2} are removed (accounts you have worked on "
                "since go to the trash), accounts it put on the target list are taken off again, and "
                "fields it filled are emptied again."
            ).format(batch.id, batch.file_name, plural("%n new account(s)", batch.inserted))
        else:
            text = self.tr(
                "Undo import {0} ({1})? Its {2} are removed; leads you have worked on since go to "
                "the trash with their activities, and fields it filled on your leads are emptied again."
            ).format(batch.id, batch.file_name, plural("%n lead(s)", batch.live_leads))
        if not self.confirm(self, self.tr("Undo import"), text):
            return
        wb, clock = self.ctx.wb, self.ctx.clock
        job = Job(lambda _report: import_history.undo_import(wb, batch.id, clock=clock))
        job.signals.finished.connect(self._undone)
        job.signals.failed.connect(self._failed)
        self.job = job
        self.status.setText(self.tr("Undoing import {0}…").format(batch.id))
        self._update()
        start(job)

    def _undone(self, result: UndoResult) -> None:
        self.job = None
        if result.accounts_deleted or result.accounts_trashed or result.demoted:
            self.status.setText(
                self.tr(
                    "Import {0} undone: {1} removed, {2} moved to the trash, {3} taken off the target"
                    " list, {4} emptied."
                ).format(
                    result.batch_id,
                    plural("%n account(s)", result.accounts_deleted),
                    f"{result.accounts_trashed:,}",
                    f"{result.demoted:,}",
                    plural("%n filled field(s)", result.restored_fields),
                )
            )
        else:
            self.status.setText(
                self.tr("Import {0} undone: {1} removed, {2} moved to the trash, {3} emptied.").format(
                    result.batch_id,
                    plural("%n lead(s)", result.deleted),
                    f"{result.trashed:,}",
                    plural("%n merged field(s)", result.restored_fields),
                )
            )
        self.ctx.notify(Topic.LEADS)
        self.ctx.notify(Topic.ACCOUNTS)
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        self.status.setText(self.tr("Not undone: {0}").format(exc))
        self._update()

    def reject(self) -> None:
        if self.job is not None:  # the undo is one transaction: let it finish
            self.status.setText(self.tr("Please wait until the undo has finished."))
            return
        super().reject()


__all__ = ["ImportHistoryDialog"]
