"""Opening a workbench: recognise the file, take the writer lock, migrate, hand out sessions.

This is the one door to a workbench file. Everything SQLite-specific that happens at
open (header checks, PRAGMAs, file mode, WAL) lives in this package.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from workbench.store import migrate
from workbench.store.errors import CorruptFileError, StoreError
from workbench.store.lock import WriterLock
from workbench.store.sqlite_file import (
    checkpoint,
    create_empty_file,
    integrity_problems,
    make_engine,
    recognise,
    restrict_permissions,
)

#: Files up to this size get SQLite's quick_check at open (tens of milliseconds); bigger
#: ones are checked in the background once the window shows, so start-up stays fast.
QUICK_CHECK_AT_OPEN_MAX_BYTES = 64 * 1024 * 1024

#: Called with (path, from_version) just before an existing file is migrated, so the
#: backup service can copy it first. Set by higher layers; the store imports none of them.
BeforeMigrate = Callable[[Path, int], None]


class Workbench:
    """An open workbench file. Services take one of these and open a session per operation."""

    def __init__(self, path: Path, engine: Engine, lock: WriterLock | None, *, created: bool) -> None:
        self.path = path
        self.engine = engine
        self.lock = lock
        self.created = created

    @property
    def readonly(self) -> bool:
        return self.lock is None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """One session for one user action: committed when the block ends, rolled back on error."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for queries only: never commits."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def close(self) -> None:
        if not self.readonly:
            with contextlib.suppress(Exception):
                checkpoint(self.engine)
        self.engine.dispose()
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def __enter__(self) -> Workbench:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_workbench(
    path: Path | str,
    *,
    create: bool = True,
    readonly: bool = False,
    before_migrate: BeforeMigrate | None = None,
) -> Workbench:
    """Open (or create) the workbench file at ``path``.

    Raises a :class:`StoreError` subclass with a clear message when the file is not a
    workbench, is newer than this app, is in use by another copy, or is damaged. In
    each of those cases the file is left byte-identical.
    """
    path = Path(path).expanduser()
    exists = path.exists()
    if not exists and (not create or readonly):
        raise StoreError(f"{path} does not exist.")
    if exists and path.is_dir():
        raise StoreError(f"{path} is a folder, not a workbench file.")
    version = recognise(path, migrate.SCHEMA_VERSION) if exists else 0

    if readonly:
        engine = make_engine(path, readonly=True)
        return Workbench(path, engine, None, created=False)

    lock = WriterLock(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock.acquire()
    try:
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
        wb = Workbench(path, engine, lock, created=not exists)
        if not exists:
            from workbench.services.setup import seed_defaults

            seed_defaults(wb)
        return wb
    except BaseException:
        lock.release()
        raise


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
        problems = [str(exc.orig)]
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


__all__ = ["CorruptFileError", "StoreError", "Workbench", "open_workbench"]
