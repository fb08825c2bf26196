"""The work behind the rep's year: calls, emails, meetings and social touches on leads,
target accounts and deals; follow-ups done and open; the target accounts' history."""

from __future__ import annotations

import itertools
import math
from datetime import datetime, timedelta
from typing import Any

from workbench.services.demo import pools
from workbench.services.demo.story import (
    PLAN_CONTACTED,
    PLAN_ENGAGED,
    PLAN_PARKED,
    PLAN_RESEARCHING,
    Story,
)
from workbench.services.demo.story_pipeline import Deal

POSITIVE = ("connected", "replied", "meeting booked")
#: Median hours from "received" to the first touch, by source (speed-to-lead differs).
FIRST_TOUCH_HOURS = {
    "web form": 1.5,
    "content download": 20.0,
    "webinar": 30.0,
    "trade show": 70.0,
    "referral": 3.0,
    "cold": 2.0,
    "list": 8.0,
    "other": 24.0,
}
#: Channel and outcome of an ordinary attempt that did not get through.
ATTEMPTS = (
    (("call", "no answer"), 28.0),
    (("call", "left voicemail"), 26.0),
    (("email", ""), 32.0),
    (("social", ""), 8.0),
    (("call", "wrong person"), 2.0),
    (("email", "bounced"), 1.5),
)
CONVERSATIONS = (
    (("call", "connected"), 45.0),
    (("email", "replied"), 35.0),
    (("social", "replied"), 5.0),
    (("meeting", "connected"), 15.0),
)


def _note(story: Story, channel: str, outcome: str, first: str) -> str:
    rng = story.rng
    if channel == "call":
        options = pools.CALL_NOTES.get(outcome, ("",))
    elif channel == "email":
        options = pools.EMAIL_NOTES.get(outcome, pools.EMAIL_NOTES[""])
    elif channel == "meeting":
        options = pools.MEETING_NOTES
    elif channel == "social":
        options = pools.SOCIAL_NOTES
    else:
        options = ("Research: checked their careers page and latest funding news.",)
    if channel in ("call", "email") and outcome in ("no answer", "") and rng.chance(0.5):
        return ""
    return rng.choice(options).format(first=first, topic=rng.choice(pools.TOPICS), n=rng.randint(4, 25))


def _activity(
    story: Story,
    at: datetime,
    channel: str,
    outcome: str,
    first: str,
    *,
    lead_id: int | None = None,
    contact_id: int | None = None,
    account_id: int | None = None,
    opportunity_id: int | None = None,
) -> dict[str, Any]:
    rng = story.rng
    duration: int | None = None
    if channel == "call":
        duration = rng.randint(4, 28) if outcome in ("connected", "meeting booked") else 1
    elif channel == "meeting":
        duration = rng.choice((30, 30, 45, 60))
    return story.rows.add(
        "activity",
        uuid=rng.uuid(),
        created_at=at,
        updated_at=at,
        channel=channel,
        outcome=outcome,
        at=at,
        duration_min=duration,
        note=_note(story, channel, outcome, first),
        lead_id=lead_id,
        contact_id=contact_id,
        account_id=account_id,
        opportunity_id=opportunity_id,
    )


def _cadence(story: Story, start: datetime, end: datetime, count: int) -> list[datetime]:
    """Up to ``count`` work-time moments from ``start``, a few days apart, before ``end``."""
    rng = story.rng
    times: list[datetime] = []
    at = start
    while len(times) < count and at <= end:
        times.append(at)
        at = rng.work_moment(at + timedelta(days=1), at + timedelta(days=rng.choice((2, 3, 4, 6))))
    return times


