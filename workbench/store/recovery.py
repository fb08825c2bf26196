"""Damaged files and restores: move a bad file aside (never delete it), put a backup back.

A restore copies the backup through SQLite into a temp file beside the workbench, checks
it, and renames it over the workbench only after the current file has itself been
backed up (or, if it is damaged, moved aside) — so no step can lose the only copy.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from workbench.store.backup import BackupInfo, backup_file, list_backups, verify_backup
from workbench.store.errors import StoreError

COMPANIONS = ("", "-wal", "-shm")


def move_aside(path: Path, now: datetime | None = None) -> Path:
    """Rename a damaged file (and its WAL companions) to ``<name>.corrupt-<time>``."""
    now = now or datetime.now(UTC)
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while any(Path(str(target) + s).exists() for s in COMPANIONS):
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    for suffix in COMPANIONS:
        source = Path(str(path) + suffix)
        if source.exists():
            os.replace(source, Path(str(target) + suffix))
    return target


def newest_good_backup(backup_dir: Path) -> BackupInfo | None:
    for info in list_backups(backup_dir):
        if verify_backup(info.path):
            return info
    return None


def restore_backup(
    backup: Path, path: Path, backup_dir: Path, *, current_is_damaged: bool = False
) -> Path | None:
    """Make ``path`` a copy of ``backup``. Returns where the previous file went (a fresh
    backup of it, or the moved-aside damaged file), or None if there was none.

    The caller must hold the writer lock of ``path`` (or know no app has it open).
    """
    if not verify_backup(backup):
        raise StoreError(f"{backup} is not a usable backup (it failed its integrity check).")
    previous: Path | None = None
    if path.exists():
        if current_is_damaged:
            previous = move_aside(path)
        else:
            try:
                previous = backup_file(path, backup_dir, reason="before-restore").path
            except StoreError:
                previous = move_aside(path)
    tmp = path.with_name(path.name + ".restoring")
    try:
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        src = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = WAL")
            dst.commit()
        finally:
            dst.close()
            src.close()
        if not verify_backup(tmp):
            raise StoreError("the restored copy failed its integrity check")
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(str(path) + suffix)
        os.replace(tmp, path)
    except (sqlite3.Error, OSError) as exc:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise StoreError(
            f"Restoring {backup.name} failed: {exc}. The previous file is at {previous}."
        ) from exc
    return previous
