"""Reading pipeline files: the schema is the contract, and hostile files are refused with a reason."""

from __future__ import annotations

import dataclasses
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from jsonschema import Draft202012Validator

from tests.support import pipeline_data as data
from workbench.exchange.pipeline_file import (
    PipelineFileError,
    ReadLimits,
    read_pipeline_file,
    tables,
)
from workbench.exchange.pipeline_file.model import ROW_TYPES, schema
from workbench.services.clock import fixed_clock
from workbench.services.manager.export import export_pipeline
from workbench.store import Workbench


@pytest.fixture
def exported(wb: Workbench, tmp_path: Path) -> tuple[Path, Path]:
    data.build(wb)
    xlsx, js = tmp_path / "dana.xlsx", tmp_path / "dana.json"
    export_pipeline(wb, xlsx, clock=fixed_clock(data.NOW))
    export_pipeline(wb, js, clock=fixed_clock(data.NOW))
    return xlsx, js


def reason(path: Path, **kwargs: object) -> str:
    with pytest.raises(PipelineFileError) as caught:
        read_pipeline_file(path, **kwargs)  # type: ignore[arg-type]
    assert caught.value.path == path
    assert str(caught.value).startswith(path.name)
    return caught.value.reason


def test_schema_file_is_a_valid_json_schema_and_matches_the_row_types() -> None:
    Draft202012Validator.check_schema(schema())
    assert schema()["properties"]["schema_version"] == {"const": 1}
    for spec in tables():
        fields = tuple(f.name for f in dataclasses.fields(ROW_TYPES[spec.key]))
        assert fields == spec.keys, spec.key
        assert len(set(spec.titles)) == len(spec.titles)


def test_reading_never_modifies_the_file(exported: tuple[Path, Path]) -> None:
    for path in exported:
        before = (path.read_bytes(), os.stat(path).st_mtime_ns)
        read_pipeline_file(path)
        assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before


def test_typed_rows_come_back(exported: tuple[Path, Path]) -> None:
    xlsx, _ = exported
    pf = read_pipeline_file(xlsx)
    assert pf.format == "xlsx"
    o1 = next(r for r in pf.rows("opportunities") if r.name == "Deal O1")
    assert (o1.stage, o1.outcome, o1.amount, o1.stale) == ("Proposal", "open", 10000.0, True)
    assert o1.lead_uuid is not None and o1.account_uuid is None
    assert [s.name for s in pf.meta.stages][:2] == ["Discovery", "Qualified"]
    only_opps = read_pipeline_file(xlsx, tables=["opportunities"])
    assert set(only_opps.tables) == {"opportunities"}


# --- rejected files: each with its reason -----------------------------------------------
def test_broken_zip(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + os.urandom(2000))
    assert "damaged or truncated" in reason(path)


