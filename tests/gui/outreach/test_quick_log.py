"""Quick log driven with the keyboard alone: Ctrl+L, a name, Enter, a channel key, an
outcome key, a note, Enter — then the call is in the lead's timeline and in Today."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt, QThreadPool, QUrl
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlmodel import select

from workbench.domain import Activity, FollowUp, Lead
from workbench.services.clock import fixed_clock
from workbench.services.outreach import log as outreach
from workbench.services.outreach.next_step import due_after
from workbench.services.records import RecordKind, RecordRef
from workbench.store import Workbench
from workbench.ui.common import format as fmt
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.lookup_field import lookup_holder
from workbench.ui.outreach import actions as outreach_actions
from workbench.ui.outreach.quick_log import QuickLogDialog, to_qdatetime
from workbench.ui.outreach.timeline import TimelineWidget
from workbench.ui.shell.main_window import MainWindow
from workbench.ui.today.view import TodayArea

NOW = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)  # a Wednesday
# The quick log raises itself over the window; the offscreen platform cannot.
pytestmark = pytest.mark.qt_log_ignore("does not support raise")
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def lead_id(wb: Workbench) -> int:
    with wb.session() as s:
        lead = Lead(
            name="Ana López",
            company="Globex",
            phone="+1 415 555 0100",
            email="ana@globex.com",
            received_at=NOW - timedelta(hours=2),
        )
        s.add(lead)
        s.add(Lead(name="Bruno Díaz", company="Initech", received_at=NOW - timedelta(hours=3)))
        s.flush()
        assert lead.id is not None
        return lead.id


@pytest.fixture
def window(qtbot: QtBot, wb: Workbench, lead_id: int) -> Iterator[MainWindow]:
    ctx = AppContext(wb, fixed_clock(NOW))
    win = MainWindow(ctx, start_area="today")
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    holder = lookup_holder(ctx)
    holder.warm()
    qtbot.waitUntil(lambda: not holder.warming and holder.get().ready)
    area = today(win)
    qtbot.waitUntil(lambda: area.report is not None and not area.counting)
    yield win
    QThreadPool.globalInstance().waitForDone(10_000)  # no count still reading the file
    ctx.undo_stack.clear()
    for dialog in win.findChildren(QuickLogDialog):
        dialog._force_close = True
        dialog.close()


def press(
    qtbot: QtBot, key: Qt.Key | str, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """A key to whatever has the focus, as a rep's keyboard would."""
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClick(widget, key, modifier)


def type_text(qtbot: QtBot, text: str) -> None:
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClicks(widget, text)


def open_dialog(qtbot: QtBot, window: MainWindow) -> QuickLogDialog:
    qtbot.keyClick(window, Qt.Key.Key_L, CTRL)
    dialogs = window.findChildren(QuickLogDialog)
    assert len(dialogs) == 1
    dialog = dialogs[0]
    qtbot.waitUntil(dialog.isVisible)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.who.edit.hasFocus())
    return dialog


def today(window: MainWindow) -> TodayArea:
    area = window.area("today")
    assert isinstance(area, TodayArea)
    return area


def test_log_a_call_with_keys_only(
    qtbot: QtBot, qtmodeltester: object, window: MainWindow, wb: Workbench, lead_id: int
) -> None:
    area = today(window)
    qtmodeltester.check(area.model)  # type: ignore[attr-defined]
    assert area.counts()["new_leads"] == 2
    assert area.report is not None and area.report.goals.touches_today == 0

    dialog = open_dialog(qtbot, window)
    type_text(qtbot, "ana")
    qtbot.waitUntil(lambda: dialog.who.model.rowCount() > 0)
    qtmodeltester.check(dialog.who.model)  # type: ignore[attr-defined]
    press(qtbot, Qt.Key.Key_Return)  # picks Ana
    assert dialog.target == RecordRef(RecordKind.LEAD, lead_id)
    assert dialog.channel_picker.hasFocus()
    press(qtbot, "c")  # call
    assert dialog.channel_picker.value == "call" and dialog.outcome_picker.hasFocus()
    press(qtbot, "3")  # no answer
    assert dialog.outcome_picker.value == "no answer"
    assert dialog.note_edit.hasFocus()
    # The next step is proposed from the outcome's rule: call again next working day.
    assert dialog.next_check.isChecked() and dialog.next_title.text() == "Call again"
    assert dialog.next_due.dateTime() == to_qdatetime(due_after(NOW, 1))
    type_text(qtbot, "rang twice")
    with qtbot.waitSignal(dialog.logged):
        press(qtbot, Qt.Key.Key_Return)  # Enter saves
    qtbot.waitUntil(lambda: not window.findChildren(QuickLogDialog))

    with wb.reading() as s:
        activity = s.exec(select(Activity)).one()
        assert (activity.channel, activity.outcome, activity.note, activity.lead_id) == (
            "call",
            "no answer",
            "rang twice",
            lead_id,
        )
        assert s.exec(select(FollowUp)).one().title == "Call again"

    timeline = TimelineWidget(window.ctx)
    qtbot.addWidget(timeline)
    with qtbot.waitSignal(timeline.loaded):  # read on a worker thread
        timeline.show_for("lead", lead_id)
    qtmodeltester.check(timeline.model)  # type: ignore[attr-defined]
    texts = [timeline.model.index(r).data() for r in range(timeline.model.rowCount())]
    assert texts[0].startswith("Next: Call again")  # the follow-up is the newest entry
    assert texts[1].startswith("Call · No answer") and "rang twice" in texts[1]

    area.activate()
    qtbot.waitUntil(lambda: area.report is not None and area.report.goals.touches_today == 1)
    assert area.counts()["new_leads"] == 1  # Ana is touched now; Bruno still waits
    assert "1 / 20" in area.day_bar.text()

    window.ctx.undo_stack.undo()  # Ctrl+Z takes the log back: the file is as it was before
    with wb.reading() as s:
        assert s.exec(select(Activity)).all() == [] and s.exec(select(FollowUp)).all() == []
    window.ctx.undo_stack.redo()
    with wb.reading() as s:
        assert s.exec(select(Activity)).one().note.endswith("rang twice")


