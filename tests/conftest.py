"""Shared fixtures: every test gets its own data folder and real SQLite files in tmp_path."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.store import Workbench, open_workbench


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every platformdirs folder at tmp_path: tests never touch the real profile."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("WORKBENCH_HOME", str(home))
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "workbench.db"


@pytest.fixture
def wb(db_path: Path) -> Iterator[Workbench]:
    workbench = open_workbench(db_path)
    try:
        yield workbench
    finally:
        workbench.close()