# --- leads ------------------------------------------------------------------------------
def lead_outreach(story: Story, converted_at: dict[int, datetime]) -> None:
    rng, anchor = story.rng, story.anchor
    for lead in story.leads:
        status = lead["status"]
        if status == "new":
            continue
        hours = FIRST_TOUCH_HOURS.get(lead["source"], 12.0) * math.exp(rng.gauss(0.0, 0.9))
        first = lead["received_at"] + timedelta(seconds=int(hours * 3600))
        first = rng.work_moment(first, first + timedelta(hours=14))
        end = anchor - timedelta(minutes=5)
        count, final = 3, None
        reason = lead.get("disqualify_reason", "")
        if status == "working":
            count = rng.randint(1, 4)
        elif status == "nurture":
            count, final = rng.randint(2, 4), rng.choice(POSITIVE[:2])
            end = min(end, lead["received_at"] + timedelta(days=50))
        elif status == "qualified":
            count, final = rng.randint(3, 6), "meeting booked"
        elif status == "converted":
            end = converted_at[lead["id"]] - timedelta(hours=2)
            count, final = rng.randint(2, 5), "meeting booked"
        elif reason == "no response":
            count = rng.randint(3, 5)
        elif reason in ("student", "duplicate"):
            count = rng.randint(0, 1)
        elif reason == "no budget":
            count, final = rng.randint(2, 4), "connected"
        else:
            count, final = rng.randint(1, 2), "connected"
        first = min(first, end)
        times = _cadence(story, first, end, count) if count else []
        thread = story.lead_threads.setdefault(lead["id"], [])
        for i, at in enumerate(times):
            if i == len(times) - 1 and final is not None:
                channel, outcome = ("email", final) if final == "replied" else ("call", final)
            else:
                channel, outcome = rng.pick(ATTEMPTS)
            thread.append(
                _activity(
                    story,
                    at,
                    channel,
                    outcome,
                    lead["first_name"],
                    lead_id=lead["id"],
                    account_id=lead["account_id"],
                )
            )
        _settle_lead(story, lead, times)


def _settle_lead(story: Story, lead: dict[str, Any], times: list[datetime]) -> None:
    rng, status = story.rng, lead["status"]
    if status == "new" or status == "converted":
        lead["updated_at"] = lead.get("status_changed_at") or lead["received_at"]
        return
    if status == "working":
        changed = times[0] if times else lead["received_at"]
    elif times:
        changed = min(times[-1] + timedelta(minutes=rng.randint(5, 600)), story.anchor - timedelta(minutes=1))
    else:
        changed = lead["received_at"] + timedelta(minutes=rng.randint(30, 2880))
        changed = min(changed, story.anchor - timedelta(minutes=1))
    lead["status_changed_at"] = changed
    lead["updated_at"] = changed


# --- target accounts ----------------------------------------------------------------------
def target_outreach(story: Story) -> None:
    """Touches on the target accounts' buying teams, following each account's plan."""
    rng, anchor = story.rng, story.anchor
    for account in story.targets:
        plan = story.plans[account["id"]]
        team = story.contacts.get(account["id"], [])
        thread = story.account_threads.setdefault(account["id"], [])
        start = rng.work_moment(
            account["target_since"] + timedelta(days=1), account["target_since"] + timedelta(days=6)
        )
        if plan == PLAN_RESEARCHING or not team:
            thread.append(_activity(story, min(start, anchor), "note", "", "", account_id=account["id"]))
            continue
        count = {PLAN_PARKED: rng.randint(3, 7), PLAN_CONTACTED: rng.randint(4, 10)}.get(
            plan, rng.randint(10, 22)
        )
        span_end = anchor - timedelta(hours=1)
        if plan == PLAN_PARKED:
            span_end = min(span_end, start + timedelta(days=rng.randint(20, 60)))
        times = _spread(story, start, span_end, count)
        positive_at = len(times) // 4 if plan == PLAN_ENGAGED else -1
        for i, at in enumerate(times):
            contact = team[0] if rng.chance(0.45) else rng.choice(team)
            if i == positive_at:
                channel, outcome = rng.pick(CONVERSATIONS[:2])
            elif plan == PLAN_ENGAGED and i > positive_at and rng.chance(0.35):
                channel, outcome = rng.pick(CONVERSATIONS)
            else:
                channel, outcome = rng.pick(ATTEMPTS[:4])
            act = _activity(
                story,
                at,
                channel,
                outcome,
                contact["first_name"],
                contact_id=contact["id"],
                account_id=account["id"],
            )
            thread.append(act)
            if (outcome in POSITIVE or channel == "meeting") and account["id"] not in story.first_positive:
                story.first_positive[account["id"]] = at
        if plan == PLAN_PARKED:
            last = times[-1] if times else start
            story.parked_at[account["id"]] = rng.work_moment(
                last + timedelta(days=1), min(last + timedelta(days=10), anchor - timedelta(hours=1))
            )


