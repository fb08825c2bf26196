"""The right reason (issue 22), typed like a rep would into the real dialogs: the
disqualify dialog chooses no reason for the rep, *no response* on an untouched lead and
*qualified* with no answer ask first (Shift+Q does not), and a nurture takes a note."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlmodel import select

from tests.gui.leads.test_leads_area import NOW, add_people
from workbench.domain import Activity, Answer, Lead
from workbench.services.clock import fixed_clock
from workbench.services.leads import edit as leads
from workbench.services.leads.edit import LeadFields
from workbench.services.leads.qualification import Qualification
from workbench.services.outreach import log as outreach
from workbench.services.outreach.log import LogEntry
from workbench.services.records import RecordKind, RecordRef
from workbench.store import Workbench
from workbench.ui.common import format as fmt
from workbench.ui.common.context import AppContext
from workbench.ui.leads import triage as triage_dialogs
from workbench.ui.leads.triage import DisqualifyDialog, NurtureDialog
from workbench.ui.leads.view import LeadsArea
from workbench.ui.shell.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


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


def back_to(qtbot: QtBot, window: MainWindow) -> None:
    """The offscreen platform has no window manager to hand focus back when a dialog
    closes; do what the desktop would."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def on_lead(qtbot: QtBot, window: MainWindow, lead_id: int) -> LeadsArea:
    """The lead chosen in the table, its window active."""
    back_to(qtbot, window)
    area = window.area("leads")
    assert isinstance(area, LeadsArea)
    area.open_lead(lead_id)
    area.table.setFocus()
    return area


def when_modal(kind: type[QWidget], act: Callable[[QWidget], None]) -> list[str]:
    """Run ``act`` on the next modal window of ``kind`` once its own loop runs; the list
    gets the window's text (a question's) so the test can say what was asked."""
    seen: list[str] = []

    def attempt() -> None:
        widget = QApplication.activeModalWidget()
        if not isinstance(widget, kind) or not widget.isVisible():
            QTimer.singleShot(10, attempt)
            return
        seen.append(widget.text() if isinstance(widget, QMessageBox) else widget.windowTitle())
        act(widget)

    QTimer.singleShot(0, attempt)
    return seen


def lead(wb: Workbench, lead_id: int) -> Lead:
    with wb.reading() as s:
        row = s.get(Lead, lead_id)
        assert row is not None
        return row


def test_the_disqualify_dialog_chooses_no_reason_for_the_rep(qtbot: QtBot) -> None:
    dialog = DisqualifyDialog(None, 1)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.reasons.hasFocus() and dialog.reason() == ""
    assert not dialog.ok_button.isEnabled() and dialog.choose_hint.isVisible()
    qtbot.keyClick(dialog.reasons, Qt.Key.Key_Return)  # Enter alone records nothing
    assert dialog.isVisible() and dialog.result() == 0 and dialog.reason() == ""
    qtbot.keyClick(dialog.reasons, Qt.Key.Key_Down)  # choosing with the arrows works too
    assert dialog.reason() == "wrong market" and dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.reasons, Qt.Key.Key_4)
    assert dialog.reason() == "duplicate" and not dialog.choose_hint.isVisible()
    qtbot.keyClick(dialog.reasons, Qt.Key.Key_Return)
    assert dialog.result() == DisqualifyDialog.DialogCode.Accepted


