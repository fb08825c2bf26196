"""Today as the start page: sections with counts, one key to open a record, log, tick
off or snooze a follow-up."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QModelIndex, Qt, QThreadPool
from pytestqt.qtbot import QtBot
from sqlmodel import select

from workbench.domain import Account, FollowUp, Lead
from workbench.services.clock import fixed_clock
from workbench.services.outreach import log as outreach
from workbench.services.outreach.today import SECTION_LIMIT
from workbench.services.records import RecordKind, RecordRef
from workbench.store import Workbench
from workbench.ui.common.context import AppContext
from workbench.ui.outreach.quick_log import QuickLogDialog
from workbench.ui.shell.main_window import MainWindow
from workbench.ui.today.view import TodayArea

NOW = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)
pytestmark = pytest.mark.qt_log_ignore("does not support raise")


@pytest.fixture
def ids(wb: Workbench) -> dict[str, int]:
    with wb.session() as s:
        lead = Lead(
            name="Ana López",
            company="Globex",
            phone="+34 600 123 456",
            email="ana@globex.example",
            received_at=NOW - timedelta(hours=1),
        )
        fresh = Lead(name="Bo Fresh", company="Hooli", received_at=NOW - timedelta(minutes=5))
        target = Account(name="Initech", is_target=True, tier="A")
        s.add_all([lead, fresh, target])
        s.flush()
        assert lead.id and target.id and fresh.id
        result = {"lead": lead.id, "target": target.id, "fresh": fresh.id}
    result["overdue"] = outreach.add_followup(
        wb, RecordRef(RecordKind.LEAD, result["lead"]), "Call again", NOW - timedelta(days=1), now=NOW
    )
    return result


@pytest.fixture
def window(qtbot: QtBot, wb: Workbench, ids: dict[str, int]) -> Iterator[MainWindow]:
    ctx = AppContext(wb, fixed_clock(NOW))
    win = MainWindow(ctx, start_area="today")
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    area = area_of(win)
    qtbot.waitUntil(lambda: area.report is not None and not area.counting)
    yield win
    QThreadPool.globalInstance().waitForDone(10_000)  # no count still reading the file
    ctx.undo_stack.clear()
    for dialog in win.findChildren(QuickLogDialog):
        dialog._force_close = True
        dialog.close()


def _more_leads(wb: Workbench, n: int) -> list[RecordRef]:
    with wb.session() as s:
        leads = [Lead(name=f"Lead {i}", status="working") for i in range(n)]
        s.add_all(leads)
        s.flush()
        return [RecordRef(RecordKind.LEAD, int(lead.id or 0)) for lead in leads]


def area_of(window: MainWindow) -> TodayArea:
    area = window.area("today")
    assert isinstance(area, TodayArea)
    return area


def select_section_item(area: TodayArea, section: str) -> None:
    model = area.model
    for s in range(model.rowCount()):
        parent = model.index(s, 0)
        if model.sections[s].key == section:
            area.tree.setCurrentIndex(model.index(0, 0, parent))
            area.tree.setFocus()
            return
    raise AssertionError(f"no section {section}")


def test_sections_counts_and_model(qtbot: QtBot, qtmodeltester: object, window: MainWindow) -> None:
    area = area_of(window)
    qtmodeltester.check(area.model)  # type: ignore[attr-defined]
    assert area.counts()["overdue"] == 1
    # Ana is new and untouched too, but listed once: under her overdue follow-up.
    assert area.counts()["new_leads"] == 1  # Bo only
    assert area.counts()["untouched_targets"] == 1
    titles = [area.model.index(r, 0).data() for r in range(area.model.rowCount())]
    assert titles[0] == "Overdue follow-ups (1)"
    overdue = area.model.index(0, 0, area.model.index(0, 0))
    assert overdue.data() == "1. Ana López"  # ranked: first in the queue
    assert area.model.index(0, 3, area.model.index(0, 0)).data() == "+34 600 123 456 · ana@globex.example"
    assert "late" in area.model.index(0, 2, area.model.index(0, 0)).data()
    assert area.model.index(0, 0, area.model.index(0, 0)).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert area.model.rowCount(QModelIndex()) == len(area.model.sections)
    assert area.empty.isHidden()
    assert "0 / 20" in area.day_bar.text()


def test_space_ticks_off_and_s_snoozes(
    qtbot: QtBot, window: MainWindow, wb: Workbench, ids: dict[str, int]
) -> None:
    area = area_of(window)
    select_section_item(area, "overdue")
    qtbot.keyClick(area.tree, Qt.Key.Key_S)
    with wb.reading() as s:
        followup = s.get(FollowUp, ids["overdue"])
        assert followup is not None and followup.due_at > NOW  # snoozed to the next working day
    qtbot.waitUntil(lambda: area.counts().get("overdue", 0) == 0)
    outreach.reschedule_followup(wb, ids["overdue"], NOW - timedelta(hours=1), now=NOW)
    window.ctx.notify("activities")
    qtbot.waitUntil(lambda: area.counts().get("overdue") == 1)
    select_section_item(area, "overdue")
    qtbot.keyClick(area.tree, Qt.Key.Key_Space)
    with wb.reading() as s:
        followup = s.get(FollowUp, ids["overdue"])
        assert followup is not None and followup.done_at == NOW
    qtbot.waitUntil(lambda: area.counts().get("overdue", 0) == 0)


def test_l_logs_against_the_item_and_answers_its_followup(
    qtbot: QtBot, window: MainWindow, wb: Workbench, ids: dict[str, int]
) -> None:
    area = area_of(window)
    select_section_item(area, "overdue")
    qtbot.keyClick(area.tree, Qt.Key.Key_L)
    [dialog] = window.findChildren(QuickLogDialog)
    assert dialog.target == RecordRef(RecordKind.LEAD, ids["lead"])
    assert dialog.completes == (ids["overdue"],)
    dialog.outcome_picker.set_value("connected")
    dialog.save()
    with wb.reading() as s:
        followups = s.exec(select(FollowUp).where(FollowUp.id == ids["overdue"])).one()
        assert followups.done_at == NOW
    qtbot.waitUntil(lambda: area.counts().get("overdue", 0) == 0)
    assert area.report is not None and area.report.goals.touches_today == 1


def test_enter_opens_the_record_in_its_area(qtbot: QtBot, window: MainWindow, ids: dict[str, int]) -> None:
    area = area_of(window)
    requested: list[object] = []
    area.recordRequested.connect(requested.append)
    select_section_item(area, "new_leads")
    qtbot.keyClick(area.tree, Qt.Key.Key_Return)
    assert requested == [RecordRef(RecordKind.LEAD, ids["fresh"])]
    assert window.current_area() is window.area("leads")
    window.show_area("today")
    select_section_item(area, "untouched_targets")
    qtbot.keyClick(area.tree, Qt.Key.Key_Return)
    assert requested[-1] == RecordRef(RecordKind.ACCOUNT, ids["target"])
    assert window.current_area() is window.area("targets")


def test_an_empty_workbench_says_what_today_is_for(qtbot: QtBot, tmp_path: object) -> None:
    from pathlib import Path

    from workbench.store import open_workbench

    assert isinstance(tmp_path, Path)
    with open_workbench(tmp_path / "empty.db") as empty:
        ctx = AppContext(empty, fixed_clock(NOW))
        area = TodayArea(ctx)
        qtbot.addWidget(area)
        area.show()
        with qtbot.waitSignal(area.counted):
            area.activate()
        assert not area.empty.isHidden() and area.tree.isHidden()
        assert "Ctrl+L" in area.empty.text()


def test_long_sections_show_ten_lines_then_all(
    qtbot: QtBot, qtmodeltester: object, window: MainWindow, wb: Workbench, ids: dict[str, int]
) -> None:
    for ref in _more_leads(wb, 14):  # one follow-up each: a record is listed once
        outreach.add_followup(wb, ref, "Chase", NOW - timedelta(days=2), now=NOW)
    area = area_of(window)
    window.ctx.notify("activities")
    qtbot.waitUntil(lambda: area.counts().get("overdue") == 15)
    overdue = area.model.index(0, 0)
    assert area.model.rowCount(overdue) == 11  # ten lines and "Show all 15…"
    assert overdue.data() == "Overdue follow-ups (10 of 15)"
    more = area.model.index(10, 0, overdue)
    assert more.data() == "Show all 15…"
    area.tree.setCurrentIndex(more)
    area.tree.setFocus()
    qtbot.keyClick(area.tree, Qt.Key.Key_Return)
    assert area.model.rowCount(overdue) == 15
    assert overdue.data() == "Overdue follow-ups (15)"
    qtmodeltester.check(area.model)  # type: ignore[attr-defined]


def test_a_section_longer_than_its_loaded_items_says_how_many_it_shows(
    qtbot: QtBot, window: MainWindow, wb: Workbench, ids: dict[str, int]
) -> None:
    for ref in _more_leads(wb, SECTION_LIMIT + 4):
        outreach.add_followup(wb, ref, "Chase", NOW - timedelta(days=3), now=NOW)
    area = area_of(window)
    window.ctx.notify("activities")
    total = SECTION_LIMIT + 5  # and the fixture's own overdue follow-up
    qtbot.waitUntil(lambda: area.counts().get("overdue") == total)
    overdue = area.model.index(0, 0)
    more = area.model.index(10, 0, overdue)
    assert more.data() == f"Show the first {SECTION_LIMIT} of {total}…"
    area.tree.setCurrentIndex(more)
    area.tree.setFocus()
    qtbot.keyClick(area.tree, Qt.Key.Key_Return)
    assert area.model.rowCount(overdue) == SECTION_LIMIT
    assert overdue.data() == f"Overdue follow-ups ({SECTION_LIMIT} of {total})"


def _current_label(area: TodayArea) -> str:
    item = area.current_item()
    assert item is not None
    return item.label


@pytest.fixture
def three_due(wb: Workbench, ids: dict[str, int]) -> list[int]:
    """Three more overdue follow-ups on three leads, after Ana's (lateness order)."""
    refs = _more_leads(wb, 3)
    return [
        outreach.add_followup(wb, ref, f"Chase {n}", NOW - timedelta(hours=20 - n), now=NOW)
        for n, ref in enumerate(refs)
    ]


