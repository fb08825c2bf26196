"""A lead's and an account's timeline show the enrolment: sequence, step, next due, why it stopped."""

from __future__ import annotations

from datetime import UTC, datetime

from pytestqt.qtbot import QtBot

from workbench.domain import Account, Contact, Lead
from workbench.services.clock import fixed_clock
from workbench.services.records import RecordKind, RecordRef
from workbench.services.sequences import enrol, templates
from workbench.store import Workbench
from workbench.ui.common.context import AppContext
from workbench.ui.outreach.timeline import TimelineWidget

NOW = datetime(2026, 3, 4, 11, 0, tzinfo=UTC)


def test_the_timeline_shows_live_and_stopped_enrolments(qtbot: QtBot, wb: Workbench) -> None:
    with wb.session() as s:
        account = Account(name="Initech", is_target=True)
        s.add(account)
        s.flush()
        s.add(Contact(name="Bo Berg", account_id=account.id, email="bo@i.com"))
        s.add(Lead(name="Ana López", email="ana@g.com"))
    with wb.reading() as s:
        a, b = templates.find_in(s, "New inbound"), templates.find_in(s, "Target account contact")
    assert a is not None and b is not None
    lead = RecordRef(RecordKind.LEAD, 1)
    (first,) = enrol.enrol(wb, a, [lead], now=NOW).enrolled
    enrol.stop(wb, first, now=NOW)
    enrol.enrol(wb, b, [lead], now=NOW)
    enrol.enrol(wb, b, [RecordRef(RecordKind.ACCOUNT, 1)], now=NOW)
    widget = TimelineWidget(AppContext(wb, fixed_clock(NOW)))
    qtbot.addWidget(widget)
    widget.show()
    with qtbot.waitSignal(widget.loaded):
        widget.show_record(lead)
    lines = widget.sequences.text().split("<br>")
    assert lines[0].startswith("Sequence: Target account contact: step 1 of 8, due")
    assert "sequence-pause:" in lines[0] and "sequence-stop:" in lines[0]
    assert lines[1] == "Sequence: New inbound: stopped after 0 of 5 steps (stopped by hand)"
    live = enrol.live_enrolment(wb, lead)
    assert live is not None
    # Pause, resume and stop from the line; the stop is undone with Ctrl+Z.
    for action, expected in (
        ("pause", "Sequence: Target account contact: paused at step 1 of 8"),
        ("resume", "Sequence: Target account contact: step 1 of 8, due"),
        ("stop", "Sequence: Target account contact: stopped after 0 of 8 steps (stopped by hand)"),
    ):
        with qtbot.waitSignal(widget.loaded):
            widget.sequences.linkActivated.emit(f"sequence-{action}:{live}")
        assert widget.sequences.text().split("<br>")[0].startswith(expected)
    assert "stopped by hand" in widget.sequences.text() and "sequence-pause" not in widget.sequences.text()
    with qtbot.waitSignal(widget.loaded):
        widget.ctx.undo_stack.undo()
    assert "sequence-pause:" in widget.sequences.text()
    with qtbot.waitSignal(widget.loaded):
        widget.show_record(RecordRef(RecordKind.ACCOUNT, 1))
    assert widget.sequences.text().startswith("Sequence: Bo Berg — Target account contact: step 1 of 8")
