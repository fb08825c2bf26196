"""Writing the XLSX form of a pipeline file, streamed in constant memory.

xlsxwriter's ``constant_memory`` mode writes each row to a temporary file as soon as
the next row starts, so memory stays flat whatever the number of rows; the price is
that rows must come in order, one sheet at a time — which is how the export service
produces them. Cells are real spreadsheet values: dates and times as dates (UTC),
amounts and probabilities as numbers, flags as booleans, text as string cells exactly as
stored. A string cell is never evaluated (only CSV needs the OWASP quote, issue 18: the
quote showed as a stray apostrophe before every ``+1 415…`` in every spreadsheet), and
xlsxwriter's ``strings_to_formulas`` is off, so ``=…`` text stays text.

The writer writes the file it is given; the export service hands it a temporary path
and renames it into place only when everything succeeded.
"""

from __future__ import annotations

import contextlib
import errno
import json
import shutil
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import xlsxwriter
import xlsxwriter.exceptions

from workbench.exchange.atomic import close_cleanly
from workbench.exchange.pipeline_file.model import (
    META_SHEET,
    SCHEMA_NAME,
    SHEET_ROW_LIMIT,
    SUMMARY_SHEET,
    ColumnSpec,
    ColumnType,
    FileMeta,
    TableSpec,
    continuation_sheet,
)
from workbench.exchange.pipeline_file.summary import Summary
from workbench.temp_files import make_temp_dir

#: Column widths (in characters) for the columns that need more than their header.
WIDE_COLUMNS = {
    "name": 26,
    "company": 24,
    "account": 24,
    "opportunity": 24,
    "who": 22,
    "email": 28,
    "phone": 17,
    "title": 22,
    "next_step": 28,
    "note": 40,
    "pain_hypothesis": 40,
    "campaign": 18,
    "source": 16,
    "stage": 14,
    "domain": 20,
}
TYPE_WIDTHS = {
    ColumnType.UUID: 37,
    ColumnType.DATETIME: 17,
    ColumnType.DATE: 11,
    ColumnType.NUMBER: 12,
    ColumnType.INTEGER: 9,
    ColumnType.BOOLEAN: 8,
}
NUMBER_FORMATS = {
    "probability": "0%",
    "amount": "#,##0.00",
    "weighted_amount": "#,##0.00",
    "speed_to_lead_hours": "0.0",
    "fit_score": "0.0",
}

Writer = Callable[[int, int, Any], Any]


def _naive_utc(value: datetime) -> datetime:
    # Excel has no time zones: the file states that every time is UTC. Milliseconds
    # are what a spreadsheet's date serial holds exactly.
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def column_width(column: ColumnSpec) -> int:
    width = WIDE_COLUMNS.get(column.key) or TYPE_WIDTHS.get(column.type, 14)
    return max(width, len(column.title) + 3)  # room for the filter button


