"""A contact's timeline: picking a contact in the account's buying team shows what
happened with that person; a call logged there (keys only) shows in it and in the
account's, and can be edited and deleted there like on a lead."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlmodel import select

from workbench.domain import Activity
from workbench.services.clock import fixed_clock
from workbench.services.outreach import log as outreach
from workbench.services.records import RecordKind, RecordRef
from workbench.services.targets import actions as target_actions
from workbench.services.targets.accounts import AccountInput
from workbench.services.targets.contacts import ContactInput
from workbench.store import open_workbench
from workbench.ui.common.context import AppContext
from workbench.ui.outreach.quick_log import QuickLogDialog
from workbench.ui.outreach.timeline import ENTRY_ROLE
from workbench.ui.shell.main_window import MainWindow
from workbench.ui.shell.record_links import open_record
from workbench.ui.targets.account_detail import AccountDetailView
from workbench.ui.targets.view import TargetsArea

NOW = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)
pytestmark = pytest.mark.qt_log_ignore("does not support raise")


@pytest.fixture
def ctx(db_path: Path) -> Iterator[AppContext]:
    context = AppContext(open_workbench(db_path), fixed_clock(NOW))
    yield context
    context.undo_stack.clear()
    context.replace_workbench(None)


@pytest.fixture
def people(ctx: AppContext) -> tuple[int, int, int]:
    """Acme with Ana (champion) and Bo; Bo already had a call last week."""
    acme = target_actions.create_account(ctx.wb, AccountInput("Acme", "acme.com", is_target=True))
    ana = target_actions.create_contact(
        ctx.wb, ContactInput("Ana", "López", buying_role="champion", email="ana@acme.com", account_id=acme)
    )
    bo = target_actions.create_contact(
        ctx.wb, ContactInput("Bo", "Berg", email="bo@acme.com", account_id=acme)
    )
    outreach.log_activity(
        ctx.wb,
        outreach.LogEntry(
            "call",
            "connected",
            note="intro",
            target=RecordRef(RecordKind.CONTACT, bo),
            at=NOW - timedelta(days=7),
        ),
        now=NOW,
    )
    return acme, ana, bo


def entries(qtbot: QtBot, detail: AccountDetailView) -> list[tuple[str, str]]:
    """The timeline's entries once they loaded (they are read on a worker thread)."""
    qtbot.waitUntil(lambda: not detail.timeline.loading)
    model = detail.timeline.model
    found = [model.index(row, 0).data(ENTRY_ROLE) for row in range(model.rowCount())]
    return [(e.channel or e.title, e.who) for e in found]


