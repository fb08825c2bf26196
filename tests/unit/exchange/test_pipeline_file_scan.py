"""The fast XLSX path (the app's own dialect, straight from the XML) and the zip rules.

The fast path must read exactly what python-calamine reads, refuse a bad cell with the
same words, hand any other workbook to python-calamine, and the zip rules must let the
largest real pipeline file through while stopping a zip bomb.
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.perf.pipeline_files import write_file
from tests.support import pipeline_data as data
from workbench.exchange.pipeline_file import PipelineFileError, ReadLimits, read_pipeline_file, tables
from workbench.exchange.pipeline_file import reader as reader_module
from workbench.exchange.zip_guard import DEFAULT_LIMITS, Unpacker, ZipRuleBroken, member_cap
from workbench.services.clock import fixed_clock
from workbench.services.manager.export import export_pipeline
from workbench.services.manager.rollup import ROLLUP_COLUMNS, ROLLUP_TABLES, load_figures
from workbench.store import Workbench


@pytest.fixture
def exported(wb: Workbench, tmp_path: Path) -> Path:
    data.build(wb)
    path = tmp_path / "dana.xlsx"
    export_pipeline(wb, path, clock=fixed_clock(data.NOW))
    return path


def reason(path: Path, **kwargs: Any) -> str:
    with pytest.raises(PipelineFileError) as caught:
        read_pipeline_file(path, **kwargs)
    return caught.value.reason


def general_only(monkeypatch: pytest.MonkeyPatch) -> None:
    def other(*_args: object) -> None:
        raise reader_module.OtherDialect("forced")

    monkeypatch.setattr(reader_module, "_read_scanned", other)


def scanned_only(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> None:
        raise AssertionError("the app's own file went to python-calamine")

    monkeypatch.setattr(reader_module, "_read_general", refuse)


def read_both(path: Path, monkeypatch: pytest.MonkeyPatch, **kwargs: Any) -> tuple[Any, Any]:
    with monkeypatch.context() as m:
        scanned_only(m)
        fast = read_pipeline_file(path, **kwargs)
    with monkeypatch.context() as m:
        general_only(m)
        general = read_pipeline_file(path, **kwargs)
    return fast, general


def assert_same(fast: Any, general: Any) -> None:
    assert fast.meta == general.meta
    assert set(fast.tables) == set(general.tables)
    for key, table in fast.tables.items():
        other = general.tables[key]
        assert table.count == other.count, key
        assert set(table.columns) == set(other.columns), key
        for column in table.columns:
            assert table.columns[column] == other.columns[column], (key, column)


def rewrite_member(source: Path, target: Path, member: str, edit: Any) -> Path:
    """A copy of ``source`` with one zip member's text changed (the rest byte for byte)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == member:
                changed = edit(content.decode("utf-8"))
                assert changed != content.decode("utf-8"), "the edit changed nothing"
                content = changed.encode("utf-8")
            dst.writestr(info, content)
    return target


def sheet_part(path: Path, sheet: str) -> str:
    """The zip member of ``sheet`` (the writer numbers them in sheet order)."""
    names = ["Summary", *(spec.sheet for spec in tables()), "_meta"]
    return f"xl/worksheets/sheet{names.index(sheet) + 1}.xml"


