"""Long work off the UI thread. The worker never touches a widget: it reports through
signals, which Qt delivers on the UI thread (Picard's and Anki's rule)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised inside a job when the rep pressed Cancel."""


class JobSignals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)


class Job(QRunnable):
    """Runs ``fn(report)`` on the thread pool; ``report(done, total)`` returns False once
    cancel() was called, and the job should then stop (raise :class:`Cancelled`)."""

    def __init__(self, fn: Callable[[Callable[[int, int], bool]], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = JobSignals()
        self._fn = fn
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def _report(self, done: int, total: int) -> bool:
        self.signals.progress.emit(done, total)
        return not self._cancelled

    def run(self) -> None:
        try:
            try:
                result = self._fn(self._report)
            except BaseException as exc:  # delivered to the UI thread, which decides
                if not isinstance(exc, Cancelled):
                    log.debug("job failed", exc_info=True)
                self.signals.failed.emit(exc)
            else:
                self.signals.finished.emit(result)
        except RuntimeError:
            # The app is quitting and its signal objects are gone: nobody is listening.
            log.debug("job ended after its receivers were deleted", exc_info=True)


_running: set[Job] = set()


def _connection_lost(exc: object) -> None:
    """A background read that failed because the team database is out of reach also
    raises the window's banner (the job's own handler still runs)."""
    if isinstance(exc, BaseException):
        from workbench.ui.common.errors import report_connection_lost

        report_connection_lost(exc)


def start(job: Job) -> Job:
    """Start ``job`` on the global pool, keeping it alive until it ends."""
    _running.add(job)
    job.signals.finished.connect(lambda _r: _running.discard(job))
    job.signals.failed.connect(lambda _e: _running.discard(job))
    job.signals.failed.connect(_connection_lost)
    QThreadPool.globalInstance().start(job)
    return job
