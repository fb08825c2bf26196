from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from workbench.domain import Account, Activity, Contact, FollowUp, Lead, Opportunity, PipelineStage
from workbench.services.outreach import log as outreach
from workbench.services.outreach.log import ActivityEdit, LogEntry, OutreachError
from workbench.services.outreach.timeline import own_log_count, timeline
from workbench.services.records import RecordKind, RecordRef
from workbench.store import Workbench

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _people(wb: Workbench) -> dict[str, int]:
    with wb.session() as s:
        acc = Account(name="Acme", is_target=True)
        s.add(acc)
        s.flush()
        contact = Contact(name="Bo Berg", account_id=acc.id, email="bo@acme.com")
        s.add(contact)
        s.flush()
        stage = s.exec(select(PipelineStage)).first()
        assert stage is not None and stage.id is not None
        opp = Opportunity(name="Acme deal", account_id=acc.id, contact_id=contact.id, stage_id=stage.id)
        s.add(opp)
        s.flush()
        lead = Lead(
            name="Ana López",
            company="Acme",
            received_at=NOW - timedelta(hours=3),
            account_id=acc.id,
            contact_id=contact.id,
        )
        s.add(lead)
        s.flush()
        assert lead.id and acc.id and contact.id and opp.id
        return {"lead": lead.id, "account": acc.id, "contact": contact.id, "opportunity": opp.id}


def test_log_on_a_lead_fills_links_creates_the_followup_and_touch_columns(wb: Workbench) -> None:
    ids = _people(wb)
    due = NOW + timedelta(days=1)
    logged = outreach.log_activity(
        wb,
        LogEntry(
            "call",
            "no answer",
            note="  rang twice ",
            target=RecordRef(RecordKind.LEAD, ids["lead"]),
            next_title="Call again",
            next_due=due,
        ),
        now=NOW,
    )
    assert not logged.past_due and not logged.unlinked
    with wb.reading() as s:
        activity = s.get(Activity, logged.activity_id)
        assert activity is not None
        assert (activity.lead_id, activity.account_id, activity.contact_id) == (
            ids["lead"],
            ids["account"],
            ids["contact"],
        )
        assert activity.note == "rang twice" and activity.at == NOW
        followup = s.get(FollowUp, logged.followup_id)
        assert followup is not None
        assert (followup.title, followup.due_at, followup.lead_id, followup.activity_id) == (
            "Call again",
            due,
            ids["lead"],
            logged.activity_id,
        )
        lead = s.get(Lead, ids["lead"])
        assert lead is not None
        assert lead.first_touch_at == NOW and lead.speed_to_lead_s == 3 * 3600
        assert lead.next_followup_at == due
        assert lead.status == "working"  # the first touch moves a new lead on
        account = s.get(Account, ids["account"])
        assert account is not None and account.last_touch_at == NOW and account.status == "contacted"


def test_contact_and_opportunity_links(wb: Workbench) -> None:
    ids = _people(wb)
    on_contact = outreach.log_activity(
        wb, LogEntry("email", "replied", target=RecordRef(RecordKind.CONTACT, ids["contact"])), now=NOW
    )
    assert on_contact.links.account_id == ids["account"]
    assert on_contact.links.opportunity_id == ids["opportunity"]  # the contact's open deal
    on_opp = outreach.log_activity(
        wb,
        LogEntry("meeting", "connected", target=RecordRef(RecordKind.OPPORTUNITY, ids["opportunity"])),
        now=NOW,
    )
    assert on_opp.links.contact_id == ids["contact"] and on_opp.links.account_id == ids["account"]
    with wb.reading() as s:
        opp = s.get(Opportunity, ids["opportunity"])
        assert opp is not None and opp.last_touch_at == NOW
    account_timeline = timeline(wb, RecordRef(RecordKind.ACCOUNT, ids["account"]))
    assert {e.id for e in account_timeline} == {on_contact.activity_id, on_opp.activity_id}
    assert {e.who for e in account_timeline} == {"Bo Berg"}


def test_a_deals_timeline_starts_with_the_touches_of_its_lead(wb: Workbench) -> None:
    ids = _people(wb)
    lead_ref = RecordRef(RecordKind.LEAD, ids["lead"])
    before = outreach.log_activity(wb, LogEntry("call", "connected", target=lead_ref), now=NOW)
    with wb.session() as s:
        opp = s.get(Opportunity, ids["opportunity"])
        assert opp is not None
        opp.origin_lead_id = ids["lead"]
        s.add(opp)
    opp_ref = RecordRef(RecordKind.OPPORTUNITY, ids["opportunity"])
    after = outreach.log_activity(
        wb, LogEntry("email", "replied", target=opp_ref), now=NOW + timedelta(hours=1)
    )
    assert [e.id for e in timeline(wb, opp_ref)] == [after.activity_id, before.activity_id]
    # Another deal of the same account does not get the lead's history.
    with wb.session() as s:
        stage = s.exec(select(PipelineStage)).first()
        assert stage is not None and stage.id is not None
        other = Opportunity(name="Other deal", account_id=ids["account"], stage_id=stage.id)
        s.add(other)
        s.flush()
        assert other.id is not None
        other_id = other.id
    assert timeline(wb, RecordRef(RecordKind.OPPORTUNITY, other_id)) == []


