from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from workbench.domain import Outcome
from workbench.services.outreach.next_step import (
    DEFAULT_RULES,
    SETTING_KEY,
    add_business_days,
    due_after,
    load_rules,
    propose,
    rules_from,
    validate,
)
from workbench.services.settings import values as settings
from workbench.store import Workbench

BERLIN = ZoneInfo("Europe/Berlin")
# Monday 2 March 2026, 10:30 in Berlin (09:30 UTC).
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
FRIDAY = datetime(2026, 3, 6, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 3, 2), 1, date(2026, 3, 3)),  # Mon + 1 = Tue
        (date(2026, 3, 6), 1, date(2026, 3, 9)),  # Fri + 1 = Mon
        (date(2026, 3, 6), 2, date(2026, 3, 10)),  # Fri + 2 = Tue
        (date(2026, 3, 7), 1, date(2026, 3, 9)),  # Sat + 1 = Mon
        (date(2026, 3, 8), 0, date(2026, 3, 9)),  # Sun + 0 = Mon (never on a weekend)
        (date(2026, 3, 4), 0, date(2026, 3, 4)),  # Wed + 0 = Wed
        (date(2026, 3, 2), 5, date(2026, 3, 9)),  # a working week
    ],
)
def test_business_days_skip_weekends(start: date, days: int, expected: date) -> None:
    assert add_business_days(start, days) == expected


def test_default_proposals_follow_the_outcome() -> None:
    rules = rules_from(None)
    no_answer = propose(Outcome.NO_ANSWER, MONDAY, rules, BERLIN)
    assert no_answer is not None
    assert no_answer.channel == "call"
    assert no_answer.due.astimezone(BERLIN) == datetime(2026, 3, 3, 10, 30, tzinfo=BERLIN)
    voicemail = propose(Outcome.VOICEMAIL, FRIDAY, rules, BERLIN)
    assert voicemail is not None and voicemail.channel == "email"
    assert voicemail.due.astimezone(BERLIN).date() == date(2026, 3, 10)  # Fri + 2 business days = Tue
    meeting = propose(Outcome.MEETING_BOOKED, MONDAY, rules, BERLIN)
    assert meeting is not None and meeting.ask_date  # the rep types the meeting's date
    assert propose(Outcome.NOT_INTERESTED, MONDAY, rules, BERLIN) is None


def test_due_time_moves_into_working_hours() -> None:
    late = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)  # 22:00 in Berlin
    assert due_after(late, 1, BERLIN).astimezone(BERLIN) == datetime(2026, 3, 3, 9, 0, tzinfo=BERLIN)
    # "today" logged after hours means the next working morning.
    assert due_after(late, 0, BERLIN).astimezone(BERLIN) == datetime(2026, 3, 3, 9, 0, tzinfo=BERLIN)
    early = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # 06:00 in Berlin
    assert due_after(early, 0, BERLIN).astimezone(BERLIN) == datetime(2026, 3, 2, 9, 0, tzinfo=BERLIN)


def test_rules_are_editable_in_settings_and_bad_entries_fall_back(wb: Workbench) -> None:
    assert settings.read(wb, SETTING_KEY) == DEFAULT_RULES
    edited = dict(DEFAULT_RULES)
    edited["no answer"] = {"title": "Try again", "channel": "email", "business_days": 3}
    edited["bounced"] = {"title": "x", "channel": "pigeon", "business_days": 1}  # broken
    assert validate(edited) == [
        "rule for 'bounced': needs a title, a channel (call, email, meeting, social, note) "
        "and business_days between 0 and 365 or null"
    ]
    settings.write(wb, SETTING_KEY, edited)
    with wb.reading() as s:
        rules = load_rules(s)
    proposal = propose("no answer", MONDAY, rules, BERLIN)
    assert proposal is not None
    assert (proposal.title, proposal.channel) == ("Try again", "email")
    assert proposal.due.astimezone(BERLIN).date() == date(2026, 3, 5)
    assert rules["bounced"].title == DEFAULT_RULES["bounced"]["title"]  # fell back
    assert validate({"nope": {}}) == ["unknown outcome 'nope'"]
    assert validate([]) == ["the next-step rules must be an object keyed by outcome"]
