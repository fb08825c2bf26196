"""``workbench import`` and ``workbench undo-import``: the CLI contract (one JSON object,
exit 0/2, reason on stderr, nothing written for a bad file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.import_files import leads_file, write_csv
from workbench.cli import main
from workbench.services.imports import history as import_history
from workbench.store import open_workbench

ROWS = [
    ["Ana", "López", "Acme", "ana@acme.com", "", "2024-01-05"],
    ["Bo", "Chen", "Beta", "bo@beta.io", "", "2024-01-06"],
    ["", "", "", "x@y.com", "", ""],
]


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_json_then_same_file_then_undo(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = leads_file(tmp_path / "leads.csv", ROWS)
    rejects = tmp_path / "out" / "rejected.csv"
    rejects.parent.mkdir()
    code, out, err = cli(
        capsys, "import", str(path), "--db", str(db_path), "--json", "--rejects", str(rejects)
    )
    assert code == 0 and out.count("\n") == 1
    data = json.loads(out)
    assert {k: data[k] for k in ("rows", "inserted", "merged", "skipped_duplicates", "rejected")} == {
        "rows": 3,
        "inserted": 2,
        "merged": 0,
        "skipped_duplicates": 0,
        "rejected": 1,
    }
    assert isinstance(data["batch_id"], int) and "progress:" in err
    assert rejects.read_text(encoding="utf-8-sig").splitlines()[1].endswith("no name and no company")
    assert [p.name for p in rejects.parent.iterdir()] == ["rejected.csv"]  # no temporary left over

    code, out, err = cli(
        capsys, "import", str(path), "--db", str(db_path), "--json", "--on-duplicate", "keep"
    )
    again = json.loads(out)
    assert (
        code == 0
        and again["inserted"] == 0
        and again["skipped_duplicates"] == 2
        and again["already_imported"]
    )

    code, out, err = cli(capsys, "undo-import", str(data["batch_id"]), "--db", str(db_path), "--json")
    assert code == 0 and json.loads(out)["deleted"] == 2
    code, out, err = cli(capsys, "undo-import", str(data["batch_id"]), "--db", str(db_path))
    assert code == 2 and "undone already" in err and out == ""


def test_text_summary_and_dry_run(tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = leads_file(tmp_path / "leads.csv", ROWS)
    code, out, err = cli(capsys, "import", str(path), "--db", str(db_path), "--dry-run")
    assert code == 0 and out == ""
    assert "would add 2 leads" in err and "dry run: nothing was written" in err
    with open_workbench(db_path) as wb:
        assert import_history.list_batches(wb) == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty"), (bytes(range(256)) * 50, "text file"), (b"Email\nann@acme.com\n", "name or a company")],
)
def test_unreadable_or_unmappable_files_exit_2_and_write_nothing(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, reason: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    code, out, err = cli(capsys, "import", str(path), "--db", str(db_path), "--json")
    assert code == 2 and out == "" and reason in err
    assert not db_path.exists()  # not even a new workbench file


def test_options(tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(
        tmp_path / "tabs.txt",
        [["Org", "Who", "Mail", "When"], ["Acme", "Ana López", "ana@acme.com", "05/01/2024"]],
        delimiter="\t",
        encoding="utf-16",
    )
    mapping = '{"Org": "company", "Who": "full_name", "Mail": "email", "When": "received_at"}'
    code, out, err = cli(
        capsys,
        "import", str(path), "--db", str(db_path), "--json", "--mapping", mapping, "--delimiter", "tab",
        "--encoding", "utf-16", "--kind", "target", "--source", "trade show", "--campaign", "Expo",
        "--date-order", "dmy",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["inserted"] == 1
    with open_workbench(db_path) as wb, wb.engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT name, company, kind, source, campaign, received_at FROM lead"
        ).one()
    assert tuple(row)[:5] == ("Ana López", "Acme", "target", "trade show", "Expo")
    assert str(row[5]).startswith("2024-01-0")  # 5 January, local midnight in UTC


def test_presets_by_name(tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "p.csv", [["Firm", "Who"], ["Acme", "Ana López"]])
    code, _out, err = cli(capsys, "import", str(path), "--db", str(db_path), "--mapping", "Fair")
    assert code == 2 and "no preset called 'Fair'" in err
    assert not db_path.exists()
    with open_workbench(db_path) as wb:
        import_history.save_preset(wb, "Fair", {"Firm": "company", "Who": "full_name"})
    code, _out, err = cli(capsys, "import", str(path), "--db", str(db_path), "--mapping", "Nope")
    assert code == 2 and "no preset called 'Nope'" in err and "Fair" in err
    code, out, _err = cli(capsys, "import", str(path), "--db", str(db_path), "--mapping", "Fair", "--json")
    assert code == 0 and json.loads(out)["inserted"] == 1
    preset_file = tmp_path / "m.json"
    preset_file.write_text('{"Firm": "company", "Who": "nonsense"}', encoding="utf-8")
    code, _out, err = cli(capsys, "import", str(path), "--db", str(db_path), "--mapping", str(preset_file))
    assert code == 2 and "not a lead field" in err


def test_bad_options_exit_2(tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = leads_file(tmp_path / "l.csv", ROWS[:1])
    code, _out, err = cli(capsys, "import", str(path), "--db", str(db_path), "--kind", "alien")
    assert code == 2 and "kind" in err
    code, _out, err = cli(capsys, "import", str(path), "--db", str(db_path), "--sheet", "Leads")
    assert code == 0  # a CSV has no sheets; the option is ignored
    code, _out, err = cli(capsys, "import", str(tmp_path / "missing.csv"), "--db", str(db_path))
    assert code == 2 and "does not exist" in err
    code, _out, err = cli(capsys, "undo-import", "1", "--db", str(tmp_path / "none.db"))
    assert code == 2 and "does not exist" in err
