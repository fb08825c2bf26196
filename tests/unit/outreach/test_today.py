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


def _enrolled(
    wb: Workbench, name: str, steps: tuple[tuple[str, int], ...], at: datetime, **lead: object
) -> int:
    """A lead enrolled at ``at`` in a sequence of its own (channel, wait) steps."""
    from workbench.services.sequences import enrol, templates
    from workbench.services.sequences.templates import SequenceDraft, StepDraft

    with wb.session() as s:
        row = Lead(name=name, email=f"{name.split()[0].lower()}@x.com", **lead)
        s.add(row)
        s.flush()
        assert row.id is not None
        lead_id = row.id
    drafts = tuple(
        StepDraft(channel, wait, f"do the {channel}", "Hi {first_name}", "Hello") for channel, wait in steps
    )
    seq = templates.create_sequence(wb, SequenceDraft(f"Plan of {name}", drafts), now=at)
    (enrolment_id,) = enrol.enrol(wb, seq, [RecordRef(RecordKind.LEAD, lead_id)], now=at, tz=UTC).enrolled
    return enrolment_id


def _touch(wb: Workbench, enrolment_id: int) -> None:
    """The lead behind ``enrolment_id`` touched once (no longer a new lead)."""
    from workbench.domain import Enrolment

    with wb.reading() as s:
        row = s.get(Enrolment, enrolment_id)
        assert row is not None and row.lead_id is not None
        ref = RecordRef(RecordKind.LEAD, row.lead_id)
    outreach.log_activity(wb, LogEntry("call", "connected", target=ref, at=NOW - timedelta(days=20)), now=NOW)


def test_due_sequence_steps_are_rows_of_the_ranked_queue(wb: Workbench) -> None:
    """Issue 21: a step due is a line of the work queue — overdue ones ranked with the
    overdue follow-ups by lateness, later ones with today's — and one not done on its
    day stays, overdue."""
    from workbench.services.sequences import enrol

    late = _enrolled(wb, "Lena Late", (("call", 0), ("email", 1)), NOW - timedelta(days=2))  # due Monday
    later = _enrolled(wb, "Tim Today", (("social", 0),), NOW - timedelta(days=9))
    tomorrow = _enrolled(wb, "Tom Tomorrow", (("call", 1),), NOW)
    paused = _enrolled(wb, "Pia Paused", (("call", 0),), NOW - timedelta(days=1))
    for enrolment_id in (late, later, tomorrow, paused):
        _touch(wb, enrolment_id)
    enrol.pause(wb, paused, now=NOW)
    with wb.session() as s:  # Tim's step: due at 16:00 today (two hours from now)
        from workbench.domain import Enrolment

        row = s.get(Enrolment, later)
        assert row is not None
        row.next_due_at = NOW + timedelta(hours=2)
        s.add(row)
        other = Lead(name="Fu Overdue")
        s.add(other)
        s.flush()
        assert other.id is not None
        fu_ref = RecordRef(RecordKind.LEAD, other.id)
    followup = outreach.add_followup(wb, fu_ref, "Call back", NOW - timedelta(days=1), now=NOW)

    report = today_report(wb, now=NOW, tz=UTC)
    overdue = report.section("overdue").items
    assert [(r.kind, r.label, r.detail) for r in overdue] == [
        ("sequence_step", "Lena Late", "Call · step 1 of 2 · Plan of Lena Late"),  # two days late
        ("overdue", "Fu Overdue", "Call back"),  # one day late
    ]
    assert overdue[0].enrolment_id == late and overdue[0].flagged and overdue[0].email == "lena@x.com"
    assert overdue[1].followup_id == followup
    (today_step,) = report.section("due").items
    assert (today_step.label, today_step.step, today_step.flagged) == (
        "Tim Today",
        "Social · step 1 of 1 · Plan of Tim Today",
        False,
    )
    assert [r.rank for r in (*overdue, today_step)] == [1, 2, 3]
    assert report.counts["overdue"] == 2 and report.counts["due"] == 1
    # Tomorrow's step and the paused one are not today's work.
    labels = {r.label for s in report.sections if s.key != "tomorrow" for r in s.items}
    assert "Tom Tomorrow" not in labels and "Pia Paused" not in labels
    # Tomorrow's step is in the look at tomorrow.
    assert [(r.label, r.step) for r in report.section("tomorrow").items] == [
        ("Tom Tomorrow", "Call · step 1 of 1 · Plan of Tom Tomorrow")
    ]

    # A week on, nothing done: Lena's step is still there, still first, still step 1.
    week_on = today_report(wb, now=NOW + timedelta(days=7), tz=UTC)
    first = week_on.section("overdue").items[0]
    assert (first.label, first.step, first.rank) == ("Lena Late", "Call · step 1 of 2 · Plan of Lena Late", 1)


def test_a_new_lead_in_a_sequence_is_one_line_carrying_its_step(wb: Workbench) -> None:
    """A new inbound lead enrolled in *New inbound* stays where speed-to-lead ranks it;
    its due step rides on that line, so logging the touch there does the step."""
    enrolment_id = _enrolled(
        wb,
        "Nia New",
        (("call", 0), ("email", 1)),
        NOW - timedelta(hours=1),
        received_at=NOW - timedelta(hours=1),
    )
    report = today_report(wb, now=NOW, tz=UTC)
    (line,) = report.section("new_leads").items
    assert (line.label, line.enrolment_id, line.step, line.step_channel) == (
        "Nia New",
        enrolment_id,
        "Call · step 1 of 2 · Plan of Nia New",
        "call",
    )
    assert report.section("overdue").items == () and report.counts["overdue"] == 0
    # Logged from that line (the quick log carries the step): the step is done, the lead
    # is worked, and tomorrow's email is not today's work.
    outreach.log_activity(
        wb, LogEntry("call", "no answer", target=line.record, sequence_step=line.enrolment_id), now=NOW
    )
    after = today_report(wb, now=NOW, tz=UTC)
    assert not [r for s in after.sections if s.key != "tomorrow" for r in s.items if r.label == "Nia New"]


def test_todays_steps_end_at_the_reps_midnight(wb: Workbench) -> None:
    """ "Due today" is the rep's calendar day: in New York at 20:00 (01:00 UTC next day),
    a step due at 23:30 local is today's; one at 00:30 local tomorrow is not."""
    from zoneinfo import ZoneInfo

    from workbench.domain import Enrolment

    new_york = ZoneInfo("America/New_York")
    evening = datetime(2026, 3, 4, 20, 0, tzinfo=new_york)
    tonight = _enrolled(wb, "Nora Night", (("call", 3),), NOW - timedelta(days=9))
    after_midnight = _enrolled(wb, "Ari Early", (("call", 3),), NOW - timedelta(days=9))
    for enrolment_id, at in (
        (tonight, datetime(2026, 3, 4, 23, 30, tzinfo=new_york)),
        (after_midnight, datetime(2026, 3, 5, 0, 30, tzinfo=new_york)),
    ):
        _touch(wb, enrolment_id)
        with wb.session() as s:
            row = s.get(Enrolment, enrolment_id)
            assert row is not None
            row.next_due_at = at.astimezone(UTC)
            s.add(row)
    report = today_report(wb, now=evening.astimezone(UTC), tz=new_york)
    assert [r.label for r in report.section("due").items] == ["Nora Night"]
    # For a rep in London it is already 5 March: both are that day's work.
    in_utc = today_report(wb, now=evening.astimezone(UTC), tz=UTC)
    assert [r.label for r in in_utc.section("due").items] == ["Nora Night", "Ari Early"]
