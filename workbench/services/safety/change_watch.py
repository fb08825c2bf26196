"""Whether a workbench file changed since it was last marked, from the file's own
modification times (the WAL grows on every commit): no query, no import of the backup
machinery, so the window can start watching at once."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass
class ChangeWatch:
    path: Path
    last: tuple[float, ...] | None = None

    def fingerprint(self) -> tuple[float, ...]:
        parts: list[float] = []
        for suffix in ("", "-wal"):
            try:
                st = os.stat(str(self.path) + suffix)
            except FileNotFoundError:
                parts += [0.0, 0.0]
            else:
                parts += [st.st_mtime, float(st.st_size)]
        return tuple(parts)

    def changed(self) -> bool:
        return self.last is None or self.fingerprint() != self.last

    def mark(self) -> None:
        self.last = self.fingerprint()
