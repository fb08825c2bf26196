"""What every demo builder shares: a seeded RNG with the helpers demo data needs, the
reference rows of a new file (stages, sources, ICP criteria), and a collector for rows.

Reproducibility rules: every random choice comes from one seeded :class:`DemoRandom`
(UUIDs too), and every time is derived from the *anchor* ("now" of the demo), never
the wall clock. Times are whole seconds so derived figures (speed-to-lead) are exact.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Connection, select
from sqlmodel import SQLModel

from workbench.domain import IcpCriterion, LeadSource, PipelineStage, table_of
from workbench.domain.models import ALL_TABLES

T = TypeVar("T")

_V4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_V4_SET = (0x4000 << 64) | (0x8000 << 48)


class DemoRandom(random.Random):
    """``random.Random`` plus the few draws demo data needs, all reproducible."""

    def uuid(self) -> str:
        """A version-4 UUID string drawn from this generator (not from the OS)."""
        h = f"{(self.getrandbits(128) & _V4_CLEAR) | _V4_SET:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def chance(self, p: float) -> bool:
        return self.random() < p

    def pick(self, weighted: Sequence[tuple[T, float]]) -> T:
        total = sum(w for _, w in weighted)
        x = self.random() * total
        for value, weight in weighted:
            x -= weight
            if x < 0:
                return value
        return weighted[-1][0]

    def moment(self, start: datetime, end: datetime) -> datetime:
        """A whole-second time in [start, end] (start when the span is empty)."""
        span = int((end - start).total_seconds())
        return start + timedelta(seconds=self.randint(0, span) if span > 0 else 0)

    def work_moment(self, start: datetime, end: datetime) -> datetime:
        """Like :meth:`moment` but on a weekday between 08:00 and 18:00 when the span allows."""
        for _ in range(6):
            at = self.moment(start, end)
            if at.weekday() < 5 and 8 <= at.hour < 18:
                return at
            moved = at.replace(
                hour=self.randint(8, 17), minute=self.randint(0, 59), second=self.randint(0, 59)
            )
            if moved.weekday() < 5 and start <= moved <= end:
                return moved
        return self.moment(start, end)


def lookup_table(weighted: Sequence[tuple[T, float]], size: int = 1000) -> list[T]:
    """Values repeated in proportion to their weights: ``table[int(random() * len(table))]``
    is a weighted choice at the price of one index (hot loops of the large demo)."""
    total = sum(w for _, w in weighted)
    table: list[T] = []
    for value, weight in weighted:
        table.extend([value] * max(1, round(size * weight / total)))
    return table


@dataclass(frozen=True)
class Stage:
    id: int
    name: str
    position: int
    probability: float
    kind: str


@dataclass(frozen=True)
class Criterion:
    id: int
    name: str
    weight: float
    position: int


@dataclass
class Reference:
    """The configuration rows every new file has (seeded by ``services.setup``)."""

    stages: list[Stage]
    criteria: list[Criterion]
    sources: list[str]

    @property
    def open_stages(self) -> list[Stage]:
        return [s for s in self.stages if s.kind == "open"]

    def stage(self, kind: str) -> Stage:
        return next(s for s in self.stages if s.kind == kind)


def load_reference(conn: Connection) -> Reference:
    st = table_of(PipelineStage).c
    stages = [
        Stage(r.id, r.name, r.position, r.probability, r.kind)
        for r in conn.execute(
            select(st.id, st.name, st.position, st.probability, st.kind).order_by(st.position)
        )
    ]
    cr = table_of(IcpCriterion).c
    criteria = [
        Criterion(r.id, r.name, r.weight, r.position)
        for r in conn.execute(select(cr.id, cr.name, cr.weight, cr.position).order_by(cr.position))
    ]
    so = table_of(LeadSource).c
    sources = [r.name for r in conn.execute(select(so.name).order_by(so.position))]
    return Reference(stages, criteria, sources)


def pin_reference_rows(conn: Connection, rng: DemoRandom, created: datetime) -> None:
    """Give the rows ``setup`` created random UUIDs and wall-clock times deterministic
    ones, so two demos built from one seed are identical."""
    for model in (PipelineStage, IcpCriterion):
        table = table_of(model)
        for (row_id,) in conn.execute(select(table.c.id).order_by(table.c.id)).all():
            conn.execute(
                table.update()
                .where(table.c.id == row_id)
                .values(uuid=rng.uuid(), created_at=created, updated_at=created)
            )


@dataclass
class Rows:
    """Rows collected by table name with explicit ids, inserted in dependency order."""

    next_ids: dict[str, int] = field(default_factory=dict)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def start_ids(self, conn: Connection) -> None:
        for model in ALL_TABLES:
            table = table_of(model)
            if "id" in table.c:
                top = conn.execute(select(table.c.id).order_by(table.c.id.desc()).limit(1)).scalar()
                self.next_ids[table.name] = int(top or 0) + 1

    def new_id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def add(self, table: str, **values: Any) -> dict[str, Any]:
        if "id" not in values and table in self.next_ids:
            values["id"] = self.new_id(table)
        self.rows.setdefault(table, []).append(values)
        return values

    def count(self, table: str) -> int:
        return len(self.rows.get(table, []))

    def insert_all(self, conn: Connection, check: Callable[[], None] | None = None) -> None:
        """Insert with every column given (so no wall-clock or random default fires);
        ``check`` runs before each table (a cancelled build stops there)."""
        for table in SQLModel.metadata.sorted_tables:  # parents before children
            batch = self.rows.get(table.name)
            if batch:
                if check is not None:
                    check()
                conn.execute(table.insert(), [_complete(table, r) for r in batch])


def _complete(table: Any, values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in table.columns:
        if column.name in values:
            out[column.name] = values[column.name]
        elif column.default is not None and getattr(column.default, "is_scalar", False):
            out[column.name] = column.default.arg
        elif column.nullable:
            out[column.name] = None
        else:
            raise ValueError(f"demo row for {table.name} lacks {column.name}")
    return out


def default_anchor(today: date | None = None) -> datetime:
    """09:00 UTC of today: demo data looks current on the day it is built."""
    day = today or datetime.now(UTC).date()
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def parse_anchor(text: str) -> datetime:
    """An ISO date or date-time; naive values are taken as UTC."""
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0)
