"""Hostile arguments and files (issue 19, cases 13, 15 and 16): restore refuses what is
no backup before moving anything, special files are refused before they are opened,
and odd encodings and calendar-end dates are messages, not tracebacks."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from tests.support.fill import add_leads
from tests.support.import_files import leads_file
from workbench.cli import main
from workbench.exchange.pipeline_file import PipelineFileError, read_pipeline_file
from workbench.exchange.readers import ReadError, open_table
from workbench.exchange.vcard import VCardError, read_vcard_file
from workbench.store import open_workbench
from workbench.store.backup import backup_file


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def _clean(err: str) -> None:
    assert "Traceback" not in err and "unexpected error" not in err


def test_restore_refuses_a_newer_schema_or_foreign_backup_before_moving_anything(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_workbench(db_path) as wb:
        add_leads(wb, 3)
    newer = backup_file(db_path, tmp_path / "bk").path
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    foreign = tmp_path / "other.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.close()
    before = _digest(db_path)
    files = sorted(p.name for p in db_path.parent.iterdir())
    for backup, words in ((newer, "newer version"), (foreign, "not a backup")):
        code, err = run(capsys, "restore", str(backup), "--db", str(db_path))
        assert code == 2 and words in err, err
        _clean(err)
        assert _digest(db_path) == before
        assert sorted(p.name for p in db_path.parent.iterdir()) == files  # nothing moved aside
    code, err = run(capsys, "restore", str(db_path), "--db", str(db_path))
    assert code == 2 and "itself" in err, err
    assert db_path.exists() and _digest(db_path) == before
    # A newer-schema file restored onto itself: refused, and the file stays where it was.
    newer_digest = _digest(newer)
    code, err = run(capsys, "restore", str(newer), "--db", str(newer))
    assert code == 2 and ("itself" in err or "newer version" in err), err
    assert newer.exists() and _digest(newer) == newer_digest


def _fifo(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    os.mkfifo(path)
    return path


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_special_files_are_refused_before_opening(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Opening a FIFO blocks until a writer comes: a reader that opened one would hang
    # this test; a watchdog writer would unblock it, so none is started.
    finished = threading.Event()

    def attempts() -> None:
        with pytest.raises(ReadError, match="pipe"):
            open_table(_fifo(tmp_path, "leads.csv"))
        with pytest.raises(PipelineFileError, match="pipe"):
            read_pipeline_file(_fifo(tmp_path, "rep.json"))
        with pytest.raises(VCardError, match="pipe"):
            read_vcard_file(_fifo(tmp_path, "cards.vcf"))
        finished.set()

    worker = threading.Thread(target=attempts, daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert finished.is_set(), "a reader opened a FIFO and blocked"
    code, err = run(capsys, "rollup", str(tmp_path / "rep.json"))
    assert code == 2 and "pipe" in err
    if Path("/dev/zero").exists():
        with pytest.raises(ReadError, match="device"):
            open_table(Path("/dev/zero"))


@pytest.mark.parametrize("encoding", ["rot13", "base64", "zlib_codec", "undefined", "no-such-codec"])
def test_import_with_a_codec_that_is_not_a_text_encoding(
    encoding: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = leads_file(tmp_path / "leads.csv", [["Ann Lee", "Acme", "ann@acme.example"]])
    code, err = run(capsys, "import", str(source), "--db", str(tmp_path / "w.db"), "--encoding", encoding)
    assert code == 2 and "encoding" in err, err
    _clean(err)


@pytest.mark.parametrize(
    "args",
    [
        ["--quota", "100", "--quota-from", "9999-01-01"],
        ["--quota", "100", "--quota-from", "2026-01-01", "--quota-to", "9999-12-31"],
        ["--from", "0001-01-01"],
        ["--to", "9999-12-31"],
    ],
)
def test_stats_with_dates_at_the_calendars_ends(
    args: list[str], small_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(capsys, "stats", "--db", str(small_demo), *args)
    assert code == 2 and "outside the dates" in err, err
    _clean(err)


def test_a_copy_is_still_restorable(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_workbench(db_path) as wb:
        add_leads(wb, 2)
    copy = tmp_path / "copy.db"
    shutil.copyfile(backup_file(db_path, tmp_path / "bk").path, copy)
    code, err = run(capsys, "restore", str(copy), "--db", str(db_path))
    assert code == 0, err
