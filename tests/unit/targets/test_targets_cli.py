"""``workbench targets``: the CLI contract (one JSON object, exit codes) over the target list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.domain import CheckState
from workbench.services.targets import icp
from workbench.services.targets import target_list as targets
from workbench.services.targets.accounts import AccountInput, create_account
from workbench.store import open_workbench


def make_file(path: Path) -> None:
    with open_workbench(path) as wb, wb.session() as s:
        criteria = icp.list_criteria(s)
        acme = create_account(s, AccountInput("Acme", "acme.com", tier="A", is_target=True))
        for c in criteria:
            icp.set_check(s, acme, c.id, CheckState.MET)
        create_account(s, AccountInput("Globex", "globex.com", tier="B", is_target=True))
        parked = create_account(s, AccountInput("Initech", is_target=True))
        targets.park(s, parked, "acquired")
        create_account(s, AccountInput("Not a target"))


def test_json_lists_targets_with_fit_tier_status_and_last_touch(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_file(db_path)
    assert main(["targets", "--db", str(db_path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["goal"] == 20 and out["active"] == 2 and out["parked"] == 1
    assert [(t["name"], t["tier"], t["fit"], t["status"]) for t in out["targets"]] == [
        ("Acme", "A", 100.0, "researching"),
        ("Globex", "B", None, "researching"),
        ("Initech", None, None, "parked"),
    ]
    assert out["targets"][0]["last_touch_at"] is None


def test_text_listing_and_active_only(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_file(db_path)
    assert main(["targets", "--db", str(db_path), "--active"]) == 0
    out = capsys.readouterr().out
    assert "Acme" in out and "Initech" not in out and "2 of 20 targets" in out


def test_missing_file_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.db"
    assert main(["targets", "--db", str(missing), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "does not exist" in captured.err
    assert not missing.exists()
