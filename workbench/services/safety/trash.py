"""The trash: deleting a lead, account or opportunity hides it (and what hangs on it)
until the rep restores it.

Deleting stamps ``deleted_at`` on the record **and** on its live activities and
follow-ups (for accounts also its contacts) with one and the same timestamp. Restoring
clears exactly the rows carrying the record's stamp, so an activity the rep had trashed
on its own earlier stays in the trash. Touch columns are recomputed afterwards, because
hiding activities moves "last touch" and "next follow-up" of everything they were
linked to.

Deleting permanently (``purge``, ``empty``) removes trashed records for good with the
activities and follow-ups in the trash that point at them (and, for an account, its
trashed contacts); a live row that still points at a purged record loses that link
instead of being removed with it.

API for every area: ``delete(wb, "lead", ids)``, ``restore(wb, "lead", ids)``,
``purge(wb, "lead", ids)``, ``empty(wb)``, ``list_items(wb)``, ``count(wb)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, Table, func, literal, select, union_all, update
from sqlalchemy import delete as sql_delete
from sqlalchemy.sql.elements import ColumnElement

from workbench.domain import (
    Account,
    AccountCheck,
    AccountEvent,
    Activity,
    Contact,
    Enrolment,
    EnrolmentEvent,
    FollowUp,
    ImportMerge,
    Lead,
    Opportunity,
    StageChange,
    table_of,
)
from workbench.services.clock import Clock, system_clock
from workbench.services.outreach import touches
from workbench.store import Workbench

TrashKind = Literal["lead", "account", "opportunity"]
KINDS: tuple[TrashKind, ...] = ("lead", "account", "opportunity")

_CHUNK = 500


@dataclass(frozen=True)
class _Spec:
    table: Table
    #: (dependent table, its column pointing at the record) trashed along with it.
    dependents: tuple[tuple[Table, str], ...]


def _spec(kind: str) -> _Spec:
    activity, follow_up, enrolment = table_of(Activity), table_of(FollowUp), table_of(Enrolment)
    if kind == "lead":
        return _Spec(table_of(Lead), ((activity, "lead_id"), (follow_up, "lead_id"), (enrolment, "lead_id")))
    if kind == "account":
        return _Spec(
            table_of(Account),
            (
                (activity, "account_id"),
                (follow_up, "account_id"),
                (table_of(Contact), "account_id"),
                (enrolment, "account_id"),
            ),
        )
    if kind == "opportunity":
        return _Spec(table_of(Opportunity), ((activity, "opportunity_id"), (follow_up, "opportunity_id")))
    raise ValueError(f"unknown kind of record for the trash: {kind!r}")


@dataclass(frozen=True)
class TrashItem:
    """One trashed record as the Trash view lists it."""

    kind: TrashKind
    id: int
    label: str
    detail: str
    deleted_at: datetime
    #: Activities and follow-ups that went to the trash with it.
    attached: int


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    unique = sorted({int(i) for i in ids})
    for start in range(0, len(unique), _CHUNK):
        yield unique[start : start + _CHUNK]


def _touched_links(conn: Connection, dependent: Table, column: str, ids: list[int]) -> dict[str, set[int]]:
    """Which leads/accounts/opportunities the moved activities and follow-ups point at."""
    links: dict[str, set[int]] = {"lead": set(), "account": set(), "opportunity": set()}
    if dependent.name not in ("activity", "follow_up"):
        return links
    c = dependent.c
    rows = conn.execute(select(c.lead_id, c.account_id, c.opportunity_id).where(c[column].in_(ids)))
    for lead_id, account_id, opportunity_id in rows:
        if lead_id is not None:
            links["lead"].add(lead_id)
        if account_id is not None:
            links["account"].add(account_id)
        if opportunity_id is not None:
            links["opportunity"].add(opportunity_id)
    return links


def _recompute(conn: Connection, kind: str, ids: Sequence[int], links: dict[str, set[int]]) -> None:
    own = set(ids)
    touches.recompute(
        conn,
        lead_ids=links["lead"] | (own if kind == "lead" else set()),
        account_ids=links["account"] | (own if kind == "account" else set()),
        opportunity_ids=links["opportunity"] | (own if kind == "opportunity" else set()),
    )


def _merge(into: dict[str, set[int]], more: dict[str, set[int]]) -> None:
    for key, values in more.items():
        into[key] |= values


def delete(wb: Workbench, kind: str, ids: Iterable[int], *, clock: Clock = system_clock) -> datetime:
    """Move records (and what hangs on them) to the trash; returns the stamp they share."""
    spec = _spec(kind)
    stamp = clock()
    links: dict[str, set[int]] = {"lead": set(), "account": set(), "opportunity": set()}
    moved: list[int] = []
    with wb.engine.begin() as conn:
        for batch in _chunks(ids):
            live = [
                int(i)
                for i in conn.execute(
                    select(spec.table.c.id).where(
                        spec.table.c.id.in_(batch), spec.table.c.deleted_at.is_(None)
                    )
                ).scalars()
            ]
            if not live:
                continue
            moved.extend(live)
            for dependent, column in spec.dependents:
                col = dependent.c[column]
                alive = col.in_(live) & dependent.c.deleted_at.is_(None)
                _merge(links, _touched_links(conn, dependent, column, live))
                conn.execute(update(dependent).where(alive).values(deleted_at=stamp))
            conn.execute(update(spec.table).where(spec.table.c.id.in_(live)).values(deleted_at=stamp))
        _recompute(conn, kind, moved, links)
    return stamp


def _in_trash(conn: Connection, table: Table, ids: Sequence[int]) -> list[int]:
    """Which of ``ids`` are in the trash (the others are live, or gone)."""
    stmt = select(table.c.id).where(table.c.id.in_(ids), table.c.deleted_at.is_not(None))
    return [int(i) for i in conn.execute(stmt).scalars()]


def restore(wb: Workbench, kind: str, ids: Iterable[int]) -> int:
    """Bring records back with exactly the activities and follow-ups trashed with them.

    Returns how many records came back (records not in the trash are ignored)."""
    spec = _spec(kind)
    links: dict[str, set[int]] = {"lead": set(), "account": set(), "opportunity": set()}
    restored: list[int] = []
    record = spec.table
    with wb.engine.begin() as conn:
        for batch in _chunks(ids):
            trashed = _in_trash(conn, record, batch)
            if not trashed:
                continue
            restored.extend(trashed)
            for dependent, column in spec.dependents:
                col = dependent.c[column]
                # The record's own stamp, read in SQL: only rows trashed together come back.
                same_stamp = (
                    select(record.c.deleted_at).where(record.c.id == col).scalar_subquery()
                    == dependent.c.deleted_at
                )
                conn.execute(
                    update(dependent)
                    .where(col.in_(trashed), dependent.c.deleted_at.is_not(None), same_stamp)
                    .values(deleted_at=None)
                )
                _merge(links, _touched_links(conn, dependent, column, trashed))
            conn.execute(update(record).where(record.c.id.in_(trashed)).values(deleted_at=None))
        _recompute(conn, kind, restored, links)
    return len(restored)


def _attached(record: Table, dependent: Table, column: str) -> ColumnElement[Any]:
    return (
        select(func.count())
        .select_from(dependent)
        .where(dependent.c[column] == record.c.id, dependent.c.deleted_at == record.c.deleted_at)
        .scalar_subquery()
    )


def _listing(kind: TrashKind) -> Any:
    spec = _spec(kind)
    t = spec.table
    activity, follow_up = spec.dependents[0][0], spec.dependents[1][0]
    column = spec.dependents[0][1]
    attached = _attached(t, activity, column) + _attached(t, follow_up, column)
    if kind == "lead":
        label, detail = t.c.name, t.c.company
    elif kind == "account":
        label, detail = t.c.name, t.c.domain
    else:
        label, detail = t.c.name, t.c.next_step
    return select(
        literal(kind).label("kind"),
        t.c.id.label("id"),
        label.label("label"),
        detail.label("detail"),
        t.c.deleted_at.label("deleted_at"),
        attached.label("attached"),
    ).where(t.c.deleted_at.is_not(None))


def list_items(wb: Workbench, kind: str | None = None, *, limit: int = 1000) -> list[TrashItem]:
    """The newest trashed records first (at most ``limit``)."""
    kinds = KINDS if kind is None else tuple(k for k in KINDS if k == kind)
    if not kinds:
        raise ValueError(f"unknown kind of record for the trash: {kind!r}")
    parts = [_listing(k) for k in kinds]
    query = union_all(*parts).subquery()
    stmt = select(query).order_by(query.c.deleted_at.desc(), query.c.kind, query.c.id).limit(limit)
    with wb.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    items: list[TrashItem] = []
    for k, record_id, label, detail, deleted_at, attached in rows:
        items.append(TrashItem(k, int(record_id), label or "", detail or "", deleted_at, int(attached)))
    return items


def count(wb: Workbench, kind: str | None = None) -> int:
    kinds = KINDS if kind is None else (kind,)
    total = 0
    with wb.engine.connect() as conn:
        for k in kinds:
            t = _spec(k).table
            total += int(
                conn.execute(
                    select(func.count()).select_from(t).where(t.c.deleted_at.is_not(None))
                ).scalar_one()
            )
    return total


# --- deleting for good ---------------------------------------------------------------------


def _references(kind: str) -> tuple[tuple[Table, str], ...]:
    """Every (table, column) with a foreign key to a record of ``kind``."""
    activity, follow_up, lead = table_of(Activity), table_of(FollowUp), table_of(Lead)
    opportunity = table_of(Opportunity)
    if kind == "lead":
        return (
            (activity, "lead_id"),
            (follow_up, "lead_id"),
            (table_of(ImportMerge), "lead_id"),
            (table_of(Enrolment), "lead_id"),
        )
    if kind == "account":
        return (
            (activity, "account_id"),
            (follow_up, "account_id"),
            (table_of(Contact), "account_id"),
            (lead, "account_id"),
            (opportunity, "account_id"),
            (table_of(AccountCheck), "account_id"),
            (table_of(AccountEvent), "account_id"),
            (table_of(Enrolment), "account_id"),
        )
    if kind == "contact":
        return (
            (activity, "contact_id"),
            (follow_up, "contact_id"),
            (lead, "contact_id"),
            (opportunity, "contact_id"),
            (table_of(Enrolment), "contact_id"),
        )
    if kind == "opportunity":
        return (
            (activity, "opportunity_id"),
            (follow_up, "opportunity_id"),
            (lead, "opportunity_id"),
            (table_of(StageChange), "opportunity_id"),
        )
    raise ValueError(f"unknown kind of record for the trash: {kind!r}")


def _drop_references(conn: Connection, kind: str, ids: list[int]) -> None:
    """Make ``ids`` (about to be deleted) unreferenced: rows in the trash that point at
    them go too; live ones, and rows that are only a record's history, lose the link."""
    for table, column in _references(kind):
        col = table.c[column]
        if "deleted_at" not in table.c:  # checks, events, merges, stage history: theirs only
            conn.execute(sql_delete(table).where(col.in_(ids)))
            continue
        trashed = [
            int(i)
            for i in conn.execute(
                select(table.c.id).where(col.in_(ids), table.c.deleted_at.is_not(None))
            ).scalars()
        ]
        if trashed:
            _delete_rows(conn, table, trashed)
        conn.execute(update(table).where(col.in_(ids)).values({column: None}))


