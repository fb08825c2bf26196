"""Team mode: the P3/P4/P5 queries on a team database of 50 reps × the small demo, timed
as each rep (row-level security on) and as the manager (every rep's rows), and the
manager's live rollup of the 50 reps (target ≤ 2 s).

Set-up, each run: a throwaway PostgreSQL cluster on loopback (the test suite's), 50
small demos with different seeds (one rep's year each: ~400 leads, ~1,500 activities,
~40 opportunities), the team's roles and policies, 50 pushes, ANALYZE. Reps are
sampled (every tenth) for the per-query figures; the rollup reads all 50.

Each step's floor is the very SQL it ran — captured from SQLAlchemy — replayed on a raw
psycopg connection of the same login (so the policies apply to the floor as well): the
ratio is the cost of everything that is not PostgreSQL.

Run alone: ``python -m tests.perf.bench_team``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from tests.perf.harness import Context, Result, median, p95, timed_ms

REPS = 50
SAMPLED_REPS = range(0, REPS, 10)
ANCHOR = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ROLLUP_S = 2.0
TARGETS_MS = {"first": 150.0, "keys": 100.0, "sort": 300.0, "end": 100.0, "search": 30.0, "save": 20.0}
INSIGHTS_MS = 500.0
PAGE = 200


class Recorder:
    """The statements one step ran, to replay them as its floor."""

    def __init__(self) -> None:
        self.on = False
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if self.on:
            self.statements.append((statement, parameters))

    def step(self, fn: Callable[[], object]) -> tuple[float, list[tuple[str, Any]]]:
        self.statements = []
        self.on = True
        try:
            ms = timed_ms(fn)
        finally:
            self.on = False
        return ms, list(self.statements)


def _build_demo(args: tuple[Path, int, str]) -> Path:
    from workbench.services.demo import DemoOptions, build_demo

    path, seed, name = args
    build_demo(path, DemoOptions(size="small", seed=seed, rep_name=name, anchor=ANCHOR))
    return path


def rep_name(i: int) -> str:
    return f"Bench Rep {i:02d}"


def build_team(cluster: Any, folder: Path) -> dict[str, Any]:
    """The team database: 50 reps' demos pushed, a manager, statistics gathered."""
    from workbench.services.team import members as team
    from workbench.services.team import sync as team_sync
    from workbench.store import open_workbench

    started = time.perf_counter()
    jobs = [(folder / f"rep{i:02d}.db", 100 + i, rep_name(i)) for i in range(REPS)]
    with ProcessPoolExecutor(
        max_workers=min(2, os.cpu_count() or 1), mp_context=get_context("spawn")
    ) as pool:
        files = list(pool.map(_build_demo, jobs))
    built = time.perf_counter() - started
    cluster.create_database("team")
    logins: dict[str, str] = {}
    with open_workbench(cluster.url("team")) as admin:
        team.init_team(admin)
        for i, path in enumerate(files):
            new = team.add_member(admin, rep_name(i))
            logins[new.member.name] = cluster.url("team", user=new.member.role, password=new.password)
            team_sync.push(path, admin, new.member.name)
        boss = team.add_member(admin, "Bench Manager", manager=True)
        logins["manager"] = cluster.url("team", user=boss.member.role, password=boss.password)
        with admin.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            counts = {
                t: int(conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one())
                for t in ("lead", "activity", "opportunity", "account")
            }
    return {
        "logins": logins,
        "counts": counts,
        "build_demos_s": round(built, 1),
        "setup_s": round(time.perf_counter() - started, 1),
    }


def typed_prefixes(wb: Any, samples: int = 6) -> list[str]:
    from sqlalchemy import select

    from workbench.domain import Lead

    with wb.reading() as s:
        names = s.execute(
            select(Lead.last_name).where(Lead.last_name != "").order_by(Lead.id).limit(samples)
        ).all()
    words = [str(n[0]) for n in names] or ["anna"]
    return [w[:n].lower() for w in words for n in range(2, min(len(w), 6) + 1)]


