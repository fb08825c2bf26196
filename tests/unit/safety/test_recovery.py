"""R2: damaged files are detected at open, moved aside (never overwritten), and the newest
good backup is restored; nothing is silently lost."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.fill import add_leads, count_leads
from workbench.services.safety import backups
from workbench.store import CorruptFileError, NotAWorkbenchError, StoreError, open_workbench
from workbench.store.recovery import newest_good_backup
from workbench.ui.safety.recovery import recover, recoverable


def _flip_page_size(data: bytearray) -> None:
    data[16:18] = b"\x03\x01"  # not a power of two


def _flip_magic(data: bytearray) -> None:
    data[0:6] = b"SQLitX"


def _truncate(data: bytearray) -> None:
    del data[len(data) // 2 :]


def _garble_middle(data: bytearray) -> None:
    page = 4096
    for offset in range(3 * page, min(len(data), 9 * page), 97):
        data[offset] = (data[offset] + 77) % 256


def _zero_length(data: bytearray) -> None:
    del data[:]


def _text(data: bytearray) -> None:
    data[:] = b"name,company\nAna,Acme\n"


DAMAGE: dict[str, Callable[[bytearray], None]] = {
    "flipped page size": _flip_page_size,
    "flipped magic": _flip_magic,
    "truncated": _truncate,
    "garbled pages": _garble_middle,
    "zero length": _zero_length,
    "text file": _text,
}


@pytest.fixture
def damaged(db_path: Path) -> Callable[[str], tuple[Path, bytes]]:
    def make(kind: str) -> tuple[Path, bytes]:
        with open_workbench(db_path) as wb:
            add_leads(wb, 400)
            backups.back_up(wb)
            add_leads(wb, 5, "Unsaved")
        data = bytearray(db_path.read_bytes())
        DAMAGE[kind](data)
        db_path.write_bytes(bytes(data))
        return db_path, bytes(data)

    return make


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_damage_is_detected_and_the_file_left_untouched(
    damaged: Callable[[str], tuple[Path, bytes]], kind: str
) -> None:
    path, content = damaged(kind)
    with pytest.raises((CorruptFileError, NotAWorkbenchError)):
        open_workbench(path)
    assert path.read_bytes() == content


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_damaged_file_moved_aside_and_backup_restored(
    damaged: Callable[[str], tuple[Path, bytes]], kind: str
) -> None:
    path, content = damaged(kind)
    try:
        open_workbench(path).close()
    except StoreError as exc:
        backup = recoverable(path, exc)
    assert backup is not None
    wb, aside = recover(path, backup)
    try:
        assert count_leads(wb) == 400  # the backup's content
    finally:
        wb.close()
    assert aside.name.startswith(path.name + ".corrupt-")
    assert hashlib.sha256(aside.read_bytes()).digest() == hashlib.sha256(content).digest()


def test_no_backup_means_no_offer(db_path: Path) -> None:
    db_path.write_bytes(b"")
    with pytest.raises(NotAWorkbenchError) as info:
        open_workbench(db_path)
    assert recoverable(db_path, info.value) is None


def test_newest_good_backup_skips_a_damaged_backup(wb_with_two_backups: Path) -> None:
    folder = wb_with_two_backups
    found = newest_good_backup(folder)
    assert found is not None and found.counts["lead"] == 1


@pytest.fixture
def wb_with_two_backups(db_path: Path) -> Path:
    from datetime import UTC, datetime, timedelta

    from workbench.services.clock import fixed_clock

    t = datetime(2026, 5, 1, tzinfo=UTC)
    with open_workbench(db_path) as wb:
        add_leads(wb, 1)
        backups.back_up(wb, clock=fixed_clock(t))
        add_leads(wb, 1, "Second")
        newest = backups.back_up(wb, clock=fixed_clock(t + timedelta(hours=1)))
        folder = backups.folder_for(wb)
    newest.path.write_bytes(newest.path.read_bytes()[:3000])
    return folder


def test_cli_check_reports_problems(db_path: Path) -> None:
    import subprocess
    import sys

    with open_workbench(db_path) as wb:
        add_leads(wb, 10)
    ok = subprocess.run(
        [sys.executable, "-m", "workbench", "check", "--db", str(db_path), "--json"],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0 and '"ok": true' in ok.stdout
    db_path.write_bytes(db_path.read_bytes()[:5000])
    bad = subprocess.run(
        [sys.executable, "-m", "workbench", "check", "--db", str(db_path)], capture_output=True, text=True
    )
    assert bad.returncode != 0
    assert "truncated" in bad.stderr


def test_a_short_main_file_with_a_wal_is_left_to_sqlite(db_path: Path) -> None:
    """Killed mid-checkpoint, the main file may be shorter than its header says while the
    WAL holds the pages; that is not truncation, and SQLite completes it at open."""
    from workbench.store.migrate import SCHEMA_VERSION
    from workbench.store.sqlite_file import recognise

    with open_workbench(db_path) as wb:
        add_leads(wb, 400)
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 2])
    wal = db_path.with_name(db_path.name + "-wal")
    wal.write_bytes(b"\x37\x7f\x06\x82" + b"\x00" * 60)  # a WAL header and more
    try:
        recognise(db_path, SCHEMA_VERSION)
    except CorruptFileError as exc:  # SQLite itself may still find it damaged …
        assert "truncated" not in str(exc)  # … but the size rule must not decide it
    wal.unlink()
    with pytest.raises(CorruptFileError, match="truncated"):
        recognise(db_path, SCHEMA_VERSION)
