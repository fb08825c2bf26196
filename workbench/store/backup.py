"""Verified backups of a workbench file with SQLite's online backup API.

A backup is copied page by page from a live connection (so it can run while the app
writes), into a temporary file beside its final name; it is then checked with
``quick_check`` and only then renamed into place. A crash or a full disk at any
point leaves either the previous set of backups or a complete, verified new one —
never a half-written file under a backup's name (Zotero and Anki do the same). The
temporary file is named for the process writing it (:mod:`workbench.temp_files`), so
the next backup into the folder removes what a killed one left.

Each backup ``<stem>-<UTC time>-<reason>.db`` has a sidecar ``.json`` with its counts,
so the backups dialog lists them without opening every file, and the state it holds
(:mod:`workbench.store.write_marker`, read from the verified copy itself), so a later
step can tell that the file has not changed since and reuse it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from workbench.store.errors import StoreError
from workbench.store.interrupt import OperationCancelled, interrupt_when
from workbench.store.sqlite_file import APPLICATION_ID, SQLITE_MAGIC, readonly_uri
from workbench.store.write_marker import state_of
from workbench.temp_files import temp_path

#: Called with (pages copied, pages in all); return False to cancel.
Progress = Callable[[int, int], bool]

_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{6}(?:\d{6})?Z)-(?P<reason>[a-z0-9-]+)\.db$")
COUNTED_TABLES = ("account", "contact", "lead", "activity", "opportunity")
#: Pages copied per step when someone watches the progress (4 MB of 4 KB pages); without
#: a progress callback the whole file is copied in one step, which never restarts.
PAGES_PER_STEP = 1024


class BackupCancelled(StoreError):
    def __init__(self) -> None:
        super().__init__("The backup was cancelled; no backup file was left behind.")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    reason: str
    size: int
    counts: dict[str, int]
    #: The write marker state of the copy ("" for backups made before it existed).
    state: str = ""
    #: How long copying and verifying took (only known for a backup just made).
    copy_seconds: float = field(default=0.0, compare=False)
    verify_seconds: float = field(default=0.0, compare=False)

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["path"] = str(self.path)
        data["taken_at"] = self.taken_at.isoformat()
        return data


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _parse_stamp(text: str) -> datetime:
    fmt = "%Y%m%dT%H%M%S%fZ" if len(text) > 16 else "%Y%m%dT%H%M%SZ"
    return datetime.strptime(text, fmt).replace(tzinfo=UTC)


def backup_file(
    source: Path,
    dest_dir: Path,
    *,
    reason: str = "manual",
    now: datetime | None = None,
    progress: Progress | None = None,
) -> BackupInfo:
    """Copy ``source`` into ``dest_dir`` as a verified backup and return what was made."""
    now = now or datetime.now(UTC)
    reason = re.sub(r"[^a-z0-9-]", "-", reason.lower()) or "manual"
    try:
        dest_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise StoreError(f"Cannot create the backup folder {dest_dir}: {exc.strerror or exc}.") from exc
    final = dest_dir / f"{source.stem}-{_stamp(now)}-{reason}.db"
    tmp = temp_path(final)  # sweeps what a killed backup left in the folder
    try:
        started = time.perf_counter()
        _copy(source, tmp, progress)
        copied = time.perf_counter()
        # The check reads every page (seconds on a 2 GB file): Cancel interrupts it.
        stop = None if progress is None else lambda: not progress(1, 1)
        counts, state = _verify(tmp, stop=stop, full=False)
        verified = time.perf_counter()
        os.replace(tmp, final)
        _fsync_dir(dest_dir)
        info = BackupInfo(
            final, now, reason, final.stat().st_size, counts, state, copied - started, verified - copied
        )
        _write_sidecar(info)
        return info
    except BackupCancelled:
        _remove_db(tmp)
        raise
    except OperationCancelled:
        _remove_db(tmp)
        raise BackupCancelled() from None
    except (sqlite3.Error, OSError) as exc:
        _remove_db(tmp)
        _remove(final)
        raise StoreError(
            f"The backup could not be written to {dest_dir}: {_describe(exc)}. Your workbench is unchanged."
        ) from exc


def _copy(source: Path, target: Path, progress: Progress | None) -> None:
    fd = os.open(target, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    src = sqlite3.connect(readonly_uri(source), uri=True, timeout=5)
    dst = sqlite3.connect(target)
    cancelled = False
    try:

        def _step(_status: int, remaining: int, total: int) -> None:
            nonlocal cancelled
            if progress is not None and not progress(total - remaining, total):
                cancelled = True
                raise BackupCancelled()

        try:
            if progress is None:
                src.backup(dst, pages=-1)
            else:
                src.backup(dst, pages=PAGES_PER_STEP, progress=_step)
        except BackupCancelled:
            raise
        except sqlite3.Error:
            if cancelled:
                raise BackupCancelled() from None
            raise
        dst.execute("PRAGMA journal_mode = DELETE")
        dst.commit()
    finally:
        dst.close()
        src.close()
    with open(target, "rb+") as fh:
        os.fsync(fh.fileno())


def _verify(
    path: Path, stop: Callable[[], bool] | None = None, *, full: bool = True
) -> tuple[dict[str, int], str]:
    """Check the copy; its counts and its write-marker state. Once ``stop()`` returns True
    the check is interrupted (:class:`OperationCancelled`).

    A fresh copy gets ``quick_check`` (``full=False``): it reads every page, record and
    b-tree, which is what a page-by-page copy can get wrong (a torn page, a short
    write). What it leaves out — whether each index agrees with its table — a page copy
    cannot change, and on a 1.4 GB workbench it made the backup before every import take
    100 s instead of 4. A backup about to be restored gets the full check."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    try:
        with interrupt_when(conn, stop, "The backup"):
            result = [r[0] for r in conn.execute("PRAGMA integrity_check" if full else "PRAGMA quick_check")]
        if result != ["ok"]:
            raise sqlite3.DatabaseError("the copy failed its integrity check: " + "; ".join(result[:3]))
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise sqlite3.DatabaseError("the copy is not a workbench file")
        counts: dict[str, int] = {}
        for table in COUNTED_TABLES:
            row = conn.execute(f"SELECT count(*) FROM {table} WHERE deleted_at IS NULL").fetchone()
            counts[table] = int(row[0])
        return counts, state_of(conn)
    finally:
        conn.close()


