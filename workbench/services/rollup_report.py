"""A rollup as tables — for the CLI's text, and for ``--out`` files (XLSX, CSV, JSON).

Every output holds the same numbers as :meth:`Rollup.as_dict`: one row per rep plus
the team, pipeline by stage, conversion by kind and source, touches per week, what
changed, and the files that were loaded or rejected.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.exchange.atomic import atomic_output
from workbench.exchange.csv_safe import write_csv
from workbench.exchange.xlsx_tables import SheetTable, write_xlsx_tables
from workbench.services.rollup import RepFigures, Rollup
from workbench.services.rollup_changes import latest_changes

OUT_FORMATS = (".xlsx", ".csv", ".json")


@dataclass(frozen=True, slots=True)
class ReportTable:
    name: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    #: Per column: "", "int", "money", "percent", "hours", "date", "datetime".
    formats: tuple[str, ...] = ()


def _everyone(rollup: Rollup) -> list[RepFigures]:
    team = rollup.team
    return [*rollup.reps, *([team] if team is not None else [])]


def rollup_tables(rollup: Rollup) -> list[ReportTable]:
    people = _everyone(rollup)
    reps = ReportTable(
        "Reps",
        (
            "Rep",
            "Exported at",
            "Leads",
            "Open deals",
            "Open pipeline",
            "Weighted",
            "Won",
            "Won amount",
            "Lost",
            "Lost amount",
            "Touches",
            "Speed to lead (median h)",
            "Stale deals",
            "Stale amount",
            "Currencies",
        ),
        [
            (
                f.rep,
                f.exported_at,
                f.leads,
                f.open_count,
                f.open_amount,
                f.weighted_amount,
                f.won_count,
                f.won_amount,
                f.lost_count,
                f.lost_amount,
                f.touches,
                f.speed_median_hours,
                f.stale_count,
                f.stale_amount,
                ", ".join(sorted(f.currencies)),
            )
            for f in people
        ],
        (
            "",
            "datetime",
            "int",
            "int",
            "money",
            "money",
            "int",
            "money",
            "int",
            "money",
            "int",
            "hours",
            "int",
            "money",
            "",
        ),
    )
    stages = ReportTable(
        "Pipeline by stage",
        ("Rep", "Stage", "Open deals", "Amount", "Weighted"),
        [(f.rep, s.stage, s.count, s.amount, s.weighted) for f in people for s in f.stages],
        ("", "", "int", "money", "money"),
    )
    conversion = ReportTable(
        "Conversion",
        ("Rep", "By", "Group", "Leads", "Opportunities", "Won", "Lead → opportunity", "Opportunity → won"),
        [
            (f.rep, by, name, c.leads, c.opportunities, c.won, c.lead_to_opportunity, c.opportunity_to_won)
            for f in people
            for by, groups in (("kind", f.by_kind), ("source", f.by_source))
            for name, c in sorted(groups.items())
        ],
        ("", "", "", "int", "int", "int", "percent", "percent"),
    )
    weeks = ReportTable(
        "Touches per week",
        ("Rep", "Week of", "Touches"),
        [(f.rep, week, n) for f in people for week, n in f.touches_per_week.items()],
        ("", "date", "int"),
    )
    changes = ReportTable(
        "What changed",
        ("Rep", "Older file", "Newer file", "Change", "Opportunity", "Account", "Before", "After"),
        [
            (c.rep, c.older.name, c.newer.name, str(ch.kind), ch.opportunity, ch.account, ch.before, ch.after)
            for c in latest_changes(rollup)
            for ch in c.changes
        ],
    )
    files = ReportTable(
        "Files",
        ("File", "Status", "Rep", "Exported at", "Reason"),
        [(str(f.path), "loaded", f.rep, f.exported_at, "") for f in rollup.files]
        + [(str(r.path), "rejected", "", None, r.reason) for r in rollup.rejected],
        ("", "", "", "datetime", ""),
    )
    return [reps, stages, conversion, weeks, changes, files]


def _long_rows(tables: list[ReportTable]) -> Iterator[tuple[Any, ...]]:
    """Every figure as one row of (table, rep, group, measure, value): one CSV holds them all."""
    for t in tables:
        for row in t.rows:
            rep = row[0]
            group = " / ".join(str(v) for v in row[1:] if not isinstance(v, int | float) and v is not None)
            for column, value in zip(t.columns[1:], row[1:], strict=True):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    yield (t.name, rep, group, column, value)


def write_rollup(rollup: Rollup, path: Path) -> None:
    """Write the rollup to ``path``: ``.xlsx`` (a sheet per table), ``.csv`` (long form) or ``.json``."""
    suffix = path.suffix.lower()
    if suffix not in OUT_FORMATS:
        raise ValueError(f"“{path.name}”: a rollup is written as .xlsx, .csv or .json")
    if suffix == ".json":
        with atomic_output(path) as tmp:
            tmp.write_text(json.dumps(rollup.as_dict(), ensure_ascii=False, indent=1) + "\n", "utf-8")
        return
    tables = rollup_tables(rollup)
    if suffix == ".csv":
        write_csv(path, ("Table", "Rep", "Group", "Measure", "Value"), _long_rows(tables))
        return
    write_xlsx_tables(path, [SheetTable(t.name, t.columns, t.rows, t.formats) for t in tables])


def rollup_text(rollup: Rollup) -> str:
    """A short plain-text rollup for a terminal."""
    lines = []
    for f in _everyone(rollup):
        speed = "—" if f.speed_median_hours is None else f"{f.speed_median_hours:.1f} h"
        lines.append(
            f"{f.rep}: {f.open_count} open deals, pipeline {f.open_amount:,.0f} "
            f"(weighted {f.weighted_amount:,.0f}); "
            f"won {f.won_count} ({f.won_amount:,.0f}), lost {f.lost_count}; {f.touches} touches; "
            f"speed to lead {speed}; {f.stale_count} stale"
        )
    for c in latest_changes(rollup):
        counts = ", ".join(f"{n} {kind}" for kind, n in c.counts().items() if n)
        lines.append(f"{c.rep} since {c.older_at:%Y-%m-%d}: {counts or 'no changes'}")
    return "\n".join(lines)
