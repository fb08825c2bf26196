"""Closing a deal closes its work: open follow-ups done, next step cleared (unless
kept); a lost deal records who it went to, and the competitor joins the rep's list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from workbench.domain import FollowUp, StageKind
from workbench.services.clock import fixed_clock
from workbench.services.outreach import log as outreach
from workbench.services.outreach.log import LogEntry
from workbench.services.pipeline import closing, convert
from workbench.services.pipeline import stages as pipeline
from workbench.services.records import RecordKind, RecordRef
from workbench.store import Workbench

from .test_convert import add_lead

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOW = fixed_clock(T0 + timedelta(days=5))


def deal_with_work(wb: Workbench) -> int:
    lead_id = add_lead(wb, "Ana López", "Acme, Inc.", "ana@acme.com")
    opp = convert.convert_lead(wb, lead_id, amount=100, next_step="Send a recap", clock=NOW).opportunity_id
    entry = LogEntry(
        channel="email",
        note="sent the questionnaire",
        target=RecordRef(RecordKind.OPPORTUNITY, opp),
        next_title="Send security questionnaire answers",
        next_due=NOW() + timedelta(days=2),
    )
    outreach.log_activity(wb, entry, now=NOW())
    return opp


def open_titles(wb: Workbench, opp: int) -> list[str]:
    with wb.reading() as s:
        stmt = select(FollowUp.title).where(FollowUp.opportunity_id == opp, col(FollowUp.done_at).is_(None))
        return list(s.exec(stmt))


def test_losing_finishes_the_open_work_and_names_the_competitor(wb: Workbench) -> None:
    opp = deal_with_work(wb)
    work = closing.open_work(wb, opp)
    assert "Send security questionnaire answers" in work.followups and work.next_step == "Send a recap"
    pipeline.close(
        wb, opp, StageKind.LOST, "no budget", finish_work=True, lost_to="  Rival   Corp ", clock=NOW
    )
    assert open_titles(wb, opp) == []
    got = pipeline.get_opportunity(wb, opp)
    assert (got.next_step, got.next_step_due, got.lost_to) == ("", None, "Rival Corp")
    assert closing.competitors(wb) == ["Rival Corp"]
    # Reopening brings nothing back by itself, and clears who it was lost to.
    pipeline.reopen(wb, opp, clock=NOW)
    assert open_titles(wb, opp) == [] and pipeline.get_opportunity(wb, opp).lost_to == ""


def test_keeping_the_work_leaves_it_open(wb: Workbench) -> None:
    opp = deal_with_work(wb)
    pipeline.close(wb, opp, StageKind.WON, "price", finish_work=False, clock=NOW)
    assert open_titles(wb, opp) == ["Send security questionnaire answers"]
    assert pipeline.get_opportunity(wb, opp).next_step == "Send a recap"


def test_the_competitor_list_grows_once_per_name(wb: Workbench) -> None:
    for n, name in enumerate(("Rival", "rival", "Other Co")):
        opp = convert.convert_lead(
            wb, add_lead(wb, f"P{n}", f"Co{n}", f"p{n}@co{n}.com"), amount=1, clock=NOW
        ).opportunity_id
        pipeline.close(wb, opp, StageKind.LOST, "price", lost_to=name, clock=NOW)
        assert pipeline.get_opportunity(wb, opp).lost_to == ("Rival" if n < 2 else name)
    assert closing.competitors(wb) == ["Other Co", "Rival"]


def test_a_competitor_longer_than_the_field_is_refused_naming_the_limit(wb: Workbench) -> None:
    opp = deal_with_work(wb)
    with pytest.raises(pipeline.PipelineError, match=f"at most {closing.LOST_TO_MAX} characters"):
        pipeline.close(wb, opp, StageKind.LOST, "price", lost_to="x" * (closing.LOST_TO_MAX + 1), clock=NOW)
    assert pipeline.get_opportunity(wb, opp).outcome == "open"
