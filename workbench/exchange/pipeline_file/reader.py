"""Reading a pipeline file (XLSX or JSON) and checking it against the schema.

Files come from other people's machines, so every one is treated as hostile until it
has proved otherwise:

* it is only ever opened for reading, and never modified;
* an XLSX is a zip: its members are decompressed streaming, under the size rules of
  :mod:`.zip_guard` (a member may not unpack to more than 200× its compressed size, the
  whole file not to more than 16 GB), and a truncated or damaged zip fails its CRC
  check with a clear reason;
* a workbook in the app's own dialect is read by :mod:`.xlsx_scan` (only the columns
  asked for, straight from the XML, in flat memory); any other workbook by
  python-calamine, after the workbook passed :mod:`workbench.exchange.sheet_guard`
  (zip rules on every member, and a used range calamine can hold);
* rows are capped: no sheet beyond Excel's 1,048,576, no file beyond
  :attr:`ReadLimits.max_rows` — counted while streaming, or from each sheet's size
  *before* its rows are materialised;
* the ``_meta`` sheet (or ``meta`` object) must name our schema — another workbook is
  "not a pipeline file" — and a version newer than this app's is refused with a hint
  to update;
* every sheet must have every column of its table (unknown extra columns are ignored)
  and every cell must fit its column's type; counts of people obey their table's row
  rules (no more replied than stopped, no more won than opportunities);
* a column or table added to the schema after the first files is optional: a file
  written by an earlier version lacks it and still loads (the column reads as its
  default, the table as empty) — colleagues do not all update on the same day.

Any failure raises :class:`PipelineFileError` whose ``reason`` is a sentence for the
manager; the rollup lists the file as rejected with it and goes on with the others.
"""

from __future__ import annotations

import copy
import json
import math
import zipfile
from collections.abc import Container, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from workbench.exchange.csv_safe import restore
from workbench.exchange.pipeline_file.columns import (
    EARLIEST,
    LATEST,
    BadCell,
    json_column,
    sheet_column,
)
from workbench.exchange.pipeline_file.model import (
    ALL_TABLE_KEYS,
    META_SHEET,
    OPTIONAL_TABLE_KEYS,
    SCHEMA_NAME,
    SCHEMA_VERSION,
    SHEET_ROW_LIMIT,
    TABLE_KEYS,
    ColumnSpec,
    FileMeta,
    LazyColumns,
    PipelineFile,
    StageInfo,
    TableData,
    TableSpec,
    continuation_sheet,
    schema,
    table,
)
from workbench.exchange.pipeline_file.xlsx_scan import (
    OtherDialect,
    RowCapExceeded,
    ScannedSheet,
    open_workbook,
    scan_sheet,
)
from workbench.exchange.sheet_guard import SheetLimits, SheetRefused, guard_workbook
from workbench.exchange.special_files import special_reason
from workbench.exchange.zip_guard import (
    DEFAULT_LIMITS,
    ReadLimits,
    Unpacker,
    ZipDamage,
    ZipRuleBroken,
    size_text,
)

#: Excel's rows per sheet without the header: no sheet of a real workbook has more.
SHEET_DATA_ROWS = SHEET_ROW_LIMIT - 1
#: Columns to read per table (``None``: all of them).
Wanted = Mapping[str, Iterable[str]] | None


