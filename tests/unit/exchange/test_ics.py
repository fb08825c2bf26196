from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar

from workbench.domain import Lead
from workbench.exchange.ics import read_uids, uid_for
from workbench.services.outreach import log as outreach
from workbench.services.outreach.followups import export_ics, open_followups
from workbench.services.records import RecordKind, RecordRef
from workbench.store import Workbench

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _events(path: Path) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_open_followups_export_and_reexport_keeps_uids(wb: Workbench, tmp_path: Path) -> None:
    with wb.session() as s:
        lead = Lead(name="Ana López", company="Globex", phone="+1 415 555 0100", email="ana@globex.com")
        s.add(lead)
        s.flush()
        assert lead.id is not None
        ref = RecordRef(RecordKind.LEAD, lead.id)
    first = outreach.add_followup(wb, ref, "Call again", NOW + timedelta(days=1), now=NOW)
    second = outreach.add_followup(wb, None, "Own reminder", NOW + timedelta(days=2), now=NOW)
    done = outreach.add_followup(wb, ref, "Done", NOW + timedelta(days=3), now=NOW)
    outreach.complete_followup(wb, done, now=NOW)
    out = tmp_path / "followups.ics"

    assert export_ics(wb, out, now=NOW) == 2
    uuids = {f.id: f.uuid for f in open_followups(wb)}
    events = _events(out)
    assert set(events) == {uid_for(uuids[first]), uid_for(uuids[second])}
    event = events[uid_for(uuids[first])]
    assert event.decoded("dtstart") == NOW + timedelta(days=1)
    assert str(event["summary"]) == "Call again — Ana López · Globex"
    assert "Phone: +1 415 555 0100" in str(event["description"])
    sequence_before = int(event["sequence"])

    later = NOW + timedelta(hours=5)
    outreach.reschedule_followup(wb, first, NOW + timedelta(days=4), now=later)
    assert export_ics(wb, out, now=later) == 2
    events = _events(out)
    assert read_uids(out) == [uid_for(uuids[second]), uid_for(uuids[first])]  # same events, soonest first
    moved = events[uid_for(uuids[first])]
    assert moved.decoded("dtstart") == NOW + timedelta(days=4)
    assert int(moved["sequence"]) > sequence_before  # calendars take the newer version
    assert not list(tmp_path.glob(".*partial"))


def test_empty_export_is_a_valid_calendar(wb: Workbench, tmp_path: Path) -> None:
    out = tmp_path / "none.ics"
    assert export_ics(wb, out, now=NOW) == 0
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    assert str(cal["prodid"]).startswith("-//Prospecting Workbench")
    assert read_uids(out) == []
