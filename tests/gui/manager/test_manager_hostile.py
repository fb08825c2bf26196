"""The Manager view with hostile pipeline files (issue 19, cases 1 and 3): a far cell in
another program's dialect, a 5,000-digit amount, a year-9999 date and 100,000-deep JSON
are each listed as rejected with their reason, the good files load beside them, and
the app stays up."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from pytestqt.qtbot import QtBot

from tests.support import pipeline_data as data
from workbench.services.clock import fixed_clock
from workbench.services.manager.export import export_pipeline
from workbench.store import Workbench
from workbench.ui.common.context import AppContext
from workbench.ui.manager.view import ManagerArea


@pytest.fixture
def folder(wb: Workbench, tmp_path: Path) -> Path:
    data.build(wb)
    folder = tmp_path / "team"
    folder.mkdir()
    export_pipeline(wb, folder / "dana.xlsx", clock=fixed_clock(data.NOW))
    export_pipeline(wb, folder / "sam.json", clock=fixed_clock(data.NOW), rep="Sam")
    text = (folder / "sam.json").read_text(encoding="utf-8")
    (folder / "digits.json").write_text(
        re.sub(r'"amount": [0-9.]+', '"amount": ' + "1" * 5000, text, count=1), encoding="utf-8"
    )
    (folder / "y9999.json").write_text(
        re.sub(r'"period_to": "[^"]+"', '"period_to": "9999-12-31"', text), encoding="utf-8"
    )
    book = openpyxl.load_workbook(folder / "dana.xlsx")
    for row in book["_meta"].iter_rows(min_row=2):
        if row[0].value == "stages":
            row[1].value = "[" * 100_000 + "]" * 100_000
    book.save(tmp_path / "deep.xlsx")
    (tmp_path / "deep.xlsx").rename(folder / "deep.xlsx")
    book = openpyxl.load_workbook(folder / "dana.xlsx")
    book["Opportunities"].cell(row=1_048_576, column=16_384, value="x")
    book.save(tmp_path / "far.xlsx")
    with zipfile.ZipFile(tmp_path / "far.xlsx") as src, zipfile.ZipFile(folder / "far.xlsx", "w") as out:
        for info in src.infolist():
            part = src.read(info)
            if info.filename == "xl/workbook.xml":  # the 1904 date system: not the app's own dialect
                part = part.replace(b"<workbookPr", b'<workbookPr date1904="1"', 1)
            out.writestr(info.filename, part)
    return folder


def test_hostile_files_are_rejected_and_the_good_ones_load(qtbot: QtBot, folder: Path) -> None:
    area = ManagerArea(AppContext(None))
    qtbot.addWidget(area)
    area.resize(1200, 800)
    area.show()
    qtbot.waitExposed(area)
    assert area.add_paths([folder]) is not None
    qtbot.waitUntil(lambda: area._job is None and area.rep_model.rowCount() > 0, timeout=60_000)
    files = area.file_model
    rows = {Path(files.row_values(r)[0]).name: files.row_values(r) for r in range(files.rowCount())}
    assert {name: row[1] for name, row in rows.items()} == {
        "dana.xlsx": "loaded",
        "sam.json": "loaded",
        "digits.json": "rejected",
        "y9999.json": "rejected",
        "deep.xlsx": "rejected",
        "far.xlsx": "rejected",
    }
    assert "XFD1048576" in rows["far.xlsx"][4]
    assert "nested too deeply" in rows["deep.xlsx"][4]
    assert "between 1900 and 9000" in rows["y9999.json"][4]
    assert rows["digits.json"][4]
    reps = [area.rep_model.row_values(r)[0] for r in range(area.rep_model.rowCount())]
    assert reps == ["Dana Rep", "Sam", "Team (2 reps)"]
    assert area.lower_tabs.tabText(1) == "Files (4 rejected)"
