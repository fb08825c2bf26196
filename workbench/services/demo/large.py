"""The large demo: the rep's year plus three years of mass — 100k accounts, 1M leads,
1M activities, 50k opportunities — for benchmarks and for seeing the app at scale.

Written for speed: names come from pools drawn once from Faker, rows are tuples of
already-formatted values streamed into ``executemany`` a chunk at a time (see
:mod:`workbench.store.bulk`), ids are assigned here so rows can point at each other
without reading anything back, and times are integer seconds formatted through
lookup tables. Every lead is simulated from arrival to outcome in one pass, so its
activities, follow-ups and (when it converted) its contact, opportunity and stage
history agree with its status.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from queue import Empty
from typing import Any

from sqlalchemy import Connection
from sqlmodel import SQLModel

from workbench.domain import Account, Activity, Contact, FollowUp, Lead, Opportunity, StageChange, table_of
from workbench.domain.normalize import company_norm
from workbench.services.demo import pools
from workbench.services.demo.base import DemoRandom, Reference, lookup_table
from workbench.services.demo.large_buffers import WRITE_ORDER, Buffers, Ids, LargeSize, TimeText
from workbench.services.demo.large_leads import LeadSimulator
from workbench.services.demo.people import PeopleFactory, ascii_slug
from workbench.store.bulk import insert_rows

Progress = Callable[[str], None]
DAY = 86400
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


LEAD_COLUMNS = (
    "id uuid created_at updated_at first_name last_name name company company_norm title email email_norm "
    "email_domain phone phone_e164 kind source campaign received_at status status_changed_at "
    "disqualify_reason disqualify_note nurture_until q_budget q_budget_note q_authority q_authority_note "
    "q_need q_need_note q_timeline q_timeline_note q_asked q_asked_note account_id contact_id opportunity_id "
    "first_touch_at last_touch_at next_followup_at speed_to_lead_s"
).split()
ACTIVITY_COLUMNS = (
    "id uuid created_at updated_at channel outcome at duration_min note "
    "lead_id contact_id account_id opportunity_id"
).split()
OPPORTUNITY_COLUMNS = (
    "id uuid created_at updated_at name account_id contact_id amount currency stage_id probability "
    "expected_close next_step next_step_due outcome close_reason close_note closed_at origin_lead_id kind "
    "source campaign lead_received_at stage_entered_at"
).split()
STAGE_CHANGE_COLUMNS = "id uuid opportunity_id from_stage_id to_stage_id at note".split()
CONTACT_COLUMNS = (
    "id uuid created_at updated_at account_id first_name last_name name title buying_role email email_norm "
    "phone phone_e164 linkedin_url origin_lead_id"
).split()
FOLLOW_UP_COLUMNS = (
    "id uuid created_at updated_at title due_at done_at "
    "lead_id contact_id account_id opportunity_id activity_id"
).split()
ACCOUNT_COLUMNS = (
    "id uuid created_at updated_at name name_norm domain website industry employees region".split()
)


COLUMNS = {
    "contact": CONTACT_COLUMNS,
    "opportunity": OPPORTUNITY_COLUMNS,
    "stage_change": STAGE_CHANGE_COLUMNS,
    "lead": LEAD_COLUMNS,
    "activity": ACTIVITY_COLUMNS,
    "follow_up": FOLLOW_UP_COLUMNS,
    "account": ACCOUNT_COLUMNS,
}
MODELS: dict[str, type[SQLModel]] = {
    "account": Account,
    "lead": Lead,
    "activity": Activity,
    "opportunity": Opportunity,
    "stage_change": StageChange,
    "contact": Contact,
    "follow_up": FollowUp,
}


class LargeBuilder:
    def __init__(
        self,
        conn: Connection,
        rng: DemoRandom,
        anchor: datetime,
        ref: Reference,
        next_ids: dict[str, int],
        existing: dict[str, int],
        size: LargeSize,
        progress: Progress,
    ) -> None:
        self.conn = conn
        self.rng = rng
        self.now = int(anchor.timestamp())
        self.ref = ref
        self.ids = Ids(dict(next_ids))
        self.size = size
        self.progress = progress
        self.text = TimeText(self.now, size.years)
        self.want = {
            "account": max(0, size.accounts - existing.get("account", 0)),
            "lead": max(0, size.leads - existing.get("lead", 0)),
            "activity": max(0, size.activities - existing.get("activity", 0)),
            "opportunity": max(0, size.opportunities - existing.get("opportunity", 0)),
        }
        self.buffers = Buffers()
        self.written: dict[str, int] = {}
        self.sink: Callable[[dict[str, list[tuple[Any, ...]]]], None] = self.write_chunk
        #: Called before each chunk is written (raises to stop a cancelled build).
        self.check: Callable[[], None] | None = None

    # --- pools ----------------------------------------------------------------------------
    def _people_pools(self) -> None:
        people = PeopleFactory(self.rng)
        firsts: dict[str, None] = {}
        lasts: dict[str, None] = {}
        for locale in ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "nl_NL", "sv_SE", "pl_PL"):
            fake = people.faker(locale)
            draws = 900 if locale in ("en_US", "en_GB") else 350
            for _ in range(draws):
                firsts[str(fake.first_name())] = None
                lasts[str(fake.last_name())] = None
        self.firsts = list(firsts)
        self.lasts = list(lasts)
        self.first_slugs = [ascii_slug(n) or "x" for n in self.firsts]
        self.last_slugs = [ascii_slug(n) or "x" for n in self.lasts]

    def _campaign_names(self) -> None:
        """Per month since the start: this month's webinar and trade show; per quarter, the intent list."""
        topics = (
            "Pipeline Hygiene 101",
            "Forecasting Without Guesswork",
            "Speed-to-Lead",
            "Cold Calling Live",
        )
        shows = ("SaaStr", "Sales Summit", "RevOps Expo", "B2B Growth Forum")
        start = datetime.fromtimestamp(self.now, UTC) - timedelta(days=self.size.years * 366 + 31)
        self.month0 = start.year * 12 + start.month - 1
        self.webinars: list[str] = []
        self.shows: list[str] = []
        self.lists: list[str] = []
        for m in range(self.size.years * 12 + 14):
            year, month = divmod(self.month0 + m, 12)
            self.webinars.append(f"Webinar: {topics[m % len(topics)]} ({MONTHS[month]} {year})")
            self.shows.append(f"{shows[(m // 3) % len(shows)]} {year} booth scans")
            self.lists.append(f"Intent list Q{month // 3 + 1} {year}")
        self.content: tuple[str, ...] = (
            "Ebook: Cold Calling Playbook",
            "Report: State of Outbound",
            "Checklist: Lead Triage",
        )

    # --- accounts ---------------------------------------------------------------------------
    def accounts(self) -> None:
        rng, r = self.rng, self.rng.random
        n = self.want["account"]
        stems = list(dict.fromkeys([*pools.STEMS, *self.lasts]))
        words = [*pools.COMPANY_WORDS, *pools.MORE_COMPANY_WORDS]
        combos = len(stems) * len(words)
        picks = rng.sample(range(combos), min(n, combos))
        while len(picks) < n:  # more accounts than names: repeat with a region tag
            picks.append(picks[len(picks) % max(1, combos)])
        self.acc_first = self.ids.next["account"]
        self.acc_names: list[str] = []
        self.acc_domains: list[str] = []
        self.acc_norms: list[str] = []
        self.acc_regions: list[str] = []
        regions = lookup_table([(reg, 5.0 if reg == "North America" else 1.0) for reg in pools.REGIONS])
        industries, sizes = pools.INDUSTRIES, (15, 40, 90, 200, 450, 900, 2000, 5000, 12000, 40000)
        suffixes, tlds = pools.COMPANY_SUFFIXES, pools.TLDS
        text = self.text
        rows = []
        span = self.size.years * 365 * DAY
        for k, combo in enumerate(picks):
            stem, word = stems[combo // len(words)], words[combo % len(words)]
            suffix = suffixes[int(r() * len(suffixes))]
            name = f"{stem} {word} {suffix}".rstrip()
            region = regions[int(r() * len(regions))]
            if k >= combos:
                name = f"{name} ({region})"
            domain = (
                f"{ascii_slug(stem)}{ascii_slug(word)}{'' if k < combos else k}.{tlds[int(r() * len(tlds))]}"
            )
            created = text.at(self.now - span - int(r() * 200 * DAY))
            account_id = self.ids.take("account")
            norm = company_norm(name)
            rows.append(
                (
                    account_id,
                    rng.uuid(),
                    created,
                    created,
                    name,
                    norm,
                    domain,
                    "https://www." + domain,
                    industries[int(r() * len(industries))],
                    sizes[int(r() * len(sizes))] + int(r() * 50),
                    region,
                )
            )
            self.acc_names.append(name)
            self.acc_domains.append(domain)
            self.acc_norms.append(norm)
            self.acc_regions.append(region)
        self._write("account", COLUMNS["account"], rows)
        # Companies that are not accounts (yet): where unlinked leads work.
        self.free_companies: list[tuple[str, str, str]] = []
        for _ in range(20_000):
            stem = stems[int(r() * len(stems))]
            word = words[int(r() * len(words))]
            name = f"{stem} {word} {suffixes[int(r() * len(suffixes))]}".rstrip()
            domain = f"{ascii_slug(stem)}-{ascii_slug(word)}.{tlds[int(r() * len(tlds))]}"
            self.free_companies.append((name, company_norm(name), domain))

    # --- writing ----------------------------------------------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        # Sent to the lead worker process: everything but the connection and callbacks.
        state = self.__dict__.copy()
        state.update(conn=None, progress=None, sink=None, check=None)
        return state

    def _write(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        assert self.conn is not None
        written = insert_rows(self.conn, table_of(MODELS[table]), columns, rows)
        self.written[table] = self.written.get(table, 0) + written

    def write_chunk(self, chunk: dict[str, list[tuple[Any, ...]]]) -> None:
        if self.check is not None:
            self.check()
        for table in WRITE_ORDER:
            rows = chunk.get(table)
            if rows:
                self._write(table, COLUMNS[table], rows)

    def flush(self) -> None:
        """Hand the buffered rows to the sink: the database, or the parent process."""
        chunk = self.buffers.take()
        if chunk:
            self.sink(chunk)

    # --- the mass -----------------------------------------------------------------------------
    def build(self) -> dict[str, int]:
        self.progress("large demo: name pools")
        self._people_pools()
        self._campaign_names()
        if self.check is not None:
            self.check()
        self.progress(f"large demo: {self.want['account']:,} accounts")
        self.accounts()
        self.leads()
        return self.written

    def leads(self) -> None:
        """Simulate the leads in a worker process while this one writes what it sends
        (generating and inserting each take about half the time; two cores do both at
        once). One worker, one seeded RNG: the rows are the same as in one process."""
        use_worker = self.size.worker
        if use_worker is None:
            use_worker = (os.cpu_count() or 1) >= 2 and self.want["lead"] >= 50_000
        if not use_worker:
            self.sink = self.write_chunk
            LeadSimulator(self).run()
            return
        context = multiprocessing.get_context("spawn")
        queue: Any = context.Queue(maxsize=3)
        worker = context.Process(target=_lead_worker, args=(self, queue), daemon=True)
        worker.start()
        try:
            while True:
                try:
                    kind, payload = queue.get(timeout=1.0)
                except Empty:
                    if self.check is not None:
                        self.check()  # a cancel stops the worker (finally below)
                    if not worker.is_alive():
                        raise RuntimeError(f"the lead worker stopped (exit {worker.exitcode})") from None
                    continue
                if kind == "rows":
                    self.write_chunk(payload)
                elif kind == "progress":
                    self.progress(payload)
                elif kind == "done":
                    self.ids.next.update(payload)
                    break
                else:
                    raise RuntimeError(f"the lead worker failed:\n{payload}")
        finally:
            if worker.is_alive():
                worker.terminate()
            worker.join()


def _lead_worker(builder: LargeBuilder, queue: Any) -> None:
    try:
        builder.sink = lambda chunk: queue.put(("rows", chunk))
        builder.progress = lambda message: queue.put(("progress", message))
        LeadSimulator(builder).run()
        queue.put(("done", builder.ids.next))
    except BaseException:
        queue.put(("error", traceback.format_exc()))
