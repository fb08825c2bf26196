"""Open follow-ups as a list, and their export to a calendar file.

The export remembers what it wrote (setting :data:`EXPORTED_SETTING`: per follow-up
UUID its title, due time and ``SEQUENCE``), so the next export also writes every
follow-up it exported before that is now done, trashed or deleted, as
``STATUS:CANCELLED`` with a higher ``SEQUENCE``: a calendar that imports the file
drops it (issue 18: a calendar held 134 events for 132 open follow-ups). A cancelled
one is written for :data:`CANCELLED_KEPT` after it went, then forgotten.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from workbench.domain import Account, Contact, FollowUp, Lead, Opportunity, table_of
from workbench.exchange.ics import CalendarItem, sequence_of, write_calendar
from workbench.services.settings import values as settings
from workbench.store import Workbench

EXPORTED_SETTING = "outreach.ics_exported"
CANCELLED_KEPT = timedelta(days=90)

_F: Any = table_of(FollowUp).c
_L: Any = table_of(Lead).c
_C: Any = table_of(Contact).c
_AC: Any = table_of(Account).c
_O: Any = table_of(Opportunity).c


@dataclass(frozen=True)
class OpenFollowUp:
    id: int
    uuid: str
    title: str
    due_at: datetime
    updated_at: datetime
    who: str
    company: str
    phone: str
    email: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "uuid": self.uuid,
            "title": self.title,
            "due_at": self.due_at.isoformat(),
            "who": self.who,
            "company": self.company,
            "phone": self.phone,
            "email": self.email,
        }

    def calendar_item(self) -> CalendarItem:
        return CalendarItem(
            self.uuid,
            self.title,
            self.due_at,
            self.updated_at,
            self.who,
            self.company,
            self.phone,
            self.email,
        )


def open_followups(wb: Workbench, *, limit: int | None = None) -> list[OpenFollowUp]:
    """Every open (not done, not trashed) follow-up, soonest first, with who it is about."""
    who = func.coalesce(
        func.nullif(_C.name, ""), func.nullif(_L.name, ""), func.nullif(_O.name, ""), _AC.name, ""
    )
    company = func.coalesce(func.nullif(_L.company, ""), _AC.name, "")
    phone = func.coalesce(func.nullif(_C.phone, ""), _L.phone, "")
    email = func.coalesce(func.nullif(_C.email, ""), _L.email, "")
    stmt = (
        select(_F.id, _F.uuid, _F.title, _F.due_at, _F.updated_at, who, company, phone, email)
        .select_from(
            table_of(FollowUp)
            .outerjoin(table_of(Lead), _L.id == _F.lead_id)
            .outerjoin(table_of(Contact), _C.id == _F.contact_id)
            .outerjoin(table_of(Account), _AC.id == _F.account_id)
            .outerjoin(table_of(Opportunity), _O.id == _F.opportunity_id)
        )
        .where(_F.done_at.is_(None), _F.deleted_at.is_(None))
        .order_by(_F.due_at, _F.id)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    with wb.engine.connect() as conn:
        return [OpenFollowUp(*row) for row in conn.execute(stmt)]


def open_titles(wb: Workbench, followup_ids: Sequence[int]) -> list[tuple[str, datetime]]:
    """Title and due time of the open follow-ups among ``followup_ids``, soonest first
    (the quick log names the follow-up a log ticks off)."""
    if not followup_ids:
        return []
    stmt = (
        select(_F.title, _F.due_at)
        .where(_F.id.in_(list(followup_ids)), _F.done_at.is_(None), _F.deleted_at.is_(None))
        .order_by(_F.due_at, _F.id)
    )
    with wb.engine.connect() as conn:
        return [(str(title or ""), _when(due) or due) for title, due in conn.execute(stmt)]


def _when(text: Any) -> datetime | None:
    try:
        value = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def export_ics(wb: Workbench, path: Path, *, now: datetime) -> int:
    """Write every open follow-up to ``path`` as an ``.ics`` file, with the ones
    exported before and gone since as cancelled; returns how many are open."""
    remembered = settings.read(wb, EXPORTED_SETTING)
    memory: dict[str, dict[str, Any]] = remembered if isinstance(remembered, dict) else {}
    items: list[CalendarItem] = []
    kept: dict[str, dict[str, Any]] = {}
    open_uuids: set[str] = set()
    for followup in open_followups(wb):
        item = followup.calendar_item()
        before = memory.get(item.uuid) or {}
        # Never lower than what the calendar holds (a cancelled one reopened).
        sequence = max(sequence_of(item), int(before.get("sequence", 0)) + (1 if before.get("gone") else 0))
        items.append(replace(item, sequence=sequence))
        open_uuids.add(item.uuid)
        kept[item.uuid] = {"title": item.title, "due": item.due.isoformat(), "sequence": sequence}
    for uuid, before in memory.items():
        if uuid in open_uuids or not isinstance(before, dict):
            continue
        gone = _when(before.get("gone")) or now
        due = _when(before.get("due"))
        if now - gone > CANCELLED_KEPT or due is None:
            continue  # long enough: every calendar that imports exports has seen it
        sequence = int(before.get("sequence", 0)) + (0 if before.get("gone") else 1)
        items.append(
            CalendarItem(uuid, str(before.get("title", "")), due, now, cancelled=True, sequence=sequence)
        )
        kept[uuid] = {**before, "sequence": sequence, "gone": gone.isoformat()}
    write_calendar(path, items, now=now)
    if kept != memory:
        settings.write(wb, EXPORTED_SETTING, kept)
    return len(open_uuids)
