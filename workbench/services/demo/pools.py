"""Words the demo workbench is made of: industries, titles, campaigns, notes a rep writes.

Plain data, no randomness here: the builders pick from these with a seeded RNG.
"""

from __future__ import annotations

INDUSTRIES: tuple[str, ...] = (
    "Software",
    "Logistics",
    "Manufacturing",
    "Financial services",
    "Healthcare",
    "Retail",
    "Telecommunications",
    "Professional services",
    "Education",
    "Energy",
    "Insurance",
    "Media",
)

REGIONS: tuple[str, ...] = (
    "North America",
    "DACH",
    "UK & Ireland",
    "Nordics",
    "Benelux",
    "France",
    "Iberia",
    "CEE",
)

COMPANY_WORDS: tuple[str, ...] = (
    "Analytics",
    "Systems",
    "Logistics",
    "Labs",
    "Health",
    "Foods",
    "Freight",
    "Robotics",
    "Capital",
    "Networks",
    "Energy",
    "Software",
    "Supply",
    "Media",
    "Cloud",
    "Partners",
    "Industries",
    "Learning",
    "Retail",
    "Security",
    "Dynamics",
    "Works",
    "Insurance",
    "Solutions",
)

#: More words for the large demo, which needs a hundred thousand distinct company names.
MORE_COMPANY_WORDS: tuple[str, ...] = (
    "Technologies",
    "Consulting",
    "Bio",
    "Pharma",
    "Motors",
    "Apparel",
    "Marine",
    "Aerospace",
    "Textiles",
    "Brands",
    "Studios",
    "Ventures",
    "Devices",
    "Materials",
    "Chemicals",
    "Engineering",
    "Estates",
    "Outdoor",
    "Payments",
    "Travel",
    "Logic",
    "Medical",
    "Data",
    "Telecom",
)

COMPANY_SUFFIXES: tuple[str, ...] = ("", "", "", "Inc.", "Ltd", "GmbH", "LLC", "Group", "AG", "S.A.")

STEMS: tuple[str, ...] = (
    "Northwind",
    "Bluebird",
    "Ironclad",
    "Summit",
    "Harbor",
    "Evergreen",
    "Brightline",
    "Cobalt",
    "Granite",
    "Lighthouse",
    "Meridian",
    "Redwood",
    "Silverline",
    "Tidewater",
    "Vertex",
    "Westfield",
    "Aurora",
    "Beacon",
    "Cedar",
    "Driftwood",
    "Foxglove",
    "Helix",
    "Juniper",
    "Keystone",
    "Larkspur",
    "Nimbus",
    "Orchard",
    "Pioneer",
    "Quarry",
    "Riverstone",
    "Sequoia",
    "Tamarack",
    "Upland",
    "Willow",
    "Zephyr",
    "Atlas",
    "Brook",
    "Crescent",
    "Delta",
    "Falcon",
)

TLDS: tuple[str, ...] = ("com", "com", "com", "io", "co", "de", "co.uk", "net", "eu")

