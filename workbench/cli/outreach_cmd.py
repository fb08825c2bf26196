"""``workbench log`` (scripted quick log) and ``workbench followups`` (list / .ics export)."""

from __future__ import annotations

import argparse
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from workbench.cli.common import (
    CliError,
    add_command,
    emit_json,
    json_arg,
    open_for_read,
    open_for_write,
    say,
)
from workbench.domain import Channel, Outcome
from workbench.exchange.special_files import special_reason
from workbench.services.clock import system_clock
from workbench.services.outreach.log import LogEntry, OutreachError, log_in
from workbench.services.outreach.next_step import WORKDAY_START, load_rules, propose
from workbench.services.plurals import counted
from workbench.services.records import RecordKind, find_by_uuid

_OUTCOME_ALIASES = {
    "voicemail": Outcome.VOICEMAIL,
    "vm": Outcome.VOICEMAIL,
    "meeting": Outcome.MEETING_BOOKED,
}


def register(sub: Any) -> None:
    log = add_command(sub, "log", "log a call, email, meeting, social touch or note (a scripted quick log)")
    target = log.add_mutually_exclusive_group()
    for kind in RecordKind:
        target.add_argument(f"--{kind.value}", metavar="UUID", help=f"the {kind.value} it was with")
    log.add_argument("--channel", required=True, type=_channel, help=f"one of: {', '.join(Channel)}")
    log.add_argument("--outcome", default="", type=_outcome, help=f"one of: {', '.join(Outcome)}")
    log.add_argument("--note", default="", help="what happened")
    log.add_argument("--duration", type=int, metavar="MIN", help="how long it took, in minutes")
    log.add_argument("--at", type=_moment, metavar="ISO", help="when it happened (default: now; local time)")
    log.add_argument("--next", default="", metavar="TEXT", help="the next step (needs --due or --propose)")
    log.add_argument("--due", type=_due, metavar="ISO", help="when the next step is due (a date means 09:00)")
    log.add_argument(
        "--propose", action="store_true", help="fill the next step from the outcome's rule (settings)"
    )
    json_arg(log)
    log.set_defaults(handler=run_log)

    followups = add_command(
        sub, "followups", "list open follow-ups, or export them to a calendar (.ics) file"
    )
    followups.add_argument(
        "--ics", metavar="OUT.ics", type=Path, help="write the open follow-ups to this file"
    )
    json_arg(followups)
    followups.set_defaults(handler=run_followups)


def _channel(text: str) -> str:
    value = text.strip().casefold()
    if value not in set(Channel):
        raise argparse.ArgumentTypeError(f"unknown channel {text!r} (one of: {', '.join(Channel)})")
    return value


def _outcome(text: str) -> str:
    value = " ".join(text.strip().casefold().replace("-", " ").replace("_", " ").split())
    value = _OUTCOME_ALIASES.get(value, value)
    if value and value not in set(Outcome):
        raise argparse.ArgumentTypeError(f"unknown outcome {text!r} (one of: {', '.join(Outcome)})")
    return str(value)


def _moment(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date/time: {text!r} (e.g. 2026-03-02T14:30)") from exc
    # A time without a zone is the rep's local time.
    return value.astimezone() if value.tzinfo is None else value


def _due(text: str) -> datetime:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return _moment(text)
    return datetime.combine(day, time(WORKDAY_START.hour, WORKDAY_START.minute)).astimezone()


def run_log(args: argparse.Namespace) -> int:
    if args.next and args.due is None and not args.propose:
        raise CliError("--next needs --due (or --propose to take the date from the outcome's rule)")
    now = system_clock()
    with open_for_write(args) as wb, wb.session() as session:
        ref = None
        for kind in RecordKind:
            uuid = getattr(args, kind.value)
            if uuid:
                ref = find_by_uuid(session, kind, uuid)
                if ref is None:
                    raise CliError(f"no {kind.value} with UUID {uuid}")
        next_title, next_due = args.next, args.due
        if args.propose and (not next_title or next_due is None):
            proposal = propose(args.outcome, args.at or now, load_rules(session))
            if proposal is not None:
                next_title = next_title or proposal.title
                next_due = next_due or proposal.due
        if next_due is not None and not next_title:
            next_title = "Follow up"
        entry = LogEntry(
            channel=args.channel,
            outcome=args.outcome,
            at=args.at,
            note=args.note,
            duration_min=args.duration,
            target=ref,
            next_title=next_title,
            next_due=next_due,
        )
        try:
            logged = log_in(session, entry, now)
        except OutreachError as exc:
            raise CliError(str(exc)) from exc
        followup = None
        if logged.followup_id is not None:
            followup = {"uuid": logged.followup_uuid, "title": next_title, "due_at": next_due}
    if logged.past_due:
        say("warning: the next step's date has already passed; it is saved as overdue")
    if logged.unlinked:
        say("note: no record given — kept on your own log; link it later from the app")
    if args.json:
        emit_json(
            {
                "activity": logged.activity_uuid,
                "followup": followup,
                "past_due": logged.past_due,
                "unlinked": logged.unlinked,
            }
        )
    else:
        say(f"logged {args.channel}" + (f" ({args.outcome})" if args.outcome else ""))
        if followup:
            say(f"next step: {followup['title']} — due {next_due:%Y-%m-%d %H:%M}")
    return 0


def run_followups(args: argparse.Namespace) -> int:
    from workbench.services.outreach.followups import export_ics, open_followups

    now = system_clock()
    # The .ics export writes too: it remembers what it exported, so a later export can
    # cancel what has been done or trashed since (calendars drop those events).
    opener = open_for_write if args.ics is not None else open_for_read
    with opener(args) as wb:
        items = open_followups(wb)
        written = None
        if args.ics is not None:
            if args.ics.is_dir():
                raise CliError(f"{args.ics} is a folder; give a file name ending in .ics")
            if special_reason(args.ics) is not None:
                raise CliError(f"{args.ics} {special_reason(args.ics)}; give a file name ending in .ics")
            try:
                written = export_ics(wb, args.ics, now=now)
            except OSError as exc:
                raise CliError(f"cannot write {args.ics}: {exc.strerror or exc}", code=1) from exc
    overdue = sum(1 for f in items if f.due_at < now)
    if args.json:
        emit_json(
            {
                "open": len(items),
                "overdue": overdue,
                "ics": str(args.ics) if args.ics is not None else None,
                "followups": [f.as_dict() for f in items],
            }
        )
    else:
        for f in items:
            mark = "OVERDUE " if f.due_at < now else ""
            say(f"{mark}{f.due_at.astimezone():%Y-%m-%d %H:%M}  {f.title}  {f.who}".rstrip())
        say(f"{counted(len(items), 'open follow-up', 'open follow-ups')}, {overdue} overdue")
        if written is not None:
            say(f"wrote {counted(written, 'event', 'events')} to {args.ics}")
    return 0
