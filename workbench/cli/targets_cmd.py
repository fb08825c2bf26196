"""``workbench targets`` — the target list with fit, tier, status and last touch."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from workbench.cli.common import add_command, emit_json, json_arg, open_for_read
from workbench.services.clock import system_clock
from workbench.services.targets import actions as target_actions


def register(sub: Any) -> None:
    parser = add_command(
        sub, "targets", "list the target accounts with fit, tier, status and last touch, and the goal"
    )
    parser.add_argument(
        "--active", action="store_true", help="leave out parked targets (they are listed by default)"
    )
    json_arg(parser)
    parser.set_defaults(handler=run)


def _when(value: datetime | None) -> str:
    if value is None:
        return "never"
    return value.astimezone(UTC).strftime("%Y-%m-%d")


def run(args: argparse.Namespace) -> int:
    with open_for_read(args) as wb:
        rows = target_actions.list_targets(wb, include_parked=not args.active)
        summary = target_actions.summary(wb, system_clock)
    if args.json:
        emit_json(
            {
                "goal": summary.goal,
                "active": summary.active,
                "parked": summary.parked,
                "untouched": summary.untouched,
                "untouched_days": summary.untouched_days,
                "targets": [row.as_dict() for row in rows],
            }
        )
        return 0
    width = max((len(r.name) for r in rows), default=7)
    width = min(max(width, 7), 40)
    print(f"{'account':<{width}}  tier  {'fit':>5}  {'status':<11}  last touch")
    for r in rows:
        fit = "—" if r.fit_score is None else f"{r.fit_score:.0f}"
        name = r.name if len(r.name) <= width else r.name[: width - 1] + "…"
        print(f"{name:<{width}}  {r.tier or '–':<4}  {fit:>5}  {r.status:<11}  {_when(r.last_touch_at)}")
    print(
        f"{summary.active} of {summary.goal} targets; {summary.parked} parked; "
        f"{summary.untouched} untouched for {summary.untouched_days}+ days"
    )
    return 0
