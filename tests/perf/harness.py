"""What every benchmark module shares: the context it runs in and the result it reports.

A benchmark module is ``tests/perf/bench_<name>.py`` with ``run(ctx) -> list[Result]``.
``ctx.large_db`` is the large demo workbench (100k accounts, 1M leads, 1M activities,
50k opportunities), built once and cached; treat it as read-only (copy it to
``ctx.scratch`` first if the benchmark must write). Each module runs in its own
process, so memory figures are the module's own.

Every result carries its **floor** — the same work done the plainest way, measured in
the same run — because the machine is shared and noisy: the ratio is the figure that
means something across runs.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Result:
    """One measured figure. ``name`` starts with the target's id ("P3 leads: sort")."""

    name: str
    median_ms: float
    p95_ms: float | None = None
    floor_ms: float | None = None
    target: str = ""
    ok: bool = True
    extra: dict[str, Any] = field(default_factory=dict)
    #: The unit of ``median_ms``/``p95_ms``/``floor_ms`` when it is not milliseconds ("MB", "s").
    unit: str = "ms"

    @property
    def id(self) -> str:
        return self.name.split(" ", 1)[0]

    @property
    def what(self) -> str:
        return self.name.split(" ", 1)[1] if " " in self.name else self.name

    @property
    def ratio(self) -> float | None:
        return self.median_ms / self.floor_ms if self.floor_ms else None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(id=self.id, what=self.what, ratio=self.ratio)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Result:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class Context:
    large_db: Path
    scratch: Path
    repo: Path
    #: Repetitions a benchmark should take its median over.
    repeats: int = 7


def timed_ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000.0


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
