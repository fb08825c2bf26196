"""Files as real tools write them (issue 18): problems per row in ``import --json``,
sources matched to the rep's list, phones read by region and never invented."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.support.import_files import write_csv
from workbench.cli import main
from workbench.domain import Lead, LeadSource, table_of
from workbench.services.clock import fixed_clock
from workbench.services.imports.run import ImportOptions, run_import
from workbench.services.settings import values as settings
from workbench.store import Workbench, open_workbench

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
L: Any = table_of(Lead).c


def run(wb: Workbench, path: Path, **options: Any) -> Any:
    options.setdefault("timezone", UTC)
    return run_import(wb, path, ImportOptions(**options), clock=fixed_clock(NOW), collect=True)


def stored(wb: Workbench, *columns: str) -> list[tuple[Any, ...]]:
    with wb.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(*(L[c] for c in columns)).order_by(L.id))]


def test_import_json_lists_problems_per_row(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        ["Name", "Company", "E-mail", "Phone", "Created"],
        ["Ana López", "Acme", "ana@acme", "+1 415 555 0100", "2024-01-05"],
        ["", "", "x@y.com", "", ""],
        ["Bo Chen", "Beta", "bo@beta.io", "999-4445", "not a date"],
        *[[f"P{i} Q", "Co", f"p{i}@bad", "", ""] for i in range(1100)],
    ]
    path = write_csv(tmp_path / "people.csv", rows)
    code = main(["import", str(path), "--db", str(db_path), "--json", "--dry-run"])
    out, _err = capsys.readouterr()
    assert code == 0 and out.count("\n") == 1
    data = json.loads(out)
    problems = data["problems"]
    assert len(problems) == 1000  # the first 1,000
    first = problems[0]
    assert (first["row"], first["column"], first["rejected"]) == (2, "E-mail", False)
    assert first["reason"].startswith("email 'ana@acme' kept as typed")
    assert {"row": 3, "column": "", "reason": "no name and no company", "rejected": True} in problems
    bad_date = [p for p in problems if p["row"] == 4]
    assert [p["column"] for p in bad_date] == ["Created"] and bad_date[0]["rejected"]
    assert data["problem_rows"] == 1 + 1 + 1 + 1100


def test_sources_match_the_reps_list_whatever_the_case(wb: Workbench, tmp_path: Path) -> None:
    t = table_of(LeadSource)
    with wb.engine.connect() as conn:
        before = [str(n) for n in conn.execute(select(t.c.name).order_by(t.c.position)).scalars()]
    assert "referral" in before and "trade show" in before  # the built-in spellings
    rows = [
        ["Name", "Company", "Lead Source"],
        ["Ana López", "Acme", "Referral"],
        ["Bo Chen", "Beta", "  Trade   Show "],
        ["Cy Orr", "Corp", "Partner Portal"],
        ["Di Fox", "Delta", "partner portal"],
    ]
    run(wb, write_csv(tmp_path / "s.csv", rows))
    assert [s for (s,) in stored(wb, "source")] == [
        "referral",
        "trade show",
        "Partner Portal",
        "Partner Portal",
    ]
    with wb.engine.connect() as conn:
        after = [str(n) for n in conn.execute(select(t.c.name).order_by(t.c.position)).scalars()]
    assert after == [*before, "Partner Portal"]  # a new one added once, in the file's spelling


def test_phones_are_never_invented(wb: Workbench, tmp_path: Path) -> None:
    rows = [
        ["Name", "Company", "Phone", "Country"],
        ["Ana López", "Acme", "999-4445", ""],
        ["Bo Chen", "Beta", "0300000000", ""],
        ["Cy Orr", "Corp", "+1 415 555 0100", ""],
        ["Dirk Peeters", "Brussels Co", "02 555 12 12", "Belgium"],
        ["Eva de Vries", "Utrecht BV", "030 123 4567", "NL"],
    ]
    result = run(wb, write_csv(tmp_path / "p.csv", rows))
    assert stored(wb, "phone", "phone_e164") == [
        ("999-4445", ""),
        ("0300000000", ""),
        ("+1 415 555 0100", "+14155550100"),
        ("02 555 12 12", "+3225551212"),
        ("030 123 4567", "+31301234567"),
    ]
    warned = {p.row: (p.column, p.message) for p in result.problems}
    assert set(warned) == {2, 3}
    assert warned[2][0] == "Phone" and "kept as typed" in warned[2][1]


def test_the_default_region_reads_phones(wb: Workbench, tmp_path: Path) -> None:
    settings.write(wb, "profile.phone_region", "BE")
    rows = [["Name", "Company", "Phone"], ["Dirk Peeters", "Brussels Co", "02 555 12 12"]]
    result = run(wb, write_csv(tmp_path / "be.csv", rows))
    assert stored(wb, "phone_e164") == [("+3225551212",)] and result.problems == []


WEBINAR = [
    ["Attendee Report"],
    ["Report Generated:", "3/2/2026 9:00"],
    ["Topic", "Webinar ID", "Actual Start Time", "Actual Duration (minutes)"],
    ["Pipeline clinic", "812 3456 7890", "3/1/2026 16:00", "58"],
    ["Host Details"],
    ["Attended", "User Name (Original Name)", "Email", "Join Time"],
    ["Yes", "Dana Host", "dana@vendor.com", "3/1/2026 15:55"],
    ["Attendee Details"],
    ["Attended", "First Name", "Last Name", "Email", "Organization", "Registration Time"],
    ["Yes", "Ana", "López", "ana@acme.com", "Acme", "2/20/2026 10:00"],
    ["No", "Bo", "Chen", "bo@beta.io", "Beta", "2/21/2026 11:00"],
]


def test_a_webinar_report_with_a_preamble_imports(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "webinar.csv", WEBINAR)
    code = main(["import", str(path), "--db", str(db_path), "--json"])
    out, _err = capsys.readouterr()
    assert code == 0
    data = json.loads(out)
    assert (data["inserted"], data["rejected"], data["header_line"], data["preamble_lines"]) == (2, 0, 9, 8)
    wb = open_workbench(db_path)
    try:
        names = [n for (n, received) in stored(wb, "name", "received_at") if received.day in (20, 21)]
        assert names == ["Ana López", "Bo Chen"]  # "Registration Time" is the received date
    finally:
        wb.close()
    # The rep may say where the header is: the host table then.
    code = main(["import", str(path), "--db", str(tmp_path / "h.workbench"), "--json", "--header-row", "6"])
    out, _err = capsys.readouterr()
    assert code == 0 and json.loads(out)["header_line"] == 6
    with pytest.raises(SystemExit) as usage:  # argparse: a usage error exits 2
        main(["import", str(path), "--db", str(tmp_path / "x.workbench"), "--header-row", "0"])
    assert usage.value.code == 2 and not (tmp_path / "x.workbench").exists()
    code = main(["import", str(path), "--db", str(tmp_path / "y.workbench"), "--header-row", "99"])
    _out, err = capsys.readouterr()
    assert code == 2 and "line 99" in err and not (tmp_path / "y.workbench").exists()


def test_report_footers_are_not_rejected_rows(wb: Workbench, tmp_path: Path) -> None:
    rows = [
        ["First Name", "Last Name", "Company", "Email"],
        ["Ana", "López", "Acme", "ana@acme.com"],
        ["Bo", "Chen", "Beta", "bo@beta.io"],
        ["Grand Totals (2 records)"],
        ["Confidential Information - Do Not Distribute"],
        ["Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."],
    ]
    result = run(wb, write_csv(tmp_path / "sf.csv", rows))
    assert (result.rows, result.inserted, result.rejected, result.footer_lines) == (2, 2, 0, 3)
    assert result.layout() == "header on line 1; 3 footer lines ignored"


def test_identifier_columns_are_kept_in_the_notes(wb: Workbench, tmp_path: Path) -> None:
    rows = [
        ["Attendee #", "Organization Id", "First Name", "Last Name", "Company", "Email", "Order Date"],
        ["1001", "FAB0d41d5b5d22c", "Ana", "López", "Acme", "ana@acme.com", "2024-01-05"],
        ["1002", "6F94879bDAfE5a6", "Bo", "Chen", "Beta", "bo@beta.io", "2024-01-06"],
    ]
    result = run(wb, write_csv(tmp_path / "event.csv", rows))
    assert result.mapping[:2] == [None, None]
    assert stored(wb, "name", "company", "notes", "received_at") == [
        (
            "Ana López",
            "Acme",
            "Attendee #: 1001\nOrganization Id: FAB0d41d5b5d22c",
            datetime(2024, 1, 5, tzinfo=UTC),
        ),
        (
            "Bo Chen",
            "Beta",
            "Attendee #: 1002\nOrganization Id: 6F94879bDAfE5a6",
            datetime(2024, 1, 6, tzinfo=UTC),
        ),
    ]


def test_a_company_list_is_not_bent_into_people(wb: Workbench, tmp_path: Path) -> None:
    rows = [
        ["Index", "Organization Id", "Name", "Website", "Country", "Industry", "Number of employees"],
        ["1", "FAB0d41d5b5d22c", "Ferrell LLC", "https://price.net/", "Papua New Guinea", "Plastics", "3498"],
        [
            "2",
            "6F94879bDAfE5a6",
            "Mckinney, Riley and Day",
            "http://www.hall-buchanan.info/",
            "Finland",
            "Glass",
            "4952",
        ],
    ]
    run(wb, write_csv(tmp_path / "organizations-100.csv", rows))
    got = stored(wb, "name", "company", "notes")
    assert [(n, c) for n, c, _notes in got] == [("", "Ferrell LLC"), ("", "Mckinney, Riley and Day")]
    assert "Organization Id: FAB0d41d5b5d22c" in got[0][2] and "Industry: Plastics" in got[0][2]
