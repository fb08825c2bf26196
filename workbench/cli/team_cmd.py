"""``workbench team …`` — team mode on a shared PostgreSQL database (being built)."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    return None
