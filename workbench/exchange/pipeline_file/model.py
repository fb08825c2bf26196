"""The pipeline file's tables, columns and typed rows — all derived from the published schema.

``resources/pipeline-file.schema.json`` is the single source of truth: the
writers take their sheets, column order and headers from it, the reader checks every
column against it. The dataclasses below are the typed rows a reader hands out; a test
keeps their fields identical to the schema's columns.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import Any

SCHEMA_NAME = "prospecting-workbench/pipeline-file"
SCHEMA_VERSION = 1
#: Excel's and LibreOffice's rows per sheet, header included.
SHEET_ROW_LIMIT = 1_048_576
META_SHEET = "_meta"
SUMMARY_SHEET = "Summary"

#: The tables every pipeline file has.
TABLE_KEYS = ("opportunities", "leads", "activities", "targets", "follow_ups")
#: Tables added later (not in the schema's top-level ``required``): a file written
#: before them loads, each read as an empty table.
OPTIONAL_TABLE_KEYS = ("sequences", "sequence_steps")
ALL_TABLE_KEYS = TABLE_KEYS + OPTIONAL_TABLE_KEYS


class ColumnType(StrEnum):
    TEXT = "text"
    UUID = "uuid"
    DATE = "date"
    DATETIME = "datetime"
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    key: str
    title: str
    type: ColumnType
    nullable: bool
    enum: frozenset[str] | None = None
    minimum: float | None = None
    maximum: float | None = None
    #: Added after the first files (not in the table's ``required``): a file without
    #: it loads, every row reading ``default``.
    optional: bool = False
    default: Any = None


@dataclass(frozen=True, slots=True)
class RowRule:
    """Per row: the sum of the ``total`` columns is at most the ``at_most`` column (a
    count of people can never exceed the people it is a part of)."""

    total: tuple[str, ...]
    at_most: str


@dataclass(frozen=True, slots=True)
class TableSpec:
    key: str
    sheet: str
    description: str
    columns: tuple[ColumnSpec, ...]
    optional: bool = False
    rules: tuple[RowRule, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)

    @property
    def titles(self) -> tuple[str, ...]:
        return tuple(c.title for c in self.columns)


SCHEMA_FILE = "pipeline-file.schema.json"


@cache
def schema_text() -> str:
    from workbench.resources import resource

    return resource(SCHEMA_FILE).read_text("utf-8")


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text())
    return loaded


def _column(key: str, prop: dict[str, Any], required: set[str]) -> ColumnSpec:
    types = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
    nullable = "null" in types
    base = next(t for t in types if t != "null")
    fmt = prop.get("format")
    if base == "string":
        kind = {
            "date": ColumnType.DATE,
            "date-time": ColumnType.DATETIME,
            "uuid": ColumnType.UUID,
        }.get(fmt or "", ColumnType.TEXT)
    else:
        kind = ColumnType(base)
    enum = frozenset(prop["enum"]) if "enum" in prop else None
    optional = key not in required
    return ColumnSpec(
        key,
        prop["title"],
        kind,
        nullable,
        enum,
        prop.get("minimum"),
        prop.get("maximum"),
        optional,
        prop.get("default") if optional else None,
    )


@cache
def tables() -> tuple[TableSpec, ...]:
    """The tables of a pipeline file, in sheet order (the optional ones last)."""
    props = schema()["properties"]
    required_tables = set(schema()["required"])
    specs = []
    for key in ALL_TABLE_KEYS:
        table = props[key]
        items = table["items"]
        required = set(items.get("required", ()))
        columns = tuple(_column(k, p, required) for k, p in items["properties"].items())
        rules = tuple(RowRule(tuple(r["sum"]), r["at_most"]) for r in table.get("x-row-rules", ()))
        specs.append(
            TableSpec(
                key,
                table["x-sheet"],
                table.get("description", ""),
                columns,
                key not in required_tables,
                rules,
            )
        )
    return tuple(specs)


def table(key: str) -> TableSpec:
    return next(t for t in tables() if t.key == key)


def continuation_sheet(sheet: str, part: int) -> str:
    """The name of the ``part``-th sheet of a table (1 → "Leads", 2 → "Leads (2)")."""
    return sheet if part == 1 else f"{sheet} ({part})"


# --- typed rows -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StageInfo:
    name: str
    position: int
    probability: float
    kind: str
    stale_days: int | None = None


@dataclass(slots=True)
class FileMeta:
    """What a pipeline file says about itself."""

    rep: str
    exported_at: datetime
    app_version: str
    period_from: date
    period_to: date
    currency: str
    stale_days: int
    stages: list[StageInfo] = field(default_factory=list)
    row_counts: dict[str, int] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION

    def as_json(self) -> dict[str, Any]:
        return {
            "rep": self.rep,
            "exported_at": self.exported_at.isoformat(),
            "app_version": self.app_version,
            "period_from": self.period_from.isoformat(),
            "period_to": self.period_to.isoformat(),
            "currency": self.currency,
            "stale_days": self.stale_days,
            "row_counts": dict(self.row_counts),
        }


@dataclass(frozen=True, slots=True)
class OpportunityRow:
    uuid: str
    name: str
    account: str
    account_uuid: str | None
    contact: str
    stage: str
    outcome: str
    amount: float
    currency: str
    probability: float
    weighted_amount: float
    expected_close: date | None
    next_step: str
    next_step_due: date | None
    stale: bool
    last_touch_at: datetime | None
    stage_entered_at: datetime
    created_at: datetime
    closed_at: datetime | None
    close_reason: str
    close_reason_list: str
    kind: str
    source: str
    campaign: str
    lead_uuid: str | None
    lead_received_at: datetime | None


@dataclass(frozen=True, slots=True)
class LeadRow:
    uuid: str
    received_at: datetime
    name: str
    company: str
    title: str
    email: str
    phone: str
    kind: str
    source: str
    campaign: str
    status: str
    disqualify_reason: str
    nurture_until: date | None
    qualification: int
    account: str
    first_touch_at: datetime | None
    speed_to_lead_hours: float | None
    last_touch_at: datetime | None
    next_followup_at: datetime | None
    opportunity_uuid: str | None


@dataclass(frozen=True, slots=True)
class ActivityRow:
    uuid: str
    at: datetime
    channel: str
    outcome: str
    duration_min: int | None
    who: str
    account: str
    opportunity: str
    note: str
    lead_uuid: str | None
    opportunity_uuid: str | None


@dataclass(frozen=True, slots=True)
class TargetRow:
    uuid: str
    name: str
    domain: str
    industry: str
    employees: int | None
    region: str
    tier: str
    status: str
    fit_score: float | None
    pain_hypothesis: str
    contacts: int
    open_opportunities: int
    target_since: datetime | None
    last_touch_at: datetime | None
    next_followup_at: datetime | None


@dataclass(frozen=True, slots=True)
class FollowUpRow:
    uuid: str
    due_at: datetime
    title: str
    who: str
    account: str
    opportunity: str
    done_at: datetime | None
    overdue: bool
    lead_uuid: str | None
    opportunity_uuid: str | None


@dataclass(frozen=True, slots=True)
class SequenceRow:
    sequence_uuid: str
    sequence: str
    retired: bool
    enrolled: int
    active: int
    paused: int
    finished: int
    stopped: int
    replied: int
    meeting_booked: int
    not_interested: int
    opportunities: int
    won: int
    most_replies_after_step: int | None


@dataclass(frozen=True, slots=True)
class SequenceStepRow:
    sequence_uuid: str
    sequence: str
    step: int
    channel: str
    reached: int
    done: int
    skipped: int
    passed: int
    replied_after: int


ROW_TYPES: dict[str, type[Any]] = {
    "opportunities": OpportunityRow,
    "leads": LeadRow,
    "activities": ActivityRow,
    "targets": TargetRow,
    "follow_ups": FollowUpRow,
    "sequences": SequenceRow,
    "sequence_steps": SequenceStepRow,
}


class LazyColumns(Mapping[str, tuple[Any, ...]]):
    """Checked columns, converted to their Python form the first time each is used."""

    def __init__(self, checked: dict[str, tuple[Any, ...] | Callable[[], tuple[Any, ...]]]) -> None:
        self._items = checked

    def __getitem__(self, key: str) -> tuple[Any, ...]:
        value = self._items[key]
        if callable(value):
            value = value()
            self._items[key] = value
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


@dataclass(slots=True)
class TableData:
    """One table of a read file, column by column (fast to check and to aggregate).

    ``columns[key]`` is a tuple of the column's values, already converted to Python
    types (datetimes aware UTC, dates, floats, ints, bools, text with formula
    protection removed); ``rows()`` gives the typed rows."""

    spec: TableSpec
    columns: Mapping[str, tuple[Any, ...]]
    count: int

    def rows(self) -> list[Any]:
        row_type = ROW_TYPES[self.spec.key]
        if self.count == 0:
            return []
        return list(map(row_type, *(self.columns[k] for k in self.spec.keys)))


@dataclass(slots=True)
class PipelineFile:
    """A pipeline file as read: its metadata and the tables that were asked for."""

    meta: FileMeta
    tables: dict[str, TableData]
    format: str  # "xlsx" or "json"

    def rows(self, key: str) -> list[Any]:
        return self.tables[key].rows()
