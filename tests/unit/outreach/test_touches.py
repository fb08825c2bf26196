from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from workbench.domain import Account, Activity, FollowUp, Lead
from workbench.services.outreach.touches import recompute
from workbench.store import Workbench

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_touch_columns_follow_activities_and_followups(wb: Workbench) -> None:
    with wb.session() as s:
        acc = Account(name="Acme")
        s.add(acc)
        s.flush()
        lead = Lead(name="Ana", company="Acme", received_at=T0, account_id=acc.id)
        s.add(lead)
        s.flush()
        assert lead.id is not None and acc.id is not None
        s.add(Activity(channel="note", at=T0 + timedelta(minutes=5), lead_id=lead.id, account_id=acc.id))
        s.add(Activity(channel="call", at=T0 + timedelta(hours=2), lead_id=lead.id, account_id=acc.id))
        s.add(Activity(channel="email", at=T0 + timedelta(days=1), lead_id=lead.id, account_id=acc.id))
        s.add(FollowUp(title="call back", due_at=T0 + timedelta(days=3), lead_id=lead.id))
        s.add(
            FollowUp(
                title="done", due_at=T0 + timedelta(days=2), lead_id=lead.id, done_at=T0 + timedelta(days=1)
            )
        )
        s.flush()
        recompute(s, lead_ids=[lead.id], account_ids=[acc.id])
    with wb.reading() as s:
        got = s.exec(select(Lead)).one()
        assert got.first_touch_at == T0 + timedelta(hours=2)  # the note is not a touch
        assert got.last_touch_at == T0 + timedelta(days=1)
        assert got.speed_to_lead_s == 2 * 3600
        assert got.next_followup_at == T0 + timedelta(days=3)  # the done one does not count
        assert s.exec(select(Account)).one().last_touch_at == T0 + timedelta(days=1)
