"""The ``sequences`` section of a team template: each sequence's name, description,
stop outcomes and steps, as plain JSON::

    "sequences": [{"name": "New inbound", "description": "…",
                   "stop_outcomes": ["replied", "meeting booked"],
                   "steps": [{"channel": "call", "wait_days": 0, "instructions": "…",
                              "subject": "", "body": ""}, …]}, …]

Only the shape is checked here; the sequences service checks what the steps say
(channels, waits, merge fields) before anything is applied."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.exchange.icp_template import TemplateError

MAX_SEQUENCES = 100
MAX_STEPS = 50


@dataclass(frozen=True)
class TemplateStep:
    channel: str
    wait_days: int
    instructions: str = ""
    subject: str = ""
    body: str = ""


@dataclass(frozen=True)
class TemplateSequence:
    name: str
    steps: tuple[TemplateStep, ...]
    description: str = ""
    stop_outcomes: tuple[str, ...] = ()


def sequence_items(sequences: list[TemplateSequence]) -> list[dict[str, Any]]:
    return [
        {
            "name": s.name,
            "description": s.description,
            "stop_outcomes": list(s.stop_outcomes),
            "steps": [
                {
                    "channel": t.channel,
                    "wait_days": t.wait_days,
                    "instructions": t.instructions,
                    "subject": t.subject,
                    "body": t.body,
                }
                for t in s.steps
            ],
        }
        for s in sequences
    ]


def _text(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str):
        raise TemplateError(f"{where}: {key} must be text.")
    return value


def parse_sequences(items: Any, name: str) -> list[TemplateSequence]:
    if not isinstance(items, list) or len(items) > MAX_SEQUENCES:
        raise TemplateError(f"The sequences in {name} are not a list of at most {MAX_SEQUENCES}.")
    out: list[TemplateSequence] = []
    for number, entry in enumerate(items, start=1):
        where = f"sequence {number} in {name}"
        if not isinstance(entry, dict):
            raise TemplateError(f"{where} is not an object.")
        title = _text(entry, "name", where).strip()
        if not title:
            raise TemplateError(f"{where} has no name.")
        steps = entry.get("steps")
        if not isinstance(steps, list) or not steps or len(steps) > MAX_STEPS:
            raise TemplateError(f"{where} ({title}) needs a list of 1–{MAX_STEPS} steps.")
        parsed: list[TemplateStep] = []
        for step_number, step in enumerate(steps, start=1):
            at = f"{where}, step {step_number}"
            if not isinstance(step, dict):
                raise TemplateError(f"{at} is not an object.")
            wait = step.get("wait_days", 0)
            if isinstance(wait, bool) or not isinstance(wait, int):
                raise TemplateError(f"{at}: wait_days must be a whole number.")
            parsed.append(
                TemplateStep(
                    _text(step, "channel", at),
                    wait,
                    _text(step, "instructions", at),
                    _text(step, "subject", at),
                    _text(step, "body", at),
                )
            )
        outcomes = entry.get("stop_outcomes", [])
        if not isinstance(outcomes, list) or not all(isinstance(o, str) for o in outcomes):
            raise TemplateError(f"{where}: stop_outcomes must be a list of outcomes.")
        out.append(
            TemplateSequence(title, tuple(parsed), _text(entry, "description", where), tuple(outcomes))
        )
    if len({s.name.casefold() for s in out}) != len(out):
        raise TemplateError(f"The sequences in {name} have a name twice.")
    return out
