"""Building a demo workbench file: a temporary file beside the target, filled in one
transaction, renamed into place only when complete."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select

from workbench.domain import (
    Account,
    AccountCheck,
    AccountEvent,
    Activity,
    Contact,
    FollowUp,
    Lead,
    Opportunity,
    StageChange,
    table_of,
)
from workbench.services.demo import story as story_mod
from workbench.services.demo import story_outreach, story_pipeline, story_sequences
from workbench.services.demo.base import (
    DemoRandom,
    Rows,
    default_anchor,
    load_reference,
    pin_reference_rows,
)
from workbench.services.demo.large import LargeBuilder
from workbench.services.demo.large_buffers import LargeSize
from workbench.services.demo.people import PeopleFactory
from workbench.services.outreach.touches import TOUCH_CHANNELS
from workbench.store import open_workbench, stage_links
from workbench.store.bulk import (
    build_pragmas,
    finish_file,
    new_file_beside,
    refresh_touch_columns,
    without_secondary_indexes,
)

Progress = Callable[[str], None]
#: Asked between the build's steps and bulk batches; True stops the build.
StopAsked = Callable[[], bool]
SIZES = ("small", "large")
#: Converted leads in the rep's year (plus the deals opened on target accounts).
CONVERTED_LEADS = 30
#: Tables the large build fills in bulk: their indexes are built once, at the end.
BULK_TABLES = ("account", "contact", "lead", "activity", "opportunity", "stage_change", "follow_up")
COUNTED = (Account, Contact, Lead, Activity, FollowUp, Opportunity, StageChange, AccountCheck, AccountEvent)


@dataclass(frozen=True)
class DemoOptions:
    size: str = "small"
    seed: int = 1
    rep_name: str | None = None
    anchor: datetime | None = None
    #: Totals of the large size (tests build a scaled-down one).
    large: LargeSize = field(default_factory=LargeSize)


@dataclass
class DemoSummary:
    path: Path
    size: str
    seed: int
    anchor: datetime
    rep_name: str
    counts: dict[str, int]
    seconds: float
    #: CPU time of the build (worker process included): on a shared machine the wall
    #: time says more about the neighbours than about the build.
    cpu_seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "size": self.size,
            "seed": self.seed,
            "anchor": self.anchor.isoformat(),
            "rep_name": self.rep_name,
            "counts": self.counts,
            "seconds": round(self.seconds, 1),
            "cpu_seconds": round(self.cpu_seconds, 1),
        }


class DemoCancelled(Exception):
    """The build was stopped on request; the half-built temporary file is gone."""


def _quiet(_message: str) -> None:
    pass


def _checkpoint(stop: StopAsked | None) -> Callable[[], None]:
    """A function the build calls between steps: raises :class:`DemoCancelled` once
    ``stop()`` says so (the temporary file is then removed by ``new_file_beside``)."""

    def check() -> None:
        if stop is not None and stop():
            raise DemoCancelled()

    return check


def build_demo(
    path: Path,
    options: DemoOptions,
    *,
    replace: bool = False,
    progress: Progress | None = None,
    stop: StopAsked | None = None,
) -> DemoSummary:
    """Build a demo workbench at ``path``. Refuses an existing file unless ``replace``;
    on any failure nothing is left behind (and a replaced file is untouched).

    ``stop`` is asked between the build's steps and between bulk batches; once it
    returns True the build raises :class:`DemoCancelled` and leaves nothing behind."""
    if options.size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}")
    say = progress or _quiet
    check = _checkpoint(stop)
    started = time.perf_counter()
    cpu_started = _cpu_seconds()
    anchor = (options.anchor or default_anchor()).replace(microsecond=0)
    rng = DemoRandom(options.seed)
    large = options.size == "large"
    with new_file_beside(Path(path), replace=replace) as temp:
        check()
        wb = open_workbench(temp)
        try:
            wb.engine.dispose()  # the build's connection must be the only one
            with wb.engine.connect() as conn:
                build_pragmas(conn, foreign_keys=not large)
                with conn.begin():
                    rep_name, counts = _fill(conn, rng, anchor, options, say, check)
                check()
                finish_file(conn)
        finally:
            wb.close()
    return DemoSummary(
        Path(path),
        options.size,
        options.seed,
        anchor,
        rep_name,
        counts,
        time.perf_counter() - started,
        _cpu_seconds() - cpu_started,
    )


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the lead worker)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _fill(
    conn: Connection,
    rng: DemoRandom,
    anchor: datetime,
    options: DemoOptions,
    say: Progress,
    check: Callable[[], None],
) -> tuple[str, dict[str, int]]:
    pin_reference_rows(conn, rng, anchor - timedelta(days=400))
    ref = load_reference(conn)
    rows = Rows()
    rows.start_ids(conn)
    people = PeopleFactory(rng)
    rep_name = options.rep_name or people.person("North America").name
    say("building the rep's year: target accounts, leads, outreach, pipeline")
    story = story_mod.Story(rng, anchor, ref, rows, people)
    for step in (story_mod.make_accounts, story_mod.make_contacts, story_mod.make_leads):
        check()
        step(story)
    story_mod.assign_statuses(story, CONVERTED_LEADS)
    check()
    story_outreach.target_outreach(story)
    deals = story_pipeline.make_deals(story)
    converted_at = {d.lead["id"]: d.created for d in deals if d.lead is not None}
    check()
    story_outreach.lead_outreach(story, converted_at)
    check()
    story_outreach.deal_outreach(story, deals)
    story_outreach.follow_ups(story, deals)
    story_outreach.settle_targets(story, deals)
    for key, value in (("profile.rep_name", rep_name), ("profile.currency", "USD")):
        rows.add("setting", key=key, value=json.dumps(value))
    rows.insert_all(conn, check)
    check()
    refresh_touch_columns(conn, TOUCH_CHANNELS)
    check()
    story_sequences.enrol_story(conn, rng, anchor)
    if options.size != "large":
        stage_links.relink(conn)
    else:
        with without_secondary_indexes(conn, BULK_TABLES):
            existing = {name: len(batch) for name, batch in rows.rows.items()}
            builder = LargeBuilder(conn, rng, anchor, ref, rows.next_ids, existing, options.large, say)
            builder.check = check
            builder.build()
            check()
            say("touch columns of accounts, contacts and opportunities")
            # The lead simulator wrote the leads' own touch columns as it went.
            refresh_touch_columns(conn, TOUCH_CHANNELS, leads=False)
            say("stage history links")
            stage_links.relink(conn)
            say("building indexes and the full-text index")
            check()
    return rep_name, count_rows(conn)


def count_rows(conn: Connection) -> dict[str, int]:
    counts: dict[str, int] = {}
    for model in COUNTED:
        table = table_of(model)
        counts[table.name] = int(conn.execute(select(func.count()).select_from(table)).scalar_one())
    return counts
