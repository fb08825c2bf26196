"""The demo workbench: reproducible, realistic, consistent, and safe to build."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import sqlite3
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import DEMO_ANCHOR
from workbench.cli import main
from workbench.services.demo import DemoOptions, LargeSize, build_demo
from workbench.services.outreach import touches
from workbench.store import open_workbench
from workbench.store.write_marker import MARKER_KEY

ANCHOR_TEXT = "2026-03-02 09:00:00.000000"
TABLES = (
    "account",
    "account_check",
    "account_event",
    "contact",
    "lead",
    "opportunity",
    "stage_change",
    "activity",
    "follow_up",
    "pipeline_stage",
    "icp_criterion",
    "lead_source",
    "setting",
    "enrolment",
    "enrolment_event",
)


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the file's content. The store's write marker is left out: it is a
    random token rewritten by every write (:mod:`workbench.store.write_marker`), the
    file's bookkeeping rather than its content."""
    conn = sqlite3.connect(path)
    try:
        rows = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}
    finally:
        conn.close()
    rows["setting"] = [r for r in rows["setting"] if r[0] != MARKER_KEY]
    return rows


def query(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- reproducibility ---------------------------------------------------------------------------
def test_same_seed_and_anchor_give_identical_contents(small_demo: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.db"
    build_demo(again, DemoOptions(seed=7, rep_name="Dana Demo", anchor=DEMO_ANCHOR))
    assert dump(again) == dump(small_demo)


def test_another_seed_gives_other_data(small_demo: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    build_demo(other, DemoOptions(seed=8, rep_name="Dana Demo", anchor=DEMO_ANCHOR))
    mine, theirs = dump(small_demo), dump(other)
    assert mine["lead"] != theirs["lead"]
    assert {r[1] for r in mine["lead"]}.isdisjoint({r[1] for r in theirs["lead"]})  # UUIDs


# --- what a first look shows ------------------------------------------------------------------
def test_small_demo_is_one_reps_year(small_demo: Path) -> None:
    counts = {t: query(small_demo, f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}
    assert query(small_demo, "SELECT count(*) FROM account WHERE is_target")[0][0] == 20
    assert 60 <= counts["account"] - 20 <= 110
    assert 300 <= counts["lead"] <= 500
    assert 1200 <= counts["activity"] <= 1900
    assert 35 <= counts["opportunity"] <= 45
    stages = dict(
        query(
            small_demo,
            "SELECT s.name, count(o.id) FROM pipeline_stage s LEFT JOIN opportunity o ON o.stage_id = s.id "
            "GROUP BY s.name",
        )
    )
    assert all(n > 0 for n in stages.values()), stages
    kinds = Counter(k for (k,) in query(small_demo, "SELECT kind FROM lead"))
    total = sum(kinds.values())
    assert 0.55 < kinds["inbound"] / total < 0.75
    assert 0.15 < kinds["target"] / total < 0.35
    assert 0.04 < kinds["referral"] / total < 0.18
    statuses = {s for (s,) in query(small_demo, "SELECT DISTINCT status FROM lead")}
    assert statuses == {"new", "working", "nurture", "qualified", "disqualified", "converted"}
    campaigns = query(small_demo, "SELECT DISTINCT campaign FROM lead WHERE campaign != ''")
    assert 5 <= len(campaigns) <= 8
    assert (
        query(
            small_demo, "SELECT count(*) FROM lead WHERE status = 'disqualified' AND disqualify_reason = ''"
        )[0][0]
        == 0
    )
    names = " ".join(n for (n,) in query(small_demo, "SELECT name || ' ' || company FROM lead"))
    for accented in ("Müller", "Łódź", "José"):
        assert accented in names
    assert query(small_demo, "SELECT value FROM setting WHERE key = 'profile.rep_name'") == [('"Dana Demo"',)]
    target_statuses = {s for (s,) in query(small_demo, "SELECT status FROM account WHERE is_target")}
    assert target_statuses == {"researching", "contacted", "engaged", "opportunity", "parked"}


def test_follow_ups_include_overdue_due_today_and_done(small_demo: Path) -> None:
    rows = query(small_demo, "SELECT due_at, done_at FROM follow_up")
    open_dues = [due for due, done in rows if done is None]
    assert any(due < ANCHOR_TEXT for due in open_dues)
    assert any(ANCHOR_TEXT <= due < "2026-03-03" for due in open_dues)
    assert any(due >= "2026-03-03" for due in open_dues)
    assert any(done is not None for _due, done in rows)


def test_nothing_happens_after_the_anchor(small_demo: Path) -> None:
    for table, column in (
        ("activity", "at"),
        ("lead", "received_at"),
        ("stage_change", "at"),
        ("lead", "status_changed_at"),
        ("enrolment", "enrolled_at"),
        ("enrolment", "ended_at"),
        ("enrolment_event", "at"),
    ):
        latest = query(small_demo, f"SELECT max({column}) FROM {table}")[0][0]
        assert latest is not None and latest <= ANCHOR_TEXT, (table, column)


def test_sequences_have_a_year_behind_them(small_demo: Path) -> None:
    """A first look at Sequences, Today and Insights shows people part-way through both
    default sequences, finished ones and ones stopped by a reply or a meeting."""
    states = dict(query(small_demo, "SELECT state, count(*) FROM enrolment GROUP BY state"))
    assert states.get("active", 0) >= 5 and states.get("finished", 0) >= 5
    reasons = {r for (r,) in query(small_demo, "SELECT DISTINCT stop_reason FROM enrolment")}
    assert {"replied", "meeting booked", "not interested"} <= reasons
    teams = query(
        small_demo,
        "SELECT count(DISTINCT e.account_id) FROM enrolment e JOIN contact c ON c.id = e.contact_id"
        " WHERE e.state = 'active'",
    )[0][0]
    assert teams >= 2  # target buying teams in the eight-touch sequence
    due_now = query(
        small_demo,
        "SELECT count(*) FROM enrolment WHERE state = 'active' AND next_due_at <= ?",
        ANCHOR_TEXT,
    )[0][0]
    assert due_now >= 3  # Today has sequence steps to work
    # Everyone enrolled was open at the time: a stopped lead's last step came before it stopped.
    late = query(
        small_demo,
        "SELECT count(*) FROM enrolment e JOIN enrolment_event v ON v.enrolment_id = e.id"
        " WHERE e.state = 'stopped' AND v.at > e.ended_at",
    )[0][0]
    assert late == 0


# --- consistency ------------------------------------------------------------------------------
def test_file_is_sound(small_demo: Path) -> None:
    assert query(small_demo, "PRAGMA integrity_check") == [("ok",)]
    assert query(small_demo, "PRAGMA foreign_key_check") == []
    assert query(small_demo, "PRAGMA journal_mode") == [("wal",)]


def test_converted_leads_carry_into_their_opportunities(small_demo: Path) -> None:
    rows = query(
        small_demo,
        "SELECT l.status, l.opportunity_id, l.contact_id, l.kind, o.kind, l.source, o.source, l.campaign, "
        "o.campaign, l.received_at, o.lead_received_at, o.origin_lead_id, l.id, c.origin_lead_id "
        "FROM lead l JOIN opportunity o ON o.origin_lead_id = l.id JOIN contact c ON c.id = l.contact_id",
    )
    assert len(rows) >= 25
    for status, opp, contact, *pairs, origin, lead_id, contact_origin in rows:
        assert status == "converted" and opp is not None and contact is not None
        assert pairs[0::2] == pairs[1::2]
        assert origin == lead_id == contact_origin
    orphans = query(
        small_demo, "SELECT count(*) FROM lead WHERE status = 'converted' AND opportunity_id IS NULL"
    )
    assert orphans == [(0,)]
    assert (
        query(
            small_demo, "SELECT count(*) FROM opportunity WHERE origin_lead_id IS NULL AND kind = 'target'"
        )[0][0]
        > 0
    )


def test_stage_history_walks_the_pipeline_to_the_current_stage(small_demo: Path) -> None:
    positions = dict(query(small_demo, "SELECT id, position FROM pipeline_stage"))
    kinds = dict(query(small_demo, "SELECT id, kind FROM pipeline_stage"))
    opportunities = query(
        small_demo, "SELECT id, stage_id, outcome, closed_at, stage_entered_at FROM opportunity"
    )
    for opp_id, stage_id, outcome, closed_at, entered in opportunities:
        history = query(
            small_demo,
            "SELECT from_stage_id, to_stage_id, at FROM stage_change WHERE opportunity_id = ? ORDER BY at",
            opp_id,
        )
        assert history[0][0] is None and positions[history[0][1]] == 0
        for (_f1, to1, at1), (from2, _to2, at2) in itertools.pairwise(history):
            assert from2 == to1 and at2 > at1
        opens = [to for _f, to, _a in history if kinds[to] == "open"]
        assert [positions[s] for s in opens] == list(range(len(opens)))
        assert history[-1][1] == stage_id and history[-1][2] == entered
        assert outcome == kinds[stage_id]
        assert (closed_at == entered) if outcome != "open" else closed_at is None
    reasons = query(
        small_demo, "SELECT count(*) FROM opportunity WHERE outcome = 'lost' AND close_reason = ''"
    )
    assert reasons == [(0,)]


def test_fit_score_is_the_weighted_share_of_met_criteria(small_demo: Path) -> None:
    """Met by the rep's mark, or — where the rep left it unknown — by the account's facts
    (its employees against the size criterion): what the checklist shows."""
    from workbench.services.targets import icp
    from workbench.store import open_workbench

    rows = query(
        small_demo,
        "SELECT DISTINCT a.id, a.fit_score FROM account a JOIN account_check k ON k.account_id = a.id",
    )
    assert len(rows) == 20
    wb = open_workbench(small_demo)
    try:
        with wb.reading() as s:
            for account_id, fit in rows:
                lines = icp.checklist(s, account_id)
                assert not any(line.contradicted for line in lines)  # the demo rep agrees with the facts
                assert fit == pytest.approx(icp.fit_of_account(s, account_id).score)
    finally:
        wb.close()


def test_touch_columns_match_the_outreach_definitions(small_demo: Path) -> None:
    assert_touch_columns_consistent(small_demo)


def assert_touch_columns_consistent(path: Path) -> None:
    lead_sql = (
        "SELECT id, first_touch_at, last_touch_at, next_followup_at, speed_to_lead_s FROM lead ORDER BY id"
    )
    account_sql = "SELECT id, last_touch_at, next_followup_at FROM account ORDER BY id"
    opp_sql = "SELECT id, last_touch_at FROM opportunity ORDER BY id"
    before = [query(path, sql) for sql in (lead_sql, account_sql, opp_sql)]
    assert any(row[1] is not None for row in before[0])
    with open_workbench(path) as wb, wb.session() as session:
        touches.recompute(
            session,
            lead_ids=[int(str(r[0])) for r in before[0]],
            account_ids=[int(str(r[0])) for r in before[1]],
            opportunity_ids=[int(str(r[0])) for r in before[2]],
        )
    after = [query(path, sql) for sql in (lead_sql, account_sql, opp_sql)]
    assert after == before


# --- building safely ----------------------------------------------------------------------------
def test_demo_refuses_an_existing_file(small_demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = digest(small_demo)
    code = main(["demo", "--db", str(small_demo), "--seed", "9"])
    assert code == 2
    assert "--force" in capsys.readouterr().err
    assert digest(small_demo) == before
    assert sorted(p.name for p in small_demo.parent.iterdir() if p.name != "home") == [small_demo.name]


def test_force_replaces_the_file(small_demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = digest(small_demo)
    code = main(
        ["demo", "--db", str(small_demo), "--seed", "9", "--anchor", "2026-03-02T09:00", "--force", "--json"]
    )
    assert code == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    report = json.loads(out[0])
    assert report["seed"] == 9 and report["counts"]["lead"] > 300
    assert digest(small_demo) != before
    assert query(small_demo, "PRAGMA integrity_check") == [("ok",)]
    leftovers = [p.name for p in small_demo.parent.iterdir() if p.name not in ("home", small_demo.name)]
    assert leftovers == []


def test_force_refuses_a_file_open_in_the_app(small_demo: Path) -> None:
    before = digest(small_demo)
    with open_workbench(small_demo):
        assert main(["demo", "--db", str(small_demo), "--force"]) == 2
    assert digest(small_demo) == before


def test_a_failed_build_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.services.demo import build as build_module

    def broken(*_args: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(build_module.story_outreach, "settle_targets", broken)
    target = tmp_path / "demo.db"
    with pytest.raises(RuntimeError):
        build_demo(target, DemoOptions())
    assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == []


def test_bad_anchor_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "demo.db"
    assert main(["demo", "--db", str(target), "--anchor", "next tuesday"]) == 2
    assert not target.exists()


# --- the large size, scaled down ------------------------------------------------------------------
MINI_LARGE = LargeSize(accounts=800, leads=6000, activities=5500, opportunities=300, chunk=1500)


@pytest.fixture(scope="module")
def mini_large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("large") / "mini-large.db"
    size = MINI_LARGE
    build_demo(
        path, DemoOptions(size="large", seed=3, anchor=datetime(2026, 3, 2, 9, tzinfo=UTC), large=size)
    )
    return path


def test_large_build_has_the_asked_totals(mini_large: Path) -> None:
    counts = {
        t: query(mini_large, f"SELECT count(*) FROM {t}")[0][0]
        for t in ("account", "lead", "activity", "opportunity")
    }
    assert counts == {"account": 800, "lead": 6000, "activity": 5500, "opportunity": 300}
    assert query(mini_large, "SELECT count(*) FROM account WHERE is_target") == [(20,)]


def test_large_build_is_sound_and_indexed(mini_large: Path, tmp_path: Path) -> None:
    assert query(mini_large, "PRAGMA integrity_check") == [("ok",)]
    assert query(mini_large, "PRAGMA foreign_key_check") == []
    assert query(mini_large, "PRAGMA journal_mode") == [("wal",)]
    fresh = tmp_path / "fresh.db"
    open_workbench(fresh).close()
    schema = "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
    assert query(mini_large, schema) == query(fresh, schema)
    assert query(mini_large, "SELECT v FROM lead_fts_config WHERE k = 'automerge'") == [(4,)]
    word = query(mini_large, "SELECT last_name FROM lead WHERE id = 5000")[0][0]
    found = query(mini_large, "SELECT rowid FROM lead_fts WHERE lead_fts MATCH ?", f'"{word}"*')
    assert (5000,) in found


def test_large_build_touch_columns_and_histories_agree(mini_large: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(mini_large.read_bytes())
    assert_touch_columns_consistent(copy)
    bad = query(
        mini_large,
        "SELECT count(*) FROM opportunity o WHERE stage_id != (SELECT to_stage_id FROM stage_change s "
        "WHERE s.opportunity_id = o.id ORDER BY at DESC, id DESC LIMIT 1)",
    )
    assert bad == [(0,)]
    assert query(mini_large, "SELECT count(*) FROM lead WHERE speed_to_lead_s < 0") == [(0,)]
    assert query(
        mini_large, "SELECT count(*) FROM lead WHERE status = 'new' AND first_touch_at IS NOT NULL"
    ) == [(0,)]


def test_large_build_is_the_same_with_or_without_the_worker_process(mini_large: Path, tmp_path: Path) -> None:
    size = dataclasses.replace(MINI_LARGE, worker=True)
    other = tmp_path / "worker.db"
    build_demo(
        other, DemoOptions(size="large", seed=3, anchor=datetime(2026, 3, 2, 9, tzinfo=UTC), large=size)
    )
    assert dump(other) == dump(mini_large)


def test_a_cancelled_build_stops_and_removes_its_temporary_file(tmp_path: Path) -> None:
    from workbench.services.demo import DemoCancelled

    calls: list[int] = []

    def stop() -> bool:
        calls.append(1)
        return len(calls) > 3  # a few steps in, after the file was created

    folder = tmp_path / "demo"
    with pytest.raises(DemoCancelled):
        build_demo(folder / "demo.db", DemoOptions(size="small"), stop=stop)
    assert len(calls) == 4  # stopped at the first check that said so
    assert list(folder.iterdir()) == []
