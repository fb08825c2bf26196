"""Checking and converting one column of a pipeline file at a time.

A rollup reads tens of millions of cells, so cells are checked column by column with
C-speed building blocks (``set(map(type, …))``, ``map`` over compiled regexes) and
converted in Python only where a value must change form. Any cell that does not fit
its column's type raises :class:`BadCell` with its position, which the reader turns
into a rejection reason naming the sheet, row and column.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from functools import partial
from operator import attrgetter
from typing import Any

from workbench.exchange.csv_safe import restore
from workbench.exchange.pipeline_file.model import ColumnSpec, ColumnType

UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

EXPECTED = {
    ColumnType.TEXT: "text",
    ColumnType.UUID: "a UUID",
    ColumnType.DATE: "a date",
    ColumnType.DATETIME: "a date and time",
    ColumnType.NUMBER: "a number",
    ColumnType.INTEGER: "a whole number",
    ColumnType.BOOLEAN: "TRUE or FALSE",
}


class BadCell(Exception):
    def __init__(self, index: int, expected: str, found: Any) -> None:
        super().__init__(f"expected {expected}, found {_show(found)}")
        self.index = index
        self.expected = expected
        self.found = found


def _show(value: Any) -> str:
    if value is None or value == "":
        return "an empty cell"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _first(values: Sequence[Any], bad: Callable[[Any], bool], expected: str) -> BadCell:
    for index, value in enumerate(values):
        if bad(value):
            return BadCell(index, expected, value)
    return BadCell(0, expected, values[0] if values else None)  # pragma: no cover - callers found one


def _restored(values: Sequence[str]) -> tuple[str, ...]:
    # Only text that starts with a quote can carry formula protection to remove.
    if any(map(str.startswith, values, ("'",) * len(values))):
        return tuple(map(restore, values))
    return tuple(values)


def _text_of(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat()  # as the sheet shows it, whichever reader
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _check_enum(column: ColumnSpec, values: tuple[Any, ...]) -> None:
    if column.enum is None:
        return
    allowed = column.enum | ({None} if column.nullable else set())
    if not set(values) <= allowed:
        choices = ", ".join(sorted(column.enum))
        raise _first(values, lambda v: v not in allowed, f"one of {choices}")


#: The largest magnitude any number of a pipeline file may have (amounts are capped by
#: the schema far lower); beyond it a float loses whole units and sums stop adding up.
MAX_MAGNITUDE = 1e15
#: Dates a pipeline file may hold: a year 9999 date overflows the day-after arithmetic
#: every period uses, and nothing a rep records is that far out.
EARLIEST = date(1900, 1, 1)
LATEST = date(9000, 12, 31)


def _check_finite(values: Sequence[Any]) -> None:
    """NaN, ±Infinity and absurd magnitudes are not numbers a rep typed (C-level sweep)."""
    present = [v for v in values if v is not None]
    if present and not all(map(_usable, present)):
        raise _first(values, lambda v: v is not None and not _usable(v), "a finite number")


def _usable(value: float) -> bool:
    return math.isfinite(value) and -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE


def check_dates(values: Sequence[Any], expected: str) -> None:
    """Every date or time lies between :data:`EARLIEST` and :data:`LATEST`."""
    present = [v for v in values if isinstance(v, date)]
    if not present:
        return
    days = [
        v.date() if isinstance(v, datetime) else v for v in (min(present, key=_day), max(present, key=_day))
    ]
    if days[0] < EARLIEST or days[1] > LATEST:
        raise _first(
            values,
            lambda v: isinstance(v, date) and not EARLIEST <= _day(v) <= LATEST,
            f"{expected} between {EARLIEST.year} and {LATEST.year}",
        )


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _check_range(column: ColumnSpec, values: tuple[Any, ...]) -> None:
    _check_finite(values)
    present = [v for v in values if v is not None] if column.nullable else values
    if not present:
        return
    if column.minimum is not None and min(present) < column.minimum:
        raise _first(values, lambda v: v is not None and v < column.minimum, f"at least {column.minimum:g}")
    if column.maximum is not None and max(present) > column.maximum:
        raise _first(values, lambda v: v is not None and v > column.maximum, f"at most {column.maximum:g}")


def _empty_to_none(values: Sequence[Any], column: ColumnSpec, empty: Any) -> Sequence[Any]:
    if empty not in values:
        return values
    out = [None if v == empty and type(v) is type(empty) else v for v in values]
    if not column.nullable and None in out:
        raise _first(out, lambda v: v is None, EXPECTED[column.type])
    return out


# --- cells as a spreadsheet reader (python-calamine) gives them ---------------------
#: A checked column: its converted values, or how to convert them when first used.
Checked = tuple[Any, ...] | Callable[[], tuple[Any, ...]]


def _count(values: Sequence[Any], item: Any) -> int:
    return values.count(item) if isinstance(values, tuple | list) else sum(1 for v in values if v == item)


def _text_column(values: Sequence[Any], types: set[type]) -> tuple[Any, ...]:
    return _restored(values if types <= {str} else [_text_of(v) for v in values])


_EMPTY_TO_NONE: dict[Any, Any] = {"": None, None: None}


def _uuid_column(values: Sequence[Any]) -> tuple[Any, ...]:
    lowered = list(map(str.lower, values)) if None not in values else [v and v.lower() for v in values]
    return tuple(map(_EMPTY_TO_NONE.get, lowered, lowered))  # "" → None, C-level


_AS_UTC = partial(datetime.replace, tzinfo=UTC)
_TZINFO = attrgetter("tzinfo")


def _datetime_column(values: Sequence[Any], types: set[type]) -> tuple[Any, ...]:
    if types == {datetime}:  # no empty cells: one C-level sweep
        if set(map(_TZINFO, values)) == {UTC}:
            return tuple(values)  # already in UTC (the XML scanner gives them so)
        return tuple(map(_AS_UTC, values))
    return tuple(
        None
        if v == "" or v is None
        else (v.replace(tzinfo=UTC) if type(v) is datetime else datetime(v.year, v.month, v.day, tzinfo=UTC))
        for v in values
    )


def _date_column(values: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(None if v == "" or v is None else (v.date() if type(v) is datetime else v) for v in values)


def sheet_column(column: ColumnSpec, values: Sequence[Any]) -> Checked:
    """Check one column read from a sheet (empty cells arrive as ``""``).

    Every cell is checked now; converting values that need it (time zones, formula
    protection) waits until the column is used, since a rollup uses few of them."""
    kind = column.type
    counts = Counter(map(type, values))
    types = set(counts)
    # Every text cell is an empty one (C-speed: count of str == count of "").
    only_empty_text = counts[str] == _count(values, "")
    expected = EXPECTED[kind]
    if kind is ColumnType.TEXT:
        if column.enum is not None:
            _check_enum(column, tuple(values))
        return lambda: _text_column(values, types)
    if kind is ColumnType.UUID:
        if not types <= {str}:
            raise _first(values, lambda v: type(v) is not str, expected)
        present = [v for v in values if v]
        if not all(map(UUID_RE.fullmatch, present)):
            raise _first(values, lambda v: bool(v) and not UUID_RE.fullmatch(v), expected)
        if len(present) != len(values) and not column.nullable:
            raise _first(values, lambda v: not v, expected)
        return lambda: _uuid_column(values)
    if kind is ColumnType.DATETIME or kind is ColumnType.DATE:
        if not types <= {datetime, date, str}:
            raise _first(values, lambda v: not isinstance(v, datetime | date | str), expected)
        if str in types:
            if not only_empty_text:
                raise _first(values, lambda v: type(v) is str and v != "", expected)
            if not column.nullable:
                raise _first(values, lambda v: v == "", expected)
        check_dates(values, expected)
        return (
            (lambda: _datetime_column(values, types))
            if kind is ColumnType.DATETIME
            else (lambda: _date_column(values))
        )
    if kind is ColumnType.BOOLEAN:
        # LibreOffice keeps a boolean as a number with a TRUE/FALSE format, so a file it
        # re-saved as ODS gives 0.0 and 1.0 (issue 18); those two numbers are flags.
        if types & {float, int} and all(v in (0, 1) for v in values if type(v) in (float, int)):
            values = tuple(bool(v) if type(v) in (float, int) else v for v in values)
            types = (types - {float, int}) | {bool}
        if not types <= {bool, str} or not only_empty_text:
            raise _first(values, lambda v: not (type(v) is bool or v == ""), expected)
        return lambda: tuple(v is True for v in values)
    # NUMBER / INTEGER
    if not types <= {float, int, str} or not only_empty_text:
        raise _first(values, lambda v: not (type(v) in (float, int) or v == ""), expected)
    items = _empty_to_none(values, column, "")
    result: tuple[Any, ...]
    if kind is ColumnType.INTEGER:
        if any(v is not None and not float(v).is_integer() for v in items):
            raise _first(items, lambda v: v is not None and not float(v).is_integer(), expected)
        result = tuple(None if v is None else int(v) for v in items)
    else:
        result = (
            tuple(items) if types <= {float, str} else tuple(None if v is None else float(v) for v in items)
        )
    _check_range(column, result)
    return result


# --- values as JSON gives them ---------------------------------------------------
def _parse_all(values: Sequence[Any], parse: Callable[[str], Any], column: ColumnSpec) -> tuple[Any, ...]:
    expected = EXPECTED[column.type]
    out: list[Any] = []
    for index, value in enumerate(values):
        if value is None:
            if not column.nullable:
                raise BadCell(index, expected, value)
            out.append(None)
            continue
        if type(value) is not str:
            raise BadCell(index, expected, value)
        try:
            out.append(parse(value))
        except (ValueError, OverflowError):
            raise BadCell(index, expected, value) from None
    return tuple(out)


def _aware(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def json_column(column: ColumnSpec, values: Sequence[Any]) -> Checked:
    """Check one column of row objects read from JSON (times are converted at once:
    parsing them is the check)."""
    kind = column.type
    types = set(map(type, values))
    expected = EXPECTED[kind]
    allowed_none = {type(None)} if column.nullable else set()
    if kind is ColumnType.TEXT:
        if not types <= {str}:
            raise _first(values, lambda v: type(v) is not str, expected)
        if column.enum is not None:
            _check_enum(column, tuple(values))
        return lambda: _restored(values)
    if kind is ColumnType.UUID:
        if not types <= {str} | allowed_none:
            raise _first(values, lambda v: not (type(v) is str or (v is None and column.nullable)), expected)
        present = [v for v in values if v is not None]
        if not all(map(UUID_RE.fullmatch, present)):
            raise _first(values, lambda v: v is not None and not UUID_RE.fullmatch(v), expected)
        return lambda: _uuid_column(values)
    if kind is ColumnType.DATETIME:
        parsed = _parse_all(values, _aware, column)
        check_dates(parsed, expected)
        return parsed
    if kind is ColumnType.DATE:
        parsed = _parse_all(values, date.fromisoformat, column)
        check_dates(parsed, expected)
        return parsed
    if kind is ColumnType.BOOLEAN:
        if not types <= {bool}:
            raise _first(values, lambda v: type(v) is not bool, expected)
        return tuple(values)
    numeric = {int} if kind is ColumnType.INTEGER else {int, float}
    if not types <= numeric | allowed_none:
        if kind is ColumnType.INTEGER and types <= {int, float} | allowed_none:
            if any(type(v) is float and not v.is_integer() for v in values):
                raise _first(values, lambda v: type(v) is float and not v.is_integer(), expected)
            values = [None if v is None else int(v) for v in values]
        else:
            raise _first(
                values, lambda v: type(v) not in numeric and not (v is None and column.nullable), expected
            )
    checked = tuple(values)
    _check_range(column, checked)
    return checked
