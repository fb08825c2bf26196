"""Opening a workbench: a local file or a team database, behind one door.

``open_workbench(path)`` opens a SQLite file exactly as it always has (recognise → lock
→ back up → migrate → check); ``open_workbench("postgresql+psycopg://…")`` opens a team
database on a PostgreSQL server (pool → advisory lock → migrate). What differs lives in
:mod:`workbench.store.backends`; services only ever see a :class:`Workbench`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

# Imported for its session hook: every ORM write to the stage history keeps the
# history's derived links true (see the module).
from workbench.store import journal, stage_links  # noqa: F401
from workbench.store.backends import Backend, is_server_url
from workbench.store.backends.sqlite import (
    QUICK_CHECK_AT_OPEN_MAX_BYTES,
    BeforeMigrate,
    backup_before_migration,
    open_file,
)
from workbench.store.errors import CorruptFileError, StoreError


class Workbench:
    """An open workbench. Services take one of these and open a session per operation."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.engine: Engine = backend.engine
        journal.install(self.engine)
        self.created = backend.created

    @property
    def readonly(self) -> bool:
        return self.backend.readonly

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_file(self) -> bool:
        """True for a local workbench file; False for a team database on a server."""
        return self.backend.file_path is not None

    @property
    def path(self) -> Path:
        """The workbench file. A team database has none: file-only features (backups,
        the file's lock and mode) check :attr:`is_file` first."""
        path = self.backend.file_path
        if path is None:
            raise StoreError(
                "A team database lives on its server, not in a file: back it up there with pg_dump "
                "(see the README's Team mode section)."
            )
        return path

    @property
    def location(self) -> str:
        """Where the data is, for people to read: the file, or the server URL without a password."""
        return self.backend.location

    @property
    def lock(self) -> Any:
        return self.backend.lock

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

    def integrity_problems(self, conn: Any, *, full: bool = True) -> list[str]:
        return self.backend.integrity_problems(conn, full=full)

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> Workbench:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_workbench(
    target: Path | str,
    *,
    create: bool = True,
    readonly: bool = False,
    before_migrate: BeforeMigrate | None = None,
    password: str | None = None,
) -> Workbench:
    """Open (or create) the workbench at ``target``: a file path, or a
    ``postgresql+psycopg://user@host/db`` URL of a team database.

    Raises a :class:`StoreError` subclass with a clear message when the file is not a
    workbench, is newer than this app, is in use by another copy, or is damaged — in
    each case the file is left byte-identical — or when the server cannot be reached,
    refuses the login (:class:`~workbench.store.errors.PasswordRequiredError`), or holds
    a newer schema. ``password`` is used for a server URL that carries none.
    """
    if is_server_url(target):
        from workbench.store.backends.postgres import open_server

        backend: Backend = open_server(str(target), create=create, readonly=readonly, password=password)
    else:
        path = Path(target).expanduser()
        backend = open_file(path, create=create, readonly=readonly, before_migrate=before_migrate)
    wb = Workbench(backend)
    if backend.created and not readonly and backend.kind == "sqlite":
        from workbench.store.seed import seed_into

        try:
            with wb.session() as session:
                seed_into(session)
        except BaseException:
            wb.close()
            raise
    return wb


__all__ = [
    "QUICK_CHECK_AT_OPEN_MAX_BYTES",
    "CorruptFileError",
    "StoreError",
    "Workbench",
    "backup_before_migration",
    "open_workbench",
]