def test_truncated_workbook(exported: tuple[Path, Path], tmp_path: Path) -> None:
    xlsx, _ = exported
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(xlsx.read_bytes()[: xlsx.stat().st_size // 2])
    assert "damaged or truncated" in reason(cut)


def test_truncated_json(exported: tuple[Path, Path], tmp_path: Path) -> None:
    _, js = exported
    cut = tmp_path / "cut.json"
    cut.write_bytes(js.read_bytes()[: js.stat().st_size // 2])
    assert "not valid JSON" in reason(cut)


def test_foreign_workbook(tmp_path: Path) -> None:
    path = tmp_path / "budget.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Quarter", "Budget"])
    book.save(path)
    assert reason(path) == "is a workbook, but not a pipeline file (it has no _meta sheet)"


def test_foreign_json_and_other_files(tmp_path: Path) -> None:
    foreign = tmp_path / "x.json"
    foreign.write_text('{"hello": 1}')
    assert "not a pipeline file" in reason(foreign)
    text = tmp_path / "notes.xlsx"
    text.write_text("just text")
    assert reason(text) == "is neither an XLSX workbook nor a JSON pipeline file"
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    assert reason(empty) == "is empty"
    assert reason(tmp_path) == "is a folder, not a file"


def _edit_xlsx(source: Path, target: Path, edit: Callable[[openpyxl.Workbook], None]) -> Path:
    book = openpyxl.load_workbook(source)
    edit(book)
    book.save(target)
    return target


def _set_meta(key: str, value: object) -> Callable[[openpyxl.Workbook], None]:
    def edit(book: openpyxl.Workbook) -> None:
        ws = book["_meta"]
        for row in ws.iter_rows(min_row=2):
            if row[0].value == key:
                row[1].value = value

    return edit


def test_newer_schema_version_xlsx(exported: tuple[Path, Path], tmp_path: Path) -> None:
    newer = _edit_xlsx(exported[0], tmp_path / "newer.xlsx", _set_meta("schema_version", 2))
    text = reason(newer)
    assert "newer pipeline-file schema (version 2)" in text and "update" in text


def test_newer_schema_version_json(exported: tuple[Path, Path], tmp_path: Path) -> None:
    document = json.loads(exported[1].read_text("utf-8"))
    document["schema_version"] = 3
    document["meta"]["something_new"] = True
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(document))
    assert "newer pipeline-file schema (version 3)" in reason(newer)


def test_other_schema_name(exported: tuple[Path, Path], tmp_path: Path) -> None:
    other = _edit_xlsx(exported[0], tmp_path / "other.xlsx", _set_meta("schema", "someone-else/v1"))
    assert "not a pipeline file" in reason(other)


def test_sheet_with_wrong_columns(exported: tuple[Path, Path], tmp_path: Path) -> None:
    def rename(book: openpyxl.Workbook) -> None:
        book["Leads"]["B1"].value = "Arrived"

    wrong = _edit_xlsx(exported[0], tmp_path / "wrong.xlsx", rename)
    assert reason(wrong) == "sheet 'Leads' has the wrong columns: Received missing"


def test_extra_columns_and_column_order_are_tolerated(exported: tuple[Path, Path], tmp_path: Path) -> None:
    def reshape(book: openpyxl.Workbook) -> None:
        ws = book["Targets"]
        ws.insert_cols(1)
        ws["A1"].value = "My notes"

    reshaped = _edit_xlsx(exported[0], tmp_path / "reshaped.xlsx", reshape)
    assert len(read_pipeline_file(reshaped).rows("targets")) == 2


def test_cell_of_the_wrong_type(exported: tuple[Path, Path], tmp_path: Path) -> None:
    def spoil(book: openpyxl.Workbook) -> None:
        book["Opportunities"]["H3"].value = "a lot"  # Amount

    spoiled = _edit_xlsx(exported[0], tmp_path / "spoiled.xlsx", spoil)
    assert (
        reason(spoiled) == "sheet 'Opportunities', row 3, column 'Amount': expected a number, found 'a lot'"
    )


def test_rows_removed_after_export(exported: tuple[Path, Path], tmp_path: Path) -> None:
    trimmed = _edit_xlsx(exported[0], tmp_path / "trimmed.xlsx", lambda b: b["Leads"].delete_rows(3))
    assert "'Leads' holds 4 rows but the file says 5" in reason(trimmed)


def test_json_cell_checks(exported: tuple[Path, Path], tmp_path: Path) -> None:
    document = json.loads(exported[1].read_text("utf-8"))
    document["leads"][2]["received_at"] = "yesterday"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    assert reason(bad) == "leads[2], column 'Received': expected a date and time, found 'yesterday'"
    document = json.loads(exported[1].read_text("utf-8"))
    del document["activities"][0]["channel"]
    bad.write_text(json.dumps(document))
    assert reason(bad) == "activities[0] lacks channel"
    document = json.loads(exported[1].read_text("utf-8"))
    document["meta"]["rep"] = 5
    bad.write_text(json.dumps(document))
    assert "does not match the schema at meta/rep" in reason(bad)


def test_zip_bomb_is_stopped_by_the_unpacked_size_cap(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    assert bomb.stat().st_size < 100_000
    text = reason(bomb, limits=ReadLimits(max_unpacked_bytes=1024 * 1024))
    assert "unpacks to more than 1 MB" in text


def test_row_cap_per_file(exported: tuple[Path, Path]) -> None:
    xlsx, js = exported
    for path in (xlsx, js):
        assert "more rows than the 5 a file may hold" in reason(path, limits=ReadLimits(max_rows=5))


def test_file_size_cap(exported: tuple[Path, Path]) -> None:
    assert "pipeline files are read up to" in reason(exported[1], limits=ReadLimits(max_file_bytes=100))
