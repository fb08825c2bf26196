"""Funnel, activity ratios, pipeline, quota math, the whole stats dict and ``workbench stats``
on the hand-built workbench of tests/support/insights_data.py (answers worked out by hand)."""

from __future__ import annotations

import json
from datetime import UTC, date
from pathlib import Path

import pytest

from tests.support import insights_data as data
from workbench.cli import main
from workbench.services.clock import fixed_clock
from workbench.services.insights import activity, funnel, pipeline, quota
from workbench.services.insights.common import Period
from workbench.services.insights.quota import Quota, quarter_of
from workbench.services.insights.stats import compute_stats, save_quota
from workbench.services.settings import values as settings
from workbench.store import Workbench, open_workbench

MARCH = Period.from_dates(*data.MARCH, tz=UTC)


def test_funnel_of_the_opportunities_that_entered_in_march(built: Workbench) -> None:
    with built.reading() as s:
        rows = funnel.compute(s, MARCH, data.NOW)
    assert [r["stage"] for r in rows] == [
        "Discovery",
        "Qualified",
        "Solution",
        "Proposal",
        "Negotiation",
        "Won",
    ]
    stages = data.by_stage(rows)
    # O1, O2, O3 entered in March (O4, O6, O7 in February; O5 is in the trash).
    d, q, p = stages["Discovery"], stages["Qualified"], stages["Proposal"]
    assert (d["entered"], d["advanced"], d["lost"], d["moved_back"], d["still_here"]) == (3, 2, 0, 0, 1)
    assert (q["entered"], q["advanced"], q["lost"], q["moved_back"], q["still_here"]) == (2, 1, 1, 1, 0)
    assert (p["entered"], p["advanced"], p["lost"]) == (1, 1, 0)
    assert stages["Solution"]["entered"] == 0 and stages["Solution"]["advance_rate"] is None
    assert stages["Won"]["entered"] == 1
    assert stages["Won"]["advanced"] is None  # a closing stage has no way further
    # Stays in Discovery: 2 d (O1), 2 d and 1 d (O2 twice), 26 d 3 h (O3, until now) → 2 d.
    assert d["median_days_in_stage"] == pytest.approx(2.0)
    assert q["median_days_in_stage"] == pytest.approx(3.0)  # 5 d, 2 d, 3 d
    assert p["median_days_in_stage"] == pytest.approx(10.0)
    assert stages["Won"]["median_days_in_stage"] is None
    # Bottom-up: per won deal, 3 entered Discovery, 2 Qualified, 1 Proposal.
    assert [stages[n]["per_won"] for n in ("Discovery", "Qualified", "Proposal", "Won")] == [3, 2, 1, 1]
    assert q["loss_rate"] == 0.5 and d["advance_rate"] == pytest.approx(2 / 3)
    assert [r["stage"] for r in rows if r["worst_leak"]] == ["Qualified"]


def test_funnel_of_all_time(built: Workbench) -> None:
    with built.reading() as s:
        stages = data.by_stage(funnel.compute(s, Period(), data.NOW))
    q = stages["Qualified"]
    # O4 (lost from Qualified) and O7 (still there) join.
    assert (q["entered"], q["advanced"], q["lost"], q["still_here"]) == (4, 1, 2, 1)
    # Stays: 5 d, 2 d, 3 d, 9 d (O4), 45 d 3 h (O7 until now) → 5 d.
    assert q["median_days_in_stage"] == pytest.approx(5.0)
    assert stages["Proposal"]["entered"] == 2  # O6 entered there directly
    assert stages["Proposal"]["still_here"] == 1


