"""File → Export pipeline… (Ctrl+E) and File → Export table as CSV… (Ctrl+Shift+E).

Both run in a worker with a progress dialog and Cancel; the services write to a
temporary file and rename it into place, so a cancelled or failed export leaves
nothing behind. "Export table as CSV…" works on whatever table has the focus (or the
first table of the current area): SQL-backed tables stream every row their filter
gives; small in-memory tables are written from their model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QDate, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.ui.common import file_dialogs
from workbench.ui.common import format as fmt
from workbench.ui.common.date_edit import DateEdit
from workbench.ui.common.plural import plural
from workbench.ui.common.workers import Job, start

FORMATS = ((".xlsx", "Spreadsheet (.xlsx)"), (".json", "Machine-readable (.json)"))
RAW_ROLE = Qt.ItemDataRole.UserRole + 2  # the raw value, as SqlTableModel and the manager's models give it


@dataclass(frozen=True)
class ExportRequest:
    path: Path
    rep: str
    since: date


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "rep"


class ExportPipelineDialog(QDialog):
    """Rep name, period start and destination of a pipeline file."""

    def __init__(
        self, rep: str, since: date, folder: Path, today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export pipeline"))
        self._today = today
        form = QFormLayout()
        self.rep_edit = QLineEdit(rep, self)
        self.rep_edit.setPlaceholderText(self.tr("Your name, as your manager knows it"))
        form.addRow(self.tr("&Rep:"), self.rep_edit)
        self.since_edit = DateEdit(QDate(since.year, since.month, since.day), self)
        self.since_edit.setCalendarPopup(True)
        self.since_edit.setMaximumDate(QDate(today.year, today.month, today.day))
        self.since_edit.setDisplayFormat(fmt.date_format())
        self.since_edit.setToolTip(
            self.tr(
                "The file holds the activities, and counts the won and lost deals, from this day to today"
            )
        )
        form.addRow(self.tr("Period &starts:"), self.since_edit)
        self.format_box = QComboBox(self)
        for suffix, label in FORMATS:
            self.format_box.addItem(self.tr(label), suffix)
        form.addRow(self.tr("&Format:"), self.format_box)
        row = QHBoxLayout()
        self.path_edit = QLineEdit(str(folder / f"pipeline-{_slug(rep)}-{today.isoformat()}.xlsx"), self)
        choose = QPushButton(self.tr("&Choose…"), self)
        choose.clicked.connect(self._choose)
        row.addWidget(self.path_edit, 1)
        row.addWidget(choose)
        save_label = QLabel(self.tr("&Save to:"), self)
        save_label.setBuddy(self.path_edit)
        form.addRow(save_label, row)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Export"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        hint = QLabel(
            self.tr(
                "A file for your manager: your opportunities, leads, targets and follow-ups, and the "
                "activities of the period, with a summary. It opens in any spreadsheet program and in "
                "the Manager view."
            ),
            self,
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.format_box.currentIndexChanged.connect(self._format_changed)
        self.resize(560, self.sizeHint().height())
        self._initial = self._values()

    def _values(self) -> tuple[str, str, str]:
        return (
            self.rep_edit.text(),
            self.path_edit.text(),
            self.since_edit.date().toString(Qt.DateFormat.ISODate),
        )

    def _format_changed(self) -> None:
        suffix = str(self.format_box.currentData())
        path = Path(self.path_edit.text().strip() or "pipeline.xlsx")
        self.path_edit.setText(str(path.with_suffix(suffix)))

    def _choose(self) -> None:
        name, _ = file_dialogs.EXPORTS.getSaveFileName(
            self,
            self.tr("Export pipeline"),
            self.path_edit.text(),
            self.tr("Spreadsheet (*.xlsx);;Machine-readable JSON (*.json)"),
        )
        if name:
            path = Path(name)
            if path.suffix.lower() not in (".xlsx", ".json"):
                path = path.with_suffix(str(self.format_box.currentData()))
            self.path_edit.setText(str(path))
            self.format_box.setCurrentIndex(0 if path.suffix.lower() == ".xlsx" else 1)

    def request(self) -> ExportRequest:
        qd = self.since_edit.date()
        return ExportRequest(
            Path(self.path_edit.text().strip()).expanduser(),
            self.rep_edit.text().strip(),
            date(qd.year(), qd.month(), qd.day()),
        )

    def problem(self) -> str | None:
        req = self.request()
        if not req.rep:
            return self.tr("Type the rep's name: the manager's rollup groups files by it.")
        if not str(req.path) or req.path.suffix.lower() not in (".xlsx", ".json"):
            return self.tr("The file name must end in .xlsx or .json.")
        if not req.path.parent.is_dir():
            return self.tr("The folder {0} does not exist.").format(str(req.path.parent))
        return None

    def accept(self) -> None:
        problem = self.problem()
        if problem:
            QMessageBox.warning(self, self.tr("Export pipeline"), problem)
            return
        super().accept()

    def reject(self) -> None:
        if self._values() != self._initial:
            answer = QMessageBox.question(
                self,
                self.tr("Export pipeline"),
                self.tr("Close without exporting? Your changes to these settings are discarded."),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        super().reject()

    @classmethod
    def ask(
        cls, parent: QWidget | None, rep: str, since: date, folder: Path, today: date
    ) -> ExportRequest | None:
        dialog = cls(rep, since, folder, today, parent)
        return dialog.request() if dialog.exec() == QDialog.DialogCode.Accepted else None


# --- table → CSV -------------------------------------------------------------------------
def _unproxied(model: QAbstractItemModel | None) -> QAbstractItemModel | None:
    while isinstance(model, QSortFilterProxyModel):
        model = model.sourceModel()
    return model


def model_rows(model: QAbstractItemModel) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of a small model, raw values where the model gives them."""
    columns = model.columnCount()
    header = [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(columns)]
    rows: list[list[Any]] = []
    for r in range(model.rowCount()):
        row = []
        for c in range(columns):
            index = model.index(r, c)
            raw = model.data(index, RAW_ROLE)
            row.append(raw if raw is not None else model.data(index))
        rows.append(row)
    return header, rows


