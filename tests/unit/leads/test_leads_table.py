"""The leads table: chips, stale/untouched marks over a fixed clock, speed-to-lead, index use."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from workbench.domain import Activity, Lead
from workbench.services.clock import fixed_clock
from workbench.services.leads import triage as lead_triage
from workbench.services.leads.table import chip_clauses, lead_table
from workbench.services.outreach.touches import recompute
from workbench.services.settings import values as settings
from workbench.services.tables import TableQuery
from workbench.store import Workbench

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _lead(wb: Workbench, name: str, *, days_ago: float, status: str = "new", **kw: Any) -> int:
    with wb.session() as s:
        lead = Lead(name=name, received_at=NOW - timedelta(days=days_ago), status=status, **kw)
        s.add(lead)
        s.flush()
        assert lead.id is not None
        return lead.id


def _touch(wb: Workbench, lead_id: int, at: datetime, channel: str = "call") -> None:
    with wb.session() as s:
        s.add(Activity(channel=channel, at=at, lead_id=lead_id))
        s.flush()
        recompute(s, lead_ids=[lead_id])


def _rows(wb: Workbench, query: TableQuery) -> dict[str, str]:
    source = lead_table(wb, fixed_clock(NOW))
    total = source.count(query)
    rows = source.fetch(query, 0, 100, total)
    assert len(rows) == total
    name_at = 2 + source.column_index("name")
    return {r[name_at]: r[1] for r in rows}


def test_stale_and_untouched_marks(wb: Workbench) -> None:
    _lead(wb, "fresh new", days_ago=1)
    _lead(wb, "old new", days_ago=4)
    touched_new = _lead(wb, "touched new", days_ago=5)
    _touch(wb, touched_new, NOW - timedelta(days=1))
    old_working = _lead(wb, "old working", days_ago=30, status="working")
    _touch(wb, old_working, NOW - timedelta(days=15))
    busy = _lead(wb, "busy working", days_ago=30, status="working")
    _touch(wb, busy, NOW - timedelta(days=2))
    _lead(wb, "just started", days_ago=30, status="working", status_changed_at=NOW - timedelta(days=1))
    _lead(
        wb,
        "long untouched working",
        days_ago=30,
        status="working",
        status_changed_at=NOW - timedelta(days=20),
    )
    _lead(wb, "disqualified", days_ago=90, status="disqualified")
    _lead(wb, "nurture due", days_ago=90, status="nurture", nurture_until=date(2026, 3, 10))
    _lead(wb, "nurture later", days_ago=90, status="nurture", nurture_until=date(2026, 3, 11))
    marks = _rows(wb, TableQuery())
    assert marks == {
        "fresh new": "untouched",
        "old new": "stale",
        "touched new": "",
        "old working": "stale",
        "busy working": "",
        "just started": "",
        "long untouched working": "stale",
        "disqualified": "",
        "nurture due": "due",
        "nurture later": "",
    }
    assert set(_rows(wb, TableQuery(chips={"stale": True}))) == {
        "old new",
        "old working",
        "long untouched working",
    }
    assert set(_rows(wb, TableQuery(chips={"untouched": True}))) == {"fresh new", "old new"}
    assert set(_rows(wb, TableQuery(chips={"revisit": True}))) == {"nurture due"}


def test_thresholds_come_from_settings(wb: Workbench) -> None:
    _lead(wb, "two days", days_ago=2)
    assert _rows(wb, TableQuery())["two days"] == "untouched"
    settings.write(wb, "leads.stale_days_new", 1)
    assert _rows(wb, TableQuery())["two days"] == "stale"


def test_a_note_is_not_a_touch_and_speed_to_lead_is_first_touch_minus_received(wb: Workbench) -> None:
    lead_id = _lead(wb, "Ana", days_ago=1)
    received = NOW - timedelta(days=1)
    _touch(wb, lead_id, received + timedelta(minutes=5), channel="note")
    assert _rows(wb, TableQuery())["Ana"] == "untouched"
    _touch(wb, lead_id, received + timedelta(minutes=42), channel="email")
    source = lead_table(wb, fixed_clock(NOW))
    row = source.fetch(TableQuery(), 0, 1, 1)[0]
    assert row[2 + source.column_index("speed")] == 42 * 60
    assert row[2 + source.column_index("first_touch")] == received + timedelta(minutes=42)
    assert row[1] == ""


def test_chips_combine_with_text_and_hide_the_trash(wb: Workbench) -> None:
    _lead(wb, "Ana Web", days_ago=1, kind="inbound", source="web form")
    _lead(wb, "Bob Webinar", days_ago=1, kind="inbound", source="webinar", status="working")
    _lead(wb, "Cy Target", days_ago=1, kind="target", source="cold")
    gone = _lead(wb, "Dee Gone", days_ago=1, source="web form")
    from workbench.services.safety import trash

    trash.delete(wb, "lead", [gone])
    assert set(_rows(wb, TableQuery(chips={"source": ["web form"]}))) == {"Ana Web"}
    assert set(_rows(wb, TableQuery(chips={"kind": ["inbound"], "status": ["new", "working"]}))) == {
        "Ana Web",
        "Bob Webinar",
    }
    assert set(_rows(wb, TableQuery(text="bob", chips={"kind": ["inbound"]}))) == {"Bob Webinar"}
    assert set(_rows(wb, TableQuery(text="ana", chips={"kind": ["target"]}))) == set()


def test_triage_moves_rows_between_chips(wb: Workbench) -> None:
    a = _lead(wb, "Ana", days_ago=1)
    lead_triage.nurture(wb, [a], date(2026, 6, 1), clock=fixed_clock(NOW))
    assert set(_rows(wb, TableQuery(chips={"status": ["nurture"]}))) == {"Ana"}
    assert _rows(wb, TableQuery(chips={"status": ["new"]})) == {}


def _plan(wb: Workbench, chips: dict[str, Any]) -> str:
    """SQLite's plan for the table's count query with these chips (the statement is
    prefixed on its way to the driver, so bound values go through their usual types)."""
    source = lead_table(wb, fixed_clock(NOW))
    stmt = source._where(select(source.id_column), TableQuery(chips=chips))
    with wb.engine.connect() as conn:

        def explain(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: bool) -> Any:
            return "EXPLAIN QUERY PLAN " + statement, params

        event.listen(conn, "before_cursor_execute", explain, retval=True)
        rows = conn.execute(stmt).all()
    return "\n".join(str(r[-1]) for r in rows)


@pytest.mark.sqlite_only  # reads SQLite's query plans
def test_chip_counts_are_answered_from_covering_indexes(wb: Workbench) -> None:
    """Counting a chip on a million leads must never read the table itself."""
    for i in range(50):
        _lead(
            wb,
            f"L{i}",
            days_ago=i,
            source="webinar" if i % 2 else "cold",
            kind="target" if i % 3 else "inbound",
        )
    # Other areas add covering indexes of their own (Insights' cohorts…): any will do
    # for the plain chips; the attention chips need the columns of ix_lead_status_live.
    for chips, index in (
        ({"status": ["new"]}, "ix_lead_"),
        ({"kind": ["target"]}, "ix_lead_"),
        ({"kind": ["target"], "source": ["cold"]}, "ix_lead_"),
        ({"source": ["webinar"]}, "ix_lead_"),
        ({"stale": True}, "ix_lead_status_live"),
        ({"untouched": True}, "ix_lead_status_live"),
        ({"revisit": True}, "ix_lead_status_live"),
    ):
        plan = _plan(wb, chips)
        assert f"USING COVERING INDEX {index}" in plan, (chips, plan)


def test_chip_clauses_ignore_empty_lists() -> None:
    from workbench.services.leads.table import StaleRule

    assert chip_clauses({"status": [], "kind": None, "stale": False}, StaleRule()) == []


def test_counts_leave_out_the_trash_and_both_paging_plans_agree(wb: Workbench) -> None:
    from tests.support.fill import add_leads
    from workbench.services.safety import trash

    add_leads(wb, 300, prefix="Bulk")  # "Bulk 0" … "Bulk 299"
    rare = [_lead(wb, f"Rare Person {i}", days_ago=i) for i in range(3)]
    trash.delete(wb, "lead", [rare[0]])
    with wb.engine.connect() as conn:
        name = Lead.__table__.c.name  # type: ignore[attr-defined]
        bulk_ids = [int(i) for i in conn.execute(select(Lead.id).where(name.like("Bulk%"))).scalars()]
    trash.delete(wb, "lead", bulk_ids[:10])
    source = lead_table(wb, fixed_clock(NOW))
    assert source.count(TableQuery()) == 300 + 3 - 11
    # few matches: the matches drive the query; many: the sort index is walked
    rare_query = TableQuery(text="rare")
    assert source.count(rare_query) == 2
    names = [r[2 + source.column_index("name")] for r in source.fetch(rare_query, 0, 200, 2)]
    assert names == ["Rare Person 1", "Rare Person 2"]
    bulk_query = TableQuery(text="bulk", sort_key="name")
    total = source.count(bulk_query)
    assert total == 290
    walked = source.fetch(bulk_query, 0, 200, total) + source.fetch(bulk_query, 200, 200, total)
    assert len({r[0] for r in walked}) == 290 and not set(bulk_ids[:10]) & {r[0] for r in walked}
    driven = source.fetch(bulk_query, 0, 500, None)  # without a total: the other plan
    assert [r[0] for r in driven] == [r[0] for r in walked]


def test_pages_after_a_count_agree_whether_the_matches_were_remembered_or_not(
    wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a full-text index the count keeps the matching ids for the pages that
    follow; a page for other text, or more matches than are kept, is filtered as typed."""
    from tests.support.fill import add_leads
    from workbench.services.leads import table as lead_table_module

    add_leads(wb, 60, prefix="Bulk")
    _lead(wb, "Rare Person", days_ago=1)
    source = lead_table(wb, fixed_clock(NOW))
    query = TableQuery(text="bulk", sort_key="name", descending=True)
    total = source.count(query)
    remembered = source.fetch(query, 0, 25, total) + source.fetch(query, 25, 50, total)
    assert len(remembered) == total == 60
    # counted "rare", paged "bulk": the remembered ids are not used for other text
    source.count(TableQuery(text="rare"))
    assert source.fetch(query, 0, 100, total) == remembered
    monkeypatch.setattr(lead_table_module, "REMEMBERED_MATCHES", 10)
    assert source.count(query) == 60
    assert source.fetch(query, 0, 25, total) + source.fetch(query, 25, 50, total) == remembered


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("lopez", {"Ana López"}),
        ("LÓPEZ ana", {"Ana López"}),
        ("elodie", {"ÉLODIE Durand"}),
        ("jose", {"Jose\u0301 Ruiz"}),  # stored decomposed
        ("josé", {"Jose\u0301 Ruiz"}),
        ("łukasz", {"Łukasz Nowak"}),
        ("nowak ŁUKASZ", {"Łukasz Nowak"}),  # ł is a letter of its own, not an accented l
        ("415", {"Bob Smith"}),
        ("globex", {"Ana López", "Bob Smith"}),
    ],
)
def test_typed_text_ignores_case_and_accents(wb: Workbench, typed: str, found: set[str]) -> None:
    _lead(wb, "Ana López", days_ago=1, company="Globex")
    _lead(wb, "ÉLODIE Durand", days_ago=1, company="Initech")
    _lead(wb, "Jose\u0301 Ruiz", days_ago=1)
    _lead(wb, "Łukasz Nowak", days_ago=1)
    _lead(wb, "Bob Smith", days_ago=1, company="globex", phone="+1 415 555 0100")
    assert set(_rows(wb, TableQuery(text=typed))) == found


