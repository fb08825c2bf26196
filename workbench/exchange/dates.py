"""Dates as they appear in exported files: ISO 8601, US and European numeric dates,
month names, RFC 2822 (e-mail headers), Excel serial numbers and Unix timestamps.

The one question a text cannot answer alone is whether ``03/04/2024`` is the 4th of
March (US) or the 3rd of April (Europe). A file answers it: :func:`guess_order` looks
at a column's values, and the importer parses the whole column with that order. A
value that only fits the *other* order is then reported instead of being silently
read the wrong way round.

Parsed values are naive unless the text carried an offset (``Z``, ``+02:00``…); the
importer decides which time zone naive values belong to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from enum import StrEnum
from functools import lru_cache

from workbench.domain.normalize import strip_accents


class DateOrder(StrEnum):
    """How to read an all-numeric day/month pair."""

    MDY = "mdy"  # 03/04/2024 = March 4 (US)
    DMY = "dmy"  # 03/04/2024 = 3 April (Europe, most of the world)


class DateError(ValueError):
    """The text is not a date this parser knows, or does not fit the file's order."""


#: Excel's day zero (its 1900 system, shifted by its famous 1900-02-29 bug).
EXCEL_EPOCH = datetime(1899, 12, 30)
#: Serials in this range are read as Excel dates (1927 … 2119); other numbers are not dates.
EXCEL_SERIAL_RANGE = (10_000.0, 80_000.0)

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january", "janv", "janvier", "januar", "ene", "enero"),
            ("feb", "february", "fev", "fevr", "fevrier", "februar", "febrero"),
            ("mar", "march", "mars", "marz", "maerz", "marzo"),
            ("apr", "april", "avr", "avril", "abr", "abril"),
            ("may", "mai", "mayo"),
            ("jun", "june", "juin", "juni", "junio"),
            ("jul", "july", "juil", "juillet", "juli", "julio"),
            ("aug", "august", "aout", "ago", "agosto"),
            ("sep", "sept", "september", "septembre", "septiembre"),
            ("oct", "october", "octobre", "okt", "oktober", "octubre"),
            ("nov", "november", "novembre", "noviembre"),
            ("dec", "december", "decembre", "dez", "dezember", "dic", "diciembre"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = re.compile(r"^(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)
_TIME = (
    r"(?:[ T,]+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,6})\d*)?)?"
    r"\s*(?P<ampm>[ap]\.?m\.?)?)?"
)
_ZONE = r"\s*(?P<tz>z|utc|gmt|[+-]\d{2}:?\d{2})?"
_NUMERIC = re.compile(
    r"^(?P<a>\d{1,4})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{1,4})" + _TIME + _ZONE + r"$", re.I
)
_NAMED_DMY = re.compile(
    r"^(?P<d>\d{1,2})(?:st|nd|rd|th)?[\s\-./]+(?P<mon>[^\W\d_]+)\.?[\s\-./,]+(?P<y>\d{2,4})"
    + _TIME
    + _ZONE
    + r"$",
    re.I,
)
_NAMED_MDY = re.compile(
    r"^(?P<mon>[^\W\d_]+)\.?[\s\-./]+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?[\s\-./]+(?P<y>\d{2,4})"
    + _TIME
    + _ZONE
    + r"$",
    re.I,
)
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


def _year(text: str) -> int:
    year = int(text)
    if len(text) <= 2:
        # POSIX's pivot: 69–99 are the 1900s, 00–68 the 2000s.
        year += 1900 if year >= 69 else 2000
    return year


def _zone(text: str | None) -> timedelta | None:
    if not text:
        return None
    text = text.casefold()
    if text in ("z", "utc", "gmt"):
        return timedelta(0)
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))


def _build(year: int, month: int, day: int, m: re.Match[str]) -> datetime:
    hour = int(m["h"] or 0)
    minute = int(m["mi"] or 0)
    second = int(m["s"] or 0)
    micro = int((m["f"] or "0").ljust(6, "0"))
    ampm = (m["ampm"] or "").replace(".", "").casefold()
    if ampm:
        if not 1 <= hour <= 12:
            raise DateError("an hour with AM/PM must be 1–12")
        hour = (hour % 12) + (12 if ampm == "pm" else 0)
    try:
        value = datetime(year, month, day, hour, minute, second, micro)
    except ValueError as exc:
        raise DateError(str(exc)) from exc
    offset = _zone(m["tz"])
    if offset is not None:
        value = value.replace(tzinfo=timezone(offset))
    return value