def _spread(story: Story, start: datetime, end: datetime, count: int) -> list[datetime]:
    if end <= start:
        return [start]
    times = sorted(story.rng.work_moment(start, end) for _ in range(count))
    times[0] = start
    return times


# --- deals ------------------------------------------------------------------------------
def deal_outreach(story: Story, deals: list[Deal]) -> None:
    """Meetings and follow-up touches along each deal's stage history."""
    rng, anchor = story.rng, story.anchor
    for deal in deals:
        thread = story.deal_threads.setdefault(deal.row["id"], [])
        first = deal.contact["first_name"]
        marks = [at for _stage, at in deal.path]
        end = marks[-1] if deal.closed else anchor - timedelta(hours=1)
        recent = False
        if not deal.closed:
            # A quarter of the open deals have gone quiet (stale); the rest were touched lately.
            stale = rng.chance(0.25)
            end = marks[-1] + timedelta(days=rng.randint(1, 5)) if stale else end
            marks.append(min(end, anchor - timedelta(hours=1)))
            recent = not stale
        segments = list(zip(deal.path, marks[1:], strict=False))
        for number, ((stage, start), stop) in enumerate(segments):
            count = rng.randint(1, 2)
            for j in range(count):
                earliest = start + timedelta(hours=1)
                if recent and number == len(segments) - 1 and j == count - 1:
                    earliest = max(earliest, stop - timedelta(days=rng.randint(1, 10)))
                at = rng.work_moment(earliest, max(earliest, stop))
                at = min(at, anchor - timedelta(minutes=30))
                if j == 0 and stage.name in ("Discovery", "Solution", "Proposal", "Negotiation"):
                    channel, outcome = "meeting", "connected"
                else:
                    channel, outcome = rng.pick(CONVERSATIONS + ATTEMPTS[:3])
                thread.append(
                    _activity(
                        story,
                        at,
                        channel,
                        outcome,
                        first,
                        lead_id=deal.lead["id"] if deal.lead else None,
                        contact_id=deal.contact["id"],
                        account_id=deal.account["id"],
                        opportunity_id=deal.row["id"],
                    )
                )
        thread.sort(key=lambda a: a["at"])
        if deal.account["id"] in story.account_threads and deal.lead is None:
            story.account_threads[deal.account["id"]].extend(thread)


# --- follow-ups ---------------------------------------------------------------------------
def _due_soon(story: Story) -> datetime:
    """A due time that is overdue, due today or coming up, as a rep's list would have."""
    rng, anchor = story.rng, story.anchor
    kind = rng.pick((("overdue", 30.0), ("today", 22.0), ("later", 48.0)))
    if kind == "overdue":
        return rng.work_moment(anchor - timedelta(days=9), anchor - timedelta(hours=2))
    if kind == "today":
        return anchor + timedelta(hours=rng.randint(1, 8), minutes=rng.choice((0, 15, 30, 45)))
    return rng.work_moment(anchor + timedelta(days=1), anchor + timedelta(days=14))


def _title(story: Story, first: str) -> str:
    return story.rng.choice(pools.FOLLOW_UP_TITLES).format(first=first, topic=story.rng.choice(pools.TOPICS))


def _followup(story: Story, title: str, due: datetime, created: datetime, **links: Any) -> dict[str, Any]:
    return story.rows.add(
        "follow_up",
        uuid=story.rng.uuid(),
        created_at=created,
        updated_at=created,
        title=title,
        due_at=due.replace(microsecond=0),
        **links,
    )


