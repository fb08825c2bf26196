"""Damaged files and restores: move a bad file aside (never delete it), put a backup back.

A restore copies the backup through SQLite into a temp file beside the workbench, checks
it, and renames it over the workbench only after the current file has itself been
backed up (or, if it is damaged, moved aside) — so no step can lose the only copy.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from workbench.store.backup import (
    PAGES_PER_STEP,
    BackupCancelled,
    BackupInfo,
    Progress,
    backup_file,
    list_backups,
    verify_backup,
)
from workbench.store.errors import StoreError
from workbench.store.interrupt import OperationCancelled, interrupt_when
from workbench.store.sqlite_file import APPLICATION_ID, readonly_uri, recognise
from workbench.temp_files import temp_path

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


class _Steps:
    """The restore's steps as one progress bar (each step an equal share), and the
    rep's Cancel as a ``stop()`` for the steps that cannot report pages."""

    SHARE = 1000

    def __init__(self, progress: Progress | None, count: int) -> None:
        self.progress = progress
        self.total = count * self.SHARE
        self.done = 0

    def at(self, index: int) -> Progress:
        def report(done: int, total: int) -> bool:
            self.done = index * self.SHARE + self.SHARE * done // max(total, 1)
            return self.progress is None or self.progress(self.done, self.total)

        return report

    def stop(self) -> bool:
        return self.progress is not None and not self.progress(self.done, self.total)


def _usable(path: Path, stop: Callable[[], bool]) -> bool:
    """``integrity_check`` and our application id, interruptible by ``stop``."""
    conn = sqlite3.connect(readonly_uri(path), uri=True, check_same_thread=False)
    try:
        with interrupt_when(conn, stop, "The restore"):
            checked = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        return checked == ["ok"] and app_id == APPLICATION_ID
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def _refuse_unrestorable(backup: Path, path: Path) -> None:
    """Before anything is moved: a backup of a newer schema (the workbench would then be
    refused), another program's database, or the workbench file itself is no backup."""
    from workbench.store import migrate
    from workbench.store.errors import NewerSchemaError

    with contextlib.suppress(OSError):
        if (path.exists() and backup.resolve() == path.resolve()) or backup.samefile(path):
            raise StoreError(
                f"{backup} is the workbench file itself, not a backup of it; nothing was changed."
            )
    try:
        recognise(backup, migrate.SCHEMA_VERSION)
    except NewerSchemaError as exc:
        raise StoreError(
            f"{backup} was made by a newer version of Prospecting Workbench (schema {exc.found}; this "
            f"version understands up to {exc.supported}); nothing was changed. Update the app to restore it."
        ) from None
    except StoreError as exc:
        raise StoreError(
            f"{backup} is not a backup this app can restore: {exc} Nothing was changed."
        ) from None


def restore_backup(
    backup: Path,
    path: Path,
    backup_dir: Path,
    *,
    current_is_damaged: bool = False,
    progress: Progress | None = None,
) -> Path | None:
    """Make ``path`` a copy of ``backup``. Returns where the previous file went (a fresh
    backup of it, or the moved-aside damaged file), or None if there was none.

    ``progress(done, total)`` follows the four steps (check the backup, back up the
    current file, copy, check the copy); returning False cancels before the current file
    is replaced (:class:`OperationCancelled`; the current file is untouched, a safety
    backup already made is kept). The caller must hold the writer lock of ``path`` (or
    know no app has it open).
    """
    steps = _Steps(progress, 4)
    _refuse_unrestorable(backup, path)
    if not _usable(backup, steps.stop):
        raise StoreError(f"{backup} is not a usable backup (it failed its integrity check).")
    previous: Path | None = None
    if path.exists():
        if current_is_damaged:
            previous = move_aside(path)
        else:
            try:
                previous = backup_file(path, backup_dir, reason="before-restore", progress=steps.at(1)).path
            except BackupCancelled:
                raise OperationCancelled("The restore") from None
            except StoreError:
                previous = move_aside(path)
    tmp = temp_path(path)
    try:
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        src = sqlite3.connect(readonly_uri(backup), uri=True)
        dst = sqlite3.connect(tmp)
        copy_step = steps.at(2)
        cancelled = False

        def _step(_status: int, remaining: int, total: int) -> None:
            nonlocal cancelled
            if not copy_step(total - remaining, total):
                cancelled = True
                raise OperationCancelled("The restore")

        try:
            try:
                src.backup(dst, pages=PAGES_PER_STEP, progress=_step)
            except sqlite3.Error:
                if cancelled:  # some versions wrap the callback's exception
                    raise OperationCancelled("The restore") from None
                raise
            dst.execute("PRAGMA journal_mode = WAL")
            dst.commit()
        finally:
            dst.close()
            src.close()
        if not _usable(tmp, steps.stop):
            raise StoreError("the restored copy failed its integrity check")
        if steps.stop():
            raise OperationCancelled("The restore")
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(str(path) + suffix)
        os.replace(tmp, path)
    except OperationCancelled:
        _remove_temp(tmp)
        raise
    except (sqlite3.Error, OSError) as exc:
        _remove_temp(tmp)
        raise StoreError(
            f"Restoring {backup.name} failed: {exc}. The previous file is at {previous}."
        ) from exc
    except StoreError:
        _remove_temp(tmp)
        raise
    if steps.progress is not None:
        steps.progress(steps.total, steps.total)
    return previous


def _remove_temp(tmp: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(str(tmp) + suffix)
