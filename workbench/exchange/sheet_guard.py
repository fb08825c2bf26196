"""The one door every spreadsheet (XLSX, ODS) passes before a reader library sees it.

General readers (python-calamine, openpyxl) trust the file: calamine builds a *dense*
grid from the first to the last cell, so one cell at ``XFD1048576`` asks for 17 billion
cells (a 1.9 KB file aborted the whole process), and a zip bomb inflates in memory.
So before any of them opens a workbook, this module streams every member once, under
the zip rules of :mod:`.pipeline_file.zip_guard` (ratio and absolute size), and reads
the cell references straight from the sheet XML — in chunks, so memory stays flat
whatever the file holds — to find each sheet's used range:

* a sheet may span at most :attr:`SheetLimits.max_cells` cells and
  :attr:`SheetLimits.max_columns` columns;
* a far cell that makes the grid mostly empty (more than :attr:`SheetLimits.sparse_factor`
  times the cells really present) is refused *with its reference*, so the rep knows
  which cell to delete.

ODS ``content.xml`` is walked with a streaming XML parser: repeated rows and cells
count as often as they repeat when they hold a value (trailing empty repeats, which
LibreOffice writes to the end of every sheet, cost nothing and are ignored).

Every refusal is a :class:`SheetRefused` whose message is a sentence for the rep or
the manager. The result, :class:`SheetShape`, tells a caller how big the biggest sheet
unpacks to (the lead reader streams big sheets instead of loading them).
"""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast
from xml.etree.ElementTree import Element, ParseError, XMLPullParser

from workbench.exchange.zip_guard import (
    GIB,
    MIB,
    ReadLimits,
    Unpacker,
    ZipDamage,
    ZipRuleBroken,
)

#: Excel's own grid: nothing real lies beyond it.
EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384
#: Bytes kept from one chunk for the next, so a tag cut by a chunk boundary is still seen.
_OVERLAP = 256
_CELL_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="\$?([A-Z]{1,4})\$?(\d{1,9})"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s[^>]*?\bref="([^"]*)"')
_SHEET_MEMBER = re.compile(r"xl/worksheets/[^/]+\.xml$")
_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b([^>]*?)/?>")
_REL_TAG = re.compile(rb"<Relationship\b([^>]*?)/?>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_ODS_NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
}
_T = "{" + _ODS_NS["table"] + "}"
_O = "{" + _ODS_NS["office"] + "}"


@dataclass(frozen=True, slots=True)
class SheetLimits:
    """How much one workbook may make a reader do."""

    zip: ReadLimits = field(default_factory=lambda: ReadLimits(max_unpacked_bytes=4 * GIB))
    #: Cells of one sheet's used range (a 1M-row, 40-column lead list is 42 M).
    max_cells: int = 64_000_000
    #: Columns of one sheet (Excel's own limit).
    max_columns: int = EXCEL_COLUMNS
    #: A used range this many times larger than the cells present is a far stray cell…
    sparse_factor: int = 50
    #: …once the range is bigger than this (small sheets may be as sparse as they like).
    sparse_floor: int = 1_000_000


LEAD_SHEET_LIMITS = SheetLimits()


class SheetRefused(Exception):
    """The workbook breaks a rule; the message is the reason, as a sentence."""


@dataclass(slots=True)
class SheetShape:
    """What the guard found: the largest sheet's unpacked XML and used range."""

    largest_sheet_bytes: int = 0
    rows: int = 0
    columns: int = 0