def test_activity_ratios_in_march(built: Workbench) -> None:
    with built.reading() as s:
        result = activity.compute(s, MARCH, data.NOW, goal_per_week=5, tz=UTC)
    # a1…a8 less the note (a7); a9 is in January, a10 in the trash.
    assert result["touches"] == 7
    assert result["by_channel"] == {"call": 4, "email": 2, "meeting": 0, "social": 1}
    assert (result["connected_calls"], result["meetings_booked"]) == (2, 1)
    assert (result["opportunities"], result["won"]) == (3, 1)  # O1, O2, O3 entered; O1 won
    assert result["touches_per_connected_call"] == 3.5
    assert result["touches_per_meeting_booked"] == 7.0
    assert result["touches_per_opportunity"] == pytest.approx(7 / 3)
    assert result["touches_per_won"] == 7.0
    assert result["touches_per_week"] == pytest.approx(7 / (31 / 7))
    weeks = result["weeks"]
    assert len(weeks) == 12
    assert weeks[-1] == {"week_start": "2026-03-30", "touches": 0, "goal": 5}
    assert {w["week_start"]: w["touches"] for w in weeks if w["touches"]} == {
        "2026-03-02": 6,
        "2026-03-09": 1,
    }
    assert weeks[0]["week_start"] == "2026-01-12"


def test_pipeline_now(built: Workbench) -> None:
    with built.reading() as s:
        result = pipeline.compute(s, data.NOW)
    # O3 10,000 × 10 %, O6 20,000 × its own 50 %, O7 5,000 × 25 %; O5 is in the trash.
    assert result["open_count"] == 3
    assert result["open_amount"] == 35_000
    assert result["weighted_amount"] == pytest.approx(12_250)
    assert (result["stale_count"], result["stale_amount"]) == (1, 5_000)  # O7: no touch since Feb 15
    assert result["currencies"] == ["USD"]
    assert [(r["stage"], r["count"], r["amount"], r["weighted"]) for r in result["by_stage"]] == [
        ("Discovery", 1, 10_000, pytest.approx(1_000)),
        ("Qualified", 1, 5_000, pytest.approx(1_250)),
        ("Solution", 0, 0, 0),
        ("Proposal", 1, 20_000, pytest.approx(10_000)),
        ("Negotiation", 0, 0, 0),
    ]
    assert [(m["month"], m["amount"], m["weighted"]) for m in result["by_month"]] == [
        ("2026-04", 20_000, pytest.approx(10_000)),
        ("2026-05", 10_000, pytest.approx(1_000)),
        (pipeline.NO_DATE, 5_000, pytest.approx(1_250)),
    ]


def test_quota_math_from_the_reps_own_rates(built: Workbench) -> None:
    target = Quota(100_000, date(2026, 4, 1), date(2026, 6, 30))
    with built.reading() as s:
        result = quota.compute(
            s, target, MARCH, data.NOW, lead_to_opportunity=0.5, touches_per_opportunity=7 / 3, tz=UTC
        )
    # March closed O1 (won, 30,000) and O2 (lost): win rate 50 %, average deal 30,000.
    assert result["win_rate"] == 0.5 and result["average_deal"] == 30_000
    assert (result["won_so_far"], result["remaining"]) == (0, 100_000)
    assert result["deals_needed"] == 4  # ⌈100,000 / 30,000⌉
    assert result["opportunities_needed"] == 8  # 4 / 50 %
    assert result["leads_needed"] == 16  # 8 / 50 %
    assert result["touches_needed"] == 19  # ⌈8 × 7/3⌉
    assert result["weeks_left"] == pytest.approx(90.5 / 7)  # Apr 1 12:00 → Jul 1 00:00
    assert result["touches_per_week_needed"] == pytest.approx(19 / (90.5 / 7))
    # Expected to close in the quarter: O6 (Apr 20) and O3 (May 15).
    assert (result["pipeline_count"], result["pipeline_amount"]) == (2, 30_000)
    assert result["pipeline_weighted"] == pytest.approx(11_000)
    assert result["gap"] == pytest.approx(89_000)
    assert result["extra_opportunities_needed"] == 6  # ⌈89,000 / 30,000 / 50 %⌉
    assert result["coverage"] == pytest.approx(0.3)


