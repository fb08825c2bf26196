"""Turning expected failures into clear messages: a locked database, a full disk, a
read-only folder, a damaged file. Anything else is a bug and goes to the crash handler."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from workbench.store import StoreError

_KNOWN = {
    "database is locked": "Another program is writing to this workbench right now. "
    "Nothing was lost: your input is still here — try again in a moment.",
    "disk is full": "The disk is full. Nothing was saved and your workbench is intact; "
    "free some space and try again.",
    "readonly": "The workbench's folder is read-only. Nothing was saved; "
    "check the folder's permissions or open the file from another folder.",
    "disk i/o error": "The disk reported an error. Nothing was saved; your workbench is intact.",
}


def expected_message(exc: BaseException) -> str | None:
    """The rep-facing message for an expected failure, or None for a bug."""
    if isinstance(exc, StoreError):
        return str(exc)
    text = str(getattr(exc, "orig", exc)).lower()
    if isinstance(exc, OperationalError | OSError):
        for needle, message in _KNOWN.items():
            if needle in text.replace("read-only", "readonly"):
                return message
        if isinstance(exc, OSError) and exc.errno in (28, 30):  # ENOSPC, EROFS
            return _KNOWN["disk is full" if exc.errno == 28 else "readonly"]
    return None
