"""A backup before every import (issue 10.1), reused when nothing was written since.

The write marker (:mod:`workbench.store.write_marker`) tells whether a backup still
holds the file's state: change something → the next import backs up; change nothing →
it reuses the last backup and says which.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.fill import add_leads, count_leads
from workbench.services.clock import fixed_clock
from workbench.services.imports.run import run_import
from workbench.services.leads.edit import LeadFields, create_lead
from workbench.services.safety import backups
from workbench.services.settings import values as settings
from workbench.store import Workbench, open_workbench
from workbench.store.write_marker import MARKER_KEY, state_of, state_of_engine

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[3]


def _csv(path: Path, *people: tuple[str, str, str]) -> Path:
    lines = ["First Name,Last Name,Company,Email"]
    lines += [
        f"{first},{last},{company},{first.lower()}@{company.lower()}.example"
        for first, last, company in people
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _header_change_counter(path: Path) -> int:
    with path.open("rb") as fh:
        return int.from_bytes(fh.read(100)[24:28], "big")


def test_sqlites_own_change_counter_does_not_move_on_wal_commits(wb: Workbench) -> None:
    # Why the app keeps a marker of its own: in WAL mode commits go to the WAL and the
    # header's file change counter stays put until a checkpoint.
    before = _header_change_counter(wb.path)
    add_leads(wb, 3)
    add_leads(wb, 3, prefix="More")
    assert _header_change_counter(wb.path) == before
    assert state_of_engine(wb.engine) != ""


def test_the_marker_moves_with_every_write_and_only_then(wb: Workbench) -> None:
    first = state_of_engine(wb.engine)
    with wb.reading() as session:  # a read
        session.connection().exec_driver_sql("SELECT count(*) FROM lead").scalar()
    with wb.session():  # a transaction that changed nothing
        pass
    with wb.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE lead SET name = name WHERE 0")
    assert state_of_engine(wb.engine) == first
    create_lead(wb, LeadFields(name="Ana Müller", company="Acme"))
    second = state_of_engine(wb.engine)
    assert second != first
    settings.write(wb, "profile.rep_name", "Sam")
    assert state_of_engine(wb.engine) not in (first, second)


def test_a_rolled_back_write_leaves_the_marker(wb: Workbench) -> None:
    before = state_of_engine(wb.engine)
    conn = wb.engine.connect()
    tx = conn.begin()
    conn.exec_driver_sql("UPDATE lead SET name = 'x'")
    conn.exec_driver_sql("INSERT INTO setting (key, value) VALUES ('x.y', '1')")
    tx.rollback()
    conn.close()
    assert state_of_engine(wb.engine) == before


def test_import_reuses_the_backup_when_nothing_changed_and_backs_up_after_a_change(
    wb: Workbench, tmp_path: Path
) -> None:
    add_leads(wb, 4)
    manual = backups.back_up(wb, clock=fixed_clock(NOW))
    assert manual.state == state_of_engine(wb.engine)

    first = run_import(wb, _csv(tmp_path / "a.csv", ("Ana", "Müller", "Acme")), clock=fixed_clock(NOW))
    assert first.backup == manual.path and first.backup_reused  # nothing written since
    assert first.as_dict()["backup"] == str(manual.path) and first.as_dict()["backup_reused"] is True
    assert [b.reason for b in backups.backups_of(wb)] == ["manual"]

    # The import itself was a write: the next import needs a new backup, holding it.
    later = NOW + timedelta(minutes=5)
    second = run_import(wb, _csv(tmp_path / "b.csv", ("José", "Ruiz", "Łódź")), clock=fixed_clock(later))
    assert not second.backup_reused and second.backup is not None
    newest = backups.backups_of(wb)[0]
    assert newest.path == second.backup and newest.reason == "before-import"
    assert newest.counts["lead"] == 5  # the four, and the first import's one
    assert count_leads(wb) == 6

    # Nothing written since that import?  No: the second import wrote. A third import
    # right after a backup reuses it again.
    third_backup = backups.back_up(wb, clock=fixed_clock(later + timedelta(minutes=1)))
    third = run_import(wb, _csv(tmp_path / "c.csv", ("Li", "Wei", "Globex")), clock=fixed_clock(later))
    assert third.backup == third_backup.path and third.backup_reused


def test_any_write_between_backup_and_import_means_a_new_backup(wb: Workbench, tmp_path: Path) -> None:
    manual = backups.back_up(wb, clock=fixed_clock(NOW))
    settings.write(wb, "profile.rep_name", "Sam")  # the smallest change a rep can make
    result = run_import(wb, _csv(tmp_path / "a.csv", ("Ana", "Müller", "Acme")), clock=fixed_clock(NOW))
    assert not result.backup_reused and result.backup != manual.path


def test_opening_and_closing_the_file_is_not_a_change(db_path: Path, tmp_path: Path) -> None:
    with open_workbench(db_path) as wb:
        add_leads(wb, 3)
        manual = backups.back_up(wb, clock=fixed_clock(NOW))
    with open_workbench(db_path) as wb:  # a new process would do the same: open, check, close
        assert backups.holding_current_state(wb) == manual


def test_a_backup_changed_since_it_was_verified_is_not_reused(wb: Workbench, tmp_path: Path) -> None:
    manual = backups.back_up(wb, clock=fixed_clock(NOW))
    with manual.path.open("ab") as fh:  # grown behind the app's back: the size no longer matches
        fh.write(b"\0" * 4096)
    assert backups.holding_current_state(wb) is None
    result = run_import(wb, _csv(tmp_path / "a.csv", ("Ana", "Müller", "Acme")), clock=fixed_clock(NOW))
    assert not result.backup_reused


def test_backups_without_a_recorded_state_are_not_reused(wb: Workbench) -> None:
    manual = backups.back_up(wb, clock=fixed_clock(NOW))
    sidecar = manual.path.with_suffix(".json")
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    del data["state"]  # as written before states were recorded
    sidecar.write_text(json.dumps(data), encoding="utf-8")
    assert backups.holding_current_state(wb) is None


def test_a_write_by_another_program_is_noticed(wb: Workbench) -> None:
    manual = backups.back_up(wb, clock=fixed_clock(NOW))
    conn = sqlite3.connect(wb.path)  # knows nothing of the marker
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    assert backups.holding_current_state(wb) is None
    assert manual.state != state_of_engine(wb.engine)


def test_the_state_recorded_is_the_copys_own(wb: Workbench) -> None:
    add_leads(wb, 2)
    info = backups.back_up(wb, clock=fixed_clock(NOW))
    conn = sqlite3.connect(f"{info.path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert state_of(conn) == info.state
        marker = conn.execute("SELECT value FROM setting WHERE key = ?", (MARKER_KEY,)).fetchone()
        assert marker is not None
    finally:
        conn.close()


def _cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, WORKBENCH_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args], capture_output=True, text=True, env=env, cwd=REPO
    )


def test_cli_import_after_a_backup_reuses_it_and_says_which(tmp_path: Path) -> None:
    home = tmp_path / "home"
    db = tmp_path / "cli.db"
    source = _csv(tmp_path / "a.csv", ("Ana", "Müller", "Acme"), ("José", "Ruiz", "Łódź"))
    with open_workbench(db) as wb:
        add_leads(wb, 3)
    made = _cli("backup", "--db", str(db), "--json", home=home)
    assert made.returncode == 0, made.stderr
    backup = json.loads(made.stdout)
    assert backup["copy_seconds"] >= 0 and backup["verify_seconds"] > 0

    done = _cli("import", str(source), "--db", str(db), "--json", home=home)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["backup"] == backup["path"] and summary["backup_reused"] is True
    assert summary["inserted"] == 2

    again = _cli("import", str(_csv(tmp_path / "b.csv", ("Li", "Wei", "Globex"))), "--db", str(db), home=home)
    assert again.returncode == 0, again.stderr
    assert "backed up first:" in again.stderr  # the first import was a write
    assert backup["path"] not in again.stderr


def test_a_backup_that_cannot_be_written_stops_the_import_before_it_writes(
    wb: Workbench, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.store import StoreError
    from workbench.store import backup as backup_mod

    add_leads(wb, 3)

    def full_disk(source: Path, target: Path, progress: object) -> None:
        target.write_bytes(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup_mod, "_copy", full_disk)
    with pytest.raises(StoreError, match="disk is full"):
        run_import(wb, _csv(tmp_path / "a.csv", ("Ana", "Müller", "Acme")), clock=fixed_clock(NOW))
    assert count_leads(wb) == 3 and backups.backups_of(wb) == []
    assert not list(backups.folder_for(wb).glob(".*.pwb-*"))


def test_cli_import_whose_backup_fails_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    db = tmp_path / "cli.db"
    with open_workbench(db) as wb:
        add_leads(wb, 3)
    folder = home / "backups"
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("a file where the backups folder should be", encoding="utf-8")
    done = _cli(
        "import", str(_csv(tmp_path / "a.csv", ("Ana", "Müller", "Acme"))), "--db", str(db), home=home
    )
    assert done.returncode == 1, done.stderr
    assert "nothing was written" in done.stderr and "backup" in done.stderr.lower()
    assert done.stdout == ""
    with open_workbench(db) as wb:
        assert count_leads(wb) == 3


def test_automatic_backups_skip_a_file_whose_times_moved_but_not_its_data(wb: Workbench) -> None:
    add_leads(wb, 3)
    watch = backups.ChangeWatch(wb.path)
    backups.back_up(wb, reason="auto", clock=fixed_clock(NOW))
    later = NOW + timedelta(hours=2)
    with wb.engine.connect() as conn:  # a checkpoint rewrites the file, not the data
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert watch.changed()
    assert not backups.due_for_auto_backup(wb, watch, later)
    add_leads(wb, 1)
    assert backups.due_for_auto_backup(wb, watch, later)
