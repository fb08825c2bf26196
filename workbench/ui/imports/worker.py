"""The import running off the UI thread.

The job calls the importer service on the thread pool and reports through signals
only (delivered on the UI thread); it never touches a widget. Cancel sets a flag the
service's progress callback reads between chunks, and the service then rolls its
transaction back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from workbench.services.imports.options import ImportProgress

log = logging.getLogger(__name__)


class ImportSignals(QObject):
    progress = Signal(object)  # ImportProgress
    finished = Signal(object)  # the service's result
    failed = Signal(object)  # the exception (ImportCancelled when cancelled)


class ImportJob(QRunnable):
    """Runs ``work(report)``; ``report(progress)`` returns False once cancelled."""

    def __init__(self, work: Callable[[Callable[[ImportProgress], bool]], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = ImportSignals()
        self._work = work
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def _report(self, progress: ImportProgress) -> bool:
        self.signals.progress.emit(progress)
        return not self._cancelled

    def run(self) -> None:
        try:
            result = self._work(self._report)
        except BaseException as exc:  # handed to the UI thread, which tells the rep
            log.debug("import job ended with %r", exc, exc_info=True)
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)


_running: set[ImportJob] = set()


def start(job: ImportJob) -> ImportJob:
    """Start ``job`` on the global pool and keep it alive until it ends."""
    _running.add(job)
    job.signals.finished.connect(lambda _r: _running.discard(job))
    job.signals.failed.connect(lambda _e: _running.discard(job))
    QThreadPool.globalInstance().start(job)
    return job


__all__ = ["ImportJob", "ImportSignals", "start"]
