from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from workbench.domain import Account, Lead, Opportunity, PipelineStage
from workbench.services.outreach import log as outreach
from workbench.services.outreach.log import LogEntry
from workbench.services.outreach.today import day_bounds, today_report
from workbench.services.records import RecordKind, RecordRef
from workbench.services.settings import values as settings
from workbench.store import Workbench

# Wednesday 4 March 2026, 14:00 UTC.
NOW = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)


def test_day_and_week_bounds_follow_the_local_calendar() -> None:
    start, tomorrow, week = day_bounds(NOW, UTC)
    assert start == datetime(2026, 3, 4, tzinfo=UTC)
    assert tomorrow == datetime(2026, 3, 5, tzinfo=UTC)
    assert week == datetime(2026, 3, 2, tzinfo=UTC)  # Monday


def test_today_sections(wb: Workbench) -> None:
    with wb.session() as s:
        fresh = Lead(name="Fresh Lead", company="New Co", received_at=NOW - timedelta(hours=1))
        old = Lead(name="Old Lead", company="Slow Co", received_at=NOW - timedelta(days=10))
        touched = Lead(name="Touched", received_at=NOW - timedelta(days=1))
        nurture_due = Lead(name="Back Again", status="nurture", nurture_until=date(2026, 3, 4))
        nurture_later = Lead(name="Not Yet", status="nurture", nurture_until=date(2026, 6, 1))
        trashed = Lead(name="Trashed", received_at=NOW, deleted_at=NOW)
        target_new = Account(name="Never Touched", is_target=True, tier="A")
        target_recent = Account(name="Recently Touched", is_target=True)
        target_parked = Account(name="Parked", is_target=True, status="parked")
        s.add_all([fresh, old, touched, nurture_due, nurture_later, trashed])
        s.add_all([target_new, target_recent, target_parked])
        stages = {st.name: st for st in s.exec(select(PipelineStage))}
        discovery, proposal = stages["Discovery"], stages["Proposal"]
        proposal.stale_days = 5  # the stage's own threshold beats the global 21
        s.add(proposal)
        s.flush()
        assert discovery.id and proposal.id
        quiet_in_proposal = Opportunity(
            name="Quiet proposal", stage_id=proposal.id, stage_entered_at=NOW - timedelta(days=7)
        )
        fresh_in_discovery = Opportunity(
            name="Young deal", stage_id=discovery.id, stage_entered_at=NOW - timedelta(days=7)
        )
        quiet_in_discovery = Opportunity(
            name="Forgotten", stage_id=discovery.id, stage_entered_at=NOW - timedelta(days=30)
        )
        s.add_all([quiet_in_proposal, fresh_in_discovery, quiet_in_discovery])
        s.flush()
        ids = {"touched": touched.id, "recent": target_recent.id, "old": old.id}
    touched_ref = RecordRef(RecordKind.LEAD, ids["touched"])
    # Touches: two today, one on Monday, one last week, one note (not a touch).
    for at in (NOW - timedelta(hours=1), NOW - timedelta(hours=2), NOW - timedelta(days=2)):
        outreach.log_activity(wb, LogEntry("call", "no answer", at=at, target=touched_ref), now=at)
    outreach.log_activity(wb, LogEntry("email", at=NOW - timedelta(days=8), target=touched_ref), now=NOW)
    outreach.log_activity(wb, LogEntry("note", at=NOW, target=touched_ref), now=NOW)
    outreach.log_activity(
        wb, LogEntry("call", at=NOW, target=RecordRef(RecordKind.ACCOUNT, ids["recent"])), now=NOW
    )
    overdue = outreach.add_followup(wb, touched_ref, "Call again", NOW - timedelta(days=1), now=NOW)
    due_later_today = outreach.add_followup(wb, touched_ref, "Send deck", NOW + timedelta(hours=2), now=NOW)
    outreach.add_followup(wb, touched_ref, "Tomorrow", NOW + timedelta(days=1), now=NOW)
    done = outreach.add_followup(wb, touched_ref, "Done already", NOW - timedelta(days=2), now=NOW)
    outreach.complete_followup(wb, done, now=NOW)

    report = today_report(wb, now=NOW, tz=UTC)

    assert [i.followup_id for i in report.section("overdue").items] == [overdue]
    assert report.section("overdue").items[0].flagged
    assert report.section("overdue").items[0].ref == touched_ref
    assert [i.followup_id for i in report.section("due").items] == [due_later_today]
    new = report.section("new_leads").items
    assert [i.name for i in new] == ["Fresh Lead", "Old Lead"]  # newest first; touched and trashed left out
    assert [i.flagged for i in new] == [False, True]  # older than leads.stale_days_new
    assert [i.name for i in report.section("nurture").items] == ["Back Again"]
    assert [i.name for i in report.section("stale_opportunities").items] == ["Forgotten", "Quiet proposal"]
    assert [i.name for i in report.section("untouched_targets").items] == ["Never Touched"]
    assert report.goals.touches_today == 3  # two calls on the lead, one on the account
    assert report.goals.touches_week == 4  # plus Monday's
    assert report.goals.goal_day == 20
    assert report.section("own_log").total == 0

    # Settings move the thresholds and goals.
    settings.write_many(
        wb, {"goals.touches_per_day": 5, "targets.untouched_days": 0, "pipeline.stale_days": 60}
    )
    report = today_report(wb, now=NOW + timedelta(minutes=1), tz=UTC)
    assert report.goals.goal_day == 5
    assert {i.name for i in report.section("untouched_targets").items} == {
        "Never Touched",
        "Recently Touched",
    }
    assert [i.name for i in report.section("stale_opportunities").items] == ["Quiet proposal"]


def test_own_log_lists_unlinked_activities(wb: Workbench) -> None:
    logged = outreach.log_activity(
        wb, LogEntry("call", "connected", note="met Jo at the fair\nnice"), now=NOW
    )
    [item] = today_report(wb, now=NOW, tz=UTC).section("own_log").items
    assert (item.activity_id, item.name, item.detail, item.ref) == (
        logged.activity_id,
        "met Jo at the fair",
        "call · connected",
        None,
    )


def test_sections_are_capped_but_counted(wb: Workbench) -> None:
    with wb.session() as s:
        s.add_all(Lead(name=f"Lead {i}", received_at=NOW - timedelta(minutes=i)) for i in range(7))
    report = today_report(wb, now=NOW, tz=UTC, limit=3)
    section = report.section("new_leads")
    assert len(section.items) == 3 and section.total == 7
    assert report.counts["new_leads"] == 7
