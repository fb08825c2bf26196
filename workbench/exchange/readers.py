"""Reading the table files reps are handed: CSV/TSV/TXT in any common encoding and
delimiter, and spreadsheets (XLSX, XLS, ODS) — one row at a time.

Rows are streamed: a CSV is decoded and split as it is read, a large XLSX is read
through openpyxl's read-only mode, so a million-row file never sits in memory. Every
cell comes out as text; typed spreadsheet cells (dates, numbers) are written the way
the importer's parsers read them back.

Detection, each with a manual override in :class:`ReadOptions`:

* **encoding** — a byte-order mark decides first (UTF-8, UTF-16, UTF-32); then the NUL
  pattern of BOM-less UTF-16; then strict UTF-8; the rest is left to
  ``charset-normalizer`` among the legacy single-byte code pages, preferring cp1252
  (Excel's "CSV" on Western Windows, a superset of Latin-1's printable range) on ties;
* **delimiter** — the one of ``, ; tab |`` that splits the first rows into the most
  consistent number of columns (more than one);
* **kind** — from the file's first bytes, not its name: a spreadsheet renamed ``.csv``
  still opens, a binary file renamed ``.csv`` is refused before anything is written.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any, NamedTuple

from workbench.exchange.sheet_guard import SheetRefused, SheetShape, guard_workbook
from workbench.exchange.special_files import special_reason

#: Bytes looked at to detect encoding and delimiter.
SAMPLE_BYTES = 256 * 1024
#: The biggest single cell accepted; a stray quote can otherwise swallow a whole file.
MAX_FIELD_CHARS = 4 * 1024 * 1024
#: XLSX files above this size are streamed with openpyxl; smaller ones are read by the
#: much faster python-calamine, which loads one sheet at a time into memory.
CALAMINE_MAX_BYTES = 16 * 1024 * 1024
#: …and so are XLSX files whose largest sheet unpacks to more XML than this (calamine
#: holds the sheet's whole grid: memory must follow a chunk, not the file).
CALAMINE_MAX_SHEET_BYTES = 128 * 1024 * 1024
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
#: Encodings offered as manual overrides (any name Python knows is accepted too).
ENCODINGS = (
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "cp1252",
    "latin-1",
    "iso-8859-15",
    "cp1250",
    "cp1251",
    "mac-roman",
)
_LEGACY_CODEPAGES = ["cp1252", "latin_1", "iso8859_15", "cp1250", "cp1251", "cp1253", "cp1254", "cp1257"]
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls

csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD_CHARS))


class ReadError(Exception):
    """The file cannot be read as a table; the message says why, for the rep."""


@dataclass(frozen=True)
class ReadOptions:
    """Manual overrides; ``None`` means detect."""

    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None


@dataclass(frozen=True)
class FileFormat:
    """What was detected (or chosen) about a file."""

    kind: str  # "csv", "xlsx", "xls" or "ods"
    encoding: str = ""
    delimiter: str = ""
    sheets: tuple[str, ...] = ()
    sheet: str = ""

    @property
    def is_spreadsheet(self) -> bool:
        return self.kind != "csv"

    def describe(self) -> str:
        if self.is_spreadsheet:
            return f"{self.kind.upper()}, sheet {self.sheet!r}"
        return f"CSV, {self.encoding}, {DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))}-separated"


class SourceRow(NamedTuple):
    """One data row: its number as a spreadsheet shows it (the header is row 1), its
    cells, and why it could not be split when it could not (then ``values`` is empty)."""

    number: int
    values: list[str]
    error: str = ""
    #: Imported, but worth telling the rep (bytes the file's encoding could not read).
    warning: str = ""


@dataclass
class Preview:
    format: FileFormat
    headers: list[str]
    rows: list[SourceRow] = field(default_factory=list)


# --- detection -------------------------------------------------------------------------
def _looks_utf8(sample: bytes, truncated: bool) -> bool:
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A sample cut inside a multi-byte character is still UTF-8.
        return truncated and exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data"
    return True


def detect_encoding(sample: bytes, *, truncated: bool = False) -> str:
    """The encoding of a text sample (see the module's notes for the order of tests)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = sample[:4096]
    half = len(head) // 2
    if half >= 2:
        even_nuls, odd_nuls = head[0::2].count(0), head[1::2].count(0)
        if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
            return "utf-16-le"
        if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
            return "utf-16-be"
    if _looks_utf8(sample, truncated):
        return "utf-8"
    from charset_normalizer import from_bytes

    results = list(from_bytes(sample, cp_isolation=_LEGACY_CODEPAGES))
    if not results:
        raise ReadError("it does not look like a text file in any known encoding")
    best = min(r.chaos for r in results)
    # Encodings that decode the sample to the same text are grouped by the library.
    close = [name for r in results if r.chaos <= best + 0.02 for name in r.could_be_from_charset]
    if "cp1252" in close or "latin_1" in close:
        if "cp1250" in close and _central_european(sample):
            return "cp1250"
        return "cp1252"
    return str(close[0]).replace("_", "-")


#: What Polish/Czech letters of cp1250 look like when read as cp1252 (Ł→£, ź→Ÿ, ą→¹…).
_CP1250_TELLS = frozenset("£¥¹³¿ŸœŒ¯Š")


def _central_european(sample: bytes) -> bool:
    """Whether cp1250 letters read as cp1252 turn into symbols inside words."""
    text = sample.decode("cp1252", errors="replace")
    hits = 0
    for i, c in enumerate(text):
        if c in _CP1250_TELLS:
            before = text[i - 1] if i else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            hits += before.isalpha() or after.isalpha()
    return hits >= 1


def _binary_ratio(text: str) -> float:
    """Share of control characters (not tab, CR, LF): text files have next to none.
    Undecodable bytes (U+FFFD) do not count: they mean a wrong encoding, not binary."""
    if not text:
        return 0.0
    bad = sum(1 for c in text if c < " " and c not in "\t\r\n")
    return bad / len(text)


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the sample into the most consistent number of (more
    than one) columns; comma when nothing splits it."""
    if "\n" in text.rstrip("\r\n"):
        text = text[: text.rstrip("\r\n").rfind("\n") + 1] or text  # drop a cut-off last line
    best: tuple[float, int, int] = (0.0, 0, 0)
    chosen = ","
    for rank, delimiter in enumerate(DELIMITERS):
        try:
            rows = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter, strict=False) if any(r)]
        except csv.Error:
            continue
        rows = rows[:200]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistent = sum(1 for r in rows if len(r) == width) / len(rows)
        score = (round(consistent, 2), width, -rank)
        if score > best:
            best, chosen = score, delimiter
    return chosen


def _kind_of(path: Path, head: bytes) -> str:
    if head.startswith(_OLE_MAGIC):
        return "xls"
    if head.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as exc:
            raise ReadError("it is a damaged ZIP archive, not a table") from exc
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names:
            return "ods"
        raise ReadError("it is a ZIP archive, not a spreadsheet or CSV file")
    return "csv"


def _check_readable(path: Path) -> int:
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise ReadError(f"{path} does not exist") from exc
    except OSError as exc:
        raise ReadError(f"{path} cannot be read: {exc.strerror or exc}") from exc
    if path.is_dir():
        raise ReadError(f"{path} is a folder")
    special = special_reason(path)
    if special is not None:
        raise ReadError(f"{path} {special}")
    if size == 0:
        raise ReadError("the file is empty")
    return size


def check_encoding(encoding: str) -> None:
    """Refuse a name that is not a text encoding: Python also knows codecs that turn
    bytes into bytes (``base64``, ``zlib_codec``), text into text (``rot13``) or always
    fail (``undefined``) — each ended the import with a traceback."""
    try:
        info = codecs.lookup(encoding)
        usable = getattr(info, "_is_text_encoding", True)
        "Az".encode(encoding).decode(encoding)
    except (LookupError, UnicodeError, TypeError, ValueError):
        usable = False
    if not usable:
        raise ReadError(
            f"{encoding!r} is not an encoding this app knows (a text encoding such as utf-8 or cp1252)"
        )


# --- opening ---------------------------------------------------------------------------
class TableReader:
    """An open table file: its format, its header row and an iterator over its rows."""

    format: FileFormat
    headers: list[str]
    #: The line (row number as a spreadsheet shows it) the headers were read from.
    header_line: int = 1

    def rows(self) -> Iterator[SourceRow]:
        raise NotImplementedError

    def fraction(self) -> float:
        """How far :meth:`rows` has got, from 0 to 1 (for progress bars)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the file."""

    def __enter__(self) -> TableReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _clean_headers(cells: list[str]) -> list[str]:
    headers = []
    for i, cell in enumerate(cells):
        text = " ".join(cell.replace("\ufeff", "").replace("\x00", "").split())
        headers.append(text or f"Column {i + 1}")
    return headers


class CsvReader(TableReader):
    def __init__(self, path: Path, size: int, options: ReadOptions) -> None:
        with path.open("rb") as fh:
            sample = fh.read(SAMPLE_BYTES)
        encoding = options.encoding or detect_encoding(sample, truncated=size > len(sample))
        check_encoding(encoding)
        text = sample.decode(encoding, errors="replace")
        if _binary_ratio(text[:20000]) > 0.05:
            raise ReadError("it is not a text (CSV) file: it holds binary data")
        delimiter = options.delimiter or sniff_delimiter(text)
        if delimiter in ("\\t", "tab", "TAB"):
            delimiter = "\t"
        if len(delimiter) != 1 or delimiter in '"\r\n':
            raise ReadError(f"{delimiter!r} cannot be a delimiter (use one character such as , ; | or tab)")
        self.format = FileFormat("csv", encoding=encoding, delimiter=delimiter)
        self._size = size
        self._raw: IO[bytes] = path.open("rb")
        self._text = io.TextIOWrapper(self._raw, encoding=encoding, errors="replace", newline="")
        #: Physical lines whose bytes did not fit the encoding (see _utf8_lines).
        self._odd_lines: list[int] = []
        self._fallback = ""
        if codecs.lookup(encoding).name in ("utf-8", "utf-8-sig") and size > len(sample):
            # The sample decided UTF-8, but only the file's first 256 KB were looked at:
            # later bytes are checked line by line instead of silently becoming U+FFFD.
            self._fallback = "" if options.encoding else "cp1252"
            lines: Iterator[str] = _utf8_lines(self._raw, encoding, self._fallback, self._odd_lines)
        else:
            lines = self._text
        self._reader = csv.reader(lines, delimiter=delimiter, strict=False)
        self._record = 0
        self.headers = []
        for number, values, error, _warning in self._records():
            if error:
                raise ReadError(f"its header row cannot be read ({error})")
            if any(v.strip() for v in values):
                self.headers = _clean_headers(values)
                self._record = self.header_line = number
                break
        if not self.headers:
            self.close()
            raise ReadError("the file has no rows")

    def _records(self) -> Iterator[SourceRow]:
        odd = self._odd_lines
        while True:
            self._record += 1
            first_line = self._reader.line_num + 1
            try:
                values = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield SourceRow(self._record, [], str(exc))
                continue
            if odd and odd[-1] >= first_line:
                odd.clear()
                yield SourceRow(self._record, values, "", self._odd_warning())
                continue
            yield SourceRow(self._record, values)

    def _odd_warning(self) -> str:
        if self._fallback:
            return f"bytes that are not {self.format.encoding} were read as {self._fallback}"
        return f"bytes that are not {self.format.encoding} are shown as \ufffd"

    def rows(self) -> Iterator[SourceRow]:
        for row in self._records():
            if row.error or any(v.strip() for v in row.values):
                yield row

    def fraction(self) -> float:
        try:
            return min(1.0, self._raw.tell() / self._size)
        except (OSError, ValueError):
            return 1.0

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._text.close()
        self._raw.close()


def _utf8_lines(raw: IO[bytes], encoding: str, fallback: str, odd: list[int]) -> Iterator[str]:
    """The file's lines decoded as UTF-8; a line that is not UTF-8 is decoded with
    ``fallback`` (or with replacement characters when the rep chose the encoding), and
    its number is added to ``odd`` so its row carries a warning."""
    decoder = codecs.getincrementaldecoder(encoding)()  # utf-8-sig drops the BOM once
    for number, data in enumerate(iter(raw.readline, b""), start=1):
        try:
            yield decoder.decode(data)
        except UnicodeDecodeError:
            odd.append(number)
            yield data.decode(fallback or encoding, errors="replace")


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text the importer parses."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


class SpreadsheetReader(TableReader):
    def __init__(self, path: Path, size: int, kind: str, options: ReadOptions) -> None:
        self._rows_iter: Iterator[Any]
        self._total = 0
        self._done = 0
        self._closer: Any = None
        shape = _guarded(path, kind)
        try:
            big = size > CALAMINE_MAX_BYTES or shape.largest_sheet_bytes > CALAMINE_MAX_SHEET_BYTES
            if kind == "xlsx" and big:
                sheets, sheet = self._open_openpyxl(path, options.sheet)
                self._total = shape.rows  # the sheet's own <dimension> may lie
            else:
                sheets, sheet = self._open_calamine(path, options.sheet)
        except ReadError:
            raise
        except Exception as exc:  # every reader library has its own error types
            raise ReadError(f"the {kind.upper()} file cannot be read ({exc})") from exc
        self.format = FileFormat(kind, sheets=tuple(sheets), sheet=sheet)
        self.headers = []
        self._number = 0
        for number, values, _error, _warning in self._records():
            if any(v.strip() for v in values):
                self.headers = _clean_headers(values)
                self._number = self.header_line = number
                break
        if not self.headers:
            self.close()
            raise ReadError(f"the sheet {sheet!r} is empty")

    @staticmethod
    def _pick(sheets: list[str], wanted: str | None) -> str:
        if not sheets:
            raise ReadError("the workbook has no sheets")
        if wanted is None:
            return sheets[0]
        if wanted not in sheets:
            raise ReadError(f"the workbook has no sheet {wanted!r} (it has: {', '.join(sheets)})")
        return wanted

    def _open_calamine(self, path: Path, wanted: str | None) -> tuple[list[str], str]:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(path))
        self._closer = book
        sheets = list(book.sheet_names)
        sheet = self._pick(sheets, wanted)
        data = book.get_sheet_by_name(sheet)
        self._total = int(data.height)
        self._rows_iter = iter(data.iter_rows())
        return sheets, sheet

    def _open_openpyxl(self, path: Path, wanted: str | None) -> tuple[list[str], str]:
        import openpyxl

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # style warnings of files from other tools
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        self._closer = book
        sheets = list(book.sheetnames)
        sheet = self._pick(sheets, wanted)
        ws = book[sheet]
        self._total = int(getattr(ws, "max_row", 0) or 0)
        self._rows_iter = iter(ws.iter_rows(values_only=True))
        return sheets, sheet

    def _records(self) -> Iterator[SourceRow]:
        for cells in self._rows_iter:
            self._number += 1
            self._done = self._number
            values = [cell_text(c) for c in cells]
            while values and not values[-1]:
                values.pop()
            yield SourceRow(self._number, values)

    def rows(self) -> Iterator[SourceRow]:
        for row in self._records():
            if any(v.strip() for v in row.values):
                yield row

    def fraction(self) -> float:
        return min(1.0, self._done / self._total) if self._total else 0.0

    def close(self) -> None:
        closer, self._closer = self._closer, None
        if closer is not None:
            with contextlib.suppress(Exception):
                closer.close()


def _guarded(path: Path, kind: str) -> SheetShape:
    """The spreadsheet door (:mod:`.sheet_guard`): zip bombs and far cells are refused
    before a reader library allocates anything (legacy XLS is not a zip)."""
    if kind not in ("xlsx", "ods"):
        return SheetShape()
    try:
        return guard_workbook(path, kind)
    except SheetRefused as exc:
        raise ReadError(str(exc)) from None


def open_table(path: Path | str, options: ReadOptions | None = None) -> TableReader:
    """Open ``path`` for reading rows; raises :class:`ReadError` with the reason when
    it is not a table this app can read."""
    path = Path(path)
    options = options or ReadOptions()
    size = _check_readable(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise ReadError(f"{path} cannot be read: {exc.strerror or exc}") from exc
    kind = _kind_of(path, head)
    try:
        if kind == "csv":
            return CsvReader(path, size, options)
        return SpreadsheetReader(path, size, kind, options)
    except OSError as exc:
        raise ReadError(f"{path} cannot be read: {exc.strerror or exc}") from exc


def preview(path: Path | str, options: ReadOptions | None = None, rows: int = 50) -> Preview:
    """The format, headers and first ``rows`` rows of a file."""
    with open_table(path, options) as reader:
        found = Preview(reader.format, reader.headers)
        for row in reader.rows():
            found.rows.append(row)
            if len(found.rows) >= rows:
                break
    return found


def with_overrides(fmt: FileFormat) -> ReadOptions:
    """Options that re-open a file exactly as it was detected."""
    if fmt.is_spreadsheet:
        return ReadOptions(sheet=fmt.sheet)
    return ReadOptions(encoding=fmt.encoding, delimiter=fmt.delimiter)


__all__ = [
    "DELIMITERS",
    "DELIMITER_NAMES",
    "ENCODINGS",
    "FileFormat",
    "Preview",
    "ReadError",
    "ReadOptions",
    "SourceRow",
    "TableReader",
    "cell_text",
    "detect_encoding",
    "open_table",
    "preview",
    "sniff_delimiter",
    "with_overrides",
]