def table_in_focus(window: Any) -> QTableView | None:
    widget = QApplication.focusWidget()
    while widget is not None:
        if isinstance(widget, QTableView) and widget.isVisible():
            return widget
        widget = widget.parentWidget()
    area = window.stack.currentWidget() if hasattr(window, "stack") else None
    if area is None:
        return None
    views = [v for v in area.findChildren(QTableView) if v.isVisible() and v.model() is not None]
    return views[0] if views else None


class ExportActions:
    def __init__(self, window: Any) -> None:
        self.window = window
        self.ctx = window.ctx
        self.pipeline_action = window.add_action("File", "E&xport pipeline…", self.export_pipeline, "Ctrl+E")
        self.table_action = window.add_action(
            "File", "Export table as &CSV…", self.export_table, "Ctrl+Shift+E"
        )
        self._move_before_quit(window)
        self.last_job: Job | None = None

    def _move_before_quit(self, window: Any) -> None:
        menu = window.menu("File")
        actions = menu.actions()
        quit_action = next((a for a in actions if a.text().replace("&", "") == self.tr("Quit")), None)
        if quit_action is None:
            return
        for action in (self.pipeline_action, self.table_action):
            menu.removeAction(action)
            menu.insertAction(quit_action, action)
        menu.insertSeparator(quit_action)

    def tr(self, text: str) -> str:
        return str(QApplication.translate("ExportActions", text))

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 15_000)

    def _run(self, title: str, work: Any, done: Any) -> Job:
        dialog = QProgressDialog(title, self.tr("Cancel"), 0, 100, self.window)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        job = Job(work)
        job.signals.progress.connect(lambda d, t: dialog.setValue(int(100 * d / max(t, 1))))
        dialog.canceled.connect(job.cancel)

        def finished(result: Any) -> None:
            dialog.reset()
            done(result)

        def failed(exc: BaseException) -> None:
            from workbench.services.manager.export import ExportCancelled

            dialog.reset()
            if isinstance(exc, ExportCancelled):
                self._status(self.tr("Export cancelled; no file was written."))
                return
            from workbench.ui.common.errors import expected_message

            message = expected_message(exc) or str(exc)
            QMessageBox.warning(self.window, title, message)

        job.signals.finished.connect(finished)
        job.signals.failed.connect(failed)
        self.last_job = job
        return start(job)

    # --- pipeline file ----------------------------------------------------------------
    def export_pipeline(self) -> None:
        from workbench.services.manager.export import DEFAULT_PERIOD_DAYS, default_rep_name, export_pipeline

        if not self.ctx.has_workbench:
            QMessageBox.information(
                self.window, self.tr("Export pipeline"), self.tr("Open a workbench first.")
            )
            return
        wb = self.ctx.wb
        today = self.ctx.clock().date()
        folder = _last_folder()
        request = ExportPipelineDialog.ask(
            self.window, default_rep_name(wb), today - timedelta(days=DEFAULT_PERIOD_DAYS), folder, today
        )
        if request is None:
            return
        clock = self.ctx.clock

        def work(report: Any) -> Any:
            return export_pipeline(
                wb, request.path, rep=request.rep, since=request.since, clock=clock, progress=report
            )

        def done(result: Any) -> None:
            _remember_folder(request.path.parent)
            rows = result.row_counts
            self._status(
                self.tr("Pipeline exported to {0}: {1}, {2}, {3}").format(
                    str(result.path),
                    plural("%n opportunity(ies)", rows["opportunities"]),
                    plural("%n lead(s)", rows["leads"]),
                    plural("%n activity(ies)", rows["activities"]),
                )
            )

        self._run(self.tr("Exporting the pipeline…"), work, done)

    # --- any table --------------------------------------------------------------------
    def export_table(self, view: QTableView | None = None) -> None:
        view = view if isinstance(view, QTableView) else table_in_focus(self.window)
        model = _unproxied(view.model()) if view is not None else None
        if model is None:
            QMessageBox.information(
                self.window,
                self.tr("Export table as CSV"),
                self.tr("Click into a table first, then export it."),
            )
            return
        path = ask_csv_path(self.window, _last_folder() / "table.csv")
        if path is None:
            return
        from workbench.ui.common.sql_table import SqlTableModel

        if isinstance(model, SqlTableModel):
            from workbench.services.table_export import export_table_csv

            source, query = model.source, model.query

            def work(report: Any) -> Any:
                return export_table_csv(source, query, path, progress=report)
        else:
            from workbench.services.table_export import export_rows_csv

            header, rows = model_rows(model)  # small models only: read on the UI thread

            def work(report: Any) -> Any:
                return export_rows_csv(header, rows, path)

        def done(count: Any) -> None:
            _remember_folder(path.parent)
            self._status(plural("%n row(s) exported to {0}", int(count)).format(str(path)))

        self._run(self.tr("Exporting the table…"), work, done)


def ask_csv_path(parent: QWidget | None, suggested: Path) -> Path | None:
    """The seam tests replace: where to write a CSV (None when cancelled)."""
    name, _ = file_dialogs.EXPORTS.getSaveFileName(
        parent,
        QApplication.translate("ExportActions", "Export table as CSV"),
        str(suggested),
        QApplication.translate("ExportActions", "CSV files (*.csv)"),
    )
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".csv" else path.with_suffix(".csv")


def _last_folder() -> Path:
    from workbench.ui.shell.main_window import app_settings

    value = app_settings().value("export/folder", "")
    folder = Path(str(value)) if value else Path.home()
    return folder if folder.is_dir() else Path.home()


def _remember_folder(folder: Path) -> None:
    from workbench.ui.shell.main_window import app_settings

    settings = app_settings()
    settings.setValue("export/folder", str(folder))
    settings.sync()


def install_actions(window: Any) -> None:
    window.export_actions = ExportActions(window)
