"""R7/R8 at the reader: encodings and delimiters detected (with overrides), names
surviving, malformed files read row by row or refused before anything happens."""

from __future__ import annotations

import csv
import os
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest

from tests.support.import_files import (
    CRM_HEADERS,
    CRM_ROWS,
    DELIMITERS,
    ENCODINGS_UNICODE,
    ENCODINGS_WESTERN,
    NAMES_UNICODE,
    NAMES_WESTERN,
    write_csv,
    write_xlsx,
)
from workbench.exchange import readers
from workbench.exchange.readers import ReadError, ReadOptions, detect_encoding, open_table, sniff_delimiter


def _all_rows(
    path: Path, options: ReadOptions | None = None
) -> tuple[readers.FileFormat, list[str], list[list[str]]]:
    with open_table(path, options) as reader:
        return reader.format, reader.headers, [r.values for r in reader.rows()]


def _names_rows(names: list[tuple[str, str, str]]) -> list[list[str]]:
    header = ["First Name", "Last Name", "Company", "Email"]
    return [header] + [[first, last, co, f"{i}@example.com"] for i, (first, last, co) in enumerate(names)]


@pytest.mark.parametrize("delimiter", DELIMITERS)
@pytest.mark.parametrize("encoding", ENCODINGS_UNICODE + ENCODINGS_WESTERN)
def test_every_encoding_and_delimiter_is_detected(tmp_path: Path, encoding: str, delimiter: str) -> None:
    names = NAMES_WESTERN if encoding in ENCODINGS_WESTERN else NAMES_UNICODE
    rows = _names_rows(names)
    path = write_csv(tmp_path / "leads.csv", rows, delimiter=delimiter, encoding=encoding)
    fmt, headers, values = _all_rows(path)
    assert fmt.delimiter == delimiter
    assert headers == rows[0]
    assert values == rows[1:]  # "Müller", "Łódź", "José" survive
    if encoding in ENCODINGS_WESTERN:
        assert fmt.encoding == "cp1252"  # a superset of Latin-1's printable range


def test_bom_less_utf16_is_recognised_from_its_nul_pattern() -> None:
    text = "Name,Company\nJosé,Café\n"
    assert detect_encoding(text.encode("utf-16-le")) == "utf-16-le"
    assert detect_encoding(text.encode("utf-16-be")) == "utf-16-be"
    assert detect_encoding("\ufeff".encode() + text.encode()) == "utf-8-sig"
    assert detect_encoding(text.encode("utf-8")[:-3] + "é".encode()[:1], truncated=True) == "utf-8"


def test_central_european_code_page(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "pl.csv", [["Imię", "Miasto"], ["Łukasz", "Łódź"]], encoding="cp1250")
    fmt, _headers, values = _all_rows(path)
    assert fmt.encoding == "cp1250"
    assert values == [["Łukasz", "Łódź"]]


def test_manual_overrides_win(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [["a;b", "c"], ["1;2", "3"]], delimiter=",", encoding="cp1252")
    fmt, headers, _ = _all_rows(path, ReadOptions(delimiter=";"))
    assert fmt.delimiter == ";"
    assert headers == ["a", "b,c"]  # the rep's choice is used, even when it is wrong
    path.write_bytes("Name\nJosé\n".encode())
    fmt, _h, values = _all_rows(path, ReadOptions(encoding="latin-1"))
    assert fmt.encoding == "latin-1"
    assert values == [["JosÃ©"]]  # what the rep asked for, mojibake and all
    with pytest.raises(ReadError, match="not an encoding"):
        open_table(path, ReadOptions(encoding="klingon-8"))
    with pytest.raises(ReadError, match="delimiter"):
        open_table(path, ReadOptions(delimiter=";;"))


def test_sniffing_prefers_consistent_columns() -> None:
    assert sniff_delimiter("a;b;c\n1;2;3\n4;5;6\n") == ";"
    assert sniff_delimiter('Name,Company\n"Smith; John",Acme\n') == ","
    assert sniff_delimiter("Name;Company\nMüller, Hans;Acme\nLee, Ann;Beta\n") == ";"
    assert sniff_delimiter("a\tb\n1\t2\n") == "\t"
    assert sniff_delimiter("a|b|c\n1|2|3\n") == "|"
    assert sniff_delimiter("just one column\nvalue\n") == ","


@pytest.mark.parametrize("crm", sorted(CRM_HEADERS))
def test_crm_exports_read(tmp_path: Path, crm: str) -> None:
    header = [h for h, _f in CRM_HEADERS[crm]]
    path = write_csv(tmp_path / f"{crm}.csv", [header, *CRM_ROWS[crm]], encoding="utf-8-sig")
    _fmt, headers, values = _all_rows(path)
    assert headers == header
    assert values == CRM_ROWS[crm]


