"""Warm imports: the areas' modules are imported leaves first, one per event-loop turn,
with their top-level imports read from the source (never executed to find them)."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from workbench.ui.shell import warm_imports


def test_top_level_imports_are_modules_not_names() -> None:
    found = warm_imports._top_level_imports("workbench.ui.pipeline.view")
    assert "workbench.ui.pipeline.board" in found
    assert "workbench.ui.common.area_base" in found
    assert not any(name.endswith((".Area", ".TableQuery")) for name in found)


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """workbenchwarm.a imports .b at the top and .c inside a function; .b imports .d."""
    root = tmp_path / "workbenchwarm"
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "a.py").write_text(
        "from workbenchwarm import b\n\ndef later():\n    from workbenchwarm import c\n"
    )
    (root / "b.py").write_text("from .d import VALUE\n")
    (root / "c.py").write_text("")
    (root / "d.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(warm_imports, "OUR_PACKAGE", "workbenchwarm")
    yield "workbenchwarm"
    for name in [n for n in sys.modules if n.startswith("workbenchwarm")]:
        del sys.modules[name]


def test_modules_are_imported_leaves_first_one_per_turn(qtbot: QtBot, package: str) -> None:
    after: list[bool] = []
    warm = warm_imports.WarmImports(
        [f"{package}.a"], then=[lambda: after.append(f"{package}.a" in sys.modules)]
    )
    counts: list[int] = []
    meter = QTimer()
    meter.setInterval(0)
    meter.timeout.connect(lambda: counts.append(len(warm.imported)))  # once per turn
    meter.start()
    warm.start(delay_ms=0)
    qtbot.waitUntil(lambda: warm.done, timeout=10_000)
    meter.stop()
    # d before b before a (the package itself is loaded while looking for its modules).
    assert warm.imported == [f"{package}.d", f"{package}.b", f"{package}.a"]
    assert f"{package}.c" not in sys.modules  # imported inside a function: left alone
    assert after == [True]  # the extra warm steps run once the modules are in
    assert max(b - a for a, b in itertools.pairwise(counts)) <= 1  # one per turn


def test_the_warm_up_ends_by_hiding_what_lives_on_from_the_garbage_collector(
    qtbot: QtBot, package: str
) -> None:
    import gc

    gc.unfreeze()
    owner = QTimer()  # any QObject: the warm-up lives as its child
    warm = warm_imports.warm_areas(owner, [f"{package}.a"], delay_ms=0)
    qtbot.waitUntil(lambda: warm.done, timeout=10_000)
    try:
        # A full collection no longer walks the modules, classes and mappers loaded so far.
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
