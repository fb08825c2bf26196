"""``workbench backup`` and ``workbench restore``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench.cli.common import CliError, add_command, emit_json, json_arg, open_for_read, resolve_db, say
from workbench.exchange.special_files import special_reason
from workbench.store import StoreError
from workbench.store.lock import WriterLock


def register(sub: Any) -> None:
    parser = add_command(sub, "backup", "make a verified backup of a workbench file")
    parser.add_argument(
        "--to", metavar="DIR", help="folder for the backup (default: the app's backup folder)"
    )
    json_arg(parser)
    parser.set_defaults(handler=run_backup)

    parser = add_command(sub, "restore", "replace a workbench file with one of its backups")
    parser.add_argument("backup", metavar="BACKUP", help="the backup file to restore")
    json_arg(parser)
    parser.set_defaults(handler=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    from workbench.services.safety.backups import back_up

    with open_for_read(args) as wb:
        try:
            info = back_up(wb, reason="manual", to=Path(args.to) if args.to else None)
        except StoreError as exc:
            raise CliError(str(exc)) from exc
    if args.json:
        emit_json(info.as_dict())
    else:
        say(f"backup written: {info.path} ({info.size:,} bytes, verified)")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from workbench.paths import backup_dir_for
    from workbench.store.failures import failure_message
    from workbench.store.migrate import SCHEMA_VERSION
    from workbench.store.recovery import restore_backup
    from workbench.store.sqlite_file import recognise

    path = resolve_db(args)
    backup = Path(args.backup).expanduser()
    special = special_reason(backup)
    if special is not None:
        raise CliError(f"{backup} {special}; nothing was changed.")
    if not backup.is_file():
        raise CliError(f"{backup} does not exist.")
    damaged = False
    if path.exists():
        try:
            recognise(path, SCHEMA_VERSION)
        except StoreError:
            damaged = True
    lock = WriterLock(path)
    try:
        lock.acquire()
        previous = restore_backup(backup, path, backup_dir_for(path), current_is_damaged=damaged)
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    except OSError as exc:  # the lock beside a file on read-only media: nothing was written
        raise CliError(failure_message(exc, path) or f"Cannot restore into {path}: {exc}") from exc
    finally:
        lock.release()
    if args.json:
        emit_json({"restored": str(backup), "db": str(path), "previous": str(previous) if previous else None})
    else:
        say(f"{path} restored from {backup.name}")
        if previous is not None:
            say(f"the file as it was before is kept at {previous}")
    return 0