def from_excel_serial(serial: float) -> datetime:
    """Excel's day number (with the time of day as the fraction) as a datetime."""
    # Rounded to the millisecond: Excel stores times as binary fractions of a day.
    return EXCEL_EPOCH + timedelta(milliseconds=round(serial * 86_400_000))


def to_excel_serial(value: datetime) -> float:
    return (value - EXCEL_EPOCH) / timedelta(days=1)


def _numeric(text: str) -> datetime:
    number = float(text)
    low, high = EXCEL_SERIAL_RANGE
    if low <= number < high:
        return from_excel_serial(number)
    if len(text) == 8 and text.isdigit():  # 20240105
        try:
            return datetime(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError as exc:
            raise DateError(str(exc)) from exc
    if text.isdigit() and len(text) in (10, 13):  # Unix time in seconds or milliseconds
        seconds = int(text) / (1000 if len(text) == 13 else 1)
        return datetime.fromtimestamp(seconds, UTC)
    raise DateError("a number that is not a date")


def _month(name: str) -> int:
    key = strip_accents(name).casefold().rstrip(".")
    if key not in _MONTHS:
        raise DateError(f"unknown month {name!r}")
    return _MONTHS[key]


@lru_cache(maxsize=8192)
def parse_date(text: str, order: DateOrder = DateOrder.MDY) -> datetime:
    """The datetime written in ``text``; raises :class:`DateError` when there is none.

    Date-only texts give midnight. ``order`` decides ambiguous numeric dates.
    """
    text = " ".join(text.split())
    if not text:
        raise DateError("empty")
    if _NUMBER.match(text):
        return _numeric(text)
    try:
        return datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        pass
    cleaned = _WEEKDAYS.sub("", text)
    m = _NUMERIC.match(cleaned)
    if m:
        a, b, c = m["a"], m["b"], m["c"]
        if len(a) == 4:  # 2024/01/05, 2024.01.05
            return _build(int(a), int(b), int(c), m)
        if len(a) > 2 or len(c) == 3:
            raise DateError("not a date")
        year = _year(c)
        first, second = int(a), int(b)
        day_first = order is DateOrder.DMY or m["sep"] == "."  # dots are only ever D.M.Y
        day, month = (first, second) if day_first else (second, first)
        if month > 12 and day <= 12:
            raise DateError(
                f"{text!r} reads as {'day/month' if not day_first else 'month/day'}, "
                f"but the file's dates are {'day/month' if day_first else 'month/day'}"
            )
        return _build(year, month, day, m)
    for pattern in (_NAMED_DMY, _NAMED_MDY):
        m = pattern.match(cleaned)
        if m:
            return _build(_year(m["y"]), _month(m["mon"]), int(m["d"]), m)
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError) as exc:
        raise DateError("not a date") from exc


def try_parse(text: str, order: DateOrder = DateOrder.MDY) -> datetime | None:
    try:
        return parse_date(text, order)
    except DateError:
        return None


def guess_order(values: Iterable[str], default: DateOrder = DateOrder.MDY) -> DateOrder:
    """The order a column's numeric dates are written in: a first number above 12
    means day/month, a second above 12 means month/day; otherwise ``default``."""
    dmy = mdy = 0
    for value in values:
        m = _NUMERIC.match(_WEEKDAYS.sub("", " ".join(value.split())))
        if not m or len(m["a"]) == 4:
            continue
        if m["sep"] == ".":
            dmy += 1
        first, second = int(m["a"]), int(m["b"])
        if first > 12 >= second:
            dmy += 1
        elif second > 12 >= first:
            mdy += 1
    if dmy > mdy:
        return DateOrder.DMY
    if mdy > dmy:
        return DateOrder.MDY
    return default


__all__ = [
    "DateError",
    "DateOrder",
    "from_excel_serial",
    "guess_order",
    "parse_date",
    "to_excel_serial",
    "try_parse",
]
