"""R1 for imports: ``workbench import`` killed with SIGKILL at many points — before its
first chunk, between chunks, after the last row while it commits, and at random
moments — leaves the file intact and unchanged; running it again finishes the job."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.fill import add_leads
from tests.support.import_files import leads_file
from workbench.store import open_workbench
from workbench.store.sqlite_file import integrity_problems

pytestmark = [pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX"), pytest.mark.slow]

ROWS = 8_000  # 4 chunks of 2,000 rows, each announced by a progress line on stderr
STORED = 300
#: Kill after this many progress lines; the 5th comes after the last row, so killing
#: after it hits the batch's bookkeeping and the commit.
AFTER_LINES = (0, 1, 2, 3, 4, 5, 5)
RANDOM_KILLS = 13  # 20 kills in all


def _command(path: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "workbench", "import", str(path), "--db", str(db)]


def _kill_after_lines(path: Path, db: Path, lines: int, extra_delay: float = 0.0) -> None:
    child = subprocess.Popen(
        _command(path, db), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=Path.cwd()
    )
    assert child.stderr is not None
    seen = 0
    while seen < lines:
        line = child.stderr.readline()
        if not line:
            break  # finished before the kill point: nothing to kill
        seen += line.startswith(b"progress:")
    deadline = time.monotonic() + extra_delay
    while time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.002)  # pacing the kill, not waiting for a result
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stderr.close()
    assert child.returncode in (-signal.SIGKILL, 0)


def _state(db: Path) -> tuple[int, int]:
    with open_workbench(db) as wb, wb.engine.connect() as conn:
        assert integrity_problems(conn) == []
        leads = conn.exec_driver_sql("SELECT count(*) FROM lead").scalar_one()
        batches = conn.exec_driver_sql("SELECT count(*) FROM import_batch").scalar_one()
        fts = conn.exec_driver_sql("SELECT count(*) FROM lead_fts").scalar_one()
        assert fts == leads  # the full-text index moved with the rows
    return int(leads), int(batches)


def test_killed_imports_leave_the_file_as_it_was(db_path: Path, tmp_path: Path) -> None:
    with open_workbench(db_path) as wb:
        add_leads(wb, STORED, "Stored")
    rows = [[f"Kill{i}", "Test", f"Company {i}", f"k{i}@c{i}.example", "", ""] for i in range(ROWS)]
    path = leads_file(tmp_path / "big.csv", rows)
    rng = random.Random(2024)
    plan = [(lines, rng.uniform(0.0, 0.05) if lines == 5 else 0.0) for lines in AFTER_LINES]
    plan += [(rng.randrange(0, 6), rng.uniform(0.0, 0.4)) for _ in range(RANDOM_KILLS)]
    completed = False
    for lines, delay in plan:
        _kill_after_lines(path, db_path, lines, delay)
        leads, batches = _state(db_path)
        if batches:  # the kill came after the commit: the whole import is there
            assert (leads, batches) == (STORED + ROWS, 1)
            completed = True
            break
        assert leads == STORED
    if not completed:
        finished = subprocess.run(_command(path, db_path), capture_output=True, check=False)
        assert finished.returncode == 0, finished.stderr.decode()
        assert _state(db_path) == (STORED + ROWS, 1)
    again = subprocess.run([*_command(path, db_path), "--json"], capture_output=True, check=False)
    assert again.returncode == 0 and b'"inserted": 0' in again.stdout
    assert _state(db_path) == (STORED + ROWS, 1)


def test_an_import_killed_while_it_backs_up_leaves_no_half_written_backup(
    db_path: Path, tmp_path: Path
) -> None:
    """Issue 10: the backup before an import, killed part-way, 5 times: the workbench is
    untouched, every file under a backup's name verifies, and the import then runs
    (reusing the one complete backup when there is one: nothing was written since)."""
    from workbench.paths import backup_dir_for
    from workbench.store.backup import list_backups, verify_backup

    with open_workbench(db_path) as wb:
        add_leads(wb, 30_000, "Stored")  # several backup steps of 4 MB each
    rows = [[f"Kill{i}", "Test", f"Company {i}", f"k{i}@c{i}.example", "", ""] for i in range(50)]
    path = leads_file(tmp_path / "small.csv", rows)
    rng = random.Random(7)
    for _ in range(5):
        child = subprocess.Popen(
            _command(path, db_path), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=Path.cwd()
        )
        assert child.stderr is not None
        for line in child.stderr:
            if line.startswith(b"backup:") or line.startswith(b"progress:"):
                break  # copying has begun (or, with a backup to reuse, the import has)
        deadline = time.monotonic() + rng.uniform(0.0, 0.05)
        while time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.002)  # pacing the kill, not waiting for a result
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stderr.close()
        leads, batches = _state(db_path)
        if batches:
            break  # it finished before the kill
        assert leads == 30_000
        for info in list_backups(backup_dir_for(db_path)):
            assert verify_backup(info.path), info.path.name
    done = subprocess.run([*_command(path, db_path), "--json"], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert _state(db_path)[0] == 30_050
    backups = list_backups(backup_dir_for(db_path))
    assert backups and all(verify_backup(b.path) for b in backups)
    assert backups[-1].counts["lead"] == 30_000  # the oldest complete one: the file as it was
