"""Text that a spreadsheet would run as a formula, made harmless (OWASP "CSV injection").

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, tab, carriage return or line
feed is evaluated by Excel, LibreOffice and Google Sheets as a formula — including
``=HYPERLINK(…)`` and DDE payloads — when the file is opened or the cell is edited.
Following OWASP's advice, such text gets a leading single quote, which every
spreadsheet shows as plain text. Numbers are never touched: ``-5`` written as a number
stays a number; only *text* is neutralised.

The rule is reversible (:func:`restore`), so a pipeline file read back by the app gives
the rep's original text: text that already begins with quotes followed by a dangerous
character gets one more quote, and :func:`restore` removes exactly one.

Every CSV writer of the app runs its text cells through :func:`neutralise`
(:func:`safe_cell` for mixed rows, :func:`write_csv` for whole files). XLSX and JSON
do not (issue 18): an XLSX string cell is never evaluated and JSON is data, so there
the quote only showed as a stray apostrophe; the pipeline reader still removes it from
files written before.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from workbench.exchange.atomic import atomic_output

#: First characters that make a spreadsheet treat text as a formula (OWASP).
DANGEROUS_PREFIXES = frozenset("=+-@\t\r\n")

_QUOTE = "'"


def is_dangerous(text: str) -> bool:
    """Whether ``text`` would be read as a formula, or is an already-quoted such text."""
    return text.lstrip(_QUOTE)[:1] in DANGEROUS_PREFIXES


def neutralise(text: str) -> str:
    """``text`` made safe for a spreadsheet cell; unchanged when it was safe already."""
    return _QUOTE + text if is_dangerous(text) else text


def restore(text: str) -> str:
    """The original text of a :func:`neutralise`-d cell (exact inverse)."""
    return text[1:] if text[:1] == _QUOTE and is_dangerous(text) else text


def safe_cell(value: Any) -> Any:
    """One CSV cell: text neutralised, numbers kept, dates in ISO 8601, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return neutralise(str(value))


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    bom: bool = True,
) -> int:
    """Write ``rows`` under ``header`` to ``path`` as UTF-8 CSV, every cell made safe.

    Written to a temporary file and renamed into place, so a failure leaves no half
    file. A BOM by default, so Excel on Windows reads the accents right. Returns the
    number of data rows written.
    """
    count = 0
    with (
        atomic_output(path) as tmp,
        open(tmp, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f,
    ):
        writer = csv.writer(f)
        writer.writerow(safe_row(header))
        for row in rows:
            writer.writerow(safe_row(row))
            count += 1
    return count


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The same CSV as :func:`write_csv`, as a string (for the clipboard and stdout)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(safe_row(row))
    return buffer.getvalue()
