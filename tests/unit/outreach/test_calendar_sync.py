"""Calendars kept in step (issue 18): follow-ups exported before and done, trashed or
deleted since are written as cancelled with a higher SEQUENCE, for 90 days; a real
calendar client (khal) shows exactly the open follow-ups after two exports."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from sqlalchemy import delete

from workbench.domain import FollowUp, table_of
from workbench.exchange.ics import uid_for
from workbench.services.outreach import log as outreach
from workbench.services.outreach.followups import export_ics, open_followups
from workbench.store import Workbench

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _events(path: Path) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def _four(wb: Workbench) -> dict[str, int]:
    return {
        title: outreach.add_followup(wb, None, title, NOW + timedelta(days=i + 1), now=NOW)
        for i, title in enumerate(("Call Ana", "Email Bo", "Demo for Cy", "Check back Di"))
    }


def test_done_trashed_and_deleted_followups_are_cancelled(wb: Workbench, tmp_path: Path) -> None:
    ids = _four(wb)
    uuids = {f.title: f.uuid for f in open_followups(wb)}
    out = tmp_path / "f.ics"
    assert export_ics(wb, out, now=NOW) == 4
    first = _events(out)
    assert {str(e["status"]) for e in first.values()} == {"CONFIRMED"}

    later = NOW + timedelta(hours=3)
    outreach.complete_followup(wb, ids["Call Ana"], now=later)
    outreach.trash_followup(wb, ids["Email Bo"], now=later)
    with wb.engine.begin() as conn:  # purged for good: only the export's memory knows it
        conn.execute(delete(table_of(FollowUp)).where(table_of(FollowUp).c.id == ids["Demo for Cy"]))
    assert export_ics(wb, out, now=later) == 1
    second = _events(out)
    assert set(second) == {uid_for(u) for u in uuids.values()}
    for title in ("Call Ana", "Email Bo", "Demo for Cy"):
        event = second[uid_for(uuids[title])]
        assert str(event["status"]) == "CANCELLED" and str(event["summary"]) == title
        assert int(event["sequence"]) > int(first[uid_for(uuids[title])]["sequence"])
        assert not list(event.walk("VALARM"))
    assert str(second[uid_for(uuids["Check back Di"])]["status"]) == "CONFIRMED"

    # A third export a week later still cancels them; after 90 days they are forgotten.
    assert len(_events(out)) == 4 and export_ics(wb, out, now=later + timedelta(days=7)) == 1
    assert len(_events(out)) == 4
    export_ics(wb, out, now=later + timedelta(days=91))
    assert set(_events(out)) == {uid_for(uuids["Check back Di"])}


def test_a_reopened_followup_comes_back_with_a_higher_sequence(wb: Workbench, tmp_path: Path) -> None:
    fid = outreach.add_followup(wb, None, "Call Ana", NOW + timedelta(days=1), now=NOW)
    out = tmp_path / "f.ics"
    export_ics(wb, out, now=NOW)
    outreach.complete_followup(wb, fid, now=NOW + timedelta(minutes=1))
    export_ics(wb, out, now=NOW + timedelta(minutes=1))
    cancelled = next(iter(_events(out).values()))
    outreach.reopen_followup(wb, fid, now=NOW + timedelta(minutes=2))
    export_ics(wb, out, now=NOW + timedelta(minutes=2))
    event = next(iter(_events(out).values()))
    assert str(event["status"]) == "CONFIRMED" and int(event["sequence"]) > int(cancelled["sequence"])


def _khal(config: Path, *args: str) -> str:
    done = subprocess.run(
        ["khal", "-c", str(config), *args], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(shutil.which("khal") is None, reason="khal (Debian's calendar client) is not installed")
def test_khal_shows_exactly_the_open_followups_after_two_exports(wb: Workbench, tmp_path: Path) -> None:
    vdir = tmp_path / "calendar"
    vdir.mkdir()
    config = tmp_path / "khal.conf"
    config.write_text(
        f"[calendars]\n[[followups]]\npath = {vdir}\ntype = calendar\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
        "[default]\ndefault_calendar = followups\n",
        encoding="utf-8",
    )
    ids = _four(wb)
    out = tmp_path / "followups.ics"
    export_ics(wb, out, now=NOW)
    _khal(config, "import", "--batch", str(out))
    outreach.complete_followup(wb, ids["Call Ana"], now=NOW + timedelta(hours=1))
    outreach.trash_followup(wb, ids["Email Bo"], now=NOW + timedelta(hours=1))
    export_ics(wb, out, now=NOW + timedelta(hours=1))
    _khal(config, "import", "--batch", str(out))

    listed = _khal(
        config, "list", "--format", "{cancelled}{title}", "--day-format", "", "2026-03-01", "2026-03-31"
    )
    lines = [line.strip() for line in listed.splitlines() if line.strip()]
    shown = sorted(line for line in lines if not line.startswith("CANCELLED"))
    assert shown == sorted(f.title for f in open_followups(wb)) == ["Check back Di", "Demo for Cy"]
    assert sorted(lines) == ["CANCELLED Call Ana", "CANCELLED Email Bo", "Check back Di", "Demo for Cy"]
    assert len(list(vdir.glob("*.ics"))) == 4  # updated in place by UID, never copied
