"""Exporting pipeline files: content, real types when re-read by openpyxl, limits, no half files."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from jsonschema import Draft202012Validator, FormatChecker

from tests.support import pipeline_data as data
from workbench.exchange.pipeline_file import read_pipeline_file, table, tables
from workbench.exchange.pipeline_file.model import schema
from workbench.exchange.pipeline_file.writer_xlsx import XlsxPipelineWriter
from workbench.services.clock import fixed_clock
from workbench.services.manager.export import ExportCancelled, ExportError, export_pipeline
from workbench.store import Workbench

CLOCK = fixed_clock(data.NOW)
SHEETS = [
    "Summary",
    "Opportunities",
    "Leads",
    "Activities",
    "Targets",
    "Follow-ups",
    "Sequences",
    "Sequence steps",
    "_meta",
]
#: A new file's two default sequences (5 and 8 steps), nobody enrolled yet.
DEFAULT_SEQUENCES = {"sequences": 2, "sequence_steps": 13}


@pytest.fixture
def filled(wb: Workbench) -> Workbench:
    data.build(wb)
    return wb


def _leftovers(folder: Path) -> list[str]:
    """Files in ``folder`` other than the workbench (and its -wal/-shm/.lock) and the home."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(("workbench.db", "home")))


def test_xlsx_reread_by_openpyxl_has_sheets_types_and_layout(filled: Workbench, tmp_path: Path) -> None:
    out = tmp_path / "dana.xlsx"
    result = export_pipeline(filled, out, clock=CLOCK)
    assert result.row_counts == {
        "opportunities": 4,
        "leads": 5,
        "activities": 7,
        "targets": 2,
        "follow_ups": 2,
        **DEFAULT_SEQUENCES,
    }
    assert result.period_from == data.PERIOD_FROM and result.period_to == date(2026, 3, 2)

    book = openpyxl.load_workbook(out)  # independent reader, full mode for layout
    assert book.sheetnames == SHEETS
    assert book["_meta"].sheet_state == "hidden"
    assert book.active.title == "Summary"
    for spec in tables():
        ws = book[spec.sheet]
        assert [c.value for c in ws[1]] == list(spec.titles)
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A1:")
        assert ws.column_dimensions["A"].width >= 11

    opps = book["Opportunities"]
    header = [c.value for c in opps[1]]
    row = {header[i]: c.value for i, c in enumerate(opps[2])}
    assert isinstance(row["Amount"], int | float) and row["Amount"] == 10000
    assert isinstance(row["Probability"], float) and row["Probability"] == pytest.approx(0.6)
    assert isinstance(row["Stale"], bool) and row["Stale"] is True
    assert isinstance(row["In stage since"], datetime)
    assert isinstance(row["Expected close"], datetime) and row["Expected close"].date() == date(2026, 4, 1)
    assert opps["J2"].number_format == "0%"

    leads = book["Leads"]
    header = [c.value for c in leads[1]]
    first = {header[i]: c.value for i, c in enumerate(leads[2])}
    assert first["Received"] == datetime(2026, 2, 20, 9, 0)  # UTC, as the file says
    assert first["Speed to lead (h)"] == pytest.approx(2.0)
    assert isinstance(first["Qualification (of 5)"], int) and first["Qualification (of 5)"] == 2

    meta = {r[0].value: r[1].value for r in book["_meta"].iter_rows(min_row=2)}
    assert meta["schema"] == "prospecting-workbench/pipeline-file"
    assert meta["schema_version"] == 1
    assert meta["rep"] == "Dana Rep"
    assert meta["exported_at"] == datetime(2026, 3, 2, 9, 0)
    assert meta["rows.leads"] == 5
    assert meta["app_version"]


def test_summary_sheet_states_the_hand_computed_figures(filled: Workbench, tmp_path: Path) -> None:
    out = tmp_path / "dana.xlsx"
    export_pipeline(filled, out, clock=CLOCK)
    ws = openpyxl.load_workbook(out)["Summary"]
    figures = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r and r[0] and len(r) > 1}
    assert figures["Rep"] == "Dana Rep"
    assert figures["Leads"] == 5
    assert figures["Open opportunities"] == 2
    assert figures["Open pipeline"] == 12000
    assert figures["Weighted pipeline"] == 7000
    assert figures["Won in the period"] == 1
    assert figures["Won amount in the period"] == 5000
    assert figures["Lost in the period"] == 0
    assert figures["Touches in the period"] == 6
    assert figures["Speed to lead, median hours"] == pytest.approx(2.0)  # 1, 2, 4: L3 is a list lead
    assert figures["Stale open deals"] == 1


def test_json_export_is_valid_against_the_published_schema(filled: Workbench, tmp_path: Path) -> None:
    out = tmp_path / "dana.json"
    export_pipeline(filled, out, clock=CLOCK)
    document = json.loads(out.read_text("utf-8"))
    Draft202012Validator.check_schema(schema())
    validator = Draft202012Validator(schema(), format_checker=FormatChecker())
    assert [e.message for e in validator.iter_errors(document)] == []
    assert document["meta"]["row_counts"]["activities"] == 7
    assert document["meta"]["period_from"] == "2025-12-02"
    lead = document["leads"][0]
    assert lead["received_at"] == "2026-02-20T09:00:00+00:00"
    assert lead["speed_to_lead_hours"] == 2.0
    assert set(lead) == set(table("leads").keys)


