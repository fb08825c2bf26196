"""The funnel's history pass in parts and its re-entry correction, on the hand-built
workbench of tests/support/insights_data.py (plus one reopened deal)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import select

from tests.support import insights_data as data
from workbench.domain import Opportunity, PipelineStage, StageChange
from workbench.services.insights import funnel
from workbench.services.insights.common import Period
from workbench.store import Workbench

MARCH = Period.from_dates(*data.MARCH, tz=UTC)


def figures(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["entered"], row["advanced"], row["lost"], row["moved_back"], row["still_here"])


@pytest.mark.parametrize("period", [Period(), MARCH], ids=["all time", "march"])
@pytest.mark.parametrize("parts", [2, 3, 7])
def test_parts_put_together_give_the_whole_funnel(built: Workbench, period: Period, parts: int) -> None:
    with built.reading() as s:
        whole = funnel.compute(s, period, data.NOW)
        pieces = [funnel.measure(s, period, data.NOW, part=i, parts=parts) for i in range(parts)]
    assert funnel.rows(funnel.merge(pieces)) == whole


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
