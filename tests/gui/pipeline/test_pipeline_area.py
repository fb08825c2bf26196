from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QDeadlineTimer, Qt, QThreadPool
from pytestqt.qtbot import QtBot

from workbench.domain import CloseReason, Lead
from workbench.domain.normalize import company_norm, email_domain, email_norm
from workbench.services.clock import fixed_clock
from workbench.services.pipeline import convert
from workbench.services.pipeline import stages as pipeline
from workbench.store import Workbench
from workbench.ui.common.context import AppContext
from workbench.ui.pipeline import actions as pipeline_actions
from workbench.ui.pipeline import moves as pipeline_moves
from workbench.ui.pipeline import opportunity_detail
from workbench.ui.pipeline.close_opportunity import CloseAnswer
from workbench.ui.pipeline.convert_lead import ConvertOptions
from workbench.ui.pipeline.view import BOARD, TABLE, PipelineArea
from workbench.ui.shell.main_window import MainWindow

NOW = datetime(2026, 3, 20, 10, 0, tzinfo=UTC)


def add_lead(wb: Workbench, company: str, person: str = "Ana") -> int:
    email = f"{person.lower()}@{company.lower()}.com"
    with wb.session() as s:
        lead = Lead(
            name=f"{person} of {company}",
            company=company,
            company_norm=company_norm(company),
            email=email,
            email_norm=email_norm(email),
            email_domain=email_domain(email),
            source="webinar",
            received_at=NOW - timedelta(days=9),
        )
        s.add(lead)
        s.flush()
        assert lead.id is not None
        return lead.id


def make_opportunities(wb: Workbench) -> list[int]:
    return [
        convert.convert_lead(
            wb, add_lead(wb, company), amount=1000 * (i + 1), next_step="call", clock=fixed_clock(NOW)
        ).opportunity_id
        for i, company in enumerate(("Acme", "Globex", "Initech"))
    ]


def open_window(qtbot: QtBot, wb: Workbench, area: str = "pipeline") -> MainWindow:
    window = MainWindow(AppContext(wb, fixed_clock(NOW)), start_area=area)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def pipeline_area(window: MainWindow) -> PipelineArea:
    area = window.show_area("pipeline")
    assert isinstance(area, PipelineArea)
    # The first board of a file is read off the UI thread and shown when it arrives.
    deadline = QDeadlineTimer(10_000)
    while area.board.loading and not deadline.hasExpired():
        QThreadPool.globalInstance().waitForDone(50)
        QCoreApplication.processEvents()
    assert not area.board.loading
    return area


def test_empty_pipeline_says_how_to_start(qtbot: QtBot, wb: Workbench) -> None:
    area = pipeline_area(open_window(qtbot, wb))
    assert not area.empty.isHidden() and "Convert a lead" in area.empty.text()
    assert area.splitter.isHidden()


def test_table_board_toggle_and_filter(qtbot: QtBot, wb: Workbench) -> None:
    make_opportunities(wb)
    area = pipeline_area(open_window(qtbot, wb))
    assert area.mode == BOARD and area.empty.isHidden()
    assert area.model is not None and area.model.rowCount() == 3
    assert area.board.columns[0].totals.text().startswith("3 deals")
    qtbot.mouseClick(area.table_button, Qt.MouseButton.LeftButton)
    assert area.mode == TABLE and area.stack.currentWidget() is area.table
    assert not area.outcome.isHidden()
    qtbot.keyClicks(area.filter_edit, "glob")
    qtbot.waitUntil(lambda: area.model is not None and area.model.rowCount() == 1, timeout=3000)
    assert sum(len(c.cards) for c in area.board.model.columns) == 1  # the board filters too
    qtbot.mouseClick(area.board_button, Qt.MouseButton.LeftButton)
    assert area.mode == BOARD and area.outcome.isHidden()


