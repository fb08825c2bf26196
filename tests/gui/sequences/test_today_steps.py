"""Working sequence steps from Today with the keyboard only: Enter opens the quick log
with the step's channel and person, Enter saves it, and the next step is due."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt, QThreadPool, QUrl
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlmodel import select

from workbench.domain import Activity, Enrolment, Lead
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


@pytest.fixture
def enrolled(wb: Workbench) -> int:
    with wb.session() as s:
        lead = Lead(name="Zoë Ñandú", first_name="Zoë", company="Café Globex", email="zoe@globex.com")
        s.add(lead)
        s.flush()
        assert lead.id is not None
        lead_id = lead.id
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
    (enrolment_id,) = enrol.enrol(wb, seq, [RecordRef(RecordKind.LEAD, lead_id)], now=NOW).enrolled
    return enrolment_id


@pytest.fixture
def window(qtbot: QtBot, wb: Workbench, enrolled: int) -> Iterator[MainWindow]:
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


def _quick_log(qtbot: QtBot) -> QuickLogDialog:
    found: list[QuickLogDialog] = []

    def visible() -> bool:
        found[:] = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, QuickLogDialog) and w.isVisible()
        ]
        return bool(found)

    qtbot.waitUntil(visible)
    return found[0]


def test_work_three_steps_from_today_with_the_keyboard(
    qtbot: QtBot, window: MainWindow, wb: Workbench, enrolled: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []
    shown: list[Email] = []
    monkeypatch.setattr(actions, "url_opener", lambda url: opened.append(url) or True)
    monkeypatch.setattr(work_step, "ask_how_to_send", lambda _p, mail: shown.append(mail) or "open")
    monkeypatch.setattr(actions, "ask_to_log", lambda _p, _c: True)
    area = window.area("today")
    assert isinstance(area, TodayArea)
    panel = area.sequence_steps
    qtbot.waitUntil(lambda: panel.isVisible() and panel.total == 1)
    assert panel.tree.topLevelItem(0).text(0) == "Call · step 1 of 3 · Quick three"  # type: ignore[union-attr]
    assert area.empty.isHidden()

    for number, channel in ((1, "call"), (2, "email"), (3, "social")):
        qtbot.waitUntil(lambda n=number: panel.steps and panel.steps[0].step == n - 1)
        panel.tree.setFocus()
        qtbot.keyClick(panel.tree, Qt.Key.Key_Return)
        dialog = _quick_log(qtbot)
        assert dialog.channel_picker.value == channel
        assert dialog.target == RecordRef(RecordKind.LEAD, panel.steps[0].ref.id)
        assert f"step {number} of 3" in dialog.step_label.text()
        focused = dialog.focusWidget()  # the field the dialog put the cursor in
        assert isinstance(focused, QWidget)
        qtbot.keyClick(focused, Qt.Key.Key_Return)  # Enter saves from any field
        qtbot.waitUntil(lambda d=dialog: not d.isVisible())

    # The email step opened the mail program with the template filled and the gap shown.
    assert len(opened) == 1 and opened[0].scheme() == "mailto"
    assert "Hola Zoë" in QUrl.fromPercentEncoding(opened[0].toEncoded())
    assert shown[0].missing == ("rep_name",)
    qtbot.waitUntil(lambda: panel.total == 0)
    with wb.reading() as s:
        row = s.get(Enrolment, enrolled)
        assert row is not None and (row.state, row.step) == ("finished", 3)
        channels = [a.channel for a in s.exec(select(Activity).order_by(Activity.id))]
        assert channels == ["call", "email", "social"]
        notes = [a.note for a in s.exec(select(Activity).order_by(Activity.id))]
        assert notes[1] == "Sent: Hola Zoë"

    # Ctrl+Z takes the last step back: it is due again.
    window.ctx.undo_stack.undo()
    window.ctx.notify("sequences")
    qtbot.waitUntil(lambda: panel.total == 1 and panel.steps[0].step == 2)


def test_x_skips_a_step_and_undo_brings_it_back(qtbot: QtBot, window: MainWindow, enrolled: int) -> None:
    area = window.area("today")
    assert isinstance(area, TodayArea)
    panel = area.sequence_steps
    qtbot.waitUntil(lambda: panel.total == 1)
    panel.tree.setFocus()
    qtbot.keyClick(panel.tree, Qt.Key.Key_X)
    qtbot.waitUntil(lambda: panel.steps and panel.steps[0].step == 1)
    window.ctx.undo_stack.undo()
    qtbot.waitUntil(lambda: panel.steps and panel.steps[0].step == 0)


def test_an_overdue_step_stays_listed(qtbot: QtBot, wb: Workbench, enrolled: int) -> None:
    ctx = AppContext(wb, fixed_clock(NOW + timedelta(days=5)))
    from workbench.ui.sequences.today_steps import DueStepsPanel

    panel = DueStepsPanel(ctx)
    qtbot.addWidget(panel)
    panel.reload()
    assert panel.total == 1 and panel.steps[0].overdue
    assert "overdue" in panel.tree.topLevelItem(0).text(2)  # type: ignore[union-attr]
