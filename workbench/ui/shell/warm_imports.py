"""Import the areas' modules while the rep reads the first screen, one small module per
event-loop turn, so that the first visit of Targets, Pipeline or Insights does not
stop the UI for the few hundred milliseconds their imports take (start-up stays lean:
this begins only after the window showed its data).

Why not a thread: two threads importing modules that import each other can deadlock
(CPython then raises ``_DeadlockError`` in one of them — possibly the UI thread). On
the UI thread, importing a module whose own imports are already loaded costs only
its own body, a few milliseconds; so the modules are imported leaves first, their
top-level imports found by reading the source (``ast``), never by executing it.
"""

from __future__ import annotations

import ast
import gc
import importlib
import importlib.util
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

#: Wait this long after the window showed its data (P2 measures up to then).
START_DELAY_MS = 1500
#: One import per turn, then this pause, so typing and painting go first.
PAUSE_MS = 15
#: Modules imported whole (third-party, C extensions): their insides are not ours to order.
OUR_PACKAGE = "workbench"


def _top_level_imports(name: str) -> list[str]:
    """The modules ``name`` imports at its top level (not inside functions or
    ``TYPE_CHECKING``), as absolute names; empty when its source cannot be read."""
    module = sys.modules.get(name)
    spec = getattr(module, "__spec__", None) or _find_spec(name)
    origin = getattr(spec, "origin", None)
    if not origin or not str(origin).endswith(".py"):
        return []
    try:
        tree = ast.parse(Path(origin).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return []
    package = name if origin.endswith("__init__.py") else name.rpartition(".")[0]
    found: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            found.append(base)
            # "from workbench.ui import format as fmt": the names may be submodules.
            if base.startswith(OUR_PACKAGE):
                found.extend(f"{base}.{a.name}" for a in node.names if _is_submodule(base, a.name))
    return [f for f in dict.fromkeys(found) if f and f != "__future__"]


def _is_submodule(package: str, name: str) -> bool:
    """Whether ``from package import name`` names a module (not a class or function)."""
    spec = _find_spec(package)
    for folder in getattr(spec, "submodule_search_locations", None) or ():
        if (Path(folder) / f"{name}.py").exists() or (Path(folder) / name / "__init__.py").exists():
            return True
    return False


def _find_spec(name: str) -> object | None:
    try:
        return importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None


class WarmImports(QObject):
    """Imports ``roots`` and what they import, leaves first, one per event-loop turn."""

    def __init__(
        self, roots: list[str], parent: QObject | None = None, then: list[Callable[[], object]] | None = None
    ) -> None:
        super().__init__(parent)
        self._stack = list(reversed(roots))
        #: Run one per turn once the modules are in (warming that is not an import).
        self._then = list(then or [])
        self._expanded: set[str] = set()
        self.imported: list[str] = []
        #: (module, milliseconds) of each import, for the freeze benchmark.
        self.timings: list[tuple[str, float]] = []
        self.done = False

    def start(self, delay_ms: int = START_DELAY_MS) -> None:
        QTimer.singleShot(delay_ms, self._step)

    def _step(self) -> None:
        while self._stack:
            name = self._stack[-1]
            if name in sys.modules:
                self._stack.pop()
                continue
            if name.startswith(OUR_PACKAGE) and name not in self._expanded:
                self._expanded.add(name)
                missing = [
                    n for n in _top_level_imports(name) if n not in sys.modules and n not in self._expanded
                ]
                if missing:
                    self._stack.extend(reversed(missing))
                    QTimer.singleShot(0, self._step)  # reading source costs too: one per turn
                    return
            self._stack.pop()
            started = time.perf_counter()
            try:
                importlib.import_module(name)
            except (
                Exception
            ):  # a name that is no module ("from x import Class"); the area imports it for real later
                log.debug("warm import of %s skipped", name, exc_info=True)
            else:
                ms = (time.perf_counter() - started) * 1000
                self.imported.append(name)
                self.timings.append((name, ms))
                log.debug("warm import %s: %.0f ms", name, ms)
            QTimer.singleShot(PAUSE_MS, self._step)
            return
        if self._then:
            step = self._then.pop(0)
            started = time.perf_counter()
            try:
                step()
            except Exception:
                log.debug("warm step %r failed", step, exc_info=True)
            self.timings.append((getattr(step, "__name__", "step"), (time.perf_counter() - started) * 1000))
            QTimer.singleShot(PAUSE_MS, self._step)
            return
        self.done = True


def configure_orm() -> None:
    """SQLAlchemy configures every mapper on the first ORM query (~40–90 ms): the
    start reads with Core, so without this the first area that uses a Session pays it."""
    from sqlalchemy.orm import configure_mappers

    configure_mappers()


def load_money_format() -> None:
    """The first amount shown reads the locale's CLDR currency pattern (babel, ~30 ms):
    the Pipeline board's column totals paid it on the first visit."""
    from workbench.ui.common.format import money_text

    money_text(0)
    money_text(0, cents=True)


def freeze_long_lived_objects() -> None:
    """Move every object alive now (modules, classes, mappers, compiled SQL — about
    140,000 once the areas are imported) out of the cyclic garbage collector's sight.

    A full collection walks all of them, and Python starts one by itself from time to
    time: 80–100 ms in which the UI cannot turn, wherever the rep happens to be. After
    ``gc.freeze()`` only what was made later is walked; what is frozen stays alive, as
    it would anyway."""
    gc.freeze()


def warm_areas(
    parent: QObject,
    modules: list[str],
    delay_ms: int = START_DELAY_MS,
    build: Sequence[Callable[[], object]] = (),
) -> WarmImports:
    """Import ``modules``, then run ``build`` (the window's areas, made one per turn while
    the rep reads the first screen, so a first visit only fills in its data)."""
    # What start-up made lives on; frozen now, the collections that the warm-up's own
    # imports set off walk only what they add (one took 80+ ms in the middle of it).
    freeze_long_lived_objects()
    steps: list[Callable[[], object]] = [
        configure_orm,
        load_money_format,
        *(build or []),
        freeze_long_lived_objects,
    ]
    warm = WarmImports(modules, parent, then=steps)
    warm.start(delay_ms)
    return warm
