"""The leads table: columns, free-text filter, chip filters, row marks and default order.

Chips (``TableQuery.chips``) the leads area may set, every one answered through an
index on ``lead`` so they stay instant on a million rows:

* ``status`` / ``kind`` / ``source``: lists of values (empty or missing = all);
* ``stale``: only leads with no touch for longer than the settings allow;
* ``untouched``: new leads nobody has touched yet;
* ``revisit``: nurture leads whose revisit date has come.

A lead is **stale** when it is ``new`` and nothing happened since it arrived for
``leads.stale_days_new`` days, or ``working`` with no touch for
``leads.stale_days_working`` days (counted from its last touch, or from when it became
working if it was never touched). Rows are marked in SQL: ``stale``, ``untouched``,
``due`` (nurture revisit date reached) or nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, bindparam, case, func, literal, or_, select
from sqlalchemy.types import Date

from workbench.domain import Lead, LeadStatus, table_of
from workbench.services.clock import Clock, system_clock
from workbench.services.settings import values as settings
from workbench.services.tables import Column, ColumnKind, SqlTableSource, TableQuery
from workbench.store import Workbench
from workbench.store.fulltext import filter_words, id_among, lead_match, lead_match_count

L: Any = table_of(Lead).c

#: Typed text matching at least 1/WALK_ORDER_SHARE of all leads is paged by walking the
#: sort column's index (see :func:`text_filter`). Measured on the large demo (1M leads):
#: from about a thousand matches the walk to the first 200 (tens of ms) beats looking
#: up and sorting every match, which grows to a second at 20,000 matches (and costs a
#: disk read per row when the file is not in the page cache).
WALK_ORDER_SHARE = 1000
#: Without a full-text index (a PostgreSQL team database) typed text is matched by
#: scanning the leads; counting them keeps up to this many matching ids, so the page
#: queries that follow look them up instead of scanning again (half the cost of a
#: keystroke). More matches than that are counted and paged the plain way.
REMEMBERED_MATCHES = 20_000

CHIP_KEYS = ("status", "kind", "source", "stale", "untouched", "revisit")


def lead_columns() -> list[Column]:
    return [
        Column("name", "Name", L.name, width=170),
        Column("company", "Company", L.company, width=170),
        Column("title", "Title", L.title, width=150),
        Column("kind", "Kind", L.kind, width=70),
        Column("source", "Source", L.source, width=110),
        Column("campaign", "Campaign", L.campaign, width=140),
        Column("received", "Received", L.received_at, ColumnKind.DATETIME, width=120),
        Column("age", "Age", L.received_at, ColumnKind.AGE, width=90),  # "16 h 58 min" whole
        Column("status", "Status", L.status, width=90),
        Column("first_touch", "First touch", L.first_touch_at, ColumnKind.DATETIME, width=120),
        Column("speed", "Speed-to-lead", L.speed_to_lead_s, ColumnKind.DURATION, width=100),
        Column("last_touch", "Last touch", L.last_touch_at, ColumnKind.DATETIME, width=120),
        Column("next_followup", "Next follow-up", L.next_followup_at, ColumnKind.DATETIME, width=120),
    ]


@dataclass
class StaleRule:
    """The thresholds and "now" that stale marks are computed against.

    The table's SQL reads these at execution time (through bound parameters), so
    :meth:`refresh` before a reload is enough to follow the clock and the settings."""

    clock: Clock = system_clock
    new_days: int = int(settings.DEFAULTS["leads.stale_days_new"])
    working_days: int = int(settings.DEFAULTS["leads.stale_days_working"])
    now: datetime = field(default_factory=system_clock)

    def refresh(self, wb: Workbench) -> None:
        values = settings.read_all(wb)
        self.new_days = int(values["leads.stale_days_new"])
        self.working_days = int(values["leads.stale_days_working"])
        self.now = self.clock()

    @property
    def new_before(self) -> datetime:
        return self.now - timedelta(days=self.new_days)

    @property
    def working_before(self) -> datetime:
        return self.now - timedelta(days=self.working_days)

    @property
    def today(self) -> date:
        return self.now.date()


def _cut(name: str, value: Callable[[], datetime]) -> Any:
    return bindparam(name, callable_=value, type_=L.received_at.type, unique=True)


def _stale_arms(rule: StaleRule) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    new_cut = _cut("stale_new_before", lambda: rule.new_before)
    work_cut = _cut("stale_working_before", lambda: rule.working_before)
    stale_new = and_(
        L.status == LeadStatus.NEW.value,
        L.received_at < new_cut,
        or_(L.last_touch_at.is_(None), L.last_touch_at < new_cut),
    )
    stale_working = and_(
        L.status == LeadStatus.WORKING.value,
        L.received_at < work_cut,
        or_(L.last_touch_at.is_(None), L.last_touch_at < work_cut),
        or_(L.last_touch_at.is_not(None), L.status_changed_at.is_(None), L.status_changed_at < work_cut),
    )
    return stale_new, stale_working


def _only_in_index(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """The same test, written so no single-column index looks attractive for it: the
    planner then stays on ``ix_lead_status_live``, which holds every column it needs."""
    return case((condition, 1), else_=0) == 1


#: The statuses a lead can be stale in.
STALE_STATUSES = (LeadStatus.NEW.value, LeadStatus.WORKING.value)


def stale_clause(rule: StaleRule) -> ColumnElement[bool]:
    """Stale leads: one range of ``ix_lead_status_live`` (status in new/working, received
    before the later cut), the exact per-status test read from the same index."""
    stale_new, stale_working = _stale_arms(rule)
    later_cut = _cut("stale_before", lambda: max(rule.new_before, rule.working_before))
    return and_(
        L.status.in_(STALE_STATUSES),
        L.received_at < later_cut,
        _only_in_index(or_(stale_new, stale_working)),
    )


def untouched_clause() -> ColumnElement[bool]:
    # last_touch_at is empty exactly when first_touch_at is (touches.py sets both), and
    # it is part of the covering index.
    return and_(L.status == LeadStatus.NEW.value, _only_in_index(L.last_touch_at.is_(None)))


def revisit_clause(rule: StaleRule) -> ColumnElement[bool]:
    today = bindparam("revisit_today", callable_=lambda: rule.today, type_=Date(), unique=True)
    return and_(L.status == LeadStatus.NURTURE.value, L.nurture_until <= today)


def style_expr(rule: StaleRule) -> ColumnElement[Any]:
    stale_new, stale_working = _stale_arms(rule)
    return case(
        (stale_new, literal("stale")),
        (stale_working, literal("stale")),
        (and_(L.status == LeadStatus.NEW.value, L.last_touch_at.is_(None)), literal("untouched")),
        (revisit_clause(rule), literal("due")),
        else_=literal(""),
    )


def text_filter(dialect: str, text: str, *, walk_order: bool = False) -> ColumnElement[bool] | None:
    """Leads matching every typed word. ``walk_order`` writes the id test so that it
    cannot drive the query (``id + 0``): the database then walks the sort column's index
    and tests each row, which is the fast way when many leads match; otherwise it looks
    up every match and sorts them, the fast way when few do."""
    id_test = (L.id + 0) if walk_order else L.id
    if not filter_words(text):
        return None  # only single letters so far: no filter until the next one
    return lead_match(dialect, text, id_test, [L.name, L.company, L.email, L.phone])


def _base(stmt: Select[Any]) -> Select[Any]:
    return stmt.select_from(table_of(Lead)).where(L.deleted_at.is_(None))


def _values(chips: Mapping[str, Any], key: str) -> list[str]:
    raw = chips.get(key) or ()
    if isinstance(raw, str):
        raw = (raw,)
    return [str(v) for v in raw]


def chip_clauses(chips: Mapping[str, Any], rule: StaleRule) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    for key, column in (("status", L.status), ("kind", L.kind), ("source", L.source)):
        values = _values(chips, key)
        if len(values) == 1:
            clauses.append(column == values[0])
        elif values:
            clauses.append(column.in_(values))
    if chips.get("stale"):
        clauses.append(stale_clause(rule))
    if chips.get("untouched"):
        clauses.append(untouched_clause())
    if chips.get("revisit"):
        clauses.append(revisit_clause(rule))
    return clauses


class LeadTableSource(SqlTableSource):
    """The leads table with its stale rule; call :meth:`refresh_rule` before reloading."""

    def __init__(self, wb: Workbench, clock: Clock = system_clock) -> None:
        self.rule = StaleRule(clock=clock, now=clock())
        rule = self.rule
        self._walk_order = False

        def chip_filter(chips: Mapping[str, Any]) -> Sequence[ColumnElement[bool]]:
            return chip_clauses(chips, rule)

        def typed(dialect: str, text: str) -> ColumnElement[bool] | None:
            if self._among is not None:
                return id_among(dialect, L.id, self._among)
            return text_filter(dialect, text, walk_order=self._walk_order)

        super().__init__(
            wb,
            id_column=L.id,
            columns=lead_columns(),
            base=_base,
            text_filter=typed,
            chip_filter=chip_filter,
            style=style_expr(rule),
            default_sort=("received", True),
        )
        self.refresh_rule()

    def refresh_rule(self) -> None:
        self.rule.refresh(self.wb)
        self._all_leads = None
        self._matches = None

    def count(self, query: TableQuery) -> int:
        """Without chips, live leads are counted as everything minus the trash, each in an
        index alone (the full-text index for typed text, else the table's smallest
        index), and the trash through its small partial index: no row is read."""
        self._matches = None
        if chip_clauses(query.chips, self.rule):
            return super().count(query)
        lead = table_of(Lead)
        trashed_stmt = select(func.count()).select_from(lead).where(L.deleted_at.is_not(None))
        with self.wb.engine.connect() as conn:
            if filter_words(query.text):
                total = lead_match_count(conn, query.text)
                if total is None:
                    return self._count_remembering_matches(conn, query)
                # Walk the (small) trash and test each against the matches, never the
                # other way round.
                clause = text_filter(self.wb.dialect, query.text, walk_order=True)
                if clause is not None:
                    trashed_stmt = trashed_stmt.where(clause)
            else:
                total = int(conn.execute(select(func.count()).select_from(lead)).scalar_one())
            trashed = int(conn.execute(trashed_stmt).scalar_one())
        return total - trashed

    def _count_remembering_matches(self, conn: Connection, query: TableQuery) -> int:
        stmt = self._where(select(L.id), query).limit(REMEMBERED_MATCHES + 1)
        ids = [int(i) for i in conn.execute(stmt).scalars()]
        if len(ids) > REMEMBERED_MATCHES:
            return super().count(query)
        self._matches = (query.text, ids)
        return len(ids)

    def fetch(
        self, query: TableQuery, offset: int, limit: int, total: int | None = None
    ) -> list[tuple[Any, ...]]:
        matches = self._matches
        if matches is not None and matches[0] == query.text and not chip_clauses(query.chips, self.rule):
            self._among = matches[1]
        else:
            all_leads = self._all_leads_estimate()
            self._walk_order = (
                bool(filter_words(query.text)) and total is not None and total * WALK_ORDER_SHARE >= all_leads
            )
        try:
            return super().fetch(query, offset, limit, total)
        finally:
            self._walk_order = False
            self._among = None

    def branches(self, query: TableQuery) -> list[TableQuery]:
        """Several statuses (a chip pair, or the stale chip's new + working) sorted by
        when they arrived: one walk of ``ix_lead_status_live`` per status, merged."""
        key, _descending = self.sort_of(query)
        if key not in ("received", "age") or filter_words(query.text):
            return []
        if query.chips.get("untouched") or query.chips.get("revisit"):
            return []  # one status already
        statuses = _values(query.chips, "status")
        if query.chips.get("stale"):
            statuses = [s for s in statuses or STALE_STATUSES if s in STALE_STATUSES]
        if len(statuses) < 2:
            return []
        return [dataclasses.replace(query, chips={**query.chips, "status": [s]}) for s in statuses]

    def _all_leads_estimate(self) -> int:
        if self._all_leads is None:
            with self.wb.engine.connect() as conn:
                self._all_leads = int(
                    conn.execute(select(func.count()).select_from(table_of(Lead))).scalar_one()
                )
        return self._all_leads

    _all_leads: int | None = None
    #: The typed text last counted without a full-text index, and its matching ids.
    _matches: tuple[str, list[int]] | None = None
    #: Set while fetching a page of those matches.
    _among: list[int] | None = None


def lead_table(wb: Workbench, clock: Clock = system_clock) -> LeadTableSource:
    return LeadTableSource(wb, clock)