def _delete_rows(conn: Connection, table: Table, ids: list[int]) -> None:
    """Delete trashed dependents: activities (follow-ups made by them lose the link),
    follow-ups, and an account's trashed contacts (with their own references)."""
    if table.name == "activity":
        follow_up = table_of(FollowUp)
        conn.execute(update(follow_up).where(follow_up.c.activity_id.in_(ids)).values(activity_id=None))
        conn.execute(sql_delete(table).where(table.c.id.in_(ids)))
    elif table.name == "follow_up":
        conn.execute(sql_delete(table).where(table.c.id.in_(ids)))
    elif table.name == "enrolment":
        events = table_of(EnrolmentEvent)
        conn.execute(sql_delete(events).where(events.c.enrolment_id.in_(ids)))
        conn.execute(sql_delete(table).where(table.c.id.in_(ids)))
    elif table.name == "contact":
        _purge_kind(conn, "contact", ids)
    # A trashed lead or opportunity that merely pointed at the record stays in the trash
    # (it went there on its own); the caller unlinks it like a live one.


def _purge_kind(conn: Connection, kind: str, ids: list[int]) -> None:
    _drop_references(conn, kind, ids)
    table = table_of(Contact) if kind == "contact" else _spec(kind).table
    conn.execute(sql_delete(table).where(table.c.id.in_(ids)))


def purge(wb: Workbench, kind: str, ids: Iterable[int]) -> int:
    """Delete trashed records for good, with what went to the trash with them. Records
    that are not in the trash are left alone. Returns how many records were deleted."""
    table = _spec(kind).table
    purged = 0
    with wb.engine.begin() as conn:
        for batch in _chunks(ids):
            trashed = _in_trash(conn, table, batch)
            if trashed:
                _purge_kind(conn, kind, trashed)
                purged += len(trashed)
    return purged


def empty(wb: Workbench) -> int:
    """Delete everything in the trash for good; returns how many records went."""
    purged = 0
    for kind in KINDS:
        while True:
            ids = [item.id for item in list_items(wb, kind, limit=_CHUNK * 4)]
            if not ids:
                break
            purged += purge(wb, kind, ids)
    return purged
