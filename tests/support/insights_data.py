"""A small hand-built workbench whose Insights numbers are worked out by hand in
``tests/unit/insights/test_insights*.py``.

"Now" is Wednesday 2026-04-01 12:00 UTC. T0 is Monday 2026-03-02 09:00 UTC.

Leads (received; kind, source, campaign, account; first touch after arrival):
  L1 T0      inbound  webinar   Spring  Software  30 min  → O1 won 30,000 (closed Mar 20)
  L2 T0+1d   inbound  webinar   Spring  Software  2 h     → O2 lost 8,000 (closed Mar 12)
  L3 T0+2d   inbound  webinar   —       —         3 h
  L4 T0+3d   target   cold      —       Retail    10 min  → O3 open, Discovery, 10,000, closes May 15
  L5 T0+4d   target   cold      —       Retail    never
  L6 T0+5d   referral referral  —       —         48 h
  L7 T0      inbound  web form  Spring  Software  in the trash (never counted)
  L8 Jan 10  inbound  webinar   Spring  —         5 min   (outside March)

Opportunities without a lead (target accounts): O4 entered Qualified Feb 1, lost Feb 10
(12,000); O6 entered Proposal Feb 20, open, 20,000 at its own 50 %, closes Apr 20,
touched Mar 28; O7 entered Qualified Feb 15, open, 5,000, no close date, never touched
(stale). O5 is in the trash.

Stage history (March): O1 Discovery Mar 3 → Qualified Mar 5 → Proposal Mar 10 → Won Mar 20;
O2 Discovery Mar 4 → Qualified Mar 6 → Discovery Mar 8 → Qualified Mar 9 → Lost Mar 12;
O3 Discovery Mar 6 (still there).

Activities: a1 L1 call connected T0+30m; a2 L1 email meeting booked T0+1d; a3 L2 call
no answer T0+1d+2h; a4 L2 call connected T0+2d; a5 L3 email T0+2d+3h; a6 L4 social
T0+3d+10m (a7, a note, T0+3d+5m, is not a touch); a8 L6 call left voicemail T0+7d;
a9 L8 call connected Jan 10 09:05; a10 a trashed call T0+1h.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from workbench.domain import (
    Account,
    Activity,
    Lead,
    Opportunity,
    PipelineStage,
    StageChange,
)
from workbench.services.outreach import touches
from workbench.store import Workbench

NOW = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def _stages(session: Session) -> dict[str, int]:
    rows = session.exec(select(PipelineStage)).all()
    return {row.name: int(row.id) for row in rows if row.id is not None}


def build(wb: Workbench) -> dict[str, int]:
    """Fill ``wb`` (a fresh workbench with the default stages); return the ids by name."""
    ids: dict[str, int] = {}
    with wb.session() as s:
        stage = _stages(s)
        software = Account(name="Softco", industry="Software")
        retail = Account(name="Shopco", industry="Retail")
        s.add_all([software, retail])
        s.flush()
        assert software.id is not None and retail.id is not None

        def lead(
            name: str, received: datetime, kind: str, source: str, campaign: str, account: int | None
        ) -> Lead:
            row = Lead(
                name=name,
                received_at=received,
                kind=kind,
                source=source,
                campaign=campaign,
                account_id=account,
            )
            s.add(row)
            s.flush()
            assert row.id is not None
            ids[name] = row.id
            return row

        l1 = lead("L1", T0, "inbound", "webinar", "Spring", software.id)
        l2 = lead("L2", T0 + timedelta(days=1), "inbound", "webinar", "Spring", software.id)
        l3 = lead("L3", T0 + timedelta(days=2), "inbound", "webinar", "", None)
        l4 = lead("L4", T0 + timedelta(days=3), "target", "cold", "", retail.id)
        lead("L5", T0 + timedelta(days=4), "target", "cold", "", retail.id)
        l6 = lead("L6", T0 + timedelta(days=5), "referral", "referral", "", None)
        l7 = lead("L7", T0, "inbound", "web form", "Spring", software.id)
        l7.deleted_at = T0 + timedelta(days=1)
        l8 = lead("L8", at(1, 10), "inbound", "webinar", "Spring", None)

        def opp(
            name: str,
            origin: Lead | None,
            stage_name: str,
            outcome: str,
            amount: float,
            *,
            closed: datetime | None = None,
            expected: date | None = None,
            probability: float | None = None,
            entered: datetime = T0,
            last_touch: datetime | None = None,
        ) -> Opportunity:
            row = Opportunity(
                name=name,
                stage_id=stage[stage_name],
                outcome=outcome,
                amount=amount,
                closed_at=closed,
                expected_close=expected,
                probability=probability,
                stage_entered_at=entered,
                last_touch_at=last_touch,
                origin_lead_id=origin.id if origin else None,
                kind=origin.kind if origin else "target",
                source=origin.source if origin else "",
                campaign=origin.campaign if origin else "",
                lead_received_at=origin.received_at if origin else None,
                account_id=origin.account_id if origin else None,
            )
            s.add(row)
            s.flush()
            assert row.id is not None
            ids[name] = row.id
            if origin is not None:
                origin.opportunity_id = row.id
                origin.status = "converted"
                s.add(origin)
            return row

        o1 = opp("O1", l1, "Won", "won", 30_000, closed=at(3, 20), entered=at(3, 20))
        o2 = opp("O2", l2, "Lost", "lost", 8_000, closed=at(3, 12), entered=at(3, 12))
        o3 = opp(
            "O3",
            l4,
            "Discovery",
            "open",
            10_000,
            expected=date(2026, 5, 15),
            entered=at(3, 6),
            last_touch=at(3, 30),
        )
        o4 = opp("O4", None, "Lost", "lost", 12_000, closed=at(2, 10), entered=at(2, 10))
        o5 = opp("O5", None, "Discovery", "open", 99_000, entered=at(3, 7))
        o5.deleted_at = at(3, 8)
        o6 = opp(
            "O6",
            None,
            "Proposal",
            "open",
            20_000,
            expected=date(2026, 4, 20),
            probability=0.5,
            entered=at(2, 20),
            last_touch=at(3, 28),
        )
        o7 = opp("O7", None, "Qualified", "open", 5_000, entered=at(2, 15))

        def moves(o: Opportunity, *steps: tuple[str, datetime]) -> None:
            previous: int | None = None
            for stage_name, when in steps:
                assert o.id is not None
                s.add(
                    StageChange(
                        opportunity_id=o.id, from_stage_id=previous, to_stage_id=stage[stage_name], at=when
                    )
                )
                previous = stage[stage_name]

        moves(
            o1, ("Discovery", at(3, 3)), ("Qualified", at(3, 5)), ("Proposal", at(3, 10)), ("Won", at(3, 20))
        )
        moves(
            o2,
            ("Discovery", at(3, 4)),
            ("Qualified", at(3, 6)),
            ("Discovery", at(3, 8)),
            ("Qualified", at(3, 9)),
            ("Lost", at(3, 12)),
        )
        moves(o3, ("Discovery", at(3, 6)))
        moves(o4, ("Qualified", at(2, 1)), ("Lost", at(2, 10)))
        moves(o5, ("Discovery", at(3, 7)))
        moves(o6, ("Proposal", at(2, 20)))
        moves(o7, ("Qualified", at(2, 15)))

        def act(lead_row: Lead, channel: str, outcome: str, when: datetime, *, trashed: bool = False) -> None:
            s.add(
                Activity(
                    channel=channel,
                    outcome=outcome,
                    at=when,
                    lead_id=lead_row.id,
                    deleted_at=when if trashed else None,
                )
            )

        act(l1, "call", "connected", T0 + timedelta(minutes=30))
        act(l1, "email", "meeting booked", T0 + timedelta(days=1))
        act(l2, "call", "no answer", T0 + timedelta(days=1, hours=2))
        act(l2, "call", "connected", T0 + timedelta(days=2))
        act(l3, "email", "", T0 + timedelta(days=2, hours=3))
        act(l4, "social", "", T0 + timedelta(days=3, minutes=10))
        act(l4, "note", "", T0 + timedelta(days=3, minutes=5))
        act(l6, "call", "left voicemail", T0 + timedelta(days=7))
        act(l8, "call", "connected", at(1, 10, 9, 5))
        act(l1, "call", "connected", T0 + timedelta(hours=1), trashed=True)
        s.flush()
        touches.recompute(s, lead_ids=list(ids[n] for n in ("L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8")))
    return ids


def by_stage(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Funnel or pipeline rows keyed by their stage's name."""
    return {row["stage"]: row for row in rows}
