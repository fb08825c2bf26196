"""Team mode in the window: File → Open team database…, and the banner that says the
team database is out of reach (and goes away by itself once it is back).

A save that fails because the connection dropped leaves its dialog open with everything
typed in it (dialogs close only after their service call returned); the crash handler
hands the failure to the banner instead of a message box, the banner retries in the
background, and the rep saves again.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from workbench.ui.common import errors
from workbench.ui.common.context import AppContext
from workbench.ui.common.workers import Job, start

#: How often the banner tries the server again while it is out of reach.
RETRY_MS = 5000


class ConnectionBanner(QFrame):
    """Across the top of the window while the team database cannot be reached."""

    def __init__(self, ctx: AppContext, window: Any) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window_ = window
        self.setObjectName("connectionBanner")
        self.setStyleSheet(
            "#connectionBanner { background: #fdebd0; border-bottom: 1px solid #e0a84f; }"
            "#connectionBanner QLabel { color: #4a3000; }"
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.retry_button = QPushButton(self.tr("Try &again now"), self)
        self.retry_button.clicked.connect(self.retry)
        row.addWidget(self.label, 1)
        row.addWidget(self.retry_button)
        self.timer = QTimer(self)
        self.timer.setInterval(RETRY_MS)
        self.timer.timeout.connect(self.retry)
        self._job: Job | None = None
        self.hide()

    def lost(self, _exc: BaseException) -> bool:
        """Show the banner (the crash handler calls this); False when not about a team database."""
        if not self.ctx.has_workbench or self.ctx.wb.is_file:
            return False
        self.label.setText(self.tr(errors.CONNECTION_LOST))
        self.show()
        self.timer.start()
        return True

    def retry(self) -> Job | None:
        if self._job is not None or not self.ctx.has_workbench:
            return None
        wb = self.ctx.wb
        from workbench.services.team import members as team

        job = Job(lambda _report: team.ping(wb))
        job.signals.finished.connect(lambda _r: self._back())
        job.signals.failed.connect(self._still_away)
        self._job = job
        return start(job)

    def _back(self) -> None:
        self._job = None
        self.timer.stop()
        if self.isVisible():
            self.hide()
            self.window_.statusBar().showMessage(
                self.tr("Connected to the team database again: save what you were writing."), 15_000
            )

    def _still_away(self, _exc: BaseException) -> None:
        self._job = None
        self.label.setText(
            self.tr(errors.CONNECTION_LOST)
            + " "
            + self.tr("(Still out of reach at {0}.)").format(time.strftime("%H:%M:%S"))
        )

    def clear(self) -> None:
        self.timer.stop()
        self.hide()


class TeamActions(QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.ctx: AppContext = window.ctx
        window.add_action("File", "Open &team database…", self.open_team)
        self.banner = ConnectionBanner(self.ctx, window)
        central = window.takeCentralWidget()
        holder = QWidget(window)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(central, 1)
        window.setCentralWidget(holder)
        errors.on_connection_lost(self.banner.lost)
        window.destroyed.connect(lambda *_: errors.forget_connection_listener(self.banner.lost))
        self.ctx.workbenchReplaced.connect(self.banner.clear)

    def open_team(self) -> None:
        from workbench.ui.team.login import open_team

        last = ""
        if self.ctx.has_workbench and not self.ctx.wb.is_file:
            last = self.ctx.wb.location
        wb = open_team(self.window, last, ask_first=True)
        if wb is not None:
            self.ctx.replace_workbench(wb)
            self.window.current_area().activate()


def install_actions(window: Any) -> None:
    window.team_actions = TeamActions(window)
