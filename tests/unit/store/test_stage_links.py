"""The stage history's links (where each row's opportunity went next, how long it
stayed) however the history is written — a stage move, hand-built rows, bulk rows and
relink, an older file's migration — and the funnel's re-entry correction that reads
them, on the hand-built workbench of tests/support/insights_data.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, update
from sqlmodel import select

from tests.support import insights_data as data
from workbench.domain import Opportunity, PipelineStage, StageChange, table_of
from workbench.services.clock import fixed_clock
from workbench.services.insights import funnel
from workbench.services.insights.common import Period
from workbench.services.pipeline import stages as pipeline
from workbench.store import Workbench, migrate, open_workbench, stage_links
from workbench.store.sqlite_file import APPLICATION_ID


def figures(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["entered"], row["advanced"], row["lost"], row["moved_back"], row["still_here"])


def links(wb: Workbench) -> dict[int, tuple[int | None, int | None]]:
    with wb.reading() as s:
        return {int(c.id): (c.next_stage_id, c.seconds_in_stage) for c in s.exec(select(StageChange)) if c.id}


def links_by_hand(wb: Workbench) -> dict[int, tuple[int | None, int | None]]:
    """What each row's links must be: the next row of its opportunity, in (at, id) order."""
    with wb.reading() as s:
        rows = sorted(s.exec(select(StageChange)), key=lambda c: (c.opportunity_id, c.at, c.id or 0))
    expected: dict[int, tuple[int | None, int | None]] = {}
    for row, after in zip(rows, [*rows[1:], None], strict=True):
        assert row.id is not None
        if after is None or after.opportunity_id != row.opportunity_id:
            expected[row.id] = (None, None)
        else:
            expected[row.id] = (after.to_stage_id, round((after.at - row.at).total_seconds()))
    return expected


def test_hand_built_history_is_linked_row_by_row(built: Workbench) -> None:
    found = links(built)
    assert found == links_by_hand(built)
    assert any(stay for _next, stay in found.values())  # not all empty


def test_a_stage_move_links_the_row_it_leaves(built: Workbench) -> None:
    with built.reading() as s:
        stage = {row.name: int(row.id) for row in s.exec(select(PipelineStage)) if row.id is not None}
        o7 = s.exec(select(Opportunity).where(Opportunity.name == "O7")).one()
        assert o7.id is not None
        latest = pipeline.history(built, o7.id)[-1]
    moved_at = latest.at + timedelta(days=3, hours=4)
    assert pipeline.move_to_stage(built, o7.id, stage["Proposal"], clock=fixed_clock(moved_at))
    history = pipeline.history(built, o7.id)
    assert (history[-2].next_stage_id, history[-2].seconds_in_stage) == (
        stage["Proposal"],
        3 * 86400 + 4 * 3600,
    )
    assert (history[-1].next_stage_id, history[-1].seconds_in_stage) == (None, None)
    assert links(built) == links_by_hand(built)


def test_rows_written_in_bulk_are_linked_by_relink(built: Workbench) -> None:
    with built.engine.begin() as conn:  # what a bulk writer leaves: rows without links
        conn.execute(update(table_of(StageChange)).values(next_stage_id=None, seconds_in_stage=None))
    emptied = links(built)
    assert all(value == (None, None) for value in emptied.values())
    with built.reading() as s:
        first = min(c.opportunity_id for c in s.exec(select(StageChange)))
    with built.engine.begin() as conn:
        stage_links.relink(conn, [first])
    partly = links(built)
    expected = links_by_hand(built)
    assert partly != expected and any(partly[i] == expected[i] != (None, None) for i in partly)
    with built.engine.begin() as conn:
        stage_links.relink(conn)
    assert links(built) == expected


def test_an_older_file_gets_its_links_when_it_is_migrated(db_path: Path) -> None:
    engine = create_engine(f"sqlite:///{db_path}")
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        migrate.upgrade_on(conn, "0001")
        conn.exec_driver_sql(
            "INSERT INTO pipeline_stage (id, uuid, created_at, updated_at, name, position, probability, "
            "kind) VALUES (1, 'a', '2026-01-01', '2026-01-01', 'Discovery', 0, 10, 'open'), "
            "(2, 'b', '2026-01-01', '2026-01-01', 'Won', 1, 100, 'won')"
        )
        conn.exec_driver_sql(
            "INSERT INTO opportunity (id, uuid, created_at, updated_at, owner, name, amount, currency, "
            "stage_id, stage_entered_at, outcome, close_reason, close_note, kind, source, campaign, "
            "next_step) "
            "VALUES (1, 'o', '2026-01-01', '2026-01-01', '', 'Deal', 100, 'USD', 2, '2026-01-05', "
            "'won', 'price', '', 'inbound', '', '', '')"
        )
        conn.exec_driver_sql(
            "INSERT INTO stage_change (id, uuid, opportunity_id, from_stage_id, to_stage_id, at, note) "
            "VALUES (1, 's1', 1, NULL, 1, '2026-01-01 09:00:00.000000', ''), "
            "(2, 's2', 1, 1, 2, '2026-01-05 10:30:00.000000', '')"
        )
    engine.dispose()
    with open_workbench(db_path) as wb:
        assert links(wb) == {1: (2, 4 * 86400 + 5400), 2: (None, None)}


def test_a_reopened_deal_counts_once_in_every_stage(built: Workbench) -> None:
    with built.reading() as s:
        before = data.by_stage(funnel.compute(s, Period(), data.NOW))
    with built.session() as s:
        stage = {row.name: int(row.id) for row in s.exec(select(PipelineStage)) if row.id is not None}
        deal = Opportunity(name="O9", stage_id=stage["Won"], outcome="won", amount=1_000)
        s.add(deal)
        s.flush()
        assert deal.id is not None
        # Discovery → Won, reopened into Qualified, then won again.
        steps = [
            (None, "Discovery", 1),
            ("Discovery", "Won", 2),
            ("Won", "Qualified", 3),
            ("Qualified", "Won", 4),
        ]
        for source, target, day in steps:
            s.add(
                StageChange(
                    opportunity_id=deal.id,
                    from_stage_id=stage[source] if source else None,
                    to_stage_id=stage[target],
                    at=datetime(2026, 3, day, 9, tzinfo=UTC),
                )
            )
    with built.reading() as s:
        after = data.by_stage(funnel.compute(s, Period(), data.NOW))
    assert after["Won"]["entered"] == before["Won"]["entered"] + 1
    for name, added in (("Discovery", (1, 1, 0, 0, 0)), ("Qualified", (1, 1, 0, 0, 0))):
        assert figures(after[name]) == tuple(b + a for b, a in zip(figures(before[name]), added, strict=True))