def test_picking_a_contact_shows_its_timeline_and_logging_there_adds_to_it(
    qtbot: QtBot, qtmodeltester: object, ctx: AppContext, people: tuple[int, int, int]
) -> None:
    acme, ana, bo = people
    detail = AccountDetailView(ctx)
    qtbot.addWidget(detail)
    detail.show()
    detail.show_account(acme)
    assert detail.timeline.ref == RecordRef(RecordKind.ACCOUNT, acme)
    assert entries(qtbot, detail) == [("call", "Bo Berg")]

    # Down/Up in the buying team: the timeline follows the selected person.
    table = detail.contacts.table
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    row_of_ana = detail.contacts.model.row_of_id(ana)
    assert row_of_ana is not None
    table.selectRow(1 - row_of_ana)  # Bo's row
    assert detail.timeline.ref == RecordRef(RecordKind.CONTACT, bo)
    assert detail.timeline_scope.currentText() == "Bo Berg"
    qtbot.keyClick(table, Qt.Key.Key_Up if row_of_ana == 0 else Qt.Key.Key_Down)
    assert detail.timeline.ref == RecordRef(RecordKind.CONTACT, ana)
    assert detail.timeline_scope.currentText() == "Ana López · Champion"
    assert entries(qtbot, detail) == [] and not detail.timeline.empty.isHidden()
    qtmodeltester.check(detail.timeline.model)  # type: ignore[attr-defined]

    # L on Ana's timeline opens the quick log on Ana; a call logged with keys only.
    detail.timeline.view.setFocus()
    qtbot.waitUntil(detail.timeline.view.hasFocus)
    qtbot.keyClick(detail.timeline.view, Qt.Key.Key_L)
    dialog = next(iter(detail.findChildren(QuickLogDialog)))
    assert dialog.target == RecordRef(RecordKind.CONTACT, ana)
    qtbot.waitUntil(dialog.isVisible)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.channel_picker.hasFocus())
    qtbot.keyClick(dialog.channel_picker, "c")  # call
    qtbot.keyClick(QApplication.focusWidget(), "1")  # connected
    qtbot.waitUntil(lambda: dialog.note_edit.hasFocus())
    qtbot.keyClicks(dialog.note_edit, "pricing next week")
    with qtbot.waitSignal(dialog.logged):
        qtbot.keyClick(dialog.note_edit, Qt.Key.Key_Return)
    with ctx.wb.reading() as s:
        call = s.exec(select(Activity).where(Activity.contact_id == ana)).one()
        assert (call.channel, call.outcome, call.account_id) == ("call", "connected", acme)
    qtbot.waitUntil(lambda: ("call", "Ana López") in entries(qtbot, detail))
    assert detail.timeline.ref == RecordRef(RecordKind.CONTACT, ana)  # still Ana's after the reload
    assert all(who == "Ana López" for _what, who in entries(qtbot, detail))

    # The whole account again: both people's calls.
    detail.timeline_scope.setCurrentIndex(0)
    assert detail.timeline.ref == RecordRef(RecordKind.ACCOUNT, acme)
    assert {("call", "Ana López"), ("call", "Bo Berg")} <= set(entries(qtbot, detail))

    # Delete on the contact's timeline: to the trash, Ctrl+Z brings it back.
    assert detail.show_contact(ana)
    qtbot.waitUntil(lambda: not detail.timeline.loading)
    model = detail.timeline.model
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data(ENTRY_ROLE).id == call.id)
    detail.timeline.view.setCurrentIndex(model.index(row, 0))
    detail.timeline.view.setFocus()
    qtbot.keyClick(detail.timeline.view, Qt.Key.Key_Delete)
    assert ("call", "Ana López") not in entries(qtbot, detail)
    ctx.undo_stack.undo()
    assert ("call", "Ana López") in entries(qtbot, detail)


def test_a_contact_from_search_or_today_opens_with_its_timeline(
    qtbot: QtBot, ctx: AppContext, people: tuple[int, int, int]
) -> None:
    acme, _ana, bo = people
    window = MainWindow(ctx, start_area="today")
    qtbot.addWidget(window)
    window.show()
    assert open_record(window, ctx, RecordRef(RecordKind.CONTACT, bo))
    area = window.area("targets")
    assert isinstance(area, TargetsArea)
    assert area.detail.account_id == acme
    assert area.detail.timeline.ref == RecordRef(RecordKind.CONTACT, bo)
    assert entries(qtbot, area.detail) == [("call", "Bo Berg")]


def test_a_timeline_never_shows_a_record_it_was_switched_away_from(
    qtbot: QtBot, ctx: AppContext, people: tuple[int, int, int]
) -> None:
    from PySide6.QtCore import QThreadPool

    from workbench.ui.outreach.timeline import TimelineWidget

    _acme, ana, bo = people
    timeline = TimelineWidget(ctx)
    qtbot.addWidget(timeline)
    timeline.show_record(RecordRef(RecordKind.CONTACT, bo))  # Bo has a call; it loads meanwhile
    timeline.clear()
    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0)
    qtbot.wait(0)  # the finished load's signal is delivered, and dropped
    assert timeline.model.rowCount() == 0 and timeline.links.text() == ""

    with qtbot.waitSignal(timeline.loaded):
        timeline.show_record(RecordRef(RecordKind.CONTACT, bo))
        timeline.show_record(RecordRef(RecordKind.CONTACT, ana))  # Ana has none
    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0)
    qtbot.wait(0)
    assert timeline.ref == RecordRef(RecordKind.CONTACT, ana)
    assert timeline.model.rowCount() == 0 and not timeline.empty.isHidden()
