"""``workbench sequences`` — list, show, enroll, stop.

``SEQ`` is a sequence's UUID or name (any case). Unknown sequences or people, and
refused enrolments, exit 2 with nothing written."""

from __future__ import annotations

import argparse
from typing import Any

from sqlmodel import Session

from workbench.cli.common import (
    CliError,
    add_command,
    emit_json,
    json_arg,
    open_for_read,
    open_for_write,
    say,
)
from workbench.services.clock import system_clock
from workbench.services.plurals import counted
from workbench.services.records import RecordKind, RecordRef, find_by_uuid
from workbench.services.sequences import enrol, status, templates
from workbench.services.sequences.templates import SequenceError


def register(sub: Any) -> None:
    parser = add_command(
        sub, "sequences", "list sequences, show one, enrol people in it or stop an enrolment"
    )
    actions = parser.add_subparsers(dest="sequences_action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="every sequence with its steps and live counts")
    json_arg(listing)
    listing.set_defaults(handler=run_list)

    show = actions.add_parser("show", help="a sequence's steps and every enrolment with its state")
    show.add_argument("sequence", metavar="SEQ", help="the sequence's UUID or name")
    json_arg(show)
    show.set_defaults(handler=run_show)

    enroll = actions.add_parser("enroll", help="enrol a lead, a contact or an account's buying team")
    enroll.add_argument("sequence", metavar="SEQ", help="the sequence's UUID or name")
    who = enroll.add_mutually_exclusive_group(required=True)
    who.add_argument("--lead", metavar="UUID", help="the lead to enrol")
    who.add_argument("--contact", metavar="UUID", help="the contact to enrol")
    who.add_argument("--account", metavar="ID", help="a target account (UUID or id): its whole buying team")
    enroll.add_argument(
        "--replace", action="store_true", help="replace a live enrolment the person already has"
    )
    enroll.add_argument(
        "--skip-refused",
        action="store_true",
        help="enrol the others when some of the buying team cannot be (no email, in the trash)",
    )
    json_arg(enroll)
    enroll.set_defaults(handler=run_enroll)

    stop = actions.add_parser("stop", help="stop a person's enrolment in a sequence")
    stop.add_argument("sequence", metavar="SEQ", help="the sequence's UUID or name")
    person = stop.add_mutually_exclusive_group(required=True)
    person.add_argument("--lead", metavar="UUID", help="the enrolled lead")
    person.add_argument("--contact", metavar="UUID", help="the enrolled contact")
    json_arg(stop)
    stop.set_defaults(handler=run_stop)
    # ``--db`` after the action (``sequences show X --db f``) works like before it.
    for action in (listing, show, enroll, stop):
        action.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def _sequence_id(session: Session, key: str) -> int:
    found = templates.find_in(session, key)
    if found is None:
        raise CliError(f"no sequence called or with UUID {key!r} (see: workbench sequences list)")
    return found


def _person(session: Session, args: argparse.Namespace) -> RecordRef:
    for kind in (RecordKind.LEAD, RecordKind.CONTACT):
        value = getattr(args, kind.value, None)
        if value:
            ref = find_by_uuid(session, kind, value)
            if ref is None:
                raise CliError(f"no {kind.value} with UUID {value}")
            return ref
    value = str(getattr(args, "account", "") or "").strip()
    ref = find_by_uuid(session, RecordKind.ACCOUNT, value)
    if ref is None and value.isdigit():
        from workbench.domain import Account

        row = session.get(Account, int(value))
        ref = (
            RecordRef(RecordKind.ACCOUNT, int(value)) if row is not None and row.deleted_at is None else None
        )
    if ref is None:
        raise CliError(f"no account with UUID or id {value}")
    return ref


def run_list(args: argparse.Namespace) -> int:
    with open_for_read(args) as wb:
        items = templates.list_sequences(wb)
    if args.json:
        emit_json({"sequences": [s.as_dict() for s in items]})
        return 0
    for s in items:
        live = s.counts.get("active", 0) + s.counts.get("paused", 0)
        mark = " (retired)" if s.retired else ""
        steps = counted(len(s.steps), "step", "steps")
        days = counted(s.total_days, "working day", "working days")
        print(f"{s.name}{mark}: {steps} over {days}; {live} live  {s.uuid}")
    say(counted(len(items), "sequence", "sequences"))
    return 0


def run_show(args: argparse.Namespace) -> int:
    with open_for_read(args) as wb, wb.reading() as session:
        info = templates.get_in(session, _sequence_id(session, args.sequence))
        enrolments = status.of_sequence_in(session.connection(), info.id)
    if args.json:
        emit_json({"sequence": info.as_dict(), "enrolments": [e.as_dict() for e in enrolments]})
        return 0
    print(f"{info.name}{' (retired)' if info.retired else ''} — {info.description}".rstrip(" —"))
    for step in info.steps:
        wait = counted(step.wait_days, "working day", "working days")
        print(f"  {step.position + 1}. +{wait}  {step.channel:<6}  {step.instructions}")
    for e in enrolments:
        print(f"  {e.person} ({e.kind}): {e.summary}")
    say(counted(len(enrolments), "enrolment", "enrolments"))
    return 0


def run_enroll(args: argparse.Namespace) -> int:
    now = system_clock()
    with open_for_write(args) as wb, wb.session() as session:
        sequence_id = _sequence_id(session, args.sequence)
        ref = _person(session, args)
        try:
            result = enrol.enrol_in(
                session.connection(),
                sequence_id,
                [ref],
                now=now,
                replace=args.replace,
                skip_refused=args.skip_refused,
            )
        except enrol.NeedsReplace as exc:
            raise CliError(f"{exc} Pass --replace to replace it.") from exc
        except SequenceError as exc:
            raise CliError(str(exc)) from exc
        enrolments = [
            e for e in status.of_sequence_in(session.connection(), sequence_id) if e.id in result.enrolled
        ]
    if args.json:
        emit_json(
            {
                "enrolled": [e.as_dict() for e in enrolments],
                "replaced": len(result.replaced),
                "refused": [{"name": r.name, "reason": r.reason} for r in result.refused],
            }
        )
    else:
        for e in enrolments:
            say(f"enrolled {e.person}: {e.summary}")
        for r in result.refused:
            say(f"skipped {r.name}: {r.reason}")
    return 0


def run_stop(args: argparse.Namespace) -> int:
    now = system_clock()
    with open_for_write(args) as wb:
        with wb.reading() as session:
            sequence_id = _sequence_id(session, args.sequence)
            ref = _person(session, args)
        try:
            stopped = enrol.stop_person(wb, sequence_id, ref, now=now)
        except SequenceError as exc:
            raise CliError(str(exc)) from exc
    if args.json:
        emit_json({"stopped": len(stopped), "reason": "stopped by hand"})
    else:
        say(f"stopped {counted(len(stopped), 'enrolment', 'enrolments')}")
    return 0
