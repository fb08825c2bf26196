"""``workbench export`` (a rep's pipeline file) and ``workbench rollup`` (many reps' files)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from workbench.cli.common import CliError, add_command, emit_json, json_arg, open_for_read, say
from workbench.services.plurals import counted


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” is not a date; write it as YYYY-MM-DD") from None


def register(sub: Any) -> None:
    export = add_command(sub, "export", "export the pipeline file a manager reads (.xlsx or .json)")
    export.add_argument("--out", metavar="FILE", required=True, help="FILE.xlsx (spreadsheet) or FILE.json")
    export.add_argument(
        "--rep", metavar="NAME", help="the rep's name in the file (default: your profile name)"
    )
    export.add_argument(
        "--since",
        metavar="DATE",
        type=_date,
        help="first day of the period for activities and won/lost (default: 90 days ago)",
    )
    json_arg(export)
    export.set_defaults(handler=run_export)

    rollup = add_command(sub, "rollup", "roll up many reps' pipeline files: per rep and for the team")
    rollup.add_argument(
        "paths", nargs="+", metavar="FILES_OR_FOLDERS", help="pipeline files, or folders of them"
    )
    rollup.add_argument("--out", metavar="FILE", help="write the rollup to FILE.xlsx, FILE.csv or FILE.json")
    json_arg(rollup)
    rollup.set_defaults(handler=run_rollup)


def run_export(args: argparse.Namespace) -> int:
    from workbench.services.manager.export import ExportError, export_pipeline, format_of

    out = Path(args.out).expanduser()
    try:
        format_of(out)
    except ExportError as exc:
        raise CliError(str(exc)) from None
    with open_for_read(args) as wb:
        try:
            result = export_pipeline(wb, out, rep=args.rep, since=args.since)
        except ExportError as exc:
            raise CliError(str(exc)) from None
    counts = ", ".join(f"{n:,} {key.replace('_', '-')}" for key, n in result.row_counts.items())
    say(f"wrote {result.path} for {result.rep}: {counts} (in {result.seconds:.1f} s)")
    if args.json:
        emit_json(result.as_dict())
    return 0


def run_rollup(args: argparse.Namespace) -> int:
    from workbench.services.manager.report import OUT_FORMATS, rollup_text, write_rollup
    from workbench.services.manager.rollup import roll_up

    out = Path(args.out).expanduser() if args.out else None
    if out is not None:
        if out.suffix.lower() not in OUT_FORMATS:
            raise CliError(f"“{out.name}”: write the rollup as .xlsx, .csv or .json")
        if not out.parent.is_dir():
            raise CliError(f"the folder {out.parent} does not exist")
    rollup = roll_up(args.paths)
    for rejected in rollup.rejected:
        say(f"rejected {rejected.path}: {rejected.reason}")
    if not rollup.files:
        raise CliError("no pipeline file could be loaded")
    files, reps = counted(len(rollup.files), "file", "files"), counted(len(rollup.reps), "rep", "reps")
    say(f"loaded {files} of {reps}; {len(rollup.rejected)} rejected")
    if out is not None:
        try:
            write_rollup(rollup, out)
        except OSError as exc:
            raise CliError(f"the rollup could not be written: {exc.strerror or exc}", code=1) from None
        say(f"wrote {out}")
    if args.json:
        emit_json(rollup.as_dict())
    elif out is None:
        sys.stdout.write(rollup_text(rollup) + "\n")
    return 0
