"""Loading millions of rows into a brand-new workbench file, fast, SQLite-specific.

Used by the demo builder (and fit for any "build a whole file" job). Ordinary
writes go through sessions; these helpers are for the one moment when a file is
created from scratch and nobody else can see it yet:

* :func:`new_file_beside` builds a file under a temporary name next to the target
  and renames it into place only when the build succeeded, so an interrupted build
  leaves nothing behind and an existing file is replaced atomically;
* :func:`build_pragmas` turns off durability for that temporary file only;
* :func:`without_secondary_indexes` drops the indexes and triggers of the tables
  about to be filled, and recreates them (and rebuilds their full-text indexes) from
  the saved DDL afterwards — building an index once is far cheaper than keeping it
  up to date row by row;
* :func:`insert_rows` streams row tuples through the driver's ``executemany``;
* :func:`sql_datetime` / :func:`sql_date` format values exactly as SQLAlchemy stores
  them, so bulk-written rows read back like ORM-written ones;
* :func:`refresh_touch_columns` fills the denormalised touch columns for whole tables
  with ``UPDATE … FROM`` aggregates.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table

from workbench.domain.enums import SPEED_TO_LEAD_KINDS
from workbench.store.errors import StoreError
from workbench.store.lock import WriterLock, lock_path_for
from workbench.temp_files import temp_path

_COMPANIONS = ("-wal", "-shm", "-journal")
#: FTS5's own default for its "automerge" option.
FTS5_DEFAULT_AUTOMERGE = 4


# --- the file ----------------------------------------------------------------------
def _remove_with_companions(path: Path) -> None:
    for suffix in ("", *_COMPANIONS):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(str(path) + suffix)
    with contextlib.suppress(FileNotFoundError):
        lock_path_for(path).unlink()


@contextlib.contextmanager
def new_file_beside(target: Path, *, replace: bool) -> Iterator[Path]:
    """Yield a fresh temporary path in ``target``'s folder; when the block succeeds,
    rename it over ``target``.

    ``target`` must not exist unless ``replace`` is true. The target's writer lock is
    held for the whole build, so a running app keeps its file (FileInUseError before
    any work) and nobody opens the old file while it is being replaced. The old file's
    WAL companions are removed before the rename, so SQLite can never replay an old
    journal onto the new file. On any error the temporary file is removed and the
    target is untouched.
    """
    target = Path(target)
    if target.is_dir():
        raise StoreError(f"{target} is a folder, not a workbench file.")
    if target.exists() and not replace:
        raise StoreError(f"{target} already exists.")
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_path(target)
    with WriterLock(target):
        _remove_with_companions(temp)
        try:
            yield temp
            # The build closed its connections: only the finished main file may move.
            for suffix in _COMPANIONS:
                companion = Path(str(temp) + suffix)
                if companion.exists() and companion.stat().st_size > 0:
                    raise StoreError(f"{temp} still has an open journal; the build did not finish cleanly.")
            if target.exists() and not replace:
                raise StoreError(f"{target} appeared while it was being built.")
            for suffix in _COMPANIONS:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(str(target) + suffix)
            os.replace(temp, target)
            _fsync_dir(target.parent)
        finally:
            _remove_with_companions(temp)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _driver(conn: Connection) -> Any:
    """The sqlite3 connection under ``conn``: PRAGMAs that must run outside a transaction
    go straight to it (SQLAlchemy would begin one first)."""
    return conn.connection.driver_connection


def build_pragmas(conn: Connection, *, foreign_keys: bool = True, cache_mb: int = 256) -> None:
    """Speed over durability, for a temporary file nobody else sees: a crash mid-build
    only loses a file that is deleted anyway. Without ``foreign_keys`` rows may be
    written in any order (the builder guarantees the references)."""
    driver = _driver(conn)
    # A rollback journal in memory instead of the WAL: a transaction of gigabytes would
    # otherwise be written twice (WAL, then checkpoint) and every page read of an index
    # build would go through the WAL index. Needs this to be the file's only connection.
    mode = driver.execute("PRAGMA journal_mode = MEMORY").fetchone()[0]
    if str(mode).lower() != "memory":
        raise StoreError("the new file is open elsewhere; cannot build it in bulk")
    driver.execute("PRAGMA synchronous = OFF")
    driver.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
    driver.execute(f"PRAGMA cache_size = -{int(cache_mb) * 1024}")
    driver.execute("PRAGMA temp_store = MEMORY")
    # Index builds scan whole tables: reading through a memory map skips a copy per page;
    # their sorts may use a second core.
    driver.execute(f"PRAGMA mmap_size = {4 * 1024**3}")
    driver.execute(f"PRAGMA threads = {min(4, os.cpu_count() or 1)}")


def finish_file(conn: Connection) -> None:
    """Back to the normal PRAGMAs and the WAL journal.

    No ANALYZE: the app never runs it on a rep's file, so the planner must do without
    statistics there, and a demo file should behave the same (sampled statistics even
    made it pick a uuid index to sort by company: seconds instead of milliseconds)."""
    driver = _driver(conn)
    driver.execute("PRAGMA journal_mode = WAL")
    driver.execute("PRAGMA foreign_keys = ON")
    driver.execute("PRAGMA synchronous = NORMAL")
    driver.execute("PRAGMA cache_size = -32000")
    driver.execute("PRAGMA mmap_size = 0")
    driver.execute("PRAGMA threads = 0")


# --- indexes -----------------------------------------------------------------------
def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextlib.contextmanager
def without_secondary_indexes(conn: Connection, tables: Sequence[str]) -> Iterator[None]:
    """Drop the secondary indexes and triggers of ``tables`` for the block, then
    recreate them from their saved DDL and rebuild the external-content FTS5 tables
    that index those tables. Run inside one transaction."""
    names = tuple(tables)
    marks = ", ".join("?" for _ in names)
    saved = conn.exec_driver_sql(
        f"SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
        f"AND tbl_name IN ({marks}) AND sql IS NOT NULL ORDER BY type, name",
        names,
    ).all()
    for kind, name, _sql in saved:
        conn.exec_driver_sql(f"DROP {kind.upper()} {_quoted(name)}")
    yield
    for _kind, _name, sql in sorted(saved, key=lambda r: r[0]):  # indexes before triggers
        conn.exec_driver_sql(sql)
    for fts in fulltext_tables_over(conn, names):
        rebuild_fulltext(conn, fts)


def rebuild_fulltext(conn: Connection, fts: str) -> None:
    """Rebuild an external-content FTS5 index from its table in one merged segment.

    With "automerge" off the rebuild writes its segments without merging them along
    the way — about half the time, and queries stay as fast on the dozen segments
    left; the default automerge is restored for the app's own writes.
    """
    name = _quoted(fts)
    conn.exec_driver_sql(f"INSERT INTO {name}({name}, rank) VALUES ('automerge', 0)")
    conn.exec_driver_sql(f"INSERT INTO {name}({name}) VALUES ('rebuild')")
    conn.exec_driver_sql(f"INSERT INTO {name}({name}, rank) VALUES ('automerge', {FTS5_DEFAULT_AUTOMERGE})")


_CONTENT = re.compile(r"content\s*=\s*'?\"?(\w+)", re.IGNORECASE)


def fulltext_tables_over(conn: Connection, tables: Sequence[str]) -> list[str]:
    """External-content FTS5 tables whose content is one of ``tables``."""
    found: list[str] = []
    rows = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'"
    ).all()
    for name, sql in rows:
        match = _CONTENT.search(sql or "")
        if match and match.group(1) in tables and "fts5" in sql.lower():
            found.append(name)
    return found


# --- rows --------------------------------------------------------------------------
def sql_datetime(value: datetime) -> str:
    """The text SQLAlchemy's SQLite dialect stores for a UTC datetime."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def sql_date(value: date) -> str:
    return value.isoformat()


