"""P4 for global search (Ctrl+K): one keystroke = records through the shared lookup
(leads, contacts, accounts, opportunities) plus the menu commands ranked with rapidfuzz,
merged into one list — ≤ 30 ms p95 on the large demo workbench.

The keystrokes are the type-ahead benchmark's (growing prefixes of real names,
companies, emails and phones, and a few typos) plus commands typed letter by letter
("log call", "export pipeline"…). The command list is as long as the app's menus
(about seventy entries). The floor is the type-ahead benchmark's: one raw ``sqlite3``
FTS5 prefix query on the leads index for the same keystrokes.

Run alone: ``python -m tests.perf.bench_search --db LARGE.db``.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path
from typing import Any

from tests.perf.bench_lookup import _large_file, _p95, _timed, floor_ms, keystrokes
from tests.perf.harness import Result

KEYSTROKE_TARGET_MS = 30.0
TYPED_COMMANDS = ("log call", "new lead", "import leads", "export pipeline", "back up now", "settings")


def commands() -> Any:
    """As many commands as the menus hold, with the words the app gives them."""
    from workbench.services.search.global_search import Command, CommandIndex
    from workbench.ui.search.actions import KEYWORDS

    found = [
        Command(f"menu:{n}", title, "File", "Ctrl+X", words)
        for n, (title, words) in enumerate(KEYWORDS.items())
    ]
    filler = [
        "Mark working",
        "Nurture until",
        "Mark qualified",
        "Disqualify",
        "Back to new",
        "Link to account",
    ]
    filler += ["Move to trash", "Filter leads", "Table view", "Board view", "Move to next stage", "Reopen"]
    filler += [
        "Move to previous stage",
        "Mark won",
        "Mark lost",
        "Open details",
        "Edit account",
        "Add contact",
    ]
    filler += ["Park or unpark", "Tier A", "Tier B", "Tier C", "No tier", "Fit × engagement view", "Today"]
    filler += ["Targets", "Leads", "Pipeline", "Insights", "Manager", "Refresh Insights", "Undo", "Redo"]
    filler += ["Check file", "Keyboard shortcuts", "About Prospecting Workbench", "Quit", "Open workbench"]
    found += [Command(f"extra:{n}", title, "Leads") for n, title in enumerate(filler)]
    return CommandIndex(found)


def measure(db: Path) -> dict[str, Any]:
    from workbench.services.search.global_search import search_everything
    from workbench.services.search.lookup import Lookup
    from workbench.store import open_workbench

    typed = keystrokes(db)
    for text in TYPED_COMMANDS:
        typed.extend(text[: n + 1] for n in range(len(text)))
    index = commands()
    wb = open_workbench(db, create=False, readonly=True)
    try:
        lookup = Lookup(wb)
        lookup.warm()
        search_everything(lookup, index, "warm up the caches")
        times = [_timed(lambda t=text: search_everything(lookup, index, t, 12)) for text in typed]
        command_only = [_timed(lambda t=text: index.rank(t)) for text in typed]
        lookup.close()
    finally:
        wb.close()
    return {"keystrokes": times, "commands": command_only, "floor": floor_ms(db, typed), "typed": len(typed)}


def results(db: Path) -> list[Result]:
    m = measure(db)
    keys, floor = m["keystrokes"], m["floor"]
    p95 = _p95(keys)
    return [
        Result(
            "P4 global search keystroke (records + ~70 commands)",
            median_ms=statistics.median(keys),
            p95_ms=p95,
            floor_ms=statistics.median(floor) if floor else None,
            target=f"p95 ≤ {KEYSTROKE_TARGET_MS:.0f} ms",
            ok=p95 <= KEYSTROKE_TARGET_MS,
            extra={
                "keystrokes": len(keys),
                "commands_median_ms": round(statistics.median(m["commands"]), 3),
                "commands_p95_ms": round(_p95(m["commands"]), 3),
                "floor_p95_ms": _p95(floor) if floor else None,
            },
        )
    ]


def run(ctx: Any) -> list[Result]:
    """The harness's entry point: the global search figure on the large demo of ``ctx``."""
    return results(_large_file(ctx))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", required=True, type=Path, help="the large demo workbench")
    args = parser.parse_args()
    for r in results(args.db):
        ratio = f"  floor {r.floor_ms:.2f} ms  ratio {r.median_ms / r.floor_ms:.1f}×" if r.floor_ms else ""
        print(f"{r.name}: median {r.median_ms:.2f} ms  p95 {r.p95_ms:.2f} ms{ratio}  [{r.target}] {r.extra}")


if __name__ == "__main__":
    main()