def column_letters(index: int) -> str:
    """1 → "A", 16384 → "XFD"."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ch - 64)
    return number


@dataclass(slots=True)
class _Range:
    """The used range of one sheet, grown cell by cell."""

    name: str
    cells: int = 0
    min_row: int = 0
    max_row: int = 0
    min_col: int = 0
    max_col: int = 0
    far: str = ""  # the reference of the cell farthest out

    def add(self, first_row: int, last_row: int, first_col: int, last_col: int, count: int, far: str) -> None:
        if not count:
            return
        if not self.cells:
            self.min_row, self.max_row, self.min_col, self.max_col = first_row, last_row, first_col, last_col
            self.far = far
        else:
            self.far = far
            self.min_row = min(self.min_row, first_row)
            self.max_row = max(self.max_row, last_row)
            self.min_col = min(self.min_col, first_col)
            self.max_col = max(self.max_col, last_col)
        self.cells += count

    @property
    def grid(self) -> int:
        if not self.cells:
            return 0
        return (self.max_row - self.min_row + 1) * (self.max_col - self.min_col + 1)

    def check(self, limits: SheetLimits) -> None:
        where = f"sheet {self.name!r}"
        if self.max_row > EXCEL_ROWS or self.max_col > EXCEL_COLUMNS:
            raise SheetRefused(f"{where} has a cell at {self.far}, outside any spreadsheet's grid")
        width = self.max_col - self.min_col + 1 if self.cells else 0
        if width > limits.max_columns:
            raise SheetRefused(
                f"{where} is {width:,} columns wide (up to {limits.max_columns:,} are read); "
                f"its farthest cell is {self.far}"
            )
        grid = self.grid
        if grid > limits.sparse_floor and grid > limits.sparse_factor * self.cells:
            raise SheetRefused(
                f"{where} has a stray cell at {self.far}, far from its {self.cells:,} other cells "
                f"(reading it would mean {grid:,} cells); delete that cell and save the file again"
            )
        if grid > limits.max_cells:
            raise SheetRefused(
                f"{where} spans {grid:,} cells (up to {limits.max_cells:,} are read); "
                f"its farthest cell is {self.far}"
            )


def guard_workbook(path: Path | str, kind: str, limits: SheetLimits = LEAD_SHEET_LIMITS) -> SheetShape:
    """Check the XLSX or ODS at ``path`` before any reader opens it; raises
    :class:`SheetRefused` with the reason, or returns what it found."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise SheetRefused(f"it is a damaged or truncated workbook ({exc})") from None
    try:
        with archive:
            unpacker = Unpacker(archive, limits.zip)
            shape = SheetShape()
            names = _sheet_names(unpacker) if kind == "xlsx" else {}
            for info in archive.infolist():
                if kind == "xlsx" and _SHEET_MEMBER.match(info.filename):
                    size, used = _scan_xlsx_sheet(unpacker, info, names)
                elif kind == "ods" and info.filename == "content.xml":
                    size, used = _scan_ods_content(unpacker, info, limits)
                else:
                    for _chunk in unpacker.chunks(info):  # bombs and damage, counted
                        pass
                    continue
                for sheet in used:
                    sheet.check(limits)
                    shape.rows = max(shape.rows, sheet.max_row)
                    shape.columns = max(shape.columns, sheet.max_col)
                shape.largest_sheet_bytes = max(shape.largest_sheet_bytes, size)
            return shape
    except ZipRuleBroken as exc:
        raise SheetRefused(f"it {exc}") from None
    except ZipDamage as exc:
        raise SheetRefused(f"it is a damaged or truncated workbook ({exc})") from None


