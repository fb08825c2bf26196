"""Every temporary file and folder the app writes, named so that a later run can find the
ones a killed process left behind and remove them (issue 19, case 14).

A temporary file is made in its target's folder (so the final rename is atomic) as
``.NAME.pwb-HOST-PID-START-RANDOM.partial``: ``HOST`` tells this computer (and process
namespace) from another that shares the folder, ``PID`` and ``START`` (the process's
start time in clock ticks since boot, where the system says it) name the process that
owns it. :func:`sweep` removes such a file only when its owner is certainly gone — no
process with that pid, a zombie, or a pid reused by a process started at another time —
and falls back to an age of a day where the owner cannot be asked (another computer,
Windows). A live process's file is never removed. SQLite's companions of a temporary
database (``-journal``, ``-wal``, ``-shm``) and a writer lock (``.lock``) go with it.

The names of earlier versions (``*.db.tmp`` backups, ``.NAME.1a2b3c4d.partial`` exports,
``workbench-export-*`` folders in the system's temporary folder) carry no owner and are
removed once they are a day old.

This module sits beside :mod:`workbench.paths`: the store and the file formats both
write temporary files and may not import each other, so it imports nothing of ours.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import re
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

MARK = "pwb"
SUFFIX = ".partial"
#: Files whose owner cannot be asked are left alone until they are this old.
SAFE_AGE_SECONDS = 24 * 3600
#: Room left in a 255-byte file name for the mark, the owner and SQLite's suffixes.
_MAX_NAME_BYTES = 160

_OURS = re.compile(
    r"^\.(?P<name>.+)\.pwb-(?P<host>[0-9a-f]{8})-(?P<pid>\d+)-(?P<start>\d+)-[0-9a-f]{8}\.partial"
    r"(?P<companion>-journal|-wal|-shm|\.lock)?$"
)
_LEGACY = re.compile(
    r"^(?:\..+\.[0-9a-f]{8}\.partial"  # exports before this naming
    r"|.+-\d{8}T\d{6}(?:\d{6})?Z-[a-z0-9-]+\.db\.tmp"  # backups before this naming
    r"|workbench-export-[a-z0-9_]{8})"  # an XLSX export's scratch folder in the system's temp
    r"(?:-journal|-wal|-shm)?$"
)


def _host_tag() -> str:
    """This computer and process namespace: a pid only means something inside them."""
    namespace = ""
    with contextlib.suppress(OSError):
        namespace = str(os.stat("/proc/self/ns/pid").st_ino)
    return hashlib.sha256(f"{platform.node()}|{namespace}".encode()).hexdigest()[:8]


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of ``/proc/PID/stat`` after the command name (Linux), else None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    return text[text.rfind(")") + 2 :].split()


def _start_ticks(pid: int) -> str:
    fields = _stat_fields(pid)
    return fields[19] if fields is not None and len(fields) > 19 else "0"


_HOST = _host_tag()
_SELF = (os.getpid(), _start_ticks(os.getpid()))


def _owner_token() -> str:
    global _SELF
    if _SELF[0] != os.getpid():  # a forked child is another owner
        _SELF = (os.getpid(), _start_ticks(os.getpid()))
    return f"{_HOST}-{_SELF[0]}-{_SELF[1]}"


def original_name(name: str) -> str:
    """The target's name inside a temporary name (a name that is none is returned as is)."""
    match = _OURS.match(name)
    return match["name"] if match else name


def temp_path(target: Path, *, sweep_first: bool = True) -> Path:
    """A new temporary name beside ``target`` (nothing is created). The folder's orphans
    are swept first, so every backup and export into a folder cleans up after a killed one."""
    target = Path(target)
    if sweep_first:
        sweep(target.parent)
    name = original_name(target.name)
    encoded = name.encode("utf-8", "surrogateescape")
    if len(encoded) > _MAX_NAME_BYTES:
        name = encoded[:_MAX_NAME_BYTES].decode("utf-8", "ignore")
    return target.with_name(f".{name}.{MARK}-{_owner_token()}-{secrets.token_hex(4)}{SUFFIX}")


def make_temp_dir(beside: Path) -> Path:
    """Create a private temporary folder beside ``beside`` (a target or a temporary file)."""
    while True:
        path = temp_path(beside, sweep_first=False)
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            continue
        return path


def mkstemp(folder: Path | None, name: str) -> tuple[int, str]:
    """Like :func:`tempfile.mkstemp`: a new file opened for writing in ``folder`` (the
    system's temporary folder when None) under a temporary name for ``name``."""
    base = Path(folder) if folder is not None else Path(tempfile.gettempdir())
    while True:
        path = temp_path(base / name)
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600), str(path)
        except FileExistsError:
            continue


def sweep(folder: Path, *, now: float | None = None) -> list[Path]:
    """Remove the orphaned temporary files and folders directly inside ``folder``; return
    what was removed. Never raises: a folder that cannot be read or written is left."""
    removed: list[Path] = []
    now = time.time() if now is None else now
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if _is_orphan(entry, now):
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    path.unlink()
            if not os.path.lexists(path):
                removed.append(path)
    return removed


def _is_orphan(entry: os.DirEntry[str], now: float) -> bool:
    match = _OURS.match(entry.name)
    if match is None:
        return _LEGACY.match(entry.name) is not None and _old(entry, now)
    if match["host"] != _HOST or os.name != "posix":
        return _old(entry, now)
    alive = _owner_alive(int(match["pid"]), match["start"])
    return _old(entry, now) if alive is None else not alive


def _owner_alive(pid: int, start: str) -> bool | None:
    """Whether the process that made the file still runs; None when it cannot be told."""
    if pid == os.getpid() and start == _SELF[1]:
        return True
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)  # POSIX only: signal 0 asks without signalling
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: alive
    except OSError:
        return None
    fields = _stat_fields(pid)
    if fields is None:
        return True if not sys.platform.startswith("linux") else None
    if fields and fields[0] in ("Z", "X"):
        return False  # killed, not yet reaped: it writes nothing more
    return start == "0" or len(fields) <= 19 or fields[19] == start


def _old(entry: os.DirEntry[str], now: float) -> bool:
    """Older than :data:`SAFE_AGE_SECONDS` by its newest change (a folder's by its files)."""
    try:
        newest = entry.stat(follow_symlinks=False).st_mtime
        if entry.is_dir(follow_symlinks=False):
            with os.scandir(entry.path) as inside:
                for child in inside:
                    with contextlib.suppress(OSError):
                        newest = max(newest, child.stat(follow_symlinks=False).st_mtime)
    except OSError:
        return False
    return now - newest > SAFE_AGE_SECONDS
