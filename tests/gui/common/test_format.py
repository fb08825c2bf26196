"""Amounts and dates as a rep reads them: the locale's grouping and currency, one date
format for tables and date fields, ISO dates and en-US grouping under C/POSIX."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import QDateEdit
from pytestqt.qtbot import QtBot

from workbench.services.tables import ColumnKind
from workbench.ui.common import format as fmt


@pytest.fixture
def locale() -> Iterator[object]:
    before = QLocale()
    yield QLocale.setDefault
    QLocale.setDefault(before)
    fmt.set_default_currency("USD")


@pytest.mark.parametrize(
    ("name", "usd", "eur", "number", "day"),
    [
        ("en_US", "$546,000", "€546,000", "1,334,100", "3/12/2026"),
        ("de_DE", "546.000 $", "546.000 €", "1.334.100", "12.03.2026"),
        ("C", "$546,000", "€546,000", "1,334,100", "2026-03-12"),
    ],
)
def test_amounts_and_dates_in_the_locale(
    locale: object, name: str, usd: str, eur: str, number: str, day: str
) -> None:
    QLocale.setDefault(QLocale(name))
    assert fmt.money_text(546000, "USD").replace("\xa0", " ") == usd
    assert fmt.money_text(546000, "eur").replace("\xa0", " ") == eur
    assert fmt.display(ColumnKind.NUMBER, 1334100) == number
    assert fmt.date_text(date(2026, 3, 12)) == day
    # An amount without its own currency is in the file's (profile.currency).
    fmt.set_default_currency("EUR")
    shown = fmt.display(ColumnKind.MONEY, 1334100.0)
    assert shown == fmt.money_text(1334100, "EUR")
    assert number in shown.replace("\xa0", " ")
    assert "€" in fmt.display(ColumnKind.MONEY, 1334100.0)
    assert fmt.money_text(9000.5, "USD", cents=True).replace("\xa0", " ") in ("$9,000.50", "9.000,50 $")
    # A code babel does not know is still readable, never a crash.
    assert "XQQ" in fmt.money_text(5, "XQQ")


def test_c_locale_datetimes_are_iso(locale: object) -> None:
    QLocale.setDefault(QLocale("C"))
    assert fmt.datetime_format() == "yyyy-MM-dd HH:mm"
    text = fmt.datetime_text(datetime(2026, 3, 12, 9, 30, tzinfo=UTC))
    assert text[:4] == "2026" and text[4] == "-"


@pytest.mark.parametrize("name", ["en_US", "de_DE", "C"])
def test_date_fields_and_tables_agree(qtbot: QtBot, locale: object, name: str) -> None:
    from workbench.ui.leads.triage import NurtureDialog

    QLocale.setDefault(QLocale(name))
    dialog = NurtureDialog(None, date(2026, 3, 10), 30, 1)
    qtbot.addWidget(dialog)
    [edit] = dialog.findChildren(QDateEdit)
    edit.setDate(QDate(2026, 4, 9))
    assert edit.text() == fmt.date_text(date(2026, 4, 9))
    assert "2026" in edit.text()  # four digits, never "26"
