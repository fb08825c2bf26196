"""How values look on screen: dates and numbers in the system locale, durations in words."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QLocale, Qt, QTimeZone

from workbench.services.tables import ColumnKind


def to_local(value: datetime) -> QDateTime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    qdt = QDateTime.fromSecsSinceEpoch(int(value.timestamp()), QTimeZone.utc())
    return qdt.toLocalTime()


def datetime_text(value: datetime) -> str:
    return QLocale().toString(to_local(value), QLocale.FormatType.ShortFormat)


def date_text(value: date) -> str:
    return QLocale().toString(QDate(value.year, value.month, value.day), QLocale.FormatType.ShortFormat)


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


def money_text(amount: float, currency: str = "") -> str:
    text = QLocale().toString(float(amount), "f", 0)
    return f"{text} {currency}".strip()


def display(kind: ColumnKind, value: Any) -> str:
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
        return money_text(float(value))
    if kind is ColumnKind.PERCENT:
        return f"{float(value) * 100:.0f} %"
    if kind is ColumnKind.NUMBER and isinstance(value, float):
        return QLocale().toString(value, "f", 1)
    if kind is ColumnKind.NUMBER:
        return QLocale().toString(int(value))
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
