"""Sequence statistics against a hand-built file whose answers are known."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from workbench.domain import Account, Contact, Lead, StageKind
from workbench.services.insights import sequences as sequence_stats
from workbench.services.insights.common import Period
from workbench.services.insights.stats import compute_stats
from workbench.services.outreach.log import LogEntry, log_activity
from workbench.services.pipeline import stages
from workbench.services.pipeline.convert import convert_lead
from workbench.services.records import RecordKind, RecordRef
from workbench.services.sequences import enrol, templates
from workbench.store import Workbench

MON = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _build(wb: Workbench) -> None:
    with wb.session() as s:
        for n in range(1, 5):
            s.add(Lead(name=f"Lead {n}", first_name=f"L{n}", company="Acme", email=f"l{n}@acme.com"))
        account = Account(name="Initech", is_target=True)
        s.add(account)
        s.flush()
        s.add(Contact(name="Bo Berg", account_id=account.id, email="bo@i.com"))
    with wb.reading() as s:
        a, b = templates.find_in(s, "New inbound"), templates.find_in(s, "Target account contact")
    assert a is not None and b is not None
    ids = enrol.enrol(wb, a, [RecordRef(RecordKind.LEAD, n) for n in range(1, 5)], now=MON, tz=UTC).enrolled
    enrol.enrol(wb, b, [RecordRef(RecordKind.CONTACT, 1)], now=MON, tz=UTC)
    at = MON + timedelta(hours=1)

    def touch(lead: int, enrolment: int | None, outcome: str = "", channel: str = "call") -> None:
        entry = LogEntry(channel, outcome, target=RecordRef(RecordKind.LEAD, lead), sequence_step=enrolment)
        log_activity(wb, entry, now=at)

    # Lead 1: two steps done, then a reply.
    touch(1, ids[0], "no answer")
    touch(1, ids[0], "", "email")
    touch(1, None, "replied", "email")
    # Lead 2: one step done with a meeting booked; converted and won.
    touch(2, ids[1], "meeting booked")
    deal = convert_lead(wb, 2, clock=lambda: at)
    stages.close(wb, deal.opportunity_id, StageKind.WON, "price", clock=lambda: at + timedelta(days=3))
    # Lead 3: every step skipped — finished.
    for _ in range(5):
        enrol.skip_step(wb, ids[2], now=at, tz=UTC)
    # Lead 4: not interested before the first step.
    touch(4, None, "not interested")


def test_statistics_per_sequence_and_step(wb: Workbench) -> None:
    _build(wb)
    with wb.reading() as s:
        result = sequence_stats.compute(s, Period(), 10)
    a, b = result["sequences"]
    assert (a["name"], a["enrolled"], a["active"], a["finished"], a["stopped"]) == ("New inbound", 4, 0, 1, 3)
    assert (a["replied"], a["meeting_booked"], a["not_interested"]) == (1, 1, 1)
    assert (a["opportunities"], a["won"]) == (1, 1)
    assert a["reply_rate"] == pytest.approx(0.5)
    low, high = a["reply_rate_ci"]
    assert low == pytest.approx(0.15, abs=0.01) and high == pytest.approx(0.85, abs=0.01)
    assert a["meaningful"] is False  # 4 < 10: greyed
    assert a["most_replies_after_step"] == 1  # tie between steps 1 and 2: the earlier
    first, second = a["steps"][:2]
    assert (first["reached"], first["done"], first["skipped"], first["replied_after"]) == (4, 2, 1, 1)
    assert first["reply_rate"] == pytest.approx(1 / 3)
    assert (second["reached"], second["done"], second["skipped"], second["replied_after"]) == (3, 1, 1, 1)
    assert second["reply_rate"] == pytest.approx(1 / 2)
    assert (b["enrolled"], b["active"], b["opportunities"], b["reply_rate"]) == (1, 1, 0, 0.0)

    # A period after the enrolments: nobody.
    with wb.reading() as s:
        later = sequence_stats.compute(s, Period(MON + timedelta(days=1)), 10)
    assert [r["enrolled"] for r in later["sequences"]] == [0, 0]

    # The same numbers in the one dict of Insights and `workbench stats`.
    everything = compute_stats(wb, clock=lambda: MON + timedelta(days=5), tz=UTC)
    assert everything["sequences"]["sequences"][0]["won"] == 1


def test_the_pipeline_files_summary_carries_the_sequences(wb: Workbench) -> None:
    from workbench.services.manager.summary import build_summary

    _build(wb)
    with wb.reading() as s:
        summary = build_summary(s, now=MON + timedelta(days=5), period_from=MON.date(), period_to=MON.date())
    (table,) = [t for t in summary.tables if t.title == "Sequences"]
    assert table.rows == [
        ("New inbound", 4, 0, 1, 1, 1, 1, 0.5, 0.25),
        ("Target account contact", 1, 1, 0, 0, 0, 0, 0.0, 0.0),
    ]
