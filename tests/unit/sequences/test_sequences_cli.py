"""``workbench sequences`` list / show / enroll / stop: exit codes, one JSON object."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from workbench.cli import main
from workbench.domain import Account, Contact, Enrolment, Lead, LeadStatus
from workbench.store import open_workbench


def _setup(db: Path) -> dict[str, Any]:
    with open_workbench(db) as wb, wb.session() as s:
        lead = Lead(name="Ana López", first_name="Ana", email="ana@globex.com")
        nomail = Lead(name="Nel Nomail")
        trashed = Lead(name="Tom Trash", email="tom@x.com", deleted_at=datetime(2026, 3, 1, tzinfo=UTC))
        dq = Lead(name="Dan Dq", email="dan@x.com", status=LeadStatus.DISQUALIFIED)
        account = Account(name="Initech", is_target=True)
        s.add_all([lead, nomail, trashed, dq, account])
        s.flush()
        for name in ("Bo Berg", "Cy Chan"):
            s.add(Contact(name=name, account_id=account.id, email=f"{name[:2]}@i.com"))
        return {
            "lead": lead.uuid,
            "nomail": nomail.uuid,
            "trashed": trashed.uuid,
            "dq": dq.uuid,
            "account": account.id,
            "account_uuid": account.uuid,
        }


def _json(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    result: dict[str, Any] = json.loads(out[0])
    return result


def _enrolments(db: Path) -> list[Enrolment]:
    with open_workbench(db) as wb, wb.reading() as s:
        return list(s.exec(select(Enrolment)).all())


def test_list_show_enroll_stop(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = _setup(db_path)
    assert main(["sequences", "list", "--db", str(db_path), "--json"]) == 0
    listed = _json(capsys)["sequences"]
    assert [s["name"] for s in listed] == ["New inbound", "Target account contact"]
    uuid = listed[0]["uuid"]

    assert main(["sequences", "enroll", uuid, "--lead", ids["lead"], "--db", str(db_path), "--json"]) == 0
    enrolled = _json(capsys)["enrolled"]
    assert enrolled[0]["person"] == "Ana López" and enrolled[0]["state"] == "active"

    # Again: asks to replace (exit 2, nothing written) unless --replace.
    assert main(["sequences", "enroll", "new inbound", "--lead", ids["lead"], "--db", str(db_path)]) == 2
    assert "--replace" in capsys.readouterr().err
    assert len(_enrolments(db_path)) == 1

    assert main(["sequences", "enroll", "Target account contact", "--account", str(ids["account"]),
                 "--db", str(db_path), "--json"]) == 0  # fmt: skip
    assert sorted(e["person"] for e in _json(capsys)["enrolled"]) == ["Bo Berg", "Cy Chan"]

    assert (
        main(["sequences", "stop", "New inbound", "--lead", ids["lead"], "--db", str(db_path), "--json"]) == 0
    )
    assert _json(capsys)["stopped"] == 1

    assert main(["sequences", "show", "New inbound", "--db", str(db_path), "--json"]) == 0
    shown = _json(capsys)
    assert len(shown["sequence"]["steps"]) == 5
    assert [(e["state"], e["stop_reason"]) for e in shown["enrolments"]] == [("stopped", "stopped by hand")]

    # `workbench stats --json` carries the same sequence figures as Insights.
    assert main(["stats", "--db", str(db_path), "--json"]) == 0
    rows = {r["name"]: r for r in _json(capsys)["sequences"]["sequences"]}
    assert (rows["New inbound"]["enrolled"], rows["New inbound"]["stopped"]) == (1, 1)
    assert rows["Target account contact"]["active"] == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["enroll", "No such plan", "--lead", "{lead}"], "no sequence"),
        (["enroll", "New inbound", "--lead", "00000000-0000-0000-0000-000000000000"], "no lead"),
        (["enroll", "New inbound", "--lead", "{nomail}"], "no email"),
        (["enroll", "New inbound", "--lead", "{trashed}"], "trash"),
        (["enroll", "New inbound", "--lead", "{dq}"], "disqualified"),
        (["enroll", "New inbound", "--account", "999"], "no account"),
        (["stop", "New inbound", "--lead", "{lead}"], "no live enrolment"),
        (["show", "nope"], "no sequence"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    db_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    ids = _setup(db_path)
    argv = ["sequences", *(a.format(**ids) for a in args), "--db", str(db_path), "--json"]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err
    assert _enrolments(db_path) == []