@pytest.mark.parametrize(
    "chips",
    [
        {"status": ["new", "working"]},
        {"status": ["working", "new", "nurture"], "kind": ["inbound"]},
        {"stale": True},
        {"stale": True, "status": ["new", "working", "qualified"]},
    ],
)
def test_several_statuses_page_the_same_merged_or_sorted_whole(
    wb: Workbench, monkeypatch: pytest.MonkeyPatch, chips: dict[str, Any]
) -> None:
    """Several statuses sorted by arrival are read as one ordered walk per status and
    merged: every page — first, middle, read backwards from the end — holds the rows
    that sorting all matches at once gives, ties on the same minute included."""
    from workbench.services.leads.table import LeadTableSource

    statuses = ("new", "working", "nurture", "qualified")
    for i in range(90):
        _lead(
            wb,
            f"P{i}",
            days_ago=(i // 3) * 0.5,
            status=statuses[i % 4],
            kind="inbound" if i % 5 else "target",
        )
    source = lead_table(wb, fixed_clock(NOW))
    for sort_key, descending in (("received", True), ("received", False), ("age", True)):
        query = TableQuery(chips=chips, sort_key=sort_key, descending=descending)
        assert len(source.branches(query)) >= 2
        total = source.count(query)
        merged = [source.fetch(query, offset, 7, total) for offset in range(0, total, 7)]
        with monkeypatch.context() as m:
            m.setattr(LeadTableSource, "branches", lambda _self, _query: [])
            whole = [source.fetch(query, offset, 7, total) for offset in range(0, total, 7)]
        assert merged == whole and sum(map(len, merged)) == total > 7
