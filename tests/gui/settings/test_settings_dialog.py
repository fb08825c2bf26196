"""File → Settings… (Ctrl+,): every page round-trips through the workbench file, bad
values are refused with nothing written, Cancel asks, and the team template page
exports and imports a setup."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from workbench.domain import Lead, StageKind
from workbench.services.clock import fixed_clock
from workbench.services.outreach import next_step
from workbench.services.pipeline import stages as pipeline
from workbench.services.settings import lead_sources, preferences, reasons
from workbench.services.settings import values as settings
from workbench.store import Workbench, open_workbench
from workbench.ui.common.context import AppContext
from workbench.ui.common.theme import current_appearance, use_appearance
from workbench.ui.leads.triage import DisqualifyDialog
from workbench.ui.pipeline.close_opportunity import CloseOpportunityDialog
from workbench.ui.settings import actions as settings_actions
from workbench.ui.settings import dialog as settings_dialog
from workbench.ui.settings.dialog import SettingsDialog, TeamTemplatePage
from workbench.ui.settings.forms import AppearancePage, NextStepsPage, ProfilePage, RemindersPage
from workbench.ui.settings.lists import CriteriaPage, ReasonsPage, SourcesPage
from workbench.ui.shell.main_window import MainWindow

NOW = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)
pytestmark = pytest.mark.qt_log_ignore("does not support raise")
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(qtbot: QtBot, wb: Workbench) -> Iterator[MainWindow]:
    with wb.session() as s:
        s.add(Lead(name="Ana López", company="Globex", source="webinar", received_at=NOW))
    ctx = AppContext(wb, fixed_clock(NOW))
    win = MainWindow(ctx, start_area="today")
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    yield win
    QThreadPool.globalInstance().waitForDone(10_000)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    use_appearance(app, "system")  # the application outlives this test


def open_settings(qtbot: QtBot, window: MainWindow) -> SettingsDialog:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_Comma, CTRL)
    dialog = settings_actions.of(window).dialog
    assert isinstance(dialog, SettingsDialog)
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def test_every_page_round_trips_through_the_file(qtbot: QtBot, window: MainWindow, wb: Workbench) -> None:
    dialog = open_settings(qtbot, window)
    profile = dialog.show_page(ProfilePage)
    profile.name.setFocus()
    qtbot.keyClicks(profile.name, "Dana Reyes")
    profile.fields["goals.touches_per_day"].setValue(30)  # type: ignore[attr-defined]
    profile.fields["goals.touches_per_week"].setValue(150)  # type: ignore[attr-defined]
    profile.region.setCurrentIndex(profile.region.findData("DE"))
    dialog.show_page(RemindersPage).fields["pipeline.stale_days"].setValue(9)
    dialog.show_page(AppearancePage).theme.setCurrentIndex(2)  # dark
    steps = dialog.show_page(NextStepsPage)
    title, _channel, days, _ask = steps.rows["no answer"]
    title.setText("Try once more")
    days.setValue(3)
    reasons_page = dialog.show_page(ReasonsPage)
    reasons_page.disqualify_list.add("Too small")
    reasons_page.disqualify_list.list.closePersistentEditor(reasons_page.disqualify_list.list.currentItem())
    sources = dialog.show_page(SourcesPage)
    webinar = next(
        i for i in range(sources.editor.list.count()) if sources.editor.list.item(i).text() == "webinar"
    )
    sources.editor.list.item(webinar).setText("Webinars")
    criteria = dialog.show_page(CriteriaPage)
    criteria.editor.model.add("Uses Salesforce", 2.0)
    assert dialog.has_unsaved()
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted

    values = preferences.read(wb)
    assert values["profile.rep_name"] == "Dana Reyes" and values["profile.phone_region"] == "DE"
    assert (values["goals.touches_per_day"], values["goals.touches_per_week"]) == (30, 150)
    assert values["pipeline.stale_days"] == 9
    assert values[preferences.APPEARANCE_KEY] == "dark"
    app = QApplication.instance()
    assert isinstance(app, QApplication) and current_appearance(app) == "dark"
    rule = next_step.rules_from(settings.read(wb, next_step.SETTING_KEY))["no answer"]
    assert (rule.title, rule.business_days) == ("Try once more", 3)
    assert reasons.disqualify_reasons(wb)[-1] == "Too small"
    assert reasons.disqualify_reasons(wb)[0] == "student"  # built-in words stored as their values
    assert lead_sources.count_using(wb, "Webinars") == 1
    with wb.reading() as s:
        from workbench.services.targets import icp

        assert "Uses Salesforce" in [c.name for c in icp.list_criteria(s)]

    again = open_settings(qtbot, window)
    assert again.page(ProfilePage).name.text() == "Dana Reyes"
    assert again.page(RemindersPage).fields["pipeline.stale_days"].value() == 9
    assert again.page(NextStepsPage).rows["no answer"][0].text() == "Try once more"
    assert not again.has_unsaved()
    again.reject()
    assert again.result() == QDialog.DialogCode.Rejected


def test_bad_values_are_refused_and_cancel_asks(
    qtbot: QtBot, window: MainWindow, wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_settings(qtbot, window)
    profile = dialog.page(ProfilePage)
    profile.fields["goals.touches_per_day"].setValue(50)  # type: ignore[attr-defined]
    profile.fields["goals.touches_per_week"].setValue(40)  # type: ignore[attr-defined]
    profile.currency.setText("EURO")
    dialog.accept()
    assert dialog.isVisible() and dialog.error.isVisible()
    assert settings.read(wb, "goals.touches_per_day") == 20  # nothing written
    profile.currency.setText("eur")
    dialog.accept()
    assert "week" in dialog.error.text()
    profile.fields["goals.touches_per_week"].setValue(250)  # type: ignore[attr-defined]
    steps = dialog.page(NextStepsPage)
    steps.rows["connected"][0].setText("")  # a proposed step needs a title
    dialog.accept()
    assert dialog.isVisible() and "Next steps" in dialog.error.text()
    steps.rows["connected"][0].setText("Recap")
    asked: list[str] = []
    monkeypatch.setattr(settings_dialog, "confirm", lambda _p, title, _t: asked.append(title) or False)
    dialog.reject()
    assert asked and dialog.isVisible()  # changes: asked, and kept
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert settings.read(wb, "profile.currency") == "EUR"


def test_team_template_export_and_import_from_the_page(
    qtbot: QtBot, window: MainWindow, wb: Workbench, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The manager's workbench: its own stages and sources.
    manager = open_workbench(tmp_path / "manager.db")
    try:
        pipeline.add_stage(manager, "Security review", 0.7)
        lead_sources.save_sources(manager, [lead_sources.SourceRow(None, "Partner")])
        manager_ctx = AppContext(manager, fixed_clock(NOW))
        manager_dialog = SettingsDialog(manager_ctx)
        qtbot.addWidget(manager_dialog)
        page = manager_dialog.page(TeamTemplatePage)
        path = tmp_path / "team.json"
        assert page.export_to(path)
        assert "Saved team.json" in page.result.text()
        assert json.loads(path.read_text(encoding="utf-8"))["sources"] == ["Partner"]
    finally:
        manager.close()

    dialog = open_settings(qtbot, window)
    page = dialog.show_page(TeamTemplatePage)
    assert page.import_from(path) is not None
    assert "Applied team.json" in page.result.text()
    assert [name for name, *_rest in dialog.page(SourcesPage).editor.items()] == ["Partner"]  # pages reloaded
    assert "Security review" in [s.name for s in pipeline.list_stages(wb)]
    assert lead_sources.count_using(wb, "webinar") == 1  # leads keep their source
    broken = tmp_path / "broken.json"
    broken.write_text("{}", encoding="utf-8")
    assert page.import_from(broken) is None
    assert "not a team template" in page.result.text()
    monkeypatch.setattr(settings_dialog, "confirm", lambda *_a: True)
    dialog.reject()


def test_pickers_show_the_configured_reasons(qtbot: QtBot, wb: Workbench) -> None:
    settings.write(wb, reasons.DISQUALIFY_KEY, ["too small", "student", "other"])
    settings.write(wb, reasons.CLOSE_KEY, ["security", "price"])
    disqualify = DisqualifyDialog(None, 1, reasons.disqualify_reasons(wb))
    qtbot.addWidget(disqualify)
    assert [disqualify.reasons.item(i).text() for i in range(disqualify.reasons.count())] == [
        "1  too small",
        "2  Student",
        "3  Other",
    ]
    disqualify.show()
    qtbot.keyClick(disqualify.reasons, Qt.Key.Key_2)
    assert disqualify.reason() == "student"
    close = CloseOpportunityDialog(
        None,
        name="Acme",
        outcome=StageKind.LOST,
        created_on=date(2026, 3, 1),
        today=date(2026, 3, 4),
        reasons=reasons.close_reasons(wb),
    )
    qtbot.addWidget(close)
    assert [close.reason.itemData(i) for i in range(1, close.reason.count())] == ["security", "price"]
    close.reason.setCurrentIndex(1)
    close.accept()
    assert close.answer().reason == "security"


def test_the_dialog_fits_a_laptop_screen(qtbot: QtBot, window: MainWindow) -> None:
    """Every page, the reasons' three lists included, fits 1366 × 768 with the dialog's
    buttons in view (the won list beside the other two pushed OK and Cancel off it)."""
    dialog = open_settings(qtbot, window)
    for _ in dialog.pages:
        qtbot.keyClick(dialog, Qt.Key.Key_PageDown, CTRL)
        need = dialog.minimumSizeHint()
        assert need.width() <= 1366 - 60 and need.height() <= 768 - 80, (
            type(dialog.stack.currentWidget()).__name__,
            need,
        )
    dialog.reject()
