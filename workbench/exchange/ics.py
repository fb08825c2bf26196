"""Open follow-ups as an iCalendar (``.ics``) file that any calendar program imports.

Each follow-up is one ``VEVENT`` whose ``UID`` is derived from the follow-up's UUID,
so importing a newer export *updates* the events already in the calendar instead of
adding copies; ``SEQUENCE`` and ``LAST-MODIFIED`` grow with the follow-up's
``updated_at`` so calendars accept the newer version. A follow-up exported before and
since done or trashed is written again as ``STATUS:CANCELLED`` with a higher
``SEQUENCE``, so calendars drop it (issue 18). Written with the ``icalendar``
library, through a temporary file (a failed export never leaves half a file).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.exchange.atomic import atomic_output

PRODID = "-//Prospecting Workbench//Follow-ups//EN"
UID_DOMAIN = "prospecting-workbench"
#: SEQUENCE counts seconds since this moment, so it fits in 32 bits for decades.
_SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)

if TYPE_CHECKING:
    import icalendar


@dataclass(frozen=True)
class CalendarItem:
    """One open follow-up, with what the rep needs to act on it from the calendar."""

    uuid: str
    title: str
    due: datetime
    updated: datetime
    who: str = ""
    company: str = ""
    phone: str = ""
    email: str = ""
    minutes: int = 15
    #: Done, trashed or deleted since an earlier export: the calendar should drop it.
    cancelled: bool = False
    #: None = from ``updated`` (seconds since 2020).
    sequence: int | None = None


def sequence_of(item: CalendarItem) -> int:
    if item.sequence is not None:
        return item.sequence
    return max(int((_utc(item.updated) - _SEQUENCE_EPOCH).total_seconds()), 0)


def uid_for(followup_uuid: str) -> str:
    return f"{followup_uuid}@{UID_DOMAIN}"


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _summary(item: CalendarItem) -> str:
    who = " · ".join(p for p in (item.who, item.company) if p and p != item.title)
    return f"{item.title} — {who}" if who else item.title


def _description(item: CalendarItem) -> str:
    lines = [p for p in (item.who, item.company) if p]
    if item.phone:
        lines.append(f"Phone: {item.phone}")
    if item.email:
        lines.append(f"Email: {item.email}")
    return "\n".join(lines)


def calendar(items: Iterable[CalendarItem], *, now: datetime) -> icalendar.Calendar:
    # Imported here: icalendar takes ~0.5 s to import and only an export needs it (the
    # follow-ups service, which every area loads, would otherwise pay it on the UI thread).
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Follow-ups")
    stamp = _utc(now)
    for item in items:
        event = icalendar.Event()
        event.add("uid", uid_for(item.uuid))
        event.add("dtstamp", stamp)
        event.add("dtstart", _utc(item.due))
        event.add("dtend", _utc(item.due) + timedelta(minutes=max(item.minutes, 5)))
        event.add("summary", _summary(item))
        description = _description(item)
        if description:
            event.add("description", description)
        updated = _utc(item.updated)
        event.add("last-modified", updated)
        event.add("sequence", sequence_of(item))
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        event.add("transp", "TRANSPARENT")  # a reminder, not a busy slot
        if item.cancelled:
            cal.add_component(event)
            continue
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _summary(item))
        alarm.add("trigger", timedelta(minutes=0))
        event.add_component(alarm)
        cal.add_component(event)
    return cal


def calendar_bytes(items: Iterable[CalendarItem], *, now: datetime) -> bytes:
    data: bytes = calendar(items, now=now).to_ical()
    return data


def write_calendar(path: Path, items: Iterable[CalendarItem], *, now: datetime) -> int:
    """Write ``items`` to ``path`` (replacing it whole); returns how many events."""
    items = list(items)
    data = calendar_bytes(items, now=now)
    with atomic_output(Path(path)) as tmp:
        tmp.write_bytes(data)
    return len(items)


def read_uids(path: Path) -> list[str]:
    """The event UIDs of an ``.ics`` file (for checks and tests)."""
    import icalendar

    cal = icalendar.Calendar.from_ical(Path(path).read_bytes())
    return [str(c["uid"]) for c in cal.walk("VEVENT")]