def looks_intact(info: BackupInfo) -> bool:
    """Cheap signs that a verified backup is still what was verified: there, the size
    recorded then, an SQLite header of a workbench (a full check costs as much as a copy)."""
    try:
        with info.path.open("rb") as fh:
            header = fh.read(100)
        size = info.path.stat().st_size
    except OSError:
        return False
    return (
        size == info.size
        and header.startswith(SQLITE_MAGIC)
        and int.from_bytes(header[68:72], "big") == APPLICATION_ID
    )


def verify_backup(path: Path) -> bool:
    try:
        _verify(path)
    except (sqlite3.Error, OSError):
        return False
    return True


def _write_sidecar(info: BackupInfo) -> None:
    sidecar = info.path.with_suffix(".json")
    tmp = temp_path(sidecar, sweep_first=False)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(info.as_dict()))
        os.replace(tmp, sidecar)
    except OSError:
        _remove(tmp)  # the sidecar is a cache: the backup itself is complete


def list_backups(dest_dir: Path) -> list[BackupInfo]:
    """Backups in ``dest_dir``, newest first."""
    if not dest_dir.is_dir():
        return []
    found: list[BackupInfo] = []
    for path in dest_dir.glob("*.db"):
        match = _NAME.match(path.name)
        if match is None:
            continue
        counts: dict[str, int] = {}
        state = ""
        size = path.stat().st_size
        with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
            data = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            counts = {k: int(v) for k, v in dict(data.get("counts", {})).items()}
            # A state is only believed while the file is the size it was verified at.
            if int(data.get("size", -1)) == size:
                state = str(data.get("state", ""))
        found.append(BackupInfo(path, _parse_stamp(match["stamp"]), match["reason"], size, counts, state))
    found.sort(key=lambda b: b.taken_at, reverse=True)
    return found


def delete_backup(info: BackupInfo) -> None:
    _remove(info.path)
    _remove(info.path.with_suffix(".json"))


def _remove(path: Path) -> None:
    # Also quiet on a read-only folder: nothing could have been written there.
    with contextlib.suppress(OSError):
        path.unlink()


def _remove_db(path: Path) -> None:
    """A database file and the journal files SQLite may have made beside it."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        _remove(Path(str(path) + suffix))


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _describe(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror
    lowered = text.lower()
    if "full" in lowered or "no space" in lowered:
        return "the disk is full"
    if "read-only" in lowered or "readonly" in lowered or "permission" in lowered:
        return "the folder is read-only"
    return text
