"""File → Back up now / Backups…, Help → Check file, automatic backups, and the
background check of big files at open."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog

from workbench.services.safety.change_watch import ChangeWatch
from workbench.store import StoreError, open_workbench
from workbench.store.interrupt import OperationCancelled
from workbench.store.location import risky_location
from workbench.store.lock import WriterLock
from workbench.ui.common.workers import Job, start

if TYPE_CHECKING:
    from workbench.store.backup import BackupInfo

# The backup service is imported where a backup is taken, listed or restored, not at
# start: the window only watches the file for changes until then (P2).

#: How long after a big file opened its background quick check starts.
QUICK_CHECK_DELAY_MS = 5000

AUTO_CHECK_MS = 60_000


class SafetyActions(QObject):
    #: A restore ended and the file is open again: True when the backup is now in place.
    restoreEnded = Signal(bool)

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        #: The progress dialog of the running backup, restore or check (tests press its Cancel).
        self.progress: QProgressDialog | None = None
        self.ctx = window.ctx
        self.watch: ChangeWatch | None = None
        self._auto_job: Job | None = None
        window.menu("File").addSeparator()
        window.add_action("File", "&Back up now", self.back_up_now, "Ctrl+Shift+B")
        window.add_action("File", "Bac&kups…", self.show_backups)
        window.add_action("Help", "&Check file…", self.check_file)
        self.timer = QTimer(self)
        self.timer.setInterval(AUTO_CHECK_MS)
        self.timer.timeout.connect(self.auto_backup)
        self.timer.start()
        self.ctx.workbenchReplaced.connect(self._on_workbench)
        QTimer.singleShot(0, self._on_workbench)

    # --- on open -----------------------------------------------------------------
    def _on_workbench(self) -> None:
        if not self.ctx.has_workbench or not self.ctx.wb.is_file:
            # A team database has no file to watch, back up or check: its server does that.
            self.watch = None
            return
        wb = self.ctx.wb
        self.watch = ChangeWatch(wb.path)
        self.watch.mark()
        warning = risky_location(wb.path)
        if warning:
            self.window.statusBar().showMessage(warning, 30_000)
        from workbench.store.db import QUICK_CHECK_AT_OPEN_MAX_BYTES

        if wb.path.stat().st_size > QUICK_CHECK_AT_OPEN_MAX_BYTES:
            # Once the window has settled: a check of a big file reads all of it, and
            # must not compete with the first view's queries for the disk and CPU (P2).
            QTimer.singleShot(QUICK_CHECK_DELAY_MS, lambda: self._background_quick_check(wb))

    def _background_quick_check(self, wb: Any = None) -> None:
        from workbench.services.safety.integrity import check_file

        if wb is None:
            wb = self.ctx.wb
        elif not self.ctx.has_workbench or self.ctx.wb is not wb:
            return  # another file was opened meanwhile; it got its own check
        job = start(Job(lambda _report: check_file(wb, full=False)))
        job.signals.finished.connect(self._quick_check_done)

    def _quick_check_done(self, report: Any) -> None:
        if not report.ok:
            QMessageBox.warning(
                self.window,
                self.tr("The workbench file has problems"),
                self.tr(
                    "SQLite's check found problems in this file:\n{0}\n\n"
                    "Open File → Backups… to restore the newest good backup."
                ).format("\n".join(report.problems[:5])),
            )

    # --- backups -------------------------------------------------------------------
    def back_up_now(self) -> Job | None:
        from workbench.services.safety import backups
        from workbench.store.backup import BackupCancelled

        if not self.ctx.has_workbench:
            return None
        wb = self.ctx.wb
        dialog = self._progress_dialog(self.tr("Backing up…"), busy=False)
        job = Job(lambda report: backups.back_up(wb, reason="manual", progress=report, clock=self.ctx.clock))

        def progressed(done: int, total: int) -> None:
            if total and done >= total and dialog.maximum():
                # Pages copied; the copy's integrity check cannot say how far it is.
                dialog.setRange(0, 0)
                dialog.setLabelText(self.tr("Checking the copy before keeping it…"))
            elif dialog.maximum():
                dialog.setValue(int(1000 * done / max(total, 1)))

        job.signals.progress.connect(progressed)
        dialog.canceled.connect(job.cancel)

        def finished(info: BackupInfo) -> None:
            self._close_dialog(dialog)
            if self.watch is not None:
                self.watch.mark()
            self.window.statusBar().showMessage(self.tr("Backup saved: {0}").format(info.path.name), 10_000)

        def failed(exc: BaseException) -> None:
            self._close_dialog(dialog)
            if isinstance(exc, BackupCancelled):
                self.window.statusBar().showMessage(
                    self.tr("Backup cancelled; nothing was left behind."), 10_000
                )
            else:
                QMessageBox.warning(self.window, self.tr("Backup failed"), str(exc))

        job.signals.finished.connect(finished)
        job.signals.failed.connect(failed)
        return start(job)

    def auto_backup(self) -> None:
        from workbench.services.safety import backups

        if not self.ctx.has_workbench or self.watch is None or self._auto_job is not None:
            return
        wb = self.ctx.wb
        if not backups.due_for_auto_backup(wb, self.watch, self.ctx.clock()):
            return
        self.watch.mark()
        job = Job(lambda _report: backups.back_up(wb, reason="auto", clock=self.ctx.clock))
        self._auto_job = job

        def done(_result: object) -> None:
            self._auto_job = None

        def failed(exc: BaseException) -> None:
            self._auto_job = None
            self.window.statusBar().showMessage(self.tr("Automatic backup failed: {0}").format(exc), 30_000)

        job.signals.finished.connect(done)
        job.signals.failed.connect(failed)
        start(job)

    def show_backups(self) -> None:
        from workbench.services.safety import backups
        from workbench.ui.safety.backups import BackupsDialog

        if not self.ctx.has_workbench:
            return
        wb = self.ctx.wb
        dialog = BackupsDialog(backups.backups_of(wb), str(backups.folder_for(wb)), self.window)
        if dialog.exec() and dialog.chosen is not None:
            self.restore(dialog.chosen.path)

    def restore(self, backup: Path) -> Job:
        """Put ``backup`` in place of the open file on the thread pool, with progress and
        Cancel (until the file is swapped). The current file is backed up first, by
        ``restore_backup`` itself. ``restoreEnded(ok)`` says when the file is open again."""
        from workbench.services.safety import backups
        from workbench.store.recovery import restore_backup

        path = self.ctx.wb.path
        folder = backups.folder_for(self.ctx.wb)
        self.ctx.replace_workbench(None)  # the file is closed while it is replaced
        dialog = self._progress_dialog(
            self.tr("Restoring {0}…\nYour workbench as it is now is backed up first.").format(backup.name),
            busy=False,
        )

        def work(report: Any) -> Path | None:
            with WriterLock(path):
                return restore_backup(backup, path, folder, progress=report)

        job = Job(work)
        job.signals.progress.connect(lambda done, total: dialog.setValue(int(1000 * done / max(total, 1))))
        dialog.canceled.connect(job.cancel)

        def finished(previous: Path | None) -> None:
            self._close_dialog(dialog)
            if self._reopen(path):
                self.window.statusBar().showMessage(
                    self.tr("Restored {0}. The previous state is kept at {1}").format(backup.name, previous),
                    30_000,
                )
                self.restoreEnded.emit(True)

        def failed(exc: BaseException) -> None:
            self._close_dialog(dialog)
            if isinstance(exc, StoreError | OSError) and not isinstance(exc, OperationCancelled):
                QMessageBox.warning(self.window, self.tr("Restore failed"), str(exc))
            reopened = self._reopen(path)  # the file as it is now, whatever went wrong
            if isinstance(exc, OperationCancelled):
                # After the reopen, which starts a new undo history and says so.
                self.window.statusBar().showMessage(
                    self.tr("Restore cancelled: your workbench is as it was."), 15_000
                )
            if not isinstance(exc, StoreError | OSError):
                raise exc  # a bug: the crash hook logs and shows it
            if reopened:
                self.restoreEnded.emit(False)

        job.signals.finished.connect(finished)
        job.signals.failed.connect(failed)
        return start(job)

    def _reopen(self, path: Path) -> bool:
        try:
            self.ctx.replace_workbench(open_workbench(path))
        except StoreError as exc:
            QMessageBox.critical(self.window, self.tr("Cannot reopen the workbench"), str(exc))
            return False
        self.ctx.notify("all")
        return True

    def _progress_dialog(self, text: str, *, busy: bool) -> QProgressDialog:
        """A window-modal progress dialog with Cancel: a bar in tenths of a percent, or
        a busy bar when the work cannot say how far it is."""
        dialog = QProgressDialog(text, self.tr("Cancel"), 0, 0 if busy else 1000, self.window)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)
        self.progress = dialog
        return dialog

    def _close_dialog(self, dialog: QProgressDialog) -> None:
        dialog.reset()
        dialog.hide()
        dialog.deleteLater()
        if self.progress is dialog:
            self.progress = None

    # --- check ------------------------------------------------------------------------
    def check_file(self) -> Job | None:
        """Help → Check file: SQLite's full integrity and foreign-key checks on the thread
        pool, with a busy bar and Cancel (which interrupts the running check)."""
        from workbench.services.safety.integrity import check_file

        if not self.ctx.has_workbench:
            return None
        wb = self.ctx.wb
        size = wb.path.stat().st_size if wb.is_file else 0
        dialog = self._progress_dialog(
            self.tr("Checking every page of the file ({0} MB)…").format(f"{size / 1_048_576:,.0f}"),
            busy=True,
        )
        job = Job(lambda _report: check_file(wb, full=True, stop=lambda: job.cancelled))
        dialog.canceled.connect(job.cancel)

        def finished(report: Any) -> None:
            self._close_dialog(dialog)
            self._show_check(report)

        def failed(exc: BaseException) -> None:
            self._close_dialog(dialog)
            self.window.statusBar().clearMessage()
            if isinstance(exc, OperationCancelled):
                self.window.statusBar().showMessage(self.tr("File check cancelled."), 10_000)
            else:
                QMessageBox.warning(self.window, self.tr("Check failed"), str(exc))

        job.signals.finished.connect(finished)
        job.signals.failed.connect(failed)
        self.window.statusBar().showMessage(self.tr("Checking the file…"))
        return start(job)

    def _show_check(self, report: Any) -> None:
        self.window.statusBar().clearMessage()
        if report.ok:
            QMessageBox.information(
                self.window,
                self.tr("File check"),
                self.tr("The file is healthy: SQLite's integrity and foreign-key checks found no problems."),
            )
        else:
            QMessageBox.warning(
                self.window,
                self.tr("File check"),
                self.tr(
                    "The check found problems:\n{0}\n\nUse File → Backups… to restore a good backup."
                ).format("\n".join(report.problems[:10])),
            )


def install_actions(window: Any) -> None:
    window.safety = SafetyActions(window)


__all__ = ["SafetyActions", "install_actions"]
