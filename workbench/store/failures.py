"""One mapping from OS and SQLite failures to the sentence a rep reads (issue 19).

Every command and the GUI ask :func:`failure_message` first, so a full disk, a
read-only folder, a lock, a damaged file or a missing one reads the same everywhere —
never a traceback, never "damaged" for a file that is only unwritable, and never the
SQL statement (SQLAlchemy's messages carry the statement *and its parameters*: a
failed import printed 15 KB of lead data).
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from workbench.store.errors import StoreError

FULL = "The disk is full. Nothing was saved and your workbench is intact; free some space and try again."
READ_ONLY = (
    "The disk or folder is read-only. Nothing was saved; check its permissions, "
    "or work in a copy in another folder."
)
LOCKED = (
    "Another program is writing to this workbench right now. Nothing was lost: "
    "your input is still here — try again in a moment."
)
DISK_ERROR = (
    "The disk reported an error (it may be full or failing). Nothing was saved; your workbench is intact."
)
DAMAGED = "The workbench file is damaged ({0}). Run `workbench check` or use File → Backups to restore it."
DENIED = "Permission denied: {0}. Nothing was written."
MISSING = "{0} does not exist (it was moved or deleted). Nothing was written."

#: SQLite's own words → the sentence (checked in this order: "full" before "i/o").
_SQLITE = (
    ("database or disk is full", FULL),
    ("disk is full", FULL),
    ("readonly", READ_ONLY),
    ("read-only", READ_ONLY),
    ("database is locked", LOCKED),
    ("database table is locked", LOCKED),
    ("disk i/o error", DISK_ERROR),
    ("unable to open database file", DISK_ERROR),
)
_DAMAGE = ("malformed", "not a database", "file is not a database", "database corrupt")


def sqlite_reason(exc: BaseException) -> str:
    """SQLite's own message for ``exc`` (without SQLAlchemy's statement and parameters)."""
    orig = getattr(exc, "orig", None)
    return str(orig if isinstance(orig, BaseException) else exc)


def is_damage(exc: BaseException) -> bool:
    """True when SQLite says the file itself is damaged (not full, locked or unwritable)."""
    text = sqlite_reason(exc).lower()
    return any(word in text for word in _DAMAGE)


def environment_message(exc: BaseException, where: Path | None = None) -> str | None:
    """The sentence for a full / read-only / locked / failing disk, or None. ``where``
    (the file's path, when known) tells a full disk from a failing one: at 0 bytes free
    SQLite only says "disk I/O error"."""
    if isinstance(exc, OSError):
        number = exc.errno
        if number in (errno.ENOSPC, errno.EDQUOT):
            return FULL
        if number == errno.EROFS:
            return READ_ONLY
        if number in (errno.EACCES, errno.EPERM):
            return DENIED.format(exc.filename or exc.strerror or "the file")
        if number == errno.ENOENT:
            return MISSING.format(exc.filename or "the file")
        if number == errno.EIO:
            return DISK_ERROR
    if isinstance(exc, sqlite3.Error) or _is_dbapi(exc):
        text = sqlite_reason(exc).lower()
        for needle, message in _SQLITE:
            if needle in text:
                return FULL if message is DISK_ERROR and _nearly_full(where) else message
    return None


def _nearly_full(where: Path | None) -> bool:
    if where is None:
        return False
    try:
        stats = os.statvfs(where.resolve().parent)
    except (OSError, AttributeError):
        return False
    return stats.f_bavail * stats.f_frsize < 256 * 1024


def failure_message(exc: BaseException, where: Path | None = None) -> str | None:
    """The sentence for any expected failure (store errors, the disk, a damaged file),
    or None for a bug."""
    if isinstance(exc, StoreError):
        return str(exc)
    message = environment_message(exc, where)
    if message is not None:
        return message
    if (isinstance(exc, sqlite3.DatabaseError) or _is_dbapi(exc)) and is_damage(exc):
        return DAMAGED.format(sqlite_reason(exc))
    cause = exc.__cause__ or exc.__context__
    if cause is not None and cause is not exc and isinstance(cause, OSError | sqlite3.Error):
        return failure_message(cause, where)
    return None


def _is_dbapi(exc: BaseException) -> bool:
    # SQLAlchemy's wrapper, without importing SQLAlchemy for every command.
    orig = getattr(exc, "orig", None)
    return isinstance(orig, sqlite3.Error) or type(exc).__module__.startswith("sqlalchemy")


__all__ = ["environment_message", "failure_message", "is_damage", "sqlite_reason"]