class PipelineFileError(Exception):
    """The file is not a pipeline file this app can read; ``reason`` says why."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.name}: {reason}")
        self.path = path
        self.reason = reason


def sniff_format(path: Path) -> str:
    """ "xlsx" or "json" from the first bytes (the extension may lie); raises otherwise."""
    special = special_reason(path)
    if special is not None:
        raise PipelineFileError(path, special)
    try:
        with open(path, "rb") as f:
            head = f.read(64)
    except IsADirectoryError:
        raise PipelineFileError(path, "is a folder, not a file") from None
    except OSError as exc:
        raise PipelineFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    if not head:
        raise PipelineFileError(path, "is empty")
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PK"):
        raise PipelineFileError(path, "is a damaged or truncated zip file, not a readable workbook")
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "json"
    raise PipelineFileError(path, "is neither an XLSX workbook nor a JSON pipeline file")


def read_pipeline_file(
    path: Path | str,
    *,
    tables: Iterable[str] = ALL_TABLE_KEYS,
    columns: Wanted = None,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> PipelineFile:
    """Read and check ``path``; only the tables named in ``tables`` are loaded.

    ``columns`` may name, per table, the only columns to read and check (the rollup
    needs a few); a table's ``TableData.columns`` then holds just those."""
    path = Path(path)
    wanted = [table(key) for key in tables]
    chosen = {spec.key: _chosen(spec, columns) for spec in wanted}
    fmt = sniff_format(path)
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise PipelineFileError(
            path, f"is {size_text(size)}; pipeline files are read up to {size_text(limits.max_file_bytes)}"
        )
    if fmt == "xlsx":
        return _read_xlsx(path, wanted, chosen, limits)
    return _read_json(path, wanted, chosen, limits)


def _chosen(spec: TableSpec, columns: Wanted) -> tuple[ColumnSpec, ...]:
    if columns is None or spec.key not in columns:
        return spec.columns
    keys = set(columns[spec.key])
    unknown = keys - set(spec.keys)
    if unknown:
        raise ValueError(f"{spec.key} has no column(s) {', '.join(sorted(unknown))}")
    return tuple(c for c in spec.columns if c.key in keys)


# --- XLSX ---------------------------------------------------------------------------
def _read_xlsx(
    path: Path, wanted: list[TableSpec], chosen: dict[str, tuple[ColumnSpec, ...]], limits: ReadLimits
) -> PipelineFile:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise PipelineFileError(path, f"is a damaged or truncated workbook ({exc})") from None
    try:
        with archive:
            unpacker = Unpacker(archive, limits)
            try:
                return _read_scanned(path, unpacker, wanted, chosen, limits)
            except OtherDialect:
                pass  # saved again by a spreadsheet program, or written by another tool
        # Through the spreadsheet door first: zip rules on every member, and no used
        # range calamine would allocate densely (one far cell aborted the process).
        try:
            guard_workbook(path, "xlsx", SheetLimits(zip=limits))
        except SheetRefused as exc:
            raise PipelineFileError(path, str(exc).removeprefix("it ")) from None
        return _read_general(path, wanted, chosen, limits)
    except ZipRuleBroken as exc:
        raise PipelineFileError(path, str(exc)) from None
    except ZipDamage as exc:
        raise PipelineFileError(path, f"is a damaged or truncated workbook ({exc})") from None


class _RowBudget:
    """Rows a file may still hold; a sheet also stays within Excel's limit."""

    def __init__(self, path: Path, limits: ReadLimits) -> None:
        self.path = path
        self.total = limits.max_rows
        self.left = limits.max_rows

    def cap(self) -> int:
        return min(self.left, SHEET_DATA_ROWS)

    def refuse(self, name: str) -> PipelineFileError:
        if self.left < SHEET_DATA_ROWS:
            return PipelineFileError(self.path, f"has more rows than the {self.total:,} a file may hold")
        return PipelineFileError(
            self.path, f"sheet '{name}' has more rows than a spreadsheet holds ({SHEET_ROW_LIMIT:,})"
        )

    def take(self, name: str, rows: int) -> None:
        if rows > self.cap():
            raise self.refuse(name)
        self.left -= rows