def _sheet_names(unpacker: Unpacker) -> dict[str, str]:
    """Worksheet part → the sheet's name as the spreadsheet shows it (for messages)."""
    archive = unpacker.archive
    try:
        book = unpacker.read(archive.getinfo("xl/workbook.xml"))
        rels = unpacker.read(archive.getinfo("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return {}
    targets = {}
    for raw in _REL_TAG.findall(rels):
        attrs = dict(_ATTR.findall(raw))
        target = attrs.get(b"Target", b"").decode("utf-8", "replace")
        targets[attrs.get(b"Id", b"")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    names = {}
    for raw in _SHEET_TAG.findall(book):
        attrs = dict(_ATTR.findall(raw))
        part = targets.get(attrs.get(b"r:id", b""))
        if part:
            names[part] = html.unescape(attrs.get(b"name", b"").decode("utf-8", "replace"))
    return names


def _scan_xlsx_sheet(
    unpacker: Unpacker, info: zipfile.ZipInfo, names: dict[str, str]
) -> tuple[int, list[_Range]]:
    """The used range of one worksheet part, from its cell references (chunk by chunk)."""
    used = _Range(names.get(info.filename) or info.filename.rsplit("/", 1)[-1].removesuffix(".xml"))
    tail = b""
    size = 0
    for chunk in unpacker.chunks(info):
        size += len(chunk)
        data = tail + chunk
        # A tag cut at the chunk's end is read whole with the next chunk.
        last_tag = data.rfind(b"<", max(len(data) - _OVERLAP, 0))
        end = last_tag if last_tag >= 0 else len(data)
        _add_refs(used, _CELL_REF.findall(data, 0, end))
        tail = data[end:]
    _add_refs(used, _CELL_REF.findall(tail))
    return size, [used]


def _farness(ref: tuple[bytes, bytes]) -> float:
    return int(ref[1]) / EXCEL_ROWS + _column_number(ref[0]) / EXCEL_COLUMNS


def _add_refs(used: _Range, refs: list[tuple[bytes, bytes]]) -> None:
    """Grow ``used`` by one chunk's references (a set of letters and a list of ints:
    millions of cells cost a few C-level sweeps)."""
    if not refs:
        return
    rows = list(map(int, [r[1] for r in refs]))
    cols = {_column_number(x): x for x in {r[0] for r in refs}}
    first_row, last_row = min(rows), max(rows)
    first_col, last_col = min(cols), max(cols)
    far_row = refs[rows.index(last_row)]
    far_col = next(r for r in refs if r[0] == cols[last_col])
    far = max(far_row, far_col, key=_farness)
    if used.cells and _farness(far) <= _farness(_split(used.far)):
        far_text = used.far
    else:
        far_text = (far[0] + far[1]).decode()
    used.add(first_row, last_row, first_col, last_col, len(refs), far_text)


def _split(ref: str) -> tuple[bytes, bytes]:
    letters = ref.rstrip("0123456789")
    return letters.encode(), ref[len(letters) :].encode()


def declared_dimension(data: bytes) -> str:
    """The ``<dimension ref>`` a sheet claims (informative only: a file can lie)."""
    match = _DIMENSION.search(data)
    return match.group(1).decode("ascii", "replace") if match else ""


def _scan_ods_content(
    unpacker: Unpacker, info: zipfile.ZipInfo, limits: SheetLimits
) -> tuple[int, list[_Range]]:
    """Every table's used range in ``content.xml``, expanding only repeats that hold a value."""
    parser: XMLPullParser[Element] = XMLPullParser(events=("start", "end"))
    sheets: list[_Range] = []
    current: _Range | None = None
    row = 0  # rows before the current one in this table
    row_repeat = 1
    col = 0
    row_cells: list[tuple[int, int]] = []  # (first column, repeat) of cells with a value
    size = 0
    try:
        for chunk in unpacker.chunks(info):
            size += len(chunk)
            parser.feed(chunk)
            for pair in parser.read_events():
                event, element = cast(tuple[str, Element], pair)
                tag = element.tag
                if tag == _T + "table":
                    if event == "start":
                        current = _Range(element.get(_T + "name", f"Sheet{len(sheets) + 1}"))
                        sheets.append(current)
                        row = 0
                    else:
                        current = None
                elif tag == _T + "table-row" and current is not None:
                    if event == "start":
                        row_repeat = _repeat(element.get(_T + "number-rows-repeated"))
                        col = 0
                        row_cells = []
                    else:
                        _ods_row(current, row, row_repeat, row_cells)
                        row += row_repeat
                        element.clear()
                elif tag in (_T + "table-cell", _T + "covered-table-cell") and event == "end":
                    repeat = _repeat(element.get(_T + "number-columns-repeated"))
                    if element.get(_O + "value-type") is not None or len(element):
                        row_cells.append((col + 1, repeat))
                    col += repeat
                    element.clear()
    except ParseError as exc:
        raise SheetRefused(f"its content is not well-formed XML ({exc})") from None
    return size, sheets


def _ods_row(sheet: _Range, before: int, repeat: int, cells: list[tuple[int, int]]) -> None:
    if not cells:
        return
    first_col = cells[0][0]
    last_col = cells[-1][0] + cells[-1][1] - 1
    count = sum(r for _c, r in cells) * repeat
    last_row = before + repeat
    far = f"{column_letters(last_col)}{last_row}"
    if sheet.cells and _farness(_split(far)) <= _farness(_split(sheet.far)):
        far = sheet.far
    sheet.add(before + 1, last_row, first_col, last_col, count, far)


def _repeat(value: str | None) -> int:
    try:
        return max(1, int(value)) if value else 1
    except ValueError:
        return 1


__all__ = [
    "LEAD_SHEET_LIMITS",
    "SheetLimits",
    "SheetRefused",
    "SheetShape",
    "column_letters",
    "declared_dimension",
    "guard_workbook",
]

_ = MIB  # re-exported size unit for callers that build their own limits
