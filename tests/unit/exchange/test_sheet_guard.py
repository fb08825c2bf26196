"""The spreadsheet door (issue 19, cases 1 and 4): far cells and zip bombs are refused
before python-calamine or openpyxl allocate anything; ordinary workbooks pass."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from workbench.cli import main
from workbench.exchange.readers import ReadError, open_table
from workbench.exchange.sheet_guard import SheetRefused, column_letters, guard_workbook


def _leads_xlsx(path: Path, far: tuple[int, int] | None = None) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Leads")
    sheet.write_row(0, 0, ["Name", "Company", "Email"])
    sheet.write_row(1, 0, ["Ann Lee", "Acme", "ann@acme.example"])
    if far is not None:
        sheet.write(far[0], far[1], "x")
    book.close()
    return path


def _rezip(source: Path, target: Path, member: str, edit: object) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == member:
                data = edit(data)  # type: ignore[operator]
            out.writestr(info.filename, data)
    return target


def test_column_letters() -> None:
    assert [column_letters(n) for n in (1, 26, 27, 702, 703, 16384)] == ["A", "Z", "AA", "ZZ", "AAA", "XFD"]


def test_a_far_cell_is_refused_with_its_reference_before_any_reader(tmp_path: Path) -> None:
    # 1.9 KB that made calamine ask for a 512 GB grid and abort the process.
    path = _leads_xlsx(tmp_path / "far.xlsx", far=(1_048_575, 16_383))
    assert path.stat().st_size < 8_000
    with pytest.raises(ReadError) as caught:
        open_table(path)
    assert "XFD1048576" in str(caught.value)
    assert "'Leads'" in str(caught.value)


def test_a_far_cell_in_a_big_sheet_of_real_rows_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "wide.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Leads")
    for row in range(3000):
        sheet.write_row(row, 0, [f"name {row}", "Acme"])
    sheet.write(5, 16_000, "stray")
    book.close()
    with pytest.raises(SheetRefused, match="stray cell at WQK6"):
        guard_workbook(path, "xlsx")


def test_an_ordinary_workbook_passes_and_reads(tmp_path: Path) -> None:
    path = _leads_xlsx(tmp_path / "ok.xlsx")
    shape = guard_workbook(path, "xlsx")
    assert (shape.rows, shape.columns) == (2, 3)
    with open_table(path) as reader:
        assert reader.headers == ["Name", "Company", "Email"]
        assert [r.values for r in reader.rows()] == [["Ann Lee", "Acme", "ann@acme.example"]]


def test_a_lying_dimension_alone_is_harmless(tmp_path: Path) -> None:
    good = _leads_xlsx(tmp_path / "ok.xlsx")
    lying = _rezip(
        good,
        tmp_path / "lying.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda d: d.replace(b'<dimension ref="A1:C2"/>', b'<dimension ref="A1:XFD1048576"/>'),
    )
    with open_table(lying) as reader:
        assert [r.values for r in reader.rows()] == [["Ann Lee", "Acme", "ann@acme.example"]]


def test_lead_import_xlsx_zip_bomb_is_refused_in_bounded_time(tmp_path: Path) -> None:
    good = _leads_xlsx(tmp_path / "ok.xlsx")
    filler = b" " * (64 * 1024 * 1024)  # 64 MB of whitespace: ~64 KB compressed

    def inflate(data: bytes) -> bytes:
        return data.replace(b"<sheetData>", b"<sheetData>" + filler, 1)

    bomb = _rezip(good, tmp_path / "bomb.xlsx", "xl/worksheets/sheet1.xml", inflate)
    assert bomb.stat().st_size < 1024 * 1024
    started = time.monotonic()
    with pytest.raises(ReadError, match="compressed-file bomb"):
        open_table(bomb)
    assert time.monotonic() - started < 10


def _ods(path: Path, rows_xml: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Leads">'
        f"{rows_xml}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        out.writestr("content.xml", content)
        out.writestr("META-INF/manifest.xml", manifest)
    return path


def _cell(text: str, repeat: int = 1) -> str:
    times = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return f'<table:table-cell office:value-type="string"{times}><text:p>{text}</text:p></table:table-cell>'


def test_ods_repeated_values_count_as_often_as_they_repeat(tmp_path: Path) -> None:
    header = f"<table:table-row>{_cell('Name')}{_cell('Company')}</table:table-row>"
    bomb_row = f'<table:table-row table:number-rows-repeated="1000000">{_cell("x", 16000)}</table:table-row>'
    path = _ods(tmp_path / "bomb.ods", header + bomb_row)
    with pytest.raises(ReadError, match="Leads"):
        open_table(path)


def test_ods_trailing_empty_repeats_are_free(tmp_path: Path) -> None:
    rows = (
        f"<table:table-row>{_cell('Name')}{_cell('Company')}"
        '<table:table-cell table:number-columns-repeated="1022"/></table:table-row>'
        f"<table:table-row>{_cell('Ann Lee')}{_cell('Acme')}"
        '<table:table-cell table:number-columns-repeated="1022"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048574">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    path = _ods(tmp_path / "ok.ods", rows)
    assert guard_workbook(path, "ods").rows == 2
    with open_table(path) as reader:
        assert reader.headers == ["Name", "Company"]
        assert [r.values for r in reader.rows()] == [["Ann Lee", "Acme"]]


def test_cli_import_of_a_far_cell_file_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _leads_xlsx(tmp_path / "far.xlsx", far=(1_048_575, 16_383))
    db = tmp_path / "wb.db"
    assert main(["import", str(path), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "XFD1048576" in err
    assert "Traceback" not in err
    assert not db.exists()
