"""The generic trash: records go with their activities and follow-ups, and come back with exactly those."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from workbench.domain import Account, Activity, Contact, FollowUp, Lead, Opportunity, PipelineStage
from workbench.services import trash
from workbench.services.clock import fixed_clock
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
        from workbench.services.touches import recompute

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
