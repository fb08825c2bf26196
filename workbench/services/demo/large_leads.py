"""A million leads simulated from arrival to outcome, one pass, rows streamed in chunks.

Each lead gets a kind, source and campaign of its month, a person and a company (an
account for most), a status that fits its age, the touches that status implies (the
activity total is steered to the wanted count), follow-ups done and open, and — for the
leads that converted — a contact, an opportunity with a stage history and the deal's
own activities. The lead's touch columns are filled from what was simulated, with the
definitions of ``services.touches`` (a test holds them equal).

This is the hot loop of the large demo: weighted choices are lookup tables, times are
integer seconds, and names are bound to locals.
"""

from __future__ import annotations

import math
from array import array
from typing import Any

from workbench.domain.enums import SPEED_TO_LEAD_KINDS
from workbench.services.demo import pools
from workbench.services.demo.base import lookup_table
from workbench.services.demo.large_buffers import Builder
from workbench.services.demo.story import ANSWER_ODDS
from workbench.services.demo.story_outreach import FIRST_TOUCH_HOURS

DAY = 86400
NEVER = 1 << 62
#: Touches a lead of each fate gets before the activity budget scales them.
BASE_TOUCHES = {
    "new": 0.0,
    "working": 2.0,
    "nurture": 2.0,
    "qualified": 3.0,
    "converted": 2.5,
    "no response": 4.0,
    "disqualified": 0.6,
}
ATTEMPTS = lookup_table(
    (
        (("call", "no answer", 1, ""), 28.0),
        (("call", "left voicemail", 1, "Left VM about their request."), 26.0),
        (("email", "", None, ""), 30.0),
        (("email", "", None, "Sent the case study."), 6.0),
        (("social", "", None, "Connected on LinkedIn."), 6.0),
        (("call", "connected", 9, "Short call; asked for info by email."), 8.0),
        (("email", "replied", None, "Replied: not now, maybe next quarter."), 5.0),
        (("call", "wrong person", 1, "Pointed me to their RevOps lead."), 1.5),
        (("email", "bounced", None, "Bounced."), 1.0),
    )
)
BOOKED = ("call", "meeting booked", 12, "Booked a discovery call.")
DEAL_MOVES = lookup_table(
    (
        (("meeting", "connected", 45, "Demo with the team leads."), 30.0),
        (("call", "connected", 15, "Went through the proposal."), 25.0),
        (("email", "replied", None, "Questions on pricing and rollout."), 25.0),
        (("call", "left voicemail", 1, ""), 10.0),
        (("email", "", None, "Sent the order form."), 10.0),
    )
)
STATUS_FRESH = lookup_table((("new", 70.0), ("working", 30.0)))
STATUS_WEEK = lookup_table((("new", 15.0), ("working", 55.0), ("disqualified", 20.0), ("nurture", 10.0)))
STATUS_MONTHS = lookup_table(
    (("working", 20.0), ("nurture", 18.0), ("qualified", 6.0), ("disqualified", 54.0), ("new", 2.0))
)
#: Leads older than two months have mostly been settled: a rep's open work is recent.
STATUS_OLD = lookup_table(
    (("working", 0.4), ("nurture", 20.0), ("qualified", 0.6), ("disqualified", 78.5), ("new", 0.5))
)
DISQUALIFY = lookup_table(
    (
        ("wrong market", 20.0),
        ("existing customer", 5.0),
        ("duplicate", 8.0),
        ("no budget", 18.0),
        ("no response", 34.0),
        ("other", 6.0),
    )
)
LOST = lookup_table(
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
#: (kind, source) of a lead.
ORIGINS = lookup_table(
    (
        (("inbound", "web form"), 65.0 * 0.30),
        (("inbound", "content download"), 65.0 * 0.25),
        (("inbound", "webinar"), 65.0 * 0.25),
        (("inbound", "trade show"), 65.0 * 0.15),
        (("inbound", "other"), 65.0 * 0.05),
        (("target", "cold"), 25.0 * 0.6),
        (("target", "list"), 25.0 * 0.4),
        (("referral", "referral"), 10.0),
    )
)
LINK_ODDS = {"inbound": 0.45, "target": 0.95, "referral": 0.6}
AREAS = ("212", "415", "512", "617", "312", "206", "303", "404", "646", "773")
DECIDERS = ("VP", "Head", "Chief", "Director")


def work_time(ts: int, r: Any) -> int:
    """A moment on a weekday between 08:00 and 18:00, on the day of ``ts`` or the next
    working day, never before ``ts``."""
    day = ts // DAY
    for _ in range(4):
        weekday = (day + 3) % 7  # 1970-01-01 was a Thursday
        if weekday >= 5:
            day += 7 - weekday
        moment = int(day * DAY + 28800 + int(r() * 36000))
        if moment >= ts:
            return moment
        day += 1
    return ts


class LeadSimulator:
    def __init__(self, builder: Builder) -> None:
        self.b = builder
        self.rng = builder.rng
        titles = pools.LEAD_TITLES
        self.titles = lookup_table(titles)
        self.adult_titles = lookup_table([t for t in titles if t[0] not in ("Student", "Intern")])
        self.profiles = {status: [self._profile(status) for _ in range(48)] for status in ANSWER_ODDS}
        self.profiles["new"] = [("unknown", "") * 5]
        self.disqualify_notes = {k: (*v, "") for k, v in pools.DISQUALIFY_NOTES.items()}
        self.follow_up_titles = [
            t.format(first="them", topic=topic) for t in pools.FOLLOW_UP_TITLES for topic in pools.TOPICS[:2]
        ]
        self.budget = 0
        rows = builder.buffers.rows
        self.add_activity = rows["activity"].append
        self.add_follow_up = rows["follow_up"].append
        self.add_lead = rows["lead"].append
        self.next_activity = builder.ids.next["activity"]
        self.next_follow_up = builder.ids.next["follow_up"]

    def _profile(self, status: str) -> tuple[str, ...]:
        """One lead's qualification answers and notes, drawn as the rep's year draws them."""
        rng = self.rng
        values: list[str] = []
        for key, known in ANSWER_ODDS[status].items():
            answer, note = "unknown", ""
            if rng.chance(known):
                yes = (
                    0.85
                    if status in ("qualified", "converted")
                    else 0.3
                    if status == "disqualified"
                    else 0.55
                )
                answer = "yes" if rng.chance(yes) else "no"
                if answer == "yes" and rng.chance(0.6):
                    note = rng.choice(pools.QUALIFICATION_NOTES[key])
            values += [answer, note]
        return tuple(values)

    # --- the pass ---------------------------------------------------------------------------
    def run(self) -> None:
        b = self.b
        n = b.want["lead"]
        if n <= 0:
            return
        rng = self.rng
        r = rng.random
        now = b.now
        span = b.size.years * 365 * DAY
        # Arrival times rise with the id (as rows are added in real life), denser lately.
        received = array("q", bytes(8 * n))
        for i in range(n):
            received[i] = now - 600 - int(span * (1.0 - (i + r()) / n) ** 1.3)
        cutoff = now - 25 * DAY
        eligible = [i for i in range(n) if received[i] <= cutoff]
        converted = set(rng.sample(eligible, min(b.want["opportunity"], len(eligible))))
        self.budget = b.want["activity"]
        base_sum = 0.0
        scale = 1.0
        first_id = b.ids.next["lead"]
        chunk = b.size.chunk
        b.progress(f"large demo: {n:,} leads, {self.budget:,} activities, {len(converted):,} opportunities")
        for i in range(n):
            if i and i % 1000 == 0:
                # Steer the touches per lead so the activity total lands on the wanted count.
                expected = (n - i) * base_sum / i
                scale = self.budget / expected if expected > 0 else 0.0
            base_sum += self.lead(first_id + i, received[i], i in converted, scale)
            if (i + 1) % chunk == 0:
                b.flush()
            if (i + 1) % 200_000 == 0:
                b.progress(f"large demo: {i + 1:,} / {n:,} leads")
        if self.budget > 0:  # the last few the steering missed: research notes (not touches)
            at = b.text.at(now - 3600)
            for _ in range(self.budget):
                self._activity(at, ("note", "", None, "Research notes."), first_id + n - 1, None, None, None)
        b.ids.next.update(lead=first_id + n, activity=self.next_activity, follow_up=self.next_follow_up)
        b.flush()

    def _activity(
        self,
        at: str,
        move: tuple[str, str, int | None, str],
        lead_id: int | None,
        contact_id: int | None,
        account_id: int | None,
        opportunity_id: int | None,
    ) -> int:
        activity_id = self.next_activity
        self.next_activity = activity_id + 1
        channel, outcome, duration, note = move
        self.add_activity(
            (
                activity_id,
                self.rng.uuid(),
                at,
                at,
                channel,
                outcome,
                at,
                duration,
                note,
                lead_id,
                contact_id,
                account_id,
                opportunity_id,
            )
        )
        self.budget -= 1
        return activity_id

    def _follow_up(
        self,
        created: str,
        due: int,
        done: str | None,
        links: tuple[int | None, int | None, int | None, int | None],
        activity_id: int | None,
        title: str = "",
    ) -> None:
        titles = self.follow_up_titles
        follow_up_id = self.next_follow_up
        self.next_follow_up = follow_up_id + 1
        self.add_follow_up(
            (
                follow_up_id,
                self.rng.uuid(),
                created,
                done or created,
                title or titles[int(self.rng.random() * len(titles))],
                self.b.text.at(due),
                done,
                *links,
                activity_id,
            )
        )

    def _due(self) -> int:
        """Overdue, due today or coming up — as a rep's list would have."""
        r, now = self.rng.random, self.b.now
        x = r()
        if x < 0.3:
            return now - 3600 - int(r() * 9 * DAY)
        if x < 0.5:
            return now + 3600 * (1 + int(r() * 8))
        return work_time(now + DAY * (1 + int(r() * 14)), r)

    def lead(self, lead_id: int, ts: int, converts: bool, scale: float) -> float:
        """Simulate one lead; returns its base touch count (for steering the budget)."""
        b, rng = self.b, self.rng
        r = rng.random
        text, now = b.text, b.now
        at = text.at
        age = now - ts
        kind, source = ORIGINS[int(r() * len(ORIGINS))]
        month = text.months[ts // DAY - text.first_day] - b.month0
        campaign = ""
        if source == "webinar":
            campaign = b.webinars[month]
        elif source == "trade show":
            campaign = b.shows[month]
        elif source == "content download":
            campaign = b.content[int(r() * len(b.content))]
        elif source == "list":
            campaign = b.lists[month]
        elif source == "web form" and r() < 0.5:
            campaign = "Website: demo request"
        elif source == "referral" and r() < 0.5:
            campaign = "Customer referral program"
        fi = int(r() * len(b.firsts))
        li = int(r() * len(b.lasts))
        first, last = b.firsts[fi], b.lasts[li]
        local = b.first_slugs[fi] + "." + b.last_slugs[li]
        account_id: int | None = None
        if converts or r() < LINK_ODDS[kind]:
            a = int(r() * len(b.acc_names))
            account_id = b.acc_first + a
            company, norm, domain = b.acc_names[a], b.acc_norms[a], b.acc_domains[a]
        elif kind == "inbound" and r() < 0.2:
            company = norm = ""
            domain = pools.FREE_MAIL[int(r() * len(pools.FREE_MAIL))]
            local = b.first_slugs[fi] + b.last_slugs[li] + str(10 + int(r() * 89))
        else:
            company, norm, domain = b.free_companies[int(r() * len(b.free_companies))]
        email = local + "@" + domain
        phone = e164 = ""
        if r() < 0.65:
            area = AREAS[int(r() * len(AREAS))]
            number = str(1000 + int(r() * 1000))
            phone = "+1 " + area + " 555 " + number
            e164 = "+1" + area + "555" + number
        titles = self.adult_titles if converts else self.titles
        title = titles[int(r() * len(titles))]

        reason = note = ""
        if converts:
            status = "converted"
        elif age > 2 * DAY and title in ("Student", "Intern"):
            status, reason = "disqualified", "student"
        else:
            if age < 3 * DAY:
                table = STATUS_FRESH
            elif age < 14 * DAY:
                table = STATUS_WEEK
            else:
                table = STATUS_MONTHS if age < 60 * DAY else STATUS_OLD
            status = table[int(r() * len(table))]
            if status == "disqualified":
                reason = DISQUALIFY[int(r() * len(DISQUALIFY))]
        if reason:
            notes = self.disqualify_notes[reason]
            note = notes[int(r() * len(notes))]
        base = BASE_TOUCHES["no response" if reason == "no response" else status]
        touches = int(base * scale + r()) if self.budget > 0 else 0
        if status in ("working", "qualified", "converted") and touches < 1:
            touches = 1
        touches = min(touches, self.budget)

        converted_at = 0
        end = now - 300
        if converts:
            converted_at = min(work_time(ts + DAY + int(r() * 20 * DAY), r), now - 5 * DAY)
            end = converted_at - 3600
        first_at = ts + int(3600 * FIRST_TOUCH_HOURS.get(source, 12.0) * math.exp(rng.gauss(0.0, 0.9)))
        first_at = work_time(first_at, r)
        if first_at > end:
            first_at = ts + int((end - ts) * r()) if end > ts else end
        first_touch = last_touch = 0
        next_due = NEVER
        links = (lead_id, None, account_id, None)
        t = first_at
        previous_id = previous_ts = 0
        previous_text = ""
        for j in range(touches):
            if t > end:
                break
            move = (
                BOOKED
                if j == touches - 1 and status in ("qualified", "converted")
                else ATTEMPTS[int(r() * len(ATTEMPTS))]
            )
            when = at(t)
            activity_id = self._activity(when, move, lead_id, None, account_id, None)
            if previous_id and r() < 0.15:  # the next step noted last time, done by this touch
                self._follow_up(previous_text, work_time(previous_ts + DAY, r), when, links, previous_id)
            previous_id, previous_ts, previous_text = activity_id, t, when
            if not first_touch:
                first_touch = t
            last_touch = t
            t = work_time(t + DAY * (1 + int(r() * 4)), r)

        changed = 0
        nurture = 0
        if status == "working":
            changed = first_touch or ts + 3600
        elif status == "converted":
            changed = converted_at
        elif status != "new":
            changed = min((last_touch or ts) + 300 + int(r() * 2 * DAY), now - 60)
        if status == "nurture":
            # Revisited and nurtured again: mostly ahead, a few due now.
            nurture = now - DAY * (1 + int(r() * 20)) if r() < 0.03 else now + DAY * (7 + int(r() * 170))
        profiles = self.profiles.get(status) or self.profiles["new"]
        profile = profiles[int(r() * len(profiles))]
        if (status == "working" and r() < 0.6) or (status == "qualified" and r() < 0.8):
            next_due = self._due()
            self._follow_up(at(last_touch or ts), next_due, None, links, previous_id or None)
        elif status == "nurture" and r() < 0.3:
            next_due = nurture // DAY * DAY + 34200  # 09:30 on the day nurture ends
            self._follow_up(at(changed or ts), next_due, None, links, None, "Revisit: nurture ends")

        contact_id = opportunity_id = None
        if converts:
            assert account_id is not None
            contact_id, opportunity_id, deal_last, deal_due = self._deal(
                lead_id,
                ts,
                converted_at,
                kind,
                source,
                campaign,
                account_id,
                company,
                title,
                scale,
                (first, last, email, phone, e164),
            )
            last_touch = max(last_touch, deal_last)
            next_due = min(next_due, deal_due)
        received = at(ts)
        changed_text = at(changed) if changed else None
        self.add_lead(
            (
                lead_id,
                rng.uuid(),
                received,
                changed_text or received,
                first,
                last,
                first + " " + last,
                company,
                norm,
                title,
                email,
                email,
                domain,
                phone,
                e164,
                kind,
                source,
                campaign,
                received,
                status,
                changed_text,
                reason,
                note,
                text.date(nurture) if nurture else None,
                *profile,
                account_id,
                contact_id,
                opportunity_id,
                at(first_touch) if first_touch else None,
                at(last_touch) if last_touch else None,
                at(next_due) if next_due != NEVER else None,
                first_touch - ts if first_touch and kind in SPEED_TO_LEAD_KINDS else None,
            )
        )
        return base

    def _deal(
        self,
        lead_id: int,
        received: int,
        converted_at: int,
        kind: str,
        source: str,
        campaign: str,
        account_id: int,
        company: str,
        title: str,
        scale: float,
        person: tuple[str, str, str, str, str],
    ) -> tuple[int, int, int, int]:
        """Contact, opportunity, stage history and the deal's activities for a converted
        lead; returns (contact id, opportunity id, last touch, open follow-up due)."""
        b, rng = self.b, self.rng
        r = rng.random
        at, now, ref = b.text.at, b.now, b.ref
        when = at(converted_at)
        first, last, email, phone, e164 = person
        contact_id = b.ids.take("contact")
        role = "decision maker" if any(w in title for w in DECIDERS) else "champion"
        b.buffers.add(
            "contact",
            (
                contact_id,
                rng.uuid(),
                when,
                when,
                account_id,
                first,
                last,
                first + " " + last,
                title,
                role,
                email,
                email,
                phone,
                e164,
                "",
                lead_id,
            ),
        )
        open_stages = ref.open_stages
        if r() < min(0.85, (now - converted_at) / DAY / 200):
            final = ref.stage("won") if r() < 0.45 else ref.stage("lost")
        else:
            final = open_stages[int(r() * len(open_stages))]
        if final.kind == "open":
            path = open_stages[: open_stages.index(final) + 1]
        elif final.kind == "won":
            path = [*open_stages, final]
        else:
            path = [*open_stages[: 1 + int(r() * r() * len(open_stages))], final]
        steps = [4 + r() * 20 for _ in path[1:]]
        room = (now - 7200 - converted_at) / DAY
        factor = min(1.0, room * 0.95 / sum(steps)) if steps else 1.0
        times = [converted_at]
        for days in steps:
            times.append(times[-1] + max(60, int(days * factor * DAY)))
        opportunity_id = b.ids.take("opportunity")
        previous = None
        for stage, t in zip(path, times, strict=True):
            b.buffers.add(
                "stage_change",
                (
                    b.ids.take("stage_change"),
                    rng.uuid(),
                    opportunity_id,
                    previous,
                    stage.id,
                    at(t),
                    "" if previous else "Converted from lead",
                ),
            )
            previous = stage.id
        entered = times[-1]
        seats = (5, 8, 10, 12, 15, 20, 25, 30, 40, 60)[int(r() * 10)]
        close_reason = close_note = next_step = ""
        closed: str | None = None
        next_due: str | None = None
        next_day = 0
        if final.kind == "open":
            slipped = r() < 0.15
            expected = b.text.date(
                now - DAY * (1 + int(r() * 20)) if slipped else now + DAY * (7 + int(r() * 90))
            )
            options = pools.NEXT_STEPS.get(final.name, ("Check in",))
            next_step = options[int(r() * len(options))]
            next_day = (now // DAY + int(r() * 18) - 4) * DAY
            next_due = b.text.date(next_day)
        else:
            expected = b.text.date(entered)
            closed = at(entered)
            if final.kind == "won":
                close_note = pools.WON_NOTES[int(r() * len(pools.WON_NOTES))]
            else:
                close_reason = LOST[int(r() * len(LOST))]
                close_note = pools.LOST_NOTES[close_reason][0]
        b.buffers.add(
            "opportunity",
            (
                opportunity_id,
                rng.uuid(),
                when,
                at(entered),
                f"{company} — {seats} seats",
                account_id,
                contact_id,
                float(seats * (900, 1200, 1500, 1800)[int(r() * 4)]),
                "USD",
                final.id,
                final.probability,
                expected,
                next_step,
                next_due,
                final.kind,
                close_reason,
                close_note,
                closed,
                lead_id,
                kind,
                source,
                campaign,
                at(received),
                at(entered),
            ),
        )
        stop = entered if final.kind != "open" else now - 3600
        t = work_time(converted_at + DAY, r)
        last_touch = 0
        last_activity = None
        links = (lead_id, contact_id, account_id, opportunity_id)
        for _ in range(max(1, int(2.0 * scale + r()))):
            if t > stop or self.budget <= 0:
                break
            last_activity = self._activity(at(t), DEAL_MOVES[int(r() * len(DEAL_MOVES))], *links)
            last_touch = t
            t = work_time(t + DAY * (2 + int(r() * 10)), r)
        due = NEVER
        if next_due is not None:
            due = next_day + 36000  # 10:00 on the next step's day
            self._follow_up(when, due, None, links, last_activity, next_step)
        return contact_id, opportunity_id, last_touch, due