def test_past_due_is_accepted_with_a_warning(wb: Workbench) -> None:
    ids = _people(wb)
    logged = outreach.log_activity(
        wb,
        LogEntry(
            "call",
            "connected",
            target=RecordRef(RecordKind.LEAD, ids["lead"]),
            next_title="Send deck",
            next_due=NOW - timedelta(days=1),
        ),
        now=NOW,
    )
    assert logged.past_due and logged.followup_id is not None


def test_a_log_without_a_record_is_kept_and_can_be_linked_later(wb: Workbench) -> None:
    ids = _people(wb)
    logged = outreach.log_activity(wb, LogEntry("call", "connected", note="met someone at the fair"), now=NOW)
    assert logged.unlinked
    assert own_log_count(wb) == 1
    assert [e.note for e in timeline(wb, None)] == ["met someone at the fair"]
    outreach.link_activity(wb, logged.activity_id, RecordRef(RecordKind.LEAD, ids["lead"]), now=NOW)
    assert own_log_count(wb) == 0
    with wb.reading() as s:
        lead = s.get(Lead, ids["lead"])
        assert lead is not None and lead.last_touch_at == NOW


def test_edit_and_trash_recompute_touches(wb: Workbench) -> None:
    ids = _people(wb)
    ref = RecordRef(RecordKind.LEAD, ids["lead"])
    logged = outreach.log_activity(wb, LogEntry("call", "no answer", target=ref), now=NOW)
    later = NOW + timedelta(hours=1)
    outreach.update_activity(
        wb, logged.activity_id, ActivityEdit("email", "replied", later, "fixed", 5), now=later
    )
    with wb.reading() as s:
        lead = s.get(Lead, ids["lead"])
        assert lead is not None and lead.last_touch_at == later
    [entry] = timeline(wb, ref)
    assert (entry.channel, entry.outcome, entry.note, entry.duration_min) == ("email", "replied", "fixed", 5)
    outreach.trash_activity(wb, logged.activity_id, now=later)
    assert timeline(wb, ref) == []
    with wb.reading() as s:
        lead = s.get(Lead, ids["lead"])
        assert lead is not None and lead.last_touch_at is None and lead.first_touch_at is None
    outreach.restore_activity(wb, logged.activity_id, now=later)
    assert len(timeline(wb, ref)) == 1


def test_followups_done_snooze_reschedule(wb: Workbench) -> None:
    ids = _people(wb)
    ref = RecordRef(RecordKind.LEAD, ids["lead"])
    due = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)  # Tuesday
    fid = outreach.add_followup(wb, ref, "Call again", due, now=NOW)
    snoozed = outreach.snooze_followup(wb, fid, now=NOW, tz=UTC)
    assert snoozed == datetime(2026, 3, 4, 10, 0, tzinfo=UTC)  # past its due date, not past now
    assert outreach.reschedule_followup(wb, fid, NOW - timedelta(hours=1), now=NOW) is True  # past: warned
    entries = timeline(wb, ref)
    assert entries[0].overdue(NOW)
    outreach.complete_followup(wb, fid, now=NOW)
    with wb.reading() as s:
        lead = s.get(Lead, ids["lead"])
        assert lead is not None and lead.next_followup_at is None
    outreach.reopen_followup(wb, fid, now=NOW)
    outreach.trash_followup(wb, fid, now=NOW)
    assert timeline(wb, ref) == []


def test_logging_completes_the_followup_it_answers(wb: Workbench) -> None:
    ids = _people(wb)
    ref = RecordRef(RecordKind.LEAD, ids["lead"])
    fid = outreach.add_followup(wb, ref, "Call again", NOW - timedelta(hours=2), now=NOW)
    logged = outreach.log_activity(wb, LogEntry("call", "connected", target=ref, completes=(fid,)), now=NOW)
    assert logged.completed == (fid,)
    with wb.reading() as s:
        f = s.get(FollowUp, fid)
        assert f is not None and f.done_at == NOW


def test_bad_input_is_refused_with_reasons(wb: Workbench) -> None:
    ids = _people(wb)
    with pytest.raises(OutreachError, match="unknown channel"):
        outreach.log_activity(wb, LogEntry("fax"), now=NOW)
    with pytest.raises(OutreachError, match="unknown outcome"):
        outreach.log_activity(wb, LogEntry("call", "maybe"), now=NOW)
    with pytest.raises(OutreachError, match="needs a due date"):
        outreach.log_activity(wb, LogEntry("call", next_title="x"), now=NOW)
    with wb.session() as s:
        lead = s.get(Lead, ids["lead"])
        assert lead is not None
        lead.deleted_at = NOW
    with pytest.raises(OutreachError, match="deleted"):
        outreach.log_activity(wb, LogEntry("call", target=RecordRef(RecordKind.LEAD, ids["lead"])), now=NOW)
    with wb.reading() as s:
        assert s.exec(select(Activity)).all() == []  # nothing half-written
