"""Conversion and speed-to-lead on the hand-built workbench of tests/support/insights_data.py.

The right answers are worked out by hand from that module's docstring.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

import pytest

from tests.support import insights_data as data
from workbench.services.clock import fixed_clock
from workbench.services.insights import conversion, speed
from workbench.services.insights.common import NONE_KEY, Period
from workbench.services.insights.stats import compute_stats
from workbench.services.insights.wilson import wilson_interval
from workbench.store import Workbench

MARCH = Period.from_dates(*data.MARCH, tz=UTC)


def counts(group: dict[str, Any]) -> tuple[int, int, int]:
    return group["leads"], group["opportunities"], group["won"]


def test_conversion_by_every_dimension_in_march(built: Workbench) -> None:
    with built.reading() as s:
        result = conversion.compute(s, MARCH, min_leads=3)
    total = result["total"]
    # L1…L6: L7 is in the trash, L8 arrived in January.
    assert counts(total) == (6, 3, 1)
    assert total["lost"] == 1 and total["open"] == 1
    assert total["lead_to_opportunity"] == 0.5
    assert total["lead_to_opportunity_ci"] == pytest.approx(list(wilson_interval(3, 6) or ()))
    assert total["opportunity_to_won"] == pytest.approx(1 / 3)
    assert total["win_rate"] == 0.5  # won / (won + lost)
    by_kind = result["by_kind"]
    assert list(by_kind) == ["inbound", "target", "referral"]  # biggest first
    assert counts(by_kind["inbound"]) == (3, 2, 1)
    assert counts(by_kind["target"]) == (2, 1, 0)
    assert counts(by_kind["referral"]) == (1, 0, 0)
    assert {k: counts(v) for k, v in result["by_source"].items()} == {
        "webinar": (3, 2, 1),
        "cold": (2, 1, 0),
        "referral": (1, 0, 0),
    }
    assert {k: counts(v) for k, v in result["by_campaign"].items()} == {
        NONE_KEY: (4, 1, 0),
        "Spring": (2, 2, 1),
    }
    assert {k: counts(v) for k, v in result["by_industry"].items()} == {
        "Software": (2, 2, 1),
        "Retail": (2, 1, 0),
        NONE_KEY: (2, 0, 0),
    }


def test_small_groups_are_marked_not_meaningful(built: Workbench) -> None:
    with built.reading() as s:
        result = conversion.compute(s, MARCH, min_leads=3)
    assert result["by_kind"]["inbound"]["meaningful"] is True  # 3 leads
    assert result["by_kind"]["target"]["meaningful"] is False  # 2 leads
    assert result["min_group_leads"] == 3


def test_zero_denominator_groups_have_no_rates(built: Workbench) -> None:
    with built.reading() as s:
        result = conversion.compute(s, MARCH, min_leads=3)
    referral = result["by_kind"]["referral"]  # 1 lead, no opportunity
    assert referral["lead_to_opportunity"] == 0.0
    assert referral["opportunity_to_won"] is None
    assert referral["opportunity_to_won_ci"] is None
    assert referral["win_rate"] is None


def test_all_time_and_an_empty_period(built: Workbench) -> None:
    with built.reading() as s:
        everything = conversion.compute(s, Period(), min_leads=3)
        nothing = conversion.compute(s, Period(end=data.at(1, 1)), min_leads=3)
    assert counts(everything["total"]) == (7, 3, 1)  # L8 joins; still no trashed lead
    assert counts(everything["by_source"]["webinar"]) == (4, 2, 1)
    assert counts(nothing["total"]) == (0, 0, 0)
    assert nothing["total"]["lead_to_opportunity"] is None
    assert nothing["total"]["lead_to_opportunity_ci"] is None
    assert set(nothing["by_kind"]) == {"inbound", "target", "referral"}
    assert nothing["by_source"] == {}


def test_speed_to_lead_in_march(built: Workbench) -> None:
    with built.reading() as s:
        result = speed.compute(s, MARCH, min_leads=3)
    # Inbound and referral only (L4 and L5 are cold targets, left out):
    # 30 min, 2 h, 3 h, 48 h → 2.5 h.
    assert result["median"] == pytest.approx(2.5)
    assert (result["touched"], result["untouched"], result["left_out"]) == (4, 0, 2)
    assert [b["leads"] for b in result["histogram"]] == [0, 1, 2, 0, 1, 0, 0]
    assert result["histogram"][1]["label"] == "5–60 min"
    assert result["histogram"][1]["from_hours"] == pytest.approx(5 / 60)
    assert result["histogram"][1]["to_hours"] == 1.0
    by_source = result["by_source"]
    assert list(by_source) == ["webinar", "referral"]  # no speed for the cold leads
    assert by_source["webinar"]["median"] == pytest.approx(2.0)  # 30 min, 2 h, 3 h
    assert by_source["referral"]["median"] == pytest.approx(48.0)
    assert [b["leads"] for b in by_source["webinar"]["histogram"]] == [0, 1, 2, 0, 0, 0, 0]


def test_conversion_of_leads_touched_within_the_hour(built: Workbench) -> None:
    with built.reading() as s:
        groups = speed.compute(s, MARCH, min_leads=3)["conversion_by_first_touch"]
    assert counts(groups["within_hour"]) == (1, 1, 1)  # L1 (won); L4 is a cold lead
    assert counts(groups["later"]) == (3, 1, 0)  # L2 (lost), L3, L6
    assert counts(groups["never"]) == (0, 0, 0)  # L5 is a cold lead
    assert groups["within_hour"]["lead_to_opportunity"] == 1.0
    assert groups["later"]["lead_to_opportunity"] == pytest.approx(1 / 3)


def test_speed_medians_of_even_counts_average_the_middle_two(built: Workbench) -> None:
    with built.reading() as s:
        result = speed.compute(s, Period(), min_leads=3)
    # All time adds L8 (5 min): 5 min, 30 min, 2 h, 3 h, 48 h → 2 h (the cold L4 left out).
    assert result["median"] == pytest.approx(2.0)
    assert result["by_source"]["webinar"]["median"] == pytest.approx(1.25)  # 5 min, 30 min, 2 h, 3 h
    assert result["touched"] == 5


def test_overall_median_across_many_sources_matches_a_plain_sort(wb: Workbench) -> None:
    """The bracketing between source medians gives the exact median, odd and even."""
    import random

    from workbench.domain import Lead

    rnd = random.Random(7)
    speeds: list[int] = []
    with wb.session() as s:
        for i in range(301):
            value = int(rnd.expovariate(1 / 5000)) if i % 9 else None
            source = rnd.choice(["a", "b", "c", "d", ""]) if i % 4 else "z"
            s.add(Lead(name=f"x{i}", source=source, received_at=data.T0, speed_to_lead_s=value))
            if value is not None:
                speeds.append(value)
    speeds.sort()
    n = len(speeds)
    expected = (speeds[(n - 1) // 2] + speeds[n // 2]) / 2 / 3600
    with wb.reading() as s:
        result = speed.compute(s, Period(), min_leads=3)
    assert result["median"] == pytest.approx(expected)
    assert result["touched"] == n


def test_the_slowest_bucket_worked_out_from_the_cube_is_the_one_read(wb: Workbench) -> None:
    """Speed-to-lead in the Insights area takes the leads per source from conversion's
    cube and leaves its slowest bucket unread: what remains must be what is there."""
    import random

    from workbench.domain import Lead

    rnd = random.Random(11)
    with wb.session() as s:
        for i in range(240):
            value = int(rnd.expovariate(1 / (4 * 86400))) if i % 7 else None  # days, some > 7
            received = data.T0 if i % 3 else data.at(2, 10)  # some outside March
            s.add(
                Lead(
                    name=f"y{i}",
                    source=rnd.choice(["a", "b", ""]),
                    received_at=received,
                    speed_to_lead_s=value,
                )
            )
    for period in (Period(), MARCH):
        with wb.reading() as s:
            read = speed.compute(s, period, min_leads=3)
            live = conversion.leads_by_source(conversion.cube(s, period))
            worked_out = speed.compute(s, period, min_leads=3, live_by_source=live)
        assert worked_out == read
        assert read["histogram"][speed.DERIVED]["leads"] > 0
        assert read["histogram"][speed.DERIVED]["label"] == "> 7 days"


def test_empty_workbench(wb: Workbench) -> None:
    result = compute_stats(wb, MARCH, clock=fixed_clock(data.NOW), tz=UTC)
    assert result["conversion"]["total"]["leads"] == 0
    assert result["conversion"]["total"]["lead_to_opportunity"] is None
    assert result["speed_to_lead_hours"]["median"] is None
    assert all(b["leads"] == 0 for b in result["speed_to_lead_hours"]["histogram"])
    assert [stage["entered"] for stage in result["funnel"]] == [0] * 6
    assert not any(stage["worst_leak"] for stage in result["funnel"])
    assert result["activity"]["touches"] == 0
    assert result["activity"]["touches_per_meeting_booked"] is None
    assert result["pipeline"]["open_amount"] == 0
    assert result["pipeline"]["by_month"] == []
    assert result["quota"] is None
