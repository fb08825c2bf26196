"""Today's work queue: one ordered list of what to do now, each record once.

The queue is the concatenation of its *sources*, in :data:`QUEUE_SOURCES` order, each
already sorted by its own urgency:

1. ``overdue`` — open follow-ups past due, and sequence steps not done on their day,
   the latest first in line (by lateness);
2. ``new_leads`` — new inbound leads nobody has touched, the longest wait first while
   still inside ``leads.stale_days_new`` (speed-to-lead), then the older ones, newest
   first (a lead ignored for months should not bury this morning's);
3. ``due`` — follow-ups due later today and today's sequence steps, by time;
4. ``nurture`` — nurture leads whose revisit date has come;
5. ``stale_opportunities`` — open deals quiet for their stage's ``stale_days``.

A record reached by two sources appears once, under the first (its most urgent
reason); every row then gets its ``rank`` (1 = do this first) and the phone and email
of the person behind it. A sequence step whose person is already listed rides on that
row (``enrolment_id``, ``step``), so logging the touch there also does the step — a
new inbound lead in *New inbound* stays one line, ranked by its wait, and its step is
never hidden. :data:`TOMORROW_SOURCES` make the *Tomorrow* preview the same way.

**Adding a kind of row** is one function: ``source(conn, clock, limit) ->
QueueSection`` that returns the first ``limit`` rows in its own order and how many
match, inserted into :data:`QUEUE_SOURCES` where its urgency belongs, plus its title in
the Today area (``ui/today/view.py``, ``section_title``). Sources of the same key fill
one section; in :data:`BY_TIME` sections their rows are merged by due moment. Ranking,
de-duplication, phone and email come for free.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, false, func, or_, select

from workbench.domain import (
    Account,
    Contact,
    FollowUp,
    Lead,
    LeadStatus,
    Opportunity,
    OpportunityOutcome,
    PipelineStage,
    StageKind,
    table_of,
)
from workbench.domain.enums import SPEED_TO_LEAD_KINDS
from workbench.services.records import RecordKind, RecordRef
from workbench.services.sequences.due import DueStep, due_between
from workbench.store.sql_functions import unindexed

_L: Any = table_of(Lead).c
_C: Any = table_of(Contact).c
_AC: Any = table_of(Account).c
_O: Any = table_of(Opportunity).c
_F: Any = table_of(FollowUp).c
_S: Any = table_of(PipelineStage).c


@dataclass(frozen=True)
class QueueRow:
    """One line of Today. ``due`` is the moment that matters for its kind: due time,
    received time, revisit date, last touch. ``rank`` is the place in the work queue
    (0 for lines outside it: untouched targets, the own log)."""

    kind: str
    record: RecordRef | None
    label: str
    detail: str = ""
    due: datetime | None = None
    rank: int = 0
    phone: str = ""
    email: str = ""
    followup_id: int | None = None
    activity_id: int | None = None
    flagged: bool = False  # overdue / going stale: shown in the warning colour
    #: The sequence step due for this person ("Call · step 3 of 7 · New inbound"): its
    #: enrolment, the step's text and channel. A step's own row has kind "sequence_step".
    enrolment_id: int | None = None
    step: str = ""
    step_channel: str = ""


@dataclass(frozen=True)
class QueueSection:
    """A source's rows (the first ``limit``) and how many match in all."""

    key: str
    items: tuple[QueueRow, ...]
    total: int


@dataclass(frozen=True)
class QueueClock:
    """The moments and thresholds every source reads (the rep's local calendar)."""

    now: datetime
    start_tomorrow: datetime
    start_day_after: datetime
    local_today: date
    stale_days_new: int
    stale_days_deals: int
    #: Start of the rep's today (None: ``now``): a step due before it is overdue.
    start_today: datetime | None = None


QueueSource = Callable[[Connection, QueueClock, int], QueueSection]


# --- the sources --------------------------------------------------------------------------
def overdue(conn: Connection, clock: QueueClock, limit: int) -> QueueSection:
    return _followups(conn, "overdue", _F.due_at < clock.now, clock.now, limit)


