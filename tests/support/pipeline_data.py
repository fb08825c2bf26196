"""A small hand-built workbench whose pipeline-file numbers are written down below.

"Now" is Monday 2026-03-02 09:00 UTC; the default period is the 90 days before it
(2025-12-02 … 2026-03-02).

Leads (speed to lead in hours; → opportunity):
  L1 inbound  web form  2 h  → O1 open, Proposal (60 %), 10,000, stale
  L2 inbound  webinar   4 h  → O2 won 5,000, closed 5 days ago (in the period)
  L3 target   list     10 h  → O3 lost 8,000, closed 100 days ago (before the period)
  L4 referral referral  untouched
  L5 inbound  web form  1 h  disqualified
  O4 target, on the target account Acme, no lead: open, Discovery, 2,000 at 50 % (own probability)

So: open pipeline Discovery 1 / 2,000 / 1,000 and Proposal 1 / 10,000 / 6,000 (12,000 open,
7,000 weighted); won in the period 1 / 5,000; lost in the period 0; conversion by kind
inbound 3 → 2 → 1, target 1 → 1 → 0, referral 1 → 0 → 0; by source web form 2 → 1 → 0,
webinar 1 → 1 → 1, list 1 → 1 → 0, referral 1 → 0 → 0; speed-to-lead median 2.0 h
(1, 2, 4: inbound and referral leads only, the list lead L3 has no speed); one stale deal
(O1, 10,000); 7 activities in the period of which 6 touches,
by week (Mondays): 2026-01-26: 2, 2026-02-09: 1, 2026-02-16: 1, 2026-02-23: 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, select

from workbench.domain import (
    Account,
    Activity,
    Contact,
    FollowUp,
    Lead,
    Opportunity,
    PipelineStage,
    StageChange,
)
from workbench.services.outreach import touches
from workbench.services.settings import values as settings
from workbench.store import Workbench

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PERIOD_FROM = date(2025, 12, 2)

EXPECTED_STAGES = [("Discovery", 1, 2000.0, 1000.0), ("Proposal", 1, 10000.0, 6000.0)]
EXPECTED_BY_KIND = {"inbound": (3, 2, 1), "target": (1, 1, 0), "referral": (1, 0, 0)}
EXPECTED_BY_SOURCE = {"web form": (2, 1, 0), "webinar": (1, 1, 1), "list": (1, 1, 0), "referral": (1, 0, 0)}
EXPECTED_WEEKS = {date(2026, 1, 26): 2, date(2026, 2, 9): 1, date(2026, 2, 16): 1, date(2026, 2, 23): 2}


def days(n: float) -> timedelta:
    return timedelta(days=n)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


@dataclass
class Ids:
    leads: dict[str, int]
    opps: dict[str, int]
    opp_uuids: dict[str, str]
    accounts: dict[str, int]


def _stage(session: Session, name: str) -> PipelineStage:
    stage = session.exec(select(PipelineStage).where(PipelineStage.name == name)).one()
    return stage


def build(wb: Workbench, *, rep: str = "Dana Rep", extra_text: dict[str, str] | None = None) -> Ids:
    """Fill ``wb`` with the data above. ``extra_text`` overrides text fields of L1
    (``name``, ``company``…) for the formula-injection tests."""
    settings.write(wb, "profile.rep_name", rep)
    with wb.session() as s:
        acme = Account(
            name="Acme",
            domain="acme.example",
            is_target=True,
            tier="A",
            status="engaged",
            industry="Software",
            employees=800,
            fit_score=7.5,
            target_since=NOW - days(60),
            created_at=NOW - days(60),
            updated_at=NOW - days(60),
        )
        globex = Account(
            name="Globex",
            domain="globex.example",
            is_target=True,
            tier="B",
            created_at=NOW - days(60),
            updated_at=NOW - days(60),
        )
        initech = Account(name="Initech", created_at=NOW - days(60), updated_at=NOW - days(60))
        s.add_all([acme, globex, initech])
        s.flush()
        s.add(Contact(account_id=acme.id, name="Ada Acme", email="ada@acme.example"))

        def lead(key: str, kind: str, source: str, received: datetime, status: str = "working") -> Lead:
            row = Lead(
                name=f"Lead {key}",
                company=f"Company {key}",
                email=f"{key.lower()}@example.com",
                kind=kind,
                source=source,
                received_at=received,
                status=status,
                created_at=received,
                updated_at=received,
                q_budget="yes",
                q_need="yes" if key == "L1" else "no",
            )
            s.add(row)
            return row

        leads = {
            "L1": lead("L1", "inbound", "web form", NOW - days(10), "converted"),
            "L2": lead("L2", "inbound", "webinar", NOW - days(20), "converted"),
            "L3": lead("L3", "target", "list", NOW - days(30), "converted"),
            "L4": lead("L4", "referral", "referral", NOW - days(3), "new"),
            "L5": lead("L5", "inbound", "web form", NOW - days(1), "disqualified"),
        }
        if extra_text:
            for key, value in extra_text.items():
                setattr(leads["L1"], key, value)
        s.flush()

        def opp(
            key: str,
            stage: str,
            amount: float,
            *,
            lead_key: str | None,
            kind: str,
            source: str,
            outcome: str = "open",
            closed: datetime | None = None,
            probability: float | None = None,
            entered: datetime,
            expected: date | None = None,
            account: Account | None = None,
        ) -> Opportunity:
            origin = leads[lead_key] if lead_key else None
            row = Opportunity(
                name=f"Deal {key}",
                amount=amount,
                stage_id=_stage(s, stage).id,
                outcome=outcome,
                closed_at=closed,
                probability=probability,
                kind=kind,
                source=source,
                origin_lead_id=origin.id if origin else None,
                lead_received_at=origin.received_at if origin else None,
                stage_entered_at=entered,
                expected_close=expected,
                account_id=(account.id if account else None),
                close_reason="price" if outcome == "lost" else "",
                created_at=entered - days(5),
                updated_at=entered,
            )
            s.add(row)
            s.flush()
            if origin is not None:
                origin.opportunity_id = row.id
                s.add(origin)
            s.add(StageChange(opportunity_id=row.id, to_stage_id=row.stage_id, at=entered))
            return row

        opps = {
            "O1": opp(
                "O1",
                "Proposal",
                10000,
                lead_key="L1",
                kind="inbound",
                source="web form",
                entered=NOW - days(40),
                expected=date(2026, 4, 1),
            ),
            "O2": opp(
                "O2",
                "Won",
                5000,
                lead_key="L2",
                kind="inbound",
                source="webinar",
                outcome="won",
                closed=NOW - days(5),
                entered=NOW - days(5),
            ),
            "O3": opp(
                "O3",
                "Lost",
                8000,
                lead_key="L3",
                kind="target",
                source="list",
                outcome="lost",
                closed=NOW - days(100),
                entered=NOW - days(100),
            ),
            "O4": opp(
                "O4",
                "Discovery",
                2000,
                lead_key=None,
                kind="target",
                source="",
                probability=0.5,
                entered=NOW - days(3),
                expected=date(2026, 5, 15),
                account=acme,
            ),
        }

        def act(
            at: datetime,
            channel: str,
            *,
            lead_key: str | None = None,
            opp_key: str | None = None,
            account: Account | None = None,
            outcome: str = "connected",
        ) -> None:
            s.add(
                Activity(
                    at=at,
                    channel=channel,
                    outcome=outcome,
                    lead_id=leads[lead_key].id if lead_key else None,
                    opportunity_id=opps[opp_key].id if opp_key else None,
                    account_id=account.id if account else None,
                    note=f"{channel} at {at:%Y-%m-%d}",
                    created_at=at,
                    updated_at=at,
                )
            )

        act(NOW - days(10) + hours(2), "call", lead_key="L1")
        act(NOW - days(20) + hours(4), "email", lead_key="L2", outcome="replied")
        act(NOW - days(30) + hours(10), "call", lead_key="L3")
        act(NOW - days(1) + hours(1), "email", lead_key="L5", outcome="replied")
        act(NOW - days(30), "meeting", opp_key="O1", account=acme)
        act(NOW - days(1), "call", opp_key="O4", account=acme)
        act(NOW - days(9), "note", lead_key="L1", outcome="")
        act(NOW - days(95), "call", account=globex)

        s.add(FollowUp(title="Call back L4", due_at=NOW - days(1), lead_id=leads["L4"].id))
        s.add(
            FollowUp(
                title="Send proposal",
                due_at=NOW - days(20),
                done_at=NOW - days(19),
                opportunity_id=opps["O1"].id,
            )
        )
        s.add(
            FollowUp(title="Old one", due_at=NOW - days(200), done_at=NOW - days(199), lead_id=leads["L3"].id)
        )
        s.flush()
        touches.recompute(
            s,
            lead_ids=[r.id for r in leads.values() if r.id is not None],
            account_ids=[a.id for a in (acme, globex, initech) if a.id is not None],
            opportunity_ids=[o.id for o in opps.values() if o.id is not None],
        )
        return Ids(
            leads={k: int(v.id or 0) for k, v in leads.items()},
            opps={k: int(v.id or 0) for k, v in opps.items()},
            opp_uuids={k: v.uuid for k, v in opps.items()},
            accounts={"Acme": int(acme.id or 0), "Globex": int(globex.id or 0)},
        )