def test_no_response_on_an_untouched_lead_asks_first(
    qtbot: QtBot, window: MainWindow, wb: Workbench, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    ana = ids["Ana López"]

    def no_response(dialog: QWidget) -> None:
        assert isinstance(dialog, DisqualifyDialog)
        qtbot.keyClick(dialog.reasons, Qt.Key.Key_Return)  # nothing chosen: nothing happens
        assert dialog.isVisible() and dialog.reason() == ""
        qtbot.keyClick(dialog.reasons, Qt.Key.Key_6)
        assert dialog.reason() == "no response"
        qtbot.keyClick(dialog.reasons, Qt.Key.Key_Return)

    area = on_lead(qtbot, window, ana)
    when_modal(DisqualifyDialog, no_response)
    asked = when_modal(QMessageBox, lambda box: qtbot.keyClick(box, Qt.Key.Key_Return))  # Enter: No
    qtbot.keyClick(area.table, Qt.Key.Key_D)
    assert asked == ["No touch has been logged on this lead — disqualify as No response anyway?"]
    assert lead(wb, ana).status == "new"  # the rep said no

    area = on_lead(qtbot, window, ana)
    when_modal(DisqualifyDialog, no_response)
    asked = when_modal(QMessageBox, lambda box: qtbot.keyClick(box, Qt.Key.Key_Y))
    qtbot.keyClick(area.table, Qt.Key.Key_D)
    assert len(asked) == 1
    assert (lead(wb, ana).status, lead(wb, ana).disqualify_reason) == ("disqualified", "no response")
    back_to(qtbot, window)
    qtbot.keyClick(area.table, Qt.Key.Key_Z, CTRL)
    assert lead(wb, ana).status == "new"

    # Called once without an answer: "no response" is a fact now, nothing to ask.
    bruno = ids["Bruno Díaz"]
    outreach.log_activity(
        wb, LogEntry("call", "no answer", target=RecordRef(RecordKind.LEAD, bruno)), now=NOW
    )
    questions: list[int] = []
    monkeypatch.setattr(triage_dialogs, "confirm_no_response", lambda _p, n, _t: questions.append(n) or False)
    area = on_lead(qtbot, window, bruno)
    when_modal(DisqualifyDialog, no_response)
    qtbot.keyClick(area.table, Qt.Key.Key_D)
    assert questions == [] and lead(wb, bruno).status == "disqualified"


def test_qualified_without_answers_asks_first_and_shift_q_does_not(
    qtbot: QtBot, window: MainWindow, wb: Workbench, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    ana = ids["Ana López"]
    area = on_lead(qtbot, window, ana)
    asked = when_modal(QMessageBox, lambda box: qtbot.keyClick(box, Qt.Key.Key_Return))  # No
    qtbot.keyClick(area.table, Qt.Key.Key_Q)
    assert len(asked) == 1 and "None of the qualification questions" in asked[0]
    assert lead(wb, ana).status == "new"
    area = on_lead(qtbot, window, ana)
    asked = when_modal(QMessageBox, lambda box: qtbot.keyClick(box, Qt.Key.Key_Y))
    qtbot.keyClick(area.table, Qt.Key.Key_Q)
    assert len(asked) == 1 and lead(wb, ana).status == "qualified"
    back_to(qtbot, window)
    qtbot.keyClick(area.table, Qt.Key.Key_Z, CTRL)
    assert lead(wb, ana).status == "new"

    questions: list[int] = []
    monkeypatch.setattr(triage_dialogs, "confirm_unanswered", lambda _p, n, _t: questions.append(n) or False)
    area = on_lead(qtbot, window, ana)
    qtbot.keyClick(area.table, Qt.Key.Key_Q, SHIFT)  # qualifies without the question
    assert questions == [] and lead(wb, ana).status == "qualified"
    assert window.ctx.undo_stack.undoText() == "Mark 1 lead qualified"

    bruno = ids["Bruno Díaz"]  # one answer given: nothing to ask
    leads.update_lead(
        wb,
        bruno,
        LeadFields(name="Bruno Díaz", company="Globex", email="bruno@globex.com", source="webinar"),
        qualification=Qualification({"budget": Answer.YES}),
        clock=fixed_clock(NOW),
    )
    area = on_lead(qtbot, window, bruno)
    qtbot.keyClick(area.table, Qt.Key.Key_Q)
    assert questions == [] and lead(wb, bruno).status == "qualified"


def test_the_nurture_note_goes_on_the_timeline_and_one_ctrl_z_takes_both_back(
    qtbot: QtBot, window: MainWindow, wb: Workbench, ids: dict[str, int]
) -> None:
    ana = ids["Ana López"]
    area = on_lead(qtbot, window, ana)

    def with_note(dialog: QWidget) -> None:
        assert isinstance(dialog, NurtureDialog)
        dialog.set_days(30)
        qtbot.keyClick(dialog.date_edit, Qt.Key.Key_Tab)
        dialog.note_edit.setFocus()
        qtbot.keyClicks(dialog.note_edit, "budget comes in Q3")
        qtbot.keyClick(dialog.note_edit, Qt.Key.Key_Return)

    when_modal(NurtureDialog, with_note)
    qtbot.keyClick(area.table, Qt.Key.Key_N)
    until = date(2026, 3, 10) + timedelta(days=30)
    assert (lead(wb, ana).status, lead(wb, ana).nurture_until) == ("nurture", until)

    def notes() -> list[tuple[int | None, str, str]]:
        with wb.reading() as s:
            return [(a.lead_id, a.channel, a.note) for a in s.exec(select(Activity)).all()]

    assert notes() == [(ana, "note", f"Nurture until {fmt.date_text(until)}: budget comes in Q3")]
    assert lead(wb, ana).last_touch_at is None  # a note is no touch
    qtbot.waitUntil(lambda: "budget comes in Q3" in timeline_text(area))
    back_to(qtbot, window)
    qtbot.keyClick(area.table, Qt.Key.Key_Z, CTRL)
    assert lead(wb, ana).status == "new" and notes() == []
    back_to(qtbot, window)
    qtbot.keyClick(area.table, Qt.Key.Key_Y, CTRL)
    assert lead(wb, ana).status == "nurture" and len(notes()) == 1


def timeline_text(area: LeadsArea) -> str:
    from workbench.ui.outreach.timeline import TimelineWidget

    [timeline] = area.detail.findChildren(TimelineWidget)
    model = timeline.model
    return " ".join(str(model.index(r, 0).data() or "") for r in range(model.rowCount()))
