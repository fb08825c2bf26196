"""Open follow-ups as a list, and their export to a calendar file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from workbench.domain import Account, Contact, FollowUp, Lead, Opportunity, table_of
from workbench.exchange.ics import CalendarItem, write_calendar
from workbench.store import Workbench

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


def export_ics(wb: Workbench, path: Path, *, now: datetime) -> int:
    """Write every open follow-up to ``path`` as an ``.ics`` file; returns how many."""
    return write_calendar(path, (f.calendar_item() for f in open_followups(wb)), now=now)
