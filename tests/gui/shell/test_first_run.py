"""First run with no workbench file: the welcome's three choices, closing it, and
cancelling the demo build."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QDeadlineTimer, QLocale, Qt, QThread, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton
from pytestqt.qtbot import QtBot

from workbench.paths import data_dir
from workbench.services.settings import values as settings
from workbench.store import Workbench
from workbench.ui.common.context import AppContext
from workbench.ui.shell import first_run
from workbench.ui.shell.main_window import MainWindow
from workbench.ui.shell.welcome import WelcomeChoice, WelcomeDialog

pytestmark = pytest.mark.qt_log_ignore("does not support raise")


def answer_welcome(monkeypatch: pytest.MonkeyPatch, *answers: WelcomeChoice | None) -> list[int]:
    """The welcome answers these in turn; returns a list that counts the questions."""
    queue = list(answers)
    asked: list[int] = []

    def ask(_parent: object = None) -> WelcomeChoice | None:
        asked.append(1)
        return queue.pop(0)

    monkeypatch.setattr(first_run, "ask_welcome", ask)
    return asked


def test_first_run_is_only_for_a_missing_file(tmp_path: Path, db_path: Path) -> None:
    assert first_run.needed(db_path)
    assert not first_run.needed(db_path, smoke=True)
    assert not first_run.needed(db_path, start_area="manager")
    assert not first_run.needed("postgresql+psycopg://team@server/db")
    db_path.write_bytes(b"")
    assert not first_run.needed(db_path)


def test_the_welcome_asks_name_and_goals(qtbot: QtBot) -> None:
    dialog = WelcomeDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == 1
    qtbot.waitUntil(dialog.name_edit.hasFocus)
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Escape)  # back to the three choices
    assert dialog.pages.currentIndex() == 0 and dialog.isVisible()
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.name_edit.hasFocus)
    qtbot.keyClicks(dialog.name_edit, "Dana Reyes")
    dialog.touches_spin.setValue(25)
    dialog.targets_spin.setValue(15)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.choice == WelcomeChoice("start", "Dana Reyes", 25, 15, dialog.region())


def test_the_welcome_asks_the_default_region_from_the_locale(qtbot: QtBot) -> None:
    previous = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.Dutch, QLocale.Country.Belgium))
    try:
        dialog = WelcomeDialog()
    finally:
        QLocale.setDefault(previous)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    combo = dialog.region_combo
    assert combo.currentData() == "BE" and combo.currentText() == "België (BE)"  # CLDR's name
    # The rep works Dutch accounts: Alt+R goes to the field, typing picks the country.
    qtbot.keyClick(dialog, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(combo.hasFocus)
    qtbot.keyClicks(combo, "Nederland")
    assert combo.currentData() == "NL"
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.choice == WelcomeChoice("import", region="NL")


def test_the_default_region_is_kept_for_a_start_and_an_import(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for action in ("start", "import"):
        path = tmp_path / f"{action}.db"
        answer_welcome(monkeypatch, WelcomeChoice(action, region="NL"))
        started = first_run.first_run(path)
        assert started is not None
        try:
            assert settings.read(started.wb, "profile.phone_region") == "NL"
        finally:
            started.wb.close()


def test_start_my_workbench_creates_the_file_with_name_and_goals(
    monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    answer_welcome(monkeypatch, WelcomeChoice("start", "Dana Reyes", 25, 15))
    started = first_run.first_run(db_path)
    assert started is not None and not started.import_after_show
    try:
        assert db_path.exists() and started.wb.path == db_path
        assert settings.read(started.wb, "profile.rep_name") == "Dana Reyes"
        assert settings.read(started.wb, "goals.touches_per_day") == 25
        assert settings.read(started.wb, "goals.touches_per_week") == 125
        assert settings.read(started.wb, "targets.goal") == 15
    finally:
        started.wb.close()


def test_closing_the_welcome_creates_nothing(monkeypatch: pytest.MonkeyPatch, db_path: Path) -> None:
    answer_welcome(monkeypatch, None)
    assert first_run.first_run(db_path) is None
    assert not db_path.exists()


def test_open_the_demo_builds_it_with_progress_and_opens_it(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    answer_welcome(monkeypatch, WelcomeChoice("demo"))
    seen: list[str] = []

    def look() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, QProgressDialog):
            seen.append(widget.labelText())

    QTimer.singleShot(50, look)
    started = first_run.first_run(db_path)
    assert started is not None
    try:
        assert started.wb.path == data_dir() / "demo.db"
        assert seen and "year" in seen[0]  # the progress dialog said what is going on
        assert not db_path.exists()  # the rep's own file is still to be made
        with started.wb.reading() as s:
            from sqlmodel import func, select

            from workbench.domain import Lead

            assert s.exec(select(func.count()).select_from(Lead)).one() > 100
    finally:
        started.wb.close()
    # Asked again later: the finished demo opens at once, no second build.
    answer_welcome(monkeypatch, WelcomeChoice("demo"))
    monkeypatch.setattr(first_run, "DemoBuild", None)  # building again would fail here
    again = first_run.first_run(db_path)
    assert again is not None
    again.wb.close()


def test_cancelling_the_demo_stops_the_build_and_leaves_no_file(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    from workbench.services.demo import build as demo_build

    asked = answer_welcome(monkeypatch, WelcomeChoice("demo"), None)
    # Hold the build in the middle of the rep's year until Cancel was pressed, so the
    # test cannot pass by the build simply finishing first.
    real_lead_outreach = demo_build.story_outreach.lead_outreach
    steps_after_cancel: list[str] = []

    def held(*args: object, **kwargs: object) -> None:
        build = first_run.DemoBuild.running
        assert build is not None
        deadline = QDeadlineTimer(30_000)
        while not build.job.cancelled and not deadline.hasExpired():
            QThread.msleep(5)  # the worker thread waits; the UI thread is never held
        real_lead_outreach(*args, **kwargs)  # type: ignore[arg-type]

    def spy(*args: object, **kwargs: object) -> None:
        steps_after_cancel.append("deal_outreach")

    monkeypatch.setattr(demo_build.story_outreach, "lead_outreach", held)
    monkeypatch.setattr(demo_build.story_outreach, "deal_outreach", spy)

    def cancel() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, QProgressDialog):
            button = widget.findChild(QPushButton)
            assert button is not None and button.text() == "Cancel"
            button.click()  # as the rep does (QProgressDialog.cancel() alone tells nobody)
        else:
            QTimer.singleShot(20, cancel)

    QTimer.singleShot(20, cancel)
    assert first_run.first_run(db_path) is None
    assert len(asked) == 2  # cancelled: the welcome came back, then was closed
    assert not db_path.exists()
    qtbot.waitUntil(lambda: first_run.DemoBuild.running is None, timeout=30_000)
    QThreadPool.globalInstance().waitForDone(30_000)
    # The worker stopped at its next step: nothing after it ran, and no file is left.
    assert steps_after_cancel == []
    demo = data_dir() / "demo.db"
    assert not demo.exists()
    assert not any(p.name.startswith(".demo.db.building") for p in demo.parent.iterdir())


def test_import_leads_creates_the_file_and_opens_the_wizard(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    answer_welcome(monkeypatch, WelcomeChoice("import"))
    started = first_run.first_run(db_path)
    assert started is not None and started.import_after_show and db_path.exists()
    wb: Workbench = started.wb
    window = MainWindow(AppContext(wb), start_area="today")
    qtbot.addWidget(window)
    window.show()
    first_run.after_show(window, started)
    actions = window.import_actions  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: actions.wizard is not None and actions.wizard.isVisible())
    actions.wizard.reject()
    QThreadPool.globalInstance().waitForDone(10_000)
    window.ctx.replace_workbench(None)