class XlsxPipelineWriter:
    """Writes one pipeline workbook: Summary first, then each table, then ``_meta``."""

    def __init__(self, path: Path, *, sheet_row_limit: int = SHEET_ROW_LIMIT) -> None:
        if sheet_row_limit < 2:
            raise ValueError("a sheet needs room for its header and one row")
        self.path = Path(path)
        self.rows_per_sheet = sheet_row_limit - 1
        # constant_memory keeps each sheet's rows in a temporary file until close();
        # a private folder lets a failed export remove them all.
        self._scratch = make_temp_dir(self.path)
        self.book = xlsxwriter.Workbook(
            str(self.path),
            {"constant_memory": True, "tmpdir": str(self._scratch), "strings_to_formulas": False},
        )
        self.header = self.book.add_format({"bold": True, "bottom": 1, "bg_color": "#E8EEF7"})
        self.title = self.book.add_format({"bold": True, "font_size": 14})
        self.bold = self.book.add_format({"bold": True})
        self.datetime_fmt = self.book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.date_fmt = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self._number_formats = {k: self.book.add_format({"num_format": v}) for k, v in NUMBER_FORMATS.items()}
        self._summary_formats = {
            "int": self.book.add_format({"num_format": "#,##0"}),
            "money": self._number_formats["amount"],
            "percent": self.book.add_format({"num_format": "0.0%"}),
            "hours": self._number_formats["speed_to_lead_hours"],
        }
        self.sheet_names: list[str] = []
        self._closed = False

    # --- context manager: a failure discards everything ---------------------------
    def __enter__(self) -> XlsxPipelineWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is not None:
            self.abandon()

    def abandon(self) -> None:
        """Give up: close and remove the scratch files (the caller removes the output file)."""
        if not self._closed:
            self._closed = True
            # What xlsxwriter's own close() does for constant_memory sheets, without
            # assembling a workbook nobody wants.
            self.book.fileclosed = True
            for worksheet in self.book.worksheets():
                with contextlib.suppress(Exception):
                    worksheet._opt_close()
        shutil.rmtree(self._scratch, ignore_errors=True)

    # --- Summary ----------------------------------------------------------------
    def write_summary(self, meta: FileMeta, summary: Summary) -> None:
        ws = self.book.add_worksheet(SUMMARY_SHEET)
        self.sheet_names.append(SUMMARY_SHEET)
        ws.set_column(0, 0, 34)
        ws.set_column(1, 6, 15)
        ws.write_string(0, 0, f"Pipeline of {meta.rep}", self.title)
        row = 2
        head: list[tuple[str, Any]] = [
            ("Rep", meta.rep),
            ("Exported at (UTC)", meta.exported_at),
            ("Period from", meta.period_from),
            ("Period to", meta.period_to),
            ("Currency", meta.currency),
        ]
        for label, value in [*head, *summary.figures]:
            ws.write_string(row, 0, label, self.bold)
            self._write_any(ws, row, 1, value, "")
            row += 1
        for table in summary.tables:
            row += 1
            ws.write_string(row, 0, table.title, self.bold)
            row += 1
            for col, name in enumerate(table.columns):
                ws.write_string(row, col, name, self.header)
            row += 1
            for values in table.rows:
                for col, value in enumerate(values):
                    fmt = table.formats[col] if col < len(table.formats) else ""
                    self._write_any(ws, row, col, value, fmt)
                row += 1

    def _write_any(self, ws: Any, row: int, col: int, value: Any, fmt: str) -> None:
        if value is None or value == "":
            return
        if isinstance(value, bool):
            ws.write_boolean(row, col, value)
        elif isinstance(value, int | float):
            ws.write_number(row, col, value, self._summary_formats.get(fmt))
        elif isinstance(value, datetime):
            ws.write_datetime(row, col, _naive_utc(value), self.datetime_fmt)
        elif isinstance(value, date):
            ws.write_datetime(row, col, datetime(value.year, value.month, value.day), self.date_fmt)
        else:
            ws.write_string(row, col, str(value))

    # --- tables -------------------------------------------------------------------
    def _cell_writer(self, ws: Any, column: ColumnSpec) -> Writer:
        """One function per column that writes a value of that column's type (or nothing)."""
        kind = column.type
        if kind is ColumnType.TEXT:
            write_string = ws.write_string

            def text(r: int, c: int, v: Any) -> None:
                if v:
                    write_string(r, c, v)

            return text
        if kind is ColumnType.UUID:
            write_uuid = ws.write_string

            def uuid(r: int, c: int, v: Any) -> None:
                if v:
                    write_uuid(r, c, v)

            return uuid
        if kind is ColumnType.DATETIME:
            write_datetime, dt_fmt = ws.write_datetime, self.datetime_fmt

            def when(r: int, c: int, v: Any) -> None:
                if v is not None:
                    write_datetime(r, c, _naive_utc(v), dt_fmt)

            return when
        if kind is ColumnType.DATE:
            write_date, d_fmt = ws.write_datetime, self.date_fmt

            def day(r: int, c: int, v: Any) -> None:
                if v is not None:
                    write_date(r, c, datetime(v.year, v.month, v.day), d_fmt)

            return day
        if kind is ColumnType.BOOLEAN:
            write_boolean = ws.write_boolean

            def flag(r: int, c: int, v: Any) -> None:
                if v is not None:
                    write_boolean(r, c, bool(v))

            return flag
        write_number, n_fmt = ws.write_number, self._number_formats.get(column.key)

        def number(r: int, c: int, v: Any) -> None:
            if v is not None:
                write_number(r, c, v, n_fmt)

        return number

    def _start_sheet(self, spec: TableSpec, part: int) -> tuple[Any, list[Writer]]:
        name = continuation_sheet(spec.sheet, part)
        ws = self.book.add_worksheet(name)
        self.sheet_names.append(name)
        for col, column in enumerate(spec.columns):
            ws.set_column(col, col, column_width(column))
        for col, title in enumerate(spec.titles):
            ws.write_string(0, col, title, self.header)
        ws.freeze_panes(1, 0)
        return ws, [self._cell_writer(ws, c) for c in spec.columns]

    @staticmethod
    def _finish_sheet(ws: Any, spec: TableSpec, rows: int) -> None:
        ws.autofilter(0, 0, max(rows, 1), len(spec.columns) - 1)

    def write_table(
        self,
        spec: TableSpec,
        rows: Iterable[Sequence[Any]],
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Write ``rows`` (values in ``spec``'s column order) on the table's sheet(s).

        Past the sheet limit the table continues on "<Sheet> (2)", "<Sheet> (3)"…, each
        with the header row. Returns the number of rows written; ``progress(n)`` is
        called every few thousand rows with the count so far."""
        part = 1
        ws, writers = self._start_sheet(spec, part)
        indexed = list(enumerate(writers))
        on_sheet = 0
        total = 0
        for values in rows:
            if on_sheet == self.rows_per_sheet:
                self._finish_sheet(ws, spec, on_sheet)
                part += 1
                ws, writers = self._start_sheet(spec, part)
                indexed = list(enumerate(writers))
                on_sheet = 0
            on_sheet += 1
            for col, write in indexed:
                write(on_sheet, col, values[col])
            total += 1
            if progress is not None and total % 5000 == 0:
                progress(total)
        self._finish_sheet(ws, spec, on_sheet)
        if progress is not None:
            progress(total)
        return total

    # --- _meta and close ------------------------------------------------------------
    def close(self, meta: FileMeta) -> None:
        """Write the hidden ``_meta`` sheet and finish the workbook."""
        ws = self.book.add_worksheet(META_SHEET)
        self.sheet_names.append(META_SHEET)
        ws.set_column(0, 0, 24)
        ws.set_column(1, 1, 40)
        pairs: list[tuple[str, Any]] = [
            ("schema", SCHEMA_NAME),
            ("schema_version", meta.schema_version),
            ("rep", meta.rep),
            ("exported_at", meta.exported_at),
            ("app_version", meta.app_version),
            ("period_from", meta.period_from),
            ("period_to", meta.period_to),
            ("currency", meta.currency),
            ("stale_days", meta.stale_days),
            (
                "stages",
                json.dumps(
                    [
                        {
                            "name": s.name,
                            "position": s.position,
                            "probability": s.probability,
                            "kind": s.kind,
                            "stale_days": s.stale_days,
                        }
                        for s in meta.stages
                    ],
                    ensure_ascii=False,
                ),
            ),
            *((f"rows.{key}", count) for key, count in meta.row_counts.items()),
        ]
        ws.write_string(0, 0, "key", self.header)
        ws.write_string(0, 1, "value", self.header)
        for row, (key, value) in enumerate(pairs, start=1):
            ws.write_string(row, 0, key)
            if key in ("rep", "currency", "app_version"):
                if value:
                    ws.write_string(row, 1, str(value))
            elif key in ("stages", "schema"):
                ws.write_string(row, 1, str(value))
            else:
                self._write_any(ws, row, 1, value, "")
        ws.hide()
        self.book.worksheets()[0].activate()
        self.book.set_properties(
            {
                "title": f"Pipeline of {meta.rep}",
                "author": meta.rep,
                "comments": f"{SCHEMA_NAME} version {meta.schema_version}",
                "created": _naive_utc(meta.exported_at),
            }
        )
        try:
            close_cleanly(self.book.close)
        except xlsxwriter.exceptions.FileCreateError as exc:
            cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc))
            raise cause from exc
        except xlsxwriter.exceptions.FileSizeError as exc:
            raise OSError(errno.EFBIG, "a sheet would be larger than a spreadsheet file allows") from exc
        finally:
            self._closed = True
            shutil.rmtree(self._scratch, ignore_errors=True)