def measure_login(url: str, *, may_write: bool, repeats: int) -> dict[str, list[tuple[float, float]]]:
    """Every step of P3, P4 and P5 as one login: (ms, floor ms) per sample."""
    import psycopg
    from sqlalchemy import event, select
    from sqlalchemy.engine import make_url

    from workbench.domain import Lead
    from workbench.services.clock import fixed_clock
    from workbench.services.insights.stats import compute_stats
    from workbench.services.leads.table import lead_table
    from workbench.services.outreach import log as outreach
    from workbench.services.records import RecordKind, RecordRef
    from workbench.services.search.lookup import Lookup
    from workbench.services.tables import TableQuery
    from workbench.store import open_workbench

    steps: dict[str, list[tuple[float, float]]] = {
        k: [] for k in ("first", "keys", "sort", "end", "search", "save", "insights")
    }
    parts = make_url(url)
    raw = psycopg.connect(
        host=parts.host, port=parts.port, dbname=parts.database, user=parts.username, password=parts.password
    )
    raw.autocommit = True
    wb = open_workbench(url)
    recorder = Recorder()
    event.listen(wb.engine, "before_cursor_execute", recorder)
    clock = fixed_clock(ANCHOR)

    def replay(statements: list[tuple[str, Any]]) -> float:
        def run() -> None:
            for statement, parameters in statements:
                head = statement.lstrip()[:10].upper()
                if head.startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
                    continue
                cur = raw.execute(statement.encode(), parameters or None)
                if cur.description is not None:
                    cur.fetchall()

        return timed_ms(run)

    def measure(kind: str, fn: Callable[[], object], *, floor: bool = True) -> None:
        ms, statements = recorder.step(fn)
        steps[kind].append((ms, replay(statements) if floor else float("nan")))

    lookup: Lookup | None = None
    try:
        source = lead_table(wb, clock)

        def page(query: TableQuery, offset: int = 0) -> None:
            total = source.count(query)
            source.fetch(query, max(0, min(offset, total - PAGE)), PAGE, total)

        page(TableQuery())  # warm the pool and caches
        for _ in range(repeats):
            measure("first", lambda: page(TableQuery()))
        prefixes = typed_prefixes(wb)
        for text in prefixes:
            measure("keys", lambda t=text: page(TableQuery(text=t)))
        for key, descending in (
            ("name", False),
            ("company", True),
            ("received", False),
            ("last_touch", True),
        ):
            query = TableQuery(sort_key=key, descending=descending)
            measure("sort", lambda q=query: page(q))
            measure("end", lambda q=query: page(q, 10**9))

        lookup = Lookup(wb)
        lookup.warm()
        for text in prefixes:
            # The floor is the SQL alone (the candidates' details): on a team database
            # every kind, leads too, is matched in the in-memory index, which issues none.
            measure("search", lambda t=text: lookup.search(t))
        if may_write:
            with wb.reading() as s:
                lead_ids = [
                    int(i) for i in s.execute(select(Lead.id).order_by(Lead.id).limit(repeats * 3)).scalars()
                ]
            for lead_id in lead_ids:
                target = RecordRef(RecordKind.LEAD, lead_id)
                entry = outreach.LogEntry(channel="call", outcome="no answer", note="bench", target=target)
                measure("save", lambda e=entry: outreach.log_activity(wb, e, now=ANCHOR), floor=False)
        for _ in range(max(3, repeats // 2)):
            measure("insights", lambda: compute_stats(wb, clock=clock, tz=UTC, parallel=False))
    finally:
        if lookup is not None:
            lookup.close()
        wb.close()
        raw.close()
    return steps


def run(ctx: Context) -> list[Result]:
    from tests.support.postgres_cluster import find_binaries, missing_reason, remove_cluster, start_cluster

    if find_binaries() is None:
        return [Result("TEAM skipped: " + missing_reason(), float("nan"), ok=True)]
    cluster = start_cluster()
    try:
        team = build_team(cluster, ctx.scratch)
        logins: dict[str, str] = team["logins"]
        per_role: dict[str, dict[str, list[tuple[float, float]]]] = {"rep": {}, "manager": {}}
        for i in SAMPLED_REPS:
            for kind, samples in measure_login(
                logins[rep_name(i)], may_write=True, repeats=ctx.repeats
            ).items():
                per_role["rep"].setdefault(kind, []).extend(samples)
        per_role["manager"] = measure_login(logins["manager"], may_write=False, repeats=ctx.repeats)
        rollup_ms, reps = rollup_times(logins["manager"], ctx.repeats)
    finally:
        remove_cluster(cluster)

    extra = {k: team[k] for k in ("counts", "build_demos_s", "setup_s")}
    results: list[Result] = []
    names = {
        "first": ("P3", "leads table: first page", False),
        "keys": ("P3", "leads table: filter keystroke", True),
        "sort": ("P3", "leads table: sort by a column", True),
        "end": ("P3", "leads table: jump to the end", True),
        "search": ("P4", "type-ahead keystroke", True),
        "save": ("P4", "saving an activity", False),
        "insights": ("P5", "every Insights section (all time)", False),
    }
    for role, label in (("rep", "as a rep (RLS)"), ("manager", "as the manager (50 reps)")):
        for kind, (target_id, what, use_p95) in names.items():
            samples = per_role[role].get(kind) or []
            if not samples:
                continue
            figures = [ms for ms, _ in samples]
            floors = [f for _, f in samples if f == f]
            limit = INSIGHTS_MS if kind == "insights" else TARGETS_MS[kind]
            figure = p95(figures) if use_p95 else median(figures)
            results.append(
                Result(
                    f"{target_id} team {what}, {label}",
                    median_ms=median(figures),
                    p95_ms=p95(figures),
                    floor_ms=median(floors) if floors else None,
                    target=f"{'p95 ' if use_p95 else ''}≤ {limit:.0f} ms",
                    ok=figure <= limit,
                    extra={"samples": len(figures), "worst_ms": round(max(figures), 1), **extra},
                )
            )
    results.append(
        Result(
            f"TEAM manager rollup of {reps} reps, live in SQL",
            median_ms=median(rollup_ms),
            p95_ms=p95(rollup_ms),
            target=f"≤ {ROLLUP_S * 1000:.0f} ms",
            ok=median(rollup_ms) <= ROLLUP_S * 1000,
            extra={"samples": len(rollup_ms), **extra},
        )
    )
    return results


def rollup_times(url: str, repeats: int) -> tuple[list[float], int]:
    from workbench.services.clock import fixed_clock
    from workbench.services.manager.team_rollup import live_rollup
    from workbench.store import open_workbench

    with open_workbench(url) as wb:
        rollup = live_rollup(wb, clock=fixed_clock(ANCHOR))  # warm
        times = [timed_ms(lambda: live_rollup(wb, clock=fixed_clock(ANCHOR))) for _ in range(repeats)]
    return times, len(rollup.reps)


def main() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        ctx = Context(large_db=Path(folder) / "unused.db", scratch=Path(folder), repo=Path.cwd(), repeats=5)
        for r in run(ctx):
            floor = f"  floor {r.floor_ms:.1f} ms" if r.floor_ms else ""
            p95_ms = r.p95_ms or 0.0
            print(f"{r.name}: median {r.median_ms:.1f} ms  p95 {p95_ms:.1f} ms{floor}  [{r.target}] {r.ok}")


if __name__ == "__main__":
    main()
