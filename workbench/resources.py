"""Finding the files in ``resources/`` — from a source checkout, an installed wheel, or a
PyInstaller bundle."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    candidates = [
        Path(getattr(sys, "_MEIPASS", "")) / "resources" if hasattr(sys, "_MEIPASS") else None,
        Path(__file__).resolve().parent.parent / "resources",
        Path(sys.prefix) / "share" / "prospecting-workbench" / "resources",
    ]
    for candidate in candidates:
        if candidate is not None and candidate.is_dir():
            return candidate
    raise FileNotFoundError("the app's resources folder is missing; reinstall Prospecting Workbench")


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
