"""One undo history that is always right: the rep's sequence that once undid the wrong
thing (triage, convert, move with Ctrl+→, Ctrl+Z), and an undo refused when the record
changed since."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlmodel import func, select

from workbench.domain import Account, Contact, Lead, Opportunity, table_of
from workbench.services.clock import fixed_clock
from workbench.services.pipeline import convert
from workbench.services.pipeline import stages as pipeline
from workbench.store import Workbench, open_workbench
from workbench.ui.common import undo as undo_module
from workbench.ui.pipeline import actions as pipeline_actions
from workbench.ui.pipeline.convert_lead import ConvertLeadDialog, ConvertOptions
from workbench.ui.pipeline.view import TABLE

from .test_pipeline_area import NOW, add_lead, open_window, pipeline_area

CTRL = Qt.KeyboardModifier.ControlModifier


def lead_state(wb: Workbench, lead_id: int) -> tuple[str, int | None]:
    with wb.reading() as s:
        lead = s.get(Lead, lead_id)
        assert lead is not None
        return lead.status, lead.opportunity_id


def count(wb: Workbench, model: type) -> int:
    with wb.reading() as s:
        return int(s.exec(select(func.count()).select_from(model)).one())


def stage_name(wb: Workbench, opportunity_id: int) -> str:
    names = {s.id: s.name for s in pipeline.list_stages(wb)}
    return names[pipeline.get_opportunity(wb, opportunity_id).stage_id]


def triage_convert_move(qtbot: QtBot, wb: Workbench, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, int, int]:
    lead_id = add_lead(wb, "Hooli")
    window = open_window(qtbot, wb, area="leads")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    leads = window.area("leads")
    leads.table.setFocus()  # type: ignore[attr-defined]
    leads.table.selectRow(0)  # type: ignore[attr-defined]
    qtbot.keyClick(leads.table, Qt.Key.Key_Q, Qt.KeyboardModifier.ShiftModifier)  # type: ignore[attr-defined]
    assert lead_state(wb, lead_id)[0] == "qualified"

    def ask(parent: object, plan: convert.ConversionPlan) -> ConvertOptions:
        return ConvertOptions("Hooli platform", 42000, "USD", plan.stage.id, None, "Demo", None)

    monkeypatch.setattr(pipeline_actions.PipelineActions, "ask", staticmethod(ask))
    window.pipeline_actions.convert_action.trigger()  # type: ignore[attr-defined]
    status, opportunity_id = lead_state(wb, lead_id)
    assert status == "converted" and opportunity_id is not None
    assert window.ctx.undo_stack.undoText() == "Convert lead into “Hooli platform”"

    area = pipeline_area(window)
    area.set_mode(TABLE)
    area.table.setFocus()
    area.table.selectRow(0)
    qtbot.keyClick(area.table, Qt.Key.Key_Right, CTRL)
    qtbot.waitUntil(lambda: stage_name(wb, opportunity_id) == "Qualified", timeout=3000)
    assert window.ctx.undo_stack.undoText() == "Move “Hooli platform” to Qualified"
    return window, lead_id, opportunity_id


def test_ctrl_z_after_triage_convert_move_undoes_the_move_then_the_rest(
    qtbot: QtBot, wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, lead_id, opportunity_id = triage_convert_move(qtbot, wb, monkeypatch)
    area = pipeline_area(window)

    qtbot.keyClick(area.table, Qt.Key.Key_Z, CTRL)  # undoes the move, nothing older
    assert stage_name(wb, opportunity_id) == "Discovery"
    assert lead_state(wb, lead_id) == ("converted", opportunity_id)

    qtbot.keyClick(area.table, Qt.Key.Key_Z, CTRL)  # the conversion: deal, account, contact gone
    assert lead_state(wb, lead_id) == ("qualified", None)
    assert (count(wb, Opportunity), count(wb, Account), count(wb, Contact)) == (0, 0, 0)

    qtbot.keyClick(area.table, Qt.Key.Key_Z, CTRL)  # and the triage
    assert lead_state(wb, lead_id) == ("new", None)

    for _ in range(3):
        qtbot.keyClick(area.table, Qt.Key.Key_Y, CTRL)
    assert lead_state(wb, lead_id) == ("converted", opportunity_id)
    assert stage_name(wb, opportunity_id) == "Qualified"


def test_an_undo_over_a_later_change_is_refused_naming_the_record(
    qtbot: QtBot, wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, lead_id, opportunity_id = triage_convert_move(qtbot, wb, monkeypatch)
    told: list[tuple[str, str]] = []
    monkeypatch.setattr(undo_module, "tell_refused", lambda title, text: told.append((title, text)))
    # Another process (the CLI, a team member) edits the deal after the move:
    opp = table_of(Opportunity)
    with wb.engine.begin() as conn:
        conn.execute(opp.update().where(opp.c.id == opportunity_id).values(amount=99))
    area = pipeline_area(window)
    qtbot.keyClick(area.table, Qt.Key.Key_Z, CTRL)
    assert told and "Hooli platform" in told[0][1] and "changed since" in told[0][1]
    assert stage_name(wb, opportunity_id) == "Qualified"  # nothing was changed
    assert pipeline.get_opportunity(wb, opportunity_id).amount == 99
    qtbot.waitUntil(lambda: window.ctx.undo_stack.count() == 0)  # the history stops there
    assert lead_state(wb, lead_id) == ("converted", opportunity_id)


def test_converting_onto_an_account_with_open_deals_offers_them(
    qtbot: QtBot, wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = add_lead(wb, "Hooli", person="Ana")
    deal = convert.convert_lead(
        wb, first, name="Hooli platform", amount=9000, clock=fixed_clock(NOW)
    ).opportunity_id
    second = add_lead(wb, "Hooli", person="Bo")
    window = open_window(qtbot, wb, area="leads")
    shown: list[ConvertLeadDialog] = []

    def ask(parent: Any, plan: convert.ConversionPlan) -> ConvertOptions | None:
        dialog = ConvertLeadDialog(parent, plan)
        qtbot.addWidget(dialog)
        shown.append(dialog)
        existing = next(button for button, deal_id in dialog.deal_choices if deal_id == deal)
        qtbot.mouseClick(existing, Qt.MouseButton.LeftButton)
        assert not dialog.name.isEnabled()  # nothing of a new deal to fill in
        return dialog.options()

    monkeypatch.setattr(pipeline_actions.PipelineActions, "ask", staticmethod(ask))
    assert window.pipeline_actions.convert(second) == deal  # type: ignore[attr-defined]
    labels = [button.text() for button, _deal in shown[0].deal_choices]
    assert "Hooli platform" in labels[0] and "Discovery" in labels[0] and labels[-1] == "Create a &new deal"
    assert lead_state(wb, second) == ("converted", deal) and count(wb, Opportunity) == 1
    assert window.ctx.undo_stack.undoText() == "Add lead to “Hooli platform”"
    window.ctx.undo_stack.undo()
    assert lead_state(wb, second) == ("new", None) and count(wb, Opportunity) == 1


def test_after_the_file_is_reopened_nothing_older_can_be_undone_and_the_rep_is_told(
    qtbot: QtBot, wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, lead_id, opportunity_id = triage_convert_move(qtbot, wb, monkeypatch)
    path = wb.path
    window.ctx.replace_workbench(None)
    window.ctx.replace_workbench(open_workbench(path))
    assert window.ctx.undo_stack.count() == 0 and not window.ctx.undo_stack.canUndo()
    assert "Undo history starts here" in window.statusBar().currentMessage()
    reopened = window.ctx.wb
    assert stage_name(reopened, opportunity_id) == "Qualified"  # nothing was changed
    assert lead_state(reopened, lead_id) == ("converted", opportunity_id)
    window.ctx.replace_workbench(None)
