"""Pipeline files across versions: the close reason's list and the sequences round-trip
through both writers and the reader, and a file written before they existed still loads."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlmodel import select

from tests.support import pipeline_data as data
from tests.unit.manager.test_rollup import check_hand_numbers
from tests.unit.sequences.test_sequence_stats import _build as build_sequences
from workbench.domain import Lead, Opportunity, StageKind
from workbench.exchange.pipeline_file import (
    OPTIONAL_TABLE_KEYS,
    TABLE_KEYS,
    FileMeta,
    PipelineFileError,
    Summary,
    read_pipeline_file,
    table,
    tables,
)
from workbench.exchange.pipeline_file.model import ColumnSpec, ColumnType
from workbench.exchange.pipeline_file.writer_json import JsonPipelineWriter
from workbench.exchange.pipeline_file.writer_xlsx import XlsxPipelineWriter
from workbench.services.clock import fixed_clock
from workbench.services.manager.export import export_pipeline
from workbench.services.manager.rollup import roll_up
from workbench.services.pipeline import stages
from workbench.store import Workbench

FORMS = ["xlsx", "json"]


def test_optional_columns_and_tables_are_the_ones_added_later() -> None:
    optional = {(spec.key, c.key) for spec in tables() for c in spec.columns if c.optional}
    assert optional == {("opportunities", "close_reason_list")}
    assert [spec.key for spec in tables() if spec.optional] == list(OPTIONAL_TABLE_KEYS)
    for spec in tables():
        for column in spec.columns:
            if column.optional:
                # Absent reads as an empty cell would: text "" or a nullable column's None.
                assert (column.type is ColumnType.TEXT and column.default == "") or (
                    column.nullable and column.default is None
                ), column


# --- a file of the previous version ------------------------------------------------------
def _old(spec_key: str) -> Any:
    """A table as the previous version wrote it: without the columns added since."""
    spec = table(spec_key)
    return dataclasses.replace(spec, columns=tuple(c for c in spec.columns if not c.optional))


def _old_file(current: Path, target: Path) -> Path:
    """Rewrite ``current`` as the previous version would have: no Reason list column, no
    sequence sheets, no row counts for them — with the app's own writers (its dialect)."""
    pf = read_pipeline_file(current, tables=TABLE_KEYS)
    meta = FileMeta(
        pf.meta.rep,
        pf.meta.exported_at,
        "1.0",
        pf.meta.period_from,
        pf.meta.period_to,
        pf.meta.currency,
        pf.meta.stale_days,
        pf.meta.stages,
    )
    writer: XlsxPipelineWriter | JsonPipelineWriter = (
        XlsxPipelineWriter(target) if target.suffix == ".xlsx" else JsonPipelineWriter(target)
    )
    writer.write_summary(meta, Summary())
    for key in TABLE_KEYS:
        spec = _old(key)
        rows = [tuple(getattr(r, k) for k in spec.keys) for r in pf.rows(key)]
        meta.row_counts[key] = writer.write_table(spec, rows)
    writer.close(meta)
    return target


@pytest.fixture
def current_files(wb: Workbench, tmp_path: Path) -> dict[str, Path]:
    data.build(wb)
    out = {form: tmp_path / f"dana.{form}" for form in FORMS}
    for path in out.values():
        export_pipeline(wb, path, clock=fixed_clock(data.NOW))
    return out


@pytest.mark.parametrize("form", FORMS)
def test_a_file_from_before_reason_lists_and_sequences_loads(
    current_files: dict[str, Path], tmp_path: Path, form: str
) -> None:
    old = _old_file(current_files[form], tmp_path / f"old-dana.{form}")
    if form == "xlsx":
        book = openpyxl.load_workbook(old)
        assert "Sequences" not in book.sheetnames
        assert "Reason list" not in [c.value for c in book["Opportunities"][1]]
    else:
        assert '"sequences"' not in old.read_text("utf-8") and "close_reason_list" not in old.read_text(
            "utf-8"
        )
    pf = read_pipeline_file(old)
    opps = pf.rows("opportunities")
    assert len(opps) == 4 and {o.close_reason_list for o in opps} == {""}
    before = read_pipeline_file(current_files[form]).rows("opportunities")
    assert [o.close_reason for o in opps] == [o.close_reason for o in before]  # reasons kept as text
    assert pf.tables["sequences"].count == 0 and pf.rows("sequence_steps") == []
    rollup = roll_up([old])
    assert rollup.rejected == []
    check_hand_numbers(rollup.reps[0])
    assert rollup.reps[0].sequences == [] and rollup.sequence_comparison() == []


def test_an_old_file_resaved_by_a_spreadsheet_program_loads(
    current_files: dict[str, Path], tmp_path: Path
) -> None:
    old = _old_file(current_files["xlsx"], tmp_path / "old.xlsx")
    book = openpyxl.load_workbook(old)
    book.save(tmp_path / "resaved.xlsx")  # another dialect: read through python-calamine
    pf = read_pipeline_file(tmp_path / "resaved.xlsx")
    assert {o.close_reason_list for o in pf.rows("opportunities")} == {""}
    assert pf.rows("sequences") == []


