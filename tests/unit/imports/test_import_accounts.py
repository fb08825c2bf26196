"""A company-only file imported as accounts (issue 18): onto the target list or as other
accounts, de-duplicated by domain then name, linked to leads, undone exactly."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.support.import_files import write_csv, write_xlsx
from workbench.cli import main
from workbench.domain import Account, AccountEvent, Lead, table_of
from workbench.exchange.mapping import Field, guess_mapping, is_company_list
from workbench.exchange.readers import ReadOptions
from workbench.services.clock import fixed_clock
from workbench.services.imports import history as import_history
from workbench.services.imports.accounts import employees_of
from workbench.services.imports.file_preview import preview_file
from workbench.services.imports.run import ImportAs, ImportOptions, ImportRefused, run_import
from workbench.services.leads import edit as leads
from workbench.services.settings import values as settings
from workbench.services.targets import accounts as targets_accounts
from workbench.store import Workbench, open_workbench

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CLOCK = fixed_clock(NOW)
A: Any = table_of(Account).c
L: Any = table_of(Lead).c

HEADER = ["Organization Id", "Name", "Website", "Industry", "Number of employees", "Country", "Phone"]
COMPANIES = [
    ["FAB0d41d5b5d22c", "Ferrell LLC", "https://price.net/", "Plastics", "3,498", "Finland", "+358 9 123"],
    ["6F94879bDAfE5a6", "Acme Corporation", "www.acme.com", "Machinery", "51-200", "Germany", ""],
    ["5Cef8BFA16c5e3c", "Beta GmbH", "", "Retail", "", "Germany", ""],
    ["053d585Ab6b3159", "ACME Corp.", "acme.com", "", "", "", ""],  # the second row again
    ["2A4f1d8cB0a2c8f", "Dijkstra BV", "dijkstra.nl", "Logistics", "1.200", "Netherlands", ""],
    ["", "", "nameless.example", "", "", "", ""],  # no company name: rejected, shown
]


def company_list(tmp_path: Path, name: str = "organizations.csv", rows: list[list[str]] = COMPANIES) -> Path:
    return write_csv(tmp_path / name, [HEADER, *rows])


def accounts(wb: Workbench) -> list[tuple[Any, ...]]:
    with wb.engine.connect() as conn:
        stmt = select(A.name, A.domain, A.industry, A.employees, A.region, A.is_target).where(
            A.deleted_at.is_(None)
        )
        return [tuple(r) for r in conn.execute(stmt.order_by(A.id))]


def scalar(wb: Workbench, stmt: Any) -> Any:
    with wb.engine.connect() as conn:
        return conn.execute(stmt).scalar()


def seed(wb: Workbench) -> tuple[int, int]:
    """An account Acme (not a target, no industry), and a lead at Dijkstra not linked."""
    with wb.session() as session:
        acme = targets_accounts.create_account(
            session, targets_accounts.AccountInput("Acme Corporation", website="acme.com"), clock=CLOCK
        )
    lead = leads.create_lead(
        wb,
        leads.LeadFields(name="Sanne de Vries", company="Dijkstra Logistics", email="sanne@dijkstra.nl"),
        clock=CLOCK,
    )
    return acme, lead


def test_a_company_list_is_told_from_a_lead_list() -> None:
    assert is_company_list(guess_mapping(HEADER))
    assert guess_mapping(HEADER)[:5] == [None, Field.COMPANY, Field.WEBSITE, Field.INDUSTRY, Field.EMPLOYEES]
    assert not is_company_list(guess_mapping(["Name", "Email", "Company"]))
    assert not is_company_list(guess_mapping(["First Name", "Company", "Website"]))
    assert [employees_of(t) for t in ("3,498", "1.200", "12", "5k", "51-200", "many")] == [
        3498,
        1200,
        12,
        5000,
        None,
        None,
    ]


def test_onto_the_target_list_then_again_then_undo(wb: Workbench, tmp_path: Path) -> None:
    acme, lead_id = seed(wb)
    settings.write(wb, "targets.goal", 3)
    path = company_list(tmp_path)
    assert preview_file(path, ReadOptions()).company_list
    options = ImportOptions(import_as=ImportAs.TARGETS)
    preview = run_import(
        wb, path, ImportOptions(import_as=ImportAs.TARGETS, dry_run=True), clock=CLOCK, collect=True
    )
    # new: Ferrell, Beta, Dijkstra; Acme present (its industry filled: merged); row 5 the same
    # domain again (present); the nameless row rejected — every row accounted for.
    assert (preview.rows, preview.inserted, preview.merged, preview.skipped_duplicates, preview.rejected) == (
        6,
        3,
        1,
        1,
        1,
    )
    assert preview.promoted == 1 and preview.targets_before == 0 and preview.targets_after == 4
    assert preview.over_goal == 1  # the list's goal is 3: the preview says so
    assert preview.as_dict()["target_list"] == {"goal": 3, "before": 0, "after": 4, "over_goal": 1}
    outcomes = {r.row: (r.outcome, r.note) for r in preview.sample}
    assert (
        outcomes[3][0] == "merge"
        and "same domain" in outcomes[3][1]
        and "put on the target list" in outcomes[3][1]
    )
    assert outcomes[5][0] == "duplicate" and "row 3" not in outcomes[5][1]
    assert outcomes[7][0] == "rejected" and "no company name" in outcomes[7][1]
    assert accounts(wb) == [("Acme Corporation", "acme.com", "", None, "", False)]  # a dry run writes nothing

    result = run_import(wb, path, options, clock=CLOCK, collect=True)
    assert (result.inserted, result.merged, result.skipped_duplicates, result.rejected) == (3, 1, 1, 1)
    assert accounts(wb) == [
        ("Acme Corporation", "acme.com", "Machinery", None, "Germany", True),
        ("Ferrell LLC", "price.net", "Plastics", 3498, "Finland", True),
        ("Beta GmbH", "", "Retail", None, "Germany", True),
        ("Dijkstra BV", "dijkstra.nl", "Logistics", 1200, "Netherlands", True),
    ]
    notes = scalar(wb, select(A.notes).where(A.name == "Ferrell LLC"))
    assert "Organization Id: FAB0d41d5b5d22c" in notes and "Phone: +358 9 123" in notes
    dijkstra = scalar(wb, select(A.id).where(A.name == "Dijkstra BV"))
    assert scalar(wb, select(L.account_id).where(L.id == lead_id)) == dijkstra  # linked by domain
    assert scalar(wb, select(func.count()).select_from(table_of(AccountEvent))) == 4  # four promotions

    # Re-import an edited export: the same companies by domain (and Beta by name).
    again = company_list(
        tmp_path,
        "organizations-2.csv",
        [["x", "Ferrell", "price.net", "", "", "", ""], ["y", "Beta GmbH", "", "", "", "", ""]],
    )
    second = run_import(wb, again, options, clock=CLOCK, collect=True)
    assert (second.inserted, second.skipped_duplicates, second.promoted) == (0, 2, 0)
    assert len(accounts(wb)) == 4
    import_history.undo_import(wb, second.batch_id or 0, clock=CLOCK)

    undone = import_history.undo_import(wb, result.batch_id or 0, clock=CLOCK)
    assert (undone.accounts_deleted, undone.accounts_trashed, undone.demoted) == (3, 0, 1)
    # Exactly what the import did is gone: Acme is as it was, the lead is unlinked.
    assert accounts(wb) == [("Acme Corporation", "acme.com", "", None, "", False)]
    assert scalar(wb, select(A.id).where(A.id == acme)) == acme
    assert scalar(wb, select(L.account_id).where(L.id == lead_id)) is None
    assert scalar(wb, select(func.count()).select_from(table_of(AccountEvent))) == 0
    # …and the file may be imported again.
    assert run_import(wb, path, options, clock=CLOCK).inserted == 3


def test_as_other_accounts_from_a_spreadsheet(wb: Workbench, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "bought.xlsx", {"Companies": [HEADER, *COMPANIES]})
    result = run_import(wb, path, ImportOptions(import_as=ImportAs.ACCOUNTS), clock=CLOCK)
    assert (result.inserted, result.skipped_duplicates, result.rejected) == (4, 1, 1)
    assert [is_target for *_rest, is_target in accounts(wb)] == [False] * 4
    assert result.targets_after == 0 and result.over_goal == 0
    # The same list as targets later: the accounts are present, and go onto the list.
    edited = write_xlsx(tmp_path / "bought-2.xlsx", {"Companies": [HEADER, *COMPANIES[:2]]})
    second = run_import(wb, edited, ImportOptions(import_as=ImportAs.TARGETS), clock=CLOCK)
    assert (second.inserted, second.skipped_duplicates, second.promoted) == (0, 2, 2)
    assert scalar(wb, select(func.count()).where(A.is_target)) == 2


def test_accounts_need_a_company_column(wb: Workbench, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "sites.csv", [["Website", "Industry"], ["acme.com", "Retail"]])
    with pytest.raises(ImportRefused, match="mapped to the company"):
        run_import(wb, path, ImportOptions(import_as=ImportAs.ACCOUNTS), clock=CLOCK)
    assert accounts(wb) == []


def test_cli_imports_a_company_list_onto_the_target_list(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = company_list(tmp_path)
    code = main(["import", str(path), "--db", str(db_path), "--as", "accounts", "--target-list", "--json"])
    out, err = capsys.readouterr()
    assert code == 0 and out.count("\n") == 1
    data = json.loads(out)
    assert data["as"] == "targets"
    assert data["accounts"] == {
        "new": 4,
        "already_present": 1,
        "merged": 0,
        "put_on_target_list": 4,
        "linked_leads": 0,
    }
    assert data["target_list"]["after"] == 4 and data["rejected"] == 1
    assert data["problems"][0]["reason"] == "no company name"
    code = main(["import", str(path), "--db", str(db_path), "--target-list"])
    out, err = capsys.readouterr()
    assert code == 2 and "--as accounts" in err
    code = main(["undo-import", str(data["batch_id"]), "--db", str(db_path), "--json"])
    out, _err = capsys.readouterr()
    assert code == 0 and json.loads(out)["accounts_deleted"] == 4
    with open_workbench(db_path) as wb:
        assert accounts(wb) == []


def test_undo_trashes_an_imported_account_worked_on_since(wb: Workbench, tmp_path: Path) -> None:
    from workbench.services.safety import trash
    from workbench.services.targets import contacts

    result = run_import(wb, company_list(tmp_path), ImportOptions(import_as=ImportAs.TARGETS), clock=CLOCK)
    ferrell = scalar(wb, select(A.id).where(A.name == "Ferrell LLC"))
    with wb.session() as session:
        contacts.create_contact(
            session,
            contacts.ContactInput(first_name="Ina", last_name="Ferrell", account_id=ferrell),
            clock=CLOCK,
        )
    undone = import_history.undo_import(wb, result.batch_id or 0, clock=CLOCK)
    assert (undone.accounts_deleted, undone.accounts_trashed) == (3, 1)
    assert accounts(wb) == []  # none live; the worked-on one is in the trash with its contact
    assert [item.label for item in trash.list_items(wb, "account")] == ["Ferrell LLC"]
    assert trash.restore(wb, "account", [ferrell]) == 1
    assert accounts(wb)[0][0] == "Ferrell LLC"