def column_constants(table: Table, given: Iterable[str]) -> dict[str, Any]:
    """Scalar defaults of the NOT NULL columns not in ``given``: the values an ORM
    insert would have written."""
    given_set = set(given)
    constants: dict[str, Any] = {}
    for column in table.columns:
        if column.name in given_set or column.primary_key:
            continue
        default = column.default
        if default is not None and getattr(default, "is_scalar", False):
            constants[column.name] = default.arg  # type: ignore[attr-defined]
        elif not column.nullable:
            raise ValueError(f"{table.name}.{column.name} needs a value (no scalar default)")
    return constants


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def insert_rows(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    constants: Mapping[str, Any] | None = None,
) -> int:
    """Stream ``rows`` (tuples in the order of ``columns``) into ``table`` with one
    ``executemany``; every other NOT NULL column gets its scalar default as a literal.

    Values must already be in storage form (see :func:`sql_datetime`). Returns the
    number of rows written.
    """
    fixed = column_constants(table, columns) if constants is None else dict(constants)
    names = [*columns, *fixed]
    values = ["?"] * len(columns) + [_literal(v) for v in fixed.values()]
    sql = (
        f"INSERT INTO {_quoted(table.name)} ({', '.join(_quoted(n) for n in names)}) "
        f"VALUES ({', '.join(values)})"
    )
    cursor = _driver(conn).cursor()
    try:
        cursor.executemany(sql, rows)
        return int(cursor.rowcount)
    finally:
        cursor.close()


