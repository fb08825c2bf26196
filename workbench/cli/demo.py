"""``workbench demo`` — build a demo workbench with realistic data, reproducible from a seed."""

from __future__ import annotations

import argparse
from typing import Any

from workbench.cli.common import CliError, add_command, emit_json, json_arg, resolve_db, say


def register(sub: Any) -> None:
    parser = add_command(
        sub,
        "demo",
        "build a demo workbench: 'small' is one rep's year, 'large' a million leads for benchmarks",
    )
    parser.add_argument(
        "--size", choices=("small", "large"), default="small", help="how much data (default: small)"
    )
    parser.add_argument("--seed", type=int, default=1, help="the same seed builds the same data (default: 1)")
    parser.add_argument("--rep", metavar="NAME", default=None, help="the rep's name (default: a made-up one)")
    parser.add_argument(
        "--anchor",
        metavar="ISO",
        default=None,
        help="'now' of the demo data, e.g. 2026-03-02T09:00 (default: today 09:00 UTC)",
    )
    parser.add_argument("--force", action="store_true", help="replace the file if it exists")
    json_arg(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    path = resolve_db(args)
    if path.is_dir():
        raise CliError(f"{path} is a folder; give a file name for the demo workbench.")
    if path.exists() and not args.force:
        raise CliError(f"{path} already exists; use --force to replace it with a demo.")
    anchor = None
    if args.anchor:
        from workbench.services.demo.base import parse_anchor

        try:
            anchor = parse_anchor(args.anchor)
        except ValueError as exc:
            raise CliError(f"--anchor: {args.anchor!r} is not an ISO date or date-time.") from exc

    from workbench.services.demo import DemoOptions, build_demo
    from workbench.store import StoreError

    options = DemoOptions(size=args.size, seed=args.seed, rep_name=args.rep, anchor=anchor)
    say(f"building a {args.size} demo workbench at {path} (seed {args.seed})")
    try:
        summary = build_demo(path, options, replace=args.force, progress=say)
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        emit_json(summary.as_dict())
    else:
        counts = ", ".join(f"{n:,} {name}" for name, n in summary.counts.items())
        say(f"done in {summary.seconds:.1f} s: {counts}")
    return 0