# --- the same values as python-calamine ---------------------------------------------------
def test_every_column_of_an_export_reads_as_calamine_reads_it(
    exported: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert_same(*read_both(exported, monkeypatch))


def test_generated_files_with_empty_cells_and_many_dates_read_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_file(tmp_path / "rep.xlsx", 7, leads=600, opportunities=150, activities=900)
    assert_same(*read_both(path, monkeypatch))
    only = {"tables": ROLLUP_TABLES, "columns": ROLLUP_COLUMNS}
    fast, general = read_both(path, monkeypatch, **only)
    assert_same(fast, general)
    assert set(fast.tables["activities"].columns) == {"at", "channel"}


def test_the_rollup_reads_the_apps_files_without_python_calamine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_file(tmp_path / "rep.xlsx", 3, leads=300, opportunities=80, activities=400)
    json_twin = write_file(tmp_path / "rep.json", 3, leads=300, opportunities=80, activities=400)
    scanned_only(monkeypatch)
    figures = load_figures(path)
    assert figures.as_dict() | {"path": None} == load_figures(json_twin).as_dict() | {"path": None}


def test_a_workbook_outside_the_apps_dialect_goes_to_python_calamine(
    exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A manager typed a formula into an amount: python-calamine reads its cached value.
    def formula(xml: str) -> str:
        return re.sub(r'(<c r="H3"[^>]*>)<v>([^<]*)</v>', r"\1<f>5000*2</f><v>\2</v>", xml)

    edited = rewrite_member(
        exported, tmp_path / "edited.xlsx", sheet_part(exported, "Opportunities"), formula
    )
    used: list[str] = []
    general = reader_module._read_general

    def spy(*args: Any) -> Any:
        used.append("calamine")
        return general(*args)

    monkeypatch.setattr(reader_module, "_read_general", spy)
    again = read_pipeline_file(edited)
    assert used == ["calamine"]
    assert_same(again, read_pipeline_file(exported))


def test_a_file_saved_again_by_openpyxl_reads_the_same(
    exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    resaved = tmp_path / "resaved.xlsx"
    openpyxl.load_workbook(exported).save(resaved)
    fast, general = read_both(resaved, monkeypatch)
    assert_same(fast, general)
    assert_same(fast, read_pipeline_file(exported))


def test_text_with_markup_characters_survives(
    wb: Workbench, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data.build(wb, extra_text={"name": 'Ana & "Bo" <CEO>', "company": "Müller & Söhne ', Łódź"})
    path = tmp_path / "odd.xlsx"
    export_pipeline(wb, path, clock=fixed_clock(data.NOW))
    fast, general = read_both(path, monkeypatch)
    assert_same(fast, general)


# --- bad files in the app's dialect: the same reasons ---------------------------------
def test_a_bad_cell_is_refused_with_its_place(exported: Path, tmp_path: Path) -> None:
    def spoil(xml: str) -> str:
        return re.sub(
            r'<c r="H3"[^>]*><v>[^<]*</v></c>', '<c r="H3" t="inlineStr"><is><t>a lot</t></is></c>', xml
        )

    bad = rewrite_member(exported, tmp_path / "bad.xlsx", sheet_part(exported, "Opportunities"), spoil)
    assert reason(bad) == "sheet 'Opportunities', row 3, column 'Amount': expected a number, found 'a lot'"
    assert "row 3, column 'Amount'" in reason(bad, tables=ROLLUP_TABLES, columns=ROLLUP_COLUMNS)


def test_a_renamed_column_is_refused_even_when_the_rollup_does_not_read_it(
    exported: Path, tmp_path: Path
) -> None:
    wrong = rewrite_member(
        exported,
        tmp_path / "wrong.xlsx",
        sheet_part(exported, "Leads"),
        lambda xml: xml.replace("<t>Received</t>", "<t>Arrived</t>", 1),
    )
    text = reason(wrong, tables=ROLLUP_TABLES, columns=ROLLUP_COLUMNS)
    assert text == "sheet 'Leads' has the wrong columns: Received missing"


def test_a_missing_required_value_is_refused(exported: Path, tmp_path: Path) -> None:
    # The row's Channel cell removed: the writer never leaves a required cell empty.
    def drop(xml: str) -> str:
        return re.sub(r'<c r="C2"[^>]*><is><t>[^<]*</t></is></c>', "", xml)

    bad = rewrite_member(exported, tmp_path / "gap.xlsx", sheet_part(exported, "Activities"), drop)
    text = reason(bad, tables=ROLLUP_TABLES, columns=ROLLUP_COLUMNS)
    assert text.startswith("sheet 'Activities', row 2, column 'Channel': expected one of")
    assert text.endswith("found an empty cell")


def test_a_sheet_past_excels_row_limit_is_refused_before_it_is_read(exported: Path, tmp_path: Path) -> None:
    def stretch(xml: str) -> str:
        last = max(int(n) for n in re.findall(r'<row r="(\d+)"', xml))
        return xml.replace(f'<row r="{last}"', '<row r="1048578"')

    long = rewrite_member(exported, tmp_path / "long.xlsx", sheet_part(exported, "Leads"), stretch)
    assert reason(long) == "sheet 'Leads' has more rows than a spreadsheet holds (1,048,576)"


# --- the zip rules --------------------------------------------------------------------
class _Archive:
    """Stands in for a ZipFile whose central directory declares the given sizes."""

    def __init__(self, sizes: list[tuple[int, int]]) -> None:
        self.infos = []
        for i, (unpacked, packed) in enumerate(sizes):
            info = zipfile.ZipInfo(f"xl/worksheets/sheet{i + 1}.xml")
            info.file_size, info.compress_size = unpacked, packed
            self.infos.append(info)

    def infolist(self) -> list[zipfile.ZipInfo]:
        return self.infos


#: The members of the large demo workbench's export (1M leads, 136k activities, 50k
#: opportunities, 95k follow-ups): unpacked and compressed sizes of the real file.
LARGE_DEMO_EXPORT = [
    (61_985_314, 11_486_883),
    (915_451_070, 150_933_506),
    (67_174_146, 14_023_452),
    (44_119_560, 9_417_933),
    (6_994, 1_456),
    (1_847, 343),
]


def test_the_large_demo_export_passes_the_zip_rules() -> None:
    Unpacker(_Archive(LARGE_DEMO_EXPORT), DEFAULT_LIMITS)  # type: ignore[arg-type]
    # And so would a workbook with every table at Excel's row limit, ~1 KB of XML a row.
    full = [(1_048_576 * 1_000, 1_048_576 * 1_000 // 6)] * 5
    Unpacker(_Archive(full), DEFAULT_LIMITS)  # type: ignore[arg-type]


def test_declared_sizes_of_a_bomb_are_refused_before_anything_is_unpacked() -> None:
    with pytest.raises(ZipRuleBroken, match=r"bomb: 'xl/worksheets/sheet1.xml' unpacks to more than 200×"):
        Unpacker(_Archive([(4 * 1024**3, 4 * 1024**2)]), DEFAULT_LIMITS)  # type: ignore[arg-type]
    too_much = [(3 * 1024**3, 1024**3)] * 6  # ratio 3, but 18 GB together
    with pytest.raises(ZipRuleBroken, match=r"unpacks to more than 16\.0 GB"):
        Unpacker(_Archive(too_much), DEFAULT_LIMITS)  # type: ignore[arg-type]
    assert member_cap(zipfile.ZipInfo("x"), DEFAULT_LIMITS) == DEFAULT_LIMITS.ratio_allowance


def _lie_about_size(path: Path, member: str, size: int) -> None:
    """Patch the central directory so ``member`` claims ``size`` unpacked bytes."""
    raw = bytearray(path.read_bytes())
    name = member.encode()
    at = raw.rfind(b"PK\x01\x02")
    while at >= 0:
        name_len = struct.unpack_from("<H", raw, at + 28)[0]
        if raw[at + 46 : at + 46 + name_len] == name:
            struct.pack_into("<I", raw, at + 24, size)
            path.write_bytes(bytes(raw))
            return
        at = raw.rfind(b"PK\x01\x02", 0, at)
    raise AssertionError(f"{member} not found")


def test_a_zip_bomb_is_stopped_while_unpacking_even_when_it_lies(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (48 * 1024 * 1024))
    assert bomb.stat().st_size < 100_000
    assert "compressed-file bomb" in reason(bomb)
    # Claiming a modest size in the directory does not help: nothing past the claimed
    # size is unpacked, and the member then fails its check.
    _lie_about_size(bomb, "xl/worksheets/sheet1.xml", 1000)
    assert "damaged or truncated" in reason(bomb)


def test_the_row_cap_of_a_file_still_counts_every_sheet(exported: Path) -> None:
    assert "more rows than the 5 a file may hold" in reason(
        exported, tables=ROLLUP_TABLES, columns=ROLLUP_COLUMNS, limits=ReadLimits(max_rows=5)
    )


# --- worker processes start light -----------------------------------------------------
def test_the_rollups_definitions_are_the_apps() -> None:
    from workbench.services.insights.common import NONE_KEY
    from workbench.services.manager import rollup
    from workbench.services.outreach.touches import TOUCH_CHANNELS

    assert frozenset(TOUCH_CHANNELS) == rollup.TOUCH_CHANNELS
    assert rollup.NO_GROUP == NONE_KEY


def test_rollup_workers_do_not_import_the_database_layer() -> None:
    code = (
        "import sys, workbench.services.manager.rollup; "
        "print(sorted(m for m in ('sqlmodel', 'sqlalchemy', 'PySide6') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