# --- denormalised touch columns ---------------------------------------------------------
def refresh_touch_columns(conn: Connection, touch_channels: Sequence[str], *, leads: bool = True) -> None:
    """Fill every row's touch columns from activities and follow-ups in a few set-based
    statements — the same definitions as ``services.touches.recompute`` (which works
    on a handful of ids at a time). ``leads=False`` leaves the lead columns alone (a
    builder that wrote them already).

    Speed-to-lead is rounded to whole seconds from Julian days; demo times are whole
    seconds, so it equals the exact difference.
    """
    channels = ", ".join(_literal(c) for c in touch_channels)
    touch = f"deleted_at IS NULL AND channel IN ({channels})"
    open_fu = "done_at IS NULL AND deleted_at IS NULL"
    # Speed-to-lead only for the kinds it measures (a cold or list lead has none).
    speed_kinds = ", ".join(_literal(k) for k in sorted(SPEED_TO_LEAD_KINDS))
    statements = [
        "UPDATE account SET last_touch_at = t.last_at FROM (SELECT account_id, MAX(at) AS last_at "
        f"FROM activity WHERE account_id IS NOT NULL AND {touch} GROUP BY account_id) AS t "
        "WHERE account.id = t.account_id",
        "UPDATE account SET next_followup_at = f.due FROM (SELECT account_id, MIN(due_at) AS due "
        f"FROM follow_up WHERE account_id IS NOT NULL AND {open_fu} GROUP BY account_id) AS f "
        "WHERE account.id = f.account_id",
        "UPDATE opportunity SET last_touch_at = t.last_at FROM (SELECT opportunity_id, "
        f"MAX(at) AS last_at FROM activity WHERE opportunity_id IS NOT NULL AND {touch} "
        "GROUP BY opportunity_id) AS t WHERE opportunity.id = t.opportunity_id",
        "UPDATE contact SET last_touch_at = t.last_at FROM (SELECT contact_id, MAX(at) AS last_at "
        f"FROM activity WHERE contact_id IS NOT NULL AND {touch} GROUP BY contact_id) AS t "
        "WHERE contact.id = t.contact_id",
    ]
    if leads:
        statements += [
            "UPDATE lead SET first_touch_at = t.first_at, last_touch_at = t.last_at, "
            f"speed_to_lead_s = CASE WHEN lead.kind IN ({speed_kinds}) THEN "
            "CAST(ROUND((julianday(t.first_at) - julianday(lead.received_at)) * 86400) AS INTEGER) END "
            f"FROM (SELECT lead_id, MIN(at) AS first_at, MAX(at) AS last_at FROM activity "
            f"WHERE lead_id IS NOT NULL AND {touch} GROUP BY lead_id) AS t WHERE lead.id = t.lead_id",
            "UPDATE lead SET next_followup_at = f.due FROM (SELECT lead_id, MIN(due_at) AS due "
            f"FROM follow_up WHERE lead_id IS NOT NULL AND {open_fu} GROUP BY lead_id) AS f "
            "WHERE lead.id = f.lead_id",
        ]
    for statement in statements:
        conn.exec_driver_sql(statement)
