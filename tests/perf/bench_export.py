"""P6 (pipeline-file export of the large workbench) and P7 (manager rollup of many files).

P6 — ``export_pipeline`` writes the large demo's pipeline file (XLSX, then JSON); its
**floor** is the plainest way to the same cells: raw ``sqlite3`` reading the same rows
(same joins), ISO text turned into datetimes, and xlsxwriter's ``write_row`` into a
constant-memory workbook (for JSON: ``json.dumps`` per row). Memory is sampled while
the export runs: "constant memory" means the peak stays far below what the rows
would take (reported as the peak growth of resident memory).

The large demo's XLSX export is then read back by the rollup (``load_figures``): it
must pass the hostile-file rules and load, in bounded memory.

P7 — ``roll_up`` over 50 generated pipeline files (10k leads, 2k opportunities, 20k
activities each) as XLSX — what reps send, and what the target is about — and as JSON
(reported), then over 500 XLSX. The floor is the least any reader must do, in one
process: unzip every member (XLSX) or ``json.load`` each file. CPU seconds (the
workers' included) are reported because wall time on a shared machine is not the
rollup's alone. The files are generated once by the app's own writer and cached in
``.bench-cache/pipeline-files``; 10 distinct reps' files are linked to make up the
counts.

Run alone: ``python -m tests.perf.bench_export --db LARGE.db [--only p6|p7]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.perf.harness import Context, Result

EXPORT_RATIO = 2.0
ROLLUP_50_S = 5.0
ROLLUP_LINEARITY = 10.0
MEMORY_GROWTH_MB = 200.0
DISTINCT_FILES = 10
REPO = Path(__file__).resolve().parents[2]


# --- memory ---------------------------------------------------------------------------------
def _rss_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class PeakMemory:
    """Samples resident memory every 50 ms while a block runs; ``growth`` = peak − start."""

    def __init__(self) -> None:
        self.start = self.peak = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, _rss_mb())

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())

    @property
    def growth(self) -> float:
        return self.peak - self.start


# --- P6 floor: the same rows, raw sqlite3 → xlsxwriter.write_row ------------------------------
FLOOR_SQL = {
    "Opportunities": (
        "SELECT o.uuid, o.name, a.name, a.uuid, c.name, s.name, o.outcome, o.amount, o.currency,"
        " coalesce(o.probability, s.probability), o.amount * coalesce(o.probability, s.probability),"
        " o.expected_close, o.next_step, o.next_step_due, 0, o.last_touch_at, o.stage_entered_at,"
        " o.created_at, o.closed_at, o.close_reason,"
        # the reason's list: a closed deal's own outcome
        " CASE WHEN o.close_reason = '' OR o.outcome = 'open' THEN '' ELSE o.outcome END,"
        " o.kind, o.source, o.campaign, l.uuid, o.lead_received_at"
        " FROM opportunity o JOIN pipeline_stage s ON s.id = o.stage_id"
        " LEFT JOIN account a ON a.id = o.account_id LEFT JOIN contact c ON c.id = o.contact_id"
        " LEFT JOIN lead l ON l.id = o.origin_lead_id WHERE o.deleted_at IS NULL ORDER BY o.id",
        {11, 13},
        {15, 16, 17, 18, 25},
    ),
    "Leads": (
        "SELECT l.uuid, l.received_at, l.name, l.company, l.title, l.email, l.phone, l.kind, l.source,"
        " l.campaign, l.status, l.disqualify_reason, l.nurture_until,"
        " (l.q_budget = 'yes') + (l.q_authority = 'yes') + (l.q_need = 'yes') + (l.q_timeline = 'yes')"
        " + (l.q_asked = 'yes'), a.name, l.first_touch_at, l.speed_to_lead_s / 3600.0, l.last_touch_at,"
        " l.next_followup_at, o.uuid FROM lead l LEFT JOIN account a ON a.id = l.account_id"
        " LEFT JOIN opportunity o ON o.id = l.opportunity_id WHERE l.deleted_at IS NULL ORDER BY l.id",
        {12},
        {1, 15, 17, 18},
    ),
    "Activities": (
        "SELECT t.uuid, t.at, t.channel, t.outcome, t.duration_min, coalesce(l.name, c.name, ''), a.name,"
        " o.name, t.note, l.uuid, o.uuid FROM activity t LEFT JOIN lead l ON l.id = t.lead_id"
        " LEFT JOIN contact c ON c.id = t.contact_id LEFT JOIN account a ON a.id = t.account_id"
        " LEFT JOIN opportunity o ON o.id = t.opportunity_id WHERE t.deleted_at IS NULL AND t.at >= ?"
        " ORDER BY t.at, t.id",
        set(),
        {1},
    ),
    "Targets": (
        "SELECT a.uuid, a.name, a.domain, a.industry, a.employees, a.region, coalesce(a.tier, ''), a.status,"
        " a.fit_score, a.pain_hypothesis,"
        " (SELECT count(*) FROM contact c WHERE c.account_id = a.id AND c.deleted_at IS NULL),"
        " (SELECT count(*) FROM opportunity o WHERE o.account_id = a.id AND o.deleted_at IS NULL"
        " AND o.outcome = 'open'), a.target_since, a.last_touch_at, a.next_followup_at"
        " FROM account a WHERE a.is_target = 1 AND a.deleted_at IS NULL ORDER BY a.name, a.id",
        set(),
        {12, 13, 14},
    ),
    "Follow-ups": (
        "SELECT f.uuid, f.due_at, f.title, coalesce(l.name, c.name, ''), a.name, o.name, f.done_at,"
        " f.done_at IS NULL AND f.due_at < ?, l.uuid, o.uuid FROM follow_up f"
        " LEFT JOIN lead l ON l.id = f.lead_id LEFT JOIN contact c ON c.id = f.contact_id"
        " LEFT JOIN account a ON a.id = f.account_id LEFT JOIN opportunity o ON o.id = f.opportunity_id"
        " WHERE f.deleted_at IS NULL AND (f.done_at IS NULL OR f.due_at >= ?) ORDER BY f.due_at, f.id",
        set(),
        {1, 6},
    ),
}


def _floor_rows(
    conn: sqlite3.Connection, sql: str, params: tuple[Any, ...], dates: set[int], times: set[int]
) -> Iterator[list[Any]]:
    parse_time = datetime.fromisoformat
    for row in conn.execute(sql, params):
        values = list(row)
        for i in times:
            if values[i] is not None:
                values[i] = parse_time(values[i])
        for i in dates:
            if values[i] is not None:
                values[i] = parse_time(values[i])
        yield values


def _floor_params(sheet: str, start: str, now: str) -> tuple[Any, ...]:
    return {"Activities": (start,), "Follow-ups": (now, start)}.get(sheet, ())


def floor_xlsx(db: Path, out: Path, start: str, now: str) -> int:
    import xlsxwriter

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    total = 0
    try:
        book.add_worksheet("Summary")
        for sheet, (sql, dates, times) in FLOOR_SQL.items():
            ws = book.add_worksheet(sheet)
            part, r = 1, 0
            for values in _floor_rows(conn, sql, _floor_params(sheet, start, now), dates, times):
                r += 1
                if r == 1_048_576:
                    part += 1
                    ws = book.add_worksheet(f"{sheet} ({part})")
                    r = 1
                ws.write_row(r, 0, values)
                total += 1
        book.add_worksheet("_meta")
    finally:
        book.close()
        conn.close()
    return total


def floor_json(db: Path, out: Path, start: str, now: str) -> int:
    from workbench.exchange.pipeline_file import tables

    keys = {spec.sheet: spec.keys for spec in tables()}
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    total = 0
    try:
        with open(out, "w", encoding="utf-8") as f:
            for sheet, (sql, _dates, _times) in FLOOR_SQL.items():
                names = keys[sheet]
                for row in conn.execute(sql, _floor_params(sheet, start, now)):
                    f.write(json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False))
                    f.write(",\n")
                    total += 1
    finally:
        conn.close()
    return total


def measure_export(db: Path, scratch: Path) -> list[Result]:
    from workbench.services.clock import fixed_clock, system_clock
    from workbench.services.manager.export import export_pipeline, period_start
    from workbench.store import open_workbench

    anchor = _anchor(db) or system_clock()
    clock = fixed_clock(anchor)
    start = period_start(None, anchor.date()).isoformat() + " 00:00:00"
    now = anchor.strftime("%Y-%m-%d %H:%M:%S.%f")
    results = []
    readback: Result | None = None
    for suffix, floor in (("xlsx", floor_xlsx), ("json", floor_json)):
        floor_out, our_out = scratch / f"floor.{suffix}", scratch / f"export.{suffix}"
        started = time.perf_counter()
        floor_rows = floor(db, floor_out, start, now)
        floor_s = time.perf_counter() - started
        wb = open_workbench(db, readonly=True)
        try:
            with PeakMemory() as memory:
                started = time.perf_counter()
                result = export_pipeline(wb, our_out, clock=clock)
                ours_s = time.perf_counter() - started
        finally:
            wb.close()
        rows = sum(result.row_counts.values())
        ratio = ours_s / floor_s
        if suffix == "xlsx":
            readback = measure_readback(our_out, rows)
        results.append(
            Result(
                f"P6 export {suffix}: large workbench",
                ours_s * 1000,
                floor_ms=floor_s * 1000,
                target=f"≤ {EXPORT_RATIO:.0f}× floor, constant memory" if suffix == "xlsx" else "(reported)",
                ok=(ratio <= EXPORT_RATIO and memory.growth <= MEMORY_GROWTH_MB)
                if suffix == "xlsx"
                else True,
                extra={
                    "rows": rows,
                    "floor_rows": floor_rows,
                    "rows_per_s": round(rows / ours_s),
                    "file_mb": round(our_out.stat().st_size / 1e6, 1),
                    "memory_growth_mb": round(memory.growth, 1),
                    "memory_ok": memory.growth <= MEMORY_GROWTH_MB,
                },
            )
        )
        floor_out.unlink(missing_ok=True)
        our_out.unlink(missing_ok=True)
    return [*results, *([readback] if readback else [])]


def measure_readback(path: Path, rows: int) -> Result:
    """The large export through the rollup's reader: within the rules, flat memory."""
    from workbench.services.manager.rollup import load_figures

    with PeakMemory() as memory:
        cpu, started = _cpu_s(), time.perf_counter()
        figures = load_figures(path)
        seconds, cpu = time.perf_counter() - started, _cpu_s() - cpu
    return Result(
        "P6 large XLSX export read back by the rollup",
        seconds * 1000,
        target="loads (hostile-file rules passed)",
        ok=figures.leads > 0,
        extra={
            "rows_in_file": rows,
            "leads": figures.leads,
            "file_mb": round(path.stat().st_size / 1e6, 1),
            "cpu_s": round(cpu, 1),
            "memory_growth_mb": round(memory.growth, 1),
        },
    )