def _read_scanned(
    path: Path,
    unpacker: Unpacker,
    wanted: list[TableSpec],
    chosen: dict[str, tuple[ColumnSpec, ...]],
    limits: ReadLimits,
) -> PipelineFile:
    """The fast path: only the chosen columns, straight from the XML (see ``xlsx_scan``)."""
    book = open_workbook(unpacker)
    if META_SHEET not in book.sheets:
        raise PipelineFileError(path, "is a workbook, but not a pipeline file (it has no _meta sheet)")
    budget = _RowBudget(path, limits)

    def scan(name: str, titles: Sequence[str]) -> ScannedSheet:
        try:
            sheet = scan_sheet(book, name, titles, budget.cap())
        except RowCapExceeded:
            raise budget.refuse(name) from None
        budget.take(name, sheet.count)
        return sheet

    meta_sheet = scan(META_SHEET, ("key", "value"))
    if [t.strip() for t in meta_sheet.header[:2]] != ["key", "value"]:
        raise OtherDialect("_meta header")
    keys, values = meta_sheet.columns["key"], meta_sheet.columns["value"]
    pairs = {_text(k).strip(): v for k, v in zip(keys, values, strict=True) if k != "" or v != ""}
    meta = _meta_from_pairs(path, pairs, "its _meta sheet")
    tables: dict[str, TableData] = {}
    for spec in wanted:
        columns = chosen[spec.key]
        gathered: dict[str, list[Any]] = {c.key: [] for c in columns}
        origins: list[tuple[str, int]] = []
        count = 0
        for name in _parts(path, spec, book.sheets):
            sheet = scan(name, [c.title for c in columns])
            if not sheet.header:
                raise PipelineFileError(path, f"sheet '{name}' is empty (no header row)")
            _check_header(path, name, [h.strip() for h in sheet.header], spec)
            for column in columns:
                # An optional column an older file lacks reads as empty cells (its default).
                gathered[column.key].extend(sheet.columns.get(column.title, ("",) * sheet.count))
            origins.append((name, count))
            count += sheet.count
        _check_count(path, spec, meta, count)
        raw = {k: tuple(v) for k, v in gathered.items()}
        tables[spec.key] = _checked(
            path, spec, columns, raw, count, sheet_column, lambda i, o=origins: _where(o, i)
        )
    return PipelineFile(meta, tables, "xlsx")


def _parts(path: Path, spec: TableSpec, names: Container[str]) -> list[str]:
    """The sheets a table is written on ("Leads", "Leads (2)", …); none for an optional
    table an older file does not have."""
    parts: list[str] = []
    while continuation_sheet(spec.sheet, len(parts) + 1) in names:
        parts.append(continuation_sheet(spec.sheet, len(parts) + 1))
    if not parts and not spec.optional:
        raise PipelineFileError(path, f"has no '{spec.sheet}' sheet")
    return parts


def _open_workbook(path: Path) -> Any:
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        raise PipelineFileError(path, f"is not a readable workbook ({exc})") from None


def _sheet_rows(path: Path, book: Any, name: str, budget: _RowBudget) -> list[list[Any]]:
    try:
        sheet = book.get_sheet_by_name(name)
        height = int(sheet.total_height or sheet.height or 0)
        if height - 1 > budget.cap():
            raise budget.refuse(name)
        rows: list[list[Any]] = sheet.to_python()
    except PipelineFileError:
        raise
    except Exception as exc:
        raise PipelineFileError(path, f"sheet '{name}' cannot be read ({exc})") from None
    budget.take(name, max(len(rows) - 1, 0))
    return rows


