"""Pipeline files saved again by a spreadsheet program (issue 18): LibreOffice keeps a
TRUE/FALSE cell as a number with a boolean format, so its ODS (and its XLSX) give 0.0
and 1.0 where the app wrote booleans; the rollup must still load them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from python_calamine import CalamineWorkbook

from tests.support import pipeline_data as data
from tests.support.ods import write_ods
from workbench.exchange.pipeline_file import read_pipeline_file
from workbench.exchange.pipeline_file.model import TABLE_KEYS
from workbench.services.clock import fixed_clock
from workbench.services.manager.export import export_pipeline
from workbench.services.manager.rollup import roll_up
from workbench.store import Workbench


def _sheets(xlsx: Path) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_path(str(xlsx))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def _exported(wb: Workbench, tmp_path: Path) -> Path:
    data.build(wb)
    xlsx = tmp_path / "pipeline.xlsx"
    export_pipeline(wb, xlsx, clock=fixed_clock(data.NOW))
    return xlsx


def _booleans_as_numbers(rows: list[list[Any]]) -> tuple[list[list[Any]], int]:
    flipped = 0
    out = []
    for row in rows:
        new = []
        for value in row:
            if isinstance(value, bool):
                flipped += 1
                value = 1.0 if value else 0.0
            new.append(value)
        out.append(new)
    return out, flipped


def _same_content(a: Path, b: Path) -> None:
    first, second = read_pipeline_file(a), read_pipeline_file(b)
    assert first.meta.rep == second.meta.rep
    for key in TABLE_KEYS:
        assert first.rows(key) == second.rows(key), key


def test_an_ods_resaved_by_libreoffice_loads(wb: Workbench, tmp_path: Path) -> None:
    xlsx = _exported(wb, tmp_path)
    sheets, flipped = {}, 0
    for name, rows in _sheets(xlsx).items():
        sheets[name], count = _booleans_as_numbers(rows)
        flipped += count
    assert flipped > 0  # the file has TRUE/FALSE cells, now written as 0 and 1
    ods = write_ods(tmp_path / "pipeline.ods", sheets)
    _same_content(xlsx, ods)
    rollup = roll_up([ods])
    assert not rollup.rejected and rollup.reps[0].rep == "Dana Rep"


def test_an_xlsx_resaved_by_another_program_loads(wb: Workbench, tmp_path: Path) -> None:
    xlsx = _exported(wb, tmp_path)
    book = openpyxl.load_workbook(xlsx)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, bool):
                    cell.value = int(cell.value)
                    cell.number_format = '"TRUE";"TRUE";"FALSE"'
    resaved = tmp_path / "resaved.xlsx"
    book.save(resaved)
    _same_content(xlsx, resaved)
    assert not roll_up([resaved]).rejected


def test_other_numbers_in_a_flag_column_are_still_refused(wb: Workbench, tmp_path: Path) -> None:
    xlsx = _exported(wb, tmp_path)
    sheets = _sheets(xlsx)
    for rows in sheets.values():
        for row in rows:
            for i, value in enumerate(row):
                if isinstance(value, bool):
                    row[i] = 2.0
    ods = write_ods(tmp_path / "bad.ods", sheets)
    rollup = roll_up([ods])
    assert rollup.rejected and "TRUE or FALSE, found 2" in str(rollup.rejected[0])
