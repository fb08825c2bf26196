"""Importing leads: every CRM's export, R8 round trips, R7 malformed files, the batch
record, dry runs, cancel, kind/source/campaign and account links."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from tests.support.import_files import (
    CRM_HEADERS,
    CRM_ROWS,
    DELIMITERS,
    ENCODINGS_UNICODE,
    ENCODINGS_WESTERN,
    NAMES_UNICODE,
    NAMES_WESTERN,
    leads_file,
    write_csv,
    write_xlsx,
)
from workbench.domain import Account, ImportBatch, Lead, LeadSource, table_of
from workbench.exchange.dates import DateOrder
from workbench.exchange.mapping import Field
from workbench.services.clock import fixed_clock
from workbench.services.imports.rows import Unmapped
from workbench.services.imports.run import (
    ImportCancelled,
    ImportOptions,
    ImportRefused,
    run_import,
)
from workbench.store import Workbench

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CLOCK = fixed_clock(NOW)
L: Any = table_of(Lead).c
UTC_OPTS = ImportOptions(timezone=UTC)


def leads(wb: Workbench, *columns: str) -> list[tuple[Any, ...]]:
    cols = [L[c] for c in columns or ("name", "company", "email")]
    with wb.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(*cols).where(L.deleted_at.is_(None)).order_by(L.id))]


def count(wb: Workbench, model: Any = Lead) -> int:
    with wb.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table_of(model))).scalar_one())


def run(wb: Workbench, path: Path, **options: Any) -> Any:
    options.setdefault("timezone", UTC)
    return run_import(wb, path, ImportOptions(**options), clock=CLOCK, collect=True)


@pytest.mark.parametrize("crm", sorted(CRM_HEADERS))
def test_each_crm_export_imports(wb: Workbench, tmp_path: Path, crm: str) -> None:
    header = [h for h, _f in CRM_HEADERS[crm]]
    path = write_csv(tmp_path / f"{crm}.csv", [header, *CRM_ROWS[crm]], encoding="utf-8-sig")
    result = run(wb, path)
    assert result.rejected == 0, result.problems
    assert result.inserted == len(CRM_ROWS[crm]) == count(wb)
    names = {r[0] for r in leads(wb)}
    assert names <= {"Jürgen Müller", "José Núñez"}
    rows = leads(wb, "first_name", "last_name", "received_at", "notes", "import_batch_id")
    for first, last, received, _notes, batch in rows:
        assert first in ("Jürgen", "José") and last in ("Müller", "Núñez")  # full names are split
        assert received.year == 2024 and batch == result.batch_id


def test_salesforce_details(wb: Workbench, tmp_path: Path) -> None:
    header = [h for h, _f in CRM_HEADERS["salesforce"]]
    path = write_csv(tmp_path / "sf.csv", [header, *CRM_ROWS["salesforce"]])
    run(wb, path)
    row = leads(wb, "title", "phone_e164", "source", "campaign", "received_at", "notes", "email_domain")[0]
    title, phone, source, campaign, received, notes, domain = row
    assert (title, phone, source, campaign, domain) == (
        "CEO",
        "+49301234567",
        "Web",
        "Spring Promo",
        "mueller.de",
    )
    assert received == datetime(2024, 1, 5, tzinfo=UTC)
    # mapped notes, the website, then unmapped columns as "Header: value"
    assert notes.splitlines() == [
        "Met at booth",
        "Website: mueller.de",
        "Lead ID: 00Q1",
        "Lead Status: Open",
        "Industry: Retail",
    ]


ENCODING_CASES = [
    (e, DELIMITERS[i % len(DELIMITERS)]) for i, e in enumerate(ENCODINGS_UNICODE + ENCODINGS_WESTERN)
]


@pytest.mark.parametrize(("encoding", "delimiter"), ENCODING_CASES)
def test_names_survive_every_encoding(wb: Workbench, tmp_path: Path, encoding: str, delimiter: str) -> None:
    names = NAMES_WESTERN if encoding in ENCODINGS_WESTERN else NAMES_UNICODE
    rows = [
        [first, last, co, f"{first[0]}{i}@example.com", "", ""] for i, (first, last, co) in enumerate(names)
    ]
    path = leads_file(tmp_path / "names.csv", rows, delimiter=delimiter, encoding=encoding)
    result = run(wb, path)
    assert result.inserted == 2
    assert leads(wb, "first_name", "last_name", "company") == list(names)


def test_malformed_rows_are_listed_and_good_rows_imported(wb: Workbench, tmp_path: Path) -> None:
    header = ["First Name", "Last Name", "Company", "Email", "Create Date", "Notes"]
    rows = [
        header,
        ["Ann", "Lee", "Acme", "ann@acme.com", "2024-01-05", "multi\nline\r\nnote"],  # fine
        ["Bob", "Ray", "Beta"],  # short row: imported with a warning
        ["Cy", "Orr", "Corp", "cy@corp.com", "2024-01-05", "x", "shifted", "values"],  # long row: rejected
        ["D\x00an", "Nul\x00l", "Del\x00ta", "", "", ""],  # NUL bytes dropped
        ["", "", "", "nobody@x.com", "", ""],  # no name, no company: rejected
        ["Eve", "Ng", "Echo", "eve@echo", "", ""],  # bad email: kept as typed, with a warning
        ["Fay", "Ito", "Fox", "", "31/31/2024", ""],  # date cannot be read: rejected
        ["Gus", "Oz", "Golf", "", "", "n" * 40_000],  # a 40,000-character note
    ]
    rejects = tmp_path / "rejected.csv"
    path = write_csv(tmp_path / "messy.csv", rows)
    result = run(wb, path, rejects_to=rejects)
    assert (result.rows, result.inserted, result.rejected) == (8, 5, 3)
    by_row = {p.row: p for p in result.problems}
    assert by_row[3].message.startswith("the row has only 3 of 6") and not by_row[3].rejected
    assert "shifted" in by_row[4].message and by_row[4].rejected
    assert by_row[6].message == "no name and no company"
    assert "kept as typed" in by_row[7].message and not by_row[7].rejected
    assert "cannot be read" in by_row[8].message and by_row[8].rejected
    stored = leads(wb, "name", "company", "email", "email_norm", "notes")
    assert stored[0][4] == "multi\nline\r\nnote"
    assert stored[2][:2] == ("Dan Null", "Delta")
    assert stored[3][2:4] == ("eve@echo", "")  # an invalid email never matches duplicates
    assert len(stored[4][4]) == 40_000
    with rejects.open(encoding="utf-8-sig", newline="") as fh:
        written = list(csv.reader(fh))
    assert written[0] == [*header, "reason"]
    assert [r[0] for r in written[1:]] == ["Cy", "", "Fay"]
    assert written[2][-1] == "no name and no company"


def test_a_thousand_columns(wb: Workbench, tmp_path: Path) -> None:
    header = ["Name", "Company"] + [f"Extra {i}" for i in range(998)]
    path = write_csv(tmp_path / "wide.csv", [header, ["Ann Lee", "Acme"] + ["v"] * 998])
    result = run(wb, path, unmapped=Unmapped.IGNORE)
    assert result.inserted == 1 and leads(wb, "notes") == [("",)]


def test_broken_quotes_do_not_stop_the_file(wb: Workbench, tmp_path: Path) -> None:
    path = tmp_path / "quotes.csv"
    path.write_text('Name,Company\nAnn,Acme\nBob,"Beta\nCy,Corp\n', encoding="utf-8")
    result = run(wb, path)
    assert result.rows == 2 and result.inserted == 2  # the quote swallowed the rest into one cell
    assert leads(wb, "company")[1][0].startswith("Beta")


@pytest.mark.parametrize(
    "content",
    [b"", b"\n\n", bytes(range(256)) * 40, b"Email,Phone\nann@acme.com,123\n"],
    ids=["empty", "blank", "binary", "unmappable"],
)
def test_refused_files_write_nothing(wb: Workbench, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(content)
    with pytest.raises(ImportRefused):
        run(wb, path)
    assert count(wb) == 0 and count(wb, ImportBatch) == 0


def test_batch_record(wb: Workbench, tmp_path: Path) -> None:
    path = leads_file(
        tmp_path / "b.csv", [["Ann", "Lee", "Acme", "ann@acme.com", "", ""], ["", "", "", "", "", ""]]
    )
    result = run(wb, path, source="webinar")
    with wb.engine.connect() as conn:
        batch = conn.execute(select(table_of(ImportBatch))).mappings().one()
    assert batch["file_name"] == "b.csv" and len(batch["file_hash"]) == 64
    assert batch["file_size"] == path.stat().st_size
    assert (batch["rows"], batch["inserted"], batch["rejected"], batch["status"]) == (1, 1, 0, "done")
    assert batch["started_at"] == NOW and batch["finished_at"] is not None
    assert '"source": "webinar"' in batch["options"]
    assert result.as_dict()["batch_id"] == batch["id"]


def test_dry_run_counts_what_the_import_does(wb: Workbench, tmp_path: Path) -> None:
    rows = [["Ann", "Lee", "Acme", "ann@acme.com", "", ""], ["Ann", "Lee", "Acme", "ANN@acme.com", "", ""]]
    path = leads_file(tmp_path / "d.csv", rows)
    dry = run(wb, path, dry_run=True)
    assert (dry.inserted, dry.skipped_duplicates, dry.batch_id) == (1, 1, None)
    assert count(wb) == 0 and count(wb, ImportBatch) == 0
    real = run(wb, path)
    assert (real.inserted, real.skipped_duplicates) == (dry.inserted, dry.skipped_duplicates)


def test_cancel_writes_nothing(wb: Workbench, tmp_path: Path) -> None:
    rows = [[f"P{i}", "Lee", f"Co {i}", f"p{i}@x{i}.com", "", ""] for i in range(5000)]
    path = leads_file(tmp_path / "c.csv", rows)
    calls: list[int] = []

    def progress(update: Any) -> bool:
        if update.phase == "backup":
            return True  # the backup before the import
        calls.append(update.rows)
        return len(calls) < 2  # cancel after the first chunk

    with pytest.raises(ImportCancelled):
        run_import(wb, path, ImportOptions(), progress=progress)
    assert calls[0] == 2000
    assert count(wb) == 0 and count(wb, ImportBatch) == 0


def test_whole_file_kind_source_and_campaign(wb: Workbench, tmp_path: Path) -> None:
    header = ["Name", "Company", "Lead Source", "Campaign", "Lead Type"]
    rows = [
        header,
        ["Ann Lee", "Acme", "LinkedIn", "Spring", "outbound"],
        ["Bob Ray", "Beta", "", "", "weird"],
    ]
    path = write_csv(tmp_path / "k.csv", rows)
    result = run(wb, path)
    assert leads(wb, "kind", "source", "campaign") == [("target", "LinkedIn", "Spring"), ("inbound", "", "")]
    assert any("weird" in p.message for p in result.problems)
    with wb.engine.connect() as conn:
        sources = set(conn.execute(select(table_of(LeadSource).c.name)).scalars())
    assert "LinkedIn" in sources  # new sources join the editable list
    path2 = write_csv(tmp_path / "k2.csv", [header, ["Cy Orr", "Corp", "LinkedIn", "Spring", "outbound"]])
    run(wb, path2, kind="Referral", source="trade show", campaign="Expo 2026")
    assert leads(wb, "kind", "source", "campaign")[-1] == ("referral", "trade show", "Expo 2026")
    with pytest.raises(ImportRefused, match="kind"):
        run(wb, path2, kind="martian")


def test_dates_follow_the_file_order_and_time_zone(wb: Workbench, tmp_path: Path) -> None:
    rows = [["Ann", "Lee", "Acme", "", "", "03/04/2024"], ["Bob", "Ray", "Beta", "", "", "25/04/2024 14:30"]]
    path = leads_file(tmp_path / "eu.csv", rows)
    result = run(wb, path, timezone=timezone(timedelta(hours=2)))
    assert result.date_order is DateOrder.DMY
    received = [r[0] for r in leads(wb, "received_at")]
    assert received == [datetime(2024, 4, 2, 22, 0, tzinfo=UTC), datetime(2024, 4, 25, 12, 30, tzinfo=UTC)]
    us = leads_file(tmp_path / "us.csv", [["Cy", "Orr", "Corp", "", "", "03/04/2024"]])
    run(wb, us, date_order=DateOrder.MDY)
    assert leads(wb, "received_at")[-1][0] == datetime(2024, 3, 4, tzinfo=UTC)
    empty = leads_file(tmp_path / "none.csv", [["Di", "Wu", "Dyn", "", "", ""]])
    run(wb, empty)
    assert leads(wb, "received_at")[-1][0] == NOW  # no date: received now


def test_leads_are_linked_to_accounts(wb: Workbench, tmp_path: Path) -> None:
    t = table_of(Account)
    with wb.engine.begin() as conn:
        for name, norm, domain in (
            ("Acme Inc", "acme", "acme.com"),
            ("Beta", "beta", ""),
            ("Twin", "twin", ""),
        ):
            conn.execute(
                insert(t).values(
                    name=name, name_norm=norm, domain=domain, uuid=name, created_at=NOW, updated_at=NOW
                )
            )
        conn.execute(
            insert(t).values(
                name="Twin", name_norm="twin", domain="", uuid="twin2", created_at=NOW, updated_at=NOW
            )
        )
        ids = dict(conn.execute(select(t.c.uuid, t.c.id)).all())
    rows = [
        ["Ann", "Lee", "Whatever Ltd", "ann@acme.com", "", ""],  # by email domain
        ["Bob", "Ray", "Beta GmbH", "bob@gmail.com", "", ""],  # free mail: by company name
        ["Cy", "Orr", "Twin", "", "", ""],  # two accounts called Twin: left for the rep
        ["Di", "Wu", "Nobody", "", "", ""],
    ]
    run(wb, leads_file(tmp_path / "a.csv", rows))
    assert [r[0] for r in leads(wb, "account_id")] == [ids["Acme Inc"], ids["Beta"], None, None]


def test_xlsx_import(wb: Workbench, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "l.xlsx",
        {
            "Summary": [["Report"], ["of nothing"]],
            "Leads": [
                ["Full Name", "Company", "Created"],
                ["Łukasz Wąsik", "Łódź Logistics", datetime(2024, 1, 5, 9)],
            ],
        },
    )
    with pytest.raises(ImportRefused, match="mapped"):
        run(wb, path)  # the first sheet has no lead columns
    from workbench.exchange.readers import ReadOptions

    result = run(wb, path, read=ReadOptions(sheet="Leads"))
    assert result.inserted == 1
    assert leads(wb, "first_name", "last_name", "company", "received_at") == [
        ("Łukasz", "Wąsik", "Łódź Logistics", datetime(2024, 1, 5, 9, tzinfo=UTC))
    ]


def test_explicit_mapping(wb: Workbench, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", [["A", "B", "C"], ["Acme", "Ann Lee", "hello"]])
    result = run(wb, path, mapping=[Field.COMPANY, Field.FULL_NAME, Field.NOTES])
    assert result.inserted == 1
    assert leads(wb, "name", "company", "notes") == [("Ann Lee", "Acme", "hello")]
    assert result.as_dict()["mapping"] == {"A": "company", "B": "full_name", "C": "notes"}


def test_formula_quotes_are_taken_off_reimported_cells(wb: Workbench, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "q.csv", [["Name", "Company", "Phone"], ["Ann Lee", "'=Acme", "'+1 415 555 0101"]]
    )
    run(wb, path)
    assert leads(wb, "company", "phone_e164") == [("=Acme", "+14155550101")]


def test_rejects_fixed_and_imported_again(wb: Workbench, tmp_path: Path) -> None:
    rejects = tmp_path / "rejected.csv"
    path = leads_file(
        tmp_path / "r.csv", [["Ann", "Lee", "Acme", "", "", "someday"], ["Bob", "Ray", "Beta", "", "", ""]]
    )
    run(wb, path, rejects_to=rejects)
    with rejects.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][5] = "2024-02-01"
    fixed = write_csv(tmp_path / "fixed.csv", rows)
    result = run(wb, fixed)
    assert result.inserted == 1 and result.rejected == 0
    assert leads(wb, "name", "notes")[-1] == ("Ann Lee", "")  # the reason column is not kept


def test_progress_reports_rows_and_fraction(wb: Workbench, tmp_path: Path) -> None:
    rows = [[f"P{i}", "Lee", f"Co {i}", "", "", ""] for i in range(4500)]
    path = leads_file(tmp_path / "p.csv", rows)
    seen: list[Any] = []
    run_import(wb, path, ImportOptions(), progress=lambda u: seen.append(u) or True)
    if wb.is_file:  # first the backup before the import, page by page
        assert seen[0].phase == "backup" and seen[0].rows == 0
        backed_up = [u for u in seen if u.phase == "backup"]
        assert backed_up[-1].fraction == 1.0 and seen[: len(backed_up)] == backed_up
        seen = seen[len(backed_up) :]
    assert [u.rows for u in seen] == [2000, 4000, 4500]
    assert seen[-1].fraction == 1.0 and seen[-1].inserted == 4500 and seen[-1].rows_per_second > 0
