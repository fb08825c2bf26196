"""Formula injection (R10): every dangerous prefix neutralised in CSV; numbers stay numbers.

Changed on purpose by issue 18: XLSX text is written as string cells (never a
formula, no visible prefix) and JSON carries the raw values; only CSV keeps the OWASP
quote. The XLSX and JSON tests below now check that, and that nothing is a formula."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support import pipeline_data as data
from workbench.exchange.csv_safe import (
    DANGEROUS_PREFIXES,
    csv_text,
    neutralise,
    restore,
    safe_cell,
    write_csv,
)
from workbench.exchange.pipeline_file import read_pipeline_file
from workbench.services.clock import fixed_clock
from workbench.services.manager.export import export_pipeline
from workbench.store import Workbench

PREFIXES = ["=", "+", "-", "@", "\t", "\r", "\n"]
PAYLOADS = [p + "cmd|' /C calc'!A0" for p in PREFIXES]


def _dangerous(text: str) -> bool:
    return text[:1] in DANGEROUS_PREFIXES


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_prefix_gets_a_quote_and_comes_back(payload: str) -> None:
    safe = neutralise(payload)
    assert safe == "'" + payload
    assert restore(safe) == payload


def test_safe_text_is_untouched() -> None:
    for text in ["", "Acme", "'quoted already", "a=b", "José Müller", "1-800"]:
        assert neutralise(text) == text
        assert restore(text) == text


@given(st.text())
def test_neutralise_is_safe_and_reversible(text: str) -> None:
    safe = neutralise(text)
    assert not _dangerous(safe)
    assert restore(safe) == text


def test_numbers_stay_numbers() -> None:
    assert safe_cell(-5) == -5
    assert safe_cell(-0.25) == -0.25
    assert safe_cell("-5") == "'-5"
    assert safe_cell(None) == ""
    assert safe_cell(True) == "true"


def test_write_csv_neutralises_text_and_keeps_numbers(tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    count = write_csv(out, ["name", "amount"], [[p, -12.5] for p in PAYLOADS])
    assert count == len(PAYLOADS)
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["name", "amount"]
    for row, payload in zip(rows[1:], PAYLOADS, strict=True):
        assert row == ["'" + payload, "-12.5"]
    assert csv_text(["a"], [["=1"]]) == "a\r\n'=1\r\n"


def test_write_csv_failure_leaves_no_file(tmp_path: Path) -> None:
    def rows() -> Any:
        yield ["ok"]
        raise OSError(28, "No space left on device")

    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(OSError):
        write_csv(folder / "t.csv", ["a"], rows())
    assert list(folder.iterdir()) == []


# --- every format of the pipeline file ---------------------------------------------------
TEXT_FIELDS = ["name", "company", "title", "email", "phone", "campaign"]


@pytest.fixture
def hostile(wb: Workbench, tmp_path: Path) -> tuple[Path, Path]:
    overrides = {field: PAYLOADS[i % len(PAYLOADS)] for i, field in enumerate(TEXT_FIELDS)}
    overrides["source"] = "@evil"  # also a group name in the Summary
    data.build(wb, rep="=Rep", extra_text=overrides)
    xlsx, js = tmp_path / "h.xlsx", tmp_path / "h.json"
    export_pipeline(wb, xlsx, clock=fixed_clock(data.NOW))
    export_pipeline(wb, js, clock=fixed_clock(data.NOW))
    return xlsx, js


def test_no_xlsx_text_cell_can_run_as_a_formula(hostile: tuple[Path, Path]) -> None:
    with zipfile.ZipFile(hostile[0]) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        assert sheets
        for name in sheets:
            assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name), name
    book = openpyxl.load_workbook(hostile[0])  # openpyxl reads "=…" text as a formula: it must see none
    strings = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    strings += 1
                    assert not cell.value.startswith("'"), (ws.title, cell.coordinate, cell.value)
    assert strings > 100
    leads = book["Leads"]
    header = [c.value for c in leads[1]]
    first = {header[i]: c.value for i, c in enumerate(leads[2])}
    assert first["Name"] == PAYLOADS[0]  # the text as stored, in a string cell
    assert first["Source"] == "@evil"
    assert first["Speed to lead (h)"] == 2  # numbers stay numbers
    assert isinstance(first["Speed to lead (h)"], int | float)
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(hostile[0])).get_sheet_by_name("Leads").to_python()
    assert sheet[1][header.index("Name")] == PAYLOADS[0]


def test_phones_read_back_unchanged(wb: Workbench, tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    data.build(wb, extra_text={"phone": "+1 415 555 0100"})
    xlsx, js = tmp_path / "p.xlsx", tmp_path / "p.json"
    export_pipeline(wb, xlsx, clock=fixed_clock(data.NOW))
    export_pipeline(wb, js, clock=fixed_clock(data.NOW))
    leads = openpyxl.load_workbook(xlsx)["Leads"]
    column = [c.value for c in leads[1]].index("Phone")
    assert leads.cell(2, column + 1).value == "+1 415 555 0100"
    rows = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_name("Leads").to_python()
    assert rows[1][column] == "+1 415 555 0100"
    document = json.loads(js.read_text("utf-8"))
    assert document["leads"][0]["phone"] == "+1 415 555 0100"
    assert read_pipeline_file(xlsx).rows("leads")[0].phone == "+1 415 555 0100"


def _strings(value: Any) -> Any:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)


def test_json_carries_the_raw_values(hostile: tuple[Path, Path]) -> None:
    document = json.loads(hostile[1].read_text("utf-8"))
    values = list(_strings(document))
    assert PAYLOADS[1] in values
    assert not [v for v in values if v.startswith("'") and _dangerous(v[1:])]
    assert document["meta"]["rep"] == "=Rep"


def test_the_reader_gives_back_the_original_text(hostile: tuple[Path, Path]) -> None:
    for path in hostile:
        pf = read_pipeline_file(path)
        first = pf.rows("leads")[0]
        assert first.name == PAYLOADS[0] and first.company == PAYLOADS[1]
        assert pf.meta.rep == "=Rep"


def test_rollup_outputs_are_neutralised(hostile: tuple[Path, Path], tmp_path: Path) -> None:
    from workbench.services.manager.report import write_rollup
    from workbench.services.manager.rollup import roll_up

    rollup = roll_up(list(hostile))
    assert rollup.reps[0].rep == "=Rep"
    write_rollup(rollup, tmp_path / "r.csv")
    write_rollup(rollup, tmp_path / "r.xlsx")
    with open(tmp_path / "r.csv", encoding="utf-8-sig", newline="") as f:
        cells = [c for row in csv.reader(f) for c in row]
    assert "'=Rep" in cells and "'@evil" in cells
    assert not [c for c in cells if _dangerous(c)]
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"  # a string cell: shown, never evaluated