def test_both_forms_hold_the_same_rows(filled: Workbench, tmp_path: Path) -> None:
    export_pipeline(filled, tmp_path / "a.xlsx", clock=CLOCK)
    export_pipeline(filled, tmp_path / "a.json", clock=CLOCK)
    x = read_pipeline_file(tmp_path / "a.xlsx")
    j = read_pipeline_file(tmp_path / "a.json")
    assert x.meta.rep == j.meta.rep and x.meta.row_counts == j.meta.row_counts
    for spec in tables():
        assert x.rows(spec.key) == j.rows(spec.key), spec.key


def test_since_sets_the_period(filled: Workbench, tmp_path: Path) -> None:
    result = export_pipeline(filled, tmp_path / "p.json", clock=CLOCK, since=date(2026, 2, 25))
    assert result.period_from == date(2026, 2, 25)
    assert result.row_counts["activities"] == 2  # the two of 2026-03-01
    with pytest.raises(ExportError):
        export_pipeline(filled, tmp_path / "q.json", clock=CLOCK, since=date(2026, 3, 3))


def test_rep_name_given_wins_over_the_profile(filled: Workbench, tmp_path: Path) -> None:
    result = export_pipeline(filled, tmp_path / "p.json", clock=CLOCK, rep="  Sam  ")
    assert result.rep == "Sam"
    assert read_pipeline_file(tmp_path / "p.json").meta.rep == "Sam"


def test_unknown_extension_and_missing_folder_are_refused(filled: Workbench, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"\.xlsx"):
        export_pipeline(filled, tmp_path / "p.csv", clock=CLOCK)
    with pytest.raises(ExportError, match="does not exist"):
        export_pipeline(filled, tmp_path / "nowhere" / "p.xlsx", clock=CLOCK)
    assert _leftovers(tmp_path) == []


def test_long_tables_continue_on_numbered_sheets(wb: Workbench, tmp_path: Path) -> None:
    from tests.support.fill import add_leads

    add_leads(wb, 7)
    out = tmp_path / "long.xlsx"
    result = export_pipeline(wb, out, clock=CLOCK, sheet_row_limit=4)  # header + 3 rows a sheet
    assert result.row_counts["leads"] == 7
    book = openpyxl.load_workbook(out)
    assert [n for n in book.sheetnames if n.startswith("Leads")] == ["Leads", "Leads (2)", "Leads (3)"]
    assert book["Leads (3)"].max_row == 2  # header + the 7th lead
    back = read_pipeline_file(out)
    assert [r.name for r in back.rows("leads")] == [f"Lead {i}" for i in range(7)]


@pytest.mark.parametrize("suffix", ["xlsx", "json"])
def test_a_failure_mid_write_leaves_no_file(
    filled: Workbench, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    from workbench.services.manager import export as export_module

    original = export_module._stream

    def failing(conn: Any, stmt: Any) -> Any:
        rows = original(conn, stmt)
        yield next(rows)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export_module, "_stream", failing)
    scratch = tmp_path / "scratch"  # where xlsxwriter keeps its constant-memory rows
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    out = tmp_path / f"dana.{suffix}"
    with pytest.raises(ExportError, match="No space left"):
        export_pipeline(filled, out, clock=CLOCK)
    assert not out.exists()
    assert _leftovers(tmp_path) == ["scratch"]
    assert list(scratch.iterdir()) == []


def test_a_failed_export_keeps_the_previous_file(filled: Workbench, tmp_path: Path) -> None:
    out = tmp_path / "dana.xlsx"
    export_pipeline(filled, out, clock=CLOCK)
    before = out.read_bytes()

    def cancel(done: int, total: int) -> bool:
        return done < 3

    with pytest.raises(ExportCancelled):
        export_pipeline(filled, out, clock=CLOCK, progress=cancel)
    assert out.read_bytes() == before
    assert _leftovers(tmp_path) == ["dana.xlsx"]


def test_progress_reaches_the_total(filled: Workbench, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    export_pipeline(
        filled, tmp_path / "p.xlsx", clock=CLOCK, progress=lambda d, t: seen.append((d, t)) or True
    )
    assert seen[-1] == (35, 35)  # 20 rows of the five tables, 15 of the sequences


def test_empty_workbench_exports_headers_only(wb: Workbench, tmp_path: Path) -> None:
    out = tmp_path / "empty.xlsx"
    result = export_pipeline(wb, out, clock=CLOCK, rep="New Rep")
    assert result.row_counts == {
        "opportunities": 0,
        "leads": 0,
        "activities": 0,
        "targets": 0,
        "follow_ups": 0,
        **DEFAULT_SEQUENCES,
    }
    back = read_pipeline_file(out)
    assert back.rows("leads") == [] and back.meta.rep == "New Rep"
    assert [r.enrolled for r in back.rows("sequences")] == [0, 0]


def test_times_survive_the_spreadsheet_to_the_millisecond(tmp_path: Path) -> None:
    from workbench.exchange.pipeline_file import FileMeta, Summary

    moment = datetime(2026, 1, 2, 3, 4, 5, 678912, tzinfo=UTC)
    meta = FileMeta("R", moment, "0", date(2026, 1, 1), date(2026, 1, 2), "USD", 21)
    spec = table("follow_ups")
    row = ["00000000-0000-4000-8000-000000000001", moment, "t", "", "", "", None, False, None, None]
    writer = XlsxPipelineWriter(tmp_path / "t.xlsx")
    writer.write_summary(meta, Summary())
    for other in tables():
        meta.row_counts[other.key] = writer.write_table(other, [row] if other is spec else [])
    writer.close(meta)
    back = read_pipeline_file(tmp_path / "t.xlsx")
    assert back.rows("follow_ups")[0].due_at == moment.replace(microsecond=678000)