def follow_ups(story: Story, deals: list[Deal]) -> None:
    rng, anchor = story.rng, story.anchor
    threads = [*story.lead_threads.values(), *story.account_threads.values(), *story.deal_threads.values()]
    for thread in threads:  # next steps that were done: the next touch happened
        for earlier, later in itertools.pairwise(thread):
            if earlier["channel"] == "note" or not rng.chance(0.25):
                continue
            due = rng.work_moment(earlier["at"] + timedelta(hours=20), earlier["at"] + timedelta(days=4))
            done = _followup(
                story,
                _title(story, _first_name(story, earlier)),
                due,
                earlier["at"],
                **_links(earlier),
                activity_id=earlier["id"],
            )
            done["done_at"] = later["at"]
            done["updated_at"] = later["at"]
    for lead in story.leads:
        thread = story.lead_threads.get(lead["id"], [])
        last = thread[-1] if thread else None
        created = last["at"] if last else lead["received_at"]
        links = {"lead_id": lead["id"], "account_id": lead["account_id"]}
        if lead["status"] in ("working", "qualified") and rng.chance(0.85):
            _followup(
                story,
                _title(story, lead["first_name"]),
                _due_soon(story),
                created,
                **links,
                activity_id=last["id"] if last else None,
            )
        elif lead["status"] == "nurture" and lead.get("nurture_until") and rng.chance(0.5):
            day = lead["nurture_until"]
            due = datetime(day.year, day.month, day.day, 9, 30, tzinfo=anchor.tzinfo)
            _followup(story, f"Revisit {lead['first_name']}: nurture ends", due, created, **links)
    for deal in deals:
        if deal.closed:
            continue
        day = deal.row["next_step_due"]
        due = datetime(day.year, day.month, day.day, rng.randint(9, 16), 0, tzinfo=anchor.tzinfo)
        thread = story.deal_threads.get(deal.row["id"], [])
        _followup(
            story,
            deal.row["next_step"],
            due,
            thread[-1]["at"] if thread else deal.created,
            opportunity_id=deal.row["id"],
            contact_id=deal.contact["id"],
            account_id=deal.account["id"],
            lead_id=deal.lead["id"] if deal.lead else None,
        )
    for account in story.targets:
        plan = story.plans[account["id"]]
        team = story.contacts.get(account["id"], [])
        if plan in (PLAN_CONTACTED, PLAN_ENGAGED) and team and rng.chance(0.8):
            thread = story.account_threads.get(account["id"], [])
            contact = rng.choice(team)
            _followup(
                story,
                _title(story, contact["first_name"]),
                _due_soon(story),
                thread[-1]["at"] if thread else account["target_since"],
                account_id=account["id"],
                contact_id=contact["id"],
            )


def _links(activity: dict[str, Any]) -> dict[str, Any]:
    keys = ("lead_id", "contact_id", "account_id", "opportunity_id")
    return {k: activity[k] for k in keys if activity.get(k) is not None}


def _first_name(story: Story, activity: dict[str, Any]) -> str:
    if activity.get("contact_id") is not None:
        for team in story.contacts.values():
            for contact in team:
                if contact["id"] == activity["contact_id"]:
                    return str(contact["first_name"])
    if activity.get("lead_id") is not None:
        lead = next((x for x in story.leads if x["id"] == activity["lead_id"]), None)
        if lead is not None:
            return str(lead["first_name"])
    return "them"


# --- target accounts' status and history ----------------------------------------------------
def settle_targets(story: Story, deals: list[Deal]) -> None:
    """Each target's status follows from what happened, with an event per change."""
    rng = story.rng
    for account in story.targets:
        account_id = account["id"]
        since = account["target_since"]
        criteria = [c.name for c in story.ref.criteria]
        reason = f"Tier {account['tier']}: fits the ICP ({rng.choice(criteria)})." if criteria else ""
        _event(story, account_id, since, "promoted", "", "target", reason)
        changes: list[tuple[datetime, str]] = []
        touches = [a for a in story.account_threads.get(account_id, []) if a["channel"] != "note"]
        if touches:
            changes.append((touches[0]["at"], "contacted"))
        if account_id in story.first_positive:
            changes.append((story.first_positive[account_id], "engaged"))
        live = [
            d
            for d in deals
            if d.account["id"] == account_id and d.lead is None and d.path[-1][0].kind != "lost"
        ]
        if live:
            changes.append((min(d.created for d in live), "opportunity"))
        if account_id in story.parked_at:
            changes.append((story.parked_at[account_id], "parked"))
        status = "researching"
        updated = account["updated_at"]
        for at, new in sorted(changes):
            _event(story, account_id, at, "status", status, new, "")
            status, updated = new, at
        account["status"] = status
        account["updated_at"] = max(updated, since)
        if status == "parked":
            account["park_reason"] = rng.choice(pools.PARK_REASONS).format(quarter=rng.randint(1, 4))
            story.rows.rows["account_event"][-1]["reason"] = account["park_reason"]


def _event(story: Story, account_id: int, at: datetime, what: str, old: str, new: str, reason: str) -> None:
    story.rows.add(
        "account_event",
        uuid=story.rng.uuid(),
        account_id=account_id,
        at=at,
        what=what,
        old=old,
        new=new,
        reason=reason,
    )
