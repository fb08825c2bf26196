"""What changed between two pipeline files of the same rep, matched by opportunity UUID.

The manager's weekly question: since the last export, which deals are new, which
closed (won or lost), which moved stage, whose close date slipped, whose amount
changed — and which disappeared from the list. Deals are matched by UUID, so a
renamed deal is still the same deal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from workbench.exchange.pipeline_file import (
    DEFAULT_LIMITS,
    OpportunityRow,
    ReadLimits,
    read_pipeline_file,
)


class ChangeKind(StrEnum):
    NEW = "new"
    CLOSED = "closed"
    REOPENED = "reopened"
    REMOVED = "removed"
    STAGE = "stage"
    SLIPPED = "slipped"
    AMOUNT = "amount"


@dataclass(frozen=True, slots=True)
class Change:
    kind: ChangeKind
    uuid: str
    opportunity: str
    account: str
    before: Any
    after: Any

    @property
    def amount_delta(self) -> float | None:
        if self.kind is ChangeKind.AMOUNT:
            return float(self.after) - float(self.before)
        return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "uuid": self.uuid,
            "opportunity": self.opportunity,
            "account": self.account,
            "before": _plain(self.before),
            "after": _plain(self.after),
        }


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


@dataclass(slots=True)
class Changes:
    rep: str
    older: Path
    newer: Path
    older_at: datetime
    newer_at: datetime
    changes: list[Change] = field(default_factory=list)

    def of_kind(self, kind: ChangeKind) -> list[Change]:
        return [c for c in self.changes if c.kind is kind]

    def counts(self) -> dict[str, int]:
        return {str(kind): len(self.of_kind(kind)) for kind in ChangeKind}

    def as_dict(self) -> dict[str, Any]:
        return {
            "rep": self.rep,
            "older": str(self.older),
            "newer": str(self.newer),
            "older_exported_at": self.older_at.isoformat(),
            "newer_exported_at": self.newer_at.isoformat(),
            "counts": self.counts(),
            "changes": [c.as_dict() for c in self.changes],
        }


def compare(older: Sequence[OpportunityRow], newer: Sequence[OpportunityRow]) -> list[Change]:
    """The changes from ``older`` to ``newer`` rows, in a stable order: by kind, then name."""
    before = {row.uuid: row for row in older}
    after = {row.uuid: row for row in newer}
    changes: list[Change] = []

    def add(kind: ChangeKind, row: OpportunityRow, old: Any, new: Any) -> None:
        changes.append(Change(kind, row.uuid, row.name, row.account, old, new))

    for uuid, new in after.items():
        old = before.get(uuid)
        if old is None:
            add(ChangeKind.NEW, new, None, new.stage)
            continue
        was_open, is_open = old.outcome == "open", new.outcome == "open"
        if was_open and not is_open:
            add(ChangeKind.CLOSED, new, old.stage, new.outcome)
        elif not was_open and is_open:
            add(ChangeKind.REOPENED, new, old.outcome, new.stage)
        elif was_open and old.stage != new.stage:
            add(ChangeKind.STAGE, new, old.stage, new.stage)
        if (
            is_open
            and old.expected_close is not None
            and (new.expected_close is None or new.expected_close > old.expected_close)
        ):
            add(ChangeKind.SLIPPED, new, old.expected_close, new.expected_close)
        if old.amount != new.amount:
            add(ChangeKind.AMOUNT, new, old.amount, new.amount)
    for uuid, old in before.items():
        if uuid not in after:
            add(ChangeKind.REMOVED, old, old.stage, None)
    order = list(ChangeKind)
    changes.sort(key=lambda c: (order.index(c.kind), c.opportunity.casefold(), c.uuid))
    return changes


def what_changed(older: Path, newer: Path, *, limits: ReadLimits = DEFAULT_LIMITS) -> Changes:
    """Read the opportunities of two files and compare them (raises ``PipelineFileError``).

    The files are put in time order by their export time, whatever order they come in."""
    a = read_pipeline_file(older, tables=("opportunities",), limits=limits)
    b = read_pipeline_file(newer, tables=("opportunities",), limits=limits)
    if a.meta.exported_at > b.meta.exported_at:
        a, b = b, a
        older, newer = newer, older
    return Changes(
        rep=b.meta.rep,
        older=older,
        newer=newer,
        older_at=a.meta.exported_at,
        newer_at=b.meta.exported_at,
        changes=compare(a.rows("opportunities"), b.rows("opportunities")),
    )


def latest_changes(
    histories: Iterable[Sequence[Path | None]], *, limits: ReadLimits = DEFAULT_LIMITS
) -> list[Changes]:
    """For every rep with two or more files (``histories``: each rep's file paths, oldest
    first, as :meth:`Rollup.histories` lists them): their previous file against their latest."""
    from workbench.exchange.pipeline_file import PipelineFileError

    out: list[Changes] = []
    for paths in histories:
        if len(paths) < 2 or paths[-1] is None or paths[-2] is None:
            continue
        try:
            out.append(what_changed(paths[-2], paths[-1], limits=limits))
        except PipelineFileError:
            continue  # changed on disk since the rollup read it; the rollup itself stands
    return out
