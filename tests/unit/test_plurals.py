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
from workbench.services.plurals import counted
from workbench.services.records import RecordKind, RecordRef
from workbench.services.sequences.templates import MAX_WAIT, SequenceDraft, StepDraft, problems
from workbench.store import open_workbench


def test_one_and_two() -> None:
    assert counted(1, "lead", "leads") == "1 lead"
    assert counted(2, "lead", "leads") == "2 leads"
    assert counted(0, "lead", "leads") == "0 leads"
    assert counted(1, "working day", "working days") == "1 working day"
    assert counted(25_017, "employee", "employees") == "25,017 employees"


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
