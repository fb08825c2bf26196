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

from workbench.store import Workbench
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


def test_while_the_rep_reads_today_every_area_is_built_and_its_first_reads_run_off_the_ui_thread(
    qtbot: QtBot, wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from tests.support import insights_data as data
    from workbench.services.clock import fixed_clock
    from workbench.services.targets import actions as target_actions
    from workbench.services.targets.accounts import AccountInput
    from workbench.ui.common.area_base import Area
    from workbench.ui.common.context import AppContext
    from workbench.ui.shell.areas import AREAS
    from workbench.ui.shell.main_window import MainWindow
    from workbench.ui.targets.view import TargetsArea

    data.build(wb)
    acme = target_actions.create_account(wb, AccountInput("Acme Robotics", website="acme.example"))
    target_actions.promote(wb, acme)
    read_on: list[bool] = []
    account_view = target_actions.account_view

    def spy(*args: object, **kwargs: object) -> object:
        read_on.append(threading.current_thread() is threading.main_thread())
        return account_view(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(target_actions, "account_view", spy)
    win = MainWindow(AppContext(wb, clock=fixed_clock(data.NOW)), start_area="today")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: getattr(win, "warm_imports", None) is not None, timeout=20_000)
    qtbot.waitUntil(lambda: win.warm_imports.done and bool(read_on), timeout=30_000)
    built = {e.key for e in AREAS if win.findChild(Area, f"area-{e.key}") is not None}
    assert built == {e.key for e in AREAS}
    assert read_on == [False]  # the first target's detail was read on the thread pool
    targets = win.findChild(TargetsArea, "area-targets")
    assert targets is not None and targets.model is None  # built, not loaded: that waits for the visit
    with qtbot.waitSignal(targets.populated, timeout=20_000):
        win.show_area("targets")
    assert targets.detail.view is not None and targets.detail.view.account.name
    win.close()
