"""Reading the columns a caller needs straight from the sheet XML of a pipeline workbook.

A rollup reads hundreds of files of tens of thousands of rows, but only a handful of
their columns. A general spreadsheet reader (python-calamine) parses every cell of every
row into Python values — 0.4 s per 10k-lead file, too slow for P7 — so this module
reads workbooks *in the dialect the app writes* (xlsxwriter: inline strings, numbers,
booleans, every row and cell with its reference) with one regular-expression pass per
sheet that picks out only the wanted columns, while the sheet streams out of the zip in
a few megabytes at a time (memory stays flat even for a 1M-row sheet).

It hands back the cells as python-calamine would (text, ``float``, ``bool``, a
``datetime`` for a date-formatted number, ``""`` for an empty cell), so the same column
checks run on them and a bad cell is reported with the same words — except that its
datetimes are already in UTC (the file's times are UTC by definition), which saves the
column checks a conversion of every value. Anything
outside the dialect — shared strings (a file saved again by Excel or LibreOffice),
formulas, rich text, rows without references, the 1904 date system — raises
:class:`OtherDialect` and the reader falls back to python-calamine for that file.
"""

from __future__ import annotations

import re
import zipfile
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from itertools import compress, islice, repeat
from operator import itemgetter, lt, sub
from typing import Any

from workbench.exchange.zip_guard import MIB, Unpacker

#: Unpacked XML handled per regular-expression pass (cut at a row boundary).
BLOCK_BYTES = 8 * MIB
EXCEL_EPOCH = datetime(1899, 12, 30, tzinfo=UTC)
MS_PER_DAY = 86_400_000.0
#: Built-in number formats that are dates or times (ECMA-376 §18.8.30, locale ones included).
BUILTIN_DATE_FORMATS = frozenset({*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)})

