"""P5: every Insights metric and chart on the large demo workbench in ≤ 500 ms, in SQL.

Measured: each job of :func:`workbench.services.insights.stats.section_jobs` (a
section, or a part of one: conversion's three queries) on the
whole file (all time — the most rows any period can hold), alone, with its wall time
and this thread's CPU time (``extra.cpu_ms``: on a shared, loaded machine the wall
time is mostly waiting for a core); the whole dict as the area computes it (jobs side
by side on up to 6 threads, one per core) for all time and for the area's default
period (the last 12 months); and drawing every tab's charts and tables from a result.
The whole dict is CPU-bound: its wall time is about the jobs' CPU time added and
divided by the cores, or the slowest job's when there are cores enough.

The floor of a job is the same SQL statements, captured from SQLAlchemy while the
job ran, executed again through a raw ``sqlite3`` connection: the database work
alone, without the Python around it. The floor of the whole dict is the sum of the
jobs' floors (one statement after another), so side-by-side jobs can beat it.

Run alone: ``python -m tests.perf.bench_insights --db LARGE.db``.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event

TARGET_MS = 500.0


def anchor_of(db: Path) -> datetime:
    """The demo's "now": its anchor from the build summary beside it, else the newest lead."""
    import json

    summary = db.with_suffix(".json")
    try:
        return datetime.fromisoformat(json.loads(summary.read_text())["anchor"]).astimezone(UTC)
    except (OSError, ValueError, KeyError):
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            newest = conn.execute("SELECT max(received_at) FROM lead").fetchone()[0]
        finally:
            conn.close()
        return datetime.fromisoformat(str(newest)).replace(tzinfo=UTC) if newest else datetime.now(UTC)


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


