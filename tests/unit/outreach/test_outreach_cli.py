from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from workbench.cli import main
from workbench.domain import Activity, FollowUp, Lead
from workbench.exchange.ics import read_uids, uid_for
from workbench.store import open_workbench


def _lead(db: Path) -> str:
    with open_workbench(db) as wb, wb.session() as s:
        lead = Lead(name="Ana López", company="Globex")
        s.add(lead)
        s.flush()
        return lead.uuid


def _json(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1  # exactly one JSON object
    result: dict[str, object] = json.loads(out[0])
    return result


def test_log_a_call_with_a_next_step_and_export_it(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    uuid = _lead(db_path)
    code = main(
        [
            "log", "--db", str(db_path), "--lead", uuid, "--channel", "call", "--outcome", "no-answer",
            "--note", "rang twice", "--at", "2030-03-02T10:00:00+00:00",
            "--next", "Call again", "--due", "2030-03-03", "--json",
        ]
    )  # fmt: skip
    assert code == 0
    result = _json(capsys)
    assert result["past_due"] is False and result["unlinked"] is False
    followup = result["followup"]
    assert isinstance(followup, dict) and followup["title"] == "Call again"
    with open_workbench(db_path) as wb, wb.reading() as s:
        activity = s.exec(select(Activity)).one()
        assert (activity.channel, activity.outcome, activity.note) == ("call", "no answer", "rang twice")
        lead = s.exec(select(Lead)).one()
        assert activity.lead_id == lead.id and lead.last_touch_at is not None
        assert s.exec(select(FollowUp)).one().lead_id == lead.id

    out = tmp_path / "f.ics"
    assert main(["followups", "--db", str(db_path), "--ics", str(out), "--json"]) == 0
    listed = _json(capsys)
    assert listed["open"] == 1
    assert read_uids(out) == [uid_for(str(followup["uuid"]))]


def test_propose_and_own_log_and_past_due(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _lead(db_path)
    assert (
        main(
            [
                "log",
                "--db",
                str(db_path),
                "--channel",
                "call",
                "--outcome",
                "voicemail",
                "--propose",
                "--json",
            ]
        )
        == 0
    )
    result = _json(capsys)
    assert result["unlinked"] is True  # no record: the rep's own log
    followup = result["followup"]
    assert isinstance(followup, dict) and followup["title"] == "Email after the voicemail"
    code = main(
        [
            "log",
            "--db",
            str(db_path),
            "--channel",
            "email",
            "--next",
            "Chase",
            "--due",
            "2001-01-01",
            "--json",
        ]
    )
    assert code == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["past_due"] is True
    assert "already passed" in captured.err  # accepted, with a visible warning


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--channel", "fax"], "unknown channel"),
        (["--channel", "call", "--outcome", "maybe"], "unknown outcome"),
        (["--channel", "call", "--lead", "00000000-0000-0000-0000-000000000000"], "no lead with UUID"),
        (["--channel", "call", "--at", "yesterday"], "not an ISO date"),
        (["--channel", "call", "--next", "x"], "--next needs --due"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    db_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    _lead(db_path)
    with pytest.raises(SystemExit) as exit_info:
        code = main(["log", "--db", str(db_path), *args])
        raise SystemExit(code)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    with open_workbench(db_path) as wb, wb.reading() as s:
        assert s.exec(select(Activity)).all() == []
