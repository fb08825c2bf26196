"""File → Import leads… (Ctrl+I): file → read options → mapping → preview → import → summary.

A company list (company columns, no person columns) is offered as accounts, onto the
target list or as other accounts (:mod:`workbench.services.imports.accounts`).

Reading the file (header row, first rows, guessed mapping) runs on a worker with a
progress bar; Cancel stops it and the rep may choose again. The preview is the import
itself run as a dry run (every check, every duplicate, then rolled back), so what it
shows is what the import will do. Both run in an
:class:`~workbench.ui.imports.worker.ImportJob` off the UI thread with a progress bar,
rows per second and Cancel; the job only reports through signals. Nothing is written
until the rep presses Import, and a cancelled import writes nothing at all.

Test seams: :meth:`ImportWizard.confirm` (yes/no questions), :meth:`ask_open_path`,
:meth:`ask_save_path` and :meth:`ask_text` (file and name prompts) are class-level
hooks a test replaces.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.exchange.dates import DateOrder
from workbench.exchange.mapping import Field, MappingError, check_usable, check_usable_accounts, preset_of
from workbench.exchange.readers import ReadError, ReadOptions
from workbench.services.imports import file_preview
from workbench.services.imports import history as import_history
from workbench.services.imports import run as importer
from workbench.services.imports.options import (
    DupAction,
    ImportCancelled,
    ImportOptions,
    ImportProgress,
    ImportRefused,
    ImportResult,
)
from workbench.services.imports.rows import Unmapped
from workbench.services.leads import edit as leads
from workbench.store import StoreError
from workbench.ui.common import file_dialogs, workers
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.plural import plural
from workbench.ui.imports.pages import FilePage, MappingPage, PreviewPage, ProgressPage, SummaryPage
from workbench.ui.imports.worker import ImportJob, start

FILE, MAPPING, PREVIEW, PROGRESS, SUMMARY = range(5)
FILE_FILTER = "Lead files (*.csv *.tsv *.txt *.xlsx *.xlsm *.xls *.ods);;All files (*)"


class ImportWizard(QDialog):
    #: Emitted with the result when an import has been written.
    imported = Signal(object)
    #: Emitted when the dry run (preview) is ready.
    previewed = Signal(object)
    #: Emitted when reading a file ended: its FilePreview, or None (unreadable, cancelled).
    fileRead = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, path: Path | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Import leads"))
        self.resize(980, 680)
        self.path: Path | None = None
        self.preview_data: Any = None
        self.preview_result: ImportResult | None = None
        self.import_result: ImportResult | None = None
        self.job: ImportJob | None = None
        #: The file being read for the file page (header, first rows, mapping guesses).
        self.read_job: workers.Job | None = None
        #: Next (or Enter) was pressed while the file was read: move on once it is.
        self._next_when_read = False
        self._close_when_stopped = False

        layout = QVBoxLayout(self)
        self.stack = QStackedWidget(self)
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        self.progress_page = ProgressPage(self)
        self.summary_page = SummaryPage(self)
        for page in (
            self.file_page,
            self.mapping_page,
            self.preview_page,
            self.progress_page,
            self.summary_page,
        ):
            self.stack.addWidget(page)
        layout.addWidget(self.stack, 1)
        buttons = QHBoxLayout()
        self.back_button = QPushButton(self.tr("< &Back"), self)
        self.next_button = QPushButton(self.tr("&Next >"), self)
        self.next_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        # Escape is the dialog's own reject(): the same path as this button.
        buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.cancel_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)

        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.cancel_button.clicked.connect(self.cancel_or_close)
        self.file_page.browse.connect(self.browse)
        self.file_page.path_edit.editingFinished.connect(self._path_typed)
        self.file_page.optionsChanged.connect(self.reload_file)
        self.mapping_page.presetChosen.connect(self.apply_preset)
        self.mapping_page.savePreset.connect(self.save_preset)
        self.mapping_page.deletePreset.connect(self.delete_preset)
        self.mapping_page.mappingChanged.connect(self._mapping_changed)
        self.mapping_page.on_duplicate.currentIndexChanged.connect(self._invalidate_preview)
        self.mapping_page.import_as.currentIndexChanged.connect(self._import_as_changed)
        self.summary_page.saveRejects.connect(self.save_rejects)
        self.summary_page.showHistory.connect(self.show_history)
        self._load_lists()
        self.stack.setCurrentIndex(FILE)
        self._update_buttons()
        if path is not None:
            self.open_path(path)

    # --- seams (replaced in tests) ------------------------------------------------------
    @classmethod
    def confirm(cls, parent: QWidget, title: str, text: str) -> bool:
        answer = QMessageBox.question(parent, title, text)
        return answer == QMessageBox.StandardButton.Yes

    @classmethod
    def ask_open_path(cls, parent: QWidget) -> Path | None:
        name, _ = file_dialogs.IMPORTS.getOpenFileName(
            parent, parent.tr("Import leads from"), str(Path.home()), parent.tr(FILE_FILTER)
        )
        return Path(name) if name else None

    @classmethod
    def ask_save_path(cls, parent: QWidget, suggested: Path) -> Path | None:
        name, _ = file_dialogs.EXPORTS.getSaveFileName(
            parent, parent.tr("Save rejected rows"), str(suggested), parent.tr("CSV files (*.csv)")
        )
        return Path(name) if name else None

    @classmethod
    def ask_text(cls, parent: QWidget, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(parent, title, label, text=text)
        return value.strip() if ok and value.strip() else None

    @classmethod
    def ask(
        cls, ctx: AppContext, parent: QWidget | None = None, path: Path | None = None
    ) -> ImportResult | None:
        """Run the wizard modally; the import's result, or None when nothing was imported."""
        wizard = cls(ctx, parent, path)
        wizard.exec()
        return wizard.import_result

    # --- navigation -----------------------------------------------------------------------
    def page(self) -> int:
        return self.stack.currentIndex()

    def _update_buttons(self) -> None:
        page = self.page()
        running = self.job is not None
        self.back_button.setEnabled(page in (MAPPING, PREVIEW) and not running and not self.reading())
        self.back_button.setVisible(page < PROGRESS)
        self.cancel_button.setText(self.tr("Close") if page == SUMMARY else self.tr("Cancel"))
        if page == FILE:
            self.next_button.setText(self.tr("&Next >"))
            self.next_button.setEnabled(self.preview_data is not None or self.reading())
        elif page == MAPPING:
            self.next_button.setText(self.tr("&Preview >"))
            self.next_button.setEnabled(self._mapping_problem() == "")
        elif page == PREVIEW:
            result = self.preview_result
            ready = result is not None and not running and result.already_imported is None
            # No count on the button: the rep's choices per duplicate group change it.
            self.next_button.setText(self.tr("&Import"))
            self.next_button.setEnabled(ready)
        else:
            self.next_button.setText(self.tr("&Next >"))
            self.next_button.setEnabled(False)
        self.next_button.setVisible(page < PROGRESS)

    def go_next(self) -> None:
        page = self.page()
        if page == FILE and self.reading():
            self._next_when_read = True
        elif page == FILE and self.preview_data is not None:
            self.stack.setCurrentIndex(MAPPING)
        elif page == MAPPING and self._mapping_problem() == "":
            self.stack.setCurrentIndex(PREVIEW)
            self.run_preview()
        elif page == PREVIEW and self.preview_result is not None:
            self.run_import()
        self._update_buttons()

    def go_back(self) -> None:
        if self.job is None and not self.reading() and self.page() in (MAPPING, PREVIEW):
            self.stack.setCurrentIndex(self.page() - 1)
        self._update_buttons()

    # --- file -------------------------------------------------------------------------------
    def browse(self) -> None:
        path = self.ask_open_path(self)
        if path is not None:
            self.open_path(path)

    def _path_typed(self) -> None:
        text = self.file_page.path_edit.text().strip()
        if text and (self.path is None or Path(text).expanduser() != self.path):
            self.open_path(Path(text).expanduser())

    def open_path(self, path: Path) -> None:
        self.path = path
        self.file_page.path_edit.setText(str(path))
        self.file_page.encoding.setCurrentIndex(0)
        self.file_page.delimiter.setCurrentIndex(0)
        self.file_page.sheet.clear()
        self.file_page.header_row.setValue(0)
        self.reload_file()

    def read_options(self) -> ReadOptions:
        encoding, delimiter, sheet = self.file_page.chosen()
        return ReadOptions(encoding=encoding, delimiter=delimiter, sheet=sheet)

    def reading(self) -> bool:
        """Whether the file page's file is being read (on the thread pool)."""
        return self.read_job is not None

    def reload_file(self) -> None:
        """Read the file's header and first rows on a worker (issue 19: a big or hostile
        file never blocks the window); the wizard's Cancel stops the read."""
        if self.path is None:
            return
        if self.read_job is not None:  # a new choice replaces the read in progress
            self.read_job.cancel()
        path, read, header_row = self.path, self.read_options(), self.file_page.chosen_header_row()

        def work(report: Callable[[int, int], bool]) -> file_preview.FilePreview:
            return file_preview.preview_file(path, read, header_row=header_row, progress=report)

        job = workers.Job(work)
        job.signals.progress.connect(self._read_progress)
        job.signals.finished.connect(self._read_finished)
        job.signals.failed.connect(self._read_failed)
        self.read_job = job
        self.preview_data = None
        self.file_page.reading(path.name)
        self._invalidate_preview()
        workers.start(job)

    def _current_read(self) -> bool:
        """Whether the signal being handled comes from the read still wanted (a replaced
        or cancelled read reports into the void)."""
        job = self.read_job
        return job is not None and self.sender() is job.signals

    def _read_progress(self, done: int, total: int) -> None:
        if self._current_read():
            self.file_page.read_progress(done, total)

    def _read_finished(self, preview: file_preview.FilePreview) -> None:
        if not self._current_read():
            return
        self.read_job = None
        self.preview_data = preview
        self.file_page.show_preview(preview)
        self.mapping_page.model.set_columns(preview.headers, preview.rows, preview.mapping)
        self.mapping_page.preset.setCurrentIndex(0)
        self.mapping_page.offer_accounts(preview.company_list)
        self._invalidate_preview()
        self.fileRead.emit(preview)
        if self._next_when_read and self.page() == FILE:
            self._next_when_read = False
            self.go_next()
        self._next_when_read = False

    def _read_failed(self, exc: BaseException) -> None:
        if not self._current_read():
            return
        self.read_job = None
        self._next_when_read = False
        if isinstance(exc, ReadError | OSError):
            message = self.tr("This file cannot be read: {0}.").format(exc)
        else:
            message = self.tr("This file cannot be read: {0}: {1}").format(type(exc).__name__, exc)
        self.file_page.show_preview(None, message)
        self._invalidate_preview()
        self.fileRead.emit(None)

    def cancel_reading(self) -> bool:
        """Stop reading the file (nothing was written; the rep may choose again)."""
        job = self.read_job
        if job is None:
            return False
        job.cancel()
        self.read_job = None
        self._next_when_read = False
        self.file_page.show_preview(
            None, self.tr("Reading was cancelled. Choose the file again, or another one.")
        )
        self._invalidate_preview()
        self.fileRead.emit(None)
        return True

    # --- mapping ----------------------------------------------------------------------------
    def _load_lists(self) -> None:
        wb = self.ctx.wb
        self.mapping_page.set_presets(sorted(import_history.presets(wb)))
        self.mapping_page.set_sources(leads.sources(wb))

    def mapping(self) -> list[Field | None]:
        return list(self.mapping_page.model.mapping)

    def _mapping_problem(self) -> str:
        if self.preview_data is None:
            return self.tr("Choose a file first.")
        try:
            if self.mapping_page.chosen_as().accounts:
                check_usable_accounts(self.mapping())
            else:
                check_usable(self.mapping())
        except MappingError as exc:
            return str(exc).capitalize() + "."
        return ""

    def _import_as_changed(self) -> None:
        self.mapping_page.as_changed()
        self._mapping_changed()

    def _mapping_changed(self) -> None:
        self.mapping_page.problem.setText(self._mapping_problem())
        self._invalidate_preview()
        self._update_buttons()

    def apply_preset(self, name: str) -> None:
        if self.preview_data is None:
            return
        headers = self.preview_data.headers
        if name:
            preset = import_history.presets(self.ctx.wb).get(name, {})
            samples = [row.values for row in self.preview_data.rows]
            mapping = file_preview.resolve_mapping(
                headers, ImportOptions(preset=preset), check=False, samples=samples
            )
        else:
            mapping = list(self.preview_data.mapping)
        self.mapping_page.model.set_mapping(mapping)

    def save_preset(self) -> None:
        if self.preview_data is None:
            return
        current = self.mapping_page.preset.currentData() or ""
        name = self.ask_text(self, self.tr("Save mapping as preset"), self.tr("Preset name:"), current)
        if not name:
            return
        import_history.save_preset(self.ctx.wb, name, preset_of(self.preview_data.headers, self.mapping()))
        self.mapping_page.set_presets(sorted(import_history.presets(self.ctx.wb)), name)

    def on_duplicate(self) -> DupAction:
        # Qt hands enum item data back as plain text.
        return DupAction(self.mapping_page.on_duplicate.currentData())

    def delete_preset(self) -> None:
        name = self.mapping_page.preset.currentData() or ""
        if not name or not self.confirm(
            self, self.tr("Delete preset"), self.tr("Delete the mapping preset “{0}”?").format(name)
        ):
            return
        import_history.delete_preset(self.ctx.wb, name)
        self.mapping_page.set_presets(sorted(import_history.presets(self.ctx.wb)))

    def options(self, *, dry_run: bool) -> ImportOptions:
        page = self.mapping_page
        source = page.source.currentText().strip()
        campaign = page.campaign.text().strip()
        order = page.date_order.currentData()
        return ImportOptions(
            read=self.read_options(),
            import_as=page.chosen_as(),
            header_row=self.file_page.chosen_header_row(),
            mapping=self.mapping(),
            kind=page.kind.currentData(),
            source=source or None,
            campaign=campaign or None,
            unmapped=Unmapped(page.unmapped.currentData()),
            on_duplicate=self.on_duplicate(),
            choices=dict(self.preview_page.groups.choices),
            date_order=DateOrder(order) if order else None,
            dry_run=dry_run,
            keep_rejects=not dry_run,
        )

    # --- preview and import -------------------------------------------------------------------
    def _invalidate_preview(self) -> None:
        self.preview_result = None
        self._update_buttons()

    def _start(
        self, options: ImportOptions, collect: bool, on_progress: Callable[[ImportProgress], None]
    ) -> None:
        assert self.path is not None
        wb, path, clock = self.ctx.wb, self.path, self.ctx.clock

        def work(report: Callable[[ImportProgress], bool]) -> ImportResult:
            return importer.run_import(wb, path, options, progress=report, clock=clock, collect=collect)

        job = ImportJob(work)
        job.signals.progress.connect(on_progress)
        job.signals.finished.connect(self._job_finished)
        job.signals.failed.connect(self._job_failed)
        self.job = job
        start(job)
        self._update_buttons()

    def run_preview(self) -> None:
        if self.job is not None:
            return
        self.preview_result = None
        self.preview_page.busy(self.tr("Checking every row and looking for duplicates…"))
        self._start(self.options(dry_run=True), True, self._preview_progress)

    def _preview_progress(self, progress: ImportProgress) -> None:
        self.preview_page.bar.setValue(int(progress.fraction * 1000))
        self.preview_page.status.setText(
            self.tr("Checking… {0} ({1})").format(
                plural("%n row(s)", progress.rows), plural("%n row(s)/s", round(progress.rows_per_second))
            )
        )

    def run_import(self) -> None:
        if self.job is not None or self.preview_result is None:
            return
        self.stack.setCurrentIndex(PROGRESS)
        self.progress_page.bar.setValue(0)
        self.progress_page.rate.setText("")
        self._start(self.options(dry_run=False), False, self._import_progress)

    def _import_progress(self, progress: ImportProgress) -> None:
        self.progress_page.bar.setValue(int(progress.fraction * 1000))
        if progress.phase == "backup":
            if progress.fraction >= 1.0:  # copied: quick_check reads it all once more
                self.progress_page.rate.setText(self.tr("Backing up the workbench first… checking the copy"))
            else:
                self.progress_page.rate.setText(
                    self.tr("Backing up the workbench first… {0}%").format(int(progress.fraction * 100))
                )
            return
        self.progress_page.rate.setText(
            self.tr("{0} read, {1} — {2}").format(
                plural("%n row(s)", progress.rows),
                plural("%n new lead(s)", progress.inserted),
                plural("%n row(s)/s", round(progress.rows_per_second)),
            )
        )

    def _job_finished(self, result: ImportResult) -> None:
        self.job = None
        self.cancel_button.setEnabled(True)
        if self._close_when_stopped:  # the window was closed while the job ran
            if not result.dry_run:  # it finished before it could stop: say so everywhere
                self.ctx.notify(Topic.LEADS)
                self.imported.emit(result)
            result.discard_rejects()
            super().reject()
            return
        if result.dry_run:
            self.preview_result = result
            self.preview_page.show_result(result, self.on_duplicate())
            self.previewed.emit(result)
        else:
            self.import_result = result
            self.summary_page.show_result(result)
            self.stack.setCurrentIndex(SUMMARY)
            self.ctx.notify(Topic.LEADS)
            self.ctx.notify(Topic.ACCOUNTS)
            self.imported.emit(result)
        self._update_buttons()

    def _job_failed(self, exc: BaseException) -> None:
        self.job = None
        self.cancel_button.setEnabled(True)
        if self._close_when_stopped:
            super().reject()
            return
        cancelled = isinstance(exc, ImportCancelled)
        if self.page() == PROGRESS:
            self.stack.setCurrentIndex(PREVIEW)
        if cancelled:
            message = self.tr("Cancelled. Nothing was written; the workbench is as it was.")
        elif isinstance(exc, ImportRefused | ValueError | OSError | StoreError):
            message = self.tr("The import stopped, nothing was written: {0}").format(exc)
        else:
            message = self.tr("The import failed, nothing was written: {0}: {1}").format(
                type(exc).__name__, exc
            )
        self.preview_page.bar.hide()
        self.preview_page.tabs.setEnabled(self.preview_result is not None)
        self.preview_page.status.setText(message)
        self._update_buttons()

    # --- summary ----------------------------------------------------------------------------------
    def save_rejects(self) -> None:
        result = self.import_result
        if result is None or result.rejects_file is None or self.path is None:
            return
        suggested = self.path.with_name(f"{self.path.stem}-rejected.csv")
        target = self.ask_save_path(self, suggested)
        if target is None:
            return
        from workbench.exchange.atomic import atomic_output

        try:
            with atomic_output(target) as tmp:
                shutil.copyfile(result.rejects_file, tmp)
        except OSError as exc:
            QMessageBox.warning(
                self, self.tr("Not saved"), self.tr("The file was not saved: {0}").format(exc)
            )
            return
        self.summary_page.text.setText(
            self.summary_page.text.text() + self.tr("<p>Rejected rows saved to {0}.</p>").format(target)
        )

    def show_history(self) -> None:
        from workbench.ui.imports.history import ImportHistoryDialog

        ImportHistoryDialog(self.ctx, self).exec()

    # --- leaving --------------------------------------------------------------------------------
    def cancel_or_close(self) -> None:
        self.reject()

    def stop_job(self) -> bool:
        """Cancel the running check or import (asking first for an import); True when stopping."""
        if self.job is None:
            return False
        if self.page() == PROGRESS and not self.confirm(
            self, self.tr("Stop the import?"), self.tr("Stop importing? Nothing will be written.")
        ):
            return False
        self.job.cancel()
        self.cancel_button.setEnabled(False)
        return True

    def reject(self) -> None:
        """Cancel/Escape: stop what runs (and stay), or leave — asking before the rep's
        mapping choices are thrown away."""
        if self.job is not None:
            self.stop_job()
            return
        if self.cancel_reading():
            return
        started = self.page() in (MAPPING, PREVIEW)
        if started and not self.confirm(
            self,
            self.tr("Discard this import?"),
            self.tr("Close the import without importing? Your mapping choices will be lost."),
        ):
            return
        self._cleanup()
        super().reject()

    def accept(self) -> None:
        self._cleanup()
        super().accept()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.job is not None:  # closing the window: stop, then close when stopped
            event.ignore()
            if self.stop_job():
                self._close_when_stopped = True
            return
        if self.page() in (MAPPING, PREVIEW):
            event.ignore()
            self.reject()
            return
        if self.read_job is not None:  # only a read: nothing to wait for
            self.read_job.cancel()
            self.read_job = None
        self._cleanup()
        super().closeEvent(event)

    def _cleanup(self) -> None:
        if self.import_result is not None:
            self.import_result.discard_rejects()


__all__ = ["ImportWizard"]
