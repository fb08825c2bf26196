"""The safety features as a rep meets them: back up now, the backups dialog and restore,
Check file, the recovery offer for a damaged file, and no network use."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDeadlineTimer, QThread, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from tests.support.fill import add_leads, count_leads
from workbench.services.safety import backups
from workbench.store import open_workbench
from workbench.ui.common.context import AppContext
from workbench.ui.common.workers import Job
from workbench.ui.shell.areas import AREAS
from workbench.ui.shell.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, db_path: Path) -> Iterator[MainWindow]:
    wb = open_workbench(db_path)
    add_leads(wb, 12)
    ctx = AppContext(wb)
    win = MainWindow(ctx, start_area="leads")
    qtbot.addWidget(win)
    win.show()
    yield win
    ctx.replace_workbench(None)


def _answer_next_box(button: QMessageBox.StandardButton | str) -> None:
    """Answer the next message box the app opens, as a rep would click it."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, click)
            return
        if isinstance(button, str):
            target = next(b for b in box.buttons() if b.text() == button)
        else:
            target = box.button(button)
        target.click()

    QTimer.singleShot(0, click)


def test_back_up_now_then_restore_from_the_dialog(qtbot: QtBot, window: MainWindow, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    safety = window.safety  # type: ignore[attr-defined]
    safety.back_up_now()
    qtbot.waitUntil(lambda: len(backups.backups_of(window.ctx.wb)) == 1, timeout=10_000)
    add_leads(window.ctx.wb, 5, "Later")
    taken = backups.backups_of(window.ctx.wb)[0]
    with qtbot.waitSignal(safety.restoreEnded, timeout=30_000) as ended:
        safety.restore(taken.path)  # on the thread pool: the window keeps painting
        assert not window.ctx.has_workbench  # closed while it is replaced
    assert ended.args == [True]
    assert count_leads(window.ctx.wb) == 12
    assert any(b.reason == "before-restore" for b in backups.backups_of(window.ctx.wb))


def _press_cancel(safety: object) -> None:
    """Press Cancel of the safety action's progress dialog, as the rep does."""
    from PySide6.QtWidgets import QPushButton

    dialog = safety.progress  # type: ignore[attr-defined]
    assert dialog is not None
    button = dialog.findChild(QPushButton)
    assert button is not None and button.text() == "Cancel"
    button.click()


def test_a_cancelled_restore_leaves_the_workbench_as_it_was(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.store import recovery

    safety = window.safety  # type: ignore[attr-defined]
    taken = backups.back_up(window.ctx.wb)
    add_leads(window.ctx.wb, 5, "Later")
    # Hold the restore after its safety backup, until the rep pressed Cancel.
    real_backup_file = recovery.backup_file
    jobs: list[Job] = []

    def held(*args: object, **kwargs: object) -> object:
        made = real_backup_file(*args, **kwargs)  # type: ignore[arg-type]
        deadline = QDeadlineTimer(20_000)
        while not (jobs and jobs[0].cancelled) and not deadline.hasExpired():
            QThread.msleep(5)  # the worker waits; the UI thread runs on
        return made

    monkeypatch.setattr(recovery, "backup_file", held)
    with qtbot.waitSignal(safety.restoreEnded, timeout=30_000) as ended:
        jobs.append(safety.restore(taken.path))
        qtbot.waitUntil(lambda: safety.progress is not None and safety.progress.isVisible(), timeout=10_000)
        _press_cancel(safety)
    assert ended.args == [False]
    assert count_leads(window.ctx.wb) == 17  # the later leads are still there
    assert not list(window.ctx.wb.path.parent.glob(".*.pwb-*"))
    assert "cancelled" in window.statusBar().currentMessage()


def test_check_file_can_be_cancelled(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.services.safety import integrity

    safety = window.safety  # type: ignore[attr-defined]
    real_problems = window.ctx.wb.integrity_problems
    started: list[int] = []

    def slow_problems(conn: object, *, full: bool = True) -> list[str]:
        # A check long enough to cancel: SQLite's recursive CTE counting forever,
        # interrupted the same way as a minute-long integrity_check of a big file.
        started.append(1)
        conn.exec_driver_sql(  # type: ignore[attr-defined]
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
        ).all()
        return real_problems(conn, full=full)

    monkeypatch.setattr(window.ctx.wb, "integrity_problems", slow_problems)
    with qtbot.waitSignal(safety.check_file().signals.failed, timeout=30_000) as failed:
        qtbot.waitUntil(lambda: bool(started) and safety.progress.isVisible(), timeout=10_000)
        _press_cancel(safety)
    assert isinstance(failed.args[0], integrity.OperationCancelled)
    assert safety.progress is None
    assert "cancelled" in window.statusBar().currentMessage()


def test_backups_dialog_lists_and_restores(qtbot: QtBot, window: MainWindow) -> None:
    from workbench.ui.safety.backups import BackupsDialog

    backups.back_up(window.ctx.wb)
    dialog = BackupsDialog(backups.backups_of(window.ctx.wb), "folder", window)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 3).text() == "12"
    assert not dialog.restore_button.isEnabled()
    dialog.select(0)
    assert dialog.restore_button.isEnabled()
    _answer_next_box(QMessageBox.StandardButton.Yes)
    dialog.restore_button.click()
    assert dialog.chosen is not None


def test_check_file_reports_a_healthy_file(qtbot: QtBot, window: MainWindow) -> None:
    seen: list[str] = []

    def capture() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.accept()
        else:
            QTimer.singleShot(10, capture)

    QTimer.singleShot(0, capture)
    window.safety.check_file()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert "healthy" in seen[0]


def test_damaged_file_offers_the_backup(qtbot: QtBot, db_path: Path) -> None:
    from workbench.store import StoreError
    from workbench.ui.safety.recovery import offer_recovery

    with open_workbench(db_path) as wb:
        add_leads(wb, 9)
        backups.back_up(wb)
    db_path.write_bytes(db_path.read_bytes()[:2048])
    with pytest.raises(StoreError) as info:
        open_workbench(db_path)
    _answer_next_box("Restore the backup")
    QTimer.singleShot(300, lambda: _answer_next_box(QMessageBox.StandardButton.Ok))
    wb = offer_recovery(None, db_path, info.value)
    assert wb is not None
    try:
        assert count_leads(wb) == 9
    finally:
        wb.close()
    assert list(db_path.parent.glob(db_path.name + ".corrupt-*"))


@pytest.mark.parametrize(
    ("leads", "said"), [(1, "(1 lead, 1 opportunity)"), (3, "(3 leads, 3 opportunities)")]
)
def test_the_recovery_offer_counts_the_backups_leads_and_opportunities(
    qtbot: QtBot, db_path: Path, leads: int, said: str
) -> None:
    from workbench.services.leads.edit import LeadFields, create_lead
    from workbench.services.pipeline.convert import convert_lead
    from workbench.store import StoreError
    from workbench.ui.safety.recovery import offer_recovery

    with open_workbench(db_path) as wb:
        for i in range(leads):
            convert_lead(wb, create_lead(wb, LeadFields(name=f"Rep {i}", company=f"Co {i}")))
        backups.back_up(wb)
    db_path.write_bytes(db_path.read_bytes()[:2048])
    with pytest.raises(StoreError) as info:
        open_workbench(db_path)
    seen: list[str] = []

    def read_then_quit() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, read_then_quit)
            return
        seen.append(box.informativeText())
        next(b for b in box.buttons() if b.text() == "Quit").click()

    QTimer.singleShot(0, read_then_quit)
    assert offer_recovery(None, db_path, info.value) is None
    assert said in seen[0] and "A good backup from" in seen[0]


def test_gui_session_makes_no_network_connection(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args[:2])
        raise OSError("no network")

    for name in ("connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for entry in AREAS:
        window.show_area(entry.key)
        qtbot.wait(1)  # let each area's first paint happen
    window.safety.back_up_now()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: len(backups.backups_of(window.ctx.wb)) == 1, timeout=10_000)
    assert attempts == []
