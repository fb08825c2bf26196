"""A team template: the setup a manager hands to every rep as one small JSON file —
ICP criteria, pipeline stages and lead sources (and, if the manager wants, the
disqualify and lost reasons).

Format (version 1)::

    {"format": "prospecting-workbench-team-template", "version": 1,
     "criteria": [{"name": "500–5,000 employees", "weight": 3, "description": ""}, …],
     "stages": [{"name": "Discovery", "probability": 0.1, "kind": "open", "stale_days": null}, …,
                {"name": "Won", "probability": 1.0, "kind": "won"},
                {"name": "Lost", "probability": 0.0, "kind": "lost"}],
     "sources": ["web form", "webinar", …],
     "disqualify_reasons": ["student", …], "close_reasons": ["price", …],
     "sequences": [… see ``exchange/sequence_template.py`` …]}

Every section is optional but one must be there; a section that is present is
checked whole (a clear message naming the entry, nothing applied). An ICP template
(``exchange/icp_template.py``) is read as a team template holding criteria only.
Criteria are parsed by the ICP template's own code, so both files mean the same.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.exchange.icp_template import (
    FORMAT as ICP_FORMAT,
)
from workbench.exchange.icp_template import (
    TemplateCriterion,
    TemplateError,
    criteria_items,
    parse_criteria,
    parse_template,
    read_json,
    write_json,
)
from workbench.exchange.sequence_template import TemplateSequence, parse_sequences, sequence_items

FORMAT = "prospecting-workbench-team-template"
VERSION = 1
STAGE_KINDS = ("open", "won", "lost")
MAX_NAME = 120
MAX_ITEMS = 200

__all__ = [
    "FORMAT",
    "TeamTemplate",
    "TemplateError",
    "TemplateStage",
    "read_team_template",
    "write_team_template",
]


@dataclass(frozen=True)
class TemplateStage:
    name: str
    probability: float
    kind: str = "open"
    stale_days: int | None = None


@dataclass
class TeamTemplate:
    """What a template holds; None for a section it leaves alone."""

    criteria: list[TemplateCriterion] | None = None
    stages: list[TemplateStage] | None = None
    sources: list[str] | None = None
    disqualify_reasons: list[str] | None = None
    close_reasons: list[str] | None = None
    sequences: list[TemplateSequence] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def sections(self) -> list[str]:
        names = ("criteria", "stages", "sources", "disqualify_reasons", "close_reasons", "sequences")
        return [n for n in names if getattr(self, n) is not None]


def write_team_template(path: Path, template: TeamTemplate) -> None:
    document: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    if template.criteria is not None:
        document["criteria"] = criteria_items(template.criteria)
    if template.stages is not None:
        document["stages"] = [
            {"name": s.name, "probability": s.probability, "kind": s.kind, "stale_days": s.stale_days}
            for s in template.stages
        ]
    for key in ("sources", "disqualify_reasons", "close_reasons"):
        value = getattr(template, key)
        if value is not None:
            document[key] = list(value)
    if template.sequences is not None:
        document["sequences"] = sequence_items(template.sequences)
    write_json(path, document)


def read_team_template(path: Path) -> TeamTemplate:
    return parse_team_template(read_json(path, "a team template"), path.name)


def parse_team_template(document: Any, name: str = "the file") -> TeamTemplate:
    if isinstance(document, dict) and document.get("format") == ICP_FORMAT:
        return TeamTemplate(criteria=parse_template(document, name))
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise TemplateError(f"{name} is not a team template of Prospecting Workbench.")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version > VERSION:
        raise TemplateError(f"{name} was written by a newer version of the app (template version {version}).")
    template = TeamTemplate()
    if "criteria" in document:
        template.criteria = parse_criteria(document["criteria"], name)
    if "stages" in document:
        template.stages = _stages(document["stages"], name)
    for key, what in (
        ("sources", "lead sources"),
        ("disqualify_reasons", "disqualify reasons"),
        ("close_reasons", "won/lost reasons"),
    ):
        if key in document:
            setattr(template, key, _names(document[key], name, what))
    if "sequences" in document:
        template.sequences = parse_sequences(document["sequences"], name)
    if not template.sections:
        raise TemplateError(f"{name} holds no criteria, stages or sources.")
    return template


def _names(items: Any, name: str, what: str) -> list[str]:
    if not isinstance(items, list) or not items or len(items) > MAX_ITEMS:
        raise TemplateError(f"The {what} in {name} are not a list of names.")
    names: list[str] = []
    for number, item in enumerate(items, start=1):
        text = " ".join(str(item).split()) if isinstance(item, str) else ""
        if not text or len(text) > MAX_NAME:
            raise TemplateError(
                f"Entry {number} of the {what} in {name} is not a name of 1–{MAX_NAME} characters."
            )
        names.append(text)
    return names


def _stages(items: Any, name: str) -> list[TemplateStage]:
    if not isinstance(items, list) or not items or len(items) > MAX_ITEMS:
        raise TemplateError(f"The stages in {name} are not a list.")
    stages: list[TemplateStage] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise TemplateError(f"Stage {number} in {name} is not a name and a probability.")
        title = " ".join(str(item.get("name", "")).split())
        if not title or len(title) > MAX_NAME:
            raise TemplateError(f"Stage {number} in {name} has no usable name.")
        probability = item.get("probability", 0.0)
        if (
            isinstance(probability, bool)
            or not isinstance(probability, int | float)
            or not math.isfinite(probability)
            or not 0.0 <= probability <= 1.0
        ):
            raise TemplateError(f"Stage “{title}” in {name} needs a probability between 0 and 1.")
        kind = item.get("kind", "open")
        if kind not in STAGE_KINDS:
            raise TemplateError(f"Stage “{title}” in {name} has kind {kind!r}; use open, won or lost.")
        stale = item.get("stale_days")
        if stale is not None and (
            isinstance(stale, bool) or not isinstance(stale, int) or not 1 <= stale <= 3650
        ):
            raise TemplateError(
                f"Stage “{title}” in {name}: stale_days is a whole number of days (1–3650) or null."
            )
        stages.append(TemplateStage(title, float(probability), str(kind), stale))
    for kind in STAGE_KINDS:
        if not any(s.kind == kind for s in stages):
            raise TemplateError(f"The stages in {name} need at least one {kind} stage.")
    if len({s.name.casefold() for s in stages}) != len(stages):
        raise TemplateError(f"The stages in {name} have a name twice.")
    return stages
