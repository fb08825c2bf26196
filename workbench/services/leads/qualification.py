"""The qualification checklist of a lead: what makes a "perfect lead", and how close one is.

Five questions, each answered yes / no / unknown with a short note: is there a budget,
do we talk to someone with authority, is there a need, is there a timeline, and did
they ask to be contacted. The score counts the "yes" answers: a perfect lead has all
five.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workbench.domain import Answer

#: Question keys, in the order the checklist shows them; each maps to the lead columns
#: ``q_<key>`` and ``q_<key>_note``.
QUESTIONS: tuple[str, ...] = ("budget", "authority", "need", "timeline", "asked")


@dataclass(frozen=True)
class QualificationScore:
    yes: int
    no: int
    unknown: int

    @property
    def total(self) -> int:
        return self.yes + self.no + self.unknown

    @property
    def completeness(self) -> float:
        """Share of the perfect-lead checklist that is met (0.0 … 1.0)."""
        return self.yes / self.total if self.total else 0.0

    @property
    def known(self) -> int:
        return self.yes + self.no


@dataclass(frozen=True)
class Qualification:
    """Answers and notes per question key."""

    answers: Mapping[str, Answer] = field(default_factory=dict)
    notes: Mapping[str, str] = field(default_factory=dict)

    def answer(self, key: str) -> Answer:
        return self.answers.get(key, Answer.UNKNOWN)

    def note(self, key: str) -> str:
        return self.notes.get(key, "")

    @property
    def score(self) -> QualificationScore:
        values = [self.answer(k) for k in QUESTIONS]
        return QualificationScore(
            yes=values.count(Answer.YES), no=values.count(Answer.NO), unknown=values.count(Answer.UNKNOWN)
        )

    def columns(self) -> dict[str, str]:
        """The lead columns that store this checklist."""
        values: dict[str, str] = {}
        for key in QUESTIONS:
            values[f"q_{key}"] = self.answer(key).value
            values[f"q_{key}_note"] = self.note(key).strip()
        return values


def parse_answer(value: Any) -> Answer:
    try:
        return Answer(str(value))
    except ValueError:
        return Answer.UNKNOWN


def from_columns(row: Mapping[str, Any]) -> Qualification:
    """Read the checklist from a lead row (mapping of column name → value)."""
    answers = {k: parse_answer(row.get(f"q_{k}")) for k in QUESTIONS}
    notes = {k: str(row.get(f"q_{k}_note") or "") for k in QUESTIONS}
    return Qualification(answers, notes)
