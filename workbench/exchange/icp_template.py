"""ICP criteria as a small JSON file, so a team can share one profile template.

Format (version 1)::

    {"format": "prospecting-workbench-icp", "version": 1,
     "criteria": [{"name": "500–5,000 employees", "weight": 3, "description": ""}, …]}

Reading is strict about the shape (a clear message, nothing applied) and lenient about
weights: a missing weight is 1, a negative or non-numeric one is refused with the
criterion's name, so the rep can fix the file.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.exchange.atomic import atomic_output
from workbench.exchange.special_files import special_reason

FORMAT = "prospecting-workbench-icp"
VERSION = 1
MAX_BYTES = 1024 * 1024


class TemplateError(ValueError):
    """The file is not a usable ICP template; the message says why."""


@dataclass(frozen=True)
class TemplateCriterion:
    name: str
    weight: float
    description: str = ""


def write_template(path: Path, criteria: list[TemplateCriterion]) -> None:
    document = {"format": FORMAT, "version": VERSION, "criteria": criteria_items(criteria)}
    write_json(path, document)


def criteria_items(criteria: list[TemplateCriterion]) -> list[dict[str, Any]]:
    """The criteria as the JSON list both template formats hold."""
    return [{"name": c.name, "weight": c.weight, "description": c.description} for c in criteria]


def write_json(path: Path, document: dict[str, Any]) -> None:
    """A small JSON document, written whole or not at all."""
    with atomic_output(path) as tmp:
        tmp.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def read_json(path: Path, what: str = "an ICP template") -> Any:
    """The JSON document in ``path`` (at most :data:`MAX_BYTES`); :class:`TemplateError`
    saying why when it cannot be read."""
    special = special_reason(path)
    if special is not None:  # a FIFO would block the read forever
        raise TemplateError(f"{path.name} {special}.")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise TemplateError(f"{path.name} is too big for {what}.")
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise TemplateError(f"Cannot read {path.name}: {exc.strerror or exc}.") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TemplateError(f"{path.name} is not {what} (not JSON text).") from exc


def read_template(path: Path) -> list[TemplateCriterion]:
    return parse_template(read_json(path), path.name)


def parse_template(document: Any, name: str = "the file") -> list[TemplateCriterion]:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise TemplateError(f"{name} is not an ICP template of Prospecting Workbench.")
    version = document.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise TemplateError(f"{name} was written by a newer version of the app (template version {version}).")
    return parse_criteria(document.get("criteria"), name)


def parse_criteria(items: Any, name: str = "the file") -> list[TemplateCriterion]:
    """The ``criteria`` list of a template, checked criterion by criterion."""
    if not isinstance(items, list) or not items:
        raise TemplateError(f"{name} has no criteria.")
    criteria: list[TemplateCriterion] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise TemplateError(f"Criterion {number} in {name} is not a name and a weight.")
        title = " ".join(str(item.get("name", "")).split())
        if not title:
            raise TemplateError(f"Criterion {number} in {name} has no name.")
        weight = item.get("weight", 1)
        if (
            isinstance(weight, bool)
            or not isinstance(weight, int | float)
            or not math.isfinite(weight)
            or weight < 0
        ):
            raise TemplateError(f"“{title}” in {name} has a weight that is not a number of 0 or more.")
        criteria.append(TemplateCriterion(title, float(weight), str(item.get("description", "") or "")))
    return criteria
