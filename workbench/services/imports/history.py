"""The imports a file has seen, undoing one whole import, and saved mapping presets.

**Undo** works on everything an import did, in one transaction:

* leads it added and nobody has worked on since are deleted;
* leads it added that have activities, follow-ups, an opportunity or a contact since
  are moved to the trash with those (restorable there), never silently destroyed;
* fields it filled on existing leads (merges) are emptied again — only where the
  field still holds what the import put there, so later edits by the rep stay;
* a company list imported as accounts: the accounts it created are deleted (or, worked
  on since, trashed), those it put on the target list are taken off again, the fields
  it filled and the leads it linked are as before (:func:`.accounts.undo_accounts`).

The batch stays in the history, marked undone, and its file may be imported again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, exists, func, or_, select, update

from workbench.domain import (
    Activity,
    Contact,
    FollowUp,
    ImportBatch,
    ImportMerge,
    Lead,
    Opportunity,
    table_of,
)
from workbench.domain.enums import ImportStatus
from workbench.services.clock import Clock, system_clock
from workbench.services.imports import accounts
from workbench.services.imports.merge import MERGE_FIELDS
from workbench.services.outreach import touches
from workbench.services.settings import values as settings
from workbench.store import Workbench

#: Saved mappings, ``{name: {header: field}}`` (default in ``settings.DEFAULTS``).
PRESETS_KEY = "import.presets"

_BATCH = table_of(ImportBatch)
_MERGE = table_of(ImportMerge)
_LEAD = table_of(Lead)
L: Any = _LEAD.c
_CHUNK = 500


class UndoRefused(ValueError):
    """The import cannot be undone (unknown, or undone already)."""


@dataclass(frozen=True)
class BatchInfo:
    id: int
    file_name: str
    started_at: datetime
    rows: int
    inserted: int
    merged: int
    skipped: int
    rejected: int
    status: str
    undone_at: datetime | None
    #: Leads of this import that are still live.
    live_leads: int
    options: Mapping[str, Any]

    @property
    def undone(self) -> bool:
        return self.status == ImportStatus.UNDONE.value

    @property
    def accounts(self) -> bool:
        """A company list imported as accounts (not leads)."""
        return bool(self.options.get("as", "leads") != "leads")


@dataclass(frozen=True)
class UndoResult:
    batch_id: int
    deleted: int
    trashed: int
    restored_fields: int
    #: An account import (a company list): accounts removed, moved to the trash (worked
    #: on since), and accounts it had put on the target list taken off again.
    accounts_deleted: int = 0
    accounts_trashed: int = 0
    demoted: int = 0


def list_batches(wb: Workbench, *, limit: int = 500) -> list[BatchInfo]:
    """Imports, newest first."""
    b = _BATCH.c
    live = (
        select(L.import_batch_id, L.id)
        .where(L.import_batch_id.is_not(None), L.deleted_at.is_(None))
        .subquery()
    )
    counts = (
        select(live.c.import_batch_id.label("batch"), func.count(live.c.id).label("n"))
        .group_by(live.c.import_batch_id)
        .subquery()
    )
    stmt = (
        select(_BATCH, func.coalesce(counts.c.n, 0).label("live"))
        .outerjoin(counts, counts.c.batch == b.id)
        .order_by(b.id.desc())
        .limit(limit)
    )
    with wb.engine.connect() as conn:
        rows = conn.execute(stmt).mappings().all()
    return [
        BatchInfo(
            id=int(r["id"]),
            file_name=r["file_name"],
            started_at=r["started_at"],
            rows=r["rows"],
            inserted=r["inserted"],
            merged=r["merged"],
            skipped=r["skipped"],
            rejected=r["rejected"],
            status=r["status"],
            undone_at=r["undone_at"],
            live_leads=int(r["live"]),
            options=_options(r["options"]),
        )
        for r in rows
    ]


def _options(text: str) -> Mapping[str, Any]:
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def _worked_on() -> Any:
    """Leads that have history the rep would not want to lose."""
    a, f = table_of(Activity).c, table_of(FollowUp).c
    o, c = table_of(Opportunity).c, table_of(Contact).c
    return or_(
        L.opportunity_id.is_not(None),
        L.contact_id.is_not(None),
        exists().where(a.lead_id == L.id),
        exists().where(f.lead_id == L.id),
        exists().where(o.origin_lead_id == L.id),
        exists().where(c.origin_lead_id == L.id),
    )


def undo_import(wb: Workbench, batch_id: int, *, clock: Clock = system_clock) -> UndoResult:
    """Undo one whole import (see the module's notes). Raises :class:`UndoRefused`."""
    now = clock()
    with wb.engine.begin() as conn:
        batch = conn.execute(select(_BATCH).where(_BATCH.c.id == batch_id)).mappings().first()
        if batch is None:
            raise UndoRefused(f"There is no import number {batch_id}.")
        if batch["status"] == ImportStatus.UNDONE.value:
            raise UndoRefused(f"Import {batch_id} ({batch['file_name']}) was undone already.")
        restored = _undo_merges(conn, batch_id)
        deleted, trashed = _remove_leads(conn, batch_id, now)
        record = _options(batch["options"]).get(accounts.UNDO_KEY)
        gone = binned = demoted = 0
        if isinstance(record, dict):
            gone, binned, filled, demoted = accounts.undo_accounts(conn, record, now)
            restored += filled
        conn.execute(
            update(_BATCH)
            .where(_BATCH.c.id == batch_id)
            .values(status=ImportStatus.UNDONE.value, undone_at=now)
        )
    return UndoResult(batch_id, deleted, trashed, restored, gone, binned, demoted)


def _undo_merges(conn: Connection, batch_id: int) -> int:
    restored = 0
    rows = conn.execute(
        select(_MERGE.c.lead_id, _MERGE.c.before_json)
        .where(_MERGE.c.batch_id == batch_id)
        .order_by(_MERGE.c.id.desc())
    ).all()
    for lead_id, text in rows:
        record = _options(text)
        before: Mapping[str, Any] = record.get("before", {})
        after: Mapping[str, Any] = record.get("after", {})
        current = conn.execute(select(_LEAD).where(L.id == lead_id)).mappings().first()
        if current is None:
            continue
        changes = {
            name: value
            for name, value in before.items()
            if name in after and _same(current.get(name), after[name])
        }
        if changes:
            conn.execute(update(_LEAD).where(L.id == lead_id).values(**changes))
            # Counted as the rep sees them: a phone, not its phone_e164 as well.
            restored += sum(1 for name in changes if name in MERGE_FIELDS or name == "account_id")
    return restored


def _same(stored: Any, written: Any) -> bool:
    return stored == written or (stored is not None and str(stored) == str(written))


def _remove_leads(conn: Connection, batch_id: int, now: datetime) -> tuple[int, int]:
    ids = [int(i) for i in conn.execute(select(L.id).where(L.import_batch_id == batch_id)).scalars()]
    deleted = trashed = 0
    activity, follow_up = table_of(Activity), table_of(FollowUp)
    accounts: set[int] = set()
    opportunities: set[int] = set()
    for start in range(0, len(ids), _CHUNK):
        part = ids[start : start + _CHUNK]
        worked = [int(i) for i in conn.execute(select(L.id).where(L.id.in_(part), _worked_on())).scalars()]
        untouched = sorted(set(part) - set(worked))
        if untouched:
            deleted += conn.execute(delete(_LEAD).where(L.id.in_(untouched))).rowcount or 0
        live_worked = [
            int(i)
            for i in conn.execute(select(L.id).where(L.id.in_(worked), L.deleted_at.is_(None))).scalars()
        ]
        if live_worked:
            for table in (activity, follow_up):
                for account_id, opportunity_id in conn.execute(
                    select(table.c.account_id, table.c.opportunity_id).where(
                        table.c.lead_id.in_(live_worked), table.c.deleted_at.is_(None)
                    )
                ):
                    if account_id is not None:
                        accounts.add(int(account_id))
                    if opportunity_id is not None:
                        opportunities.add(int(opportunity_id))
                conn.execute(
                    update(table)
                    .where(table.c.lead_id.in_(live_worked), table.c.deleted_at.is_(None))
                    .values(deleted_at=now)
                )
            conn.execute(update(_LEAD).where(L.id.in_(live_worked)).values(deleted_at=now))
            trashed += len(live_worked)
            touches.recompute(conn, lead_ids=live_worked)
    if accounts or opportunities:
        touches.recompute(conn, account_ids=accounts, opportunity_ids=opportunities)
    return deleted, trashed


# --- presets ------------------------------------------------------------------------------
def presets(wb: Workbench) -> dict[str, dict[str, str]]:
    """Saved mappings by name: ``{name: {header: field}}``."""
    value = settings.read(wb, PRESETS_KEY) or {}
    return {str(k): dict(v) for k, v in value.items() if isinstance(v, dict)}


def save_preset(wb: Workbench, name: str, mapping: Mapping[str, str]) -> None:
    name = name.strip()
    if not name:
        raise ValueError("A preset needs a name.")
    with wb.session() as session:
        value = dict(settings.get(session, PRESETS_KEY) or {})
        value[name] = dict(mapping)
        settings.put(session, PRESETS_KEY, value)


def delete_preset(wb: Workbench, name: str) -> None:
    with wb.session() as session:
        value = dict(settings.get(session, PRESETS_KEY) or {})
        value.pop(name, None)
        settings.put(session, PRESETS_KEY, value)


__all__ = [
    "PRESETS_KEY",
    "BatchInfo",
    "UndoRefused",
    "UndoResult",
    "delete_preset",
    "list_batches",
    "presets",
    "save_preset",
    "undo_import",
]
