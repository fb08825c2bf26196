"""The Summary sheet's content: headline figures and small tables, in the form both writers take."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(slots=True)
class SummaryTable:
    """A small table on the Summary sheet (conversion by kind, pipeline by stage…)."""

    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    #: Per column: "text", "int", "money", "percent", "hours" — how the XLSX shows it.
    formats: tuple[str, ...] = ()


@dataclass(slots=True)
class Summary:
    figures: list[tuple[str, Any]] = field(default_factory=list)
    tables: list[SummaryTable] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "figures": [{"label": label, "value": _plain(value)} for label, value in self.figures],
            "tables": [
                {
                    "title": t.title,
                    "columns": list(t.columns),
                    "rows": [[_plain(v) for v in r] for r in t.rows],
                }
                for t in self.tables
            ],
        }


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
