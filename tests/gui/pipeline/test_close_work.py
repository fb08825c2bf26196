"""Closing a deal from the GUI: the Won/Lost dialog offers the outcome's own reasons
and the deal's open work; Lost with the default choices leaves nothing open, and
Ctrl+Z brings back exactly what the close changed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot
from sqlmodel import col, select

from workbench.domain import FollowUp, StageKind
from workbench.services.clock import fixed_clock
from workbench.services.outreach import log as outreach
from workbench.services.outreach.log import LogEntry
from workbench.services.pipeline import convert
from workbench.services.pipeline import stages as pipeline
from workbench.services.records import RecordKind, RecordRef
from workbench.store import Workbench
from workbench.ui.pipeline import moves as pipeline_moves
from workbench.ui.pipeline.close_opportunity import CloseAnswer, CloseOpportunityDialog

from .test_pipeline_area import NOW, add_lead, open_window, pipeline_area

CTRL = Qt.KeyboardModifier.ControlModifier


def deal_with_work(wb: Workbench) -> int:
    opp = convert.convert_lead(
        wb, add_lead(wb, "Acme"), amount=9000, next_step="Send a recap", clock=fixed_clock(NOW)
    ).opportunity_id
    entry = LogEntry(
        channel="email",
        note="questionnaire received",
        target=RecordRef(RecordKind.OPPORTUNITY, opp),
        next_title="Send security questionnaire answers",
        next_due=NOW + timedelta(days=2),
    )
    outreach.log_activity(wb, entry, now=NOW)
    return opp


def open_followups(wb: Workbench, opp: int) -> list[str]:
    with wb.reading() as s:
        stmt = select(FollowUp.title).where(FollowUp.opportunity_id == opp, col(FollowUp.done_at).is_(None))
        return list(s.exec(stmt))


def answer_with_defaults(qtbot: QtBot, seen: list[CloseOpportunityDialog], lost_to: str = "") -> Any:
    """Drive the real dialog: pick the first reason with the keyboard, keep every other default."""

    def ask(parent: Any, **kw: Any) -> CloseAnswer | None:
        dialog = CloseOpportunityDialog(parent, **kw)
        qtbot.addWidget(dialog)
        seen.append(dialog)
        dialog.reason.setFocus()
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Down)
        if lost_to:
            dialog.lost_to.setFocus()
            qtbot.keyClicks(dialog.lost_to.lineEdit(), lost_to)
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
        return dialog.answer() if dialog.result() else None

    return ask


def test_lost_with_the_default_choices_leaves_no_open_followup_and_undo_brings_it_back(
    qtbot: QtBot, wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    opp = deal_with_work(wb)
    window = open_window(qtbot, wb)
    area = pipeline_area(window)
    seen: list[CloseOpportunityDialog] = []
    monkeypatch.setattr(pipeline_moves, "ask_close", answer_with_defaults(qtbot, seen, lost_to="Rival Corp"))
    lost = next(s for s in pipeline.list_stages(wb) if s.kind is StageKind.LOST)
    assert pipeline_moves.move(area, window.ctx, opp, lost)

    dialog = seen[0]
    assert "Send security questionnaire answers" in dialog.work_label.text()
    assert "Send a recap" in dialog.work_label.text()
    assert dialog.finish_work.isChecked()  # done is the default
    assert open_followups(wb, opp) == []
    got = pipeline.get_opportunity(wb, opp)
    assert (got.outcome, got.next_step, got.lost_to) == ("lost", "", "Rival Corp")
    assert window.ctx.undo_stack.undoText() == f"Mark “{got.name}” lost"

    window.ctx.undo_stack.undo()
    assert open_followups(wb, opp) == ["Send security questionnaire answers"]
    got = pipeline.get_opportunity(wb, opp)
    assert (got.outcome, got.next_step, got.lost_to) == ("open", "Send a recap", "")


def test_the_won_dialog_offers_won_reasons_not_loss_reasons(
    qtbot: QtBot, wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    opp = deal_with_work(wb)
    window = open_window(qtbot, wb)
    area = pipeline_area(window)
    seen: list[CloseOpportunityDialog] = []
    monkeypatch.setattr(pipeline_moves, "ask_close", answer_with_defaults(qtbot, seen))
    won = next(s for s in pipeline.list_stages(wb) if s.kind is StageKind.WON)
    assert pipeline_moves.move(area, window.ctx, opp, won)
    offered = [seen[0].reason.itemText(i) for i in range(1, seen[0].reason.count())]
    assert {"Product fit", "Relationship", "Champion"} <= set(offered)
    assert not {"Went silent", "No budget", "Poor fit"} & set(offered)
    assert seen[0].lost_to.isHidden()
    assert pipeline.get_opportunity(wb, opp).close_reason == "price"
