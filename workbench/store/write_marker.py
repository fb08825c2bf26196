"""A marker in the file that changes with every write, so a backup can tell it still
holds the file's current state.

SQLite's own "file change counter" (header offset 24) cannot do this: in WAL mode it
is not incremented by a commit, only now and then by a checkpoint (tested in
``tests/unit/store/test_write_marker.py``). So every engine of a workbench file rewrites a
random token in the ``setting`` table inside each transaction that changed a row,
just before it commits: the token moves with the data, atomically. A backup copies
it with the pages and records it; when the live file's state equals a verified
backup's, no new backup is needed before an import (:mod:`workbench.services.safety.backups`).

The state also carries ``user_version`` (a migration) and ``page_count`` (a write
by another program that does not know about the marker, growing the file).
"""

from __future__ import annotations

import secrets
import sqlite3
from typing import Any

from sqlalchemy import Engine, event

MARKER_KEY = "store.write_marker"
_CHANGES_AT_BEGIN = "workbench.changes_at_begin"
_UPSERT = (
    "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)


def install(engine: Engine) -> None:
    """Rewrite the marker in every transaction of ``engine`` that changed a row."""

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.info[_CHANGES_AT_BEGIN] = conn.connection.driver_connection.total_changes

    @event.listens_for(engine, "commit")
    def _on_commit(conn: Any) -> None:
        driver = conn.connection.driver_connection
        if driver.total_changes == conn.info.get(_CHANGES_AT_BEGIN, -1):
            return  # a read, or a transaction that changed nothing
        try:
            driver.execute(_UPSERT, (MARKER_KEY, f'"{secrets.token_hex(8)}"'))
        except sqlite3.OperationalError as exc:
            # Only while the schema itself is being created: no table to hold it yet.
            if "no such table" not in str(exc):
                raise


def state_of(conn: sqlite3.Connection) -> str:
    """The state of the database ``conn`` is open on: marker, user_version, page count."""
    try:
        row = conn.execute("SELECT value FROM setting WHERE key = ?", (MARKER_KEY,)).fetchone()
    except sqlite3.OperationalError:
        row = None
    marker = str(row[0]).strip('"') if row else "none"
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    return f"{marker}/v{version}/{pages}p"


def state_of_engine(engine: Engine) -> str:
    """The current committed state of the file behind ``engine``."""
    with engine.connect() as conn:
        driver = conn.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        return state_of(driver)