def test_esc_asks_before_discarding_typed_text(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers: list[bool] = [False, True]
    asked: list[QWidget] = []

    def confirm(parent: QWidget) -> bool:
        asked.append(parent)
        return answers.pop(0)

    monkeypatch.setattr(QuickLogDialog, "confirm_discard", staticmethod(confirm))
    dialog = open_dialog(qtbot, window)
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Tab)
    assert dialog.note_edit.hasFocus()
    type_text(qtbot, "important words")
    press(qtbot, Qt.Key.Key_Escape)
    assert len(asked) == 1 and dialog.isVisible()  # kept: the rep said no
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.findChildren(QuickLogDialog))


def test_unknown_person_goes_to_the_own_log_and_past_dates_warn(
    qtbot: QtBot, window: MainWindow, wb: Workbench
) -> None:
    dialog = open_dialog(qtbot, window)
    type_text(qtbot, "zyxw")
    dialog.who.search_now()
    assert dialog.who.model.rowCount() == 0
    assert "own log" in dialog.who_hint.text()
    dialog.next_check.setChecked(True)
    dialog.next_title.setText("Chase")
    dialog.next_due.setDateTime(to_qdatetime(NOW - timedelta(days=1)))
    assert "passed" in dialog.next_warning.text()
    with qtbot.waitSignal(dialog.logged) as logged:
        dialog.who.edit.setFocus()
        press(qtbot, Qt.Key.Key_Return)
    assert logged.args[0].unlinked and logged.args[0].past_due
    with wb.reading() as s:
        activity = s.exec(select(Activity)).one()
        assert activity.lead_id is None and "zyxw" in activity.note  # nothing typed is lost
    area = today(window)
    area.activate()
    qtbot.waitUntil(lambda: area.counts().get("own_log") == 1)
    assert area.counts()["overdue"] == 1


def test_tel_link_opens_the_phone_program_and_offers_to_log(
    qtbot: QtBot, window: MainWindow, lead_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def fake_open(url: QUrl) -> bool:
        opened.append(url.toString())
        return True

    monkeypatch.setattr(outreach_actions, "url_opener", fake_open)
    monkeypatch.setattr(outreach_actions, "ask_to_log", lambda _parent, _channel: True)
    timeline = TimelineWidget(window.ctx, window)
    with qtbot.waitSignal(timeline.loaded):
        timeline.show_for(RecordKind.LEAD, lead_id)
    assert "tel:" in timeline.links.text() and "mailto:ana@globex.com" in timeline.links.text()
    dialog = timeline.open_link("tel:+14155550100")
    assert opened == ["tel:+14155550100"]
    assert isinstance(dialog, QuickLogDialog)
    assert dialog.target == RecordRef(RecordKind.LEAD, lead_id)
    assert dialog.channel_picker.value == "call"
    mail = timeline.open_link("mailto:ana@globex.com")
    assert isinstance(mail, QuickLogDialog) and mail.channel_picker.value == "email"


# The offscreen platform has no tray: Qt says so while the icon is shown anyway.
@pytest.mark.qt_log_ignore("systemTrayWindowChanged", "propagateSizeHints", "does not support raise")
def test_the_tray_offers_quick_log_where_the_desktop_has_a_tray(
    qtbot: QtBot, wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QSystemTrayIcon

    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    win = MainWindow(AppContext(wb, fixed_clock(NOW)), start_area="today")
    qtbot.addWidget(win)
    actions = win.findChild(outreach_actions.OutreachActions)
    assert actions is not None and actions.tray is not None
    menu = actions.tray.contextMenu()
    assert menu is not None
    [quick] = [a for a in menu.actions() if a.text().startswith("Quick log")]
    quick.trigger()
    assert len(win.findChildren(QuickLogDialog)) == 1
    actions.tray.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)  # a click on the icon
    assert len(win.findChildren(QuickLogDialog)) == 2
    for dialog in win.findChildren(QuickLogDialog):
        dialog._force_close = True
        dialog.close()
    actions.tray.hide()


def test_without_a_tray_the_menu_is_enough(
    qtbot: QtBot, wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QSystemTrayIcon

    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: False))
    win = MainWindow(AppContext(wb, fixed_clock(NOW)), start_area="today")
    qtbot.addWidget(win)
    actions = win.findChild(outreach_actions.OutreachActions)
    assert actions is not None and actions.tray is None
    menu_texts = [a.text() for a in win.menu("Outreach").actions()]
    assert any(t.replace("&", "").startswith("Quick log") for t in menu_texts)