def test_quota_without_history_gives_no_made_up_numbers(wb: Workbench) -> None:
    target = Quota(50_000, date(2026, 4, 1), date(2026, 6, 30))
    with wb.reading() as s:
        result = quota.compute(
            s, target, MARCH, data.NOW, lead_to_opportunity=None, touches_per_opportunity=None, tz=UTC
        )
    assert result["win_rate"] is None and result["average_deal"] is None
    assert result["deals_needed"] is None and result["opportunities_needed"] is None
    assert result["leads_needed"] is None and result["touches_needed"] is None
    assert result["gap"] == 50_000 and result["extra_opportunities_needed"] is None


def test_quarters() -> None:
    assert quarter_of(date(2026, 2, 14)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert quarter_of(date(2026, 11, 30)) == (date(2026, 10, 1), date(2026, 12, 31))


def test_stats_puts_every_section_together_with_the_saved_quota(built: Workbench) -> None:
    save_quota(built, Quota(100_000, date(2026, 4, 1), date(2026, 6, 30)))
    timings: dict[str, float] = {}
    result = compute_stats(built, MARCH, clock=fixed_clock(data.NOW), tz=UTC, timings=timings)
    assert set(timings) == {
        "conversion",
        "speed_to_lead_hours",
        "funnel",
        "activity",
        "pipeline",
        "lost_reasons",
        "sequences",
        "quota",
    }
    assert result["conversion"]["total"]["leads"] == 6
    assert result["speed_to_lead_hours"]["median"] == pytest.approx(2.5)  # inbound and referral only
    assert result["speed_to_lead_hours"]["left_out"] == 2  # the two cold leads
    assert result["quota"]["opportunities_needed"] == 8
    assert result["quota"]["leads_needed"] == 16
    assert result["currency"] == "USD"
    json.dumps(result)  # plain JSON all the way down
    save_quota(built, None)
    assert settings.read(built, "insights.quota_amount") == 0.0
    assert compute_stats(built, MARCH, clock=fixed_clock(data.NOW), tz=UTC)["quota"] is None


@pytest.mark.sqlite_only  # the CLI takes a file path
def test_cli_stats_json_has_the_promised_keys(built: Workbench, capsys: pytest.CaptureFixture[str]) -> None:
    path = built.path
    built.close()
    code = main(["stats", "--db", str(path), "--from", "2026-03-01", "--to", "2026-03-31", "--json"])
    assert code == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    result = json.loads(out)
    for dim in ("by_kind", "by_source", "by_campaign"):
        for group in result["conversion"][dim].values():
            for key in (
                "leads",
                "opportunities",
                "won",
                "lead_to_opportunity",
                "lead_to_opportunity_ci",
                "opportunity_to_won",
            ):
                assert key in group
    # The period is local days; the hand-built March data sits well inside any time zone.
    assert result["conversion"]["by_source"]["webinar"]["leads"] == 3
    assert "median" in result["speed_to_lead_hours"]
    assert {"entered", "advanced", "lost"} <= set(result["funnel"][0])
    assert result["pipeline"]["open_amount"] == 35_000
    assert result["pipeline"]["weighted_amount"] == pytest.approx(12_250)


def test_cli_stats_refuses_bad_input(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    open_workbench(db_path).close()
    assert main(["stats", "--db", str(db_path), "--from", "March", "--json"]) == 2
    assert main(["stats", "--db", str(db_path), "--from", "2026-03-10", "--to", "2026-03-01"]) == 2
    assert main(["stats", "--db", str(db_path), "--quota", "lots"]) == 2
    assert main(["stats", "--db", str(db_path / "missing.db")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "YYYY-MM-DD" in captured.err


@pytest.mark.sqlite_only  # the CLI takes a file path
def test_cli_stats_text_and_quota(built: Workbench, capsys: pytest.CaptureFixture[str]) -> None:
    path = built.path
    built.close()
    code = main(
        [
            "stats",
            "--db",
            str(path),
            "--quota",
            "100000",
            "--quota-from",
            "2026-04-01",
            "--quota-to",
            "2026-06-30",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "leads 7" in out and "worst leak" in out and "quota 100,000" in out
