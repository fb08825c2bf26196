from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import func, select

from workbench.cli import main
from workbench.domain import Account, Lead, Opportunity
from workbench.domain.normalize import email_domain, email_norm
from workbench.store import open_workbench


def seed_leads(path: Path) -> list[str]:
    with open_workbench(path) as wb, wb.session() as s:
        uuids = []
        for name, email in (("Ana López", "ana@acme.com"), ("Bo Berg", "bo@acme.com")):
            lead = Lead(
                name=name,
                company="Acme",
                email=email,
                email_norm=email_norm(email),
                email_domain=email_domain(email),
                source="webinar",
            )
            s.add(lead)
            uuids.append(lead.uuid)
        return uuids


def test_convert_then_pipeline_json(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = seed_leads(db_path)
    assert (
        main(["convert", first, "--db", str(db_path), "--amount", "12,500", "--stage", "qualified", "--json"])
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["opportunity"]["stage"] == "Qualified" and out["opportunity"]["amount"] == 12500
    assert out["opportunity"]["source"] == "webinar" and out["account"]["created"] is True
    assert main(["convert", second, "--db", str(db_path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["account"]["created"] is False  # the second lead of Acme joins the same account

    assert main(["pipeline", "--db", str(db_path), "--json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert captured.out.count("\n") == 1  # exactly one JSON object
    assert data["open"]["count"] == 2 and data["open"]["amount"] == {"USD": 12500}
    by_name = {s["name"]: s for s in data["stages"]}
    assert by_name["Qualified"]["count"] == 1 and by_name["Discovery"]["count"] == 1

    assert main(["pipeline", "--db", str(db_path)]) == 0
    text = capsys.readouterr().out
    assert "Qualified" in text and "open: 2 deals" in text


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--amount", "-5"], "negative"),
        (["--amount", "lots"], "not an amount"),
        (["--stage", "Nope"], "no stage called"),
        (["--stage", "Won"], "open stage"),
        (["--currency", "dollars"], "three-letter"),
    ],
)
def test_convert_refuses_bad_input_and_writes_nothing(
    db_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    first, _ = seed_leads(db_path)
    assert main(["convert", first, "--db", str(db_path), *extra]) == 2
    assert message in capsys.readouterr().err
    with open_workbench(db_path) as wb, wb.reading() as s:
        assert s.exec(select(func.count()).select_from(Opportunity)).one() == 0
        assert s.exec(select(func.count()).select_from(Account)).one() == 0


def test_convert_unknown_or_converted_lead(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, _ = seed_leads(db_path)
    assert main(["convert", "0000", "--db", str(db_path)]) == 2
    assert "No lead" in capsys.readouterr().err
    assert main(["convert", first, "--db", str(db_path)]) == 0
    assert "converted: opportunity" in capsys.readouterr().err
    assert main(["convert", first, "--db", str(db_path)]) == 2
    assert "already converted" in capsys.readouterr().err


def test_pipeline_on_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pipeline", "--db", str(tmp_path / "none.db")]) == 2
    assert "does not exist" in capsys.readouterr().err
