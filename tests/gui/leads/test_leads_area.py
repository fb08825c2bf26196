"""The leads area driven like a rep does: typing in the filter, selecting rows with the
keyboard, one-key triage, Ctrl+Z — checked in the table and in the file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlmodel import select

from workbench.domain import Lead
from workbench.services.clock import fixed_clock
from workbench.services.leads import edit as leads
from workbench.services.leads.edit import LeadFields
from workbench.store import Workbench
from workbench.ui.common.context import AppContext
from workbench.ui.leads import triage as lead_triage_dialogs
from workbench.ui.leads.triage import DisqualifyDialog, NurtureDialog
from workbench.ui.leads.view import LeadsArea
from workbench.ui.shell.main_window import MainWindow

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier

PEOPLE = [
    ("Ana López", "Acme", "ana@acme.com"),
    ("Bruno Díaz", "Globex", "bruno@globex.com"),
    ("Carla Ruiz", "Initech", "carla@initech.com"),
    ("Dev Patel", "Umbrella", "dev@umbrella.com"),
    ("Anaïs Martin", "Hooli", "anais@hooli.com"),
]


def add_people(wb: Workbench) -> dict[str, int]:
    ids = {}
    for n, (name, company, email) in enumerate(PEOPLE):
        received = NOW - timedelta(hours=n + 1)  # Ana newest: first row by default
        ids[name] = leads.create_lead(
            wb,
            LeadFields(name=name, company=company, email=email, source="webinar"),
            received_at=received,
            clock=fixed_clock(received),
        )
    return ids


def status_of(wb: Workbench, lead_id: int) -> str:
    with wb.reading() as s:
        lead = s.get(Lead, lead_id)
        assert lead is not None
        return lead.status


@pytest.fixture
def ids(wb: Workbench) -> dict[str, int]:
    return add_people(wb)


@pytest.fixture
def window(qtbot: QtBot, wb: Workbench, ids: dict[str, int]) -> Iterator[MainWindow]:
    ctx = AppContext(wb, fixed_clock(NOW))
    win = MainWindow(ctx, start_area="leads")
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    yield win
    ctx.undo_stack.clear()


def area_of(window: MainWindow) -> LeadsArea:
    area = window.area("leads")
    assert isinstance(area, LeadsArea)
    return area


def visible_names(area: LeadsArea) -> list[str]:
    assert area.model is not None
    column = area.model.source.column_index("name")
    return [str(area.model.index(r, column).data()) for r in range(area.model.rowCount())]


def cell(area: LeadsArea, row: int, key: str) -> str:
    assert area.model is not None
    return str(area.model.index(row, area.model.source.column_index(key)).data())


def type_filter(qtbot: QtBot, area: LeadsArea, text: str, expected_rows: int) -> None:
    area.filter_edit.setFocus()
    qtbot.keyClicks(area.filter_edit, text)
    assert area.model is not None
    qtbot.waitUntil(lambda: area.model is not None and area.model.rowCount() == expected_rows)


def test_filter_select_triage_and_undo(
    qtbot: QtBot, window: MainWindow, wb: Workbench, ids: dict[str, int]
) -> None:
    area = area_of(window)
    assert visible_names(area)[0] == "Ana López"
    type_filter(qtbot, area, "ana", 2)  # Ana López and Anaïs Martin (accents ignored)
    assert set(visible_names(area)) == {"Ana López", "Anaïs Martin"}
    assert area.count_label.text().startswith("2")
    qtbot.keyClick(area.filter_edit, Qt.Key.Key_Down)  # into the table, first row current
    assert area.table.hasFocus()
    assert area.current_id() == ids["Ana López"]
    qtbot.keyClick(area.table, Qt.Key.Key_W)
    assert status_of(wb, ids["Ana López"]) == "working"
    assert cell(area, 0, "status") == "working"
    assert area.current_id() == ids["Ana López"]  # stays on the lead
    qtbot.keyClick(area.table, Qt.Key.Key_Z, CTRL)
    assert status_of(wb, ids["Ana López"]) == "new"
    assert cell(area, 0, "status") == "new"
    qtbot.keyClick(area.table, Qt.Key.Key_Y, CTRL)  # and redo
    assert status_of(wb, ids["Ana López"]) == "working"


@pytest.mark.parametrize(
    ("key", "modifier", "after"),
    [
        (Qt.Key.Key_W, Qt.KeyboardModifier.NoModifier, "working"),
        (Qt.Key.Key_N, Qt.KeyboardModifier.NoModifier, "nurture"),
        (Qt.Key.Key_Q, Qt.KeyboardModifier.NoModifier, "qualified"),
        (Qt.Key.Key_D, Qt.KeyboardModifier.NoModifier, "disqualified"),
        (Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier, "trashed"),
    ],
)
def test_every_triage_key_is_one_ctrl_z_away(
    qtbot: QtBot,
    window: MainWindow,
    wb: Workbench,
    ids: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
    key: Qt.Key,
    modifier: Qt.KeyboardModifier,
    after: str,
) -> None:
    monkeypatch.setattr(NurtureDialog, "ask", lambda _p, today, _days, _n: (today + timedelta(days=90), ""))
    monkeypatch.setattr(DisqualifyDialog, "ask", lambda *_a: ("duplicate", ""))
    monkeypatch.setattr(lead_triage_dialogs, "confirm_unanswered", lambda *_a: True)

    def state() -> str:
        with wb.reading() as s:
            lead = s.get(Lead, ids["Ana López"])
            assert lead is not None
            return "trashed" if lead.deleted_at is not None else lead.status

    area = area_of(window)
    area.open_lead(ids["Ana López"])
    area.table.setFocus()
    qtbot.keyClick(area.table, key, modifier)
    assert state() == after
    qtbot.keyClick(area.table, Qt.Key.Key_Z, CTRL)
    assert state() == "new"
    if after != "trashed":  # and Shift+N (back to new) undoes too
        qtbot.keyClick(area.table, Qt.Key.Key_Y, CTRL)
        area.open_lead(ids["Ana López"])
        area.table.setFocus()
        qtbot.keyClick(area.table, Qt.Key.Key_N, SHIFT)
        assert state() == "new"
        qtbot.keyClick(area.table, Qt.Key.Key_Z, CTRL)
        assert state() == after


def test_a_lead_opened_from_elsewhere_but_not_in_the_list_is_the_one_triaged(
    qtbot: QtBot, window: MainWindow, wb: Workbench, ids: dict[str, int]
) -> None:
    from PySide6.QtWidgets import QPushButton

    area = area_of(window)
    type_filter(qtbot, area, "bruno", 1)
    area.open_lead(ids["Ana López"])  # as search or Today do: Ana is filtered out
    assert area.detail.lead_id == ids["Ana López"]
    assert area.selected_ids() == [] and not area.table.hasFocus()
    area.table.setFocus()  # focus may come back to the table: its first row is not acted on
    assert area.detail.lead_id in (ids["Ana López"], ids["Bruno Díaz"])
    area.open_lead(ids["Ana López"])
    [working] = [b for b in area.detail.findChildren(QPushButton) if b.text().endswith("(W)")]
    assert working.isEnabled()
    qtbot.mouseClick(working, Qt.MouseButton.LeftButton)
    assert status_of(wb, ids["Ana López"]) == "working"
    assert status_of(wb, ids["Bruno Díaz"]) == "new"


def test_letters_typed_in_the_filter_never_triage(
    qtbot: QtBot, window: MainWindow, wb: Workbench, ids: dict[str, int]
) -> None:
    area = area_of(window)
    area.table.setFocus()
    area.table.selectRow(0)
    type_filter(qtbot, area, "dqwn", 0)
    assert area.filter_edit.text() == "dqwn"
    assert {status_of(wb, i) for i in ids.values()} == {"new"}
    assert "No lead matches" in area.empty.text()


def test_multi_select_disqualify_then_undo_all(
    qtbot: QtBot, window: MainWindow, wb: Workbench, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[int] = []

    def answer(_parent: Any, count: int, *_shown: Any) -> tuple[str, str]:
        asked.append(count)
        return "student", "webinar signup from a course"

    monkeypatch.setattr(DisqualifyDialog, "ask", answer)
    area = area_of(window)
    area.table.setFocus()
    qtbot.keyClick(area.table, Qt.Key.Key_Home, CTRL)
    area.table.selectRow(0)
    qtbot.keyClick(area.table, Qt.Key.Key_Down, SHIFT)
    qtbot.keyClick(area.table, Qt.Key.Key_Down, SHIFT)
    chosen = [ids["Ana López"], ids["Bruno Díaz"], ids["Carla Ruiz"]]
    assert sorted(area.selected_ids()) == sorted(chosen)
    qtbot.keyClick(area.table, Qt.Key.Key_D)
    assert asked == [3]
    for lead_id in chosen:
        assert status_of(wb, lead_id) == "disqualified"
    assert status_of(wb, ids["Dev Patel"]) == "new"
    assert "Disqualify 3" in window.ctx.undo_stack.undoText()
    qtbot.keyClick(area.table, Qt.Key.Key_Z, CTRL)
    assert {status_of(wb, i) for i in ids.values()} == {"new"}


def test_nurture_from_a_chip_moves_to_the_next_lead(
    qtbot: QtBot, window: MainWindow, wb: Workbench, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    revisit = date(2026, 6, 8)
    monkeypatch.setattr(NurtureDialog, "ask", lambda _p, today, days, count: (revisit, ""))
    monkeypatch.setattr(lead_triage_dialogs, "confirm_unanswered", lambda *_a: True)
    area = area_of(window)
    qtbot.mouseClick(area.chips.chip("status", "new"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: area.model is not None and area.model.rowCount() == 5)
    area.table.setFocus()
    area.table.selectRow(0)
    qtbot.keyClick(area.table, Qt.Key.Key_N)
    with wb.reading() as s:
        lead = s.get(Lead, ids["Ana López"])
        assert lead is not None and (lead.status, lead.nurture_until) == ("nurture", revisit)
    assert area.model is not None and area.model.rowCount() == 4  # left the "New" chip
    assert area.current_id() == ids["Bruno Díaz"]  # the next one is ready for the next key
    assert area.detail.lead_id == ids["Bruno Díaz"]
    qtbot.keyClick(area.table, Qt.Key.Key_Q)
    assert status_of(wb, ids["Bruno Díaz"]) == "qualified"
    qtbot.keyClick(area.table, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(area.table, Qt.Key.Key_Z, CTRL)
    assert status_of(wb, ids["Ana López"]) == "new"
    assert area.model.rowCount() == 5


@pytest.mark.qt_log_ignore("does not support raise")  # the offscreen platform cannot raise windows
def test_delete_goes_to_the_trash_and_comes_back(
    qtbot: QtBot, window: MainWindow, wb: Workbench, ids: dict[str, int]
) -> None:
    from workbench.services.safety import trash
    from workbench.ui.leads import actions as lead_actions
    from workbench.ui.safety.trash import TrashDialog

    area = area_of(window)
    area.table.setFocus()
    area.table.selectRow(1)
    qtbot.keyClick(area.table, Qt.Key.Key_Delete)
    assert [i.id for i in trash.list_items(wb)] == [ids["Bruno Díaz"]]
    assert "Bruno Díaz" not in visible_names(area)
    lead_actions.of(window).trash.trigger()
    dialog = window.findChild(TrashDialog)
    assert isinstance(dialog, TrashDialog)
    assert dialog.model.rowCount() == 1
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert trash.list_items(wb) == []
    assert "Bruno Díaz" in visible_names(area)
    assert dialog.empty.isVisible()
    window.ctx.undo_stack.undo()  # undoing the restore puts it back in the trash
    assert [i.id for i in trash.list_items(wb)] == [ids["Bruno Díaz"]]


@pytest.mark.qt_log_ignore("does not support raise")
def test_delete_permanently_and_empty_the_trash_ask_first(
    qtbot: QtBot, window: MainWindow, wb: Workbench, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.domain import Activity
    from workbench.services.outreach import log as outreach
    from workbench.services.outreach.log import LogEntry
    from workbench.services.records import RecordKind, RecordRef
    from workbench.services.safety import trash
    from workbench.ui.leads import actions as lead_actions
    from workbench.ui.safety import trash as trash_view

    outreach.log_activity(wb, LogEntry("call", target=RecordRef(RecordKind.LEAD, ids["Bruno Díaz"])), now=NOW)
    area = area_of(window)
    area.table.setFocus()
    for name in ("Bruno Díaz", "Carla Ruiz", "Dev Patel"):
        area.open_lead(ids[name])
        area.table.setFocus()
        qtbot.keyClick(area.table, Qt.Key.Key_Delete)
    assert trash.count(wb) == 3
    lead_actions.of(window).trash.trigger()
    dialog = window.findChild(trash_view.TrashDialog)
    assert isinstance(dialog, trash_view.TrashDialog)
    row = next(r for r, item in enumerate(dialog.model.items) if item.id == ids["Bruno Díaz"])
    dialog.table.selectRow(row)
    asked: list[str] = []
    answer = False

    def confirm(_parent: object, _title: str, text: str) -> bool:
        asked.append(text)
        return answer

    monkeypatch.setattr(trash_view, "confirm_purge", confirm)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Delete, SHIFT)  # Shift+Del, answered No
    qtbot.waitUntil(lambda: bool(asked))  # a button's shortcut clicks it after its animation
    assert len(asked) == 1 and "Bruno Díaz" in asked[0] and "cannot be undone" in asked[0]
    assert trash.count(wb) == 3
    answer = True
    qtbot.keyClick(dialog.table, Qt.Key.Key_Delete, SHIFT)
    qtbot.waitUntil(lambda: len(asked) == 2)
    assert trash.count(wb) == 2 and dialog.model.rowCount() == 2
    with wb.reading() as s:
        assert s.get(Lead, ids["Bruno Díaz"]) is None
        assert s.exec(select(Activity)).all() == []  # his call went with him
    qtbot.mouseClick(dialog.empty_button, Qt.MouseButton.LeftButton)
    assert "2 items" in asked[-1]
    assert trash.count(wb) == 0 and dialog.empty.isVisible()
    assert not dialog.empty_button.isEnabled() and not dialog.purge_button.isEnabled()
    assert sorted(visible_names(area)) == ["Ana López", "Anaïs Martin"]


def test_filter_chips_and_sort_survive_a_restart(qtbot: QtBot, wb: Workbench, ids: dict[str, int]) -> None:
    ctx = AppContext(wb, fixed_clock(NOW))
    first = MainWindow(ctx, start_area="leads")
    qtbot.addWidget(first)
    first.show()
    area = area_of(first)
    qtbot.mouseClick(area.chips.chip("kind", "inbound"), Qt.MouseButton.LeftButton)
    type_filter(qtbot, area, "an", 2)
    area.table.sortByColumn(area.model.source.column_index("name"), Qt.SortOrder.AscendingOrder)  # type: ignore[union-attr]
    assert visible_names(area) == ["Ana López", "Anaïs Martin"]
    first.close()

    second = MainWindow(AppContext(wb, fixed_clock(NOW)), start_area="leads")
    qtbot.addWidget(second)
    second.show()
    again = area_of(second)
    assert again.filter_edit.text() == "an"
    assert again.chips.chips() == {"kind": ["inbound"]}
    assert again.model is not None and again.model.query.sort_key == "name"
    assert not again.model.query.descending
    assert visible_names(again) == ["Ana López", "Anaïs Martin"]
    qtbot.mouseClick(again.chips.clear_button, Qt.MouseButton.LeftButton)
    again.filter_edit.clear()
    qtbot.waitUntil(lambda: again.model is not None and again.model.rowCount() == 5)


def test_detail_edit_saves_with_problems_marked_and_undoes(
    qtbot: QtBot, window: MainWindow, wb: Workbench, ids: dict[str, int]
) -> None:
    area = area_of(window)
    area.table.setFocus()
    area.table.selectRow(0)
    detail = area.detail
    assert detail.lead_id == ids["Ana López"]
    detail.email_edit.setFocus()  # as a click into the field would
    detail.email_edit.selectAll()
    qtbot.keyClicks(detail.email_edit, "ana@@acme")
    assert detail.email_problem.isVisible()
    detail.answer_combos["budget"].setCurrentIndex(detail.answer_combos["budget"].findData("yes"))
    assert "1 of 5 yes" in detail.score_label.text()
    qtbot.keyClick(detail.email_edit, Qt.Key.Key_S, CTRL)
    stored = leads.lead_detail(wb, ids["Ana López"])
    assert stored is not None
    assert stored.fields.email == "ana@@acme"  # kept although invalid
    assert stored.qualification.answer("budget").value == "yes"
    assert not detail.dirty
    # emptying name and company is refused with a message; nothing is written
    detail.name_edit.clear()
    detail.company_edit.clear()
    assert not detail.save()
    assert detail.refusal.isVisible() and "name or a company" in detail.refusal.text()
    assert leads.lead_detail(wb, ids["Ana López"]).fields.name == "Ana López"  # type: ignore[union-attr]
    detail.revert()
    window.ctx.undo_stack.undo()
    restored = leads.lead_detail(wb, ids["Ana López"])
    assert restored is not None and restored.fields.email == "ana@acme.com"
    assert restored.qualification.answer("budget").value == "unknown"


def test_moving_to_another_lead_saves_pending_edits(
    qtbot: QtBot, window: MainWindow, wb: Workbench, ids: dict[str, int]
) -> None:
    area = area_of(window)
    area.table.setFocus()
    area.table.selectRow(0)
    area.detail.title_edit.setText("CTO")
    area.table.setFocus()
    qtbot.keyClick(area.table, Qt.Key.Key_Down)
    assert area.detail.lead_id == ids["Bruno Díaz"]
    assert leads.lead_detail(wb, ids["Ana López"]).fields.title == "CTO"  # type: ignore[union-attr]


def test_item_models_are_sound(qtmodeltester: Any, window: MainWindow) -> None:
    from workbench.ui.safety.trash import TrashModel

    area = area_of(window)
    assert area.model is not None
    qtmodeltester.check(area.model)
    model = TrashModel()
    qtmodeltester.check(model)


def test_the_lead_detail_shows_the_leads_timeline(
    qtbot: QtBot, window: MainWindow, ids: dict[str, int]
) -> None:
    from workbench.services.outreach.log import LogEntry, log_activity
    from workbench.services.records import RecordRef

    wb = window.ctx.wb
    log_activity(
        wb,
        LogEntry(
            channel="call",
            outcome="left voicemail",
            note="Asked about pricing",
            target=RecordRef.of("lead", ids["Ana López"]),
        ),
        now=NOW,
    )
    area = area_of(window)
    area.detail.show_lead(ids["Ana López"])
    qtbot.waitUntil(lambda: area.detail.timeline.model.rowCount() >= 1)
    area.detail.show_lead(ids["Bruno Díaz"])
    qtbot.waitUntil(lambda: area.detail.timeline.model.rowCount() == 0)
