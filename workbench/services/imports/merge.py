"""Merging an imported row into the lead it duplicates: fill empty fields only.

The stored lead keeps every value it has and all its history; the row only fills
what is empty (with the columns derived from it: a filled email brings its
``email_norm`` and ``email_domain``). For leads that existed before the import, the
previous and new values are recorded in an :class:`~workbench.domain.ImportMerge`, so
undoing the import empties exactly those fields again. A row that fills nothing is
"already present".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, insert, select, update

from workbench.domain import ImportMerge, Lead, table_of
from workbench.domain.normalize import full_name

L: Any = table_of(Lead).c
_LEAD = table_of(Lead)
_MERGE = table_of(ImportMerge)

#: Fields a merge fills when the stored lead has them empty, with the columns derived
#: from each (which travel with it).
MERGE_FIELDS: dict[str, tuple[str, ...]] = {
    "first_name": (),
    "last_name": (),
    "company": ("company_norm",),
    "title": (),
    "email": ("email_norm", "email_domain"),
    "phone": ("phone_e164",),
    "source": (),
    "campaign": (),
    "notes": (),
}
_READ = ("id", "name", "account_id", *MERGE_FIELDS, *(d for ds in MERGE_FIELDS.values() for d in ds))


class MergeRequest(NamedTuple):
    target: int
    #: The row's lead columns, including the account it would be linked to.
    incoming: dict[str, Any]


def fill_empty(lead: Mapping[str, Any], incoming: Mapping[str, Any]) -> dict[str, Any]:
    """The fields (with their derived columns) that ``incoming`` fills on ``lead``."""
    changes: dict[str, Any] = {}
    for name, derived in MERGE_FIELDS.items():
        if not lead.get(name) and incoming.get(name):
            changes[name] = incoming[name]
            for column in derived:
                changes[column] = incoming[column]
    if ("first_name" in changes or "last_name" in changes) and not lead.get("name"):
        changes["name"] = full_name(
            changes.get("first_name", lead.get("first_name") or ""),
            changes.get("last_name", lead.get("last_name") or ""),
        )
    if lead.get("account_id") is None and incoming.get("account_id") is not None:
        changes["account_id"] = incoming["account_id"]
    return changes


def merge_rows(
    conn: Connection,
    requests: Sequence[MergeRequest],
    pending: dict[int, dict[str, Any]],
    *,
    batch_id: int,
    stored_before: Callable[[int], bool],
    now: datetime,
) -> list[list[str] | None]:
    """Apply ``requests`` in order; per request, the fields it filled (``None`` when the
    lead is gone).

    Targets in ``pending`` (rows of this chunk not yet inserted) are changed in place;
    the others are updated in the database, and those ``stored_before`` this import
    get an ImportMerge record for undo.
    """
    stored_ids = sorted({r.target for r in requests if r.target not in pending})
    current: dict[int, dict[str, Any]] = {}
    cols = [L[name] for name in _READ]
    for start in range(0, len(stored_ids), 900):
        part = stored_ids[start : start + 900]
        for row in conn.execute(select(*cols).where(L.id.in_(part))).mappings():
            current[int(row["id"])] = dict(row)
    outcomes: list[list[str] | None] = []
    before: dict[int, dict[str, Any]] = {}
    after: dict[int, dict[str, Any]] = {}
    for target, incoming in requests:
        lead = pending.get(target) or current.get(target)
        if lead is None:
            outcomes.append(None)
            continue
        changes = fill_empty(lead, incoming)
        outcomes.append(sorted(c for c in changes if c in MERGE_FIELDS or c == "account_id"))
        if not changes:
            continue
        if target not in pending:
            old = before.setdefault(target, {})
            for name in changes:
                old.setdefault(name, lead.get(name))
            after.setdefault(target, {}).update(changes)
        lead.update(changes)
    for target, changes in after.items():
        conn.execute(update(_LEAD).where(L.id == target).values(**changes, updated_at=now))
        if stored_before(target):
            record = {"before": before[target], "after": changes}
            conn.execute(
                insert(_MERGE).values(
                    batch_id=batch_id,
                    lead_id=target,
                    before_json=json.dumps(record, ensure_ascii=False, default=str),
                )
            )
    return outcomes


__all__ = ["MERGE_FIELDS", "MergeRequest", "fill_empty", "merge_rows"]