_SHEET_TAG = re.compile(rb"<sheet\b([^>]*?)/?>")
_REL_TAG = re.compile(rb"<Relationship\b([^>]*?)/?>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_NUMFMT = re.compile(rb'<numFmt\b[^>]*?numFmtId="(\d+)"[^>]*?formatCode="([^"]*)"')
_CELLXFS = re.compile(rb"<cellXfs\b[^>]*>(.*?)</cellXfs>", re.S)
_XF = re.compile(rb"<xf\b([^>]*?)/?>")
_ANY_CELL = re.compile(
    rb'<c r="([A-Z]+)(\d+)"([^>/]*)(?:/>|>(?:<v>([^<]*)</v>|<is><t(?: xml:space="preserve")?>([^<]*)</t></is>'
    rb"|(.*?))</c>)",
    re.S,
)
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


class OtherDialect(Exception):
    """The workbook was not written the way this app writes it (use a general reader)."""


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    return dict(_ATTR.findall(raw))


def _unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("#x"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        return _NAMED[name]

    return _ENTITY.sub(one, text)


def _is_date_format(code: str) -> bool:
    # Quoted text, [colour]/[$-locale] sections and escaped characters are not date parts.
    plain = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code).lower()
    return any(part in plain for part in "dmyhs") and "general" not in plain


@dataclass(slots=True)
class Workbook:
    """The parts of an open workbook the scanner needs."""

    unpacker: Unpacker
    sheets: dict[str, zipfile.ZipInfo]
    date_styles: frozenset[int]


def open_workbook(unpacker: Unpacker) -> Workbook:
    """Sheet names → zip members, and which cell styles are dates."""
    archive = unpacker.archive
    names = set(archive.namelist())
    try:
        book = unpacker.read(archive.getinfo("xl/workbook.xml"))
        rels = unpacker.read(archive.getinfo("xl/_rels/workbook.xml.rels"))
    except KeyError:
        raise OtherDialect("no xl/workbook.xml") from None
    if b"date1904" in book and re.search(rb'date1904="(1|true)"', book):
        raise OtherDialect("1904 date system")
    targets = {}
    for raw in _REL_TAG.findall(rels):
        a = _attrs(raw)
        target = a.get(b"Target", b"").decode()
        targets[a.get(b"Id", b"")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    sheets: dict[str, zipfile.ZipInfo] = {}
    for raw in _SHEET_TAG.findall(book):
        a = _attrs(raw)
        part = targets.get(a.get(b"r:id", b""))
        if part is None or part not in names:
            raise OtherDialect("a sheet without its part")
        sheets[_unescape(a.get(b"name", b"").decode())] = archive.getinfo(part)
    date_styles: frozenset[int] = frozenset()
    if "xl/styles.xml" in names:
        styles = unpacker.read(archive.getinfo("xl/styles.xml"))
        custom = {int(i): _unescape(code.decode()) for i, code in _NUMFMT.findall(styles)}
        xfs = _CELLXFS.search(styles)
        found = set()
        for index, raw in enumerate(_XF.findall(xfs.group(1)) if xfs else []):
            fmt = int(_attrs(raw).get(b"numFmtId", b"0"))
            if fmt in BUILTIN_DATE_FORMATS or (fmt in custom and _is_date_format(custom[fmt])):
                found.add(index)
        date_styles = frozenset(found)
    return Workbook(unpacker, sheets, date_styles)


@dataclass(slots=True)
class ScannedSheet:
    """A sheet's header, its number of data rows, and the wanted columns' cells."""

    header: list[str]
    count: int
    columns: dict[str, list[Any]]


def _blocks(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The sheet XML in blocks of whole rows (each block ends just after a ``</row>``)."""
    pending: list[bytes] = []
    size = 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size >= BLOCK_BYTES:
            data = b"".join(pending)
            cut = data.rfind(b"</row>") + len(b"</row>")
            if cut < len(b"</row>"):
                if size > 4 * BLOCK_BYTES:  # no row ends: not a sheet this scanner reads
                    raise OtherDialect("a row longer than the scanner's blocks")
                pending, size = [data], len(data)
                continue
            yield data[:cut]
            rest = data[cut:]
            pending, size = [rest], len(rest)
    if pending:
        yield b"".join(pending)


def _letters_pattern(letters: Iterable[str]) -> re.Pattern[bytes]:
    # Letters are followed by digits, so "B" never swallows the "B" of "BA12".
    choice = "|".join(sorted(set(letters))).encode()
    return re.compile(
        rb'<c r="(' + choice + rb')(\d+)"([^>/]*)(?:/>|>(?:<v>([^<]*)</v>'
        rb'|<is><t(?: xml:space="preserve")?>([^<]*)</t></is>|(.*?))</c>)',
        re.S,
    )


def _header(data: bytes) -> tuple[list[str], dict[str, str], int]:
    """Titles of row 1, title → column letters, and where row 1 ends in ``data``."""
    start = data.find(b"<sheetData>")
    if start < 0:
        raise OtherDialect("no sheet data")
    row_start = data.find(b"<row ", start)
    end = data.find(b"</row>", start)
    if row_start < 0 or end < 0 or not data.startswith(b'<row r="1"', row_start):
        raise OtherDialect("no header row")
    titles: list[str] = []
    letters: dict[str, str] = {}
    for letter, row, attrs, v, t, other in _ANY_CELL.findall(data, row_start, end):
        if row != b"1" or other or (b't="' in attrs and b't="inlineStr"' not in attrs):
            raise OtherDialect("header cells")
        text = _unescape(t.decode()) if t else (_number_text(v) if v else "")
        index = _column_index(letter)
        titles.extend([""] * (index - len(titles)))
        titles.append(text)
        letters.setdefault(text.strip(), letter.decode())
    return titles, letters, end + len(b"</row>")


def _number_text(v: bytes) -> str:
    number = float(v)
    return str(int(number)) if number.is_integer() else repr(number)


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ch - 64)
    return index - 1


#: Fields of a cell the scan finds: (letters, row, attributes, <v> text, <t> text, anything else).
_ROW, _ATTRS, _VALUE, _TEXT, _OTHER = (itemgetter(i) for i in range(1, 6))


class _Column:
    """One wanted column's values so far, in row order, empty cells filled in."""

    __slots__ = ("values",)

    def __init__(self) -> None:
        self.values: list[Any] = []

    def add(self, matches: list[tuple[bytes, ...]], date_styles: frozenset[int]) -> None:
        """Convert one block's cells and place them (C-level sweeps over the fields needed)."""
        if not matches:
            return
        if any(map(_OTHER, matches)):
            raise OtherDialect("formulas or rich text")
        kinds = {a: _cell_kind(a) for a in set(map(_ATTRS, matches))}
        if len(kinds) == 1:
            kind, style = next(iter(kinds.values()))
            raw = list(map(_TEXT if kind == "inlineStr" else _VALUE, matches))
            converted = _uniform(raw, kind, style, date_styles)
        else:
            converted = [_one(kinds[m[2]], m[3], m[4], date_styles) for m in matches]
        values = self.values
        first = len(values) + 2  # the row the next value belongs to (row 1 is the header)
        if int(matches[0][1]) == first and int(matches[-1][1]) == first + len(matches) - 1:
            values.extend(converted)
            return
        # Empty cells are not written: place the values among "" (C-level, no loop).
        numbers = list(map(int, map(_ROW, matches)))
        if numbers[0] < first or not all(map(lt, numbers, islice(numbers, 1, None))):
            raise OtherDialect("cells out of order")
        span: list[Any] = [""] * (numbers[-1] - first + 1)
        deque(map(span.__setitem__, map(sub, numbers, repeat(first)), converted), maxlen=0)
        values.extend(span)

    def finish(self, rows: int) -> list[Any]:
        if len(self.values) > rows:
            raise OtherDialect("a cell below the last row")
        self.values.extend([""] * (rows - len(self.values)))
        return self.values


def scan_sheet(book: Workbook, name: str, wanted: Iterable[str], max_rows: int) -> ScannedSheet:
    """Read sheet ``name``: its header and the cells of the columns titled ``wanted``.

    Raises :class:`OtherDialect` for a sheet this scanner does not read, and
    :class:`RowCapExceeded` when the sheet has more than ``max_rows`` data rows."""
    info = book.sheets[name]
    wanted = list(wanted)
    header: list[str] | None = None
    letters: dict[str, str] = {}
    found: dict[bytes, _Column] = {}
    pattern: re.Pattern[bytes] | None = None
    last_row = 1
    for data in _blocks(book.unpacker.chunks(info, BLOCK_BYTES)):
        begin = 0
        if header is None:
            _check_declaration(data)
            header, letters, begin = _header(data)
            found = {letters[t].encode(): _Column() for t in wanted if t in letters}
            pattern = _letters_pattern(letter.decode() for letter in found) if found else None
        _check_first_row(data, begin)
        # The last row's number is the sheet's size (a gap in the numbering shows up as
        # empty cells, which the column checks refuse where a value is required).
        tail = data.rfind(b'<row r="', begin)
        if tail >= 0:
            last_row = int(data[tail + 8 : data.index(b'"', tail + 8)])
            if last_row - 1 > max_rows:
                raise RowCapExceeded(last_row - 1)
        if pattern is None:
            continue
        matches = pattern.findall(data, begin)
        if len(found) == 1:
            next(iter(found.values())).add(matches, book.date_styles)
            continue
        tags = list(map(itemgetter(0), matches))
        for letter, column in found.items():
            column.add(list(compress(matches, map(letter.__eq__, tags))), book.date_styles)
    if header is None:
        raise OtherDialect("empty part")
    rows = last_row - 1
    columns = {title: found[letters[title].encode()].finish(rows) for title in wanted if title in letters}
    return ScannedSheet(header, rows, columns)


def _check_declaration(data: bytes) -> None:
    if not data.startswith((b"<?xml", b"<worksheet")):
        raise OtherDialect("not XML")
    declaration = data[: data.find(b"?>")] if data.startswith(b"<?xml") else b""
    if b"encoding" in declaration and b'"UTF-8"' not in declaration.upper():
        raise OtherDialect("not UTF-8")


def _check_first_row(data: bytes, begin: int) -> None:
    """The block's first row has a reference on the row and on every cell."""
    start = data.find(b"<row", begin)
    if start < 0:
        return
    end = data.find(b"</row>", start)
    if not data.startswith(b'<row r="', start) or data.count(b"<c ", start, end) != data.count(
        b'<c r="', start, end
    ):
        raise OtherDialect("rows or cells without references")


class RowCapExceeded(Exception):
    def __init__(self, rows: int) -> None:
        super().__init__(rows)
        self.rows = rows


@cache
def _cell_kind(attrs: bytes) -> tuple[str, int]:
    """("n" | "inlineStr" | "b" | other type, style index) from a cell's attributes."""
    a = _attrs(attrs)
    return a.get(b"t", b"n").decode(), int(a.get(b"s", b"0"))


def _datetimes(serials: Sequence[float]) -> list[datetime]:
    # Rounded to the millisecond, as python-calamine does (and as the writer stores);
    # map() over C callables keeps the 20k-per-file conversion out of the interpreter.
    millis = map(round, map(MS_PER_DAY.__mul__, serials))
    return list(map(EXCEL_EPOCH.__add__, map(timedelta, repeat(0), repeat(0), repeat(0), millis)))


def _texts(raw: Sequence[bytes]) -> list[str]:
    # Each distinct text is decoded once and shared: most columns repeat a few values
    # (kind, source, stage), and a million cells then cost a million pointers.
    decoded = {b: b.decode() for b in set(raw)}
    for b, text in decoded.items():
        if "_x" in text or "\r" in text:
            raise OtherDialect("escaped characters")  # calamine's _xHHHH_ and newline rules
        if "&" in text:
            decoded[b] = _unescape(text)
    return list(map(decoded.__getitem__, raw))


def _uniform(raw: list[bytes], kind: str, style: int, date_styles: frozenset[int]) -> list[Any]:
    """Every cell of the column has the same attributes: convert them in one sweep
    (``raw``: the <v> texts, or the <t> texts of inline strings)."""
    if kind == "n":
        if not all(raw):
            return [_one((kind, style), v, b"", date_styles) for v in raw]
        numbers = list(map(float, raw))
        return _datetimes(numbers) if style in date_styles else numbers
    if kind == "inlineStr":
        return _texts(raw)
    if kind == "b":
        return list(map(b"1".__eq__, raw))
    raise OtherDialect(f"cells of type {kind}")


def _one(kind: tuple[str, int], v: bytes, t: bytes, date_styles: frozenset[int]) -> Any:
    t_kind, style = kind
    if t_kind == "n":
        if not v:
            return ""
        number = float(v)
        return _datetimes([number])[0] if style in date_styles else number
    if t_kind == "inlineStr":
        return _texts([t])[0]
    if t_kind == "b":
        return v == b"1"
    raise OtherDialect(f"cells of type {t_kind}")
