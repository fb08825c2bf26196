"""Small tables to an XLSX workbook (one sheet each): typed cells, written atomically.

Text is written as string cells exactly as it is: a string cell is never evaluated
(``strings_to_formulas`` off), so the CSV rule's quote would only show (issue 18).

For reports that fit in memory (a rollup, a chart's table). Big tables use the
streaming pipeline-file writer instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from workbench.exchange.atomic import atomic_output, close_cleanly

NUMBER_FORMATS = {
    "int": "#,##0",
    "money": "#,##0.00",
    "percent": "0.0%",
    "hours": "0.0",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}


@dataclass(frozen=True, slots=True)
class SheetTable:
    name: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    formats: Sequence[str] = ()


def _sheet_name(name: str, taken: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ and unique.
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "Sheet"
    candidate, n = cleaned, 2
    while candidate.casefold() in taken:
        suffix = f" ({n})"
        candidate = cleaned[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(candidate.casefold())
    return candidate


def write_xlsx_tables(path: Path, tables: Sequence[SheetTable]) -> None:
    with atomic_output(path) as tmp:
        # in_memory: xlsxwriter's own scratch files would go to the system's temporary
        # folder under names no later run can recognise (these tables are small).
        book = xlsxwriter.Workbook(
            str(tmp), {"strings_to_formulas": False, "strings_to_numbers": False, "in_memory": True}
        )
        try:
            header = book.add_format({"bold": True, "bottom": 1, "bg_color": "#E8EEF7"})
            formats = {k: book.add_format({"num_format": v}) for k, v in NUMBER_FORMATS.items()}
            taken: set[str] = set()
            for table in tables:
                ws = book.add_worksheet(_sheet_name(table.name, taken))
                for col, title in enumerate(table.columns):
                    ws.write_string(0, col, str(title), header)
                    ws.set_column(col, col, max(12, min(len(str(title)) + 4, 40)))
                for r, row in enumerate(table.rows, start=1):
                    for c, value in enumerate(row):
                        fmt = formats.get(table.formats[c]) if c < len(table.formats) else None
                        _write(ws, r, c, value, fmt, formats)
                ws.freeze_panes(1, 0)
                ws.autofilter(0, 0, max(len(table.rows), 1), max(len(table.columns) - 1, 0))
        finally:
            close_cleanly(book.close)


def _write(ws: Any, r: int, c: int, value: Any, fmt: Any, formats: dict[str, Any]) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        ws.write_boolean(r, c, value)
    elif isinstance(value, int | float):
        ws.write_number(r, c, value, fmt)
    elif isinstance(value, datetime):
        naive = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
        ws.write_datetime(r, c, naive, fmt or formats["datetime"])
    elif isinstance(value, date):
        ws.write_datetime(r, c, datetime(value.year, value.month, value.day), fmt or formats["date"])
    else:
        ws.write_string(r, c, str(value))
