"""Importing a vCard file onto an account off the UI thread: a progress dialog with
Cancel (nothing is written until the last card, and Cancel rolls it all back), one undo
step for the whole import, and a report listing every card skipped and every property
left out, as plain text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from workbench.exchange.vcard import ReadCancelled, VCardError
from workbench.services.plurals import counted
from workbench.services.targets import actions as target_actions
from workbench.services.targets.contacts import ImportCancelled
from workbench.store import journal
from workbench.ui.common import file_dialogs
from workbench.ui.common.context import AppContext
from workbench.ui.common.errors import expected_message
from workbench.ui.common.plain import plain
from workbench.ui.common.undo import push_recording
from workbench.ui.common.workers import Cancelled, Job, start

#: The progress dialog counts in this many steps.
STEPS = 1000


def _tr(text: str) -> str:
    return QCoreApplication.translate("targets", text)


def choose_vcard_file(parent: QWidget) -> Path | None:
    """Ask for the file (tests replace this function)."""
    name, _ = file_dialogs.VCARDS.getOpenFileName(
        parent,
        _tr("Import contacts from vCard"),
        str(Path.home()),
        _tr("vCard files (*.vcf *.vcard);;All files (*)"),
    )
    return Path(name) if name else None


def report_lines(result: target_actions.VCardImport) -> tuple[str, list[str]]:
    """The summary, and one line per thing the rep should know about."""
    parts = [f"{counted(result.created, 'contact', 'contacts')} added"]
    if result.already_there:
        parts.append(f"{len(result.already_there)} already on this account")
    if result.possible_duplicates:
        maybe = counted(len(result.possible_duplicates), "possible duplicate", "possible duplicates")
        parts.append(f"{maybe} added for review")
    skipped = [p for p in result.problems if not p.imported]
    if skipped:
        parts.append(f"{counted(len(skipped), 'card', 'cards')} skipped")
    lines = [f"Card {o.card} {o.name}: already there ({o.reason})" for o in result.outcomes if not o.created]
    lines += [
        f"Card {o.card} {o.name}: added; possibly the same as {o.duplicate_of} ({o.reason})"
        for o in result.possible_duplicates
    ]
    lines += [p.describe() for p in result.problems]
    if result.more_problems:
        lines.append(f"… and {counted(result.more_problems, 'more problem', 'more problems')}")
    return " · ".join(parts) + ".", lines


class VCardReport(QDialog):
    """What an import did: the counts, and a plain-text list to read or copy."""

    def __init__(self, result: target_actions.VCardImport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("vCard import"))
        self.setMinimumWidth(520)
        summary, lines = report_lines(result)
        layout = QVBoxLayout(self)
        self.summary = plain(QLabel(summary, self))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setPlainText("\n".join(lines) if lines else self.tr("Every card was read completely."))
        layout.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


class VCardImporter(QObject):
    """Runs one import at a time for a widget; emits :attr:`finished` with the result
    (None when it failed or was cancelled)."""

    finished = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.widget = parent
        self.job: Job | None = None
        self.progress: QProgressDialog | None = None
        self.report: VCardReport | None = None
        self.message = ""  # the last failure or cancel, as told to the rep

    @property
    def running(self) -> bool:
        return self.job is not None

    def start(self, account_id: int, path: Path) -> Job | None:
        if self.job is not None:
            return None
        wb, clock = self.ctx.wb, self.ctx.clock

        def work(report: Any) -> tuple[target_actions.VCardImport, journal.Recording]:
            def step(done: int, total: int) -> bool:
                return bool(report(int(STEPS * done / max(total, 1)), STEPS))

            with journal.recording() as recording:
                result = target_actions.import_vcards(wb, account_id, path, clock, progress=step)
            return result, recording

        text = self.tr("Importing contacts from {0}…").format(path.name)
        dialog = QProgressDialog(text, self.tr("Cancel"), 0, STEPS, self.widget)
        dialog.setWindowTitle(self.tr("vCard import"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        dialog.setAutoReset(False)
        dialog.setAutoClose(False)
        job = Job(work)
        job.signals.progress.connect(lambda done, _total: dialog.setValue(done))
        dialog.canceled.connect(job.cancel)
        job.signals.finished.connect(self._finished)
        job.signals.failed.connect(self._failed)
        self.job, self.progress = job, dialog
        return start(job)

    def cancel(self) -> None:
        if self.progress is not None:
            self.progress.cancel()

    def _end(self) -> None:
        if self.progress is not None:
            self.progress.reset()
            self.progress.deleteLater()
        self.job, self.progress = None, None

    def _finished(self, payload: tuple[target_actions.VCardImport, journal.Recording]) -> None:
        self._end()
        result, recording = payload
        push_recording(self.ctx, self.tr("Import contacts from vCard"), recording)
        self.report = VCardReport(result, self.widget)
        self.report.open()
        self.finished.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self._end()
        if isinstance(exc, Cancelled | ReadCancelled | ImportCancelled):
            self.message = self.tr("vCard import cancelled; no contact was added.")
            window = self.widget.window()
            status = getattr(window, "statusBar", None)
            if callable(status):
                status().showMessage(self.message, 10_000)
        else:
            self.message = str(exc) if isinstance(exc, VCardError) else expected_message(exc) or str(exc)
            warn(self.widget, self.tr("Cannot import contacts"), self.message)
        self.finished.emit(None)


def warn(parent: QWidget, title: str, text: str) -> None:
    """Say why nothing was imported (tests replace this function)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()
