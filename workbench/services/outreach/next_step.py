"""Outcome → the next touch to propose: "no answer" → call again in 1 business day…

The rules live in the setting ``outreach.next_step_rules`` (a JSON object keyed by
outcome), so a rep can change them; :data:`DEFAULT_RULES` is what a new file starts
with. A proposal is only ever pre-filled in the quick log — never created without the
rep seeing it.

Business days skip Saturdays and Sundays. A proposed follow-up keeps the time of day
it was logged at, moved into working hours: "call again tomorrow" logged at 22:00
means tomorrow morning, not tomorrow night.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlmodel import Session

from workbench.domain import Channel, Outcome
from workbench.services.settings import values as settings

# Working days and hours live one layer down so sequences share them without importing
# outreach (which calls into sequences when a touch is logged); re-exported here.
from workbench.services.workdays import WORKDAY_END as WORKDAY_END
from workbench.services.workdays import WORKDAY_START as WORKDAY_START
from workbench.services.workdays import add_business_days as add_business_days
from workbench.services.workdays import due_after as due_after

SETTING_KEY = settings.NEXT_STEP_SETTING
#: What a new workbench proposes (the data sits with the settings' defaults).
DEFAULT_RULES = settings.NEXT_STEP_RULES


@dataclass(frozen=True)
class NextStepRule:
    outcome: str
    title: str
    channel: str
    business_days: int | None
    ask_date: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "channel": self.channel,
            "business_days": self.business_days,
            "ask_date": self.ask_date,
        }


@dataclass(frozen=True)
class Proposal:
    title: str
    channel: str
    due: datetime
    ask_date: bool = False


def _rule(outcome: str, value: Any) -> NextStepRule | None:
    """One rule from its JSON form; None when it is not usable."""
    if not isinstance(value, Mapping):
        return None
    title = value.get("title", "")
    channel = value.get("channel", Channel.CALL)
    days = value.get("business_days")
    if not isinstance(title, str) or channel not in set(Channel):
        return None
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 365):
        return None
    return NextStepRule(outcome, title.strip(), str(channel), days, bool(value.get("ask_date", False)))


def rules_from(value: Any) -> dict[str, NextStepRule]:
    """The rules of a settings value; a missing or broken entry falls back to its default
    (a bad edit in one rule must not take the others down)."""
    stored = value if isinstance(value, Mapping) else {}
    rules: dict[str, NextStepRule] = {}
    for outcome in Outcome:
        rule = _rule(outcome, stored.get(outcome)) or _rule(outcome, DEFAULT_RULES[outcome])
        assert rule is not None
        rules[outcome] = rule
    return rules


def validate(value: Any) -> list[str]:
    """Problems of an edited rules object, in words (empty when it is fine)."""
    if not isinstance(value, Mapping):
        return ["the next-step rules must be an object keyed by outcome"]
    problems = []
    for key, entry in value.items():
        if key not in set(Outcome):
            problems.append(f"unknown outcome {key!r}")
        elif _rule(key, entry) is None:
            problems.append(
                f"rule for {key!r}: needs a title, a channel ({', '.join(Channel)}) "
                "and business_days between 0 and 365 or null"
            )
    return problems


def load_rules(session: Session) -> dict[str, NextStepRule]:
    return rules_from(settings.get(session, SETTING_KEY))


def propose(
    outcome: str, now: datetime, rules: Mapping[str, NextStepRule], tz: tzinfo | None = None
) -> Proposal | None:
    """The next touch for ``outcome`` logged at ``now``; None when the rule proposes none."""
    rule = rules.get(outcome)
    if rule is None or rule.business_days is None:
        return None
    return Proposal(rule.title, rule.channel, due_after(now, rule.business_days, tz), rule.ask_date)
