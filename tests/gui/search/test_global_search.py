"""Global search (Ctrl+K) driven with the keyboard: type, see ranked results, Enter
opens the record in its area or runs the command, Esc closes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from workbench.domain import Account, Contact, Lead, Opportunity
from workbench.services.clock import fixed_clock
from workbench.services.pipeline import stages as pipeline
from workbench.services.records import RecordKind
from workbench.store import Workbench
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.lookup_field import lookup_holder
from workbench.ui.leads.view import LeadsArea
from workbench.ui.outreach.quick_log import QuickLogDialog
from workbench.ui.pipeline.view import PipelineArea
from workbench.ui.search import actions as search_actions
from workbench.ui.search.dialog import GlobalSearchDialog
from workbench.ui.shell.main_window import MainWindow
from workbench.ui.targets.view import TargetsArea

NOW = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)
pytestmark = pytest.mark.qt_log_ignore("does not support raise")
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def ids(wb: Workbench) -> dict[str, int]:
    stage = pipeline.list_stages(wb)[0]
    with wb.session() as s:
        acme = Account(name="Acme Robotics", domain="acme.io", is_target=True)
        s.add(acme)
        s.flush()
        ana = Lead(
            name="Ana López", company="Globex", email="ana@globex.com", received_at=NOW - timedelta(days=1)
        )
        anabel = Lead(name="Anabel Ortiz", company="Initech", received_at=NOW - timedelta(days=2))
        bo = Contact(name="Bo Schmidt", account_id=acme.id, email="bo@acme.io")
        deal = Opportunity(name="Acme rollout", account_id=acme.id, stage_id=stage.id)
        s.add_all([ana, anabel, bo, deal])
        s.flush()
        assert acme.id and ana.id and anabel.id and bo.id and deal.id
        return {"acme": acme.id, "ana": ana.id, "anabel": anabel.id, "bo": bo.id, "deal": deal.id}


@pytest.fixture
def window(qtbot: QtBot, wb: Workbench, ids: dict[str, int]) -> Iterator[MainWindow]:
    ctx = AppContext(wb, fixed_clock(NOW))
    win = MainWindow(ctx, start_area="today")
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    holder = lookup_holder(ctx)
    holder.warm()
    qtbot.waitUntil(lambda: not holder.warming and holder.get().ready)
    yield win
    QThreadPool.globalInstance().waitForDone(10_000)
    for dialog in win.findChildren(QuickLogDialog):
        dialog._force_close = True
        dialog.close()


def open_search(qtbot: QtBot, window: MainWindow) -> GlobalSearchDialog:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_K, CTRL)
    dialog = search_actions.of(window).dialog
    assert isinstance(dialog, GlobalSearchDialog)
    qtbot.waitUntil(dialog.isVisible)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.edit.hasFocus())
    return dialog


def type_and_wait(qtbot: QtBot, dialog: GlobalSearchDialog, text: str) -> list[str]:
    with qtbot.waitSignal(dialog.searched, timeout=3000):
        qtbot.keyClicks(dialog.edit, text)
    return [dialog.model.data(dialog.model.index(r, 0)) for r in range(dialog.model.rowCount())]


def test_type_see_ranked_results_and_enter_opens_the_lead(
    qtbot: QtBot, qtmodeltester: object, window: MainWindow, ids: dict[str, int]
) -> None:
    dialog = open_search(qtbot, window)
    qtmodeltester.check(dialog.model)  # type: ignore[attr-defined]
    assert dialog.model.rowCount() > 0 and all(h.is_command for h in dialog.model.hits)  # suggestions
    rows = type_and_wait(qtbot, dialog, "ana")
    assert rows[0].startswith("Ana López") and any(r.startswith("Anabel Ortiz") for r in rows)
    qtmodeltester.check(dialog.model)  # type: ignore[attr-defined]
    assert dialog.model.data(dialog.model.index(0, 1)) == "lead"
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(window.current_area(), LeadsArea))
    assert search_actions.of(window).dialog is None  # closed (and deleted)
    area = window.current_area()
    assert isinstance(area, LeadsArea)
    qtbot.waitUntil(lambda: area.detail.lead_id == ids["ana"])


def test_down_then_enter_picks_the_second_match(
    qtbot: QtBot, window: MainWindow, ids: dict[str, int]
) -> None:
    dialog = open_search(qtbot, window)
    type_and_wait(qtbot, dialog, "ana")
    second = dialog.model.hits[1].record
    assert second is not None and second.ref.id == ids["anabel"]
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(window.current_area(), LeadsArea))
    area = window.current_area()
    assert isinstance(area, LeadsArea)
    qtbot.waitUntil(lambda: area.detail.lead_id == ids["anabel"])


def test_contact_opens_its_account_and_deal_opens_in_pipeline(
    qtbot: QtBot, window: MainWindow, ids: dict[str, int]
) -> None:
    dialog = open_search(qtbot, window)
    type_and_wait(qtbot, dialog, "bo schm")
    hit = dialog.model.hits[0].record
    assert hit is not None and hit.kind is RecordKind.CONTACT
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(window.current_area(), TargetsArea))
    targets = window.current_area()
    assert isinstance(targets, TargetsArea)
    qtbot.waitUntil(lambda: targets.detail.account_id == ids["acme"])

    dialog = open_search(qtbot, window)
    type_and_wait(qtbot, dialog, "acme roll")
    hit = dialog.model.hits[0].record
    assert hit is not None and hit.kind is RecordKind.OPPORTUNITY
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(window.current_area(), PipelineArea))
    area = window.current_area()
    assert isinstance(area, PipelineArea)
    qtbot.waitUntil(lambda: area.detail.isVisible() and area.detail.opportunity_id == ids["deal"])


def test_a_command_runs_and_esc_closes(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_search(qtbot, window)
    rows = type_and_wait(qtbot, dialog, "log call")
    assert rows[0] == "Log a call"
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(window.findChildren(QuickLogDialog)))
    quick = window.findChildren(QuickLogDialog)[0]
    qtbot.waitUntil(quick.isVisible)
    assert quick.channel_picker.value == "call"
    quick._force_close = True
    quick.close()

    dialog = open_search(qtbot, window)
    type_and_wait(qtbot, dialog, "new lea")
    assert dialog.model.hits[0].command is not None
    assert dialog.model.hits[0].command.title == "New lead"
    assert "Ctrl+N" in dialog.model.data(dialog.model.index(0, 1))
    before = window.current_area()
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: search_actions.of(window).dialog is None)
    assert window.current_area() is before


def test_new_records_are_found_after_the_change_signal(
    qtbot: QtBot, window: MainWindow, wb: Workbench
) -> None:
    with wb.session() as s:
        s.add(Account(name="Zygote Biolabs"))
    window.ctx.notify(Topic.ACCOUNTS)
    dialog = open_search(qtbot, window)
    rows = type_and_wait(qtbot, dialog, "zygo")
    assert rows and rows[0].startswith("Zygote Biolabs")
    assert QApplication.focusWidget() is dialog.edit


def test_two_people_of_one_name_enter_waits_until_down_chooses(
    qtbot: QtBot, window: MainWindow, wb: Workbench, ids: dict[str, int]
) -> None:
    """Issue 22: the results tell two "Daniel Lee" apart; Enter opens neither until
    Down/Up chose one."""
    with wb.session() as s:
        older = Lead(name="Daniel Lee", company="Acme", status="working", received_at=NOW)
        newer = Lead(name="Daniel Lee", company="Hooli", received_at=NOW)
        s.add_all([older, newer])
        s.flush()
        assert older.id and newer.id
        older_id = older.id
    window.ctx.notify(Topic.LEADS)  # a team database keeps leads in the in-memory index
    dialog = open_search(qtbot, window)
    rows = type_and_wait(qtbot, dialog, "daniel lee")
    assert rows[0].startswith("Daniel Lee · Hooli") and rows[0].endswith("new · no follow-up")
    assert rows[1].startswith("Daniel Lee · Acme") and rows[1].endswith("working · no follow-up")
    assert dialog.status.text() == "2 people match — choose with ↓/↑"
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and search_actions.of(window).dialog is dialog  # nothing opened
    assert dialog.status.text() == "2 people match — choose with ↓/↑"
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Down)
    assert dialog.status.text() == ""
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(window.current_area(), LeadsArea))
    area = window.current_area()
    assert isinstance(area, LeadsArea)
    qtbot.waitUntil(lambda: area.detail.lead_id == older_id)
