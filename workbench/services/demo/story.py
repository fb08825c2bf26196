"""One rep's year — the small demo: target accounts with ICP research and contacts,
leads from real-looking campaigns, and their outcomes.

The story is built in plain Python rows (see :class:`~workbench.services.demo.base.Rows`)
and written in one go; :mod:`.story_pipeline` converts leads into opportunities and
:mod:`.story_outreach` adds the calls, emails, meetings and follow-ups behind it all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from workbench.domain.normalize import company_norm, email_domain
from workbench.services.demo import pools
from workbench.services.demo.base import DemoRandom, Reference, Rows
from workbench.services.demo.people import PeopleFactory, Person
from workbench.services.targets.icp_facts import Facts, judge, rule_of

TARGET_COUNT = 20
OTHER_ACCOUNTS = 60
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

#: How a target account's story goes; statuses are derived from what then happens.
PLAN_RESEARCHING, PLAN_PARKED, PLAN_CONTACTED, PLAN_ENGAGED = "researching", "parked", "contacted", "engaged"


@dataclass
class Campaign:
    name: str
    source: str
    start: datetime
    end: datetime


@dataclass
class Story:
    """Everything the story builders share."""

    rng: DemoRandom
    anchor: datetime
    ref: Reference
    rows: Rows
    people: PeopleFactory
    targets: list[dict[str, Any]] = field(default_factory=list)
    others: list[dict[str, Any]] = field(default_factory=list)
    contacts: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    leads: list[dict[str, Any]] = field(default_factory=list)
    plans: dict[int, str] = field(default_factory=dict)
    company_names: set[str] = field(default_factory=set)
    campaigns: dict[str, Campaign] = field(default_factory=dict)
    #: Activities in time order per lead, per target account and per opportunity.
    lead_threads: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    account_threads: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    deal_threads: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    #: When a target account first heard back (a connected call, a reply, a meeting).
    first_positive: dict[int, datetime] = field(default_factory=dict)
    parked_at: dict[int, datetime] = field(default_factory=dict)

    @property
    def year_ago(self) -> datetime:
        return self.anchor - timedelta(days=365)

    def account(self, account_id: int) -> dict[str, Any]:
        return next(a for a in (*self.targets, *self.others) if a["id"] == account_id)


# --- accounts ---------------------------------------------------------------------------
def new_account(
    story: Story, *, target: bool, created: datetime, name: str = "", domain: str = ""
) -> dict[str, Any]:
    rng, people = story.rng, story.people
    name = name or people.company_name(story.company_names)
    domain = domain or people.domain_for(name)
    region = people.region()
    return story.rows.add(
        "account",
        uuid=rng.uuid(),
        created_at=created,
        updated_at=created,
        name=name,
        name_norm=company_norm(name),
        domain=domain,
        website=f"https://www.{domain}",
        industry=rng.choice(pools.INDUSTRIES),
        employees=rng.choice((40, 120, 350, 800, 1500, 2400, 4200, 9000, 25000)) + rng.randint(0, 30),
        region=region,
        is_target=target,
    )


def _fill_template(story: Story, template: str, account: dict[str, Any]) -> str:
    rng = story.rng
    return template.format(
        employees=f"{account['employees']:,}",
        region=account["region"],
        openings=rng.randint(3, 12),
        series=rng.choice("BCD"),
        month=rng.choice(MONTHS),
        quarter=rng.randint(1, 4),
    )


def make_accounts(story: Story) -> None:
    rng = story.rng
    tiers = ["A"] * 6 + ["B"] * 8 + ["C"] * 6
    rng.shuffle(tiers)
    plans = [PLAN_RESEARCHING] * 3 + [PLAN_PARKED] * 2 + [PLAN_CONTACTED] * 5 + [PLAN_ENGAGED] * 10
    rng.shuffle(plans)
    for tier, plan in zip(tiers, plans, strict=True):
        since = rng.work_moment(story.anchor - timedelta(days=340), story.anchor - timedelta(days=25))
        if plan == PLAN_RESEARCHING:
            since = rng.work_moment(story.anchor - timedelta(days=40), story.anchor - timedelta(days=2))
        created = since - timedelta(days=rng.choice((0, 0, 0, rng.randint(5, 120))))
        account = new_account(story, target=True, created=created)
        if tier == "A":
            account["employees"] = rng.randint(600, 4800)
        account.update(tier=tier, target_since=since)
        _icp_checks(story, account, tier)
        why_them = rng.choice(pools.WHY_THEM)
        why_now = _fill_template(story, rng.choice(pools.WHY_NOW), account)
        account["pain_hypothesis"] = why_them if plan == PLAN_RESEARCHING else f"{why_them} {why_now}"
        if rng.chance(0.4):
            account["notes"] = rng.choice(
                (
                    "Met their RevOps lead at a meetup; friendly.",
                    "Competitor's logo on their careers page.",
                    "Annual kickoff in January — avoid that week.",
                    "Prefers email over calls.",
                )
            )
        story.targets.append(account)
        story.plans[account["id"]] = plan
    for _ in range(OTHER_ACCOUNTS):
        created = rng.work_moment(story.anchor - timedelta(days=420), story.anchor - timedelta(days=3))
        story.others.append(new_account(story, target=False, created=created))


def _icp_checks(story: Story, account: dict[str, Any], tier: str) -> None:
    rng = story.rng
    odds = {"A": (0.8, 0.05), "B": (0.6, 0.15), "C": (0.4, 0.3)}[tier]
    met_weight = 0.0
    total = sum(c.weight for c in story.ref.criteria) or 1.0
    facts = Facts(
        account.get("employees"), str(account.get("industry") or ""), str(account.get("region") or "")
    )
    for criterion in story.ref.criteria:
        x = rng.random()
        state = "met" if x < odds[0] else "not met" if x < odds[0] + odds[1] else "unknown"
        judged = judge(rule_of(criterion.name), facts)
        if judged is not None:
            # What the account's facts answer, the rep's mark agrees with (or is left to them).
            counts = judged.state.value
            state = counts if state != "unknown" else "unknown"
        else:
            counts = state
        if counts == "met" and state == "unknown":
            met_weight += criterion.weight
        evidence = ""
        if state == "met":
            met_weight += criterion.weight
            notes = pools.EVIDENCE_MET[criterion.position % len(pools.EVIDENCE_MET)]
            evidence = _fill_template(story, rng.choice(notes), account)
        elif state == "not met":
            evidence = _fill_template(story, rng.choice(pools.EVIDENCE_NOT_MET), account)
        story.rows.add(
            "account_check",
            account_id=account["id"],
            criterion_id=criterion.id,
            state=state,
            evidence=evidence,
            updated_at=rng.moment(account["target_since"], account["target_since"] + timedelta(days=10)),
        )
    account["fit_score"] = round(100.0 * met_weight / total, 1)


# --- contacts ---------------------------------------------------------------------------
ROLE_ORDER = ("decision maker", "champion", "influencer", "user", "gatekeeper")


def make_contacts(story: Story) -> None:
    rng = story.rng
    for account in story.targets:
        plan = story.plans[account["id"]]
        count = rng.randint(1, 2) if plan == PLAN_RESEARCHING else rng.randint(2, 5)
        roles = list(ROLE_ORDER[:2]) + rng.sample(ROLE_ORDER[2:], 3)
        if rng.chance(0.3):
            roles[1] = "unknown"
        for role in roles[:count]:
            person = story.people.person(account["region"])
            add_contact(
                story, account, person, role, rng.choice(pools.ROLE_TITLES[role]), account["target_since"]
            )


def add_contact(
    story: Story,
    account: dict[str, Any],
    person: Person,
    role: str,
    title: str,
    created: datetime,
    *,
    email: str | None = None,
    phone: tuple[str, str] | None = None,
    origin_lead_id: int | None = None,
) -> dict[str, Any]:
    rng, people = story.rng, story.people
    email = email if email is not None else people.email(person, account["domain"])
    typed, e164 = phone if phone is not None else people.phone(account["region"])
    contact = story.rows.add(
        "contact",
        uuid=rng.uuid(),
        created_at=created,
        updated_at=created,
        account_id=account["id"],
        first_name=person.first,
        last_name=person.last,
        name=person.name,
        title=title,
        buying_role=role,
        email=email,
        email_norm=email.casefold(),
        phone=typed,
        phone_e164=e164,
        linkedin_url=people.linkedin(person) if rng.chance(0.8) else "",
        origin_lead_id=origin_lead_id,
    )
    story.contacts.setdefault(account["id"], []).append(contact)
    return contact


# --- campaigns and leads ----------------------------------------------------------------
def make_campaigns(story: Story) -> None:
    rng, anchor = story.rng, story.anchor
    windows = {
        "Webinar: Pipeline Hygiene 101 ({mon})": (270, 2),
        "Webinar: Forecasting Without Guesswork ({mon})": (75, 2),
        "SaaStr {year} booth scans": (190, 4),
        "Ebook: Cold Calling Playbook": (365, 365),
        "Report: State of Outbound {year}": (150, 150),
        "Website: demo request": (365, 365),
        "Intent list Q{quarter} {year}": (120, 6),
        "Customer referral program": (300, 300),
    }
    for source, template in pools.CAMPAIGNS:
        days_ago, length = windows[template]
        start = anchor - timedelta(days=days_ago + rng.randint(-5, 5))
        start = start.replace(hour=15, minute=0, second=0)
        end = min(start + timedelta(days=length), anchor - timedelta(hours=1))
        name = template.format(
            mon=MONTHS[start.month - 1], year=start.year, quarter=(start.month - 1) // 3 + 1
        )
        story.campaigns[template] = Campaign(name, source, start, end)


def _campaigns_for(story: Story, source: str) -> list[Campaign]:
    return [c for c in story.campaigns.values() if c.source == source]


INBOUND_SOURCES = (("web form", 30.0), ("content download", 25.0), ("webinar", 25.0), ("trade show", 15.0))


def make_leads(story: Story) -> None:
    rng = story.rng
    make_campaigns(story)
    count = rng.randint(380, 430)
    for _ in range(count):
        kind = rng.pick((("inbound", 65.0), ("target", 25.0), ("referral", 10.0)))
        _lead(story, kind)
    for first, last, company, domain in pools.ACCENTED_PEOPLE:
        person = Person(first, last)
        campaign = rng.choice(_campaigns_for(story, "webinar") + _campaigns_for(story, "trade show"))
        received = rng.work_moment(campaign.start, campaign.end)
        email = story.people.email(person, domain)
        _store_lead(story, "inbound", campaign.source, campaign.name, received, person, company, email, None)
    story.leads.sort(key=lambda lead: lead["received_at"])


def _lead(story: Story, kind: str) -> None:
    rng, people = story.rng, story.people
    # Researching and parked targets have not been worked: no leads point at them.
    worked = [a for a in story.targets if story.plans[a["id"]] in (PLAN_CONTACTED, PLAN_ENGAGED)]
    account: dict[str, Any] | None = None
    if kind == "target":
        source = rng.pick((("cold", 60.0), ("list", 40.0)))
        campaign = rng.choice(_campaigns_for(story, "list")) if source == "list" else None
        account = rng.choice(worked) if rng.chance(0.7) else rng.choice(story.others)
    elif kind == "referral":
        source = "referral"
        campaign = rng.choice(_campaigns_for(story, "referral")) if rng.chance(0.5) else None
        account = rng.choice(story.others) if rng.chance(0.5) else None
    else:
        source = rng.pick((*INBOUND_SOURCES, ("other", 5.0)))
        options = _campaigns_for(story, source)
        campaign = rng.choice(options) if options and (source != "web form" or rng.chance(0.5)) else None
        x = rng.random()
        if x < 0.35:
            account = rng.choice(story.others)
        elif x < 0.43:
            account = rng.choice(worked)
    if campaign is not None:
        received = rng.work_moment(campaign.start, campaign.end)
    else:
        received = rng.work_moment(story.year_ago, story.anchor - timedelta(minutes=20))
    if kind == "target" and campaign is None and account is not None and account.get("target_since"):
        received = rng.work_moment(account["target_since"], story.anchor - timedelta(minutes=20))
    region = account["region"] if account is not None else people.region()
    person = people.person(region)
    if account is not None:
        company, email = account["name"], people.email(person, account["domain"])
    elif rng.chance(0.12):
        company, email = (
            rng.choice(("Freelance", "University of Leeds", "TU München", "")),
            people.free_email(person),
        )
    else:
        company = people.company_name(story.company_names)
        email = people.email(person, people.domain_for(company))
    phone = people.phone(region) if rng.chance(0.75) else ("", "")
    _store_lead(
        story,
        kind,
        source,
        campaign.name if campaign else "",
        received,
        person,
        company,
        email,
        account,
        phone=phone,
    )


def _store_lead(
    story: Story,
    kind: str,
    source: str,
    campaign: str,
    received: datetime,
    person: Person,
    company: str,
    email: str,
    account: dict[str, Any] | None,
    *,
    phone: tuple[str, str] = ("", ""),
) -> None:
    rng = story.rng
    titles = pools.LEAD_TITLES
    if kind != "inbound" or source not in ("webinar", "content download") or company not in ("", "Freelance"):
        titles = tuple(t for t in titles if t[0] not in ("Student", "Intern"))
    title = "Student" if company.startswith(("University", "TU ")) else rng.pick(titles)
    lead = story.rows.add(
        "lead",
        uuid=rng.uuid(),
        created_at=received,
        updated_at=received,
        first_name=person.first,
        last_name=person.last,
        name=person.name,
        company=company,
        company_norm=company_norm(company),
        title=title,
        email=email,
        email_norm=email.casefold(),
        email_domain=email_domain(email),
        phone=phone[0],
        phone_e164=phone[1],
        kind=kind,
        source=source,
        campaign=campaign,
        received_at=received,
        account_id=account["id"] if account is not None else None,
        notes=rng.choice(pools.LEAD_NOTES) if rng.chance(0.1) else "",
    )
    story.leads.append(lead)


# --- statuses and qualification ---------------------------------------------------------
def _age_days(story: Story, lead: dict[str, Any]) -> float:
    return float((story.anchor - lead["received_at"]).total_seconds()) / 86400.0


def assign_statuses(story: Story, converted: int) -> None:
    """Decide what became of each lead; exactly ``converted`` of the older ones convert."""
    rng = story.rng
    weights = {"inbound": 1.0, "referral": 2.5, "target": 1.6}
    source_weights = {"web form": 1.6, "webinar": 0.7, "trade show": 0.9, "content download": 0.5}
    candidates = [
        lead
        for lead in story.leads
        if _age_days(story, lead) >= 25 and lead["title"] not in ("Student", "Intern")
    ]

    def key(lead: dict[str, Any]) -> float:
        w = weights[lead["kind"]] * source_weights.get(lead["source"], 1.0)
        return float(rng.random() ** (1.0 / w))

    candidates = [lead for lead in candidates if lead["company"] and lead["company"] != "Freelance"]
    candidates = [lead for lead in candidates if not lead["company"].startswith(("University", "TU "))]
    chosen = {id(lead) for lead in sorted(candidates, key=key, reverse=True)[:converted]}
    for lead in story.leads:
        age = _age_days(story, lead)
        if id(lead) in chosen:
            status = "converted"
        elif lead["title"] in ("Student", "Intern") and age > 2:
            status = "disqualified"
        elif age < 3:
            status = rng.pick((("new", 70.0), ("working", 30.0)))
        elif age < 14:
            status = rng.pick((("new", 15.0), ("working", 55.0), ("disqualified", 20.0), ("nurture", 10.0)))
        else:
            status = rng.pick(
                (
                    ("working", 12.0),
                    ("nurture", 17.0),
                    ("qualified", 6.0),
                    ("disqualified", 50.0),
                    ("new", 2.0),
                )
            )
        lead["status"] = status
        if status == "disqualified":
            reason = "student" if lead["title"] in ("Student", "Intern") else _disqualify_reason(story, lead)
            lead["disqualify_reason"] = reason
            lead["disqualify_note"] = rng.choice(pools.DISQUALIFY_NOTES[reason]) if rng.chance(0.7) else ""
        elif status == "nurture":
            if rng.chance(0.2):
                lead["nurture_until"] = story.anchor.date() - timedelta(days=rng.randint(1, 20))
            else:
                lead["nurture_until"] = story.anchor.date() + timedelta(days=rng.randint(7, 120))
        _qualification(story, lead)


def _disqualify_reason(story: Story, lead: dict[str, Any]) -> str:
    return str(
        story.rng.pick(
            (
                ("wrong market", 20.0),
                ("existing customer", 8.0 if lead["account_id"] else 2.0),
                ("duplicate", 8.0),
                ("no budget", 18.0),
                ("no response", 34.0),
                ("other", 6.0),
            )
        )
    )


ANSWER_ODDS: dict[str, dict[str, float]] = {
    "working": {"budget": 0.3, "authority": 0.4, "need": 0.5, "timeline": 0.3, "asked": 0.4},
    "nurture": {"budget": 0.5, "authority": 0.5, "need": 0.6, "timeline": 0.6, "asked": 0.3},
    "qualified": {"budget": 0.85, "authority": 0.9, "need": 1.0, "timeline": 0.8, "asked": 0.9},
    "converted": {"budget": 0.9, "authority": 0.95, "need": 1.0, "timeline": 0.9, "asked": 0.95},
    "disqualified": {"budget": 0.15, "authority": 0.2, "need": 0.25, "timeline": 0.1, "asked": 0.1},
}


def _qualification(story: Story, lead: dict[str, Any]) -> None:
    rng = story.rng
    odds = ANSWER_ODDS.get(lead["status"])
    if odds is None:
        return
    for key, known in odds.items():
        if not rng.chance(known):
            continue
        yes = 0.85 if lead["status"] in ("qualified", "converted") else 0.55
        if lead["status"] == "nurture" and key in ("budget", "timeline"):
            yes = 0.2
        if lead["status"] == "disqualified":
            yes = 0.3
            if lead.get("disqualify_reason") == "no budget" and key == "budget":
                yes = 0.0
        answer = "yes" if rng.chance(yes) else "no"
        lead[f"q_{key}"] = answer
        if answer == "yes" and rng.chance(0.6):
            lead[f"q_{key}_note"] = rng.choice(pools.QUALIFICATION_NOTES[key])
