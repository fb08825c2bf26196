"""The generic trash: records go with their activities and follow-ups, and come back with exactly those."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from workbench.domain import Account, Activity, Contact, FollowUp, Lead, Opportunity, PipelineStage
from workbench.services.clock import fixed_clock
from workbench.services.safety import trash
from workbench.store import Workbench

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _lead_with_history(wb: Workbench) -> tuple[int, int]:
    with wb.session() as s:
        acc = Account(name="Acme")
        s.add(acc)
        s.flush()
        lead = Lead(name="Ana", company="Acme", received_at=T0, account_id=acc.id)
        s.add(lead)
        s.flush()
        assert lead.id is not None and acc.id is not None
        s.add(Activity(channel="call", at=T0 + timedelta(hours=1), lead_id=lead.id, account_id=acc.id))
        s.add(Activity(channel="email", at=T0 + timedelta(hours=5), lead_id=lead.id, account_id=acc.id))
        s.add(FollowUp(title="call back", due_at=T0 + timedelta(days=2), lead_id=lead.id, account_id=acc.id))
        s.flush()
        from workbench.services.outreach.touches import recompute

        recompute(s, lead_ids=[lead.id], account_ids=[acc.id])
        return lead.id, acc.id


def _live(wb: Workbench, model: type) -> int:
    with wb.reading() as s:
        return len([r for r in s.exec(select(model)).all() if r.deleted_at is None])


def test_delete_and_restore_a_lead_with_its_activities(wb: Workbench) -> None:
    lead_id, acc_id = _lead_with_history(wb)
    stamp = trash.delete(wb, "lead", [lead_id], clock=fixed_clock(T0 + timedelta(days=3)))
    assert stamp == T0 + timedelta(days=3)
    assert (_live(wb, Lead), _live(wb, Activity), _live(wb, FollowUp)) == (0, 0, 0)
    with wb.reading() as s:
        account = s.get(Account, acc_id)
        assert account is not None and account.last_touch_at is None  # its touches went too
        assert account.next_followup_at is None
    items = trash.list_items(wb)
    assert [(i.kind, i.id, i.label, i.detail, i.attached) for i in items] == [
        ("lead", lead_id, "Ana", "Acme", 3)
    ]
    assert items[0].deleted_at == stamp
    assert trash.count(wb) == 1
    assert trash.restore(wb, "lead", [lead_id]) == 1
    assert (_live(wb, Lead), _live(wb, Activity), _live(wb, FollowUp)) == (1, 2, 1)
    with wb.reading() as s:
        lead = s.get(Lead, lead_id)
        account = s.get(Account, acc_id)
        assert lead is not None and account is not None
        assert lead.first_touch_at == T0 + timedelta(hours=1)
        assert lead.speed_to_lead_s == 3600
        assert account.last_touch_at == T0 + timedelta(hours=5)
    assert trash.list_items(wb) == []


def test_an_activity_trashed_earlier_stays_in_the_trash(wb: Workbench) -> None:
    lead_id, _ = _lead_with_history(wb)
    with wb.session() as s:
        email = s.exec(select(Activity).where(Activity.channel == "email")).one()
        email.deleted_at = T0 + timedelta(days=1)
        s.add(email)
    trash.delete(wb, "lead", [lead_id], clock=fixed_clock(T0 + timedelta(days=3)))
    trash.restore(wb, "lead", [lead_id])
    with wb.reading() as s:
        kept = s.exec(select(Activity).where(Activity.channel == "email")).one()
        assert kept.deleted_at == T0 + timedelta(days=1)
    assert _live(wb, Activity) == 1


def test_restore_ignores_records_not_in_the_trash_and_delete_twice_keeps_first_stamp(wb: Workbench) -> None:
    lead_id, _ = _lead_with_history(wb)
    assert trash.restore(wb, "lead", [lead_id, 12345]) == 0
    first = trash.delete(wb, "lead", [lead_id], clock=fixed_clock(T0 + timedelta(days=3)))
    trash.delete(wb, "lead", [lead_id], clock=fixed_clock(T0 + timedelta(days=4)))
    assert trash.list_items(wb)[0].deleted_at == first
    assert trash.restore(wb, "lead", [lead_id]) == 1
    assert _live(wb, Activity) == 2


def test_accounts_take_their_contacts_and_opportunities_their_activities(wb: Workbench) -> None:
    with wb.session() as s:
        stage = s.exec(select(PipelineStage)).first()
        assert stage is not None and stage.id is not None
        acc = Account(name="Globex", domain="globex.com")
        s.add(acc)
        s.flush()
        s.add(Contact(name="Hank", account_id=acc.id))
        opp = Opportunity(name="Globex deal", stage_id=stage.id, account_id=acc.id)
        s.add(opp)
        s.flush()
        s.add(Activity(channel="meeting", at=T0, opportunity_id=opp.id, account_id=acc.id))
        acc_id, opp_id = acc.id, opp.id
    assert acc_id is not None and opp_id is not None
    trash.delete(wb, "opportunity", [opp_id], clock=fixed_clock(T0 + timedelta(days=1)))
    assert _live(wb, Activity) == 0 and _live(wb, Opportunity) == 0
    trash.delete(wb, "account", [acc_id], clock=fixed_clock(T0 + timedelta(days=2)))
    assert _live(wb, Contact) == 0
    kinds = [(i.kind, i.label) for i in trash.list_items(wb)]
    assert kinds == [("account", "Globex"), ("opportunity", "Globex deal")]  # newest first
    assert [i.kind for i in trash.list_items(wb, "opportunity")] == ["opportunity"]
    trash.restore(wb, "account", [acc_id])
    assert _live(wb, Contact) == 1 and _live(wb, Activity) == 0  # the meeting left with the opportunity
    trash.restore(wb, "opportunity", [opp_id])
    assert _live(wb, Activity) == 1
    with wb.reading() as s:
        opp_row = s.get(Opportunity, opp_id)
        assert opp_row is not None and opp_row.last_touch_at == T0


def test_unknown_kind_is_an_error(wb: Workbench) -> None:
    with pytest.raises(ValueError):
        trash.delete(wb, "contact", [1])
    with pytest.raises(ValueError):
        trash.list_items(wb, "contact")


def _all(wb: Workbench, model: type) -> int:
    with wb.reading() as s:
        return len(s.exec(select(model)).all())


def test_purge_deletes_a_trashed_lead_with_its_activities_for_good(wb: Workbench) -> None:
    lead_id, acc_id = _lead_with_history(wb)
    with wb.session() as s:  # Bo's lead stays: its call also names Acme
        other = Lead(name="Bo", company="Acme", received_at=T0, account_id=acc_id)
        s.add(other)
        s.flush()
        s.add(Activity(channel="call", at=T0, lead_id=other.id, account_id=acc_id))
        other_id = other.id
    assert trash.purge(wb, "lead", [lead_id]) == 0  # not in the trash: left alone
    trash.delete(wb, "lead", [lead_id], clock=fixed_clock(T0 + timedelta(days=3)))
    assert trash.purge(wb, "lead", [lead_id, 12345]) == 1
    with wb.reading() as s:
        assert s.get(Lead, lead_id) is None and s.get(Lead, other_id) is not None
    assert (_all(wb, Activity), _all(wb, FollowUp), trash.count(wb)) == (1, 0, 0)
    assert trash.restore(wb, "lead", [lead_id]) == 0  # nothing left to bring back


def test_purge_unlinks_what_is_still_alive(wb: Workbench) -> None:
    with wb.session() as s:
        stage = s.exec(select(PipelineStage)).first()
        assert stage is not None and stage.id is not None
        acc = Account(name="Globex")
        s.add(acc)
        s.flush()
        hank = Contact(name="Hank", account_id=acc.id)
        s.add(hank)
        s.flush()
        opp = Opportunity(name="Globex deal", stage_id=stage.id, account_id=acc.id, contact_id=hank.id)
        lead = Lead(name="Hank", company="Globex", received_at=T0, account_id=acc.id, contact_id=hank.id)
        s.add_all([opp, lead])
        s.flush()
        met = Activity(channel="meeting", at=T0, account_id=acc.id, contact_id=hank.id, opportunity_id=opp.id)
        s.add(met)
        s.flush()
        s.add(FollowUp(title="send notes", due_at=T0, account_id=acc.id, activity_id=met.id))
        acc_id, opp_id, lead_id, hank_id = acc.id, opp.id, lead.id, hank.id
    assert acc_id and opp_id and lead_id and hank_id
    trash.delete(wb, "account", [acc_id], clock=fixed_clock(T0 + timedelta(days=1)))
    assert trash.purge(wb, "account", [acc_id]) == 1
    with wb.reading() as s:
        assert s.get(Account, acc_id) is None and s.get(Contact, hank_id) is None
        opp_row, lead_row = s.get(Opportunity, opp_id), s.get(Lead, lead_id)
        assert opp_row is not None and (opp_row.account_id, opp_row.contact_id) == (None, None)
        assert lead_row is not None and (lead_row.account_id, lead_row.contact_id) == (None, None)
    # the meeting and its follow-up were in the trash with the account: gone too
    assert (_all(wb, Activity), _all(wb, FollowUp)) == (0, 0)


def test_empty_trash_takes_every_kind(wb: Workbench) -> None:
    lead_id, acc_id = _lead_with_history(wb)
    with wb.session() as s:
        stage = s.exec(select(PipelineStage)).first()
        assert stage is not None and stage.id is not None
        opp = Opportunity(name="Deal", stage_id=stage.id, account_id=acc_id)
        s.add(opp)
        s.flush()
        opp_id = opp.id
    assert opp_id is not None
    clock = fixed_clock(T0 + timedelta(days=3))
    trash.delete(wb, "lead", [lead_id], clock=clock)
    trash.delete(wb, "opportunity", [opp_id], clock=clock)
    trash.delete(wb, "account", [acc_id], clock=clock)
    assert trash.count(wb) == 3
    assert trash.empty(wb) == 3
    assert trash.count(wb) == 0
    assert (_all(wb, Lead), _all(wb, Account), _all(wb, Opportunity), _all(wb, Activity)) == (0, 0, 0, 0)
    if wb.dialect == "sqlite":  # PostgreSQL enforces its foreign keys on every statement
        with wb.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    assert trash.empty(wb) == 0