def due_today(conn: Connection, clock: QueueClock, limit: int) -> QueueSection:
    when = (_F.due_at >= clock.now) & (_F.due_at < clock.start_tomorrow)
    return _followups(conn, "due", when, clock.now, limit)


def due_tomorrow(conn: Connection, clock: QueueClock, limit: int) -> QueueSection:
    when = (_F.due_at >= clock.start_tomorrow) & (_F.due_at < clock.start_day_after)
    return _followups(conn, "tomorrow", when, clock.now, limit)


def new_leads(conn: Connection, clock: QueueClock, limit: int) -> QueueSection:
    stale_before = clock.now - timedelta(days=clock.stale_days_new)
    stmt = select(_L.id, _L.name, _L.company, _L.source, _L.received_at, _L.kind)
    # "Untouched" read from last_touch_at (NULL exactly when first_touch_at is): the
    # status index holds it, so this is a scan of the new leads' index entries.
    where = [_L.status == LeadStatus.NEW, _L.deleted_at.is_(None), unindexed(_L.last_touch_at).is_(None)]
    # Two walks of the received index: inside the speed-to-lead window the longest
    # wait first, then the stale ones newest first.
    fresh, fresh_total = first_rows(
        conn,
        table_of(Lead),
        stmt.order_by(_L.received_at, _L.id),
        [*where, _L.received_at >= stale_before],
        limit,
    )
    old, old_total = first_rows(
        conn,
        table_of(Lead),
        stmt.order_by(_L.received_at.desc(), _L.id.desc()),
        [*where, _L.received_at < stale_before],
        max(limit - len(fresh), 0) or 1,
    )
    rows = (fresh + old)[:limit]
    items = tuple(
        QueueRow(
            "new_leads",
            RecordRef(RecordKind.LEAD, lead_id),
            name or company,
            " · ".join(p for p in (company, source) if p),
            # A cold or list lead the rep found waits for nobody: no waiting time.
            received if kind in SPEED_TO_LEAD_KINDS else None,
            flagged=received < stale_before,
        )
        for lead_id, name, company, source, received, kind in rows
    )
    return QueueSection("new_leads", items, fresh_total + old_total)


def overdue_steps(conn: Connection, clock: QueueClock, limit: int) -> QueueSection:
    return _steps(conn, "overdue", None, clock.start_today or clock.now, clock, limit)


def steps_today(conn: Connection, clock: QueueClock, limit: int) -> QueueSection:
    return _steps(conn, "due", clock.start_today or clock.now, clock.start_tomorrow, clock, limit)


def steps_tomorrow(conn: Connection, clock: QueueClock, limit: int) -> QueueSection:
    return _steps(conn, "tomorrow", clock.start_tomorrow, clock.start_day_after, clock, limit)


def revisits(conn: Connection, clock: QueueClock, limit: int) -> QueueSection:
    return _nurture(conn, "nurture", _L.nurture_until <= clock.local_today, limit)


def revisits_tomorrow(conn: Connection, clock: QueueClock, limit: int) -> QueueSection:
    return _nurture(conn, "tomorrow", _L.nurture_until == clock.local_today + timedelta(days=1), limit)


def stale_deals(conn: Connection, clock: QueueClock, limit: int) -> QueueSection:
    now = clock.now
    quiet_since = func.coalesce(_O.last_touch_at, _O.stage_entered_at)
    stages = conn.execute(select(_S.id, _S.stale_days).where(_S.kind == StageKind.OPEN)).all()
    # One threshold per stage, so each stage's own stale_days applies (stages are few).
    stale: ColumnElement[bool] = or_(
        false(),
        *(
            (_O.stage_id == stage_id) & (quiet_since < now - timedelta(days=days or clock.stale_days_deals))
            for stage_id, days in stages
        ),
    )
    where = [_O.outcome == OpportunityOutcome.OPEN, _O.deleted_at.is_(None), stale]
    ids, total = _first_ids(conn, _O.id, [quiet_since, _O.id], where, limit)
    stmt = select(_O.id, _O.name, _AC.name, _S.name, quiet_since).select_from(
        table_of(Opportunity)
        .join(table_of(PipelineStage), _S.id == _O.stage_id)
        .outerjoin(table_of(Account), _AC.id == _O.account_id)
    )
    items = tuple(
        QueueRow(
            "stale_opportunities",
            RecordRef(RecordKind.OPPORTUNITY, opp_id),
            name,
            " · ".join(p for p in (account or "", stage) if p),
            quiet,
            flagged=True,
        )
        for opp_id, name, account, stage, quiet in _by_ids(conn, stmt, _O.id, ids)
    )
    return QueueSection("stale_opportunities", items, total)


