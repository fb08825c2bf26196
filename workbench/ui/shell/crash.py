"""Unexpected errors: log the trace, tell the rep, and exit rather than run on in an
unknown state (qutebrowser's crash handler does the same)."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger("workbench.crash")


class CrashHandler:
    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self._handling = False

    def install(self) -> None:
        sys.excepthook = self.handle

    def handle(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        from workbench.ui.common.errors import expected_message, report_connection_lost

        text = "".join(traceback.format_exception(exc_type, exc, tb))
        expected = expected_message(exc)
        if expected is not None and QApplication.instance() is not None:
            # The action was aborted and its transaction rolled back; the app is in a
            # known state, so say what happened and carry on.
            log.warning("expected failure: %s", exc)
            if report_connection_lost(exc):
                return  # the window's banner says it, and clears itself once it is back
            QMessageBox.warning(QApplication.activeWindow(), "Prospecting Workbench", expected)
            return
        log.critical("unhandled exception\n%s", text)
        if self._handling:
            return
        self._handling = True
        app = QApplication.instance()
        if app is not None:
            box = QMessageBox(QMessageBox.Icon.Critical, "Prospecting Workbench stopped", "")
            box.setText(
                "Something went wrong inside Prospecting Workbench, and it will close so that "
                "nothing is saved in an unknown state. Your data up to the last completed action is safe."
            )
            box.setInformativeText(f"The details were written to:\n{self.log_path}")
            box.setDetailedText(text)
            box.exec()
            QApplication.exit(1)
        else:
            sys.stderr.write(text)
