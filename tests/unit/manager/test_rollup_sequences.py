"""The rollup compares the reps' sequences: known numbers, intervals, greying, the CLI,
and a file with hostile numbers in its sequence sheets rejected while the others load."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.support import sequence_files as sf
from tests.unit.sequences.test_sequence_stats import _build as build_sequences
from workbench.cli import main
from workbench.services.clock import fixed_clock
from workbench.services.insights.wilson import wilson_interval
from workbench.services.manager.export import export_pipeline
from workbench.services.manager.report import rollup_tables, rollup_text, write_rollup
from workbench.services.manager.rollup import MIN_GROUP, roll_up
from workbench.services.manager.team_rollup import live_rollup
from workbench.store import Workbench


@pytest.fixture(params=["xlsx", "json"])
def two_reps(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, Path]:
    form = request.param
    dana = sf.write_file(tmp_path / f"dana.{form}", "Dana", sf.DANA_SEQUENCES, sf.DANA_STEPS)
    lee = sf.write_file(tmp_path / f"lee.{form}", "Lee", sf.LEE_SEQUENCES, sf.LEE_STEPS)
    return dana, lee


def test_min_group_is_insights_default() -> None:
    from workbench.services.insights import common  # noqa: F401  (registers the default)
    from workbench.services.settings import values as settings

    assert settings.DEFAULTS["insights.min_group_leads"] == MIN_GROUP


def test_sequences_compared_across_two_reps(two_reps: tuple[Path, Path]) -> None:
    rollup = roll_up(list(two_reps))
    assert rollup.rejected == []
    compared = rollup.sequence_comparison()
    assert [c.name for c in compared] == ["New inbound", "Target account contact"]
    inbound = compared[0]
    assert [rep for rep, _ in inbound.reps] == ["Dana", "Lee"]  # Lee's "new  inbound" is the same
    dana, lee = (f for _, f in inbound.reps)
    assert (dana.enrolled, dana.replies, dana.meeting_booked, dana.opportunities, dana.won) == (
        40,
        12,
        4,
        6,
        2,
    )
    r = dana.rates()
    assert r["reply_rate"] == pytest.approx(0.3) and r["meeting_rate"] == pytest.approx(0.1)
    assert r["reply_rate_ci"] == pytest.approx(list(wilson_interval(12, 40)))
    assert r["reply_rate_ci"] == pytest.approx([0.181, 0.454], abs=0.001)
    assert r["meaningful"] is True
    assert lee.rates()["reply_rate"] == pytest.approx(0.4)
    assert lee.rates()["meaningful"] is False  # 5 enrolled < 20: greyed
    team = inbound.team
    assert (team.enrolled, team.replies, team.meeting_booked, team.opportunities, team.won) == (
        45,
        14,
        5,
        7,
        2,
    )
    assert team.rates()["reply_rate"] == pytest.approx(14 / 45)
    assert [(s.step, s.reached, s.passed, s.replied_after) for s in team.steps] == [
        (1, 45, 36, 7),
        (2, 36, 23, 7),
    ]
    target = compared[1]
    assert [rep for rep, _ in target.reps] == ["Dana"]
    assert target.team.rates()["reply_rate"] == 0.0
    # The team row of the reps table carries the summed sequences too.
    assert rollup.team is not None
    assert [s.name for s in rollup.team.sequences] == ["New inbound", "Target account contact"]


def test_rollup_json_and_files_carry_the_comparison(
    two_reps: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rollup", *map(str, two_reps), "--json"]) == 0
    out = capsys.readouterr().out
    document = json.loads(out)  # exactly one JSON object
    assert out.count("\n") == 1
    sequences = document["sequences"]
    assert sequences["min_enrolled"] == MIN_GROUP
    inbound = sequences["compared"][0]
    assert inbound["sequence"] == "New inbound"
    assert [(r["rep"], r["enrolled"], r["won"], r["meaningful"]) for r in inbound["reps"]] == [
        ("Dana", 40, 2, True),
        ("Lee", 5, 0, False),
    ]
    assert inbound["reps"][0]["stopped_by"] == {"replied": 8, "meeting_booked": 4, "not_interested": 6}
    assert inbound["team"]["enrolled"] == 45
    dana = next(r for r in document["reps"] if r["rep"] == "Dana")
    assert dana["sequences"][0]["steps"][0]["reply_rate"] == pytest.approx(7 / 32)

    rollup = roll_up(list(two_reps))
    table = next(t for t in rollup_tables(rollup) if t.name == "Sequences")
    assert [(row[0], row[1], row[2]) for row in table.rows] == [
        ("New inbound", "Dana", 40),
        ("New inbound", "Lee", 5),
        ("New inbound", "Team", 45),
        ("Target account contact", "Dana", 25),
        ("Target account contact", "Team", 25),
    ]
    text = rollup_text(rollup)
    assert "sequence New inbound:" in text and "Lee: 5 enrolled, reply 40 %" in text
    assert f"(fewer than {MIN_GROUP} enrolled)" in text
    written = tmp_path / "rollup.json"
    write_rollup(rollup, written)
    assert json.loads(written.read_text("utf-8"))["sequences"]["compared"][0]["team"]["won"] == 2


def test_a_file_without_sequences_compares_nothing(tmp_path: Path) -> None:
    only = sf.write_file(tmp_path / "sam.xlsx", "Sam")
    rollup = roll_up([only])
    assert rollup.rejected == [] and rollup.sequence_comparison() == []
    assert rollup.as_dict()["sequences"]["compared"] == []


def _with(rows: Sequence[Sequence[Any]], index: int, value: Any) -> list[tuple[Any, ...]]:
    first = list(rows[0])
    first[index] = value
    return [tuple(first), *map(tuple, rows[1:])]


HOSTILE_SEQUENCES = {
    "negative": (3, -1, "at least 0"),
    "huge": (3, 1e300, "a finite number"),
    "over the limit": (3, 2_000_000_000, "at most 1e+09"),
    "fraction": (3, 2.5, "a whole number"),
    "more replied than stopped": (
        8,
        19,
        "'Stopped by reply' + 'Stopped by meeting' + 'Stopped as not interested'",
    ),
    "more won than opportunities": (12, 7, "'Won' is 7, more than its 'Opportunities' (6)"),
    "more states than enrolled": (4, 31, "more than its 'Enrolled' (40)"),
    "text": (3, "forty", "a whole number"),
}
#: A spreadsheet writer writes no text into a number column; JSON may hold anything.
HOSTILE_CASES = [(form, case) for form in ("xlsx", "json") for case in sorted(HOSTILE_SEQUENCES)]
HOSTILE_CASES.remove(("xlsx", "text"))


@pytest.mark.parametrize(("form", "case"), HOSTILE_CASES)
def test_hostile_numbers_in_the_sequences_sheet_reject_that_file_only(
    tmp_path: Path, form: str, case: str
) -> None:
    index, value, expected = HOSTILE_SEQUENCES[case]
    good = sf.write_file(tmp_path / f"lee.{form}", "Lee", sf.LEE_SEQUENCES, sf.LEE_STEPS)
    bad = sf.write_file(
        tmp_path / f"dana.{form}", "Dana", _with(sf.DANA_SEQUENCES, index, value), sf.DANA_STEPS
    )
    rollup = roll_up([good, bad])
    assert [f.rep for f in rollup.files] == ["Lee"]
    assert [r.path for r in rollup.rejected] == [bad]
    reason = rollup.rejected[0].reason
    where = "sheet 'Sequences', row 2" if form == "xlsx" else "sequences[0]"
    assert where in reason and expected in reason, reason
    assert [c.name for c in rollup.sequence_comparison()] == ["new inbound"]


@pytest.mark.parametrize("form", ["xlsx", "json"])
def test_hostile_step_rows_reject_the_file(tmp_path: Path, form: str) -> None:
    steps = [(*sf.DANA_STEPS[0][:7], 32, 33), *sf.DANA_STEPS[1:]]  # more replied after than went past
    bad = sf.write_file(tmp_path / f"dana.{form}", "Dana", sf.DANA_SEQUENCES, steps)
    rollup = roll_up([bad])
    assert rollup.files == []
    assert "'Replied after' is 33, more than its 'Went past' (32)" in rollup.rejected[0].reason


def test_rollup_cli_of_only_hostile_files_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = sf.write_file(tmp_path / "dana.json", "Dana", _with(sf.DANA_SEQUENCES, 3, -5), sf.DANA_STEPS)
    assert main(["rollup", str(bad), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"rejected {bad}:" in captured.err and "no pipeline file could be loaded" in captured.err


def test_live_rollup_carries_the_same_sequences_as_the_file(wb: Workbench, tmp_path: Path) -> None:
    build_sequences(wb)
    out = export_pipeline(wb, tmp_path / "rep.json", clock=fixed_clock(sf.NOW)).path
    from_file = roll_up([out]).reps[0].sequences
    live = live_rollup(wb, clock=fixed_clock(sf.NOW)).reps[0].sequences
    assert [s.as_dict() for s in live] == [s.as_dict() for s in from_file]
    assert [(s.name, s.enrolled, s.replies, s.won) for s in live] == [
        ("New inbound", 4, 2, 1),
        ("Target account contact", 1, 0, 0),
    ]
