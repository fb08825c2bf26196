"""Helpers every subcommand shares: --db, opening the file, JSON out, errors."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from workbench.paths import default_db_path
from workbench.store import PasswordRequiredError, StoreError, Workbench, is_server_url, open_workbench

#: A team database to use when no --db is given (a postgresql+psycopg:// URL).
DB_URL_ENV = "WORKBENCH_DB_URL"


class CliError(Exception):
    """Bad input or an expected environment failure: message on stderr, exit ``code``."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def db_path_arg(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH|URL",
        # A subcommand's --db must not reset one given before the subcommand.
        default=None if top_level else argparse.SUPPRESS,
        help="the workbench file, or a team database as postgresql+psycopg://user@host/db "
        f"(default: ${DB_URL_ENV} when set, else workbench.db in the app's data folder)",
    )


def json_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")


def add_command(sub: Any, name: str, help_text: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help_text, description=help_text)
    db_path_arg(parser)
    return parser


def resolve_target(args: argparse.Namespace) -> Path | str:
    """--db as given (a file path, or a team database URL), else $WORKBENCH_DB_URL, else
    the default file."""
    value = (getattr(args, "db", None) or "").strip() or os.environ.get(DB_URL_ENV, "").strip()
    if not value:
        return default_db_path()
    return value if is_server_url(value) else Path(value).expanduser()


def resolve_db(args: argparse.Namespace) -> Path:
    """--db for commands about a workbench *file* (demo, backups): a URL is refused."""
    target = resolve_target(args)
    if isinstance(target, str):
        raise CliError(
            "This command works on a workbench file, not on a team database; "
            "give --db a file path (a team database is backed up on its server with pg_dump)."
        )
    return target


def open_target(target: Path | str, *, create: bool, readonly: bool = False) -> Workbench:
    """Open ``target``; a team database that wants a password asks for it on a terminal.
    Store errors become exit 2."""
    try:
        try:
            return open_workbench(target, create=create, readonly=readonly)
        except PasswordRequiredError as exc:
            if not sys.stdin.isatty():
                raise
            import getpass

            password = getpass.getpass(f"Password for {exc.user} at {exc.location}: ")
            return open_workbench(target, create=create, readonly=readonly, password=password)
    except StoreError as exc:
        raise CliError(str(exc)) from exc


@contextmanager
def open_for_write(args: argparse.Namespace) -> Iterator[Workbench]:
    """The workbench at --db, created if missing. Store errors become exit 2."""
    wb = open_target(resolve_target(args), create=True)
    try:
        yield wb
    finally:
        wb.close()


@contextmanager
def open_for_read(args: argparse.Namespace, *, verify: bool = True) -> Iterator[Workbench]:
    """The existing workbench at --db, read-only (works while the app has it open).

    A file that fails its quick check is refused with what was found (``verify=False``
    for ``check`` itself, which lists every problem)."""
    target = resolve_target(args)
    if isinstance(target, Path) and not target.exists():
        raise CliError(f"{target} does not exist.")
    wb = open_target(target, create=False, readonly=True)
    try:
        if verify and isinstance(target, Path):
            _refuse_damaged(wb, target)
        yield wb
    finally:
        wb.close()


def _refuse_damaged(wb: Workbench, path: Path) -> None:
    from workbench.store.backends.sqlite import QUICK_CHECK_AT_OPEN_MAX_BYTES
    from workbench.store.failures import sqlite_reason

    if path.stat().st_size > QUICK_CHECK_AT_OPEN_MAX_BYTES:
        return  # the app checks big files in the background; `check` checks them whole
    try:
        with wb.engine.connect() as conn:
            problems = wb.integrity_problems(conn, full=False)
    except Exception as exc:  # the check itself stopped on a damaged page
        problems = [sqlite_reason(exc)]
    if problems:
        raise CliError(
            f"{path} is damaged: {'; '.join(problems[:3])}. Nothing was read from it; "
            "`workbench check` lists every problem, and a backup can be restored.",
            code=1,
        )


def emit_json(obj: dict[str, Any]) -> None:
    """One strictly valid JSON object: NaN and ±Infinity (which ``json`` would print as
    bare words no other parser reads) become ``null``."""
    try:
        text = json.dumps(obj, default=str, ensure_ascii=False, allow_nan=False)
    except ValueError:
        text = json.dumps(_finite(obj), default=str, ensure_ascii=False, allow_nan=False)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def say(message: str) -> None:
    print(message, file=sys.stderr)
