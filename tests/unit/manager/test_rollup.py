"""Rolling pipeline files up: hand-computed numbers, the team, rejected files, what changed, the CLI."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import select

from tests.support import pipeline_data as data
from workbench.cli import main
from workbench.domain import Opportunity, PipelineStage
from workbench.services.clock import fixed_clock
from workbench.services.manager.changes import ChangeKind, what_changed
from workbench.services.manager.export import export_pipeline
from workbench.services.manager.report import write_rollup
from workbench.services.manager.rollup import RepFigures, combine, roll_up
from workbench.store import Workbench, open_workbench


@pytest.fixture
def exports(wb: Workbench, tmp_path: Path) -> dict[str, Path]:
    data.build(wb)
    out = tmp_path / "files"
    out.mkdir()
    paths = {"xlsx": out / "dana.xlsx", "json": out / "dana.json"}
    for path in paths.values():
        export_pipeline(wb, path, clock=fixed_clock(data.NOW))
    return paths


def check_hand_numbers(f: RepFigures, rep: str = "Dana Rep") -> None:
    assert f.rep == rep
    assert [(s.stage, s.count, s.amount, s.weighted) for s in f.stages if s.count] == data.EXPECTED_STAGES
    assert [s.stage for s in f.stages] == ["Discovery", "Qualified", "Solution", "Proposal", "Negotiation"]
    assert (f.open_count, f.open_amount, f.weighted_amount) == (2, 12000.0, 7000.0)
    assert (f.won_count, f.won_amount, f.lost_count, f.lost_amount) == (1, 5000.0, 0, 0.0)
    assert {k: (c.leads, c.opportunities, c.won) for k, c in f.by_kind.items()} == data.EXPECTED_BY_KIND
    assert {k: (c.leads, c.opportunities, c.won) for k, c in f.by_source.items()} == data.EXPECTED_BY_SOURCE
    assert f.by_kind["inbound"].lead_to_opportunity == pytest.approx(2 / 3)
    assert f.by_kind["inbound"].opportunity_to_won == 0.5
    assert f.by_kind["referral"].opportunity_to_won is None
    assert f.speed_median_hours == pytest.approx(2.0)  # 1, 2, 4: L3 is a list lead
    assert f.touches_per_week == data.EXPECTED_WEEKS
    assert (f.activities, f.touches) == (7, 6)
    assert (f.stale_count, f.stale_amount) == (1, 10000.0)
    assert (f.leads, f.opportunities) == (5, 4)
    assert f.period_from == data.PERIOD_FROM


@pytest.mark.parametrize("form", ["xlsx", "json"])
def test_rollup_of_one_file_gives_the_hand_computed_numbers(exports: dict[str, Path], form: str) -> None:
    rollup = roll_up([exports[form]])
    assert rollup.rejected == []
    check_hand_numbers(rollup.reps[0])
    team = rollup.team
    assert team is not None
    check_hand_numbers(team, "Team")


def test_rollup_numbers_equal_the_exported_summary(exports: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(exports["xlsx"])
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r and r[0] and len(r) > 1}
    f = roll_up([exports["xlsx"]]).reps[0]
    assert summary["Open pipeline"] == f.open_amount
    assert summary["Weighted pipeline"] == f.weighted_amount
    assert summary["Won in the period"] == f.won_count
    assert summary["Touches in the period"] == f.touches
    assert summary["Speed to lead, median hours"] == pytest.approx(f.speed_median_hours)
    assert summary["Stale open deals"] == f.stale_count
    assert summary["Leads"] == f.leads


def test_team_adds_reps_up_and_uses_each_reps_latest_file(wb: Workbench, tmp_path: Path) -> None:
    data.build(wb)
    folder = tmp_path / "team"
    folder.mkdir()
    export_pipeline(wb, folder / "dana-old.json", clock=fixed_clock(datetime(2026, 2, 1, tzinfo=UTC)))
    export_pipeline(wb, folder / "dana.xlsx", clock=fixed_clock(data.NOW))
    export_pipeline(wb, folder / "sam.json", clock=fixed_clock(data.NOW), rep="Sam")
    (folder / "~$dana.xlsx").write_bytes(b"lock file of an open spreadsheet")
    (folder / "readme.txt").write_text("not picked up from a folder")
    rollup = roll_up([folder])
    assert rollup.rejected == []
    assert [f.rep for f in rollup.reps] == ["Dana Rep", "Sam"]
    assert rollup.reps[0].path == folder / "dana.xlsx"
    assert len(rollup.files_of("dana rep")) == 2
    team = rollup.team
    assert team is not None and team.files == 2
    assert (team.open_count, team.open_amount, team.weighted_amount) == (4, 24000.0, 14000.0)
    assert team.by_kind["inbound"].leads == 6
    assert team.speed_median_hours == pytest.approx(2.0)
    assert team.touches_per_week[date(2026, 1, 26)] == 4
    assert combine(rollup.reps, "Team").as_dict() == team.as_dict()


def test_bad_files_are_rejected_with_reasons_while_the_others_load(
    exports: dict[str, Path], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(exports["xlsx"].read_bytes()[:3000])
    foreign = tmp_path / "foreign.xlsx"
    openpyxl.Workbook().save(foreign)
    newer = tmp_path / "newer.json"
    document = json.loads(exports["json"].read_text("utf-8"))
    document["schema_version"] = 2
    newer.write_text(json.dumps(document))
    missing = tmp_path / "missing.json"
    rollup = roll_up([exports["xlsx"], broken, foreign, newer, missing])
    assert [f.path for f in rollup.files] == [exports["xlsx"]]
    reasons = {r.path.name: r.reason for r in rollup.rejected}
    assert set(reasons) == {"broken.xlsx", "foreign.xlsx", "newer.json", "missing.json"}
    assert "damaged or truncated" in reasons["broken.xlsx"]
    assert "no _meta sheet" in reasons["foreign.xlsx"]
    assert "version 2" in reasons["newer.json"]
    assert reasons["missing.json"] == "does not exist"


def test_worker_processes_give_the_same_rollup(exports: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(3):
        shutil.copy(exports["xlsx"], folder / f"x{i}.xlsx")
        shutil.copy(exports["json"], folder / f"j{i}.json")
    (folder / "bad.json").write_text("{")
    serial = roll_up([folder], workers=1)
    parallel = roll_up([folder], workers=2)
    assert parallel.as_dict() == serial.as_dict()
    assert len(parallel.files) == 6 and [r.path.name for r in parallel.rejected] == ["bad.json"]


# --- what changed --------------------------------------------------------------------
def test_what_changed_between_two_exports_of_the_same_rep(wb: Workbench, tmp_path: Path) -> None:
    ids = data.build(wb)
    before = tmp_path / "before.xlsx"
    export_pipeline(wb, before, clock=fixed_clock(data.NOW))
    with wb.session() as s:
        stages = {st.name: st.id for st in s.exec(select(PipelineStage))}
        o1 = s.get(Opportunity, ids.opps["O1"])
        o4 = s.get(Opportunity, ids.opps["O4"])
        o2 = s.get(Opportunity, ids.opps["O2"])
        assert o1 is not None and o4 is not None and o2 is not None
        o1.stage_id = stages["Negotiation"]
        o1.expected_close = date(2026, 5, 1)  # slipped a month
        o4.amount = 3500.0
        o4.stage_id = stages["Won"]
        o4.outcome = "won"
        o4.closed_at = datetime(2026, 3, 5, tzinfo=UTC)
        o2.deleted_at = datetime(2026, 3, 4, tzinfo=UTC)
        s.add(Opportunity(name="Deal O5", amount=900.0, stage_id=stages["Discovery"]))
    after = tmp_path / "after.json"
    export_pipeline(wb, after, clock=fixed_clock(datetime(2026, 3, 9, 9, tzinfo=UTC)))

    changes = what_changed(after, before)  # any order: put in time order by export time
    assert changes.older == before and changes.newer == after
    got = [(c.kind, c.opportunity, c.before, c.after) for c in changes.changes]
    assert got == [
        (ChangeKind.NEW, "Deal O5", None, "Discovery"),
        (ChangeKind.CLOSED, "Deal O4", "Discovery", "won"),
        (ChangeKind.REMOVED, "Deal O2", "Won", None),
        (ChangeKind.STAGE, "Deal O1", "Proposal", "Negotiation"),
        (ChangeKind.SLIPPED, "Deal O1", date(2026, 4, 1), date(2026, 5, 1)),
        (ChangeKind.AMOUNT, "Deal O4", 2000.0, 3500.0),
    ]
    assert changes.of_kind(ChangeKind.AMOUNT)[0].amount_delta == 1500.0
    assert changes.counts()["stage"] == 1
    rollup = roll_up([before, after])
    assert len(rollup.reps) == 1 and rollup.reps[0].path == after
    listed = rollup.as_dict()["changes"]
    assert len(listed) == 1 and listed[0]["counts"]["new"] == 1
    assert ids.opp_uuids["O1"] in {c["uuid"] for c in listed[0]["changes"]}


# --- outputs and the command line -------------------------------------------------------
@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".json"])
def test_rollup_written_to_a_file(exports: dict[str, Path], tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"rollup{suffix}"
    write_rollup(roll_up([exports["xlsx"]]), out)
    if suffix == ".json":
        document = json.loads(out.read_text("utf-8"))
        assert document["team"]["pipeline"]["open_amount"] == 12000.0
    elif suffix == ".xlsx":
        book = openpyxl.load_workbook(out)
        assert book.sheetnames[:2] == ["Reps", "Pipeline by stage"]
        rows = list(book["Reps"].iter_rows(values_only=True))
        assert rows[1][0] == "Dana Rep" and rows[1][4] == 12000
    else:
        assert "Conversion by source,Dana Rep,webinar,Won,1" in out.read_text("utf-8-sig")


def test_cli_export_and_rollup(wb: Workbench, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data.build(wb)
    db = wb.path
    wb.close()
    out = tmp_path / "cli.xlsx"
    assert main(["export", "--db", str(db), "--out", str(out), "--rep", "Dana", "--since", "2026-01-01"]) == 0
    assert "wrote" in capsys.readouterr().err
    assert main(["export", "--db", str(db), "--out", str(tmp_path / "x.txt")]) == 2
    assert ".xlsx" in capsys.readouterr().err
    assert main(["export", "--db", str(db), "--out", str(tmp_path / "e.json"), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["rows"]["leads"] == 5

    bad = tmp_path / "bad.xlsx"
    bad.write_text("nope")
    assert main(["rollup", str(out), str(bad), "--json"]) == 0
    captured = capsys.readouterr()
    rolled = json.loads(captured.out)
    assert [r["rep"] for r in rolled["reps"]] == ["Dana"]
    assert f"rejected {bad}: is neither" in captured.err
    assert main(["rollup", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Dana: 2 open deals, pipeline 12,000 (weighted 7,000)") and "Team:" in text
    assert main(["rollup", str(bad)]) == 2
    assert "no pipeline file could be loaded" in capsys.readouterr().err
    assert main(["rollup", str(out), "--out", str(tmp_path / "r.csv")]) == 0
    assert (tmp_path / "r.csv").exists()
    assert main(["rollup", str(out), "--out", str(tmp_path / "r.txt")]) == 2


def test_export_reads_a_file_the_app_has_open(wb: Workbench, tmp_path: Path) -> None:
    data.build(wb)
    assert main(["export", "--db", str(wb.path), "--out", str(tmp_path / "live.json")]) == 0
    again = open_workbench(wb.path, readonly=True)
    again.close()
