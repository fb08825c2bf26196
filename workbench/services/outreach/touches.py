"""The denormalised "touch" columns, recomputed in SQL from activities and follow-ups.

Definitions every area relies on:

* a **touch** is a live (not trashed) activity whose channel is call, email, meeting or
  social; a ``note`` is not a touch;
* ``lead.first_touch_at`` / ``last_touch_at``: earliest / latest touch of the lead;
  ``lead.speed_to_lead_s`` = first touch − ``received_at`` in whole seconds, for inbound
  and referral leads only (:data:`~workbench.domain.enums.SPEED_TO_LEAD_KINDS`): a
  rep-sourced target lead has none, so no reader can count it (see :func:`speed_of`);
* ``account.last_touch_at`` and ``opportunity.last_touch_at``: latest touch whose
  ``account_id`` / ``opportunity_id`` points at them (the outreach service fills those
  links when it logs an activity on a lead or contact that belongs to them);
* ``next_followup_at`` on leads and accounts: the earliest due date of their open
  (not done, not trashed) follow-ups.

Call :func:`recompute` after anything that adds, edits, trashes or restores
activities or follow-ups, with the ids whose columns may have moved.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, select, update
from sqlmodel import Session

from workbench.domain import Account, Activity, FollowUp, Lead, Opportunity, table_of
from workbench.domain.enums import SPEED_TO_LEAD_KINDS
from workbench.store.sql_functions import unindexed

TOUCH_CHANNELS = ("call", "email", "meeting", "social")

_A = table_of(Activity).c
_F = table_of(FollowUp).c


def _touch(link: Any, owner_id: Any) -> Any:
    return and_(link == owner_id, _A.deleted_at.is_(None), _A.channel.in_(TOUCH_CHANNELS))


def _open_followup(link: Any, owner_id: Any) -> Any:
    # ``done_at`` kept out of index selection: without statistics SQLite preferred the
    # open-follow-ups index and walked every open follow-up of the file (90,000 on the
    # large demo: 640 ms per save) instead of the record's own few through its link.
    return and_(link == owner_id, unindexed(_F.done_at).is_(None), _F.deleted_at.is_(None))


def _chunks(ids: Iterable[int], size: int = 500) -> Iterable[list[int]]:
    batch: list[int] = []
    for i in ids:
        batch.append(int(i))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def speed_of(kind: str | None, received: datetime | None, first_touch: datetime | None) -> int | None:
    """A lead's speed-to-lead in whole seconds, or None: never touched, or a kind of
    lead whose arrival nobody answers (a cold or list lead the rep found)."""
    if kind not in SPEED_TO_LEAD_KINDS or received is None or first_touch is None:
        return None
    return int((first_touch - received).total_seconds())


def recompute(
    target: Session | Connection,
    *,
    lead_ids: Iterable[int] = (),
    account_ids: Iterable[int] = (),
    opportunity_ids: Iterable[int] = (),
) -> None:
    conn = target.connection() if isinstance(target, Session) else target
    lead_t = table_of(Lead)
    lc = lead_t.c
    for batch in _chunks({i for i in lead_ids if i is not None}):
        first = select(func.min(_A.at)).where(_touch(_A.lead_id, lc.id)).scalar_subquery()
        last = select(func.max(_A.at)).where(_touch(_A.lead_id, lc.id)).scalar_subquery()
        nxt = select(func.min(_F.due_at)).where(_open_followup(_F.lead_id, lc.id)).scalar_subquery()
        # The updated rows come back with what speed-to-lead needs (one round trip less
        # on a team server, where each costs a few milliseconds of the 20 ms save).
        rows = conn.execute(
            update(lead_t)
            .where(lc.id.in_(batch))
            .values(first_touch_at=first, last_touch_at=last, next_followup_at=nxt)
            .returning(lc.id, lc.kind, lc.received_at, lc.first_touch_at, lc.speed_to_lead_s)
        ).all()
        # Speed-to-lead computed in Python for portability of date arithmetic (a few
        # hundred rows at most per call), written only where it changed.
        changed = []
        for lead_id, kind, received, first_at, stored in rows:
            speed = speed_of(kind, received, first_at)
            if speed != stored:
                changed.append({"lead": lead_id, "speed": speed})
        if changed:
            conn.execute(
                update(lead_t).where(lc.id == bindparam("lead")).values(speed_to_lead_s=bindparam("speed")),
                changed,
            )
    acc_t = table_of(Account)
    ac = acc_t.c
    for batch in _chunks({i for i in account_ids if i is not None}):
        last = select(func.max(_A.at)).where(_touch(_A.account_id, ac.id)).scalar_subquery()
        nxt = select(func.min(_F.due_at)).where(_open_followup(_F.account_id, ac.id)).scalar_subquery()
        conn.execute(update(acc_t).where(ac.id.in_(batch)).values(last_touch_at=last, next_followup_at=nxt))
    opp_t = table_of(Opportunity)
    oc = opp_t.c
    for batch in _chunks({i for i in opportunity_ids if i is not None}):
        last = select(func.max(_A.at)).where(_touch(_A.opportunity_id, oc.id)).scalar_subquery()
        conn.execute(update(opp_t).where(oc.id.in_(batch)).values(last_touch_at=last))
