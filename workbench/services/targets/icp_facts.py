"""What an account's own facts already answer on the ICP checklist.

A criterion is read from its text, the way a rep writes it:

* **size** — a name that speaks of employees (staff, headcount, people) with a range:
  "200–2,000 employees", "500-5000 employees", "1k–10k employees", "over 1,000
  employees", "1,000+ employees", "at least 50", "under 200", "up to 500"… judged
  against ``account.employees``;
* **industry** — "Industry: software, fintech or insurance" (also "Industries:",
  "Industry is …", "In industry …") against ``account.industry``;
* **region** — "Region: EMEA, North America" (also "Regions:", "In region …"), or a
  name about regions ("In our regions") whose description lists them, against
  ``account.region``.

A listed value matches when it equals the account's value or all its words are in it
("software" matches "Computer Software"), ignoring case. An account without the fact
(no employee count, no industry) leaves the criterion to the rep, and so does a
criterion these rules cannot read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.domain.enums import CheckState

SIZE = "employees"
INDUSTRY = "industry"
REGION = "region"


@dataclass(frozen=True)
class Rule:
    """A criterion read as a test of one fact: employees within ``low``–``high``
    (inclusive, None open-ended), or the industry / region among ``values``."""

    fact: str
    low: int | None = None
    high: int | None = None
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Facts:
    """The account's facts the rules read."""

    employees: int | None
    industry: str
    region: str


@dataclass(frozen=True)
class FactJudgement:
    """What the facts say: the state, which fact (``SIZE``, ``INDUSTRY``, ``REGION``) and
    its value on the account (an employee count, or the industry or region text)."""

    state: CheckState
    fact: str
    value: int | str


_NUMBER = r"(\d{1,3}(?:[,.\u202f\u00a0 ]\d{3})+|\d+(?:\.\d+)?)\s*([kKmM])?"
_DASH = r"\s*(?:[-–—‒]|to|and)\s*"
_PEOPLE = re.compile(r"\b(employees?|staff|headcount|people|FTEs?|workers)\b", re.IGNORECASE)
_RANGE = re.compile(rf"(?:between\s+)?{_NUMBER}{_DASH}{_NUMBER}", re.IGNORECASE)
_OPEN_ABOVE = re.compile(
    rf"(over|more than|above|greater than|>\s*=?|at least|min(?:imum)?\.?|≥)\s*{_NUMBER}", re.IGNORECASE
)
_PLUS = re.compile(rf"{_NUMBER}\s*(\+|or more|and more|and up|or above)", re.IGNORECASE)
_OPEN_BELOW = re.compile(
    rf"(under|fewer than|less than|below|<\s*=?|up to|at most|max(?:imum)?\.?|≤)\s*{_NUMBER}", re.IGNORECASE
)
_LISTED = re.compile(
    r"^\s*(?:in\s+)?(industry|industries|sector|sectors|region|regions)\s*(?::|is|are|in|=)\s*(.+)$",
    re.IGNORECASE,
)
_ABOUT_REGIONS = re.compile(r"\bregions?\b", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*(?:,|;|/|\bor\b|\band\b|\|)\s*", re.IGNORECASE)


def _number(digits: str, suffix: str | None) -> int:
    """ "2,000" → 2000, "1.5k" → 1500 (a dot or comma before three digits groups them)."""
    if re.fullmatch(r"\d{1,3}(?:[,.\u202f\u00a0 ]\d{3})+", digits):
        value = float(re.sub(r"\D", "", digits))
    else:
        value = float(digits)
    scale = {"k": 1_000, "m": 1_000_000}.get((suffix or "").lower(), 1)
    return round(value * scale)


def _size_rule(text: str) -> Rule | None:
    if not _PEOPLE.search(text):
        return None
    if match := _RANGE.search(text):
        low = _number(match.group(1), match.group(2))
        high = _number(match.group(3), match.group(4) or match.group(2))
        # "1–5k employees": the suffix of the upper bound is meant for both.
        if match.group(2) is None and match.group(4) is not None and low < high / 1000:
            low = _number(match.group(1), match.group(4))
        return Rule(SIZE, min(low, high), max(low, high))
    if match := _PLUS.search(text):
        return Rule(SIZE, _number(match.group(1), match.group(2)), None)
    if match := _OPEN_ABOVE.search(text):
        word = match.group(1).casefold()
        value = _number(match.group(2), match.group(3))
        inclusive = word.startswith(("at least", "min", "≥")) or "=" in word
        return Rule(SIZE, value if inclusive else value + 1, None)
    if match := _OPEN_BELOW.search(text):
        word = match.group(1).casefold()
        value = _number(match.group(2), match.group(3))
        inclusive = word.startswith(("up to", "at most", "max", "≤")) or "=" in word
        return Rule(SIZE, None, value if inclusive else value - 1)
    return None


def _values(text: str) -> tuple[str, ...]:
    parts = (p.strip(" .\"'“”") for p in _SEPARATORS.split(text))
    return tuple(p for p in parts if p)


def rule_of(name: str, description: str = "") -> Rule | None:
    """The fact a criterion tests, read from its name (and for "our regions", the
    description listing them); None when the text is not one of these shapes."""
    size = _size_rule(name)
    if size is not None:
        return size
    if match := _LISTED.match(name):
        word = match.group(1).casefold()
        fact = REGION if word.startswith("region") else INDUSTRY
        values = _values(match.group(2))
        if fact == REGION and values and _ABOUT_REGIONS.search(values[0]) and description.strip():
            values = _values(description)  # "Region: ours" with the list in the description
        return Rule(fact, values=values) if values else None
    if _ABOUT_REGIONS.search(name) and description.strip():
        values = _values(description)
        return Rule(REGION, values=values) if values else None
    return None


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def _listed(value: str, wanted: tuple[str, ...]) -> bool:
    have = value.casefold().strip()
    words = _words(value)
    return any(w.casefold() == have or (_words(w) and _words(w) <= words) for w in wanted)


def judge(rule: Rule | None, facts: Facts) -> FactJudgement | None:
    """The state the account's facts give a criterion read as ``rule``; None when the
    account lacks that fact (or there is no rule)."""
    if rule is None:
        return None
    if rule.fact == SIZE:
        if facts.employees is None:
            return None
        n = facts.employees
        inside = (rule.low is None or n >= rule.low) and (rule.high is None or n <= rule.high)
        return FactJudgement(CheckState.MET if inside else CheckState.NOT_MET, SIZE, n)
    value = facts.industry if rule.fact == INDUSTRY else facts.region
    if not value.strip():
        return None
    state = CheckState.MET if _listed(value, rule.values) else CheckState.NOT_MET
    return FactJudgement(state, rule.fact, value.strip())
