"""What differs between a workbench file (SQLite) and a team database (PostgreSQL).

:class:`Backend` is the one interface: the engine, where it lives (for people to read),
the database's own integrity checks, and closing. :mod:`.sqlite` wraps the file
(header recognition, PRAGMAs, writer lock, file mode, backups before a migration);
:mod:`.postgres` the server (connection pool, advisory lock around migrations, no file
of its own — backups are the server's business: ``pg_dump``). Everything above the
store sees a :class:`~workbench.store.db.Workbench` and portable SQL.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

#: URL schemes accepted as a team database (``postgresql://`` is read as psycopg 3).
SERVER_SCHEMES = ("postgresql+psycopg://", "postgresql://", "postgres://")


def is_server_url(target: str | Path) -> bool:
    """True when ``target`` names a database server rather than a file."""
    return isinstance(target, str) and target.strip().lower().startswith(SERVER_SCHEMES)


class Backend(ABC):
    """One open database behind a :class:`~workbench.store.db.Workbench`."""

    #: "sqlite" or "postgresql" (the SQLAlchemy dialect name).
    kind: str
    engine: Engine
    readonly: bool
    created: bool

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the data is, for people: a file path, or a URL without its password."""

    @property
    def file_path(self) -> Path | None:
        """The workbench file, or None for a server database."""
        return None

    @property
    def lock(self) -> Any:
        """The file's writer lock (None when there is none)."""
        return None

    @abstractmethod
    def integrity_problems(self, conn: Any, *, full: bool = True) -> list[str]:
        """The database's own consistency checks; an empty list when all is well."""

    @abstractmethod
    def close(self) -> None:
        """Release the connections (and the file lock)."""