def _meta_from_pairs(path: Path, pairs: dict[str, Any], source: str) -> FileMeta:
    name = pairs.get("schema")
    if name != SCHEMA_NAME:
        raise PipelineFileError(
            path, f"is not a pipeline file ({source} does not name the {SCHEMA_NAME} schema)"
        )
    version = pairs.get("schema_version")
    if not isinstance(version, int | float) or isinstance(version, bool) or not float(version).is_integer():
        raise PipelineFileError(path, f"{source} has no valid schema_version")
    if int(version) > SCHEMA_VERSION:
        raise PipelineFileError(
            path,
            f"was written with a newer pipeline-file schema (version {int(version)}); this app reads "
            f"version {SCHEMA_VERSION} — update Prospecting Workbench to open it",
        )
    if int(version) < 1:
        raise PipelineFileError(path, f"{source} has an unknown schema_version {int(version)}")
    try:
        stages_raw = pairs.get("stages", "[]")
        stages_data = json.loads(stages_raw) if isinstance(stages_raw, str) else stages_raw
        stages = [
            StageInfo(
                restore(str(s["name"])),
                int(s["position"]),
                float(s["probability"]),
                str(s["kind"]),
                None if s.get("stale_days") is None else int(s["stale_days"]),
            )
            for s in stages_data
        ]
        counts = {key: _int(pairs[f"rows.{key}"]) for key in TABLE_KEYS}
        # An optional table's count is there when the table is (files since it exists).
        counts |= {key: _int(pairs[f"rows.{key}"]) for key in OPTIONAL_TABLE_KEYS if f"rows.{key}" in pairs}
        return _checked_meta(
            FileMeta(
                rep=restore(_text(pairs["rep"])).strip(),
                exported_at=_when(pairs["exported_at"]),
                app_version=_text(pairs["app_version"]),
                period_from=_day(pairs["period_from"]),
                period_to=_day(pairs["period_to"]),
                currency=restore(_text(pairs["currency"])),
                stale_days=_int(pairs["stale_days"]),
                stages=stages,
                row_counts=counts,
                schema_version=int(version),
            )
        )
    except RecursionError:
        raise PipelineFileError(path, f"{source} has a stages list nested too deeply") from None
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        missing = f"lacks {exc}" if isinstance(exc, KeyError) else f"has a bad value ({_short(exc)})"
        raise PipelineFileError(path, f"{source} {missing}") from None


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 120 else text[:117] + "…"


def _checked_meta(meta: FileMeta) -> FileMeta:
    """The period, the export time and the stages within what the app can compute with."""
    days = (meta.period_from, meta.period_to, meta.exported_at.date())
    if not all(EARLIEST <= d <= LATEST for d in days):
        raise ValueError(f"dates must lie between {EARLIEST.year} and {LATEST.year}")
    if meta.period_from > meta.period_to:
        raise ValueError("the period ends before it starts")
    for stage in meta.stages:
        if not math.isfinite(stage.probability) or not 0 <= stage.probability <= 1:
            raise ValueError(f"stage {stage.name!r} has the probability {stage.probability!r}")
    return meta


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not float(value).is_integer():
        raise ValueError(f"{value!r} is not a whole number")
    return int(value)


