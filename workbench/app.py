"""GUI bootstrap: logging → crash hook → QApplication → open the file → main window."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.services.clock import system_clock

if TYPE_CHECKING:
    from workbench.ui.shell.first_run import Started


def run_gui(
    db_path: Path | str, *, smoke: bool = False, start_area: str = "today", started: float | None = None
) -> int:
    started = time.perf_counter() if started is None else started
    from PySide6.QtWidgets import QApplication

    from workbench.logs import setup_logging
    from workbench.store import StoreError, open_workbench
    from workbench.ui.common import wheel_guard
    from workbench.ui.common.context import AppContext
    from workbench.ui.common.theme import use_appearance
    from workbench.ui.shell.crash import CrashHandler
    from workbench.ui.shell.main_window import MainWindow

    log_path = setup_logging()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Prospecting Workbench")
    app.setOrganizationName("ProspectingWorkbench")
    from workbench.ui.common import plural

    plural.install()  # Qt's %n plural forms in English ("1 lead", "2 leads") before any window
    use_appearance(app)  # like the system until the file says otherwise (settings_actions)
    wheel_guard.install(app)  # edits only by intent: the wheel scrolls, it never edits a field
    CrashHandler(log_path).install()
    welcomed: Started | None = None
    if _welcome_needed(db_path, smoke=smoke, start_area=start_area):
        from workbench.ui.shell import first_run

        welcomed = first_run.first_run(Path(db_path))
        if welcomed is None:
            return 0  # the rep closed the welcome: nothing was created
        wb = welcomed.wb
    else:
        try:
            wb = open_workbench(db_path)
        except StoreError as exc:
            if smoke:
                print(f"error: {exc}", file=sys.stderr)
                return 2
            if not isinstance(db_path, Path):
                # A team database: no file to recover from backups; ask for the password
                # (or a corrected address) as long as the server wants one.
                from workbench.ui.team.login import open_team

                team_wb = open_team(None, db_path)
                if team_wb is None:
                    return 2
                wb = team_wb
            else:
                from workbench.ui.safety.recovery import offer_recovery

                recovered = offer_recovery(None, db_path, exc)
                if recovered is None:
                    return 2
                wb = recovered
    ctx = AppContext(wb, system_clock)
    window = MainWindow(ctx, start_area=start_area)
    if smoke:

        def _done() -> None:
            ms = (time.perf_counter() - started) * 1000
            print(f"ready in {ms:.0f} ms", flush=True)
            app.quit()

        if window._ready_sent:
            from PySide6.QtCore import QTimer

            QTimer.singleShot(0, _done)
        else:
            window.ready.connect(_done)
    window.show()
    if welcomed is not None:
        from workbench.ui.shell import first_run

        first_run.after_show(window, welcomed)
    code = app.exec()
    ctx.replace_workbench(None)
    return int(code)


def _welcome_needed(db_path: Path | str, *, smoke: bool, start_area: str) -> bool:
    """The welcome's own test, asked only for a file that does not exist yet: the
    first-run module and its dialogs are not imported on an ordinary start (P2)."""
    if not isinstance(db_path, Path) or db_path.exists():
        return False
    from workbench.ui.shell import first_run

    return first_run.needed(db_path, smoke=smoke, start_area=start_area)
