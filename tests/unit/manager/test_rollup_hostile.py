"""Rollup isolation (issue 19, cases 1, 3 and 9): one hostile file is rejected with its
reason and the others load; numbers are checked on the way in; ``--json`` stays JSON."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.support import pipeline_data as data
from workbench.cli import main
from workbench.exchange.pipeline_file import PipelineFileError, read_pipeline_file
from workbench.services.clock import fixed_clock
from workbench.services.manager.export import export_pipeline
from workbench.services.manager.rollup import roll_up
from workbench.store import Workbench


@pytest.fixture
def good(wb: Workbench, tmp_path: Path) -> dict[str, Path]:
    data.build(wb)
    out = tmp_path / "files"
    out.mkdir()
    paths = {"xlsx": out / "dana.xlsx", "json": out / "dana.json"}
    for path in paths.values():
        export_pipeline(wb, path, clock=fixed_clock(data.NOW))
    return paths


def _json_variant(source: Path, target: Path, edit: Any) -> Path:
    text = source.read_text(encoding="utf-8")
    target.write_text(edit(text), encoding="utf-8")
    return target


def _first_amount(text: str, value: str) -> str:
    return re.sub(r'"amount": [0-9.]+', f'"amount": {value}', text, count=1)


def _strict(text: str) -> Any:
    def refuse(name: str) -> Any:
        raise AssertionError(f"{name} in JSON output")

    return json.loads(text, parse_constant=refuse)


def _hostile_json(good: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    source = good["json"]
    return {
        "digits": _json_variant(source, tmp_path / "digits.json", lambda t: _first_amount(t, "1" * 5000)),
        "nan": _json_variant(source, tmp_path / "nan.json", lambda t: _first_amount(t, "NaN")),
        "infinity": _json_variant(source, tmp_path / "inf.json", lambda t: _first_amount(t, "-Infinity")),
        "negative": _json_variant(source, tmp_path / "neg.json", lambda t: _first_amount(t, "-5000")),
        "year9999": _json_variant(
            source,
            tmp_path / "y9999.json",
            lambda t: re.sub(r'"period_to": "[^"]+"', '"period_to": "9999-12-31"', t),
        ),
        "closed9999": _json_variant(
            source,
            tmp_path / "c9999.json",
            lambda t: re.sub(r'"closed_at": "[^"]+"', '"closed_at": "9999-12-31T23:30:00-05:00"', t, count=1),
        ),
    }


def test_each_hostile_json_file_is_rejected_with_a_reason(good: dict[str, Path], tmp_path: Path) -> None:
    hostile = _hostile_json(good, tmp_path)
    assert '"closed_at": "9999' in hostile["closed9999"].read_text()
    for name, path in hostile.items():
        with pytest.raises(PipelineFileError) as caught:
            read_pipeline_file(path)
        assert caught.value.reason, name
    assert "finite" in _reason(hostile["nan"]) or "JSON" in _reason(hostile["nan"])
    assert "at least 0" in _reason(hostile["negative"])
    assert "between 1900 and 9000" in _reason(hostile["year9999"])


def _reason(path: Path) -> str:
    with pytest.raises(PipelineFileError) as caught:
        read_pipeline_file(path)
    return caught.value.reason


def test_negative_and_non_finite_amounts_in_a_workbook_are_refused(
    good: dict[str, Path], tmp_path: Path
) -> None:
    for raw, words in ((b"-1", "at least 0"), (b"NaN", "finite"), (b"INF", "finite"), (b"1e300", "finite")):
        book = openpyxl.load_workbook(good["xlsx"])
        sheet = book["Opportunities"]
        column = [c.value for c in sheet[1]].index("Amount") + 1
        sheet.cell(row=2, column=column, value=987654.0)
        marked = tmp_path / "marked.xlsx"
        book.save(marked)
        target = tmp_path / f"amount-{raw.decode()}.xlsx"
        with zipfile.ZipFile(marked) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for info in src.infolist():
                out.writestr(info.filename, src.read(info).replace(b"<v>987654</v>", b"<v>" + raw + b"</v>"))
        assert words in _reason(target), raw


def test_deep_json_in_the_meta_stages_cell_is_a_rejection(good: dict[str, Path], tmp_path: Path) -> None:
    book = openpyxl.load_workbook(good["xlsx"])
    for row in book["_meta"].iter_rows(min_row=2):
        if row[0].value == "stages":
            row[1].value = "[" * 100_000 + "]" * 100_000
    target = tmp_path / "deep.xlsx"
    book.save(target)
    assert "nested too deeply" in _reason(target)


def test_one_bad_file_never_stops_the_rollup(good: dict[str, Path], tmp_path: Path) -> None:
    hostile = _hostile_json(good, tmp_path)
    rollup = roll_up([good["xlsx"], *hostile.values()], workers=1)
    assert [f.path for f in rollup.files] == [good["xlsx"]]
    assert sorted(r.path.name for r in rollup.rejected) == sorted(p.name for p in hostile.values())
    assert all(r.reason for r in rollup.rejected)


def test_a_far_cell_pipeline_file_in_another_dialect_is_rejected_and_the_pool_survives(
    good: dict[str, Path], tmp_path: Path
) -> None:
    # Saved again by openpyxl (shared strings): another program's dialect → calamine,
    # which would have allocated a dense 17-billion-cell grid and aborted the worker.
    book = openpyxl.load_workbook(good["xlsx"])
    book["Opportunities"].cell(row=1_048_576, column=16_384, value="x")
    book.save(tmp_path / "far.xlsx")
    paths = []
    for n in range(3):
        far = tmp_path / f"far{n}.xlsx"
        with (
            zipfile.ZipFile(tmp_path / "far.xlsx") as src,
            zipfile.ZipFile(far, "w", zipfile.ZIP_DEFLATED) as out,
        ):
            for info in src.infolist():
                part = src.read(info)
                if info.filename == "xl/workbook.xml":  # the 1904 date system: not the app's dialect
                    part = part.replace(b"<workbookPr", b'<workbookPr date1904="1"', 1)
                out.writestr(info.filename, part)
        paths.append(far)
    rollup = roll_up([*paths, good["json"]], workers=2)
    assert [f.path for f in rollup.files] == [good["json"]]
    assert len(rollup.rejected) == 3
    assert all("XFD1048576" in r.reason for r in rollup.rejected)


def test_rollup_json_is_strict_json_and_names_the_rejected(
    good: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = _hostile_json(good, tmp_path)
    code = main(["rollup", str(good["json"]), *map(str, hostile.values()), "--json"])
    out, err = capsys.readouterr()
    assert code == 0
    document = _strict(out)
    assert isinstance(document, dict)
    assert "Traceback" not in err
    for path in hostile.values():
        assert f"rejected {path}" in err


def test_emit_json_never_prints_nan(capsys: pytest.CaptureFixture[str]) -> None:
    from workbench.cli.common import emit_json

    emit_json({"a": float("nan"), "b": [float("inf"), 1.5], "c": {"d": -float("inf")}})
    assert _strict(capsys.readouterr().out) == {"a": None, "b": [None, 1.5], "c": {"d": None}}


def test_a_dying_worker_rejects_its_file_only(good: dict[str, Path], tmp_path: Path) -> None:
    from tests.support.dying_reader import load_or_die
    from workbench.exchange.pipeline_file import DEFAULT_LIMITS
    from workbench.services.manager.rollup import Rejected, RepFigures, _load_in_processes

    dying = tmp_path / "die.json"
    dying.write_bytes(good["json"].read_bytes())
    paths = [good["xlsx"], dying, good["json"]]
    results: list[RepFigures | Rejected | None] = [None] * len(paths)
    _load_in_processes(paths, DEFAULT_LIMITS, 2, results, None, load_or_die)
    assert isinstance(results[0], RepFigures) and isinstance(results[2], RepFigures)
    assert isinstance(results[1], Rejected)
    assert "reader process" in results[1].reason
