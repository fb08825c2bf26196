"""P4: quick-log / global-search type-ahead ≤ 30 ms p95 per keystroke, saving an
activity ≤ 20 ms — on the large demo workbench.

Keystrokes are real prefixes of real records ("a", "an", "ana", "ana ", "ana l"…) of
names, companies, emails and phones picked from the file, plus a few with typos. The
floor is the plainest way to get *something* for the same keystrokes: one raw
``sqlite3`` FTS5 prefix query on the leads index, nothing ranked, nothing else
searched. Saving is measured as the quick log does it (activity, follow-up, touch
columns) in a transaction that is rolled back, so the demo file is not changed; its
floor is the same rows written with raw ``sqlite3`` and rolled back too.

Run alone: ``python -m tests.perf.bench_lookup --db LARGE.db``.
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.perf.harness import Result

KEYSTROKE_TARGET_MS = 30.0
SAVE_TARGET_MS = 20.0
SAMPLES = 24  # records whose names are typed letter by letter


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def keystrokes(db: Path, seed: int = 5) -> list[str]:
    """What a rep types: growing prefixes of real names, companies, emails and phones."""
    rng = random.Random(seed)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        top = conn.execute("SELECT max(id) FROM lead").fetchone()[0] or 0
        picks: list[str] = []
        for table, columns in (
            ("lead", "name, company, email, phone"),
            ("contact", "name, '', email, phone"),
            ("account", "name, '', domain, ''"),
        ):
            high = conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0] or 0
            for _ in range(SAMPLES // 3):
                row = conn.execute(
                    f"SELECT {columns} FROM {table} WHERE id >= ? ORDER BY id LIMIT 1",
                    (rng.randint(1, max(high, 1)),),
                ).fetchone()
                if row:
                    name, company, email, phone = row
                    picks.append(rng.choice([v for v in (name, company, email, phone) if v] or [name]))
        assert top >= 0
    finally:
        conn.close()
    typed: list[str] = []
    for text in picks:
        text = text[:18]
        typed.extend(text[: n + 1] for n in range(len(text)))
    typos = ["schmit", "jonh smi", "mulller", "garcai", "andersn"]
    for word in typos:
        typed.extend(word[: n + 1] for n in range(len(word)))
    return typed


def floor_ms(db: Path, typed: list[str]) -> list[float]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    times = []
    try:
        for text in typed:
            words = re.findall(r"\w+", text.casefold())
            words = [w for w in words if len(w) >= 2]
            if not words:
                continue
            query = " AND ".join(f'"{w}"*' for w in words)
            times.append(
                _timed(
                    lambda q=query: conn.execute(
                        "SELECT rowid FROM lead_fts WHERE lead_fts MATCH ? ORDER BY rowid DESC LIMIT 10", (q,)
                    ).fetchall()
                )
            )
    finally:
        conn.close()
    return times


def measure(db: Path) -> dict[str, Any]:
    from sqlmodel import Session

    from workbench.services.outreach.log import LogEntry, log_in
    from workbench.services.search.lookup import Lookup
    from workbench.store import open_workbench

    typed = keystrokes(db)
    wb = open_workbench(db, create=False, readonly=True)
    try:
        lookup = Lookup(wb)
        warm_ms = _timed(lookup.warm)
        lookup.search("warm up the caches")
        times = []
        for text in typed:
            times.append(_timed(lambda t=text: lookup.search(t, 10)))
        picked = lookup.search(typed[len(typed) // 2], 1) or lookup.search("an", 1)
        lookup.close()
    finally:
        wb.close()
    floors = floor_ms(db, typed)
    saves = []
    wb = open_workbench(db, create=False)  # writer: the save path takes the same locks as the app
    try:
        now = datetime.now(UTC)
        target = picked[0].ref if picked else None
        for _ in range(100):
            entry = LogEntry(
                "call",
                "no answer",
                note="bench",
                target=target,
                next_title="Call again",
                next_due=now + timedelta(days=1),
            )
            with Session(wb.engine) as session:
                saves.append(_timed(lambda s=session, e=entry: (log_in(s, e, now), s.flush())))
                session.rollback()
    finally:
        wb.close()
    save_floor = save_floor_ms(db, target.id if target is not None and target.kind == "lead" else None)
    return {
        "keystrokes": times,
        "floor": floors,
        "saves": saves,
        "save_floor": save_floor,
        "warm_ms": warm_ms,
        "typed": len(typed),
    }


def save_floor_ms(db: Path, lead_id: int | None, rounds: int = 100) -> list[float]:
    """The same rows written the plainest way: two INSERTs and an UPDATE in raw sqlite3."""
    conn = sqlite3.connect(db, isolation_level=None)
    now = datetime.now(UTC).isoformat(sep=" ")
    due = (datetime.now(UTC) + timedelta(days=1)).isoformat(sep=" ")
    times = []
    try:
        for n in range(rounds):

            def write(n: int = n) -> None:
                conn.execute("BEGIN")
                cur = conn.execute(
                    "INSERT INTO activity (uuid, created_at, updated_at, owner, channel, outcome, at, note, "
                    "lead_id) VALUES (?, ?, ?, '', 'call', 'no answer', ?, 'bench', ?)",
                    (f"bench-{n}", now, now, now, lead_id),
                )
                conn.execute(
                    "INSERT INTO follow_up (uuid, created_at, updated_at, owner, title, due_at, lead_id, "
                    "activity_id) VALUES (?, ?, ?, '', 'Call again', ?, ?, ?)",
                    (f"bench-f-{n}", now, now, due, lead_id, cur.lastrowid),
                )
                conn.execute(
                    "UPDATE lead SET last_touch_at = ?, next_followup_at = ? WHERE id = ?",
                    (now, due, lead_id),
                )

            times.append(_timed(write))
            conn.execute("ROLLBACK")
    finally:
        conn.close()
    return times


def _result(name: str, **values: Any) -> Result:
    """A harness :class:`Result` (other benchmark modules share this helper)."""
    return Result(name, **values)


def results(db: Path) -> list[Result]:
    m = measure(db)
    keys, floor, saves = m["keystrokes"], m["floor"], m["saves"]
    key_p95 = _p95(keys)
    return [
        _result(
            "P4 type-ahead keystroke (leads+contacts+accounts+opportunities)",
            median_ms=statistics.median(keys),
            p95_ms=key_p95,
            floor_ms=statistics.median(floor) if floor else None,
            target=f"p95 ≤ {KEYSTROKE_TARGET_MS:.0f} ms",
            ok=key_p95 <= KEYSTROKE_TARGET_MS,
            extra={
                "keystrokes": len(keys),
                "index_build_ms": round(m["warm_ms"]),
                "floor_p95_ms": _p95(floor),
            },
        ),
        _result(
            "P4 save an activity (quick log)",
            median_ms=statistics.median(saves),
            p95_ms=_p95(saves),
            floor_ms=statistics.median(m["save_floor"]),
            target=f"≤ {SAVE_TARGET_MS:.0f} ms",
            ok=_p95(saves) <= SAVE_TARGET_MS,
            extra={"saves": len(saves), "floor_p95_ms": _p95(m["save_floor"])},
        ),
    ]


def _large_file(ctx: Any) -> Path:
    for name in ("large_db", "large", "large_path", "db"):
        value = getattr(ctx, name, None)
        if callable(value):
            value = value()
        if value:
            return Path(value)
    if isinstance(ctx, (str, Path)):
        return Path(ctx)
    raise ValueError("the benchmark context names no large demo workbench")


def run(ctx: Any) -> list[Result]:
    """The harness's entry point: P4 results on the large demo workbench of ``ctx``."""
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
