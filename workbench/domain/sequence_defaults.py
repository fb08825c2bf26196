"""The two sequences a new workbench starts with (domain data, written by the store's seed).

Each step is (channel, working days after the previous step, instructions, subject, body);
the merge fields are those of :mod:`workbench.services.sequences.merge`."""

from __future__ import annotations

from workbench.domain.enums import StopReason

#: Activity outcomes that end an enrolment unless a sequence says otherwise.
DEFAULT_STOP_OUTCOMES: tuple[str, ...] = (
    StopReason.REPLIED.value,
    StopReason.MEETING_BOOKED.value,
    StopReason.NOT_INTERESTED.value,
    StopReason.BOUNCED.value,
    StopReason.WRONG_PERSON.value,
)

DefaultStep = tuple[str, int, str, str, str]

NEW_INBOUND: tuple[str, str, tuple[DefaultStep, ...]] = (
    "New inbound",
    "A new inbound lead: 5 touches over 10 working days, fastest first.",
    (
        ("call", 0, "Call within the hour; reference what they downloaded or asked for.", "", ""),
        (
            "email",
            1,
            "Follow the call (or the missed call) with a short email.",
            "Your request, {first_name}",
            "Hi {first_name},\n\nThanks for reaching out about {campaign}. I tried to call you — "
            "when would suit you for 15 minutes this week?\n\nBest,\n{rep_name}",
        ),
        ("call", 2, "Second call; leave a voicemail naming one concrete benefit.", "", ""),
        ("social", 3, "Connect on LinkedIn with a one-line personal note.", "", ""),
        (
            "email",
            4,
            "Break-up email: polite, short, leaves the door open.",
            "Should I close your file, {first_name}?",
            "Hi {first_name},\n\nI have not managed to reach you, so I will stop following up. "
            "If {company} wants to look at this later, just reply to this email.\n\nBest,\n{rep_name}",
        ),
    ),
)

TARGET_CONTACT: tuple[str, str, tuple[DefaultStep, ...]] = (
    "Target account contact",
    "A person on a target account's buying team: 8 touches over 3 weeks.",
    (
        (
            "email",
            0,
            "Open with the account's pain hypothesis, one line about them, one question.",
            "{company}: {pain_hypothesis}",
            "Hi {first_name},\n\nTeams like {company} often tell us: {pain_hypothesis}. "
            "Is that on your list as {title}?\n\nBest,\n{rep_name}",
        ),
        ("call", 2, "Call; refer to the email.", "", ""),
        ("social", 2, "View their profile and connect on LinkedIn.", "", ""),
        (
            "email",
            2,
            "Share a relevant customer story.",
            "How a team like {company} solved it",
            "Hi {first_name},\n\nA short story from a customer who had the same problem: "
            "{pain_hypothesis}. Worth 15 minutes?\n\nBest,\n{rep_name}",
        ),
        ("call", 2, "Call at a different time of day than the first call.", "", ""),
        ("task", 2, "Research: a recent change at the account to mention next.", "", ""),
        ("call", 2, "Last call; leave a voicemail.", "", ""),
        (
            "email",
            3,
            "Break-up email.",
            "Closing the loop, {first_name}",
            "Hi {first_name},\n\nI will stop reaching out for now. If {pain_hypothesis} "
            "becomes a priority at {company}, reply and I will pick it up.\n\nBest,\n{rep_name}",
        ),
    ),
)

DEFAULT_SEQUENCES = (NEW_INBOUND, TARGET_CONTACT)
