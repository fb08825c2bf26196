"""The large demo's bookkeeping, shared by the builder and the lead simulator: ids
assigned up front, rows waiting to be written, integer times formatted by table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from workbench.services.demo.base import DemoRandom, Reference

DAY = 86400


@dataclass(frozen=True)
class LargeSize:
    """Totals of the whole file (the rep's year counts towards them)."""

    accounts: int = 100_000
    leads: int = 1_000_000
    activities: int = 1_000_000
    opportunities: int = 50_000
    years: int = 3
    chunk: int = 20_000
    #: Simulate leads in a worker process (None: when there are two cores and many leads).
    worker: bool | None = None


class TimeText:
    """Integer UTC seconds → the stored text, through per-day and per-second tables."""

    def __init__(self, now: int, years: int) -> None:
        self.first_day = now // DAY - years * 366 - 60
        last_day = now // DAY + 400
        epoch = datetime(1970, 1, 1, tzinfo=UTC)
        self.dates = [
            (epoch + timedelta(days=d)).strftime("%Y-%m-%d") for d in range(self.first_day, last_day)
        ]
        self.day_prefix = [d + " " for d in self.dates]
        self.clock = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000000" for s in range(DAY)]
        #: Month number (year * 12 + month - 1) of each day.
        self.months = [int(d[:4]) * 12 + int(d[5:7]) - 1 for d in self.dates]

    def at(self, ts: int) -> str:
        day, second = divmod(ts, DAY)
        return self.day_prefix[day - self.first_day] + self.clock[second]

    def date(self, ts: int) -> str:
        return self.dates[ts // DAY - self.first_day]


@dataclass
class Ids:
    """Next free id per table, assigned here so rows can reference each other."""

    next: dict[str, int]

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


#: Tables the lead pass writes, parents first, with their columns.
WRITE_ORDER = ("contact", "opportunity", "stage_change", "lead", "activity", "follow_up")


@dataclass
class Buffers:
    """Rows waiting to be written, per table (lists are cleared in place on flush, so
    hot loops may keep their ``append``)."""

    rows: dict[str, list[tuple[Any, ...]]] = field(
        default_factory=lambda: {table: [] for table in WRITE_ORDER}
    )

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.rows[table].append(row)

    def take(self) -> dict[str, list[tuple[Any, ...]]]:
        chunk = {table: list(rows) for table, rows in self.rows.items() if rows}
        for rows in self.rows.values():
            rows.clear()
        return chunk


class Builder(Protocol):
    """What the simulator needs of the large builder (``large.py``, which imports the simulator)."""

    rng: DemoRandom
    now: int
    ref: Reference
    size: LargeSize
    want: dict[str, int]
    text: TimeText
    ids: Ids
    buffers: Buffers
    firsts: list[str]
    lasts: list[str]
    first_slugs: list[str]
    last_slugs: list[str]
    webinars: list[str]
    shows: list[str]
    lists: list[str]
    content: tuple[str, ...]
    acc_first: int
    month0: int
    acc_names: list[str]
    acc_domains: list[str]
    acc_norms: list[str]
    free_companies: list[tuple[str, str, str]]

    def progress(self, message: str) -> None: ...

    def flush(self) -> None: ...