def _anchor(db: Path) -> datetime | None:
    stamp = db.with_suffix(".json")
    try:
        text = json.loads(stamp.read_text())["anchor"]
        return datetime.fromisoformat(text)
    except (OSError, ValueError, KeyError, TypeError):
        return None


# --- P7 rollup ----------------------------------------------------------------------------
def bench_files(cache: Path, count: int, suffix: str = "xlsx") -> Path:
    """A folder with ``count`` pipeline files (copies of DISTINCT_FILES generated ones)."""
    from tests.perf.pipeline_files import write_file

    originals = cache / "originals"
    originals.mkdir(parents=True, exist_ok=True)
    for seed in range(DISTINCT_FILES):
        path = originals / f"rep-{seed:03d}.{suffix}"
        if not path.exists():
            tmp = originals / f".rep-{seed:03d}.tmp.{suffix}"
            write_file(tmp, seed)
            os.replace(tmp, path)
    folder = cache / (f"set-{count}" if suffix == "xlsx" else f"set-{count}-{suffix}")
    if not folder.exists() or len(list(folder.glob(f"*.{suffix}"))) != count:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        for i in range(count):
            source = originals / f"rep-{i % DISTINCT_FILES:03d}.{suffix}"
            target = folder / f"file-{i:04d}.{suffix}"
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
    return folder


