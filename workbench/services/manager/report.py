"""A rollup as tables — for the CLI's text, and for ``--out`` files (XLSX, CSV, JSON).

Every output holds the same numbers as :meth:`Rollup.as_dict`: one row per rep plus
the team, pipeline by stage, conversion by kind and source, touches per week, the
reps' sequences side by side, what changed, and the files that were loaded or rejected.
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
from workbench.services.manager.changes import latest_changes
from workbench.services.manager.rollup import MIN_GROUP, RepFigures, Rollup, SequenceFigures
from workbench.services.plurals import counted

OUT_FORMATS = (".xlsx", ".csv", ".json")


@dataclass(frozen=True, slots=True)
class ReportTable:
    name: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    #: Per column: "", "int", "money", "percent", "hours", "date", "datetime".
    formats: tuple[str, ...] = ()
    #: Leading columns that name a row: the rep, and (when 2) the group within the rep.
    keys: int = 1


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
        keys=2,
    )
    conversions = [
        ReportTable(
            f"Conversion by {by}",
            (
                "Rep",
                by.capitalize(),
                "Leads",
                "Opportunities",
                "Won",
                "Lead → opportunity",
                "Opportunity → won",
            ),
            [
                (f.rep, name, c.leads, c.opportunities, c.won, c.lead_to_opportunity, c.opportunity_to_won)
                for f in people
                for name, c in sorted((f.by_kind if by == "kind" else f.by_source).items())
            ],
            ("", "", "int", "int", "int", "percent", "percent"),
            keys=2,
        )
        for by in ("kind", "source")
    ]
    weeks = ReportTable(
        "Touches per week",
        ("Rep", "Week of", "Touches"),
        [(f.rep, week, n) for f in people for week, n in f.touches_per_week.items()],
        ("", "date", "int"),
        keys=2,
    )
    sequences = ReportTable(
        "Sequences",
        (
            "Sequence",
            "Rep",
            "Enrolled",
            "Active",
            "Finished",
            "Stopped by reply",
            "Stopped by meeting",
            "Stopped as not interested",
            "Opportunities",
            "Won",
            "Reply or meeting rate",
            "Meeting rate",
            "Opportunity rate",
            "Won rate",
            f"At least {MIN_GROUP} enrolled",
        ),
        [
            _sequence_row(c.name, rep, f)
            for c in rollup.sequence_comparison()
            for rep, f in [*c.reps, ("Team", c.team)]
        ],
        (
            "",
            "",
            "int",
            "int",
            "int",
            "int",
            "int",
            "int",
            "int",
            "int",
            "percent",
            "percent",
            "percent",
            "percent",
            "",
        ),
        keys=2,
    )
    changes = ReportTable(
        "What changed",
        ("Rep", "Opportunity", "Change", "Account", "Before", "After", "Older file", "Newer file"),
        [
            (c.rep, ch.opportunity, str(ch.kind), ch.account, ch.before, ch.after, c.older.name, c.newer.name)
            for c in latest_changes(rollup.histories())
            for ch in c.changes
        ],
        keys=2,
    )
    files = ReportTable(
        "Files",
        ("Rep", "File", "Status", "Exported at", "Reason"),
        [(f.rep, str(f.path), "loaded", f.exported_at, "") for f in rollup.files]
        + [("", str(r.path), "rejected", None, r.reason) for r in rollup.rejected],
        ("", "", "", "datetime", ""),
        keys=2,
    )
    return [reps, stages, *conversions, weeks, sequences, changes, files]


def _sequence_row(name: str, rep: str, f: SequenceFigures) -> tuple[Any, ...]:
    r = f.rates()
    return (
        name,
        rep,
        f.enrolled,
        f.active,
        f.finished,
        f.replied,
        f.meeting_booked,
        f.not_interested,
        f.opportunities,
        f.won,
        r["reply_rate"],
        r["meeting_rate"],
        r["opportunity_rate"],
        r["won_rate"],
        "yes" if f.meaningful else "no",
    )


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f} %"


def _ci(bounds: list[float] | None) -> str:
    return "" if bounds is None else f" [{bounds[0] * 100:.0f}–{bounds[1] * 100:.0f} %]"


def _long_rows(tables: list[ReportTable]) -> Iterator[tuple[Any, ...]]:
    """Every figure as one row of (table, rep, group, measure, value): one CSV holds them all."""
    for t in tables:
        for row in t.rows:
            group = row[1] if t.keys == 2 else ""
            for column, value in zip(t.columns[t.keys :], row[t.keys :], strict=True):
                if value is not None and value != "":
                    yield (t.name, row[0], group, column, value)


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
            f"{f.rep}: {counted(f.open_count, 'open deal', 'open deals')}, pipeline {f.open_amount:,.0f} "
            f"(weighted {f.weighted_amount:,.0f}); "
            f"won {f.won_count} ({f.won_amount:,.0f}), lost {f.lost_count}; "
            f"{counted(f.touches, 'touch', 'touches')}; "
            f"speed to lead {speed}; {f.stale_count} stale"
        )
    for c in latest_changes(rollup.histories()):
        counts = ", ".join(f"{n} {kind}" for kind, n in c.counts().items() if n)
        lines.append(f"{c.rep} since {c.older_at:%Y-%m-%d}: {counts or 'no changes'}")
    for compared in rollup.sequence_comparison():
        lines.append(f"sequence {compared.name}:")
        for rep, seq in [*compared.reps, ("Team", compared.team)]:
            r = seq.rates()
            few = "" if seq.meaningful else f"  (fewer than {MIN_GROUP} enrolled)"
            lines.append(
                f"  {rep}: {seq.enrolled} enrolled, reply {_pct(r['reply_rate'])}{_ci(r['reply_rate_ci'])}, "
                f"meeting {_pct(r['meeting_rate'])}{_ci(r['meeting_rate_ci'])}, "
                f"{counted(seq.opportunities, 'opportunity', 'opportunities')}, {seq.won} won{few}"
            )
    return "\n".join(lines)
