"""Every triage transition, undo through restore, nurture coming back, over a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from workbench.domain import Lead
from workbench.services.clock import fixed_clock
from workbench.services.leads import edit as leads
from workbench.services.leads import triage as lead_triage
from workbench.services.leads.edit import LeadFields
from workbench.services.leads.triage import TriageRefused
from workbench.store import Workbench

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CLOCK = fixed_clock(NOW)
LATER = fixed_clock(NOW + timedelta(hours=1))


def _leads(wb: Workbench, n: int) -> list[int]:
    return [leads.create_lead(wb, LeadFields(name=f"Lead {i}"), clock=CLOCK) for i in range(n)]


def _row(wb: Workbench, lead_id: int) -> Lead:
    with wb.reading() as s:
        lead = s.get(Lead, lead_id)
        assert lead is not None
        return lead


def test_working_qualified_and_reopen(wb: Workbench) -> None:
    a, b = _leads(wb, 2)
    result = lead_triage.mark_working(wb, [a, b], clock=LATER)
    assert result.changed == [a, b] and result.skipped == []
    assert {_row(wb, i).status for i in (a, b)} == {"working"}
    assert _row(wb, a).status_changed_at == NOW + timedelta(hours=1)
    lead_triage.qualify(wb, [a], clock=LATER)
    assert _row(wb, a).status == "qualified"
    lead_triage.reopen(wb, [a], clock=LATER)
    assert _row(wb, a).status == "new"


def test_disqualify_keeps_reason_and_note_until_the_lead_moves_on(wb: Workbench) -> None:
    (a,) = _leads(wb, 1)
    lead_triage.disqualify(wb, [a], "student", clock=LATER)
    assert (_row(wb, a).status, _row(wb, a).disqualify_reason) == ("disqualified", "student")
    lead_triage.disqualify(wb, [a], "other", "bought a competitor last week", clock=LATER)
    assert _row(wb, a).disqualify_note == "bought a competitor last week"
    lead_triage.mark_working(wb, [a], clock=LATER)
    assert (_row(wb, a).disqualify_reason, _row(wb, a).disqualify_note) == ("", "")


def test_disqualify_refuses_unknown_reason_and_other_without_note(wb: Workbench) -> None:
    (a,) = _leads(wb, 1)
    with pytest.raises(TriageRefused):
        lead_triage.disqualify(wb, [a], "too small", clock=LATER)
    with pytest.raises(TriageRefused):
        lead_triage.disqualify(wb, [a], "other", "  ", clock=LATER)
    assert _row(wb, a).status == "new"


def test_nurture_needs_a_future_date_and_comes_back_on_it(wb: Workbench) -> None:
    a, b = _leads(wb, 2)
    with pytest.raises(TriageRefused):
        lead_triage.nurture(wb, [a], NOW.date(), clock=CLOCK)
    revisit = NOW.date() + timedelta(days=90)
    lead_triage.nurture(wb, [a], revisit, clock=CLOCK)
    lead_triage.nurture(wb, [b], revisit + timedelta(days=1), clock=CLOCK)
    assert _row(wb, a).nurture_until == revisit
    assert lead_triage.due_nurture(wb, revisit - timedelta(days=1)) == []
    due = lead_triage.due_nurture(wb, revisit)
    assert [d.lead_id for d in due] == [a]
    assert due[0].name == "Lead 0" and due[0].nurture_until == revisit
    assert lead_triage.count_due_nurture(wb, revisit + timedelta(days=5)) == 2
    # once triaged again it is no longer due, and the revisit date is cleared
    lead_triage.mark_working(wb, [a], clock=CLOCK)
    assert _row(wb, a).nurture_until is None
    assert [d.lead_id for d in lead_triage.due_nurture(wb, revisit + timedelta(days=5))] == [b]


def test_converted_leads_are_skipped(wb: Workbench) -> None:
    a, b = _leads(wb, 2)
    with wb.session() as s:
        lead = s.get(Lead, b)
        assert lead is not None
        lead.status = "converted"
        s.add(lead)
    result = lead_triage.disqualify(wb, [a, b, 999], "duplicate", clock=LATER)
    assert result.changed == [a]
    assert sorted(result.skipped) == [b, 999]
    assert _row(wb, b).status == "converted"


def test_restore_undoes_each_lead_to_its_own_previous_state(wb: Workbench) -> None:
    a, b, c = _leads(wb, 3)
    lead_triage.nurture(wb, [a], date(2026, 6, 1), clock=CLOCK)
    lead_triage.disqualify(wb, [b], "no budget", clock=CLOCK)
    result = lead_triage.qualify(wb, [a, b, c], clock=LATER)
    assert {_row(wb, i).status for i in (a, b, c)} == {"qualified"}
    lead_triage.restore(wb, result.before)
    assert (_row(wb, a).status, _row(wb, a).nurture_until) == ("nurture", date(2026, 6, 1))
    assert (_row(wb, b).status, _row(wb, b).disqualify_reason) == ("disqualified", "no budget")
    assert (_row(wb, c).status, _row(wb, c).status_changed_at) == ("new", None)


def test_many_leads_at_once(wb: Workbench) -> None:
    ids = _leads(wb, 3) + [
        leads.create_lead(wb, LeadFields(company=f"C{i}"), clock=CLOCK) for i in range(1200)
    ]
    result = lead_triage.mark_working(wb, ids, clock=LATER)
    assert len(result.changed) == len(ids) and len(result.before) == len(ids)
    assert len(lead_triage.states(wb, ids)) == len(ids)


def test_untouched_and_unanswered_leads_are_named_before_a_wrong_fact(wb: Workbench) -> None:
    """Issue 22: *no response* needs a touch, *qualified* at least one answer."""
    from workbench.domain import Answer
    from workbench.services.leads.qualification import Qualification
    from workbench.services.outreach import log as outreach
    from workbench.services.outreach.log import LogEntry
    from workbench.services.records import RecordKind, RecordRef

    called, noted, answered, untouched = _leads(wb, 4)
    outreach.log_activity(
        wb, LogEntry("call", "no answer", target=RecordRef(RecordKind.LEAD, called)), now=NOW
    )
    # A note is no touch: nobody was reached for a response.
    outreach.log_activity(
        wb, LogEntry("note", note="saw the webinar", target=RecordRef(RecordKind.LEAD, noted)), now=NOW
    )
    leads.update_lead(
        wb,
        answered,
        LeadFields(name="Lead 2"),
        qualification=Qualification({"need": Answer.NO}),
        clock=CLOCK,
    )
    everyone = [called, noted, answered, untouched]
    assert lead_triage.untouched(wb, everyone) == [noted, answered, untouched]
    assert lead_triage.unanswered(wb, everyone) == [called, noted, untouched]
    with wb.session() as s:
        trashed = s.get(Lead, untouched)
        assert trashed is not None
        trashed.deleted_at = NOW
        s.add(trashed)
    assert lead_triage.untouched(wb, [untouched]) == [] and lead_triage.unanswered(wb, [untouched]) == []


def test_a_nurture_note_goes_on_each_leads_timeline_and_is_no_touch(wb: Workbench) -> None:
    from sqlmodel import select

    from workbench.domain import Activity

    a, b = _leads(wb, 2)
    until = NOW.date() + timedelta(days=30)
    lead_triage.nurture(wb, [a, b], until, "  budget comes in Q3  ", clock=LATER)
    with wb.reading() as s:
        notes = s.exec(select(Activity).order_by(Activity.lead_id)).all()
    assert [(n.lead_id, n.channel, n.note, n.at) for n in notes] == [
        (a, "note", "budget comes in Q3", NOW + timedelta(hours=1)),
        (b, "note", "budget comes in Q3", NOW + timedelta(hours=1)),
    ]
    assert _row(wb, a).last_touch_at is None and _row(wb, a).speed_to_lead_s is None
    lead_triage.nurture(wb, [a], until, "", clock=LATER)  # no note: nothing on the timeline
    with wb.reading() as s:
        assert len(s.exec(select(Activity)).all()) == 2
    with pytest.raises(TriageRefused):
        lead_triage.nurture(wb, [a], until, "x" * (lead_triage.MAX_NOTE + 1), clock=LATER)
