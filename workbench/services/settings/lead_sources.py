"""The editable list of lead sources (web form, webinar, trade show…).

A lead keeps its source as text, so the list is what the pickers offer, in the rep's
order. Saving a list (:func:`save_sources`) renames, reorders, adds and hides in one
transaction: a renamed source renames it on the leads and opportunities that carry
it too (the rep means "call it this from now on", and Insights must not split one
source into two); a source left out is *hidden* (inactive), never deleted, so leads
that carry it keep it and it can come back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlmodel import Session

from workbench.domain import Lead, LeadSource, Opportunity, table_of
from workbench.store import Workbench

MAX_LENGTH = 120
_S = table_of(LeadSource)


class SourceError(ValueError):
    """A list of sources that cannot be saved; the message says why."""


@dataclass(frozen=True)
class SourceRow:
    """One source as the editor holds it: ``id`` None for a new one; ``original`` the
    name it had when read (a different ``name`` is a rename)."""

    id: int | None
    name: str
    original: str = ""


def list_sources(wb: Workbench) -> list[SourceRow]:
    """The active sources in the rep's order."""
    with wb.reading() as session:
        return sources_in(session)


def sources_in(session: Session) -> list[SourceRow]:
    rows = session.connection().execute(
        select(_S.c.id, _S.c.name).where(_S.c.active.is_(True)).order_by(_S.c.position, _S.c.name)
    )
    return [SourceRow(int(i), str(n), str(n)) for i, n in rows]


def _clean(name: str) -> str:
    text = " ".join(name.split())
    if not text:
        raise SourceError("A source needs a name.")
    if len(text) > MAX_LENGTH:
        raise SourceError(f"A source name is at most {MAX_LENGTH} characters.")
    return text


def save_sources(wb: Workbench, rows: Sequence[SourceRow]) -> int:
    """Make the active sources exactly ``rows``, in that order. Returns how many leads
    and opportunities a rename changed. Raises :class:`SourceError` (nothing written)."""
    with wb.session() as session:
        return save_sources_in(session, rows)


def save_sources_in(session: Session, rows: Sequence[SourceRow]) -> int:
    cleaned = [SourceRow(r.id, _clean(r.name), r.original) for r in rows]
    names = [r.name.casefold() for r in cleaned]
    if len(set(names)) != len(names):
        twice = next(r.name for r in cleaned if names.count(r.name.casefold()) > 1)
        raise SourceError(f"“{twice}” is in the list twice.")
    conn = session.connection()
    existing = {
        int(i): (str(n), bool(a)) for i, n, a in conn.execute(select(_S.c.id, _S.c.name, _S.c.active))
    }
    by_name = {n.casefold(): i for i, (n, _a) in existing.items()}
    kept = {r.id for r in cleaned if r.id is not None}
    for row in cleaned:
        owner = by_name.get(row.name.casefold())
        if row.id is not None and owner is not None and owner != row.id and owner not in kept:
            raise SourceError(
                f"“{row.name}” is a hidden source: add it back as a new line "
                "instead of renaming another one to it."
            )
    changed = 0
    # Hide first, then park renamed rows under temporary names: a swap of two names
    # (or a new row taking a hidden one's name) must not trip the unique name. The
    # parking prefix is a control character nobody types — not NUL, which PostgreSQL's
    # text refuses.
    conn.execute(update(_S).where(_S.c.id.not_in(kept or {-1})).values(active=False))
    for row in cleaned:
        if row.id is not None and row.id in existing and existing[row.id][0] != row.name:
            conn.execute(update(_S).where(_S.c.id == row.id).values(name=f"\x1frenaming {row.id}"))
    for position, row in enumerate(cleaned):
        source_id = row.id if row.id in existing else None
        if source_id is None:
            # A name that exists (hidden, or typed again) is brought back, not duplicated.
            source_id = by_name.get(row.name.casefold())
            if source_id is not None and source_id in kept:
                source_id = None
        if source_id is None:
            conn.execute(_S.insert().values(name=row.name, position=position, active=True))
            continue
        old_name = existing[source_id][0]
        conn.execute(
            update(_S).where(_S.c.id == source_id).values(name=row.name, position=position, active=True)
        )
        if old_name != row.name:
            changed += _rename_on_records(session, old_name, row.name)
    return changed


def _rename_on_records(session: Session, old: str, new: str) -> int:
    conn = session.connection()
    count = 0
    for model in (Lead, Opportunity):
        table = table_of(model)
        if "source" not in table.c:
            continue
        result = conn.execute(update(table).where(table.c.source == old).values(source=new))
        count += int(result.rowcount or 0)
    return count


def count_using(wb: Workbench, name: str) -> int:
    """How many live leads carry the source ``name``."""
    table = table_of(Lead)
    with wb.engine.connect() as conn:
        stmt = (
            select(func.count())
            .select_from(table)
            .where(table.c.source == name, table.c.deleted_at.is_(None))
        )
        return int(conn.execute(stmt).scalar_one())
