"""P3: the leads table on a million leads — first page, type-to-filter, chips, sort, end.

Each step is what the leads area asks the table source for when the rep acts: a count
and the 200-row page the view shows (``SqlTableSource.count`` + ``fetch``). Keystrokes
are growing prefixes of real names and companies from the file. The floor is the
plainest way to the same screenful: raw ``sqlite3`` counting the live leads and reading
the newest 200.

Run alone: ``python -m tests.perf.bench_leads --db LARGE.db``.
"""

from __future__ import annotations

import argparse
import random
import resource
import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.perf.bench_lookup import _large_file, _p95, _result

FIRST_PAGE_MS = 150.0
KEYSTROKE_P95_MS = 100.0
SORT_MS = 300.0
END_MS = 100.0
MEMORY_MB = 300.0
PAGE = 200


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def typed_prefixes(db: Path, samples: int = 12, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        top = conn.execute("SELECT max(id) FROM lead").fetchone()[0] or 1
        words: list[str] = []
        for _ in range(samples):
            row = conn.execute(
                "SELECT name, company FROM lead WHERE id >= ? ORDER BY id LIMIT 1", (rng.randint(1, top),)
            ).fetchone()
            if row:
                words.append(rng.choice([v for v in row if v] or ["a"]))
    finally:
        conn.close()
    prefixes: list[str] = []
    for word in words:
        prefixes.extend(word[:n] for n in range(2, min(len(word), 8) + 1))
    return prefixes


def floor_ms(db: Path, repeats: int = 5) -> float:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:

        def screenful() -> None:
            conn.execute("SELECT count(*) FROM lead WHERE deleted_at IS NULL").fetchone()
            conn.execute(
                "SELECT * FROM lead WHERE deleted_at IS NULL ORDER BY received_at DESC, id DESC LIMIT 200"
            ).fetchall()

        return statistics.median(_timed(screenful) for _ in range(repeats))
    finally:
        conn.close()


def measure(db: Path) -> dict[str, Any]:
    from workbench.services.leads.table import lead_table
    from workbench.services.tables import TableQuery
    from workbench.store import open_workbench

    wb = open_workbench(db)
    try:
        source = lead_table(wb)

        def show(query: TableQuery, offset: int = 0) -> None:
            total = source.count(query)
            source.fetch(query, offset if offset >= 0 else max(total - PAGE, 0), PAGE, total)

        first = [_timed(lambda: show(TableQuery())) for _ in range(5)]
        keys = [_timed(lambda t=text: show(TableQuery(text=t))) for text in typed_prefixes(db)]
        chips = {
            name: _timed(lambda c=chip: show(TableQuery(chips=c)))
            for name, chip in (
                ("new", {"status": ["new"]}),
                ("new+working", {"status": ["new", "working"]}),
                ("target", {"kind": ["target"]}),
                ("webinar", {"source": ["webinar"]}),
                ("stale", {"stale": True}),
                ("untouched", {"untouched": True}),
                ("revisit", {"revisit": True}),
                ("new+inbound+webinar", {"status": ["new"], "kind": ["inbound"], "source": ["webinar"]}),
            )
        }
        sorts = [
            _timed(lambda k=key, d=desc: show(TableQuery(sort_key=k, descending=d)))
            for key, desc in (("name", False), ("company", True), ("speed", False), ("last_touch", True))
        ]
        ends = [_timed(lambda: show(TableQuery(), -1)) for _ in range(5)]
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    finally:
        wb.close()
    return {"first": first, "keys": keys, "chips": chips, "sorts": sorts, "ends": ends, "rss_mb": rss_mb}


def results(db: Path) -> list[Any]:
    floor = floor_ms(db)
    m = measure(db)
    chip_times = list(m["chips"].values())
    return [
        _result(
            "P3 leads: first page",
            median_ms=statistics.median(m["first"]),
            p95_ms=_p95(m["first"]),
            floor_ms=floor,
            target=f"≤ {FIRST_PAGE_MS:.0f} ms",
            ok=statistics.median(m["first"]) <= FIRST_PAGE_MS,
        ),
        _result(
            "P3 leads: filter keystroke",
            median_ms=statistics.median(m["keys"]),
            p95_ms=_p95(m["keys"]),
            floor_ms=floor,
            target=f"p95 ≤ {KEYSTROKE_P95_MS:.0f} ms",
            ok=_p95(m["keys"]) <= KEYSTROKE_P95_MS,
            extra={"keystrokes": len(m["keys"])},
        ),
        _result(
            "P3 leads: chip filter",
            median_ms=statistics.median(chip_times),
            p95_ms=max(chip_times),
            floor_ms=floor,
            target=f"≤ {KEYSTROKE_P95_MS:.0f} ms",
            ok=max(chip_times) <= KEYSTROKE_P95_MS,
            extra={name: round(ms, 1) for name, ms in m["chips"].items()},
        ),
        _result(
            "P3 leads: sort by a column",
            median_ms=statistics.median(m["sorts"]),
            p95_ms=max(m["sorts"]),
            floor_ms=floor,
            target=f"≤ {SORT_MS:.0f} ms",
            ok=max(m["sorts"]) <= SORT_MS,
        ),
        _result(
            "P3 leads: jump to the end",
            median_ms=statistics.median(m["ends"]),
            p95_ms=_p95(m["ends"]),
            floor_ms=floor,
            target=f"≤ {END_MS:.0f} ms",
            ok=statistics.median(m["ends"]) <= END_MS,
            extra={"peak_rss_mb": round(m["rss_mb"]), "memory_ok": m["rss_mb"] <= MEMORY_MB},
        ),
    ]


def run(ctx: Any) -> list[Any]:
    """The harness's entry point: P3 results on the large demo workbench of ``ctx``."""
    return results(_large_file(ctx))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", required=True, type=Path, help="the large demo workbench")
    args = parser.parse_args()
    for r in results(args.db):
        floor = f"  floor {r.floor_ms:.2f} ms  ratio {r.median_ms / r.floor_ms:.1f}×" if r.floor_ms else ""
        print(f"{r.name}: median {r.median_ms:.2f} ms  p95 {r.p95_ms:.2f} ms{floor}  [{r.target}] {r.extra}")


if __name__ == "__main__":
    main()
