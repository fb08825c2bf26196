"""Typed settings stored inside the workbench file, so a rep's setup travels with it.

Each setting has a default here; the file holds only what the rep changed. Values are
JSON. Other services register their own defaults by adding to ``DEFAULTS``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select as core_select
from sqlmodel import Session

from workbench.domain import Setting, table_of
from workbench.store import Workbench

NEXT_STEP_SETTING = "outreach.next_step_rules"
#: What a new workbench proposes after each outcome (``outreach.next_step`` reads them).
#: ``business_days`` null = propose nothing; ``ask_date`` = the date is something the
#: rep knows (the meeting's date), so the quick log points at the date field instead of
#: trusting the guess.
NEXT_STEP_RULES: dict[str, dict[str, Any]] = {
    "connected": {"title": "Send a recap", "channel": "email", "business_days": 1},
    "left voicemail": {"title": "Email after the voicemail", "channel": "email", "business_days": 2},
    "no answer": {"title": "Call again", "channel": "call", "business_days": 1},
    "replied": {"title": "Answer the reply", "channel": "email", "business_days": 0},
    "meeting booked": {"title": "Meeting", "channel": "meeting", "business_days": 2, "ask_date": True},
    "not interested": {"title": "Check back", "channel": "email", "business_days": None},
    "bounced": {"title": "Find a working email address", "channel": "note", "business_days": 1},
    "wrong person": {"title": "Find the right person", "channel": "call", "business_days": 1},
}


DEFAULTS: dict[str, Any] = {
    "profile.rep_name": "",
    "profile.currency": "USD",
    "profile.phone_region": "US",
    "goals.touches_per_day": 20,
    "goals.touches_per_week": 100,
    "targets.goal": 20,
    "targets.untouched_days": 14,
    "targets.good_fit": 70,
    "leads.stale_days_new": 3,
    "leads.stale_days_working": 14,
    "leads.nurture_days": 90,
    "pipeline.stale_days": 21,
    "import.presets": {},
    NEXT_STEP_SETTING: NEXT_STEP_RULES,
}


def get(session: Session, key: str) -> Any:
    row = session.get(Setting, key)
    if row is None:
        return DEFAULTS.get(key)
    return json.loads(row.value)


def put(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    encoded = json.dumps(value)
    if row is None:
        session.add(Setting(key=key, value=encoded))
    else:
        row.value = encoded
        session.add(row)


def read(wb: Workbench, key: str) -> Any:
    # Core, not the ORM: the first ORM query of a process configures every mapper
    # (~0.1 s), and settings are read while the window is still being built (P2).
    column = table_of(Setting).c
    with wb.engine.connect() as conn:
        value = conn.execute(core_select(column.value).where(column.key == key)).scalar()
    return DEFAULTS.get(key) if value is None else json.loads(value)


def write(wb: Workbench, key: str, value: Any) -> None:
    with wb.session() as session:
        put(session, key, value)


def read_all(wb: Workbench) -> dict[str, Any]:
    values = dict(DEFAULTS)
    column = table_of(Setting).c
    with wb.engine.connect() as conn:
        for key, value in conn.execute(core_select(column.key, column.value)):
            values[key] = json.loads(value)
    return values


def write_many(wb: Workbench, values: Mapping[str, Any]) -> None:
    with wb.session() as session:
        for key, value in values.items():
            put(session, key, value)
