"""Warn about folders where SQLite's WAL is unsafe: network file systems and cloud-sync folders."""

from __future__ import annotations

import os
from pathlib import Path

NETWORK_FS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smbfs",
        "smb3",
        "afpfs",
        "fuse.sshfs",
        "9p",
        "davfs",
        "fuse.rclone",
        "ncpfs",
    }
)
SYNC_FOLDERS = (
    "dropbox",
    "onedrive",
    "google drive",
    "googledrive",
    "icloud",
    "icloud drive",
    "box sync",
    "nextcloud",
)


def _mount_type(path: Path) -> str:
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    best, fstype = "", ""
    target = str(path.resolve())
    for line in mounts:
        parts = line.split()
        if len(parts) >= 3:
            point = parts[1].replace("\\040", " ")
            if (target == point or target.startswith(point.rstrip("/") + "/")) and len(point) > len(best):
                best, fstype = point, parts[2]
    return fstype


def risky_location(path: Path) -> str:
    """A warning for the rep when ``path`` is on a network or cloud-synced folder, else ""."""
    folder = path.parent
    lowered = [p.casefold() for p in folder.resolve().parts]
    for name in SYNC_FOLDERS:
        if any(part == name or part.startswith(name + " ") for part in lowered):
            return (
                f"This workbench is in a cloud-synced folder ({name.title()}). Sync tools can copy the file "
                "while it is being written and damage it; keep it in a local folder and rely on backups."
            )
    if os.name == "posix":
        fstype = _mount_type(folder)
        if fstype in NETWORK_FS:
            return (
                f"This workbench is on a network file system ({fstype}). SQLite's write-ahead log does not "
                "work safely over a network; keep the file on a local disk."
            )
    return ""
