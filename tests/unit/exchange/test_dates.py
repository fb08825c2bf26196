"""The date parser: ISO, US, European, month names, RFC 2822, Excel serials — and
round trips through every format (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.exchange.dates import (
    DateError,
    DateOrder,
    from_excel_serial,
    guess_order,
    parse_date,
    to_excel_serial,
)

JAN5 = datetime(2024, 1, 5)


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2024-01-05", DateOrder.MDY, JAN5),
        ("2024-01-05T13:45:00", DateOrder.MDY, datetime(2024, 1, 5, 13, 45)),
        ("2024-01-05 13:45", DateOrder.DMY, datetime(2024, 1, 5, 13, 45)),
        ("2024/01/05", DateOrder.DMY, JAN5),
        ("01/05/2024", DateOrder.MDY, JAN5),
        ("05/01/2024", DateOrder.DMY, JAN5),
        ("1/5/24", DateOrder.MDY, JAN5),
        ("05.01.2024", DateOrder.MDY, JAN5),  # dots are always day first
        ("05-01-2024", DateOrder.DMY, JAN5),
        ("1/5/2024 1:45 PM", DateOrder.MDY, datetime(2024, 1, 5, 13, 45)),
        ("1/5/2024 12:10 am", DateOrder.MDY, datetime(2024, 1, 5, 0, 10)),
        ("Jan 5, 2024", DateOrder.DMY, JAN5),
        ("January 5th 2024", DateOrder.MDY, JAN5),
        ("5 January 2024", DateOrder.MDY, JAN5),
        ("05-Jan-24", DateOrder.MDY, JAN5),
        ("5. Januar 2024", DateOrder.DMY, JAN5),
        ("5 janv. 2024", DateOrder.DMY, JAN5),
        ("Friday, January 5, 2024 1:45 PM", DateOrder.MDY, datetime(2024, 1, 5, 13, 45)),
        ("Jan 5, 2024 10:02:11", DateOrder.MDY, datetime(2024, 1, 5, 10, 2, 11)),
        ("45296", DateOrder.MDY, JAN5),  # Excel serial
        ("45296.5", DateOrder.MDY, datetime(2024, 1, 5, 12)),
        ("20240105", DateOrder.MDY, JAN5),
        ("  2024-01-05  ", DateOrder.MDY, JAN5),
    ],
)
def test_formats_seen_in_exports(text: str, order: DateOrder, expected: datetime) -> None:
    assert parse_date(text, order) == expected


def test_offsets_are_kept() -> None:
    assert parse_date("2024-01-05T13:45:00Z") == datetime(2024, 1, 5, 13, 45, tzinfo=UTC)
    value = parse_date("2024-01-05 13:45:00+02:00")
    assert value.utcoffset() == timedelta(hours=2)
    assert parse_date("Fri, 05 Jan 2024 13:45:00 +0000") == datetime(2024, 1, 5, 13, 45, tzinfo=UTC)
    assert parse_date("1704462300") == datetime(2024, 1, 5, 13, 45, tzinfo=UTC)  # Unix time


@pytest.mark.parametrize(
    "text",
    ["", "zz", "n/a", "2024-02-30", "13/13/2024", "31.02.2024", "123", "1/5/2024 13:00 PM", "Smarch 5 2024"],
)
def test_not_dates(text: str) -> None:
    with pytest.raises(DateError):
        parse_date(text, DateOrder.MDY)


def test_a_date_that_only_fits_the_other_order_is_reported() -> None:
    with pytest.raises(DateError, match="day/month"):
        parse_date("25/12/2024", DateOrder.MDY)
    with pytest.raises(DateError, match="month/day"):
        parse_date("12/25/2024", DateOrder.DMY)


def test_guess_order_from_a_column() -> None:
    assert guess_order(["01/05/2024", "13/01/2024", "02/02/2024"]) is DateOrder.DMY
    assert guess_order(["01/05/2024", "01/25/2024"]) is DateOrder.MDY
    assert guess_order(["05.01.2024"]) is DateOrder.DMY
    assert guess_order(["2024-01-05", "", "garbage"]) is DateOrder.MDY
    assert guess_order(["01/02/2024"], default=DateOrder.DMY) is DateOrder.DMY


moments = st.datetimes(min_value=datetime(1930, 1, 1), max_value=datetime(2110, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)


@given(moments)
def test_round_trip_iso(moment: datetime) -> None:
    assert parse_date(moment.isoformat()) == moment
    assert parse_date(moment.isoformat(sep=" ")) == moment
    aware = moment.replace(tzinfo=timezone(timedelta(hours=-5)))
    assert parse_date(aware.isoformat()) == aware


@given(moments)
def test_round_trip_us_and_european(moment: datetime) -> None:
    us = moment.strftime("%m/%d/%Y %H:%M:%S")
    eu = moment.strftime("%d/%m/%Y %H:%M:%S")
    dotted = moment.strftime("%d.%m.%Y %H:%M")
    assert parse_date(us, DateOrder.MDY) == moment
    assert parse_date(eu, DateOrder.DMY) == moment
    assert parse_date(dotted, DateOrder.MDY) == moment.replace(second=0)


@given(moments)
def test_round_trip_month_names_and_ampm(moment: datetime) -> None:
    # %b/%B/%p are English in the C locale Python starts in.
    assert parse_date(moment.strftime("%b %d, %Y %I:%M:%S %p")) == moment
    assert parse_date(moment.strftime("%d %B %Y")) == moment.replace(hour=0, minute=0, second=0)
    assert parse_date(moment.strftime("%A, %B %d, %Y")) == moment.replace(hour=0, minute=0, second=0)


@given(moments)
def test_round_trip_rfc2822(moment: datetime) -> None:
    aware = moment.replace(tzinfo=UTC)
    assert parse_date(format_datetime(aware)) == aware


@given(st.datetimes(min_value=datetime(1927, 5, 19), max_value=datetime(2119, 1, 1)))
def test_round_trip_excel_serials(moment: datetime) -> None:
    moment = moment.replace(microsecond=(moment.microsecond // 1000) * 1000)
    serial = to_excel_serial(moment)
    assert from_excel_serial(serial) == moment
    assert parse_date(repr(serial)) == moment
