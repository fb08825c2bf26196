"""Insights' lost reasons: lost deals of the period per reason and per competitor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from workbench.domain import StageKind
from workbench.services.clock import fixed_clock
from workbench.services.insights.common import Period
from workbench.services.insights.stats import compute_stats
from workbench.services.pipeline import convert
from workbench.services.pipeline import stages as pipeline
from workbench.store import Workbench

from ..pipeline.test_convert import add_lead

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def lose(wb: Workbench, n: int, reason: str, lost_to: str, at: datetime) -> None:
    lead = add_lead(wb, f"P{n}", f"Co{n}", f"p{n}@co{n}.com")
    opp = convert.convert_lead(wb, lead, amount=10, clock=fixed_clock(T0)).opportunity_id
    pipeline.close(wb, opp, StageKind.LOST, reason, lost_to=lost_to, clock=fixed_clock(at))


def test_lost_reasons_count_reasons_and_competitors_in_the_period(wb: Workbench) -> None:
    lose(wb, 1, "price", "Rival", T0 + timedelta(days=1))
    lose(wb, 2, "price", "Rival", T0 + timedelta(days=2))
    lose(wb, 3, "price", "", T0 + timedelta(days=3))
    lose(wb, 4, "went silent", "Other Co", T0 + timedelta(days=4))
    lose(wb, 5, "no budget", "Rival", T0 + timedelta(days=40))  # outside the period
    period = Period(T0, T0 + timedelta(days=10))
    lost = compute_stats(wb, period, clock=fixed_clock(T0 + timedelta(days=50)), parallel=False)[
        "lost_reasons"
    ]
    assert lost["lost"] == 4
    assert [(r["reason"], r["count"]) for r in lost["reasons"]] == [("price", 3), ("went silent", 1)]
    assert lost["reasons"][0]["lost_to"] == [{"name": "Rival", "count": 2}]
    assert lost["competitors"] == [{"name": "Rival", "count": 2}, {"name": "Other Co", "count": 1}]