def test_ragged_rows_embedded_newlines_and_nul_bytes(tmp_path: Path) -> None:
    rows = [
        ["Name", "Company", "Notes"],
        ["Ann", "Acme"],  # short
        ["Bob", "Beta", "x", "extra"],  # long
        ["Cy", "Corp", "line one\nline two\r\nline three"],
        ["D\x00an", "Del\x00ta", ""],
    ]
    path = write_csv(tmp_path / "messy.csv", rows)
    with open_table(path) as reader:
        found = list(reader.rows())
    assert [r.values for r in found] == rows[1:]
    assert [r.number for r in found] == [2, 3, 4, 5]  # spreadsheet row numbers, not lines


def test_huge_field_and_a_thousand_columns(tmp_path: Path) -> None:
    big = "x" * 40_000
    header = [f"Column {i}" for i in range(1000)]
    path = write_csv(tmp_path / "wide.csv", [header, ["v"] * 999 + [big]])
    _fmt, headers, values = _all_rows(path)
    assert len(headers) == 1000
    assert values[0][-1] == big


def test_a_field_past_the_limit_is_a_row_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_csv(tmp_path / "long.csv", [["Name", "Notes"], ["Ann", "y" * 5000], ["Bob", "ok"]])
    old = csv.field_size_limit(1000)
    try:
        with open_table(path) as reader:
            found = list(reader.rows())
    finally:
        csv.field_size_limit(old)
    assert found[0].error and not found[0].values
    assert found[-1].values == ["Bob", "ok"]


def test_blank_lines_are_skipped_and_the_header_is_the_first_filled_row(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("\n,,\nName,Company\n\nAnn,Acme\n,\n", encoding="utf-8")
    with open_table(path) as reader:
        assert reader.headers == ["Name", "Company"]
        rows = list(reader.rows())
    assert [(r.number, r.values) for r in rows] == [(5, ["Ann", "Acme"])]


def test_empty_headers_get_names(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", [["Name", "", " Company "], ["a", "b", "c"]])
    _fmt, headers, _v = _all_rows(path)
    assert headers == ["Name", "Column 2", "Company"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"\n\n  \n", "no rows"),
        (bytes(range(256)) * 64, "text"),
        (os.urandom(4096), "text"),
        (b"\x89PNG\r\n\x1a\n" + bytes(2000), "text"),
        (b"%PDF-1.7\n" + bytes(range(256)) * 20, "text"),
    ],
)
def test_unreadable_files_are_refused(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=reason):
        open_table(path)


def test_missing_file_folder_and_zip(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="does not exist"):
        open_table(tmp_path / "nope.csv")
    with pytest.raises(ReadError, match="folder"):
        open_table(tmp_path)
    archive = tmp_path / "photos.csv"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.txt", "hello")
    with pytest.raises(ReadError, match="ZIP"):
        open_table(archive)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(ReadError):
        open_table(broken)


@pytest.mark.parametrize("streamed", [False, True])
def test_xlsx_first_or_chosen_sheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: bool) -> None:
    if streamed:  # force the openpyxl read-only path used for big workbooks
        monkeypatch.setattr(readers, "CALAMINE_MAX_BYTES", 0)
    path = write_xlsx(
        tmp_path / "leads.xlsx",
        {
            "Leads": [
                ["First Name", "Last Name", "Company", "Phone", "Created", "Score"],
                ["Jürgen", "Müller", "Łódź Logistics", 4930123456, datetime(2024, 1, 5, 10, 30), 1.5],
                [None, None, None, None, None, None],
                ["José", "Núñez", "Café", None, date(2024, 1, 6), 2],
            ],
            "Other": [["Name"], ["Only here"]],
        },
    )
    fmt, headers, values = _all_rows(path)
    assert fmt.kind == "xlsx" and fmt.sheets == ("Leads", "Other") and fmt.sheet == "Leads"
    assert headers == ["First Name", "Last Name", "Company", "Phone", "Created", "Score"]
    assert values[0] == ["Jürgen", "Müller", "Łódź Logistics", "4930123456", "2024-01-05 10:30:00", "1.5"]
    assert values[1][:3] == ["José", "Núñez", "Café"]
    assert values[1][4].startswith("2024-01-06")
    _fmt, headers, values = _all_rows(path, ReadOptions(sheet="Other"))
    assert headers == ["Name"] and values == [["Only here"]]
    with pytest.raises(ReadError, match="no sheet"):
        open_table(path, ReadOptions(sheet="Missing"))


def test_a_spreadsheet_renamed_csv_still_opens(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "leads.xlsx", {"S": [["Name"], ["Ann"]]})
    renamed = path.rename(tmp_path / "leads.csv")
    fmt, headers, values = _all_rows(renamed)
    assert fmt.kind == "xlsx" and headers == ["Name"] and values == [["Ann"]]


def test_progress_fraction_moves(tmp_path: Path) -> None:
    rows = [["Name", "Company"]] + [[f"Lead {i}", "Acme"] for i in range(20_000)]
    path = write_csv(tmp_path / "many.csv", rows)
    with open_table(path) as reader:
        seen = []
        for i, _row in enumerate(reader.rows()):
            if i % 5000 == 0:
                seen.append(reader.fraction())
        assert seen == sorted(seen) and seen[-1] > 0.5
    preview = readers.preview(path, rows=3)
    assert len(preview.rows) == 3 and preview.format.describe().startswith("CSV, utf-8")
