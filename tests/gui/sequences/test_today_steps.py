"""Working sequence steps from Today's one ranked queue with the keyboard only: each due
step is a line ranked with the follow-ups; L opens the quick log with the step's channel
and person, Enter saves it, the step is done, the next one scheduled, and the cursor
moves on to the next line."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt, QThreadPool, QUrl
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlmodel import select

from workbench.domain import Activity, Enrolment, FollowUp, Lead
from workbench.services.clock import fixed_clock
from workbench.services.records import RecordKind, RecordRef
from workbench.services.sequences import enrol, templates
from workbench.services.sequences.due import Email
from workbench.services.sequences.templates import SequenceDraft, StepDraft
from workbench.store import Workbench
from workbench.ui.common.context import AppContext
from workbench.ui.outreach import actions
from workbench.ui.outreach.quick_log import QuickLogDialog
from workbench.ui.sequences import work_step
from workbench.ui.shell.main_window import MainWindow
from workbench.ui.today.view import TodayArea

NOW = datetime(2026, 3, 4, 11, 0, tzinfo=UTC)  # a Wednesday
pytestmark = pytest.mark.qt_log_ignore("does not support raise")


def _lead(wb: Workbench, name: str, first: str, company: str, email: str) -> int:
    with wb.session() as s:
        lead = Lead(name=name, first_name=first, company=company, email=email, phone="+34 600 000 001")
        s.add(lead)
        s.flush()
        assert lead.id is not None
        return lead.id


@pytest.fixture
def enrolled(wb: Workbench) -> dict[str, int]:
    """Three people at steps 1, 2 and 3 of "Quick three", not done on Monday and Tuesday
    (overdue), and an overdue follow-up due after them."""
    people = {
        "zoe": _lead(wb, "Zoë Ñandú", "Zoë", "Café Globex", "zoe@globex.com"),
        "ines": _lead(wb, "Inés Peña", "Inés", "Peña SL", "ines@pena.es"),
        "bo": _lead(wb, "Bo Berg", "Bo", "Berg AB", "bo@berg.se"),
    }
    seq = templates.create_sequence(
        wb,
        SequenceDraft(
            "Quick three",
            (
                StepDraft("call", 0, "Open with the webinar"),
                StepDraft("email", 0, "", "Hola {first_name}", "Hola {first_name} de {company} — {rep_name}"),
                StepDraft("social", 0, "Connect on LinkedIn"),
            ),
        ),
        now=NOW,
    )
    monday = NOW - timedelta(days=2)
    ids = {}
    for key in ("zoe", "ines", "bo"):
        (ids[key],) = enrol.enrol(wb, seq, [RecordRef(RecordKind.LEAD, people[key])], now=monday).enrolled
    with wb.session() as s:
        conn = s.connection()
        enrol.advance(conn, ids["ines"], now=monday + timedelta(hours=22))  # step 2 due Tuesday 9:00
        enrol.advance(conn, ids["bo"], now=monday + timedelta(hours=1))
        enrol.advance(conn, ids["bo"], now=monday + timedelta(days=1))  # step 3 due Tuesday 11:00
        other = Lead(name="Ulla Follow", company="Later AB")
        s.add(other)
        s.flush()
        s.add(FollowUp(title="Call back", due_at=NOW - timedelta(minutes=30), lead_id=other.id))
    return ids


@pytest.fixture
def window(qtbot: QtBot, wb: Workbench, enrolled: dict[str, int]) -> Iterator[MainWindow]:
    ctx = AppContext(wb, fixed_clock(NOW))
    win = MainWindow(ctx, start_area="today")
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    area = win.area("today")
    assert isinstance(area, TodayArea)
    qtbot.waitUntil(lambda: area.report is not None and not area.counting)
    yield win
    QThreadPool.globalInstance().waitForDone(10_000)
    ctx.undo_stack.clear()
    for dialog in win.findChildren(QuickLogDialog):
        dialog._force_close = True
        dialog.close()


def _area(window: MainWindow) -> TodayArea:
    area = window.area("today")
    assert isinstance(area, TodayArea)
    return area


def _quick_log(qtbot: QtBot) -> QuickLogDialog:
    found: list[QuickLogDialog] = []

    def visible() -> bool:
        found[:] = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, QuickLogDialog) and w.isVisible()
        ]
        return bool(found)

    qtbot.waitUntil(visible)
    return found[0]


def _overdue_lines(area: TodayArea) -> list[tuple[str, str]]:
    assert area.report is not None
    return [(r.label, r.detail) for r in area.report.section("overdue").items]


def test_work_three_steps_from_today_with_the_keyboard(
    qtbot: QtBot,
    window: MainWindow,
    wb: Workbench,
    enrolled: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[QUrl] = []
    shown: list[Email] = []
    monkeypatch.setattr(actions, "url_opener", lambda url: opened.append(url) or True)
    monkeypatch.setattr(work_step, "ask_how_to_send", lambda _p, mail: shown.append(mail) or "open")
    monkeypatch.setattr(actions, "ask_to_log", lambda _p, _c: True)
    area = _area(window)
    # One queue: the three steps, ranked with the overdue follow-up by lateness.
    assert _overdue_lines(area) == [
        ("Zoë Ñandú", "Call · step 1 of 3 · Quick three · Café Globex"),
        ("Inés Peña", "Email · step 2 of 3 · Quick three · Peña SL"),
        ("Bo Berg", "Social · step 3 of 3 · Quick three · Berg AB"),
        ("Ulla Follow", "Call back · Later AB"),
    ]
    assert area.report is not None and [r.rank for r in area.report.section("overdue").items] == [1, 2, 3, 4]
    assert area.tree.isVisible() and area.empty.isHidden()
    heading = area.model.index(0, 0)
    assert heading.data() == "Overdue follow-ups and sequence steps (4)"
    assert area.model.index(0, 1, heading).data() == "Call · step 1 of 3 · Quick three · Café Globex"
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # the cursor into Today
    qtbot.waitUntil(area.tree.hasFocus)
    first = area.current_item()
    assert first is not None and first.label == "Zoë Ñandú"

    for name, channel, number in (
        ("Zoë Ñandú", "call", 1),
        ("Inés Peña", "email", 2),
        ("Bo Berg", "social", 3),
    ):
        qtbot.waitUntil(lambda n=name: (c := area.current_item()) is not None and c.label == n)
        qtbot.keyClick(area.tree, Qt.Key.Key_L)
        dialog = _quick_log(qtbot)
        assert dialog.channel_picker.value == channel
        item = area.current_item()
        assert item is not None and dialog.target == item.record
        assert f"step {number} of 3" in dialog.step_label.text()
        focused = dialog.focusWidget()  # the field the dialog put the cursor in
        assert isinstance(focused, QWidget)
        qtbot.keyClick(focused, Qt.Key.Key_Return)  # Enter saves from any field
        qtbot.waitUntil(lambda d=dialog: not d.isVisible())
        area.tree.setFocus()  # the quick log hands the focus back to the window

    # The cursor moved on past each step done, to the follow-up after them.
    qtbot.waitUntil(lambda: (c := area.current_item()) is not None and c.label == "Ulla Follow")
    # The email step opened the mail program with the template filled and the gap shown.
    assert len(opened) == 1 and opened[0].scheme() == "mailto"
    assert "Hola Inés" in QUrl.fromPercentEncoding(opened[0].toEncoded())
    assert shown[0].missing == ("rep_name",)
    with wb.reading() as s:
        states = {k: (lambda e: (e.state, e.step))(s.get(Enrolment, i)) for k, i in enrolled.items()}
        activities = list(s.exec(select(Activity).order_by(Activity.id)))
    assert states == {"zoe": ("active", 1), "ines": ("active", 2), "bo": ("finished", 3)}
    assert [a.channel for a in activities] == ["call", "email", "social"]
    assert activities[1].note == "Sent: Hola Inés"
    # Zoë's and Inés's next steps (no wait) are due now: back in the queue, due today.
    assert area.report is not None
    assert [r.detail for r in area.report.section("due").items] == [
        "Email · step 2 of 3 · Quick three · Café Globex",
        "Social · step 3 of 3 · Quick three · Peña SL",
    ]

    # Ctrl+Z takes the last step back: Bo's is due again, on its line.
    window.activateWindow()  # offscreen, the closed quick log leaves no window active
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: ("Bo Berg", "Social · step 3 of 3 · Quick three · Berg AB") in _overdue_lines(area)
    )
    with wb.reading() as s:
        bo = s.get(Enrolment, enrolled["bo"])
        assert bo is not None and (bo.state, bo.step) == ("active", 2)


def test_x_skips_a_step_and_undo_brings_it_back(qtbot: QtBot, window: MainWindow, wb: Workbench) -> None:
    area = _area(window)
    area.tree.setFocus()
    qtbot.waitUntil(lambda: (c := area.current_item()) is not None and c.label == "Zoë Ñandú")
    qtbot.keyClick(area.tree, Qt.Key.Key_X)
    qtbot.waitUntil(lambda: (c := area.current_item()) is not None and c.label == "Inés Peña")  # moved on
    assert "Skipped: Call · step 1 of 3 · Quick three" in window.statusBar().currentMessage()
    # Zoë, never touched, is a new lead again: one line there, carrying her next step.
    qtbot.waitUntil(lambda: area.report is not None and bool(area.report.section("new_leads").items))
    assert area.report is not None
    (line,) = area.report.section("new_leads").items
    assert (line.label, line.step) == ("Zoë Ñandú", "Email · step 2 of 3 · Quick three")
    assert area.model.detail_text(line) == "Email · step 2 of 3 · Quick three · Café Globex"
    with wb.reading() as s:
        assert not list(s.exec(select(Activity)))  # a skip logs no touch
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: _overdue_lines(area)[0] == ("Zoë Ñandú", "Call · step 1 of 3 · Quick three · Café Globex")
    )
    # Space and S belong to follow-ups: on a step they say what to press instead.
    qtbot.waitUntil(lambda: (c := area.current_item()) is not None and c.enrolment_id is not None)
    qtbot.keyClick(area.tree, Qt.Key.Key_Space)
    assert "L logs it, X skips it" in window.statusBar().currentMessage()


def test_an_overdue_step_stays_in_the_queue(qtbot: QtBot, wb: Workbench, enrolled: dict[str, int]) -> None:
    """Nothing is skipped behind the rep's back: a week later the steps are still there,
    red, saying how late they are."""
    ctx = AppContext(wb, fixed_clock(NOW + timedelta(days=7)))
    area = TodayArea(ctx)
    qtbot.addWidget(area)
    area.reload()
    qtbot.waitUntil(lambda: area.report is not None and not area.counting)
    steps = (
        [r for r in area.report.section("overdue").items if r.kind == "sequence_step"] if area.report else []
    )
    assert [r.label for r in steps] == ["Zoë Ñandú", "Inés Peña", "Bo Berg"]
    index = next(
        i for i in area.lines() if (it := area.model.item(i)) is not None and it.label == "Zoë Ñandú"
    )
    when = area.model.data(index.siblingAtColumn(2))
    assert "late" in when and area.model.data(index, Qt.ItemDataRole.ForegroundRole) is not None
    QThreadPool.globalInstance().waitForDone(10_000)


def test_c_dials_a_call_step_and_e_copies_an_email_steps_template(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(actions, "url_opener", lambda url: opened.append(url) or True)
    monkeypatch.setattr(work_step, "ask_how_to_send", lambda _p, _mail: "copy")
    monkeypatch.setattr(actions, "ask_to_log", lambda _p, _c: True)
    area = _area(window)
    area.tree.setFocus()
    qtbot.waitUntil(lambda: (c := area.current_item()) is not None and c.label == "Zoë Ñandú")
    qtbot.keyClick(area.tree, Qt.Key.Key_C)  # Zoë's step is a call: dial, then log the step
    dialog = _quick_log(qtbot)
    assert [u.toString() for u in opened] == ["tel:+34600000001"]
    assert dialog.channel_picker.value == "call" and "step 1 of 3" in dialog.step_label.text()
    dialog._force_close = True
    dialog.close()
    area.tree.setFocus()
    qtbot.keyClick(area.tree, Qt.Key.Key_Down)
    assert (c := area.current_item()) is not None and c.label == "Inés Peña"
    qtbot.keyClick(area.tree, Qt.Key.Key_E)  # an email step: its template, copied
    dialog = _quick_log(qtbot)
    assert QApplication.clipboard().text().startswith("Hola Inés\n\nHola Inés de Peña SL — {rep_name}")
    assert dialog.channel_picker.value == "email" and dialog.sequence_step == c.enrolment_id
    assert len(opened) == 1  # no bare mailto: besides
