"""Export → rollup gives exactly the numbers of ``workbench stats`` (the Insights service)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support import pipeline_data as data
from workbench.cli import main
from workbench.services.clock import fixed_clock
from workbench.services.insights.stats import compute_stats
from workbench.services.manager.export import export_pipeline
from workbench.services.manager.rollup import RepFigures, roll_up
from workbench.services.manager.summary import period_of
from workbench.store import Workbench, open_workbench

ANCHOR = datetime(2026, 3, 2, 9, tzinfo=UTC)


def assert_same_numbers(f: RepFigures, stats: dict[str, Any], period_stats: dict[str, Any]) -> None:
    conv = stats["conversion"]
    for mine, theirs in ((f.by_kind, conv["by_kind"]), (f.by_source, conv["by_source"])):
        expected = {k: (g["leads"], g["opportunities"], g["won"]) for k, g in theirs.items() if g["leads"]}
        assert {k: (c.leads, c.opportunities, c.won) for k, c in mine.items()} == expected
        for name, c in mine.items():
            assert c.lead_to_opportunity == theirs[name]["lead_to_opportunity"]
            assert c.opportunity_to_won == theirs[name]["opportunity_to_won"]
    assert f.leads == conv["total"]["leads"]
    assert f.speed_median_hours == pytest.approx(stats["speed_to_lead_hours"]["median"], rel=1e-12)
    assert len(f.speeds) == stats["speed_to_lead_hours"]["touched"]
    pipe = stats["pipeline"]
    assert (f.open_count, f.open_amount, f.weighted_amount) == pytest.approx(
        (pipe["open_count"], pipe["open_amount"], pipe["weighted_amount"]), rel=1e-12
    )
    assert (f.stale_count, f.stale_amount) == pytest.approx(
        (pipe["stale_count"], pipe["stale_amount"]), rel=1e-12
    )
    assert [(s.stage, s.count) for s in f.stages] == [(s["stage"], s["count"]) for s in pipe["by_stage"]]
    assert f.touches == period_stats["activity"]["touches"]
    assert f.won_count == period_stats["activity"]["won"]
    for week in period_stats["activity"]["weeks"]:
        start = date.fromisoformat(week["week_start"])
        if start >= f.period_from:  # whole weeks of the period
            assert f.touches_per_week.get(start, 0) == week["touches"], start


@pytest.mark.parametrize("form", ["xlsx", "json"])
def test_hand_built_workbench_round_trip(wb: Workbench, tmp_path: Path, form: str) -> None:
    data.build(wb)
    out = tmp_path / f"dana.{form}"
    export_pipeline(wb, out, clock=fixed_clock(data.NOW))
    figures = roll_up([out]).reps[0]
    stats = compute_stats(wb, clock=fixed_clock(data.NOW), tz=UTC)
    period_stats = compute_stats(
        wb, period_of(figures.period_from, figures.period_to), clock=fixed_clock(data.NOW), tz=UTC
    )
    assert_same_numbers(figures, stats, period_stats)


def test_demo_workbench_round_trip(tmp_path: Path) -> None:
    from workbench.services.demo import DemoOptions, build_demo

    db = tmp_path / "demo.db"
    build_demo(db, DemoOptions(size="small", seed=5, rep_name="Demo Rep", anchor=ANCHOR))
    out = tmp_path / "demo.xlsx"
    with open_workbench(db) as wb:
        export_pipeline(wb, out, clock=fixed_clock(ANCHOR))
        stats = compute_stats(wb, clock=fixed_clock(ANCHOR), tz=UTC)
        figures = roll_up([out]).reps[0]
        period_stats = compute_stats(
            wb, period_of(figures.period_from, figures.period_to), clock=fixed_clock(ANCHOR), tz=UTC
        )
    assert figures.leads > 100 and figures.open_count > 5 and figures.touches > 50
    assert_same_numbers(figures, stats, period_stats)


def test_the_cli_stats_and_rollup_agree(
    wb: Workbench, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data.build(wb)
    db = wb.path
    wb.close()
    out = tmp_path / "dana.json"
    assert main(["export", "--db", str(db), "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["stats", "--db", str(db), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert main(["rollup", str(out), "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)["reps"][0]
    for by in ("by_kind", "by_source"):
        expected = {
            k: {
                n: g[n]
                for n in ("leads", "opportunities", "won", "lead_to_opportunity", "opportunity_to_won")
            }
            for k, g in stats["conversion"][by].items()
            if g["leads"]
        }
        assert rep["conversion"][by] == expected
    assert rep["speed_to_lead_hours"]["median"] == pytest.approx(
        stats["speed_to_lead_hours"]["median"], rel=1e-12
    )
    assert rep["pipeline"]["open_amount"] == stats["pipeline"]["open_amount"]
    assert rep["pipeline"]["weighted_amount"] == stats["pipeline"]["weighted_amount"]