def test_two_people_of_one_name_enter_waits_until_down_chooses(
    qtbot: QtBot, window: MainWindow, wb: Workbench
) -> None:
    """Issue 22: two "Daniel Lee" tie on what was typed; each shows company, status and
    next follow-up, Enter picks neither, Down then Enter picks the second."""
    with wb.session() as s:
        acme_dan = Lead(name="Daniel Lee", company="Acme", status="working", received_at=NOW)
        hooli_dan = Lead(name="Daniel Lee", company="Hooli", received_at=NOW)
        s.add_all([acme_dan, hooli_dan])
        s.flush()
        assert acme_dan.id and hooli_dan.id
        acme_id, hooli_id = acme_dan.id, hooli_dan.id
    due = NOW + timedelta(days=2)
    outreach.add_followup(wb, RecordRef(RecordKind.LEAD, acme_id), "Send pricing", due, now=NOW)
    dialog = open_dialog(qtbot, window)
    type_text(qtbot, "daniel lee")
    qtbot.waitUntil(lambda: dialog.who.model.rowCount() == 2)
    rows = [str(dialog.who.model.index(r).data()) for r in range(2)]
    assert rows[0].startswith("Daniel Lee · Hooli") and "new · no follow-up" in rows[0]
    day = fmt.date_text(due.astimezone().date())
    assert rows[1].startswith("Daniel Lee · Acme") and f"working · follow-up {day}" in rows[1]
    assert dialog.who.tie_hint.isVisible()
    assert dialog.who.tie_hint.text() == "2 people match — choose with ↓/↑"

    press(qtbot, Qt.Key.Key_Return)  # a tie: nobody is picked, nothing is saved
    assert dialog.target is None and dialog.isVisible() and dialog.who.edit.hasFocus()
    assert dialog.who.tie_hint.isVisible()
    with wb.reading() as s:
        assert s.exec(select(Activity)).all() == []

    press(qtbot, Qt.Key.Key_Down)
    assert not dialog.who.tie_hint.isVisible()
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.target == RecordRef(RecordKind.LEAD, acme_id)
    assert dialog.channel_picker.hasFocus()
    assert hooli_id != acme_id


def test_logging_from_a_todays_followup_names_the_one_it_ticks_off(
    qtbot: QtBot, window: MainWindow, wb: Workbench, lead_id: int
) -> None:
    due = NOW - timedelta(days=1)
    followup = outreach.add_followup(wb, RecordRef(RecordKind.LEAD, lead_id), "Send pricing", due, now=NOW)
    window.ctx.notify(Topic.ALL)  # as every writing action does
    area = today(window)
    qtbot.waitUntil(lambda: area.counts().get("overdue") == 1)
    model = area.model
    [section] = [s for s in range(model.rowCount()) if model.sections[s].key == "overdue"]
    area.tree.setCurrentIndex(model.index(0, 0, model.index(section, 0)))
    area.tree.setFocus()
    qtbot.keyClick(area.tree, Qt.Key.Key_L)
    [dialog] = window.findChildren(QuickLogDialog)
    assert dialog.completes == (followup,)
    day = fmt.date_text(due.astimezone().date())
    assert dialog.completes_label.isVisibleTo(dialog)
    assert dialog.completes_label.text() == f"Completes: Send pricing — due {day}"
    assert dialog.who.current is not None and "Globex" in dialog.who.edit.text()

    plain = outreach_actions.open_quick_log(window.ctx, window)  # Ctrl+L: no follow-up named
    assert plain is not None and not plain.completes_label.isVisibleTo(plain)
