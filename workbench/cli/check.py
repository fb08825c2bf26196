"""``workbench check`` — run SQLite's integrity check on a workbench file and report."""

from __future__ import annotations

import argparse
from typing import Any

from workbench.cli.common import CliError, add_command, emit_json, json_arg, open_for_read, say
from workbench.services.safety.integrity import check_file


def register(sub: Any) -> None:
    parser = add_command(sub, "check", "check a workbench file's integrity")
    json_arg(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with open_for_read(args, verify=False) as wb:
        report = check_file(wb)
    if args.json:
        emit_json(report.as_dict())
    else:
        for line in report.lines():
            say(line)
    if not report.ok:
        raise CliError("the file has problems (see above)", code=1)
    return 0