#: The work queue's sources, most urgent first (see the module docstring).
QUEUE_SOURCES: tuple[QueueSource, ...] = (
    overdue,
    overdue_steps,
    new_leads,
    due_today,
    steps_today,
    revisits,
    stale_deals,
)
#: Sections whose sources' rows are merged by due moment (follow-ups and steps alike).
BY_TIME = frozenset({"overdue", "due"})
#: The *Tomorrow* preview's sources.
TOMORROW_SOURCES: tuple[QueueSource, ...] = (due_tomorrow, revisits_tomorrow, steps_tomorrow)


def build_queue(
    conn: Connection, clock: QueueClock, limit: int, sources: Sequence[QueueSource] = QUEUE_SOURCES
) -> list[QueueSection]:
    """Each source's section, records already listed by an earlier one left out, rows
    ranked 1… in queue order and carrying phone and email. Sections of the same key are
    merged: by due moment in :data:`BY_TIME` (the first ``limit`` of them), else in
    source order (``tomorrow``'s follow-ups, then revisits)."""
    merged: dict[str, tuple[list[QueueRow], int]] = {}
    for source in sources:
        section = source(conn, clock, limit)
        rows, total = merged.get(section.key, ([], 0))
        merged[section.key] = (rows + list(section.items), total + section.total)
    sections = []
    for key, (rows, total) in merged.items():
        if key in BY_TIME:
            rows = sorted(rows, key=lambda r: r.due or clock.now)[:limit]  # stable: ties keep source order
        sections.append(QueueSection(key, tuple(rows), total))
    return rank_once(sections, conn)


def rank_once(
    sections: Iterable[QueueSection], conn: Connection, *, seen: set[object] | None = None
) -> list[QueueSection]:
    """Drop rows whose record an earlier row already stands for (the total shrinks with
    them), number the rest and fill in how to reach them. A dropped sequence step
    rides on the earlier row of its person (when that row carries no step yet)."""
    seen = set() if seen is None else seen
    kept: list[tuple[QueueSection, list[QueueRow]]] = []
    first: dict[object, tuple[int, int]] = {}  # record → (section, row) of its line
    for section in sections:
        rows: list[QueueRow] = []
        for row in section.items:
            key = row.record if row.record is not None else ("activity", row.activity_id)
            if key in seen:
                _carry_step(kept, rows, first.get(key), row)
                continue
            seen.add(key)
            first[key] = (len(kept), len(rows))
            rows.append(row)
        kept.append((section, rows))
    points = contact_points(conn, [r.record for _s, rows in kept for r in rows if r.record is not None])
    out: list[QueueSection] = []
    rank = 0
    for section, rows in kept:
        ranked = []
        for row in rows:
            rank += 1
            phone, email = points.get(row.record, ("", "")) if row.record is not None else ("", "")
            ranked.append(replace(row, rank=rank, phone=phone, email=email))
        dropped = len(section.items) - len(rows)
        out.append(QueueSection(section.key, tuple(ranked), max(section.total - dropped, len(rows))))
    return out


def _carry_step(
    kept: list[tuple[QueueSection, list[QueueRow]]],
    current: list[QueueRow],
    at: tuple[int, int] | None,
    row: QueueRow,
) -> None:
    if row.enrolment_id is None or at is None:
        return
    rows = current if at[0] == len(kept) else kept[at[0]][1]
    line = rows[at[1]]
    if line.enrolment_id is None:
        rows[at[1]] = replace(
            line,
            enrolment_id=row.enrolment_id,
            step=row.step,
            step_channel=row.step_channel,
            flagged=line.flagged or row.flagged,
        )


