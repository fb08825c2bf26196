"""Opportunities of the rep's year: converted leads and deals opened on target accounts,
each with a stage history that walks the pipeline in order up to where it stands today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from workbench.services.demo import pools
from workbench.services.demo.base import Stage
from workbench.services.demo.people import Person
from workbench.services.demo.story import PLAN_ENGAGED, Story, add_contact, new_account

#: Deals opened straight from a target account (no lead behind them).
TARGET_DEALS = 10
#: Share of each stage among the deals; every stage gets at least one.
STAGE_SHARES = {
    "Discovery": 5,
    "Qualified": 5,
    "Solution": 4,
    "Proposal": 4,
    "Negotiation": 3,
    "Won": 10,
    "Lost": 9,
}


@dataclass
class Deal:
    row: dict[str, Any]
    account: dict[str, Any]
    contact: dict[str, Any]
    lead: dict[str, Any] | None
    path: list[tuple[Stage, datetime]]

    @property
    def created(self) -> datetime:
        return self.path[0][1]

    @property
    def closed(self) -> bool:
        return self.path[-1][0].kind != "open"


def _role_for(title: str) -> str:
    if any(w in title for w in ("VP", "Head", "Chief", "Director", "Founder", "COO")):
        return "decision maker"
    if any(w in title for w in ("Manager", "Lead")):
        return "champion"
    return "influencer"


def _stage_plan(story: Story, count: int) -> list[Stage]:
    """``count`` stages: each stage once, the rest in the proportions of STAGE_SHARES."""
    by_name = {s.name: s for s in story.ref.stages}
    plan = list(story.ref.stages)  # includes stages a rep added to the defaults
    pool = [by_name[name] for name, share in STAGE_SHARES.items() if name in by_name for _ in range(share)]
    story.rng.shuffle(pool)
    while len(plan) < count:
        plan.extend(pool)
    return plan[:count]


def make_deals(story: Story) -> list[Deal]:
    """Convert the leads marked converted and open deals on engaged target accounts."""
    rng, anchor = story.rng, story.anchor
    starts: list[tuple[datetime, dict[str, Any], dict[str, Any], dict[str, Any] | None]] = []
    for lead in story.leads:
        if lead["status"] != "converted":
            continue
        latest = min(lead["received_at"] + timedelta(days=30), anchor - timedelta(days=10))
        converted_at = rng.work_moment(lead["received_at"] + timedelta(days=1), latest)
        if lead["account_id"] is None:
            account = new_account(
                story, target=False, created=converted_at, name=lead["company"], domain=lead["email_domain"]
            )
            story.others.append(account)
        else:
            account = story.account(lead["account_id"])
        contact = add_contact(
            story,
            account,
            Person(lead["first_name"], lead["last_name"]),
            _role_for(lead["title"]),
            lead["title"],
            converted_at,
            email=lead["email"],
            phone=(lead["phone"], lead["phone_e164"]),
            origin_lead_id=lead["id"],
        )
        lead.update(account_id=account["id"], contact_id=contact["id"], status_changed_at=converted_at)
        starts.append((converted_at, account, contact, lead))
    engaged = [
        a for a in story.targets if story.plans[a["id"]] == PLAN_ENGAGED and a["id"] in story.first_positive
    ]
    chosen = rng.sample(engaged, min(len(engaged), TARGET_DEALS - 2))
    chosen += rng.sample(chosen, min(2, len(chosen)))
    for account in chosen:
        earliest = story.first_positive[account["id"]] + timedelta(days=2)
        created = rng.work_moment(earliest, max(earliest, anchor - timedelta(days=7)))
        team = story.contacts.get(account["id"], [])
        contact = next((c for c in team if c["buying_role"] == "decision maker"), team[0])
        starts.append((created, account, contact, None))

    # Older deals are more likely closed, and further along when still open.
    plan = _stage_plan(story, len(starts))
    closed = [s for s in plan if s.kind != "open"]
    rng.shuffle(closed)
    still_open = sorted((s for s in plan if s.kind == "open"), key=lambda s: -s.position)
    # Noise wide enough that some younger deals are closed too (won or lost this month).
    order = sorted(starts, key=lambda s: s[0] + timedelta(days=rng.uniform(-90, 90)))
    deals: list[Deal] = []
    # A few deals closed lately, so "won this month" and a fresh loss show on the board.
    recent = set(rng.sample(range(len(closed)), min(3, len(closed))))
    for number, ((opened, where, who, origin), stage) in enumerate(
        zip(order, closed + still_open, strict=False)
    ):
        finish = None
        if number in recent and opened < anchor - timedelta(days=30):
            finish = rng.work_moment(anchor - timedelta(days=25), anchor - timedelta(days=1))
        deals.append(_deal(story, where, who, origin, _history(story, opened, stage, finish)))
    return deals


def _history(
    story: Story, created: datetime, final: Stage, finish: datetime | None = None
) -> list[tuple[Stage, datetime]]:
    """Stage moves from Discovery at ``created`` to ``final``, a few working days to a few
    weeks apart, all before "now" (the last one at about ``finish`` when given)."""
    rng = story.rng
    open_stages = story.ref.open_stages
    if final.kind == "open":
        names = [s for s in open_stages if s.position <= final.position]
    elif final.kind == "won":
        names = [*open_stages, final]
    else:
        reached = min(len(open_stages), 1 + int(rng.triangular(0, len(open_stages), 1)))
        names = [*open_stages[:reached], final]
    steps = [rng.uniform(4, 24) for _ in names[1:]]
    room = ((finish or story.anchor - timedelta(hours=2)) - created).total_seconds() / 86400
    scale = min(1.0, room * 0.95 / sum(steps)) if steps else 1.0
    if finish is not None and steps:
        scale = room * 0.98 / sum(steps)
    path = [(names[0], created)]
    at = created
    latest = story.anchor - timedelta(hours=1)
    for stage, days in zip(names[1:], steps, strict=True):
        raw = at + timedelta(seconds=int(days * scale * 86400))
        # Stage moves happen in working hours, in order, and never after "now".
        at = max(at + timedelta(minutes=1), min(rng.work_moment(raw, raw + timedelta(hours=16)), latest))
        path.append((stage, at))
    return path


def _deal(
    story: Story,
    account: dict[str, Any],
    contact: dict[str, Any],
    lead: dict[str, Any] | None,
    path: list[tuple[Stage, datetime]],
) -> Deal:
    rng, anchor = story.rng, story.anchor
    stage, entered = path[-1]
    created = path[0][1]
    seats = rng.choice((5, 8, 10, 12, 15, 20, 25, 30, 40, 60))
    outcome = stage.kind
    row = story.rows.add(
        "opportunity",
        uuid=rng.uuid(),
        created_at=created,
        updated_at=entered,
        name=f"{account['name']} — {seats} seats",
        account_id=account["id"],
        contact_id=contact["id"],
        amount=float(seats * rng.choice((900, 1200, 1500, 1800))),
        currency="USD",
        stage_id=stage.id,
        probability=stage.probability,
        outcome=outcome,
        stage_entered_at=entered,
        origin_lead_id=lead["id"] if lead else None,
        kind=lead["kind"] if lead else "target",
        source=lead["source"] if lead else "cold",
        campaign=lead["campaign"] if lead else "",
        lead_received_at=lead["received_at"] if lead else None,
    )
    if outcome == "open":
        slipped = rng.chance(0.15)
        days = -rng.randint(1, 20) if slipped else rng.randint(7, 100)
        row["expected_close"] = (anchor + timedelta(days=days)).date()
        row["next_step"] = rng.choice(pools.NEXT_STEPS.get(stage.name, ("Check in",)))
        row["next_step_due"] = (anchor + timedelta(days=rng.randint(-4, 14))).date()
    else:
        row["closed_at"] = entered
        row["expected_close"] = entered.date()
        if outcome == "won":
            row["close_note"] = rng.choice(pools.WON_NOTES)
        else:
            reason = rng.pick(
                (
                    ("price", 15.0),
                    ("competitor", 20.0),
                    ("no budget", 12.0),
                    ("no decision", 18.0),
                    ("timing", 10.0),
                    ("went silent", 15.0),
                    ("poor fit", 6.0),
                    ("other", 4.0),
                )
            )
            row["close_reason"] = reason
            row["close_note"] = rng.choice(pools.LOST_NOTES[reason])
    previous: Stage | None = None
    for step, at in path:
        story.rows.add(
            "stage_change",
            uuid=rng.uuid(),
            opportunity_id=row["id"],
            from_stage_id=previous.id if previous else None,
            to_stage_id=step.id,
            at=at,
            note=("Converted from lead" if lead else "Opened on target account") if previous is None else "",
        )
        previous = step
    if lead is not None:
        lead["opportunity_id"] = row["id"]
    return Deal(row, account, contact, lead, path)
