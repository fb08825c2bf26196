"""The change journal: undo puts back exactly what an action wrote, redo writes it
again, and neither overwrites a change made since."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text

from workbench.domain import Lead, Opportunity, table_of
from workbench.services.clock import fixed_clock
from workbench.services.leads import triage
from workbench.services.pipeline import convert
from workbench.services.pipeline import stages as pipeline
from workbench.store import Workbench, journal
from workbench.store.journal import UndoConflict

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOW = fixed_clock(T0 + timedelta(days=5))
SKIP = {"store.write_marker"}


def add_lead(wb: Workbench, name: str = "Ana López", company: str = "Acme, Inc.") -> int:
    with wb.session() as s:
        lead = Lead(name=name, company=company, company_norm=company.lower(), received_at=T0)
        s.add(lead)
        s.flush()
        assert lead.id is not None
        return lead.id


def dump(wb: Workbench) -> dict[str, list[tuple[Any, ...]]]:
    """Every journaled table's rows (the write marker aside)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with wb.engine.connect() as conn:
        for name, table in journal._tables().items():
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[name] = [tuple(r) for r in rows if not (name == "setting" and r[0] in SKIP)]
    return out


def test_undo_and_redo_of_a_conversion_restore_every_table(wb: Workbench) -> None:
    lead_id = add_lead(wb)
    start = dump(wb)
    with journal.recording() as rec:
        convert.convert_lead(wb, lead_id, amount=5000, clock=NOW)
    assert rec.changes and not rec.incomplete
    assert {c.table for c in rec.changes} >= {"lead", "account", "contact", "opportunity", "stage_change"}
    end = dump(wb)
    journal.undo(wb.engine, rec.changes)
    assert dump(wb) == start
    journal.redo(wb.engine, rec.changes)
    assert dump(wb) == end


def test_rolled_back_writes_are_not_journaled(wb: Workbench) -> None:
    lead_id = add_lead(wb)
    with journal.recording() as rec, pytest.raises(pipeline.PipelineError):
        convert.convert_lead(wb, lead_id, amount=-5, clock=NOW)
    assert not rec


def test_undo_refuses_when_a_row_changed_since_and_writes_nothing(wb: Workbench) -> None:
    lead_id = add_lead(wb)
    with journal.recording() as first:
        triage.mark_working(wb, [lead_id], clock=NOW)
    with journal.recording() as second:
        result = convert.convert_lead(wb, lead_id, amount=100, clock=NOW)
    # A foreign write (another window, the CLI, a team member) to the opportunity:
    with wb.engine.begin() as conn:
        conn.execute(
            table_of(Opportunity)
            .update()
            .where(table_of(Opportunity).c.id == result.opportunity_id)
            .values(amount=7)
        )
    before = dump(wb)
    with pytest.raises(UndoConflict) as refused:
        journal.undo(wb.engine, second.changes)
    assert "opportunity" in str(refused.value) and "changed since" in str(refused.value)
    assert dump(wb) == before
    # The older action touched only the lead, which the conversion changed since:
    with pytest.raises(UndoConflict, match="lead"):
        journal.undo(wb.engine, first.changes)
    assert dump(wb) == before


def test_undo_of_a_row_deleted_for_good_is_refused(wb: Workbench) -> None:
    lead_id = add_lead(wb)
    with journal.recording() as rec:
        triage.mark_working(wb, [lead_id], clock=NOW)
    with wb.engine.begin() as conn:
        conn.execute(table_of(Lead).delete().where(table_of(Lead).c.id == lead_id))
    with pytest.raises(UndoConflict, match="deleted for good"):
        journal.undo(wb.engine, rec.changes)


def test_redo_refuses_when_the_row_changed_after_the_undo(wb: Workbench) -> None:
    lead_id = add_lead(wb)
    with journal.recording() as rec:
        triage.qualify(wb, [lead_id], clock=NOW)
    journal.undo(wb.engine, rec.changes)
    triage.nurture(wb, [lead_id], until=(T0 + timedelta(days=30)).date(), clock=NOW)
    with pytest.raises(UndoConflict, match="cannot be redone"):
        journal.redo(wb.engine, rec.changes)


def test_raw_sql_writes_mark_the_recording_incomplete(wb: Workbench) -> None:
    add_lead(wb)
    with journal.recording() as rec, wb.engine.begin() as conn:
        conn.execute(text("UPDATE lead SET notes = 'x'"))
    assert rec.incomplete


def test_stage_moves_undo_with_their_history(wb: Workbench) -> None:
    lead_id = add_lead(wb)
    result = convert.convert_lead(wb, lead_id, amount=100, clock=NOW)
    start = dump(wb)
    stages = pipeline.list_stages(wb)
    with journal.recording() as rec:
        pipeline.move_to_stage(wb, result.opportunity_id, stages[1].id, clock=NOW)
    assert any(c.table == "stage_change" and c.before is None for c in rec.changes)
    journal.undo(wb.engine, rec.changes)
    assert dump(wb) == start


def test_a_statement_over_too_many_rows_is_not_journaled(
    wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal, "ROW_LIMIT", 2)
    for n in range(3):
        add_lead(wb, f"Person {n}")
    with journal.recording() as rec, wb.engine.begin() as conn:
        conn.execute(table_of(Lead).update().values(notes="everyone"))
    assert rec.incomplete and not rec.changes
    with journal.recording() as rec, wb.engine.begin() as conn:  # two rows are still journaled
        conn.execute(table_of(Lead).update().where(table_of(Lead).c.id <= 2).values(notes="two"))
    assert not rec.incomplete and len(rec.changes) == 2