def contact_points(conn: Connection, refs: Iterable[RecordRef]) -> dict[RecordRef, tuple[str, str]]:
    """Phone and email of the person behind each record: a lead's own, a contact's, a
    deal's contact, an account's first contact that has either."""
    by_kind: dict[str, list[int]] = {}
    for ref in refs:
        by_kind.setdefault(ref.kind, []).append(ref.id)
    found: dict[RecordRef, tuple[str, str]] = {}
    queries: list[tuple[str, Select[Any], Any]] = [
        (RecordKind.LEAD, select(_L.id, _L.phone, _L.email), _L.id),
        (RecordKind.CONTACT, select(_C.id, _C.phone, _C.email), _C.id),
        (
            RecordKind.OPPORTUNITY,
            select(_O.id, _C.phone, _C.email).select_from(
                table_of(Opportunity).join(table_of(Contact), _C.id == _O.contact_id)
            ),
            _O.id,
        ),
    ]
    for kind, stmt, id_column in queries:
        ids = by_kind.get(kind)
        if not ids:
            continue
        for i in range(0, len(ids), 500):
            for record_id, phone, email in conn.execute(stmt.where(id_column.in_(ids[i : i + 500]))):
                found[RecordRef(RecordKind(kind), int(record_id))] = (phone or "", email or "")
    # An account's first contact that has a phone or an email, read through the account
    # link: SQLite otherwise walked every live contact of the file by ``deleted_at`` (or
    # backwards by id for an ORDER BY): 25 ms on the large demo for twenty accounts.
    accounts = by_kind.get(RecordKind.ACCOUNT, [])
    first: dict[int, tuple[int, str, str]] = {}
    for i in range(0, len(accounts), 500):
        rows = conn.execute(
            select(_C.account_id, _C.id, _C.phone, _C.email).where(
                _C.account_id.in_(accounts[i : i + 500]),
                unindexed(_C.deleted_at).is_(None),
                (_C.phone != "") | (_C.email != ""),
            )
        )
        for account_id, contact_id, phone, email in rows:
            seen = first.get(int(account_id))
            if seen is None or int(contact_id) < seen[0]:
                first[int(account_id)] = (int(contact_id), phone or "", email or "")
    for account_id, (_contact, phone, email) in first.items():
        found[RecordRef(RecordKind.ACCOUNT, account_id)] = (phone, email)
    return found


# --- shared SQL ---------------------------------------------------------------------------
def first_rows(
    conn: Connection, table: Any, stmt: Select[Any], where: list[ColumnElement[bool]], limit: int
) -> tuple[list[Any], int]:
    """The first ``limit`` rows and the full count. The count runs on ``table`` alone
    (``where`` only names its columns): the joins that name the rows would only slow it."""
    for clause in where:
        stmt = stmt.where(clause)
    rows = list(conn.execute(stmt.limit(limit)))
    if len(rows) < limit:
        return rows, len(rows)
    count = select(func.count()).select_from(table).where(*where)
    return rows, int(conn.execute(count).scalar_one())


def _first_ids(
    conn: Connection, id_column: Any, order: list[Any], where: list[ColumnElement[bool]], limit: int
) -> tuple[list[int], int]:
    """The first ``limit`` ids in ``order`` and how many match, in one pass: the count
    rides along as a window function, and only ids are sorted (names are read for the
    few shown, never for every match)."""
    stmt = select(id_column, func.count().over()).where(*where).order_by(*order).limit(limit)
    rows = conn.execute(stmt).all()
    return [int(r[0]) for r in rows], (int(rows[0][1]) if rows else 0)


def _by_ids(conn: Connection, stmt: Select[Any], id_column: Any, ids: list[int]) -> list[Any]:
    """Rows of ``stmt`` for ``ids`` (first column the id), in the order of ``ids``."""
    if not ids:
        return []
    found = {row[0]: row for row in conn.execute(stmt.where(id_column.in_(ids)))}
    return [found[i] for i in ids if i in found]