def test_ctrl_right_in_the_table_moves_the_selected_opportunity(qtbot: QtBot, wb: Workbench) -> None:
    ids = make_opportunities(wb)
    window = open_window(qtbot, wb)
    area = pipeline_area(window)
    area.set_mode(TABLE)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow(), timeout=3000)
    area.table.setFocus()
    area.table.selectRow(0)
    first = area.selected_id()
    assert first in ids
    qtbot.keyClick(area.table, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    stages = {s.id: s.name for s in pipeline.list_stages(wb)}
    qtbot.waitUntil(lambda: stages[pipeline.get_opportunity(wb, first).stage_id] == "Qualified", timeout=3000)
    assert area.selected_id() == first  # the row stays selected after the refresh
    qtbot.keyClick(area.table, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: stages[pipeline.get_opportunity(wb, first).stage_id] == "Discovery", timeout=3000)


def test_menu_shows_the_keyboard_shortcuts(qtbot: QtBot, wb: Workbench) -> None:
    window = open_window(qtbot, wb)
    pipeline_area(window)
    menu = window.menu("Pipeline")
    shortcuts = {a.text(): a.shortcut().toString() for a in menu.actions() if not a.isSeparator()}
    assert shortcuts["Move to &next stage"] == "Ctrl+Right"
    assert shortcuts["Move to &previous stage"] == "Ctrl+Left"
    assert shortcuts["Mark &won…"] and shortcuts["Mark &lost…"]
    leads = {a.text(): a.shortcut().toString() for a in window.menu("Leads").actions()}
    assert leads["&Convert lead…"] == pipeline_actions.CONVERT_SHORTCUT


def test_detail_refuses_bad_amounts_and_saves_good_ones(qtbot: QtBot, wb: Workbench) -> None:
    ids = make_opportunities(wb)
    area = pipeline_area(open_window(qtbot, wb))
    area.open_detail(ids[0])
    detail = area.detail
    assert not detail.isHidden() and detail.name.text() == "Acme"
    assert "From a lead" in detail.origin.text() and "webinar" in detail.origin.text()
    for text, message in (("-5", "negative"), ("abc", "not an amount")):
        detail.amount.clear()
        qtbot.keyClicks(detail.amount, text)
        qtbot.mouseClick(detail.save_button, Qt.MouseButton.LeftButton)
        assert message in detail.error.text()
        assert pipeline.get_opportunity(wb, ids[0]).amount == 1000  # nothing written
    detail.amount.clear()
    qtbot.keyClicks(detail.amount, "25000")
    detail.next_step.clear()
    qtbot.keyClick(detail.next_step, Qt.Key.Key_Return)
    got = pipeline.get_opportunity(wb, ids[0])
    assert got.amount == 25000 and got.next_step == ""
    assert detail.error.text() == ""
    assert "No next step" in detail.flags.text()
    assert area.model is not None
    area.model.row_id(0)  # the table is not on screen: load its first page
    row = area.model.row_of_id(ids[0])
    assert row is not None
    assert area.model.index(row, 0).data(Qt.ItemDataRole.UserRole + 3) == "no-next-step"


def test_detail_wins_reopens_and_trashes(
    qtbot: QtBot, wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = make_opportunities(wb)
    area = pipeline_area(open_window(qtbot, wb))
    area.open_detail(ids[1])
    detail = area.detail
    monkeypatch.setattr(pipeline_moves, "ask_close", lambda parent, **kw: None)
    qtbot.mouseClick(detail.won_button, Qt.MouseButton.LeftButton)
    assert pipeline.get_opportunity(wb, ids[1]).outcome == "open"  # cancelled: nothing changed
    answer = CloseAnswer(CloseReason.TIMING, "budget freed up", None, False)
    monkeypatch.setattr(pipeline_moves, "ask_close", lambda parent, **kw: answer)
    qtbot.mouseClick(detail.won_button, Qt.MouseButton.LeftButton)
    assert pipeline.get_opportunity(wb, ids[1]).outcome == "won"
    assert "Timing" in detail.stage_label.text() and not detail.reopen_button.isHidden()
    won_column = area.board.column_for_stage(pipeline.get_opportunity(wb, ids[1]).stage_id)
    assert won_column is not None and won_column.stage.name == "Won"
    assert area.board.model.rowCount(won_column.cards.rootIndex()) == 1
    qtbot.mouseClick(detail.reopen_button, Qt.MouseButton.LeftButton)
    assert pipeline.get_opportunity(wb, ids[1]).outcome == "open"
    history = detail.history.model
    assert history.rowCount() == 3
    assert "Reopened" in history.index(0, 1).data()  # newest first
    assert "Entered the pipeline" in history.index(2, 1).data()

    monkeypatch.setattr(opportunity_detail, "confirm", lambda *a: True)
    qtbot.mouseClick(detail.trash_button, Qt.MouseButton.LeftButton)
    with pytest.raises(pipeline.NotFound):
        pipeline.get_opportunity(wb, ids[1])
    assert detail.isHidden()
    assert area.model is not None and area.model.rowCount() == 2


def test_convert_the_selected_lead_from_the_leads_area(
    qtbot: QtBot, wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead_id = add_lead(wb, "Hooli")
    window = open_window(qtbot, wb, area="leads")
    actions = window.pipeline_actions  # type: ignore[attr-defined]
    asked: list[Any] = []

    def ask(parent: object, plan: convert.ConversionPlan) -> ConvertOptions:
        asked.append(plan)
        return ConvertOptions("Hooli platform", 42000, "USD", plan.stage.id, None, "Demo", None)

    monkeypatch.setattr(pipeline_actions.PipelineActions, "ask", staticmethod(ask))
    actions.convert_action.trigger()  # nothing selected: a hint, no dialog
    assert not asked and "Select one lead" in window.statusBar().currentMessage()
    leads = window.area("leads")
    table = leads.table  # type: ignore[attr-defined]
    table.selectRow(0)
    assert leads.selected_ids() == [lead_id]  # type: ignore[attr-defined]
    actions.convert_action.trigger()
    assert len(asked) == 1 and asked[0].account.created
    with wb.reading() as s:
        lead = s.get(Lead, lead_id)
        assert lead is not None and lead.status == "converted" and lead.opportunity_id is not None
        opportunity_id = lead.opportunity_id
    got = pipeline.get_opportunity(wb, opportunity_id)
    assert (got.name, got.amount, got.next_step, got.source) == ("Hooli platform", 42000, "Demo", "webinar")
    area = pipeline_area(window)
    assert area.board.model.card_index(opportunity_id).isValid()
    told: list[str] = []
    monkeypatch.setattr(pipeline_moves, "tell", lambda parent, title, text: told.append(text))
    assert actions.convert(lead_id) is None  # converting it again is refused with a message
    assert told and "already converted" in told[0]


def test_activities_of_the_deal_and_its_lead_show_in_the_detail(qtbot: QtBot, wb: Workbench) -> None:
    from workbench.domain import Activity

    ids = make_opportunities(wb)
    opp = pipeline.get_opportunity(wb, ids[0])
    with wb.session() as s:
        s.add(
            Activity(
                channel="call", outcome="connected", at=NOW - timedelta(days=8), lead_id=opp.origin_lead_id
            )
        )
        s.add(
            Activity(
                channel="email", at=NOW - timedelta(hours=2), opportunity_id=ids[0], note="proposal sent"
            )
        )
    area = pipeline_area(open_window(qtbot, wb))
    area.open_detail(ids[0])
    from workbench.services.records import RecordKind, RecordRef
    from workbench.ui.outreach.timeline import ENTRY_ROLE

    widget = area.detail.timeline
    assert widget.ref == RecordRef(RecordKind.OPPORTUNITY, ids[0])
    qtbot.waitUntil(lambda: not widget.loading)  # read on a worker thread
    # the deal's email and, before it, the call on the lead it came from
    entries = [widget.model.index(row, 0).data(ENTRY_ROLE) for row in range(widget.model.rowCount())]
    assert [(e.channel, e.note) for e in entries] == [("email", "proposal sent"), ("call", "")]


def test_new_opportunity_on_a_target_account(
    qtbot: QtBot, wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.domain import Account, Contact
    from workbench.ui.pipeline.new_opportunity import NewOpportunity, NewOpportunityDialog

    window = open_window(qtbot, wb)
    actions = window.pipeline_actions  # type: ignore[attr-defined]
    assert actions.new_for_account() is None  # no target accounts yet: a hint
    assert "target accounts first" in window.statusBar().currentMessage()
    with wb.session() as s:
        account = Account(name="Initech", name_norm="initech", is_target=True)
        s.add(account)
        s.flush()
        contact = Contact(account_id=account.id, name="Bill Lumbergh")
        s.add(contact)
        s.flush()
        account_id, contact_id = account.id, contact.id
    assert account_id is not None

    options = convert.target_account_options(wb)
    dialog = NewOpportunityDialog(None, options, pipeline.list_stages(wb), "USD", account_id)
    qtbot.addWidget(dialog)
    assert dialog.name.text() == "Initech" and dialog.contact.count() == 2
    qtbot.keyClicks(dialog.amount, "-1")
    dialog.accept()
    assert "negative" in dialog.error.text()
    dialog.amount.clear()
    qtbot.keyClicks(dialog.amount, "30000")
    dialog.contact.setCurrentIndex(1)
    answer = dialog.options()
    assert answer.contact_id == contact_id and answer.amount == 30000

    def ask(parent: object, accounts: Any, stages: Any, currency: str, account: int | None) -> NewOpportunity:
        return answer

    monkeypatch.setattr(pipeline_actions.PipelineActions, "ask_new", staticmethod(ask))
    opportunity_id = actions.new_for_account(account_id)
    assert opportunity_id is not None
    got = pipeline.get_opportunity(wb, opportunity_id)
    assert (got.kind, got.account_id, got.contact_id, got.amount) == ("target", account_id, contact_id, 30000)
    assert pipeline_area(window).board.model.card_index(opportunity_id).isValid()
