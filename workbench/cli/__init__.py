"""``workbench`` — the app and its subcommands.

The contract scripts rely on: every subcommand takes ``--db PATH`` (or a team
database's ``postgresql+psycopg://`` URL, also from ``WORKBENCH_DB_URL``); one that writes
creates a workbench there if none exists (``demo`` alone refuses to overwrite);
``--json`` prints exactly one JSON object on stdout; messages go to stderr; exit 0 on
success, 2 for bad input or usage (nothing written), 1 for anything unexpected.

Each subcommand lives in its own module with ``register(subparsers)``; add new ones
to ``COMMANDS``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from workbench.cli.common import CliError, db_path_arg, resolve_target

#: Modules under ``workbench.cli`` that each register one or more subcommands.
COMMANDS: tuple[str, ...] = (
    "check",
    "demo",
    "backup_cmd",
    "pipeline_cmd",
    "targets_cmd",
    "contacts_cmd",
    "import_cmd",
    "export_cmd",
    "outreach_cmd",
    "sequences_cmd",
    "stats_cmd",
    "team_cmd",
)

log = logging.getLogger("workbench.cli")


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """The ``workbench`` parser; without ``commands`` only the app's own options (no
    subcommand module is imported: opening the app stays lean, P2)."""
    from workbench import __version__

    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Prospecting Workbench: target accounts, leads, outreach and pipeline in one file. "
        "Without a subcommand, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    db_path_arg(parser, top_level=True)
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="open the main window, wait until it shows data, print 'ready in N ms' and exit",
    )
    parser.add_argument("--manager", action="store_true", help="open the app on the Manager view")
    if not commands:
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for name in COMMANDS:
        module = importlib.import_module(f"workbench.cli.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        args_list = file_as_db(args_list)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    parser = build_parser(commands=not opens_app(args_list))
    args = parser.parse_args(args_list)
    handler = getattr(args, "handler", None)
    if handler is None:
        from workbench.app import run_gui

        start = "manager" if args.manager else "today"
        return run_gui(resolve_target(args), smoke=args.smoke, start_area=start, started=started)
    try:
        return int(handler(args) or 0)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("interrupted; nothing more was written", file=sys.stderr)
        return 1
    except Exception as exc:
        from workbench.store.failures import failure_message, sqlite_reason

        target = resolve_target(args) if hasattr(args, "db") else None
        message = failure_message(exc, target if isinstance(target, Path) else None)
        if message is not None:  # the disk, a lock, a damaged file: a sentence, no trace
            log.info("%s failed: %s", args.command, exc.__class__.__name__)
            print(f"error: {message}", file=sys.stderr)
            return 1
        log.exception("unexpected error in %s", args.command)
        # sqlite_reason: SQLAlchemy's own text holds the statement and its parameters.
        print(f"unexpected error: {exc.__class__.__name__}: {sqlite_reason(exc)}", file=sys.stderr)
        return 1


def looks_like_file(arg: str) -> bool:
    """A first word that names a file rather than a subcommand: subcommand names have no
    dot and no path separator, a workbench file (``demo.db``, a desktop's ``%f``) has one."""
    return not arg.startswith("-") and ("." in arg or "/" in arg or "\\" in arg)


def file_as_db(args: Sequence[str]) -> list[str]:
    """``workbench FILE [options]`` is ``workbench --db FILE [options]`` (what a file
    manager or the ``.desktop`` file's ``Exec=workbench %f`` runs)."""
    args = list(args)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--db":
            i += 2
            continue
        if arg.startswith("-"):
            i += 1
            continue
        if not looks_like_file(arg):
            return args  # a subcommand: its own parser reads the rest
        if "--db" in args or any(a.startswith("--db=") for a in args):
            raise CliError(f"give the file once: either {arg} or --db, not both", 2)
        return [*args[:i], "--db", arg, *args[i + 1 :]]
    return args


def opens_app(args: Sequence[str]) -> bool:
    """True when ``args`` name no subcommand (only options, and --db's value) and ask
    for no help: then the app starts without importing any subcommand's module."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-h", "--help", "--version"):
            return False
        if arg == "--db":
            i += 2
            continue
        if not arg.startswith("-"):
            return False
        i += 1
    return True
