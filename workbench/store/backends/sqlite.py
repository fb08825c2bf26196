"""The workbench file: recognise it, take the writer lock, back it up before a
migration, migrate, check it, restrict its mode — everything a local SQLite file needs
that a server does not. The SQLite details themselves live in
:mod:`workbench.store.sqlite_file`, :mod:`workbench.store.lock` and
:mod:`workbench.store.backup`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from workbench.store import migrate
from workbench.store.backends import Backend
from workbench.store.errors import CorruptFileError, ReadOnlyFileError, StoreError
from workbench.store.failures import environment_message, is_damage, sqlite_reason
from workbench.store.lock import WriterLock
from workbench.store.sqlite_file import (
    checkpoint,
    create_empty_file,
    integrity_problems,
    make_engine,
    readonly_media,
    recognise,
    restrict_permissions,
)

#: Files up to this size get SQLite's quick_check at open (tens of milliseconds); bigger
#: ones are checked in the background once the window shows, so start-up stays fast.
QUICK_CHECK_AT_OPEN_MAX_BYTES = 64 * 1024 * 1024

#: Called with (path, from_version) just before an existing file is migrated, so the
#: backup service can copy it first. Set by higher layers; the store imports none of them.
BeforeMigrate = Callable[[Path, int], None]


class SqliteBackend(Backend):
    kind = "sqlite"

    def __init__(self, path: Path, engine: Engine, lock: WriterLock | None, *, created: bool) -> None:
        self.path = path
        self.engine = engine
        self._lock = lock
        self.readonly = lock is None
        self.created = created
        # Connections in use (on any thread), so close() can interrupt their statements.
        self._in_use: set[Any] = set()
        event.listen(engine, "checkout", lambda dbapi, _rec, _proxy: self._in_use.add(dbapi))
        event.listen(engine, "checkin", lambda dbapi, _rec: self._in_use.discard(dbapi))

    @property
    def location(self) -> str:
        return str(self.path)

    @property
    def file_path(self) -> Path:
        return self.path

    @property
    def lock(self) -> WriterLock | None:
        return self._lock

    def integrity_problems(self, conn: Any, *, full: bool = True) -> list[str]:
        return integrity_problems(conn, full=full)

    def close(self) -> None:
        # A background read (the quick check of a big file, a count) would otherwise
        # hold the checkpoint and keep the process from exiting until it ends: stop it.
        for dbapi in list(self._in_use):
            with contextlib.suppress(Exception):
                dbapi.interrupt()
        if not self.readonly:
            with contextlib.suppress(Exception):
                checkpoint(self.engine)
        self.engine.dispose()
        if self._lock is not None:
            self._lock.release()
            self._lock = None


def open_file(
    path: Path, *, create: bool, readonly: bool, before_migrate: BeforeMigrate | None
) -> SqliteBackend:
    """Open (or create) the workbench file at ``path``; see :func:`workbench.store.open_workbench`."""
    exists = path.exists()
    if not exists and (not create or readonly):
        raise StoreError(f"{path} does not exist.")
    if exists and path.is_dir():
        raise StoreError(f"{path} is a folder, not a workbench file.")
    version = recognise(path, migrate.SCHEMA_VERSION) if exists else 0

    if readonly:
        return SqliteBackend(path, make_engine(path, readonly=True), None, created=False)
    if exists and (readonly_media(path) or not os.access(path, os.W_OK)):
        raise ReadOnlyFileError(path)

    lock = WriterLock(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock.acquire()
    try:
        sweep_orphans(path)
        if not exists:
            _create(path)
        elif version < migrate.SCHEMA_VERSION:
            (before_migrate or backup_before_migration)(path, version)
        engine = make_engine(path)
        if version < migrate.SCHEMA_VERSION:
            try:
                migrate.upgrade(engine)
            except Exception:
                engine.dispose()
                if not exists:
                    _remove_new_file(path)
                raise
        restrict_permissions(path)
        if exists and path.stat().st_size <= QUICK_CHECK_AT_OPEN_MAX_BYTES:
            _quick_check(path, engine)
        return SqliteBackend(path, engine, lock, created=not exists)
    except BaseException:
        lock.release()
        raise


def sweep_orphans(path: Path) -> None:
    """Remove the temporary files killed processes left beside the file, in its backup
    folder and in the system's temporary folder (issue 19: a killed backup left 2 GB)."""
    import tempfile

    from workbench.paths import backup_dir_for
    from workbench.temp_files import sweep

    for folder in dict.fromkeys((path.parent, backup_dir_for(path), Path(tempfile.gettempdir()))):
        sweep(folder)


def backup_before_migration(path: Path, version: int) -> None:
    """A verified copy of the file as it was, before its schema changes (R5)."""
    from workbench.paths import backup_dir_for
    from workbench.store.backup import backup_file

    backup_file(path, backup_dir_for(path), reason=f"before-migration-v{version}")


def _quick_check(path: Path, engine: Engine) -> None:
    from sqlalchemy.exc import DatabaseError

    try:
        with engine.connect() as conn:
            problems = integrity_problems(conn, full=False)
    except DatabaseError as exc:
        if not is_damage(exc):  # a full or failing disk is not a damaged file
            engine.dispose()
            raise StoreError(
                environment_message(exc) or f"{path} cannot be read: {sqlite_reason(exc)}"
            ) from None
        problems = [sqlite_reason(exc)]
    if problems:
        engine.dispose()
        raise CorruptFileError(path, "; ".join(problems[:3]))


def _create(path: Path) -> None:
    try:
        create_empty_file(path)
    except FileExistsError as exc:  # raced with another creator
        raise StoreError(f"{path} appeared while it was being created; try again.") from exc
    except OSError as exc:
        raise StoreError(f"Cannot create {path}: {exc.strerror or exc}.") from exc


def _remove_new_file(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(str(path) + suffix)