FREE_MAIL: tuple[str, ...] = ("gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "gmx.de")

#: (title, weight) of people who fill in forms and come to webinars.
LEAD_TITLES: tuple[tuple[str, int], ...] = (
    ("VP Sales", 6),
    ("Head of Sales", 6),
    ("Sales Director", 5),
    ("Chief Revenue Officer", 2),
    ("Head of Revenue Operations", 4),
    ("RevOps Manager", 5),
    ("Sales Operations Analyst", 4),
    ("SDR Team Lead", 6),
    ("Sales Development Manager", 5),
    ("Account Executive", 8),
    ("Business Development Representative", 6),
    ("Marketing Manager", 5),
    ("Demand Generation Manager", 3),
    ("Founder & CEO", 3),
    ("COO", 2),
    ("IT Manager", 2),
    ("Consultant", 2),
    ("Student", 3),
    ("Intern", 1),
)

#: Titles per buying role, for contacts of target accounts.
ROLE_TITLES: dict[str, tuple[str, ...]] = {
    "decision maker": ("VP Sales", "Chief Revenue Officer", "Head of Sales", "Managing Director"),
    "champion": ("Director of Sales Development", "Sales Enablement Lead", "Head of Revenue Operations"),
    "influencer": ("RevOps Manager", "Sales Operations Analyst", "Head of IT Applications"),
    "user": ("SDR Team Lead", "Senior Account Executive", "Business Development Manager"),
    "gatekeeper": ("Executive Assistant to the CRO", "Procurement Manager", "Office Manager"),
    "unknown": ("Sales Manager", "Regional Sales Lead"),
}

#: Campaign name templates by source; ``{mon}`` and ``{year}`` come from the campaign date.
CAMPAIGNS: tuple[tuple[str, str], ...] = (
    ("webinar", "Webinar: Pipeline Hygiene 101 ({mon})"),
    ("webinar", "Webinar: Forecasting Without Guesswork ({mon})"),
    ("trade show", "SaaStr {year} booth scans"),
    ("content download", "Ebook: Cold Calling Playbook"),
    ("content download", "Report: State of Outbound {year}"),
    ("web form", "Website: demo request"),
    ("list", "Intent list Q{quarter} {year}"),
    ("referral", "Customer referral program"),
)

#: Pain hypotheses: "why them" and "why now" halves, written as a rep would.
WHY_THEM: tuple[str, ...] = (
    "Their SDR team doubled this year but meetings booked stayed flat — they are drowning in "
    "unworked inbound and have no way to prioritise it.",
    "They still forecast from a spreadsheet the VP updates on Sunday nights; every QBR starts "
    "with an argument about which number is right.",
    "Inbound leads wait days for a first touch: their demo form auto-reply says "
    '"someone will be in touch within 3 business days".',
    "Reps keep deals in their own notes because the CRM is a reporting tool for management, "
    "not something that helps them sell.",
    "Ten reps across three regions, each with their own way of logging calls — nobody knows "
    "which campaigns actually create pipeline.",
    "They buy trade-show booths every quarter but cannot say what the last one returned.",
    "A new sales methodology was rolled out last year and activity tracking never followed.",
    "Their outbound team works from purchased lists with 30% bounce rates; the domain "
    "reputation is suffering.",
)

WHY_NOW: tuple[str, ...] = (
    "New VP Sales started in {month}; the first 90 days are when tools get bought.",
    "They just raised a Series {series} and announced plans to double the sales team.",
    "Fiscal year starts in {month}; budgets for next year are being set now.",
    "Their current CRM contract renews in {month}.",
    "Three SDR openings on their careers page this month — hiring means onboarding pain.",
    "The CEO said on a podcast that pipeline predictability is this year's priority.",
    "They lost two senior AEs last quarter and are rebuilding the playbook.",
)

PARK_REASONS: tuple[str, ...] = (
    "No budget until next fiscal year; revisit in Q{quarter}.",
    "Acquired by a group that standardises on its own tools — on hold until the dust settles.",
    "Champion left the company; no one else owns the problem yet.",
)

#: Evidence notes per ICP criterion position and state.
EVIDENCE_MET: tuple[tuple[str, ...], ...] = (
    ("LinkedIn shows ~{employees} employees.", "Annual report: {employees} staff."),
    ("HQ and sales team in {region}.", "Offices in {region}; buys locally."),
    (
        "Job ad for a Salesforce admin mentions 'spreadsheet reporting'.",
        "Told us on a call they forecast in Excel.",
    ),
    ("{openings} open SDR roles on their careers page.", "Sales team grew 40% on LinkedIn in a year."),
    ("Series {series} announced in {month}.", "New CRO since {month}."),
)

EVIDENCE_NOT_MET: tuple[str, ...] = (
    "Only ~{employees} employees — below our range.",
    "Buying decisions are made at the US parent.",
    "Happy with their current vendor, renewed for three years.",
    "Hiring freeze announced.",
    "No change in leadership for five years.",
)

DISQUALIFY_NOTES: dict[str, tuple[str, ...]] = {
    "student": ("Writing a thesis on sales productivity.", "University email; wanted the slides."),
    "wrong market": ("Two-person agency, no sales team.", "Consumer business, sells through retail."),
    "existing customer": ("Already a customer through their parent company.", "Account is managed by CS."),
    "duplicate": ("Same person came in from the webinar last month.", "Duplicate of an open lead."),
    "no budget": ("Likes it, but no budget this year.", "Bootstrapped; will come back after funding."),
    "no response": ("Five touches over three weeks, no reply.", "Voicemails and emails unanswered."),
    "other": ("Looking for a job, not a tool.", "Competitor doing research."),
}

QUALIFICATION_NOTES: dict[str, tuple[str, ...]] = {
    "budget": ("Budget approved for H2.", "Has a tooling budget of ~$40k.", "Needs CFO sign-off above $25k."),
    "authority": ("VP Sales signs.", "Decision by the CRO with RevOps.", "Procurement involved above $20k."),
    "need": ("Speed-to-lead is their #1 complaint.", "Wants one place for the SDR team's work."),
    "timeline": ("Wants it live before the new quarter.", "Decision this quarter.", "Next fiscal year."),
    "asked": ("Requested a demo on the form.", "Asked us to call back after the webinar."),
}

LEAD_NOTES: tuple[str, ...] = (
    "Asked about pricing in the form.",
    "Downloaded two ebooks in one week.",
    "Came to the booth with their RevOps lead.",
    "Mentioned they are evaluating two other tools.",
    "Referred by a customer who loves the Today view.",
)

CALL_NOTES: dict[str, tuple[str, ...]] = {
    "connected": (
        "Talked to {first}: team of {n} SDRs, forecasting in spreadsheets; wants to see a demo.",
        "Good call with {first} — pain is real, budget unclear. Sending a case study.",
        "{first} confirmed they are looking at tools this quarter.",
    ),
    "left voicemail": ("Left VM re: {topic}.", "VM: referenced {topic}, asked for 15 minutes."),
    "no answer": ("No answer.", "Rang out, no voicemail box."),
    "wrong person": ("{first} is not in sales any more; pointed me to their RevOps lead.",),
    "meeting booked": ("Booked a discovery call with {first}.", "Demo booked for next week."),
    "not interested": ("{first}: happy with what they have.", "Not a priority this year."),
}

EMAIL_NOTES: dict[str, tuple[str, ...]] = {
    "": ("Follow-up on {topic}.", "Sent the case study.", "Intro email with a short video."),
    "replied": ("{first} replied: 'send me times next week'.", "Reply: forwarded to their RevOps lead."),
    "bounced": ("Bounced — address no longer valid.",),
    "meeting booked": ("{first} picked a slot from my calendar link.",),
}

MEETING_NOTES: tuple[str, ...] = (
    "Discovery: mapped their lead flow and who owns follow-up.",
    "Demo for {first} and two team leads; questions on import and reporting.",
    "Proposal walk-through; they asked for an annual price.",
    "Negotiation: legal review of the order form.",
)

SOCIAL_NOTES: tuple[str, ...] = (
    "Connected on LinkedIn.",
    "Commented on {first}'s post about hiring SDRs.",
    "InMail about {topic}.",
)

TOPICS: tuple[str, ...] = (
    "the webinar",
    "the ebook",
    "their demo request",
    "the trade-show chat",
    "speed-to-lead",
    "forecasting",
)

FOLLOW_UP_TITLES: tuple[str, ...] = (
    "Call {first} back about pricing",
    "Send {first} the case study",
    "Check in with {first} after the demo",
    "Follow up on {topic}",
    "Try {first} again by phone",
    "Ask {first} who else should join the demo",
)

NEXT_STEPS: dict[str, tuple[str, ...]] = {
    "Discovery": ("Discovery call with the VP Sales", "Map the buying team"),
    "Qualified": ("Demo for the SDR team leads", "Confirm budget owner"),
    "Solution": ("Tailored demo with RevOps", "Send security questionnaire answers"),
    "Proposal": ("Walk through the proposal", "Send revised quote"),
    "Negotiation": ("Redlines back from legal", "Signature on the order form"),
}

WON_NOTES: tuple[str, ...] = (
    "Beat the spreadsheet: champion built the business case herself.",
    "Won on speed-to-lead reporting; rollout to 14 reps.",
    "Chose us over a bigger CRM add-on for simplicity.",
)

LOST_NOTES: dict[str, tuple[str, ...]] = {
    "price": ("Went with a cheaper point tool.",),
    "competitor": ("Chose the add-on of their existing CRM.",),
    "no budget": ("Budget frozen after a bad quarter.",),
    "no decision": ("Stalled: nobody owned the decision.",),
    "timing": ("Revisit after their reorg.",),
    "went silent": ("Champion stopped replying after the proposal.",),
    "poor fit": ("Needs field-sales routing we do not have.",),
    "other": ("Project cancelled.",),
}

#: A few people whose names every import and filter must handle.
ACCENTED_PEOPLE: tuple[tuple[str, str, str, str], ...] = (
    ("Jürgen", "Müller", "Müller Maschinenbau GmbH", "mueller-maschinenbau.de"),
    ("Agnieszka", "Wójcik", "Łódź Logistics Sp. z o.o.", "lodz-logistics.pl"),
    ("José", "García", "Soluciones Ibéricas S.L.", "solucionesibericas.es"),
    ("Zoë", "Lefèvre", "Électricité Nord", "electricite-nord.fr"),
    ("Søren", "Ødegård", "Fjordlinje AS", "fjordlinje.no"),
)