def test_done_and_snooze_move_the_cursor_to_the_next_line_and_undo(
    qtbot: QtBot, window: MainWindow, wb: Workbench, three_due: list[int]
) -> None:
    area = area_of(window)
    window.ctx.notify("activities")
    qtbot.waitUntil(lambda: area.counts().get("overdue") == 4)
    select_section_item(area, "overdue")
    qtbot.keyClick(area.tree, Qt.Key.Key_Down)
    assert _current_label(area) == "Lead 0"
    qtbot.keyClick(area.tree, Qt.Key.Key_Space)
    assert "Ctrl+Z to undo" in window.statusBar().currentMessage()
    assert "Done" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: area.counts().get("overdue") == 3)
    assert _current_label(area) == "Lead 1"  # the line after, not the top
    qtbot.keyClick(area.tree, Qt.Key.Key_S)
    assert "Snoozed Lead 1" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: area.counts().get("overdue") == 2)
    assert _current_label(area) == "Lead 2"
    with wb.reading() as s:
        snoozed = s.get(FollowUp, three_due[1])
        assert snoozed is not None and snoozed.due_at > NOW
    # Tomorrow shows where the snoozed follow-up went (Thursday, the next working day).
    assert [i.label for i in area.report.section("tomorrow").items] == ["Lead 1"]  # type: ignore[union-attr]
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: area.counts().get("overdue") == 3)
    with wb.reading() as s:
        back = s.get(FollowUp, three_due[1])
        assert back is not None and back.due_at.replace(tzinfo=UTC) == NOW - timedelta(hours=19)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: area.counts().get("overdue") == 4)
    with wb.reading() as s:
        reopened = s.get(FollowUp, three_due[0])
        assert reopened is not None and reopened.done_at is None


