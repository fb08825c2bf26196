"""``workbench import`` and ``workbench undo-import`` — leads from CSV/XLSX files, for scripts;
``--as accounts [--target-list]`` imports a company list as accounts.

The file is read and mapped before the workbench is opened, so a file that cannot be
read or mapped exits with 2 and writes nothing (not even a new workbench file).
Progress goes to stderr one line per chunk; with ``--json`` the summary is one JSON
object on stdout.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path
from typing import Any

from workbench.cli.common import (
    CliError,
    add_command,
    emit_json,
    json_arg,
    open_for_write,
    open_target,
    resolve_target,
    say,
)
from workbench.exchange.dates import DateOrder
from workbench.exchange.header_row import open_report
from workbench.exchange.mapping import MappingError, parse_mapping_json
from workbench.exchange.readers import ReadError, ReadOptions
from workbench.exchange.special_files import special_kind, special_reason
from workbench.services.imports import history as import_history
from workbench.services.imports.file_preview import resolve_mapping
from workbench.services.imports.rows import Unmapped
from workbench.services.imports.run import (
    DupAction,
    ImportAs,
    ImportOptions,
    ImportProgress,
    ImportRefused,
    ImportResult,
    run_import,
)
from workbench.services.plurals import counted
from workbench.store import StoreError


def register(sub: Any) -> None:
    parser = add_command(
        sub, "import", "import leads (or a company list as accounts) from a CSV, TSV or XLSX file"
    )
    parser.add_argument("file", metavar="FILE", help="the CSV/TSV/TXT or XLSX/XLS/ODS file")
    parser.add_argument("--kind", help="kind of every lead: inbound, target or referral")
    parser.add_argument("--source", help="lead source of every lead (e.g. 'webinar')")
    parser.add_argument("--campaign", help="campaign of every lead")
    parser.add_argument(
        "--mapping",
        metavar="PRESET_OR_JSON",
        help='a saved preset name, a JSON object {"File header": "field"} or a .json file with one',
    )
    parser.add_argument("--encoding", help="the file's encoding (default: detected)")
    parser.add_argument("--delimiter", help="the field delimiter: , ; | or tab (default: detected)")
    parser.add_argument("--sheet", metavar="NAME", help="the spreadsheet's sheet (default: the first)")
    parser.add_argument(
        "--header-row",
        metavar="N",
        type=_line_number,
        help="the line the column headers are on, as a spreadsheet numbers it (default: found)",
    )
    parser.add_argument(
        "--on-duplicate",
        choices=[a.value for a in DupAction],
        default=DupAction.SKIP.value,
        help="what to do with a row that is a lead already stored or an earlier row (default: skip)",
    )
    parser.add_argument(
        "--unmapped",
        choices=[u.value for u in Unmapped],
        default=Unmapped.NOTES.value,
        help="keep the values of unmapped columns in the notes, or ignore them (default: notes)",
    )
    parser.add_argument(
        "--date-order",
        choices=[o.value for o in DateOrder],
        help="how to read 03/04/2024: mdy (US) or dmy (default: guessed from the file)",
    )
    parser.add_argument(
        "--as",
        dest="import_as",
        choices=("leads", "accounts"),
        default="leads",
        help="what each row becomes: a lead, or (a company list) an account, "
        "de-duplicated by domain then name (default: leads)",
    )
    parser.add_argument(
        "--target-list",
        action="store_true",
        help="with --as accounts: put the accounts on the target list (default: other accounts)",
    )
    parser.add_argument("--dry-run", action="store_true", help="check and count everything, write nothing")
    parser.add_argument("--rejects", metavar="OUT.csv", help="write the rejected rows with a reason column")
    json_arg(parser)
    parser.set_defaults(handler=run)

    undo = add_command(sub, "undo-import", "undo one whole import (see the import history)")
    undo.add_argument("batch_id", metavar="BATCH_ID", type=int, help="the import's batch id")
    json_arg(undo)
    undo.set_defaults(handler=run_undo)


def _line_number(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a line number (1, 2, 3…)")
    return number


def _mapping_arg(value: str | None) -> tuple[dict[str, str] | None, str | None]:
    """(preset dict, preset name to look up in the workbench)."""
    if not value:
        return None, None
    text = value.strip()
    if not text.startswith("{"):
        kind = special_kind(Path(text).expanduser())
        if kind is not None:  # a pipe or a device is no preset name, and opening a FIFO blocks
            what = "" if kind == "not a regular file" else f" ({kind})"
            raise CliError(
                f"--mapping: {text} is not a regular file{what}; give a .json file, "
                "a JSON object or a saved preset's name"
            )
    try:
        if text.startswith("{"):
            return parse_mapping_json(text), None
        if text.endswith(".json") and Path(text).is_file():
            return parse_mapping_json(Path(text).read_text(encoding="utf-8")), None
    except (MappingError, OSError) as exc:
        raise CliError(f"--mapping: {exc}") from exc
    return None, text


def run(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    delimiter = args.delimiter
    if delimiter in ("tab", "\\t", "TAB"):
        delimiter = "\t"
    read = ReadOptions(encoding=args.encoding, delimiter=delimiter, sheet=args.sheet)
    preset, preset_name = _mapping_arg(args.mapping)
    if args.rejects and special_reason(Path(args.rejects).expanduser()) is not None:
        raise CliError(f"--rejects: {args.rejects} {special_reason(Path(args.rejects).expanduser())}")
    if args.target_list and args.import_as != "accounts":
        raise CliError("--target-list puts accounts on the target list: use it with --as accounts")
    if args.import_as == "accounts":
        import_as = ImportAs.TARGETS if args.target_list else ImportAs.ACCOUNTS
    else:
        import_as = ImportAs.LEADS
    options = ImportOptions(
        read=read,
        import_as=import_as,
        header_row=args.header_row,
        preset=preset,
        kind=args.kind,
        source=args.source,
        campaign=args.campaign,
        unmapped=Unmapped(args.unmapped),
        on_duplicate=DupAction(args.on_duplicate),
        date_order=DateOrder(args.date_order) if args.date_order else None,
        dry_run=args.dry_run,
        rejects_to=Path(args.rejects).expanduser() if args.rejects else None,
    )
    # Read and map before the workbench is opened: a bad file writes nothing at all.
    try:
        with open_report(path, read, args.header_row) as reader:
            if preset_name is None:
                head = [row.values for _n, row in zip(range(50), reader.rows(), strict=False)]
                resolve_mapping(reader.headers, options, samples=head)
    except ReadError as exc:
        raise CliError(f"{path.name} cannot be read: {exc}.") from exc
    except MappingError as exc:
        raise CliError(f"{path.name} cannot be mapped: {exc}.") from exc

    target = resolve_target(args)
    if preset_name is not None and isinstance(target, Path) and not target.exists():
        raise CliError(f"--mapping: no preset called {preset_name!r} (the workbench does not exist yet)")
    with open_for_write(args) as wb:
        if preset_name is not None:
            saved = import_history.presets(wb)
            if preset_name not in saved:
                known = ", ".join(sorted(saved)) or "none saved yet"
                raise CliError(f"--mapping: no preset called {preset_name!r} (presets: {known})")
            options = _with_preset(options, saved[preset_name])
        try:
            # --json lists the problems per row, so they are collected then.
            result = run_import(wb, path, options, progress=_progress, collect=bool(args.json))
        except ImportRefused as exc:
            raise CliError(str(exc)) from exc
        except ValueError as exc:
            raise CliError(str(exc)) from exc
        except OSError as exc:
            raise CliError(f"the import stopped, nothing was written: {exc}", code=1) from exc
        except StoreError as exc:  # e.g. the backup before the import could not be written
            raise CliError(f"the import did not start, nothing was written: {exc}", code=1) from exc
    if args.json:
        emit_json(result.as_dict())
    else:
        for line in summary_lines(result, args.rejects):
            say(line)
    if result.rejects_problem:
        say(f"error: the import was committed, but {result.rejects_problem}")
        return 1
    return 0


def _with_preset(options: ImportOptions, preset: dict[str, str]) -> ImportOptions:
    return replace(options, preset=preset)


_backup_said = [-1]  # the last tenth of the backup reported


def _progress(update: ImportProgress) -> bool:
    if update.phase == "backup":
        tenth = int(update.fraction * 10)
        if tenth != _backup_said[0]:
            _backup_said[0] = tenth
            say(f"backup: backing up the workbench first ({tenth * 10}%)")
        return True
    say(
        f"progress: {counted(update.rows, 'row', 'rows')} read ({update.fraction:.0%}), "
        f"{update.inserted:,} new, {counted(round(update.rows_per_second), 'row', 'rows')}/s"
    )
    return True


def summary_lines(result: ImportResult, rejects: str | None) -> list[str]:
    lines: list[str] = [
        f"{result.file_name}: {result.format.describe()}, {counted(result.rows, 'row', 'rows')} "
        f"({result.layout()})"
    ]
    if result.already_imported is not None:
        lines.append(
            f"This file was imported before (batch {result.already_imported}); "
            + (
                "its lead is already present"
                if result.skipped_duplicates == 1
                else f"all {result.skipped_duplicates:,} of its leads are already present"
            )
            + " and nothing was added."
        )
    elif result.import_as.accounts:
        lines.extend(_account_lines(result))
    else:
        verb = "would add" if result.dry_run else "added"
        lines.append(
            f"{verb} {counted(result.inserted, 'lead', 'leads')}"
            + (f" (batch {result.batch_id})" if result.batch_id is not None else "")
            + f"; merged {result.merged:,}, already present {result.skipped_duplicates:,}, "
            f"kept as duplicates {result.kept_duplicates:,}, rejected {result.rejected:,}"
        )
        if result.dry_run:
            lines.append("dry run: nothing was written")
    if result.backup is not None:
        lines.append(
            f"the workbench as it was before: {result.backup} (a verified backup; nothing was written since)"
            if result.backup_reused
            else f"backed up first: {result.backup} (verified)"
        )
    if result.rejects_problem:
        lines.append(f"the import is committed; {result.rejects_problem}")
    elif result.rejected:
        lines.append(
            f"rejected rows with reasons: {rejects}"
            if rejects
            else "use --rejects OUT.csv to save the rejected rows with their reasons"
        )
    return lines


def _account_lines(result: ImportResult) -> list[str]:
    verb = "would add" if result.dry_run else "added"
    where = "on the target list" if result.import_as is ImportAs.TARGETS else "as other accounts"
    lines = [
        f"{verb} {counted(result.inserted, 'account', 'accounts')} {where}"
        + (f" (batch {result.batch_id})" if result.batch_id is not None else "")
        + f"; already present {result.skipped_duplicates:,}, merged {result.merged:,}, "
        f"rejected {result.rejected:,}; {counted(result.linked_leads, 'lead', 'leads')} linked"
    ]
    if result.promoted:
        lines.append(
            f"{counted(result.promoted, 'account', 'accounts')} already present put on the target list"
        )
    if result.import_as is ImportAs.TARGETS:
        lines.append(
            f"target list: {counted(result.targets_after, 'active target', 'active targets')}, "
            f"goal {result.target_goal:,}"
            + (f" ({result.over_goal:,} over the goal)" if result.over_goal else "")
        )
    if result.dry_run:
        lines.append("dry run: nothing was written")
    return lines


def run_undo(args: argparse.Namespace) -> int:
    target = resolve_target(args)
    if isinstance(target, Path) and not target.exists():
        raise CliError(f"{target} does not exist.")
    wb = open_target(target, create=False)
    try:
        result = import_history.undo_import(wb, args.batch_id)
    except import_history.UndoRefused as exc:
        raise CliError(str(exc)) from exc
    finally:
        wb.close()
    if args.json:
        emit_json(
            {
                "batch_id": result.batch_id,
                "deleted": result.deleted,
                "trashed": result.trashed,
                "restored_fields": result.restored_fields,
                "accounts_deleted": result.accounts_deleted,
                "accounts_trashed": result.accounts_trashed,
                "taken_off_target_list": result.demoted,
            }
        )
    elif result.accounts_deleted or result.accounts_trashed or result.demoted:
        say(
            f"Undid import {result.batch_id}: "
            f"{counted(result.accounts_deleted, 'account', 'accounts')} removed, "
            f"{counted(result.accounts_trashed, 'worked-on account', 'worked-on accounts')} "
            "moved to the trash, "
            f"{result.demoted:,} taken off the target list again, "
            f"{counted(result.restored_fields, 'filled field', 'filled fields')} emptied again."
        )
    else:
        say(
            f"Undid import {result.batch_id}: {counted(result.deleted, 'lead', 'leads')} removed, "
            f"{counted(result.trashed, 'worked-on lead', 'worked-on leads')} moved to the trash, "
            f"{counted(result.restored_fields, 'merged field', 'merged fields')} emptied again."
        )
    return 0


__all__ = ["register", "run", "run_undo", "summary_lines"]
