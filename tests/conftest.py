"""Shared fixtures: every test gets its own data folder and real SQLite files in tmp_path."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
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


#: "Now" of the shared small demo (a Monday morning), so tests that read it can pin
#: their clock to the same moment.
DEMO_ANCHOR = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DEMO_SEED = 7


@pytest.fixture(scope="session")
def _small_demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from workbench.services.demo import DemoOptions, build_demo

    path = tmp_path_factory.mktemp("demo") / "small-demo.db"
    build_demo(path, DemoOptions(size="small", seed=DEMO_SEED, rep_name="Dana Demo", anchor=DEMO_ANCHOR))
    return path


@pytest.fixture
def demo_anchor() -> datetime:
    return DEMO_ANCHOR


@pytest.fixture
def small_demo(_small_demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of one small demo workbench (built once per test session): one
    rep's year with targets, leads, outreach and opportunities in every stage, as of
    :data:`DEMO_ANCHOR`."""
    path = tmp_path / "small-demo.db"
    shutil.copyfile(_small_demo_template, path)
    return path
