"""``workbench team …`` — a sales team on one PostgreSQL database.

    workbench team init        --db URL                 schema, roles, row-level security
    workbench team add-rep     NAME --db URL            a rep's login (password shown once)
    workbench team add-manager NAME --db URL            a manager's login (reads every rep)
    workbench team members     --db URL
    workbench team push        --from FILE.db --rep NAME --db URL
    workbench team pull        --to FILE.db [--rep NAME] --db URL
    workbench team rollup      [--since DATE] --db URL  the manager's figures, live
    workbench team share       ACCOUNT_ID [--off] --db URL
    workbench team login       --db URL                 keep the password in the system keyring

``--db`` falls back to ``WORKBENCH_DB_URL``; a URL without a password takes it from the
keyring, PGPASSWORD / ``~/.pgpass``, or a prompt on a terminal.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date
from pathlib import Path
from typing import Any

from workbench.cli.common import (
    CliError,
    add_command,
    emit_json,
    json_arg,
    open_for_read,
    open_for_write,
    resolve_target,
    say,
)
from workbench.services.plurals import counted
from workbench.store import StoreError


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” is not a date; write it as YYYY-MM-DD") from None


def register(sub: Any) -> None:
    team = sub.add_parser(
        "team",
        help="team mode: one PostgreSQL database for a whole team, each rep's rows guarded by it",
        description="Team mode: one PostgreSQL database for a whole team (see the README's Team mode).",
    )
    team.set_defaults(handler=lambda _args: _usage(team))
    commands = team.add_subparsers(dest="team_command", metavar="TEAM_COMMAND", title="team commands")

    init = add_command(commands, "init", "create the team database's schema, roles and policies")
    json_arg(init)
    init.set_defaults(handler=run_init)

    for name, manager, what in (
        ("add-rep", False, "a rep: reads and writes their own rows"),
        ("add-manager", True, "a manager: reads every rep's rows"),
    ):
        add = add_command(commands, name, f"add {what}; prints the generated password once")
        add.add_argument("name", metavar="NAME", help="the person's name as the team sees it")
        add.add_argument("--role", metavar="ROLE", help="the database login (default: from the name)")
        json_arg(add)
        add.set_defaults(handler=run_add, manager=manager)

    members = add_command(commands, "members", "list the team's reps and managers")
    json_arg(members)
    members.set_defaults(handler=run_members)

    push = add_command(commands, "push", "copy a rep's workbench file into the team database (by UUID)")
    push.add_argument(
        "--from", dest="source", metavar="FILE.db", required=True, help="the rep's workbench file"
    )
    push.add_argument("--rep", metavar="NAME", required=True, help="whose rows they become (name or login)")
    json_arg(push)
    push.set_defaults(handler=run_push)

    pull = add_command(commands, "pull", "make a new local workbench file of your own rows")
    pull.add_argument("--to", dest="dest", metavar="FILE.db", required=True, help="the new file")
    pull.add_argument("--rep", metavar="NAME", help="whose rows (administrator only; default: yours)")
    json_arg(pull)
    pull.set_defaults(handler=run_pull)

    rollup = add_command(commands, "rollup", "the manager's per-rep and team figures, computed live")
    rollup.add_argument(
        "--since", metavar="DATE", type=_date, help="first day of the period (default: 90 days ago)"
    )
    rollup.add_argument("--out", metavar="FILE", help="write the rollup to FILE.xlsx, FILE.csv or FILE.json")
    json_arg(rollup)
    rollup.set_defaults(handler=run_rollup)

    share = add_command(commands, "share", "let teammates read one of your accounts (read-only)")
    share.add_argument("account", type=int, metavar="ACCOUNT_ID")
    share.add_argument("--off", action="store_true", help="stop sharing it")
    json_arg(share)
    share.set_defaults(handler=run_share)

    login = add_command(commands, "login", "keep your team database password in the system keyring")
    login.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    json_arg(login)
    login.set_defaults(handler=run_login)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _team_url(args: argparse.Namespace) -> str:
    target = resolve_target(args)
    if not isinstance(target, str):
        raise CliError(
            "team commands work on a team database: give --db postgresql+psycopg://user@host/database "
            "(or set WORKBENCH_DB_URL)."
        )
    return target


def run_init(args: argparse.Namespace) -> int:
    from workbench.services.team import members as team

    _team_url(args)
    with open_for_write(args) as wb:
        try:
            info = team.init_team(wb)
        except StoreError as exc:
            raise CliError(str(exc)) from exc
    say(f"team database ready: {info.location} (groups {info.roles.reps}, {info.roles.managers})")
    if args.json:
        emit_json(info.as_dict())
    return 0


def run_add(args: argparse.Namespace) -> int:
    from workbench.services.team import members as team

    _team_url(args)
    with open_for_write(args) as wb:
        try:
            new = team.add_member(wb, args.name, manager=args.manager, role=args.role)
        except StoreError as exc:
            raise CliError(str(exc)) from exc
    if args.json:
        emit_json(new.as_dict())
    else:
        kind = "manager" if new.member.manager else "rep"
        say(f"{kind} {new.member.name} can log in as {new.member.role!r} with the password below.")
        say("It is shown only this once: hand it over now (the database keeps only a hash of it).")
        print(f"login: {new.member.role}\npassword: {new.password}")
    return 0


def run_members(args: argparse.Namespace) -> int:
    from workbench.services.team import members as team

    _team_url(args)
    with open_for_read(args) as wb:
        try:
            info = team.team_info(wb)
        except StoreError as exc:
            raise CliError(str(exc)) from exc
    if args.json:
        emit_json(info.as_dict())
    else:
        for m in info.members:
            print(f"{m.role}\t{'manager' if m.manager else 'rep'}\t{m.name}")
    return 0


def run_push(args: argparse.Namespace) -> int:
    from workbench.services.team import sync as team_sync

    _team_url(args)
    source = Path(args.source).expanduser()
    if not source.is_file():
        raise CliError(f"{source} does not exist.")
    with open_for_write(args) as wb:
        try:
            result = team_sync.push(source, wb, args.rep)
        except StoreError as exc:
            raise CliError(str(exc)) from exc
    _report(result.as_dict(), args.json)
    return 0


def run_pull(args: argparse.Namespace) -> int:
    from workbench.services.team import sync as team_sync

    _team_url(args)
    with open_for_read(args) as wb:
        try:
            result = team_sync.pull(wb, Path(args.dest), rep=args.rep)
        except StoreError as exc:
            raise CliError(str(exc)) from exc
    _report(result.as_dict(), args.json)
    return 0


def _report(result: dict[str, Any], as_json: bool) -> None:
    counts = ", ".join(f"{n:,} {table.replace('_', ' ')}" for table, n in result["written"].items() if n)
    say(f"{result['rep']}: {counts or 'nothing'} from {result['from']} to {result['to']}")
    for table, n in result["skipped"].items():
        say(f"  {n:,} {table.replace('_', ' ')} skipped (owned by a teammate, or linked to a skipped record)")
    if as_json:
        emit_json(result)


def run_rollup(args: argparse.Namespace) -> int:
    from workbench.services.manager.report import OUT_FORMATS, rollup_text, write_rollup
    from workbench.services.manager.team_rollup import live_rollup

    out = Path(args.out).expanduser() if args.out else None
    if out is not None:
        if out.suffix.lower() not in OUT_FORMATS:
            raise CliError(f"“{out.name}”: write the rollup as .xlsx, .csv or .json")
        if not out.parent.is_dir():
            raise CliError(f"the folder {out.parent} does not exist")
    with open_for_read(args) as wb:
        rollup = live_rollup(wb, since=args.since)
    say(f"{counted(len(rollup.reps), 'rep', 'reps')} in {wb.location}")
    if out is not None:
        try:
            write_rollup(rollup, out)
        except OSError as exc:
            raise CliError(f"the rollup could not be written: {exc.strerror or exc}", code=1) from None
        say(f"wrote {out}")
    if args.json:
        emit_json(rollup.as_dict())
    elif not args.out:
        sys.stdout.write(rollup_text(rollup) + "\n")
    return 0


def run_share(args: argparse.Namespace) -> int:
    from workbench.services.team import members as team

    with open_for_write(args) as wb:
        changed = team.share_account(wb, args.account, not args.off)
    if not changed:
        raise CliError(
            f"No account {args.account} of yours to share (it is missing, trashed or a teammate's)."
        )
    say(f"account {args.account} is {'no longer ' if args.off else ''}shared with the team")
    if args.json:
        emit_json({"account": args.account, "shared": not args.off})
    return 0


def run_login(args: argparse.Namespace) -> int:
    from workbench.store.backends.postgres import parse_url
    from workbench.store.credentials import save_password

    url = parse_url(_team_url(args), use_keyring=False)
    if url.password is not None and not args.password_stdin:
        password = url.password
    elif args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"Password for {url.username} at {url.host}: ")
    if not password:
        raise CliError("No password given.")
    from workbench.store import open_workbench

    try:
        open_workbench(url.set(password=password).render_as_string(hide_password=False), create=False).close()
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    if not save_password(url, password):
        raise CliError(
            "No system keyring is available here; the app will ask for the password at each start."
        )
    say(f"password for {url.username} saved in the system keyring")
    if args.json:
        emit_json({"saved": True, "user": url.username})
    return 0
