"""``make bench``: build (or reuse) the large demo workbench, run every benchmark module,
print a table of figures against their floors and targets, write ``bench-results.json``.

    python -m tests.perf.run                 # everything
    python -m tests.perf.run --only p2,p3    # modules whose name contains one of these
    python -m tests.perf.run --rebuild       # build the large demo again

Modules are discovered as ``tests/perf/bench_*.py`` with ``run(ctx) -> list[Result]``
(see :mod:`tests.perf.harness`); each runs in a child process of its own. The large
demo lives in ``.bench-cache/`` and is rebuilt when the schema of a new workbench file
differs from the cached file's (a migration or an index changed).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

from tests.perf.harness import Context, Result

__all__ = ["Context", "Result", "main"]

REPO = Path(__file__).resolve().parents[2]
PERF = Path(__file__).resolve().parent
CACHE = REPO / ".bench-cache"
RESULTS = REPO / "bench-results.json"
DEMO_SEED = 1
#: The app reads the file with the real clock (Today, stale marks), so the demo's "now"
#: must be close to today: a cached demo older than this is built again.
MAX_DEMO_AGE_DAYS = 7


# --- the large demo ---------------------------------------------------------------------------
def schema_of(path: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT type, name, coalesce(sql, '') FROM sqlite_master "
            "WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()
    return [("user_version", str(version), ""), *[(str(a), str(b), str(c)) for a, b, c in rows]]


def current_schema() -> list[tuple[str, str, str]]:
    from workbench.store import open_workbench

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fresh.db"
        open_workbench(path).close()
        return schema_of(path)


def large_demo(rebuild: bool) -> Path:
    """The cached large demo, built again when missing, stale or asked for."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / "large.db"
    stamp = CACHE / "large.json"
    wanted = current_schema()
    if path.exists() and not rebuild:
        try:
            built = json.loads(stamp.read_text())
            age = datetime.now(UTC) - datetime.fromisoformat(built["anchor"])
            if schema_of(path) != wanted or built.get("seed") != DEMO_SEED:
                print(
                    "the workbench schema changed since the cached demo was built: rebuilding",
                    file=sys.stderr,
                )
            elif age > timedelta(days=MAX_DEMO_AGE_DAYS):
                print(f"the cached demo is {age.days} days old: rebuilding", file=sys.stderr)
            else:
                return path
        except (OSError, ValueError, KeyError, sqlite3.Error):
            print("the cached demo is unreadable: rebuilding", file=sys.stderr)
    started = time.perf_counter()
    cmd = [
        sys.executable,
        "-m",
        "workbench",
        "demo",
        "--db",
        str(path),
        "--size",
        "large",
        "--seed",
        str(DEMO_SEED),
        "--rep",
        "Bench Rep",
        "--force",
        "--json",
    ]
    print("building the large demo workbench (once; cached in .bench-cache/)…", file=sys.stderr)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False, env=_env())
    if proc.returncode != 0:
        raise SystemExit(f"building the large demo failed (exit {proc.returncode})")
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    summary["build_wall_s"] = round(time.perf_counter() - started, 1)
    stamp.write_text(json.dumps(summary, indent=2))
    return path


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


def compile_app() -> None:
    """Write the app's bytecode, as an installed app has it (pip compiles on install, the
    packaged app ships it). Without it, every first import compiles its module from
    source: a shell with ``PYTHONDONTWRITEBYTECODE`` set made each warm-up import and
    each area's first visit pay that, and the UI-freeze figure measured the compiler."""
    import compileall

    compileall.compile_dir(str(REPO / "workbench"), quiet=1, workers=1)


# --- modules ----------------------------------------------------------------------------------
def discover(only: list[str]) -> list[str]:
    names = sorted(p.stem for p in PERF.glob("bench_*.py"))
    if only:
        names = [n for n in names if any(o.lower() in n.lower() for o in only)]
    return names


def run_module_here(name: str, ctx: Context) -> list[Result]:
    module = importlib.import_module(f"tests.perf.{name}")
    return [r if isinstance(r, Result) else Result.from_dict(vars(r)) for r in module.run(ctx)]


