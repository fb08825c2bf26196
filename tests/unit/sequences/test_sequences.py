"""Sequences on a real file (and on PostgreSQL, also as a rep): enrol → due → complete →
next due → stop on each outcome, on disqualify, convert, won and lost; bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from workbench.domain import (
    Account,
    Contact,
    Enrolment,
    EnrolmentEvent,
    Lead,
    LeadStatus,
    OutreachSequence,
    SequenceStep,
    StageKind,
)
from workbench.services.leads import triage
from workbench.services.outreach.log import LogEntry, OutreachError, log_activity
from workbench.services.pipeline import stages
from workbench.services.pipeline.convert import convert_lead
from workbench.services.records import RecordKind, RecordRef
from workbench.services.safety import trash
from workbench.services.sequences import deletion, due, enrol, status, templates
from workbench.services.sequences.templates import SequenceDraft, SequenceError, StepDraft
from workbench.store import Workbench

MON = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday


def _lead(wb: Workbench, name: str = "Ana López", email: str = "ana@globex.com", **extra: object) -> int:
    with wb.session() as s:
        lead = Lead(name=name, first_name=name.split()[0], company="Globex", email=email, **extra)
        s.add(lead)
        s.flush()
        assert lead.id is not None
        return lead.id


def _seq(wb: Workbench, name: str = "New inbound") -> int:
    with wb.reading() as s:
        found = templates.find_in(s, name)
    assert found is not None
    return found


def _one(wb: Workbench, enrolment_id: int) -> Enrolment:
    with wb.reading() as s:
        row = s.get(Enrolment, enrolment_id)
        assert row is not None
        return row


def _L(lead_id: int) -> RecordRef:
    return RecordRef(RecordKind.LEAD, lead_id)


def test_a_new_file_has_the_two_default_sequences(wb: Workbench) -> None:
    items = templates.list_sequences(wb)
    assert [(s.name, len(s.steps), s.total_days) for s in items] == [
        ("New inbound", 5, 10),
        ("Target account contact", 8, 15),
    ]
    assert items[0].steps[1].channel == "email" and "{first_name}" in items[0].steps[1].subject


def test_enrol_due_complete_next_due_and_finish(wb: Workbench) -> None:
    lead_id = _lead(wb)
    result = enrol.enrol(wb, _seq(wb), [_L(lead_id)], now=MON, tz=UTC)
    (enrolment_id,) = result.enrolled
    steps, count = due.due_steps(wb, MON, UTC)
    assert count == 1 and steps[0].label == "Call · step 1 of 5 · New inbound"
    assert steps[0].due_at == MON and steps[0].person == "Ana López"

    # Done from the quick log: the touch completes the step; the next is 1 working day on.
    at = MON + timedelta(minutes=30)
    log_activity(wb, LogEntry("call", "no answer", target=_L(lead_id), sequence_step=enrolment_id), now=at)
    row = _one(wb, enrolment_id)
    assert row.step == 1 and row.state == "active"
    assert row.next_due_at is not None and row.next_due_at.astimezone(UTC).date().isoformat() == "2026-03-03"
    assert due.due_steps(wb, at, UTC)[1] == 0  # nothing more due today
    tuesday = MON + timedelta(days=1)
    (email_step,), _n = due.due_steps(wb, tuesday, UTC)
    assert email_step.channel == "email" and email_step.step == 1
    mail = due.email_for(wb, email_step)
    assert mail.subject.text == "Your request, Ana" and mail.to == "ana@globex.com"
    assert mail.missing == ("campaign", "rep_name")  # shown as {campaign}, never blank
    assert "{campaign}" in mail.body.text

    # The rest skipped/done by hand: the fifth step finishes it.
    for _ in range(4):
        enrol.skip_step(wb, enrolment_id, now=tuesday, tz=UTC)
    row = _one(wb, enrolment_id)
    assert (row.state, row.step, row.next_due_at) == ("finished", 5, None)
    with wb.reading() as s:
        events = [e.what for e in s.exec(select(EnrolmentEvent).order_by(EnrolmentEvent.id))]
    assert events == ["done", "skipped", "skipped", "skipped", "skipped", "finished"]


def test_working_days_skip_the_weekend_in_the_reps_zone(wb: Workbench) -> None:
    new_york = ZoneInfo("America/New_York")
    lead_id = _lead(wb)
    friday_late = datetime(2026, 3, 6, 21, 30, tzinfo=UTC)  # 16:30 in New York (EST)
    (enrolment_id,) = enrol.enrol(wb, _seq(wb), [_L(lead_id)], now=friday_late, tz=new_york).enrolled
    enrol.skip_step(wb, enrolment_id, now=friday_late, tz=new_york)
    due_at = _one(wb, enrolment_id).next_due_at
    assert due_at is not None
    # Monday 16:30 New York time — EDT since Sunday, so 20:30 UTC, not 21:30.
    assert due_at.astimezone(new_york).isoformat() == "2026-03-09T16:30:00-04:00"
    assert due_at.astimezone(UTC).hour == 20


def test_a_step_not_done_stays_due_as_overdue(wb: Workbench) -> None:
    lead_id = _lead(wb)
    enrol.enrol(wb, _seq(wb), [_L(lead_id)], now=MON, tz=UTC)
    later = MON + timedelta(days=9)
    (step,), count = due.due_steps(wb, later, UTC)
    assert count == 1 and step.overdue and step.step == 0


@pytest.mark.parametrize(
    "outcome", ["replied", "meeting booked", "not interested", "bounced", "wrong person"]
)
def test_a_stop_outcome_ends_the_enrolment_with_its_reason(wb: Workbench, outcome: str) -> None:
    lead_id = _lead(wb)
    (enrolment_id,) = enrol.enrol(wb, _seq(wb), [_L(lead_id)], now=MON, tz=UTC).enrolled
    log_activity(wb, LogEntry("email", outcome, target=_L(lead_id)), now=MON + timedelta(hours=1))
    row = _one(wb, enrolment_id)
    assert (row.state, row.stop_reason, row.next_due_at) == ("stopped", outcome, None)
    assert due.due_steps(wb, MON + timedelta(days=3), UTC)[1] == 0


def test_other_outcomes_do_not_stop_and_stop_outcomes_are_configurable(wb: Workbench) -> None:
    lead_id = _lead(wb)
    seq = _seq(wb)
    info = templates.get_sequence(wb, seq)
    draft = info.draft()
    templates.update_sequence(
        wb,
        seq,
        SequenceDraft(draft.name, draft.steps, draft.description, ("meeting booked",)),
        now=MON,
    )
    (enrolment_id,) = enrol.enrol(wb, seq, [_L(lead_id)], now=MON, tz=UTC).enrolled
    log_activity(wb, LogEntry("call", "left voicemail", target=_L(lead_id)), now=MON)
    log_activity(wb, LogEntry("email", "replied", target=_L(lead_id)), now=MON)
    assert _one(wb, enrolment_id).state == "active"
    log_activity(wb, LogEntry("call", "meeting booked", target=_L(lead_id)), now=MON)
    assert _one(wb, enrolment_id).stop_reason == "meeting booked"


def test_disqualify_convert_won_and_lost_stop_enrolments(wb: Workbench) -> None:
    seq = _seq(wb)
    dq, conv, won, lost = (_lead(wb, f"P{i} Person", f"p{i}@x.com") for i in range(4))
    ids = enrol.enrol(wb, seq, [_L(dq), _L(conv), _L(won), _L(lost)], now=MON, tz=UTC).enrolled
    triage.disqualify(wb, [dq], "no budget", clock=lambda: MON)
    convert_lead(wb, conv, clock=lambda: MON)
    states = {i: (_one(wb, i).state, _one(wb, i).stop_reason) for i in ids}
    assert states[ids[0]] == ("stopped", "disqualified")
    assert states[ids[1]] == ("stopped", "converted")
    assert states[ids[2]] == ("active", "")
    # The won and lost leads' people: converted, then their contacts enrolled, then closed.
    for lead_id, kind in ((won, StageKind.WON), (lost, StageKind.LOST)):
        opp = convert_lead(wb, lead_id, clock=lambda: MON)
        assert opp.contact_id is not None
        (contact_enrolment,) = enrol.enrol(
            wb, seq, [RecordRef(RecordKind.CONTACT, opp.contact_id)], now=MON, tz=UTC
        ).enrolled
        stages.close(wb, opp.opportunity_id, kind, "price", clock=lambda: MON + timedelta(days=1))
        row = _one(wb, contact_enrolment)
        assert (row.state, row.stop_reason) == ("stopped", kind.value)


def test_one_live_enrolment_per_person_replace_asks(wb: Workbench) -> None:
    lead_id = _lead(wb)
    first = enrol.enrol(wb, _seq(wb), [_L(lead_id)], now=MON, tz=UTC).enrolled[0]
    with pytest.raises(enrol.NeedsReplace, match="replace"):
        enrol.enrol(wb, _seq(wb, "Target account contact"), [_L(lead_id)], now=MON, tz=UTC)
    assert _one(wb, first).state == "active"
    result = enrol.enrol(wb, _seq(wb, "Target account contact"), [_L(lead_id)], now=MON, tz=UTC, replace=True)
    assert _one(wb, first).stop_reason == "replaced"
    enrol.undo_enrol(wb, result, now=MON)
    assert _one(wb, first).state == "active"
    with wb.reading() as s:
        assert len(s.exec(select(Enrolment)).all()) == 1


def test_pause_resume_skip_stop(wb: Workbench) -> None:
    lead_id = _lead(wb)
    (enrolment_id,) = enrol.enrol(wb, _seq(wb), [_L(lead_id)], now=MON, tz=UTC).enrolled
    enrol.pause(wb, enrolment_id, now=MON)
    assert due.due_steps(wb, MON, UTC)[1] == 0
    with pytest.raises(SequenceError, match="resume it first"):
        enrol.skip_step(wb, enrolment_id, now=MON)
    enrol.resume(wb, enrolment_id, now=MON + timedelta(days=2))
    assert due.due_steps(wb, MON + timedelta(days=2), UTC)[1] == 1  # due meanwhile: due now
    snap = enrol.skip_step(wb, enrolment_id, now=MON, tz=UTC)
    assert _one(wb, enrolment_id).step == 1
    enrol.undo_step(wb, snap, now=MON)
    assert _one(wb, enrolment_id).step == 0
    befores = enrol.stop(wb, enrolment_id, now=MON)
    assert _one(wb, enrolment_id).stop_reason == "stopped by hand"
    enrol.undo_stop(wb, befores, now=MON)
    assert _one(wb, enrolment_id).state == "active"
    views = status.for_record(wb, _L(lead_id))
    assert views[0].live and views[0].summary.startswith("New inbound: step 1 of 5")


def test_enrol_a_target_accounts_buying_team(wb: Workbench) -> None:
    with wb.session() as s:
        account = Account(name="Initech", is_target=True, pain_hypothesis="reports take days")
        s.add(account)
        s.flush()
        assert account.id is not None
        account_id = account.id
        for name in ("Bo Berg", "Cy Chan"):
            s.add(
                Contact(
                    name=name, first_name=name.split()[0], account_id=account_id, email=f"{name[:2]}@i.com"
                )
            )
    seq = _seq(wb, "Target account contact")
    result = enrol.enrol(wb, seq, [RecordRef(RecordKind.ACCOUNT, account_id)], now=MON, tz=UTC)
    assert len(result.enrolled) == 2
    views = status.for_record(wb, RecordRef(RecordKind.ACCOUNT, account_id))
    assert sorted(v.person for v in views) == ["Bo Berg", "Cy Chan"]
    (first, _second), _n = due.due_steps(wb, MON, UTC)
    mail = due.email_for(wb, first)
    assert mail.subject.text == "Initech: reports take days"


def test_bad_input_is_refused_and_nothing_is_written(wb: Workbench) -> None:
    seq = _seq(wb)
    trashed = _lead(wb, "Tom Trash", "t@x.com")
    trash.delete(wb, "lead", [trashed])
    dq = _lead(wb, "Dan Dq", "d@x.com")
    triage.disqualify(wb, [dq], "no budget", clock=lambda: MON)
    no_email = _lead(wb, "Nel Nomail", "")
    fine = _lead(wb, "Fay Fine", "f@x.com")
    for lead_id, reason in ((trashed, "trash"), (dq, "disqualified"), (no_email, "no email")):
        with pytest.raises(SequenceError, match=reason):
            enrol.enrol(wb, seq, [_L(fine), _L(lead_id)], now=MON, tz=UTC)
    with wb.reading() as s:
        assert s.exec(select(Enrolment)).all() == []
    # The others, when the rep says so.
    result = enrol.enrol(wb, seq, [_L(fine), _L(no_email)], now=MON, tz=UTC, skip_refused=True)
    assert len(result.enrolled) == 1 and result.refused[0].name == "Nel Nomail"

    bad = [
        (
            SequenceDraft("X", (StepDraft("email", 0, subject="Hi {frist_name}"),)),
            "unknown merge field {frist_name}",
        ),
        (SequenceDraft("X", (StepDraft("call", -1),)), "cannot be negative"),
        (SequenceDraft("X", ()), "at least one step"),
        (SequenceDraft("X", (StepDraft("fax", 0),)), "unknown channel"),
        (SequenceDraft("X", (StepDraft("email", 0, subject="Hi {first_name"),)), "brace"),
        (SequenceDraft("New inbound", (StepDraft("call", 0),)), "already exists"),
    ]
    for draft, message in bad:
        with pytest.raises(SequenceError, match=message):
            templates.create_sequence(wb, draft, now=MON)
    assert len(templates.list_sequences(wb)) == 2


def test_an_edit_into_bad_input_is_refused_and_changes_nothing(wb: Workbench) -> None:
    seq = _seq(wb)
    before = templates.get_sequence(wb, seq)
    for steps, message in (
        ((StepDraft("email", 1, subject="Hi {frist_name}", body="x"),), "unknown merge field {frist_name}"),
        ((StepDraft("call", 0), StepDraft("social", -2)), "cannot be negative"),
        ((), "at least one step"),
    ):
        with pytest.raises(SequenceError, match=message):
            templates.update_sequence(wb, seq, SequenceDraft("New inbound", steps), now=MON)
    after = templates.get_sequence(wb, seq)
    assert [(s.channel, s.wait_days, s.subject) for s in after.steps] == [
        (s.channel, s.wait_days, s.subject) for s in before.steps
    ]


def test_create_edit_copy_retire_reorder(wb: Workbench) -> None:
    draft = SequenceDraft(
        "Webinar follow-up",
        (
            StepDraft("email", 0, "thank them", "Thanks, {first_name}", "Hi {first_name}"),
            StepDraft("call", 2),
        ),
    )
    seq = templates.create_sequence(wb, draft, now=MON)
    copy = templates.copy_sequence(wb, seq, now=MON)
    assert templates.get_sequence(wb, copy).name == "Webinar follow-up (copy)"
    before = templates.update_sequence(
        wb, seq, SequenceDraft("Webinar follow-up", tuple(reversed(draft.steps))), now=MON
    )
    assert before.steps[0].channel == "email"
    assert [s.channel for s in templates.get_sequence(wb, seq).steps] == ["call", "email"]
    templates.set_retired(wb, seq, True, now=MON)
    with pytest.raises(SequenceError, match="retired"):
        enrol.enrol(wb, seq, [_L(_lead(wb))], now=MON)
    ids = [s.id for s in templates.list_sequences(wb)]
    templates.reorder_sequences(wb, list(reversed(ids)), now=MON)
    assert [s.id for s in templates.list_sequences(wb)] == list(reversed(ids))
    assert all(s.id != seq for s in templates.list_sequences(wb, include_retired=False))


def test_deleting_a_sequence_with_live_enrolments_asks_then_stops_them(wb: Workbench) -> None:
    seq = _seq(wb)
    (enrolment_id,) = enrol.enrol(wb, seq, [_L(_lead(wb))], now=MON, tz=UTC).enrolled
    with pytest.raises(SequenceError, match="1 live enrolment"):
        deletion.delete_sequence(wb, seq, now=MON)
    assert _one(wb, enrolment_id).state == "active"
    done = deletion.delete_sequence(wb, seq, now=MON, stop_live=True)
    assert _one(wb, enrolment_id).stop_reason == "sequence deleted"
    assert [s.name for s in templates.list_sequences(wb)] == ["Target account contact"]
    with wb.reading() as s:  # kept in history
        assert s.get(OutreachSequence, seq) is not None
        assert s.exec(select(SequenceStep).where(SequenceStep.sequence_id == seq)).first() is not None
    deletion.restore_sequence(wb, done, now=MON)
    assert _one(wb, enrolment_id).state == "active"


def test_trash_and_restore_cover_enrolments(wb: Workbench) -> None:
    lead_id = _lead(wb)
    (enrolment_id,) = enrol.enrol(wb, _seq(wb), [_L(lead_id)], now=MON, tz=UTC).enrolled
    trash.delete(wb, "lead", [lead_id])
    assert _one(wb, enrolment_id).deleted_at is not None
    assert due.due_steps(wb, MON, UTC)[1] == 0
    trash.restore(wb, "lead", [lead_id])
    assert _one(wb, enrolment_id).deleted_at is None
    assert due.due_steps(wb, MON, UTC)[1] == 1
    trash.delete(wb, "lead", [lead_id])
    trash.purge(wb, "lead", [lead_id])
    with wb.reading() as s:
        assert s.get(Enrolment, enrolment_id) is None


def test_completing_a_step_of_an_ended_enrolment_is_refused(wb: Workbench) -> None:
    lead_id = _lead(wb)
    (enrolment_id,) = enrol.enrol(wb, _seq(wb), [_L(lead_id)], now=MON, tz=UTC).enrolled
    enrol.stop(wb, enrolment_id, now=MON)
    with pytest.raises(OutreachError, match="stopped"):
        log_activity(wb, LogEntry("call", "", target=_L(lead_id), sequence_step=enrolment_id), now=MON)
    with wb.reading() as s:  # the whole log was refused: no activity either
        from workbench.domain import Activity

        assert s.exec(select(Activity)).all() == []
    assert _lead_status(wb, lead_id) == LeadStatus.NEW


def _lead_status(wb: Workbench, lead_id: int) -> str:
    with wb.reading() as s:
        lead = s.get(Lead, lead_id)
        assert lead is not None
        return lead.status


def test_sequences_travel_in_the_team_template(wb: Workbench, tmp_path: Path) -> None:
    from workbench.services.team import template as team_template

    seq = templates.create_sequence(
        wb, SequenceDraft("Event", (StepDraft("email", 0, "", "Hi {first_name}", "See you"),)), now=MON
    )
    (enrolment_id,) = enrol.enrol(wb, _seq(wb), [_L(_lead(wb))], now=MON, tz=UTC).enrolled
    path = tmp_path / "team.json"
    team_template.export_file(wb, path)
    assert "sequences" in json.loads(path.read_text(encoding="utf-8"))
    # The rep changes theirs; applying the template brings the manager's back.
    templates.update_sequence(wb, seq, SequenceDraft("Event", (StepDraft("call", 3),)), now=MON)
    templates.create_sequence(wb, SequenceDraft("Mine", (StepDraft("call", 0),)), now=MON)
    team_template.import_file(wb, path, clock=lambda: MON)
    by_name = {s.name: s for s in templates.list_sequences(wb)}
    assert [s.channel for s in by_name["Event"].steps] == ["email"]
    assert by_name["Mine"].retired  # kept with its history, not deleted
    assert _one(wb, enrolment_id).state == "active"

    # A template with a bad merge field: refused, naming it; nothing applied.
    document = json.loads(path.read_text(encoding="utf-8"))
    document["sequences"][0]["steps"][1]["subject"] = "Hi {frist_name}"
    document["sources"] = ["only this"]
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(team_template.TemplateError, match="frist_name"):
        team_template.import_file(wb, path, clock=lambda: MON)
    assert by_name["Mine"].retired and templates.get_sequence(wb, by_name["Mine"].id).retired


@pytest.mark.sqlite_only
def test_a_file_upgraded_from_before_sequences_gets_the_defaults(tmp_path: Path) -> None:
    from sqlalchemy import create_engine

    from workbench.store import open_workbench
    from workbench.store.migrate import upgrade
    from workbench.store.sqlite_file import APPLICATION_ID

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine, "0002")  # a file of the version before sequences
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    engine.dispose()
    with open_workbench(path) as wb:  # opening migrates it to 0007
        assert [s.name for s in templates.list_sequences(wb)] == ["New inbound", "Target account contact"]
        assert [len(s.steps) for s in templates.list_sequences(wb)] == [5, 8]
