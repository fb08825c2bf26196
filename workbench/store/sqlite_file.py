"""SQLite-specific knowledge: the file header, PRAGMAs, and how a workbench file is recognised.

Kept here so the rest of the code stays portable SQL through SQLAlchemy.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from workbench.store import write_marker
from workbench.store.errors import CorruptFileError, NewerSchemaError, NotAWorkbenchError, StoreError

#: "PWB1" — written into the SQLite header so any tool can tell a workbench file.
APPLICATION_ID = 0x50574231
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


def read_header(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(100)


def recognise(path: Path, supported_version: int) -> int:
    """Check an existing file without changing a byte; return its schema version.

    Raises NotAWorkbenchError, NewerSchemaError or CorruptFileError.
    """
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        # A pipe, a device or a socket: opening it could block forever or never end.
        raise NotAWorkbenchError(path, "it is not a regular file but a pipe, a device or a socket")
    size = info.st_size
    if size == 0:
        raise NotAWorkbenchError(path, "the file is empty")
    header = read_header(path)
    if not header.startswith(SQLITE_MAGIC):
        raise NotAWorkbenchError(path, "it is not an SQLite database")
    if len(header) < 100:
        raise CorruptFileError(path, "the file is truncated (its header is incomplete)")
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != APPLICATION_ID:
        raise NotAWorkbenchError(path, "it is an SQLite database of another program")
    _check_size(path, header, size)
    try:
        version = _read_user_version(path)
    except sqlite3.DatabaseError as exc:
        from workbench.store.failures import environment_message, is_damage

        if not is_damage(exc):  # full, locked, unreadable: the file itself is fine
            raise StoreError(environment_message(exc, path) or f"{path} cannot be read: {exc}") from exc
        raise CorruptFileError(path, str(exc)) from exc
    if version > supported_version:
        raise NewerSchemaError(path, version, supported_version)
    return version


def _check_size(path: Path, header: bytes, size: int) -> None:
    """Catch a truncated file from its header alone: the page count SQLite recorded at the
    last checkpoint must fit in the file (pages written since live in the WAL)."""
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise CorruptFileError(path, "its header is damaged (impossible page size)")
    pages = int.from_bytes(header[28:32], "big")
    counter_valid = header[24:28] == header[92:96]
    # A process killed in the middle of a checkpoint can leave the main file shorter than
    # its header says while the WAL still holds every page: SQLite finishes the job at
    # the next open. Only a file without a WAL can be judged by its size.
    wal = path.with_name(path.name + "-wal")
    wal_has_frames = wal.exists() and wal.stat().st_size > 32
    if counter_valid and pages and not wal_has_frames and size < pages * page_size:
        raise CorruptFileError(
            path, f"the file is truncated ({size:,} bytes where {pages * page_size:,} were written)"
        )


def readonly_media(path: Path) -> bool:
    """True when nothing can be written beside ``path`` (a read-only disk or folder):
    SQLite then cannot create the ``-shm`` a WAL file needs even to be read, and said
    "unable to open database file" — which every command reported as damage."""
    folder = path.resolve().parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return True
    except (OSError, AttributeError):
        pass
    return not os.access(folder, os.W_OK)


def readonly_uri(path: Path) -> str:
    # mode=ro: never writes the main file, even when a WAL must be read. On read-only
    # media nobody can write it either, so it is opened as immutable (no -shm needed).
    uri = f"{path.resolve().as_uri()}?mode=ro"
    return uri + "&immutable=1" if readonly_media(path) else uri


def _read_user_version(path: Path) -> int:
    uri = readonly_uri(path)
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        row = conn.execute("PRAGMA user_version").fetchone()
        return int(row[0])
    finally:
        conn.close()


def create_empty_file(path: Path) -> None:
    """Create a new file readable by its owner only, stamped as a workbench (R14)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    conn = sqlite3.connect(path)
    try:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.commit()
    finally:
        conn.close()


def make_engine(path: Path, *, readonly: bool = False, echo: bool = False) -> Engine:
    """An engine whose every connection has the workbench PRAGMAs and real transactions."""
    url = f"sqlite:///{readonly_uri(path)}&uri=true" if readonly else f"sqlite:///{path}"
    engine = create_engine(
        url,
        echo=echo,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )
    _install_pragmas(engine, readonly=readonly)
    if not readonly:
        write_marker.install(engine)
    return engine


def _install_pragmas(engine: Engine, *, readonly: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin, so that
        # DDL in migrations is transactional too (SQLAlchemy's pysqlite recipe).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            if not readonly:
                cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA synchronous = NORMAL")
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA temp_store = MEMORY")
            cur.execute("PRAGMA cache_size = -32000")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")


def pragma(engine: Engine, name: str) -> Any:
    with engine.connect() as conn:
        return conn.exec_driver_sql(f"PRAGMA {name}").scalar()


def set_user_version(conn: Any, version: int) -> None:
    conn.exec_driver_sql(f"PRAGMA user_version = {int(version)}")


def restrict_permissions(path: Path) -> None:
    """Owner-only access for the file and its WAL companions (R14)."""
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(FileNotFoundError, PermissionError, NotImplementedError):
            os.chmod(candidate, 0o600)


def checkpoint(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def integrity_problems(conn: Any, *, full: bool = True) -> list[str]:
    """SQLite's ``integrity_check`` (or the faster ``quick_check``) and ``foreign_key_check``."""
    problems: list[str] = []
    check = "integrity_check" if full else "quick_check"
    rows = [r[0] for r in conn.exec_driver_sql(f"PRAGMA {check}")]
    if rows != ["ok"]:
        # Newer SQLite returns several findings in one row under a "*** in database
        # main ***" heading: one problem a line, so a count of problems is true.
        lines = (line.strip() for r in rows for line in str(r).splitlines())
        problems.extend(line for line in lines if line and not line.startswith("*** in database"))
    if full:
        for table, rowid, parent, _fk in conn.exec_driver_sql("PRAGMA foreign_key_check"):
            problems.append(f"{table} row {rowid} points to a missing {parent} record")
    return problems
