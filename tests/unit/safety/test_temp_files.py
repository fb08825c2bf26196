"""Issue 19, case 14: a backup, an export or a demo build killed with SIGKILL leaves its
temporary file under a name that names its process, and a later run removes it — the
next backup or export into the folder, or opening a workbench beside it. A live
process's temporary file is never removed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.fill import add_leads
from workbench import temp_files
from workbench.cli import main
from workbench.paths import backup_dir_for
from workbench.store import open_workbench
from workbench.store.backup import list_backups, verify_backup

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and pids are POSIX")

#: A real backup or export that reports progress once, then stops there until killed.
STUCK = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path

    def stuck(done, total):
        print("writing", flush=True)
        time.sleep(3600)
        return True

    if sys.argv[1] == "backup":
        from workbench.store.backup import backup_file
        backup_file(Path(sys.argv[2]), Path(sys.argv[3]), progress=stuck)
    else:
        from workbench.services.manager.export import export_pipeline
        from workbench.store import open_workbench
        with open_workbench(sys.argv[2], readonly=True) as wb:
            export_pipeline(wb, Path(sys.argv[3]), progress=stuck)
    """
)
SLEEPER = "import sys, time; print('ready', flush=True); time.sleep(3600)"


def _start(*args: str) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=Path.cwd(),
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() in ("writing", "ready")
    return child


def _kill(child: subprocess.Popen[str], *, reap: bool = True) -> None:
    child.send_signal(signal.SIGKILL)
    if reap:
        child.wait(timeout=30)
        assert child.stdout is not None
        child.stdout.close()


@pytest.fixture
def sleeper() -> Iterator[subprocess.Popen[str]]:
    child = _start(SLEEPER)
    yield child
    if child.poll() is None:
        _kill(child)
    assert child.stdout is not None
    child.stdout.close()


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".pwb-" in p.name)


def test_a_killed_backup_leaves_a_named_orphan_that_the_next_backup_removes(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_workbench(db_path) as wb:
        add_leads(wb, 3000)
    folder = backup_dir_for(db_path)
    child = _start(STUCK, "backup", str(db_path), str(folder))
    left = _temps(folder)
    assert left and all(f"-{child.pid}-" in name for name in left), left
    _kill(child)
    assert _temps(folder) == left  # SIGKILL cleans nothing up: the orphan is there
    assert list_backups(folder) == []  # and never looks like a backup

    assert main(["backup", "--db", str(db_path)]) == 0, capsys.readouterr().err
    assert _temps(folder) == []
    backups = list_backups(folder)
    assert len(backups) == 1 and verify_backup(backups[0].path)
    made = backups[0].path
    assert {p.name for p in folder.iterdir()} == {made.name, made.with_suffix(".json").name}


@pytest.mark.parametrize("suffix", [".xlsx", ".json"])
def test_a_killed_export_leaves_named_orphans_that_the_next_export_removes(
    suffix: str, small_demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / f"pipeline{suffix}"
    child = _start(STUCK, "export", str(small_demo), str(out))
    left = _temps(folder)
    # XLSX: the writer's scratch folder (the book itself is written at close); JSON: the file.
    assert left and all(f"-{child.pid}-" in name for name in left), left
    assert not out.exists()
    _kill(child)
    assert _temps(folder) == left

    code = main(["export", "--db", str(small_demo), "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == [out.name]


def test_opening_a_workbench_removes_what_a_killed_demo_build_left_beside_it(
    db_path: Path, tmp_path: Path
) -> None:
    target = db_path.parent / "demo.db"
    child = subprocess.Popen(
        [sys.executable, "-m", "workbench", "demo", "--db", str(target)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=Path.cwd(),
    )
    deadline = time.monotonic() + 120
    while not _temps(db_path.parent) and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)  # polling for the build's temporary file, not for a result
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    left = _temps(db_path.parent)
    assert left and all(f"-{child.pid}-" in name for name in left), left
    assert not target.exists()

    open_workbench(db_path).close()
    assert _temps(db_path.parent) == []


def test_a_live_process_keeps_its_temporary_files(tmp_path: Path, sleeper: subprocess.Popen[str]) -> None:
    mine = temp_files.temp_path(tmp_path / "a.xlsx")
    mine.write_bytes(b"being written")
    # The sleeper's own name, as it would have made it (its pid and start time).
    token = f"{temp_files._HOST}-{sleeper.pid}-{temp_files._start_ticks(sleeper.pid)}"
    theirs = tmp_path / f".b.xlsx.pwb-{token}-0badc0de.partial"
    theirs.mkdir()
    old = time.time() - 10 * temp_files.SAFE_AGE_SECONDS
    os.utime(theirs, (old, old))  # age never outweighs a live owner
    assert temp_files.sweep(tmp_path) == []
    assert mine.exists() and theirs.exists()

    _kill(sleeper)
    assert temp_files.sweep(tmp_path) == [theirs]
    assert mine.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="zombies and start times read from /proc")
def test_a_killed_unreaped_process_and_a_reused_pid_are_no_owners(
    tmp_path: Path, sleeper: subprocess.Popen[str]
) -> None:
    token = f"{temp_files._HOST}-{sleeper.pid}-{temp_files._start_ticks(sleeper.pid)}"
    zombie = tmp_path / f".z.csv.pwb-{token}-00000001.partial"
    zombie.write_text("x")
    _kill(sleeper, reap=False)
    deadline = time.monotonic() + 10
    while (temp_files._stat_fields(sleeper.pid) or ["Z"])[0] != "Z" and time.monotonic() < deadline:
        time.sleep(0.01)  # waiting for the kernel to mark the child dead
    # Our own pid, with another start time: a process of the same pid that has ended.
    reused = tmp_path / f".r.csv.pwb-{temp_files._HOST}-{os.getpid()}-1-00000002.partial"
    reused.write_text("x")
    assert sorted(temp_files.sweep(tmp_path)) == sorted([zombie, reused])
    sleeper.wait(timeout=30)


def test_files_whose_owner_cannot_be_asked_wait_a_day(tmp_path: Path) -> None:
    other_host = tmp_path / ".c.json.pwb-00000000-1-0-00000003.partial"
    legacy_backup = tmp_path / "workbench-20260101T000000Z-manual.db.tmp"
    legacy_export = tmp_path / ".pipeline.xlsx.1a2b3c4d.partial"
    for path in (other_host, legacy_backup, legacy_export):
        path.write_text("x")
    unrelated = tmp_path / "notes.tmp"
    unrelated.write_text("x")
    assert temp_files.sweep(tmp_path) == []
    old = time.time() - temp_files.SAFE_AGE_SECONDS - 60
    for path in (other_host, legacy_backup, legacy_export, unrelated):
        os.utime(path, (old, old))
    assert sorted(temp_files.sweep(tmp_path)) == sorted([other_host, legacy_backup, legacy_export])
    assert unrelated.exists()


def test_temporary_names_stay_within_a_file_name_and_keep_their_target(tmp_path: Path) -> None:
    long_target = tmp_path / ("é" * 120 + ".xlsx")
    temp = temp_files.temp_path(long_target)
    assert len(temp.name.encode()) + len("-journal") <= 255
    temp.write_bytes(b"")  # the file system accepts it
    short = temp_files.temp_path(tmp_path / "report.csv")
    assert temp_files.original_name(short.name) == "report.csv"
    assert short.parent == tmp_path
    scratch = temp_files.make_temp_dir(short)
    assert scratch.is_dir() and temp_files.original_name(scratch.name) == "report.csv"
    assert temp_files.sweep(tmp_path / "no such folder") == []
