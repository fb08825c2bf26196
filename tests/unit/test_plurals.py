"""Counted words in the CLI's and the services' text (issue 22): "1 lead", "2 leads",
"1 working day" — babel's English plural rule, never "lead(s)"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.domain.enums import LeadKind
from workbench.services.leads.edit import LeadFields, create_lead
from workbench.services.outreach.log import LogEntry, log_activity
from workbench.services.pipeline.convert import convert_lead
from workbench.services.plurals import counted, word
from workbench.services.records import RecordKind, RecordRef
from workbench.services.sequences.templates import MAX_WAIT, SequenceDraft, StepDraft, problems
from workbench.store import open_workbench


def test_one_and_two() -> None:
    assert counted(1, "lead", "leads") == "1 lead"
    assert counted(2, "lead", "leads") == "2 leads"
    assert counted(0, "lead", "leads") == "0 leads"
    assert counted(1, "working day", "working days") == "1 working day"
    assert counted(25_017, "employee", "employees") == "25,017 employees"
    assert (word(1, "lead", "leads"), word(0, "lead", "leads"), word(2, "lead", "leads")) == (
        "lead",
        "leads",
        "leads",
    )


def _lead(db: Path, name: str, kind: LeadKind, source: str, touched: bool) -> None:
    wb = open_workbench(db)
    try:
        received = datetime.now(UTC) - timedelta(days=2)
        lead_id = create_lead(wb, LeadFields(name=name, kind=kind.value, source=source), received_at=received)
        if touched:
            at = received + timedelta(hours=1)
            log_activity(wb, LogEntry("call", at=at, target=RecordRef(RecordKind.LEAD, lead_id)), now=at)
    finally:
        wb.close()


def test_cli_stats_speed_line_in_the_singular_and_the_plural(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    open_workbench(db_path).close()
    _lead(db_path, "Ina Inbound", LeadKind.INBOUND, "web form", touched=True)
    _lead(db_path, "Carl Cold", LeadKind.TARGET, "cold", touched=True)
    capsys.readouterr()
    assert main(["stats", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "over 1 touched lead (inbound and referral leads only; 1 cold/list lead left out)" in out
    _lead(db_path, "Rita Referral", LeadKind.REFERRAL, "referral", touched=True)
    _lead(db_path, "Lisa List", LeadKind.TARGET, "list", touched=False)
    assert main(["stats", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "over 2 touched leads (inbound and referral leads only; 2 cold/list leads left out)" in out
    assert "(s)" not in out


def test_a_sequences_wait_limit_names_its_working_days() -> None:
    draft = SequenceDraft("Too slow", (StepDraft("call", MAX_WAIT + 1),))
    assert any(f"longer than {MAX_WAIT:,} working days" in p for p in problems(draft))


def _row(out: str, name: str) -> str:
    return next(line for line in out.splitlines() if line.strip().startswith(name + " "))


def test_cli_stats_tables_say_1_lead_and_2_leads(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    open_workbench(db_path).close()
    _lead(db_path, "Ina Inbound", LeadKind.INBOUND, "web form", touched=False)
    capsys.readouterr()
    assert main(["stats", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert " 1 lead       0 opps     0 won " in _row(out, "inbound")
    assert " 0 leads      0 opps     0 won " in _row(out, "referral")
    _lead(db_path, "Ivo Inbound", LeadKind.INBOUND, "web form", touched=False)
    assert main(["stats", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert " 2 leads      0 opps     0 won " in _row(out, "inbound")
    assert "(s)" not in out


@pytest.mark.parametrize(
    ("deals", "said"),
    [(1, "Rep: 1 open deal, pipeline 0 "), (2, "Rep: 2 open deals, pipeline 0 ")],
)
def test_cli_rollup_says_1_open_deal_and_2_open_deals(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], deals: int, said: str
) -> None:
    with open_workbench(db_path) as wb:
        for i in range(deals):
            convert_lead(wb, create_lead(wb, LeadFields(name=f"Buyer {i}", company=f"Co {i}")))
    out_file = tmp_path / "rep.xlsx"
    assert main(["export", "--db", str(db_path), "--out", str(out_file), "--rep", "Rep"]) == 0
    capsys.readouterr()
    assert main(["rollup", str(out_file)]) == 0
    text = capsys.readouterr().out
    assert text.startswith(said), text
    assert "; 0 touches; " in text


def test_cli_import_says_1_row_1_lead_and_1_account(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leads = tmp_path / "one.csv"
    leads.write_text("First Name,Last Name,Company,Email\nAnn,Lee,Acme,ann@acme.com\n", "utf-8")
    assert main(["import", str(leads), "--db", str(db_path)]) == 0
    err = capsys.readouterr().err
    assert "progress: 1 row read (100%), 1 new, " in err
    assert "one.csv: CSV, utf-8, comma-separated, 1 row (header on line 1)" in err
    assert "added 1 lead (batch 1);" in err
    companies = tmp_path / "companies.csv"
    companies.write_text("Company,Website\nAcme Corp,acme.com\n", "utf-8")
    assert main(["import", str(companies), "--as", "accounts", "--target-list", "--db", str(db_path)]) == 0
    err = capsys.readouterr().err
    assert "added 1 account on the target list (batch 2);" in err and "; 1 lead linked" in err
    assert "target list: 1 active target, goal " in err
    assert main(["undo-import", "2", "--db", str(db_path)]) == 0
    assert (
        "Undid import 2: 1 account removed, 0 worked-on accounts moved to the trash"
        in capsys.readouterr().err
    )
    assert main(["undo-import", "1", "--db", str(db_path)]) == 0
    assert "Undid import 1: 1 lead removed, 0 worked-on leads moved" in capsys.readouterr().err


def test_cli_import_says_rows_leads_and_accounts_for_several(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leads = tmp_path / "two.csv"
    leads.write_text(
        "First Name,Last Name,Company,Email\nAnn,Lee,Acme,ann@acme.com\nBo,Ng,Beta,bo@beta.example\n", "utf-8"
    )
    assert main(["import", str(leads), "--db", str(db_path)]) == 0
    err = capsys.readouterr().err
    assert "progress: 2 rows read (100%), 2 new, " in err
    assert "two.csv: CSV, utf-8, comma-separated, 2 rows (header on line 1)" in err
    assert "added 2 leads (batch 1);" in err
    companies = tmp_path / "companies.csv"
    companies.write_text("Company,Website\nAcme Corp,acme.com\nBeta Inc,beta.example\n", "utf-8")
    assert main(["import", str(companies), "--as", "accounts", "--target-list", "--db", str(db_path)]) == 0
    err = capsys.readouterr().err
    assert "added 2 accounts on the target list (batch 2);" in err and "; 2 leads linked" in err
    assert "target list: 2 active targets, goal " in err
    assert main(["undo-import", "2", "--db", str(db_path)]) == 0
    assert (
        "Undid import 2: 2 accounts removed, 0 worked-on accounts moved to the trash"
        in capsys.readouterr().err
    )