def _followups(
    conn: Connection, key: str, when: ColumnElement[bool], now: datetime, limit: int
) -> QueueSection:
    name = func.coalesce(
        func.nullif(_C.name, ""), func.nullif(_L.name, ""), func.nullif(_O.name, ""), _AC.name, ""
    )
    company = func.coalesce(func.nullif(_L.company, ""), _AC.name, "")
    stmt = (
        select(
            _F.id,
            _F.title,
            _F.due_at,
            _F.lead_id,
            _F.contact_id,
            _F.account_id,
            _F.opportunity_id,
            name,
            company,
        )
        .select_from(
            table_of(FollowUp)
            .outerjoin(table_of(Lead), _L.id == _F.lead_id)
            .outerjoin(table_of(Contact), _C.id == _F.contact_id)
            .outerjoin(table_of(Account), _AC.id == _F.account_id)
            .outerjoin(table_of(Opportunity), _O.id == _F.opportunity_id)
        )
        .order_by(_F.due_at, _F.id)
    )
    rows, total = first_rows(
        conn, table_of(FollowUp), stmt, [_F.done_at.is_(None), _F.deleted_at.is_(None), when], limit
    )
    items = []
    for fid, title, due, lead_id, contact_id, account_id, opp_id, who, company_name in rows:
        detail = f"{title} · {company_name}" if company_name and company_name != who else title
        items.append(
            QueueRow(
                key,
                _most_specific(lead_id, contact_id, opp_id, account_id),
                who or "",
                detail,
                due,
                followup_id=fid,
                flagged=due < now,
            )
        )
    return QueueSection(key, tuple(items), total)


def _most_specific(
    lead_id: int | None, contact_id: int | None, opp_id: int | None, account_id: int | None
) -> RecordRef | None:
    for kind, record_id in (
        (RecordKind.LEAD, lead_id),
        (RecordKind.CONTACT, contact_id),
        (RecordKind.OPPORTUNITY, opp_id),
        (RecordKind.ACCOUNT, account_id),
    ):
        if record_id:
            return RecordRef(kind, int(record_id))
    return None


def _steps(
    conn: Connection, key: str, start: datetime | None, end: datetime, clock: QueueClock, limit: int
) -> QueueSection:
    overdue_before = clock.start_today or clock.now
    steps, total = due_between(conn, start=start, end=end, overdue_before=overdue_before, limit=limit)
    return QueueSection(key, tuple(step_row(step) for step in steps), total)


def step_row(step: DueStep) -> QueueRow:
    """A due sequence step as a line of the queue: the person, and what to do."""
    company = step.company if step.company and step.company != step.person else ""
    return QueueRow(
        "sequence_step",
        step.ref,
        step.person or step.company,
        " · ".join(p for p in (step.label, company) if p),
        step.due_at,
        flagged=step.overdue,
        enrolment_id=step.enrolment_id,
        step=step.label,
        step_channel=step.channel,
    )


def _nurture(conn: Connection, key: str, when: ColumnElement[bool], limit: int) -> QueueSection:
    # Through the revisit date's index: the revisits due are few beside every nurture
    # lead ever parked, which the status index would walk (and sort) to count them.
    where = [unindexed(_L.status) == LeadStatus.NURTURE, unindexed(_L.deleted_at).is_(None), when]
    ids = [
        int(r[0])
        for r in conn.execute(select(_L.id).where(*where).order_by(_L.nurture_until, _L.id).limit(limit))
    ]
    total = (
        len(ids) if len(ids) < limit else int(conn.execute(select(func.count()).where(*where)).scalar_one())
    )
    rows = _by_ids(conn, select(_L.id, _L.name, _L.company, _L.nurture_until), _L.id, ids)
    items = tuple(
        QueueRow(
            key,
            RecordRef(RecordKind.LEAD, lead_id),
            name or company,
            company,
            datetime.combine(until, time(), tzinfo=UTC) if until else None,
        )
        for lead_id, name, company, until in rows
    )
    return QueueSection(key, items, total)
