"""Helpers every subcommand shares: --db, opening the file, JSON out, errors."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from workbench.paths import default_db_path
from workbench.store import StoreError, Workbench, open_workbench


class CliError(Exception):
    """Bad input or an expected environment failure: message on stderr, exit ``code``."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def db_path_arg(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        # A subcommand's --db must not reset one given before the subcommand.
        default=None if top_level else argparse.SUPPRESS,
        help="the workbench file (default: workbench.db in the app's data folder)",
    )


def json_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")


def add_command(sub: Any, name: str, help_text: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help_text, description=help_text)
    db_path_arg(parser)
    return parser


def resolve_db(args: argparse.Namespace) -> Path:
    value = getattr(args, "db", None)
    return Path(value).expanduser() if value else default_db_path()


@contextmanager
def open_for_write(args: argparse.Namespace) -> Iterator[Workbench]:
    """The workbench at --db, created if missing. Store errors become exit 2."""
    try:
        wb = open_workbench(resolve_db(args), create=True)
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    try:
        yield wb
    finally:
        wb.close()


@contextmanager
def open_for_read(args: argparse.Namespace) -> Iterator[Workbench]:
    """The existing workbench at --db, read-only (works while the app has it open)."""
    path = resolve_db(args)
    if not path.exists():
        raise CliError(f"{path} does not exist.")
    try:
        wb = open_workbench(path, create=False, readonly=True)
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    try:
        yield wb
    finally:
        wb.close()


def emit_json(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, default=str, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def say(message: str) -> None:
    print(message, file=sys.stderr)
