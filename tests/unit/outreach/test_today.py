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
    assert report.section("overdue").items[0].record == touched_ref
    # The lead's follow-up due later today: the lead is already queued as overdue (once).
    assert due_later_today and report.section("due").items == ()
    new = report.section("new_leads").items
    # Inside the speed-to-lead window the longest wait first, then the stale ones;
    # touched and trashed left out.
    assert [i.label for i in new] == ["Fresh Lead", "Old Lead"]
    assert [i.flagged for i in new] == [False, True]  # older than leads.stale_days_new
    assert [i.label for i in report.section("nurture").items] == ["Back Again"]
    assert [i.label for i in report.section("stale_opportunities").items] == ["Forgotten", "Quiet proposal"]
    assert [i.label for i in report.section("untouched_targets").items] == ["Never Touched"]
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
    assert {i.label for i in report.section("untouched_targets").items} == {
        "Never Touched",
        "Recently Touched",
    }
    assert [i.label for i in report.section("stale_opportunities").items] == ["Quiet proposal"]


def test_own_log_lists_unlinked_activities(wb: Workbench) -> None:
    logged = outreach.log_activity(
        wb, LogEntry("call", "connected", note="met Jo at the fair\nnice"), now=NOW
    )
    [item] = today_report(wb, now=NOW, tz=UTC).section("own_log").items
    assert (item.activity_id, item.label, item.detail, item.record) == (
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


def test_the_queue_is_ranked_each_record_once_with_phone_email_and_tomorrow(wb: Workbench) -> None:
    with wb.session() as s:
        waiting_long = Lead(
            name="Waited Long",
            email="wl@example.com",
            phone="+1 555 0100",
            received_at=NOW - timedelta(hours=5),
        )
        waiting_short = Lead(name="Just In", received_at=NOW - timedelta(minutes=10))
        chased = Lead(name="Chased", phone="+1 555 0101", received_at=NOW - timedelta(hours=2))
        nurtured = Lead(name="Nurtured", status="nurture", nurture_until=date(2026, 3, 1))
        nurtured_tomorrow = Lead(name="Back Tomorrow", status="nurture", nurture_until=date(2026, 3, 5))
        s.add_all([waiting_long, waiting_short, chased, nurtured, nurtured_tomorrow])
        s.flush()
        ids = {"chased": chased.id, "nurtured": nurtured.id}
    chased_ref = RecordRef(RecordKind.LEAD, ids["chased"])
    nurtured_ref = RecordRef(RecordKind.LEAD, ids["nurtured"])
    # The chased lead is new, untouched, and has two overdue follow-ups and one due today:
    # it is queued once, under its most urgent reason.
    very_late = outreach.add_followup(wb, chased_ref, "Call back", NOW - timedelta(days=3), now=NOW)
    outreach.add_followup(wb, chased_ref, "Call again", NOW - timedelta(days=1), now=NOW)
    outreach.add_followup(wb, chased_ref, "And again", NOW + timedelta(hours=1), now=NOW)
    # The nurture lead's revisit is due and it has a follow-up due today: once, as due.
    due = outreach.add_followup(wb, nurtured_ref, "Revisit call", NOW + timedelta(hours=2), now=NOW)
    tomorrow = outreach.add_followup(
        wb, nurtured_ref, "Send the case study", NOW + timedelta(days=1), now=NOW
    )

    report = today_report(wb, now=NOW, tz=UTC)

    queue = [row for key in ("overdue", "new_leads", "due", "nurture") for row in report.section(key).items]
    assert [(r.kind, r.label) for r in queue] == [
        ("overdue", "Chased"),
        ("new_leads", "Waited Long"),  # the longest wait first
        ("new_leads", "Just In"),
        ("due", "Nurtured"),
    ]
    assert [r.rank for r in queue] == [1, 2, 3, 4]
    assert queue[0].followup_id == very_late and queue[0].phone == "+1 555 0101"
    assert (queue[1].phone, queue[1].email) == ("+1 555 0100", "wl@example.com")
    assert queue[3].followup_id == due
    assert report.counts["overdue"] == 1  # two follow-ups, one record
    assert report.counts["nurture"] == 0 and report.counts["due"] == 1
    keys = [(r.kind, r.record) for s in report.sections for r in s.items if s.key != "tomorrow"]
    assert len(keys) == len({r for _k, r in keys})  # each record once on the page
    preview = report.section("tomorrow").items
    assert [(r.label, r.followup_id) for r in preview] == [("Nurtured", tomorrow), ("Back Tomorrow", None)]


def test_a_new_kind_of_row_is_one_source(wb: Workbench) -> None:
    """What issue 21's sequence steps will do: one function added to the sources."""
    from workbench.services.outreach import queue as q

    with wb.session() as s:
        lead = Lead(name="In a sequence", received_at=NOW - timedelta(hours=1))
        s.add(lead)
        s.flush()
        lead_id = lead.id
    assert lead_id is not None
    ref = RecordRef(RecordKind.LEAD, lead_id)

    def step(_conn: object, _clock: q.QueueClock, _limit: int) -> q.QueueSection:
        return q.QueueSection("sequence_step", (q.QueueRow("sequence_step", ref, "Step 2: email"),), 1)

    clock = q.QueueClock(NOW, NOW, NOW, NOW.date(), 2, 21)
    with wb.engine.connect() as conn:
        sections = q.build_queue(conn, clock, 50, (step, *q.QUEUE_SOURCES))
    assert sections[0].key == "sequence_step" and sections[0].items[0].rank == 1
    assert next(s for s in sections if s.key == "new_leads").items == ()  # the lead once