@pytest.mark.parametrize("form", FORMS)
def test_a_required_column_missing_is_still_refused(
    current_files: dict[str, Path], tmp_path: Path, form: str
) -> None:
    spec = table("opportunities")
    without = dataclasses.replace(spec, columns=tuple(c for c in spec.columns if c.key != "close_reason"))
    pf = read_pipeline_file(current_files[form], tables=TABLE_KEYS)
    target = tmp_path / f"cut.{form}"
    writer: XlsxPipelineWriter | JsonPipelineWriter = (
        XlsxPipelineWriter(target) if form == "xlsx" else JsonPipelineWriter(target)
    )
    writer.write_summary(pf.meta, Summary())
    for key in TABLE_KEYS:
        use = without if key == "opportunities" else table(key)
        pf.meta.row_counts[key] = writer.write_table(
            use, [tuple(getattr(r, k) for k in use.keys) for r in pf.rows(key)]
        )
    writer.close(pf.meta)
    with pytest.raises(PipelineFileError) as caught:
        read_pipeline_file(target)
    expected = (
        "wrong columns: Close reason missing" if form == "xlsx" else "opportunities[0] lacks close_reason"
    )
    assert expected in caught.value.reason


# --- the round trip ----------------------------------------------------------------------
def _close_four(wb: Workbench) -> dict[str, str]:
    """Four closed deals: won for a won reason, lost for a loss reason, lost for "price" (on
    both lists), and a won deal of a file from before the lists were separate: its text
    reason came from the loss list (written as the old app stored it)."""
    names = {}
    with wb.session() as s:
        for n, first in enumerate(("Won", "Lost", "Both", "Legacy"), start=10):
            s.add(Lead(name=f"{first} Person", company=f"{first} Co", email=f"p{n}@x{n}.com"))
    from workbench.services.pipeline.convert import convert_lead

    with wb.reading() as s:
        ids = {
            lead.name.split()[0]: lead.id for lead in s.exec(select(Lead).where(Lead.name.like("% Person")))
        }
    clock = fixed_clock(data.NOW)
    for key, lead_id in ids.items():
        assert lead_id is not None
        opp = convert_lead(wb, lead_id, amount=100, clock=clock).opportunity_id
        names[key] = stages.get_opportunity(wb, opp).uuid
        if key == "Won":
            stages.close(wb, opp, StageKind.WON, "Product Fit", clock=clock)
        elif key == "Lost":
            stages.close(wb, opp, StageKind.LOST, "no budget", clock=clock)
        elif key == "Both":
            stages.close(wb, opp, StageKind.LOST, "price", clock=clock)
        else:
            stages.close(wb, opp, StageKind.WON, "price", clock=clock)
            with wb.session() as s:
                legacy = s.get(Opportunity, opp)
                assert legacy is not None
                legacy.close_reason = "no budget"
    return names


@pytest.mark.parametrize("form", FORMS)
def test_reason_lists_and_sequences_round_trip(wb: Workbench, tmp_path: Path, form: str) -> None:
    build_sequences(wb)
    uuids = _close_four(wb)
    path = tmp_path / f"rep.{form}"
    result = export_pipeline(wb, path, clock=fixed_clock(data.NOW), rep="Dana")
    assert result.row_counts["sequences"] == 2 and result.row_counts["sequence_steps"] == 13
    pf = read_pipeline_file(path)
    by_uuid = {o.uuid: o for o in pf.rows("opportunities")}
    got = {
        key: (by_uuid[u].outcome, by_uuid[u].close_reason, by_uuid[u].close_reason_list)
        for key, u in uuids.items()
    }
    assert got == {
        "Won": ("won", "product fit", "won"),
        "Lost": ("lost", "no budget", "lost"),
        "Both": ("lost", "price", "lost"),
        "Legacy": ("won", "no budget", "lost"),  # kept its text; the manager sees which list
    }
    # The deal the sequence test won for "price" (on both lists): its own outcome's list.
    assert [o.close_reason_list for o in pf.rows("opportunities") if o.uuid not in uuids.values()] == ["won"]
    inbound, target = pf.rows("sequences")
    assert (inbound.sequence, inbound.enrolled, inbound.active, inbound.finished, inbound.stopped) == (
        "New inbound",
        4,
        0,
        1,
        3,
    )
    assert (inbound.replied, inbound.meeting_booked, inbound.not_interested) == (1, 1, 1)
    assert (inbound.opportunities, inbound.won, inbound.most_replies_after_step) == (1, 1, 1)
    assert (target.enrolled, target.active, target.most_replies_after_step) == (1, 1, None)
    steps = [s for s in pf.rows("sequence_steps") if s.sequence_uuid == inbound.sequence_uuid]
    assert [(s.step, s.reached, s.done, s.skipped, s.passed, s.replied_after) for s in steps[:2]] == [
        (1, 4, 2, 1, 3, 1),
        (2, 3, 1, 1, 2, 1),
    ]
    assert len(steps) == 5
    # Both forms say the same.
    other = tmp_path / ("rep.json" if form == "xlsx" else "rep.xlsx")
    export_pipeline(wb, other, clock=fixed_clock(data.NOW), rep="Dana")
    again = read_pipeline_file(other)
    for key in ("sequences", "sequence_steps"):
        assert again.rows(key) == pf.rows(key)
    rollup = roll_up([path])
    compared = rollup.sequence_comparison()
    assert [(c.name, c.reps[0][1].enrolled, c.reps[0][1].won) for c in compared] == [
        ("New inbound", 4, 1),
        ("Target account contact", 1, 0),
    ]


def test_column_spec_keeps_its_default() -> None:
    column = next(c for c in table("opportunities").columns if c.key == "close_reason_list")
    assert (
        isinstance(column, ColumnSpec) and column.optional and column.enum == frozenset({"", "won", "lost"})
    )
