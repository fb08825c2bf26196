"""``workbench contacts import FILE.vcf --account ID``: one JSON object with what was
created, already there and left out per card; exit 2 and nothing written for a bad
account or file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.services.targets import actions as target_actions
from workbench.services.targets.accounts import AccountInput
from workbench.store import open_workbench

CARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nPROFILE:VCard\r\nN:Tanaka;Hiro;;;\r\nFN:Hiro Tanaka\r\n"
    "ORG:IBM;Accounting\r\nEMAIL;TYPE=work;=x:broken@ibm.example\r\n"
    "TEL;VALUE=uri:tel:+1-202-555-0143;ext=102\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:nobody\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Berg;Bo\r\nEMAIL;INTERNET:bo@ibm.example\r\nEND:VCARD\r\n"
)


@pytest.fixture
def ibm(db_path: Path) -> str:
    with open_workbench(db_path) as wb:
        account_id = target_actions.create_account(wb, AccountInput("IBM", "ibm.example", is_target=True))
        return target_actions.account_view(wb, account_id).account.uuid


@pytest.fixture
def vcf(tmp_path: Path) -> Path:
    path = tmp_path / "team.vcf"
    path.write_text(CARDS, encoding="utf-8")
    return path


def _contacts(db_path: Path) -> int:
    with open_workbench(db_path) as wb:
        return len(target_actions.account_view(wb, 1).contacts)


def test_json_import_then_reimport(
    db_path: Path, ibm: str, vcf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["contacts", "import", str(vcf), "--db", str(db_path), "--account", ibm, "--json"]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["account"]["name"] == "IBM" and out["cards_read"] == 3
    assert (out["created"], out["already_present"], out["skipped_cards"]) == (2, 0, 1)
    assert [(c["card"], c["status"]) for c in out["cards"]] == [
        (1, "created"),
        (2, "skipped"),
        (3, "created"),
    ]
    assert out["warnings"] == [
        {
            "card": 1,
            "name": "Hiro Tanaka",
            "line": 7,
            "property": "EMAIL",
            "reason": "the parameter “=x” is malformed",
            "card_skipped": False,
        }
    ]
    assert main(args) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["created"], again["already_present"]) == (0, 2)
    assert [c["status"] for c in again["cards"]] == ["already present", "skipped", "already present"]
    assert _contacts(db_path) == 2


def test_account_by_id_or_name_and_a_text_summary(
    db_path: Path, ibm: str, vcf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["contacts", "import", str(vcf), "--db", str(db_path), "--account", "ibm"]) == 0
    out = capsys.readouterr().out
    assert "2 contacts added, 0 already there" in out and "EMAIL left out" in out
    assert main(["contacts", "import", str(vcf), "--db", str(db_path), "--account", "1"]) == 0
    assert "0 contacts added, 2 already there" in capsys.readouterr().out


def test_unknown_account_exits_2_and_writes_nothing(
    db_path: Path, ibm: str, vcf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = db_path.stat().st_mtime_ns
    assert main(["contacts", "import", str(vcf), "--db", str(db_path), "--account", "Initech", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "no account" in captured.err
    assert _contacts(db_path) == 0 and db_path.stat().st_mtime_ns == before


def test_no_workbench_yet_is_not_created(
    tmp_path: Path, vcf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "new.db"
    assert main(["contacts", "import", str(vcf), "--db", str(missing), "--account", "IBM"]) == 2
    assert "does not exist yet" in capsys.readouterr().err and not missing.exists()


@pytest.mark.timeout(30)
def test_bad_files_exit_2(
    db_path: Path, ibm: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "cards.vcf"
    os.mkfifo(fifo)
    unreadable = tmp_path / "locked.vcf"
    unreadable.write_text(CARDS, encoding="utf-8")
    unreadable.chmod(0)
    not_cards = tmp_path / "notes.vcf"
    not_cards.write_text("just some text\n", encoding="utf-8")
    cases = [
        (tmp_path / "missing.vcf", "Cannot read missing.vcf"),
        (fifo, "pipe"),
        (not_cards, "no vCards"),
    ]
    if os.geteuid() != 0:  # root reads any file
        cases.append((unreadable, "Cannot read locked.vcf"))
    for path, message in cases:
        assert main(["contacts", "import", str(path), "--db", str(db_path), "--account", ibm, "--json"]) == 2
        captured = capsys.readouterr()
        assert captured.out == "" and message in captured.err and "Nothing was imported" in captured.err
    assert _contacts(db_path) == 0
