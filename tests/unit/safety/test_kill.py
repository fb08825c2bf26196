"""R1 and R13 under SIGKILL: a process killed at random points while it writes or backs up
never leaves a damaged workbench or a half-written backup."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.support.fill import add_leads, count_leads
from workbench.store import open_workbench
from workbench.store.backup import list_backups, verify_backup
from workbench.store.sqlite_file import integrity_problems

RUNS = 20
BATCH = 4000

WRITER = textwrap.dedent(
    """
    import sys
    from tests.support.fill import add_leads
    from workbench.store import open_workbench
    wb = open_workbench(sys.argv[1])
    print("open", flush=True)
    while True:
        add_leads(wb, {batch}, "Batch")  # one transaction per batch
    """
)

BACKER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from workbench.store.backup import backup_file
    backup_file(Path(sys.argv[1]), Path(sys.argv[2]), reason="auto")
    print("one backup done", flush=True)  # from here on, every kill lands inside a backup
    while True:
        backup_file(Path(sys.argv[1]), Path(sys.argv[2]), reason="auto")
    """
)

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")


def _kill_after(args: list[str], delay: float) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=Path.cwd()
    )
    assert child.stdout is not None
    child.stdout.readline()  # the child is past its imports (and its first backup) and writing
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.005)  # pacing the kill, not waiting for a result
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()


def test_writes_killed_at_random_points_leave_whole_transactions(db_path: Path) -> None:
    open_workbench(db_path).close()
    rng = random.Random(1234)
    for _ in range(RUNS):
        _kill_after([WRITER.format(batch=BATCH), str(db_path)], rng.uniform(0.0, 0.6))
        with open_workbench(db_path) as wb:  # stale lock recovered every time
            with wb.engine.connect() as conn:
                assert integrity_problems(conn) == []
            assert count_leads(wb) % BATCH == 0  # all-or-nothing per transaction


def test_backups_killed_at_random_points_are_never_half_written(db_path: Path, tmp_path: Path) -> None:
    with open_workbench(db_path) as wb:
        add_leads(wb, 8_000)
    folder = tmp_path / "backups"
    rng = random.Random(99)
    for _ in range(RUNS):
        _kill_after([BACKER, str(db_path), str(folder)], rng.uniform(0.0, 0.15))
        for info in list_backups(folder):
            assert verify_backup(info.path), info.path.name
    assert len(list_backups(folder)) >= RUNS
    with open_workbench(db_path) as wb:
        with wb.engine.connect() as conn:
            assert integrity_problems(conn) == []
        assert count_leads(wb) == 8_000