def test_logging_a_line_moves_the_cursor_to_the_next_line(
    qtbot: QtBot, window: MainWindow, three_due: list[int]
) -> None:
    area = area_of(window)
    window.ctx.notify("activities")
    qtbot.waitUntil(lambda: area.counts().get("overdue") == 4)
    select_section_item(area, "overdue")
    qtbot.keyClick(area.tree, Qt.Key.Key_Down)
    qtbot.keyClick(area.tree, Qt.Key.Key_L)
    [dialog] = window.findChildren(QuickLogDialog)
    dialog.outcome_picker.set_value("connected")
    dialog.save()
    assert "Ctrl+Z to undo" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: area.counts().get("overdue") == 3)
    assert _current_label(area) == "Lead 1"


def test_c_and_e_open_tel_and_mailto_links(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, ids: dict[str, int]
) -> None:
    from workbench.ui.outreach import actions as outreach_actions

    opened: list[str] = []

    def fake_open(url: object) -> bool:
        opened.append(url.toString())  # type: ignore[attr-defined]
        return True

    monkeypatch.setattr(outreach_actions, "url_opener", fake_open)
    monkeypatch.setattr(outreach_actions, "ask_to_log", lambda _parent, _channel: False)
    area = area_of(window)
    select_section_item(area, "overdue")
    qtbot.keyClick(area.tree, Qt.Key.Key_C)
    qtbot.keyClick(area.tree, Qt.Key.Key_E)
    assert opened == ["tel:+34600123456", "mailto:ana@globex.example"]
    select_section_item(area, "new_leads")  # Bo has neither
    qtbot.keyClick(area.tree, Qt.Key.Key_C)
    assert opened == ["tel:+34600123456", "mailto:ana@globex.example"]
    assert "No phone number for Bo Fresh" in window.statusBar().currentMessage()
