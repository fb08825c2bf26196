"""How values look on screen: dates and numbers in the system locale, amounts with their
currency (babel), durations in words.

One place for every format, so tables, date fields, the board, Insights and Manager
agree. Under a C/POSIX locale (no language set, common on servers and in containers)
dates fall back to ISO 8601 and numbers and amounts to en-US grouping: Qt's C locale
writes "3 12 2026" and "1334100".
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QLocale, Qt, QTimeZone

from workbench.services.tables import ColumnKind

#: The currency of an amount that does not name its own (the file's profile.currency).
_default_currency = ["USD"]


def set_default_currency(code: str) -> None:
    _default_currency[0] = (code or "USD").strip().upper()[:3] or "USD"


def default_currency() -> str:
    return _default_currency[0]


def is_c_locale(locale: QLocale | None = None) -> bool:
    return (locale or QLocale()).language() == QLocale.Language.C


def number_locale() -> QLocale:
    """The locale numbers are written in: the system's, en-US under C/POSIX."""
    locale = QLocale()
    return QLocale("en_US") if is_c_locale(locale) else locale


def date_format() -> str:
    """The one date format of tables and date fields (a Qt format string): the locale's
    short date with a four-digit year, ISO 8601 under C/POSIX."""
    locale = QLocale()
    if is_c_locale(locale):
        return "yyyy-MM-dd"
    text = locale.dateFormat(QLocale.FormatType.ShortFormat)
    return text if "yyyy" in text else text.replace("yy", "yyyy")


def datetime_format() -> str:
    locale = QLocale()
    if is_c_locale(locale):
        return "yyyy-MM-dd HH:mm"
    return f"{date_format()} {locale.timeFormat(QLocale.FormatType.ShortFormat)}"


def to_local(value: datetime) -> QDateTime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    qdt = QDateTime.fromSecsSinceEpoch(int(value.timestamp()), QTimeZone.utc())
    return qdt.toLocalTime()


def datetime_text(value: datetime) -> str:
    return QLocale().toString(to_local(value), datetime_format())


def date_text(value: date) -> str:
    return QLocale().toString(QDate(value.year, value.month, value.day), date_format())


def duration_text(seconds: float) -> str:
    seconds = int(seconds)
    negative = seconds < 0
    seconds = abs(seconds)
    if seconds < 3600:
        text = f"{max(seconds // 60, 0)} min"
    elif seconds < 86400:
        hours, rest = divmod(seconds, 3600)
        text = f"{hours} h {rest // 60} min" if rest >= 60 else f"{hours} h"
    else:
        days, rest = divmod(seconds, 86400)
        text = f"{days} d {rest // 3600} h" if rest >= 3600 and days < 7 else f"{days} d"
    return f"−{text}" if negative else text


def age_text(value: datetime, now: datetime | None = None) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return duration_text((now - value).total_seconds())


def money_text(amount: float, currency: str = "", *, cents: bool = False) -> str:
    """``$546,000`` / ``546.000 €``: the locale's grouping and currency pattern (babel's
    CLDR data), whole units unless ``cents``; en-US under C/POSIX."""
    from babel.numbers import format_currency

    code = (currency or default_currency()).strip().upper() or default_currency()
    locale, pattern = _money_pattern(QLocale().name(), cents)
    try:
        return str(format_currency(float(amount), code, pattern, locale=locale, currency_digits=False))
    except (ValueError, LookupError):  # a currency code babel does not know: still readable
        return f"{number_locale().toString(float(amount), 'f', 2 if cents else 0)} {code}"


@lru_cache(maxsize=8)
def _money_pattern(qt_name: str, cents: bool) -> tuple[Any, str]:
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse("en_US" if qt_name in ("C", "POSIX", "") else qt_name)
    except (ValueError, UnknownLocaleError):
        locale = Locale.parse("en_US")
    standard = locale.currency_formats["standard"]
    pattern = str(standard.pattern).split(";")[0]
    if not cents:
        pattern = pattern.replace(".00", "")
    return locale, pattern


def display(kind: ColumnKind, value: Any, currency: str = "") -> str:
    if value is None or value == "":
        return ""
    if kind is ColumnKind.DATETIME and isinstance(value, datetime):
        return datetime_text(value)
    if kind is ColumnKind.DATE and isinstance(value, date):
        return date_text(value)
    if kind is ColumnKind.AGE and isinstance(value, datetime):
        return age_text(value)
    if kind is ColumnKind.DURATION:
        return duration_text(float(value))
    if kind is ColumnKind.MONEY:
        return money_text(float(value), currency)
    if kind is ColumnKind.PERCENT:
        return f"{float(value) * 100:.0f} %"
    if kind is ColumnKind.NUMBER and isinstance(value, float):
        return number_locale().toString(value, "f", 1)
    if kind is ColumnKind.NUMBER:
        return number_locale().toString(int(value))
    return str(value)


def alignment(kind: ColumnKind) -> Qt.AlignmentFlag:
    if kind in (
        ColumnKind.NUMBER,
        ColumnKind.MONEY,
        ColumnKind.PERCENT,
        ColumnKind.DURATION,
        ColumnKind.AGE,
    ):
        return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
