"""Writing a file so that a failure never leaves a half-written one behind (R6).

The content goes to a hidden temporary file in the destination's folder (same file
system, so the final rename is atomic), is flushed to disk, and only then renamed over
the destination. On any error — disk full, a bug, Ctrl+C — the temporary file is
removed and the destination is as it was. Its name (:mod:`workbench.temp_files`) names
the process that writes it, so the next write into the folder removes what a killed
one left.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from workbench.exchange.special_files import special_reason
from workbench.temp_files import temp_path


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it becomes ``path``."""
    path = Path(path)
    special = special_reason(path)
    if special is not None:
        # The rename would replace the pipe or device itself (as root even /dev/null).
        raise OSError(errno.EINVAL, f"{path} {special}; choose a file to write to", str(path))
    tmp = temp_path(path)
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)


def close_cleanly(close: Callable[[], object]) -> None:
    """Call a writer's ``close()``; when it fails (disk full, read-only), raise its error
    once. xlsxwriter leaves its half-closed zip to the garbage collector, whose own
    close fails again and printed a second traceback ("Exception ignored in
    ZipFile.__del__") after the app's message: the frames holding it are cleared here
    while those repeats are ignored."""
    try:
        close()
        return
    except BaseException as exc:
        failure = exc
    previous = sys.unraisablehook

    def ignore_os_errors(unraisable: Any) -> None:
        if not isinstance(unraisable.exc_value, OSError):
            previous(unraisable)

    sys.unraisablehook = ignore_os_errors
    try:
        seen: BaseException | None = failure
        while seen is not None:
            if seen.__traceback__ is not None:
                traceback.clear_frames(seen.__traceback__)
            seen = seen.__context__
        gc.collect()
    finally:
        sys.unraisablehook = previous
    raise failure


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not possible on every platform (Windows).
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
