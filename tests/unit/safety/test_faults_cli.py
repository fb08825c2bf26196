"""Errors tell the truth (issue 19, cases 6, 7, 8 and 10): full and read-only disks and
damaged files give one clear sentence from every command — never a traceback, never
SQL, never "damaged" for a healthy file that is only unwritable."""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.import_files import leads_file
from tests.support.tinyfs import can_mount, fill_up, remount_readonly, tiny_folder
from workbench.cli import main

#: The full and read-only folders are tiny tmpfs mounts (root on Linux); each fixture
#: and test skips, with the reason, where the machine does not allow it.
NEEDS_MOUNT = pytest.mark.skipif(not can_mount(), reason="needs root on Linux to mount a small tmpfs")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def clean(err: str) -> None:
    assert "Traceback" not in err
    assert "unexpected error" not in err
    assert "Exception ignored" not in err
    assert "INSERT" not in err and "SELECT" not in err


@pytest.fixture
def readonly_copy(small_demo: Path, tmp_path: Path) -> Iterator[Path]:
    with tiny_folder(tmp_path / "ro", 8192) as folder:
        if folder is None:
            pytest.skip("cannot mount a tmpfs here")
        shutil.copyfile(small_demo, folder / "demo.db")
        if not remount_readonly(folder):
            pytest.skip("cannot remount read-only here")
        yield folder / "demo.db"


@pytest.fixture
def full_disk(small_demo: Path, tmp_path: Path) -> Iterator[Path]:
    with tiny_folder(tmp_path / "full", 8192) as folder:
        if folder is None:
            pytest.skip("cannot mount a tmpfs here")
        shutil.copyfile(small_demo, folder / "demo.db")
        fill_up(folder)
        yield folder


@NEEDS_MOUNT
def test_a_healthy_file_on_read_only_media_is_read_and_never_called_damaged(
    readonly_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(readonly_copy)
    code, _out, err = run(capsys, "check", "--db", db)
    assert code == 0 and "ok" in err
    assert run(capsys, "stats", "--db", db)[0] == 0
    code, _out, err = run(capsys, "export", "--db", db, "--out", str(tmp_path / "p.json"))
    assert code == 0 and (tmp_path / "p.json").exists(), err
    code, _out, err = run(capsys, "backup", "--db", db)
    assert code == 0 and "verified" in err, err
    code, _out, err = run(capsys, "log", "--db", db, "--channel", "call", "--note", "x")
    assert code == 2
    assert "read-only" in err and "damaged" not in err
    clean(err)


@NEEDS_MOUNT
def test_restore_into_a_read_only_folder_says_so_and_changes_nothing(
    readonly_copy: Path, small_demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = tmp_path / "bk" / "copy.db"
    backup.parent.mkdir()
    assert run(capsys, "backup", "--db", str(small_demo), "--to", str(backup.parent))[0] == 0
    (made,) = backup.parent.glob("*.db")
    before = readonly_copy.read_bytes()
    code, _out, err = run(capsys, "restore", str(made), "--db", str(readonly_copy))
    assert code == 2 and "read-only" in err, err
    clean(err)
    assert readonly_copy.read_bytes() == before


@NEEDS_MOUNT
def test_full_disk_commands_say_so_without_traceback_or_sql(
    full_disk: Path,
    small_demo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    db = str(full_disk / "demo.db")
    code, _out, err = run(capsys, "log", "--db", db, "--channel", "call", "--note", "x")
    assert code in (1, 2) and "disk is full" in err, err
    assert "damaged" not in err
    clean(err)
    rows = [[f"Name {i}", f"Co {i}", f"n{i}@co.example"] for i in range(300)]
    source = leads_file(tmp_path / "leads.csv", rows)
    code, _out, err = run(capsys, "import", str(source), "--db", db)
    assert code in (1, 2) and "full" in err, err
    assert "Name 1" not in err  # no lead data from a failed statement
    clean(err)
    good = tmp_path / "rep.json"
    assert run(capsys, "export", "--db", str(small_demo), "--out", str(good))[0] == 0
    code, _out, err = run(capsys, "rollup", str(good), "--out", str(full_disk / "r.xlsx"))
    assert code == 1 and "full" in err, err
    clean(err)
    with caplog.at_level(logging.DEBUG):
        code, _out, err = run(capsys, "export", "--db", str(small_demo), "--out", str(full_disk / "e.json"))
    assert code != 0 and "No space" in err, err
    clean(err)
    assert not [r for r in caplog.records if "Error closing cursor" in r.getMessage()]
    assert not [p.name for p in full_disk.iterdir() if p.name.endswith(".partial")]


@NEEDS_MOUNT
def test_rejects_on_a_full_disk_do_not_claim_nothing_was_written(
    small_demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = leads_file(
        tmp_path / "leads.csv", [["Ann Lee", "Acme", "ann@acme.example"], ["", "", ""], ["", "", "x"]]
    )
    with tiny_folder(tmp_path / "rej", 64) as folder:
        if folder is None:
            pytest.skip("cannot mount a tmpfs here")
        fill_up(folder)
        code, _out, err = run(
            capsys, "import", str(source), "--db", str(small_demo), "--rejects", str(folder / "r.csv")
        )
    assert code == 1, err
    assert "committed" in err and "nothing was written" not in err
    code, _out, err = run(capsys, "import", str(source), "--db", str(small_demo))
    assert "imported before" in err


@NEEDS_MOUNT
def test_demo_into_a_read_only_folder_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with tiny_folder(tmp_path / "rofolder", 64, readonly=True) as folder:
        if folder is None:
            pytest.skip("cannot mount a tmpfs here")
        code, _out, err = run(capsys, "demo", "--db", str(folder / "new.db"))
    assert code != 0 and "read-only" in err, err
    clean(err)


def _damage_btree(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'lead'").fetchone()[0]
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(path, "r+b") as fh:
        fh.seek((root - 1) * page)
        fh.write(b"\xff" * 8)


def _damage_payload(path: Path) -> None:
    """Overwrite an overflow page of a long note (a record's payload, not a b-tree page)."""
    conn = sqlite3.connect(path)
    conn.execute("UPDATE lead SET notes = ? WHERE id = (SELECT min(id) FROM lead)", ("payload " * 4000,))
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    try:
        pages = [
            r[0]
            for r in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = 'lead' AND pagetype = 'overflow' ORDER BY pageno"
            )
        ]
    except sqlite3.OperationalError:
        pytest.skip("this SQLite has no dbstat table to find a payload page")
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    assert len(pages) > 2
    with open(path, "r+b") as fh:
        fh.seek((pages[1] - 1) * size)
        fh.write(b"\xff" * size)


@pytest.mark.parametrize("damage", [_damage_btree, _damage_payload], ids=["btree", "payload"])
def test_check_lists_damage_and_other_commands_say_so(
    damage: Any, small_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damage(small_demo)
    db = str(small_demo)
    code, _out, err = run(capsys, "check", "--db", db)
    assert code == 1 and "problem" in err, err
    assert "malformed" in err or "invalid page number" in err, err
    assert "*** in database" not in err
    clean(err)
    code, out, _err = run(capsys, "check", "--db", db, "--json")
    report = json.loads(out)
    assert code == 1 and report["ok"] is False and report["problems"]
    for command in (["stats"], ["pipeline"], ["export", "--out", str(small_demo.with_suffix(".json"))]):
        code, _out, err = run(capsys, *command, "--db", db)
        assert code == 1 and "damaged" in err, (command, err)
        clean(err)
