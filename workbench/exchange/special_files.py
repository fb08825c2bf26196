"""Special files (a FIFO, a device, a socket) are refused by every reader *before* it
opens them: opening a FIFO blocks until someone writes to it (a rollup given one hung
forever), and a device such as /dev/zero never ends. ``stat`` does not open the file."""

from __future__ import annotations

import stat
from pathlib import Path


def special_kind(path: Path) -> str | None:
    """What ``path`` is when it is neither a regular file nor a folder, else None
    (a missing or unreadable path is left to the caller's own message)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def special_reason(path: Path) -> str | None:
    """``"is a pipe (FIFO), not a file"`` for a special file, else None."""
    kind = special_kind(path)
    return None if kind is None else f"is {kind}, not a file"