def run_module(name: str, ctx: Context) -> list[Result]:
    """Run one module in a child process (its own memory, its own QApplication)."""
    with tempfile.TemporaryDirectory(prefix=f"{name}-") as folder:
        out = Path(folder) / "results.json"
        cmd = [
            sys.executable,
            "-m",
            "tests.perf.run",
            "--child",
            name,
            "--db",
            str(ctx.large_db),
            "--out",
            str(out),
            "--repeats",
            str(ctx.repeats),
        ]
        env = _env()
        env["WORKBENCH_HOME"] = str(Path(folder) / "home")
        proc = subprocess.run(cmd, check=False, env=env, cwd=REPO)
        if not out.exists():
            return [Result(f"{name} failed", float("nan"), ok=False, extra={"exit": proc.returncode})]
        return [Result.from_dict(d) for d in json.loads(out.read_text())]


def child(name: str, db: Path, out: Path, repeats: int) -> NoReturn:
    scratch = Path(tempfile.mkdtemp(prefix="bench-scratch-"))
    try:
        ctx = Context(large_db=db, scratch=scratch, repo=REPO, repeats=repeats)
        try:
            results = run_module_here(name, ctx)
        except Exception as exc:
            traceback.print_exc()
            results = [Result(f"{name} error", float("nan"), ok=False, extra={"error": repr(exc)})]
        out.write_text(json.dumps([r.as_dict() for r in results], default=str))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    # Skip interpreter teardown: Qt objects torn down in a random order at exit can
    # crash the process after the results are safely written.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


# --- report -----------------------------------------------------------------------------------
def _figure(value: float | None, unit: str) -> str:
    if value is None or value != value:  # None or NaN
        return "—"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    return f"{value:.1f} {unit}"


def table(results: list[Result]) -> str:
    rows = [("id", "what", "median", "p95", "floor", "ratio", "target", "")]
    for r in results:
        rows.append(
            (
                r.id,
                r.what,
                _figure(r.median_ms, r.unit),
                _figure(r.p95_ms, r.unit),
                _figure(r.floor_ms, r.unit),
                f"{r.ratio:.2f}×" if r.ratio else "—",
                r.target,
                "pass" if r.ok else "FAIL",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.perf.run", description="Speed benchmarks (make bench)."
    )
    parser.add_argument("--only", default="", help="comma-separated parts of module names to run")
    parser.add_argument("--rebuild", action="store_true", help="build the large demo again")
    parser.add_argument(
        "--db", type=Path, default=None, help="use this large workbench instead of the cached demo"
    )
    parser.add_argument("--repeats", type=int, default=7, help="repetitions per measurement (median)")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        assert args.db is not None and args.out is not None
        return child(args.child, args.db, args.out, args.repeats)

    names = discover([o.strip() for o in args.only.split(",") if o.strip()])
    if not names:
        print("no benchmark modules matched", file=sys.stderr)
        return 2
    compile_app()
    db = args.db or large_demo(args.rebuild)
    ctx = Context(large_db=db, scratch=CACHE, repo=REPO, repeats=args.repeats)
    results: list[Result] = []
    for name in names:
        print(f"running {name}…", file=sys.stderr, flush=True)
        started = time.perf_counter()
        found = run_module(name, ctx)
        print(f"  {name}: {len(found)} result(s) in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        results.extend(found)
    print(table(results))
    report: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "load": _load(), "python": sys.version.split()[0]},
        "large_db": str(db),
        "results": [r.as_dict() for r in results],
    }
    stamp = CACHE / "large.json"
    if args.db is None and stamp.exists():
        report["large_demo"] = json.loads(stamp.read_text())
    RESULTS.write_text(json.dumps(report, indent=2, default=str))
    print(f"\nwritten to {RESULTS.name}", file=sys.stderr)
    return 0 if all(r.ok for r in results) else 1


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (OSError, AttributeError):
        return None


if __name__ == "__main__":
    sys.exit(main())
