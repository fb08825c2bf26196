"""``workbench pipeline won|lost|reasons``: a closed deal's reason comes from its outcome's own
list; a reason from the other list, or longer than the field, is refused with exit 2 and
nothing written; the pipeline file and ``stats`` name the list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from tests.unit.pipeline.test_pipeline_cli import seed_leads
from workbench.cli import main
from workbench.domain import FollowUp, Opportunity
from workbench.exchange.pipeline_file import read_pipeline_file
from workbench.services.pipeline.closing import LOST_TO_MAX
from workbench.services.settings import reasons
from workbench.store import open_workbench


def _deals(db: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    uuids = []
    for lead in seed_leads(db):
        assert main(["convert", lead, "--db", str(db), "--amount", "1000", "--json"]) == 0
        uuids.append(json.loads(capsys.readouterr().out)["opportunity"]["uuid"])
    return uuids


def _state(db: Path) -> list[tuple[Any, ...]]:
    with open_workbench(db) as wb, wb.reading() as s:
        return [
            (o.uuid, str(o.outcome), o.close_reason, o.lost_to, o.next_step)
            for o in s.exec(select(Opportunity).order_by(Opportunity.id))
        ]


def _one_json(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    out = capsys.readouterr().out
    assert out.count("\n") == 1  # exactly one JSON object
    loaded: dict[str, Any] = json.loads(out)
    return loaded


def test_won_and_lost_take_their_own_lists(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    won, lost = _deals(db_path, capsys)
    assert main(["pipeline", "reasons", "--db", str(db_path), "--json"]) == 0
    lists = _one_json(capsys)
    assert lists["won"][:2] == ["price", "product fit"] and "went silent" in lists["lost"]
    assert lists["max_length"] == reasons.MAX_LENGTH

    assert main(["pipeline", "won", won, "--reason", "Product Fit", "--db", str(db_path), "--json"]) == 0
    out = _one_json(capsys)
    assert (out["outcome"], out["reason"], out["reason_list"], out["changed"]) == (
        "won",
        "product fit",
        "won",
        True,
    )
    assert (
        main(
            [
                "pipeline",
                "lost",
                lost,
                "--reason",
                "went silent",
                "--lost-to",
                "BigCo",
                "--db",
                str(db_path),
                "--json",
            ]
        )
        == 0
    )
    out = _one_json(capsys)
    assert (out["reason"], out["reason_list"], out["lost_to"]) == ("went silent", "lost", "BigCo")
    state = _state(db_path)
    assert [(o[1], o[2], o[3]) for o in state] == [
        ("won", "product fit", ""),
        ("lost", "went silent", "BigCo"),
    ]
    # Closing finished the deals' work (the first next step the conversion proposed).
    assert [o[4] for o in state] == ["", ""]
    with open_workbench(db_path) as wb, wb.reading() as s:
        assert all(f.done_at is not None for f in s.exec(select(FollowUp)))

    # The pipeline file and `stats` say which list each reason came from.
    out_file = db_path.parent / "rep.json"
    assert main(["export", "--db", str(db_path), "--out", str(out_file)]) == 0
    rows = {o.uuid: o for o in read_pipeline_file(out_file).rows("opportunities")}
    assert (rows[won].close_reason, rows[won].close_reason_list) == ("product fit", "won")
    assert (rows[lost].close_reason, rows[lost].close_reason_list) == ("went silent", "lost")
    capsys.readouterr()
    assert main(["stats", "--db", str(db_path), "--json"]) == 0
    stats = _one_json(capsys)
    assert [(r["reason"], r["list"]) for r in stats["lost_reasons"]["reasons"]] == [("went silent", "lost")]
    assert main(["stats", "--db", str(db_path)]) == 0
    printed = capsys.readouterr().out
    assert "went silent" in printed and "lost reasons (1 deal lost):" in printed


@pytest.mark.parametrize(
    ("outcome", "extra", "message"),
    [
        ("won", ["--reason", "no budget"], "“no budget” is on the lost list, not the won list"),
        ("lost", ["--reason", "champion"], "“champion” is on the won list, not the lost list"),
        ("won", ["--reason", "bananas"], "not on the won list (price, product fit"),
        (
            "won",
            ["--reason", "x" * (reasons.MAX_LENGTH + 1)],
            f"at most {reasons.MAX_LENGTH} characters (41 given)",
        ),
        (
            "lost",
            ["--reason", "price", "--lost-to", "y" * (LOST_TO_MAX + 1)],
            f"at most {LOST_TO_MAX} characters",
        ),
        ("lost", ["--reason", "other"], "'other' needs a --note"),
        ("won", ["--reason", "price", "--on", "2026-02-30"], "is not a date"),
        ("won", ["--reason", "price", "--on", "2999-01-01"], "cannot be in the future"),
    ],
)
def test_bad_reasons_exit_2_and_write_nothing(
    db_path: Path, capsys: pytest.CaptureFixture[str], outcome: str, extra: list[str], message: str
) -> None:
    deal, _ = _deals(db_path, capsys)
    before = _state(db_path)
    assert main(["pipeline", outcome, deal, *extra, "--db", str(db_path), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err, captured.err
    assert _state(db_path) == before


def test_unknown_deal_exits_2(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _deals(db_path, capsys)
    unknown = "00000000-0000-4000-8000-000000000000"
    assert main(["pipeline", "won", unknown, "--reason", "price", "--db", str(db_path)]) == 2
    assert f"No opportunity has the id {unknown}" in capsys.readouterr().err


def test_closing_again_changes_nothing(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deal, _ = _deals(db_path, capsys)
    assert main(["pipeline", "won", deal, "--reason", "timing", "--db", str(db_path)]) == 0
    capsys.readouterr()
    assert main(["pipeline", "won", deal, "--reason", "timing", "--db", str(db_path), "--json"]) == 0
    assert _one_json(capsys)["changed"] is False