def _cpu_s() -> float:
    """CPU seconds of this process and its finished children (the rollup's workers)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed_rollup(folder: Path, count: int) -> tuple[float, float]:
    from workbench.services.manager.rollup import roll_up

    cpu, started = _cpu_s(), time.perf_counter()
    rollup = roll_up([folder])
    seconds, cpu = time.perf_counter() - started, _cpu_s() - cpu
    assert not rollup.rejected and len(rollup.files) == count, rollup.rejected[:3]
    return seconds, cpu


def _read_floor(paths: list[Path], suffix: str) -> float:
    """The least any reader does, in one process: unzip every sheet, or parse the JSON."""
    import zipfile

    started = time.perf_counter()
    for path in paths:
        if suffix == "xlsx":
            with zipfile.ZipFile(path) as archive:
                for info in archive.infolist():
                    with archive.open(info) as member:
                        while member.read(16 * 1024 * 1024):
                            pass
        else:
            with open(path, "rb") as f:
                json.load(f)
    return time.perf_counter() - started


def measure_rollup(cache: Path, repeats: int) -> list[Result]:
    """50 files as XLSX (what reps send: the target) and as JSON (reported), then 500 XLSX."""
    results = []
    median_50 = cpu_50 = 0.0
    for suffix in ("xlsx", "json"):
        fifty = bench_files(cache, 50, suffix)
        runs = [_timed_rollup(fifty, 50) for _ in range(max(1, min(repeats, 3)))]
        times = [t for t, _cpu in runs]
        median = statistics.median(times)
        cpu = statistics.median(c for _t, c in runs)
        sample = sorted(fifty.glob(f"*.{suffix}"))[:DISTINCT_FILES]
        floor = _read_floor(sample, suffix) * 50 / len(sample)
        if suffix == "xlsx":
            median_50, cpu_50 = median, cpu
        results.append(
            Result(
                f"P7 rollup: 50 {suffix.upper()} files",
                median,
                floor_ms=floor,
                target=f"≤ {ROLLUP_50_S:.0f} s" if suffix == "xlsx" else "(reported)",
                ok=median <= ROLLUP_50_S if suffix == "xlsx" else True,
                unit="s",
                extra={
                    "format": suffix,
                    "runs_s": [round(t, 2) for t in times],
                    "cpu_s": round(cpu, 2),
                    "cpu_per_file_s": round(cpu / 50, 3),
                    "floor_cpu_note": "floor = one process "
                    + ("unzipping every member" if suffix == "xlsx" else "json.load of each file"),
                    "cpus": os.cpu_count(),
                    "load_avg": [round(x, 1) for x in os.getloadavg()],
                },
            )
        )
    five_hundred = bench_files(cache, 500)
    seconds_500, cpu_500 = _timed_rollup(five_hundred, 500)
    results.append(
        Result(
            "P7 rollup: 500 XLSX files",
            seconds_500,
            floor_ms=median_50,
            target=f"≤ {ROLLUP_LINEARITY:.0f}× the 50-file time",
            ok=seconds_500 <= ROLLUP_LINEARITY * median_50,
            unit="s",
            extra={
                "format": "xlsx",
                "floor": "the 50-file rollup",
                "cpu_s": round(cpu_500, 2),
                "cpu_per_file_s": round(cpu_500 / 500, 3),
                # The machine's load changes between the two runs; CPU seconds do not.
                "cpu_ratio_to_50": round(cpu_500 / cpu_50, 2) if cpu_50 else None,
                "load_avg": [round(x, 1) for x in os.getloadavg()],
            },
        )
    )
    return results


# --- entry points ----------------------------------------------------------------------------
def run(ctx: Context, only: str = "") -> list[Result]:
    results: list[Result] = []
    cache = ctx.repo / ".bench-cache" / "pipeline-files"
    if only in ("", "p6"):
        results += measure_export(ctx.large_db, ctx.scratch)
    if only in ("", "p7"):
        results += measure_rollup(cache, ctx.repeats)
    return results


def main(argv: list[str] | None = None) -> int:
    from tests.perf.run import table

    parser = argparse.ArgumentParser(prog="python -m tests.perf.bench_export")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--only", choices=["p6", "p7"], default="")
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="bench-export-"))
    try:
        results = run(Context(args.db, scratch, REPO, repeats=3), args.only)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(table(results))
    for r in results:
        print(f"{r.name}: {json.dumps(r.extra, default=str)}")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
