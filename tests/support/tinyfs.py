"""Real full and read-only folders: a tiny tmpfs mounted for one test, where the machine
allows (root on Linux); otherwise the caller falls back to an injected failure."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path


def can_mount() -> bool:
    return sys.platform.startswith("linux") and os.geteuid() == 0


@contextlib.contextmanager
def tiny_folder(path: Path, size_kb: int, *, readonly: bool = False) -> Iterator[Path | None]:
    """Mount a ``size_kb`` tmpfs at ``path``; yields None when mounting is not possible."""
    path.mkdir(parents=True, exist_ok=True)
    if not can_mount():
        yield None
        return
    opts = f"size={size_kb}k,mode=0700" + (",ro" if readonly else "")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:
        yield None
        return
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def remount_readonly(path: Path) -> bool:
    """Make the tmpfs mounted at ``path`` read-only (files written before stay readable)."""
    done = subprocess.run(["mount", "-o", "remount,ro", str(path)], capture_output=True)
    return done.returncode == 0


def fill_up(folder: Path) -> None:
    """Write a filler file until ``folder``'s file system has no byte left."""
    with open(folder / "filler", "wb", buffering=0) as fh, contextlib.suppress(OSError):
        while True:
            fh.write(b"\0" * 4096)
