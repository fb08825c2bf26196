"""First run: the workbench file does not exist yet, so the app asks what the rep wants
before making anything (never an empty, confusing window):

* **Start my workbench** — creates the file and writes the rep's name and goals;
* **Open the demo workbench** — builds the small demo (one rep's year) in the data
  folder on a worker thread, with progress and Cancel, and opens it; the rep's own
  file is not created, so the welcome comes back next time;
* **Import leads from a file** — creates the file and opens the import wizard as soon
  as the window shows.

Before any choice the welcome asks the rep's *default region* (pre-filled from the
computer's locale): phone numbers written without ``+country`` are read in it.

Tests answer the welcome through :func:`ask_welcome` and the demo build through
:func:`build_demo_file` (both module functions they replace).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from workbench.paths import data_dir
from workbench.store import StoreError, Workbench, open_workbench
from workbench.ui.common.workers import Cancelled, Job, start
from workbench.ui.shell.welcome import WelcomeChoice, WelcomeDialog

DEMO_NAME = "demo.db"
#: Working days in a week, for the weekly goal the welcome does not ask for.
WORKDAYS = 5


def _tr(text: str) -> str:
    return QCoreApplication.translate("FirstRun", text)


def needed(db_path: Path | str, *, smoke: bool = False, start_area: str = "today") -> bool:
    """Whether to welcome the rep instead of opening ``db_path``: a file that does not
    exist yet, in a real session (not ``--smoke``, not the Manager view, not a server)."""
    if smoke or start_area == "manager" or not isinstance(db_path, Path):
        return False
    return not db_path.exists()


def demo_path() -> Path:
    return data_dir() / DEMO_NAME


@dataclass
class Started:
    """What the first run opened, and what to do once the window shows."""

    wb: Workbench
    choice: WelcomeChoice
    import_after_show: bool = False


def ask_welcome(parent: QWidget | None = None) -> WelcomeChoice | None:
    """Show the welcome; None when the rep closed it (tests replace this function)."""
    dialog = WelcomeDialog(parent)
    try:
        return dialog.choice if dialog.exec() else None
    finally:
        dialog.deleteLater()


def warn(parent: QWidget | None, title: str, text: str) -> None:
    """A problem the rep must read (tests replace this function)."""
    QMessageBox.warning(parent, title, text)


def first_run(db_path: Path, parent: QWidget | None = None) -> Started | None:
    """Welcome the rep and open what they chose; None when they closed the welcome."""
    while True:
        choice = ask_welcome(parent)
        if choice is None:
            return None
        try:
            if choice.action == "demo":
                path = demo_path()
                if not path.exists() and not build_demo_file(path, parent):
                    continue  # cancelled or failed: back to the welcome
                return Started(open_workbench(path), choice)
            wb = open_workbench(db_path)
        except StoreError as exc:
            warn(parent, _tr("Cannot open the workbench"), str(exc))
            continue
        if choice.action in ("start", "import"):
            write_profile(wb, choice)
        return Started(wb, choice, import_after_show=choice.action == "import")


def write_profile(wb: Workbench, choice: WelcomeChoice) -> None:
    from workbench.services.settings import values as settings

    values: dict[str, Any] = {}
    if choice.action == "start":
        values.update(
            {
                "goals.touches_per_day": choice.touches_per_day,
                "goals.touches_per_week": choice.touches_per_day * WORKDAYS,
                "targets.goal": choice.target_goal,
            }
        )
    if choice.rep_name:
        values["profile.rep_name"] = choice.rep_name
    if choice.region:
        # The default region reads the phones of the first import (issue 18).
        values["profile.phone_region"] = choice.region
    if not values:
        return
    settings.write_many(wb, values)


# --- the demo ---------------------------------------------------------------------------------
class DemoBuild:
    """One build of the demo file on the thread pool. Cancel stops the build at its
    next step or bulk batch (a fraction of a second) and the half-built temporary file
    is removed, so no demo file appears. A build still running when the rep asks again
    is waited for, never started twice (its file is locked)."""

    running: DemoBuild | None = None

    def __init__(self, path: Path) -> None:
        from workbench.services.demo import DemoCancelled, DemoOptions, build_demo

        self.path = path
        self.message = _tr("Building the demo workbench…")
        self.done = False
        self.error: BaseException | None = None
        self.listeners: list[Callable[[], None]] = []

        def work(report: Callable[[int, int], bool]) -> object:
            def say(message: str) -> None:
                self.message = message
                if not report(0, 0):
                    raise Cancelled()

            try:
                return build_demo(
                    path, DemoOptions(size="small"), progress=say, stop=lambda: self.job.cancelled
                )
            except DemoCancelled:
                raise Cancelled() from None

        self.job = Job(work)
        self.job.signals.finished.connect(lambda _r: self._end(None))
        self.job.signals.failed.connect(self._end)
        DemoBuild.running = self
        start(self.job)

    def _end(self, error: BaseException | None) -> None:
        self.done = True
        self.error = error
        if DemoBuild.running is self:
            DemoBuild.running = None
        for listener in list(self.listeners):
            listener()


def build_demo_file(path: Path, parent: QWidget | None = None) -> bool:
    """Build the small demo at ``path`` with a progress dialog; True when the file is
    there. Cancel returns False at once."""
    build = DemoBuild.running if DemoBuild.running is not None else DemoBuild(path)
    dialog = QProgressDialog(build.message, _tr("Cancel"), 0, 0, parent)
    dialog.setWindowTitle(_tr("Demo workbench"))
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setLabelText(
        _tr("Building a year of a realistic rep's work (a few seconds)…\n{0}").format(build.message)
    )

    def ended() -> None:
        dialog.accept()

    build.listeners.append(ended)
    timer = QTimer(dialog)
    timer.setInterval(200)
    timer.timeout.connect(
        lambda: dialog.setLabelText(
            _tr("Building a year of a realistic rep's work (a few seconds)…\n{0}").format(build.message)
        )
    )
    timer.start()
    dialog.canceled.connect(build.job.cancel)
    dialog.canceled.connect(dialog.reject)
    try:
        if not build.done:
            dialog.exec()
    finally:
        build.listeners.remove(ended)
        timer.stop()
        dialog.deleteLater()
    if not build.done:
        return False  # cancelled; the worker stops at its next step and removes its file
    if build.error is not None and not isinstance(build.error, Cancelled):
        warn(parent, _tr("Cannot build the demo"), str(build.error))
        return False
    return path.exists()


# --- after the window shows --------------------------------------------------------------------
def after_show(window: Any, started: Started | None) -> None:
    """What the first run asked to happen once the main window is on screen."""
    if started is not None and started.import_after_show:
        QTimer.singleShot(0, lambda: open_import(window))


def open_import(window: Any) -> bool:
    """Open File → Import leads… (the import wizard) in ``window``."""
    from workbench.ui.common.widgets import plain
    from workbench.ui.shell.shortcuts import menu_actions

    actions = getattr(window, "import_actions", None)
    action = getattr(actions, "import_leads", None)
    if action is None:
        action = next(
            (
                a
                for _p, a in menu_actions(window.menuBar())
                if plain(a.text()).startswith(_tr("Import leads"))
            ),
            None,
        )
    if action is None:
        return False
    action.trigger()
    return True
