"""The undo commands themselves: a ServiceCommand (what the leads area pushes) refuses
an undo over a later change and the history stops there; a step that wrote outside the
journal is not offered for undo."""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from workbench.domain import Lead, table_of
from workbench.services.clock import fixed_clock
from workbench.services.leads import edit as leads
from workbench.services.leads import triage
from workbench.services.leads.edit import LeadFields
from workbench.store import Workbench
from workbench.ui.common import undo as undo_module
from workbench.ui.common.context import AppContext
from workbench.ui.common.undo import ServiceCommand, push, undoable

from ..leads.test_leads_area import NOW


def status(wb: Workbench, lead_id: int) -> str:
    with wb.reading() as s:
        lead = s.get(Lead, lead_id)
        assert lead is not None
        return lead.status


def test_a_service_command_refuses_over_a_later_change(
    qtbot: QtBot, qapp: Any, wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[tuple[str, str]] = []
    monkeypatch.setattr(undo_module, "tell_refused", lambda title, message: told.append((title, message)))
    ctx = AppContext(wb, fixed_clock(NOW))
    lead_id = leads.create_lead(wb, LeadFields(name="Ana López", company="Acme"), clock=fixed_clock(NOW))
    with undoable(ctx, "Edit notes"):
        leads.update_lead(
            wb, lead_id, LeadFields(name="Ana López", company="Acme", notes="hi"), clock=ctx.clock
        )
    push(
        ServiceCommand(
            ctx, "Mark 1 lead working", lambda: triage.mark_working(wb, [lead_id], clock=ctx.clock)
        ),
        ctx,
    )
    assert status(wb, lead_id) == "working" and ctx.undo_stack.count() == 2
    lead = table_of(Lead)
    with wb.engine.begin() as conn:  # the CLI qualifies her meanwhile
        conn.execute(lead.update().where(lead.c.id == lead_id).values(status="qualified"))
    ctx.undo_stack.undo()
    assert told and told[0][0] == "Cannot undo “Mark 1 lead working”"
    assert 'lead "Ana López" has changed since' in told[0][1]
    assert status(wb, lead_id) == "qualified"
    qtbot.waitUntil(lambda: ctx.undo_stack.count() == 0)  # the older edit cannot be undone past it
    ctx.replace_workbench(None)


def test_a_step_written_outside_the_journal_is_not_offered(
    qapp: Any, wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    monkeypatch.setattr(undo_module, "say_not_undoable", said.append)
    ctx = AppContext(wb, fixed_clock(NOW))
    lead_id = leads.create_lead(wb, LeadFields(name="Ana López", company="Acme"), clock=fixed_clock(NOW))
    with undoable(ctx, "Mark working"):
        triage.mark_working(wb, [lead_id], clock=ctx.clock)
    assert ctx.undo_stack.count() == 1
    with undoable(ctx, "Raw"), wb.engine.begin() as conn:
        conn.execute(text("UPDATE lead SET notes = 'raw'"))
    assert ctx.undo_stack.count() == 0 and said == ["Raw"]
    ctx.replace_workbench(None)
