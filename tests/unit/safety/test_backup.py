"""R13: verified rotating backups with SQLite's online backup API, and the restore drill."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.fill import add_leads, count_leads
from workbench.services.clock import fixed_clock
from workbench.services.safety import backups
from workbench.store import Workbench, open_workbench
from workbench.store.backup import backup_file, list_backups, verify_backup
from workbench.store.recovery import restore_backup
from workbench.store.rotation import RetentionPolicy, to_keep

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_backup_is_verified_private_and_counted(wb: Workbench, tmp_path: Path) -> None:
    add_leads(wb, 25)
    info = backups.back_up(wb, clock=fixed_clock(NOW))
    assert info.path.exists() and verify_backup(info.path)
    assert info.counts["lead"] == 25
    assert not list(info.path.parent.glob(".*.pwb-*"))
    if os.name == "posix":
        assert (info.path.stat().st_mode & 0o777) == 0o600
    listed = backups.backups_of(wb)
    assert [b.path for b in listed] == [info.path]
    assert listed[0].counts["lead"] == 25


def test_backup_while_the_app_holds_an_open_write_transaction(wb: Workbench, tmp_path: Path) -> None:
    add_leads(wb, 10)
    with wb.engine.begin() as conn:  # uncommitted work must not leak into the backup
        conn.exec_driver_sql("DELETE FROM lead")
        info = backup_file(wb.path, tmp_path / "b", now=NOW)
    assert info.counts["lead"] == 10


def test_restore_drill(wb: Workbench, db_path: Path) -> None:
    add_leads(wb, 3, "Before")
    taken = backups.back_up(wb, clock=fixed_clock(NOW))
    add_leads(wb, 2, "After")
    folder = backups.folder_for(wb)
    wb.close()
    previous = restore_backup(taken.path, db_path, folder)
    assert previous is not None and verify_backup(previous)
    with open_workbench(db_path) as again:
        assert count_leads(again) == 3
    with open_workbench(previous, readonly=True) as old:
        assert count_leads(old) == 5  # the state before the restore was kept


@pytest.mark.parametrize("cancel_on_call", [1, 2, 3])
def test_restore_reports_progress_and_a_cancel_leaves_the_file_as_it_was(
    wb: Workbench, db_path: Path, cancel_on_call: int
) -> None:
    """The restore asks at least three times before it swaps the file (backing up the
    current file, copying, just before the swap); a No at any of them leaves the
    current file untouched and no temporary file behind."""
    from workbench.store.interrupt import OperationCancelled

    add_leads(wb, 3, "Before")
    taken = backups.back_up(wb, clock=fixed_clock(NOW))
    add_leads(wb, 2, "After")
    folder = backups.folder_for(wb)
    wb.close()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        seen.append((done, total))
        return len(seen) < cancel_on_call

    with pytest.raises(OperationCancelled):
        restore_backup(taken.path, db_path, folder, progress=progress)
    assert {total for _done, total in seen} == {4000}
    assert not list(db_path.parent.glob(".*.pwb-*"))
    with open_workbench(db_path) as again:
        assert count_leads(again) == 5


def test_a_backup_cancelled_while_its_copy_is_checked_leaves_nothing(wb: Workbench, tmp_path: Path) -> None:
    from workbench.store.backup import BackupCancelled

    add_leads(wb, 4)
    folder = tmp_path / "backups"
    # Every page copied, then Cancel while the copy's integrity check runs.
    with pytest.raises(BackupCancelled):
        backup_file(wb.path, folder, now=NOW, progress=lambda done, total: (done, total) != (1, 1))
    assert list(folder.iterdir()) == []


def test_restore_progress_runs_to_the_end(wb: Workbench, db_path: Path) -> None:
    add_leads(wb, 3)
    taken = backups.back_up(wb, clock=fixed_clock(NOW))
    folder = backups.folder_for(wb)
    wb.close()
    seen: list[int] = []
    restore_backup(taken.path, db_path, folder, progress=lambda done, total: seen.append(done) is None)
    assert seen == sorted(seen) and seen[-1] == 4000


def test_rotation_keeps_last_ten_then_daily_weekly_monthly() -> None:
    hourly = [NOW - timedelta(hours=h) for h in range(0, 24 * 400, 6)]
    keep = to_keep(hourly, NOW, RetentionPolicy())
    newest = sorted(hourly, reverse=True)
    assert set(newest[:10]) <= keep
    days = {t.date() for t in keep if NOW - t <= timedelta(days=7)}
    assert len(days) >= 7
    months = {(t.year, t.month) for t in keep if NOW - t > timedelta(weeks=4)}
    assert 10 <= len(months) <= 13
    assert len(keep) < 45
    assert not any(NOW - t > timedelta(days=31 * 12 + 1) for t in keep)


def test_thinning_deletes_files_over_an_injected_clock(wb: Workbench) -> None:
    for day in range(40, -1, -1):
        backups.back_up(wb, clock=fixed_clock(NOW - timedelta(days=day)), prune=False)
    assert len(backups.backups_of(wb)) == 41
    removed = backups.thin(wb, clock=fixed_clock(NOW))
    left = backups.backups_of(wb)
    assert removed and len(left) + len(removed) == 41
    assert left[0].taken_at == NOW
    for info in removed:
        assert not info.path.exists() and not info.path.with_suffix(".json").exists()


def test_cli_backup_and_restore(db_path: Path, tmp_path: Path) -> None:
    with open_workbench(db_path) as wb:
        add_leads(wb, 4)
    cli = [sys.executable, "-m", "workbench"]
    out = subprocess.run(
        [*cli, "backup", "--db", str(db_path), "--to", str(tmp_path / "bk"), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    made = json.loads(out.stdout)
    assert made["counts"]["lead"] == 4
    with open_workbench(db_path) as wb:
        add_leads(wb, 6, "Later")
    done = subprocess.run(
        [*cli, "restore", made["path"], "--db", str(db_path), "--json"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["previous"]
    with open_workbench(db_path) as wb:
        assert count_leads(wb) == 4


def test_cli_restore_refuses_while_the_file_is_open(wb: Workbench, tmp_path: Path) -> None:
    info = backup_file(wb.path, tmp_path / "bk", now=NOW)
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "restore", str(info.path), "--db", str(wb.path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "already open" in done.stderr


@pytest.mark.parametrize("missing", ["backup", "db"])
def test_cli_backup_bad_input_exits_2(tmp_path: Path, missing: str) -> None:
    args = ["backup", "--db", str(tmp_path / "nope.db")]
    if missing == "backup":
        args = ["restore", str(tmp_path / "nope-backup.db"), "--db", str(tmp_path / "x.db")]
    done = subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True, text=True)
    assert done.returncode == 2
    assert "does not exist" in done.stderr
    assert done.stdout == ""
    assert list_backups(tmp_path) == []


def test_an_import_is_preceded_by_a_backup(wb: Workbench, tmp_path: Path) -> None:
    from workbench.services.imports.run import run_import

    add_leads(wb, 2)
    source = tmp_path / "leads.csv"
    source.write_text(
        "First Name,Last Name,Company,Email\nAna,Müller,Acme,ana@acme.example\n", encoding="utf-8"
    )
    run_import(wb, source)
    taken = [b for b in backups.backups_of(wb) if b.reason == "before-import"]
    assert len(taken) == 1
    assert taken[0].counts["lead"] == 2  # the file as it was before the import
    assert count_leads(wb) == 3
