"""What ends enrolments by itself — one call from each service where it happens:

* a touch logged with one of the sequence's stop outcomes (replied, meeting booked, not
  interested, bounced, wrong person by default) — :func:`after_touch`, from
  :func:`workbench.services.outreach.log.log_in`, which also completes the step the
  touch was logged for;
* a lead disqualified (triage) or converted (pipeline) — :func:`leads_ended`;
* its deal won or lost — :func:`opportunity_closed`.

The reason is kept on the enrolment and in its history.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import Connection, or_, select

from workbench.domain import Enrolment, Lead, Opportunity, OutreachSequence, StopReason, table_of
from workbench.domain.sequence_defaults import DEFAULT_STOP_OUTCOMES
from workbench.services.sequences import enrol
from workbench.services.sequences.templates import LIVE_STATES

E: Any = table_of(Enrolment).c
Q: Any = table_of(OutreachSequence).c


def _stop_list(raw: str | None) -> tuple[str, ...]:
    try:
        value = json.loads(raw or "null")
    except ValueError:
        value = None
    return tuple(str(v) for v in value) if isinstance(value, list) else DEFAULT_STOP_OUTCOMES


def after_touch(
    conn: Connection,
    *,
    activity_id: int,
    lead_id: int | None,
    contact_id: int | None,
    outcome: str,
    now: datetime,
    completes: int | None = None,
    tz: tzinfo | None = None,
) -> list[int]:
    """Complete the step ``completes`` (an enrolment id) with this touch, then stop the
    person's live enrolments whose sequence stops on ``outcome``; returns those stopped."""
    if completes is not None:
        enrol.advance(conn, completes, now=now, tz=tz, activity_id=activity_id)
    if not outcome or not (lead_id or contact_id):
        return []
    people = []
    if lead_id:
        people.append(E.lead_id == lead_id)
    if contact_id:
        people.append(E.contact_id == contact_id)
    rows = conn.execute(
        select(E.id, Q.stop_outcomes)
        .join_from(table_of(Enrolment), table_of(OutreachSequence), Q.id == E.sequence_id)
        .where(or_(*people), E.state.in_(LIVE_STATES), E.deleted_at.is_(None))
    ).all()
    stopping = [int(r.id) for r in rows if outcome in _stop_list(r.stop_outcomes)]
    enrol.stop_ids(conn, stopping, outcome, now)
    return stopping


def leads_ended(conn: Connection, lead_ids: Iterable[int], reason: StopReason, now: datetime) -> int:
    """Stop the live enrolments of leads that were disqualified or converted."""
    ids: list[int] = []
    for chunk in enrol._chunks(lead_ids):
        ids.extend(
            int(r[0])
            for r in conn.execute(
                select(E.id).where(E.lead_id.in_(chunk), E.state.in_(LIVE_STATES), E.deleted_at.is_(None))
            )
        )
    return len(enrol.stop_ids(conn, ids, reason, now))


def opportunity_closed(conn: Connection, opportunity_id: int, won: bool, now: datetime) -> int:
    """Stop the live enrolments of the people of a deal that was won or lost: its
    converted lead, its contact, and any lead linked to it."""
    o = table_of(Opportunity).c
    row = conn.execute(select(o.origin_lead_id, o.contact_id).where(o.id == opportunity_id)).first()
    if row is None:
        return 0
    ld = table_of(Lead).c
    lead_ids = {int(r[0]) for r in conn.execute(select(ld.id).where(ld.opportunity_id == opportunity_id))}
    if row.origin_lead_id is not None:
        lead_ids.add(int(row.origin_lead_id))
    people = [E.lead_id.in_(sorted(lead_ids))] if lead_ids else []
    if row.contact_id is not None:
        people.append(E.contact_id == row.contact_id)
    if not people:
        return 0
    ids = [
        int(r[0])
        for r in conn.execute(
            select(E.id).where(or_(*people), E.state.in_(LIVE_STATES), E.deleted_at.is_(None))
        )
    ]
    return len(enrol.stop_ids(conn, ids, StopReason.WON if won else StopReason.LOST, now))