class Statements:
    """The SQL a block of code sends, to replay it through raw sqlite3."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.recorded: list[tuple[str, Any]] = []
        self.on = False
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if self.on:
            self.recorded.append((statement, parameters))

    def capture(self, fn: Callable[[], object]) -> list[tuple[str, Any]]:
        self.recorded, self.on = [], True
        try:
            fn()
        finally:
            self.on = False
        return self.recorded


def replay(db: Path, statements: list[tuple[str, Any]]) -> float:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        conn.execute("PRAGMA cache_size = -32000")
        start = time.perf_counter()
        for sql, params in statements:
            if sql.split(None, 1)[0].upper() in ("BEGIN", "COMMIT", "ROLLBACK"):
                continue  # each job's session begins its own; the replay needs none
            conn.execute(sql, params or ()).fetchall()
        return (time.perf_counter() - start) * 1000
    finally:
        conn.close()


def measure(db: Path, repeats: int) -> list[dict[str, Any]]:
    from workbench.services.clock import fixed_clock
    from workbench.services.insights.common import Period
    from workbench.services.insights.stats import compute_stats, section_jobs
    from workbench.store import open_workbench

    anchor = anchor_of(db)
    clock = fixed_clock(anchor)
    today = anchor.date()
    last_12_months = Period.from_dates(today - timedelta(days=364), today, tz=UTC)
    rows: list[dict[str, Any]] = []
    wb = open_workbench(db, create=False, readonly=True)
    try:
        recorder = Statements(wb.engine)
        compute_stats(wb, Period(), clock=clock, tz=UTC)  # warm the page cache once
        with wb.reading() as session:
            jobs = section_jobs(session, Period(), anchor, UTC)
        # Each job alone: wall time, this thread's CPU time, and its SQL (captured on
        # the first run) replayed raw as the floor.
        done: dict[str, Any] = {}  # each job's result, for the jobs that need it
        for name, job in jobs.items():

            def run(job: Any = job, name: str = name) -> None:
                with wb.reading() as session:
                    done[name] = job(session, done.__getitem__)

            sql = [st for st in recorder.capture(run) if st[0].split(None, 1)[0].upper() != "BEGIN"]
            walls: list[float] = []
            cpus: list[float] = []
            floors: list[float] = []
            for _ in range(repeats):
                cpu = time.thread_time()
                walls.append(_timed(run))
                cpus.append((time.thread_time() - cpu) * 1000)
                floors.append(replay(db, sql))
            rows.append(
                {
                    "name": f"P5 insights: {name.replace('_', ' ')} (all time)",
                    "samples": walls,
                    "floor": statistics.median(floors),
                    "extra": {"queries": len(sql), "cpu_ms": round(statistics.median(cpus), 1)},
                }
            )
        section_floor = sum(float(r["floor"]) for r in rows)
        jobs_cpu = sum(float(r["extra"]["cpu_ms"]) for r in rows)
        # The whole dict as the area computes it (jobs side by side), with the CPU time of
        # all its threads: wall ≈ CPU / cores says the run only waited for cores.
        for label, period in (("all time", Period()), ("last 12 months", last_12_months)):
            samples: list[float] = []
            process_cpus: list[float] = []

            def whole(p: Period = period) -> None:
                compute_stats(wb, p, clock=clock, tz=UTC)

            for _ in range(repeats):
                cpu = time.process_time()
                samples.append(_timed(whole))
                process_cpus.append((time.process_time() - cpu) * 1000)
            extra: dict[str, Any] = {
                "cpu_ms": round(statistics.median(process_cpus), 1),
                "cores": os.cpu_count(),
            }
            if label == "all time":
                extra["jobs_cpu_ms"] = round(jobs_cpu, 1)
            rows.append(
                {
                    "name": f"P5 insights: every metric, {label}",
                    "samples": samples,
                    "floor": section_floor if label == "all time" else None,
                    "extra": extra,
                }
            )
        result = compute_stats(wb, last_12_months, clock=clock, tz=UTC)
    finally:
        wb.close()
    rows.append({"name": "P5 insights: charts and tables drawn", "samples": _draw_samples(result, repeats)})
    return rows


def _draw_samples(result: dict[str, Any], repeats: int) -> list[float]:
    """Time filling every tab (charts rebuilt, tables set) from one result, offscreen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from workbench.ui.insights.activity import ActivityTab, PipelineTab
    from workbench.ui.insights.quota import QuotaTab
    from workbench.ui.insights.tabs import ConversionTab, FunnelTab, SpeedTab

    app = QApplication.instance() or QApplication([])
    tabs = [ConversionTab(), SpeedTab(), FunnelTab(), ActivityTab(), PipelineTab(), QuotaTab()]
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for tab in tabs:
            tab.show_result(result)
        app.processEvents()
        samples.append((time.perf_counter() - start) * 1000)
    for tab in tabs:
        tab.deleteLater()
    app.processEvents()
    return samples


def run(ctx: Any) -> list[Any]:
    from tests.perf.harness import Result

    results = []
    for row in measure(ctx.large_db, ctx.repeats):
        samples = row["samples"]
        med = statistics.median(samples)
        extra = dict(row.get("extra", {}))
        results.append(
            Result(
                row["name"],
                med,
                p95_ms=_p95(samples),
                floor_ms=row.get("floor"),
                target=f"≤ {TARGET_MS:.0f} ms",
                ok=med <= TARGET_MS,
                extra=extra,
            )
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    for row in measure(args.db, args.repeats):
        med = statistics.median(row["samples"])
        floor = row.get("floor")
        ratio = f"{med / floor:.2f}×" if floor else "—"
        p95 = _p95(row["samples"])
        cpu = row.get("extra", {}).get("cpu_ms")
        ratio += f"  cpu {cpu:.0f} ms" if cpu is not None else ""
        print(
            f"{row['name']:<52} median {med:8.1f} ms  p95 {p95:8.1f} ms  floor {floor or 0:8.1f} ms  {ratio}"
        )


if __name__ == "__main__":
    main()