def _when(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    raise ValueError(f"{value!r} is not a date and time")


def _day(value: Any) -> date:
    if isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise ValueError(f"{value!r} is not a date")


def _columns_of(
    path: Path, spec: TableSpec, parts: Sequence[tuple[str, list[list[Any]]]]
) -> tuple[dict[str, tuple[Any, ...]], list[tuple[str, int]]]:
    """Concatenate a table's sheets into columns, checking each sheet's header."""
    gathered: dict[str, list[Any]] = {key: [] for key in spec.keys}
    origins: list[tuple[str, int]] = []
    offset = 0
    for name, rows in parts:
        if not rows:
            raise PipelineFileError(path, f"sheet '{name}' is empty (no header row)")
        header = [_text(v).strip() for v in rows[0]]
        _check_header(path, name, header, spec)
        body = rows[1:]
        width = len(header)
        # Trailing empty cells may be cut from short rows by some writers.
        if set(map(len, body)) - {width}:
            body = [r + [""] * (width - len(r)) if len(r) < width else r for r in body]
        transposed = list(zip(*body, strict=False)) if body else [() for _ in range(width)]
        for column in spec.columns:
            if column.title in header:
                gathered[column.key].extend(transposed[header.index(column.title)])
            else:  # an optional column an older file lacks: empty cells, its default
                gathered[column.key].extend(("",) * len(body))
        origins.append((name, offset))
        offset += len(body)
    return {k: tuple(v) for k, v in gathered.items()}, origins


def _check_header(path: Path, name: str, header: list[str], spec: TableSpec) -> None:
    seen = {t for t in header if t}
    doubled = sorted({t for t in header if t and header.count(t) > 1})
    if doubled:
        raise PipelineFileError(path, f"sheet '{name}' has the column(s) {', '.join(doubled)} twice")
    missing = [c.title for c in spec.columns if c.title not in seen and not c.optional]
    if missing:
        raise PipelineFileError(path, f"sheet '{name}' has the wrong columns: {', '.join(missing)} missing")


def _where(origins: list[tuple[str, int]], index: int) -> str:
    sheet, start = origins[0]
    for name, offset in origins:
        if offset <= index:
            sheet, start = name, offset
    return f"sheet '{sheet}', row {index - start + 2}"


def _checked(
    path: Path,
    spec: TableSpec,
    chosen: tuple[ColumnSpec, ...],
    raw: dict[str, tuple[Any, ...]],
    count: int,
    convert: Any,
    where: Any,
) -> TableData:
    columns: dict[str, Any] = {}
    for column in chosen:
        try:
            columns[column.key] = convert(column, raw[column.key])
        except BadCell as bad:
            raise PipelineFileError(path, f"{where(bad.index)}, column '{column.title}': {bad}") from None
    data = TableData(spec, LazyColumns(columns), count)
    _check_rules(path, data, where)
    return data


def _check_rules(path: Path, data: TableData, where: Any) -> None:
    """The table's row rules, over the columns that were read (all of a rule's or none)."""
    titles = {c.key: c.title for c in data.spec.columns}
    for rule in data.spec.rules:
        keys = (*rule.total, rule.at_most)
        if not all(k in data.columns for k in keys):
            continue
        parts = [data.columns[k] for k in rule.total]
        limit = data.columns[rule.at_most]
        # Integer columns are checked and converted already: a plain sweep of sums.
        sums = list(map(sum, zip(*parts, strict=True))) if len(parts) > 1 else list(parts[0])
        for index, (total, most) in enumerate(zip(sums, limit, strict=True)):
            if total > most:
                named = " + ".join(f"'{titles[k]}'" for k in rule.total)
                raise PipelineFileError(
                    path,
                    f"{where(index)}: {named} is {total:,}, more than its '{titles[rule.at_most]}' "
                    f"({most:,})",
                )


def _read_general(
    path: Path, wanted: list[TableSpec], chosen: dict[str, tuple[ColumnSpec, ...]], limits: ReadLimits
) -> PipelineFile:
    """Any workbook python-calamine reads (its members already passed the zip rules)."""
    book = _open_workbook(path)
    try:
        names = list(book.sheet_names)
        if META_SHEET not in names:
            raise PipelineFileError(path, "is a workbook, but not a pipeline file (it has no _meta sheet)")
        budget = _RowBudget(path, limits)
        meta_rows = _sheet_rows(path, book, META_SHEET, budget)
        pairs = {_text(r[0]).strip(): (r[1] if len(r) > 1 else "") for r in meta_rows[1:] if r}
        meta = _meta_from_pairs(path, pairs, "its _meta sheet")
        tables: dict[str, TableData] = {}
        for spec in wanted:
            parts = [(name, _sheet_rows(path, book, name, budget)) for name in _parts(path, spec, names)]
            raw, origins = _columns_of(path, spec, parts)
            count = len(raw[spec.keys[0]])
            origins = origins or [(spec.sheet, 0)]
            _check_count(path, spec, meta, count)
            tables[spec.key] = _checked(
                path, spec, chosen[spec.key], raw, count, sheet_column, lambda i, o=origins: _where(o, i)
            )
        return PipelineFile(meta, tables, "xlsx")
    finally:
        book.close()


def _check_count(path: Path, spec: TableSpec, meta: FileMeta, count: int) -> None:
    declared = meta.row_counts.get(spec.key)
    if declared is not None and declared != count:
        raise PipelineFileError(
            path,
            f"'{spec.sheet}' holds {count:,} rows but the file says {declared:,} "
            "(rows were removed or added after export)",
        )


# --- JSON ---------------------------------------------------------------------------
@cache
def _envelope_validator() -> Any:
    """The schema with each table's rows left unchecked: rows are checked column-wise."""
    from jsonschema import Draft202012Validator

    envelope = copy.deepcopy(schema())
    for key in ALL_TABLE_KEYS:
        envelope["properties"][key] = {"type": "array"}
    return Draft202012Validator(envelope)


def _read_json(
    path: Path, wanted: list[TableSpec], chosen: dict[str, tuple[ColumnSpec, ...]], limits: ReadLimits
) -> PipelineFile:
    try:
        with open(path, "rb") as f:
            document = json.load(f, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise PipelineFileError(
            path, f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); truncated?"
        ) from None
    except (UnicodeDecodeError, RecursionError) as exc:
        raise PipelineFileError(path, f"is not valid JSON ({exc.__class__.__name__})") from None
    except ValueError as exc:  # a number of thousands of digits, NaN, Infinity
        raise PipelineFileError(path, f"is not valid JSON ({_short(exc)})") from None
    if not isinstance(document, dict):
        raise PipelineFileError(path, "is JSON, but not a pipeline file (not an object)")
    meta_value = document.get("meta")
    meta_obj: dict[str, Any] = meta_value if isinstance(meta_value, dict) else {}
    pairs = {
        "schema": document.get("schema"),
        "schema_version": document.get("schema_version"),
        "stages": document.get("stages", []),
        **{k: v for k, v in meta_obj.items() if k != "row_counts"},
        **{f"rows.{k}": v for k, v in (meta_obj.get("row_counts") or {}).items()},
    }
    if pairs["schema"] != SCHEMA_NAME:
        raise PipelineFileError(
            path, f"is JSON, but not a pipeline file (it does not name the {SCHEMA_NAME} schema)"
        )
    _meta_from_pairs(path, pairs, "the file")  # newer-version check before the full validation
    # The envelope only: rows are checked column by column below, far faster.
    envelope = {k: ([] if k in ALL_TABLE_KEYS and isinstance(v, list) else v) for k, v in document.items()}
    errors = sorted(_envelope_validator().iter_errors(envelope), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "the document"
        raise PipelineFileError(path, f"does not match the schema at {where}: {first.message}")
    meta = _meta_from_pairs(path, pairs, "the file")
    rows_total = sum(len(document.get(key, ())) for key in ALL_TABLE_KEYS)
    if rows_total > limits.max_rows:
        raise PipelineFileError(path, f"has more rows than the {limits.max_rows:,} a file may hold")
    tables: dict[str, TableData] = {}
    for spec in wanted:
        rows = document.get(spec.key, [])  # an optional table is absent from older files
        count = len(rows)
        _check_count(path, spec, meta, count)
        raw = _json_columns(path, spec, chosen[spec.key], rows)
        tables[spec.key] = _checked(
            path, spec, chosen[spec.key], raw, count, json_column, lambda i, k=spec.key: f"{k}[{i}]"
        )
    return PipelineFile(meta, tables, "json")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _json_columns(
    path: Path, spec: TableSpec, chosen: tuple[ColumnSpec, ...], rows: list[Any]
) -> dict[str, tuple[Any, ...]]:
    from operator import itemgetter

    keys = tuple(c.key for c in chosen)
    getter = itemgetter(*keys)
    try:
        values = list(map(getter, rows))
    except (KeyError, TypeError):
        values = _json_rows_slowly(path, spec, chosen, rows)
    if not values:
        return {k: () for k in keys}
    if len(keys) == 1:
        return {keys[0]: tuple(values)}
    return dict(zip(keys, zip(*values, strict=True), strict=True))


def _json_rows_slowly(
    path: Path, spec: TableSpec, chosen: tuple[ColumnSpec, ...], rows: list[Any]
) -> list[Any]:
    """Row by row: an optional column an older file lacks reads as its default; any
    other gap is the file's fault, named by row."""
    keys = tuple(c.key for c in chosen)
    values: list[Any] = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise PipelineFileError(path, f"{spec.key}[{index}] is not an object")
        absent = [c.key for c in chosen if c.key not in row and not c.optional]
        if absent:
            raise PipelineFileError(path, f"{spec.key}[{index}] lacks {', '.join(absent)}")
        picked = tuple(row.get(c.key, c.default) for c in chosen)
        values.append(picked if len(keys) > 1 else picked[0])
    return values
