"""``workbench stats`` — every Insights metric, from the same service as the Insights area."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from workbench.cli.common import CliError, add_command, emit_json, json_arg, open_for_read
from workbench.services.insights.common import Period
from workbench.services.insights.quota import Quota, quarter_of
from workbench.services.insights.stats import compute_stats
from workbench.services.plurals import counted, word


def register(sub: Any) -> None:
    parser = add_command(
        sub,
        "stats",
        "conversion by kind, source, campaign and industry; speed-to-lead; stage funnel; "
        "activity ratios; pipeline; quota math",
    )
    parser.add_argument("--from", dest="first", metavar="DATE", help="first day of the period (YYYY-MM-DD)")
    parser.add_argument("--to", dest="last", metavar="DATE", help="last day of the period (YYYY-MM-DD)")
    parser.add_argument(
        "--quota", metavar="AMOUNT", help="quota to do the math for (default: the one saved in the app)"
    )
    parser.add_argument(
        "--quota-from", metavar="DATE", help="first day of the quota period (default: this quarter)"
    )
    parser.add_argument("--quota-to", metavar="DATE", help="last day of the quota period")
    json_arg(parser)
    parser.set_defaults(handler=run)


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    from workbench.exchange.pipeline_file.columns import EARLIEST, LATEST

    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise CliError(f"{option} {text!r} is not a date; write it as YYYY-MM-DD.") from None
    # A period is counted up to the day after its end: 9999-12-31 overflowed the calendar.
    if not EARLIEST <= day <= LATEST:
        raise CliError(f"{option} {text!r} is outside the dates the app counts ({EARLIEST} to {LATEST}).")
    return day


def _quota(args: argparse.Namespace) -> Quota | None:
    if args.quota is None:
        if args.quota_from or args.quota_to:
            raise CliError("--quota-from and --quota-to need --quota AMOUNT.")
        return None
    try:
        amount = float(str(args.quota).replace(",", "").replace("_", ""))
    except ValueError:
        raise CliError(f"--quota {args.quota!r} is not an amount; write a number such as 250000.") from None
    if not amount > 0 or amount != amount or amount == float("inf"):
        raise CliError("--quota must be a positive amount.")
    first, last = quarter_of(date.today())
    first = _day(args.quota_from, "--quota-from") or first
    last = _day(args.quota_to, "--quota-to") or last
    if last < first:
        raise CliError("--quota-to is before --quota-from.")
    return Quota(amount, first, last)


def run(args: argparse.Namespace) -> int:
    first = _day(args.first, "--from")
    last = _day(args.last, "--to")
    if first and last and last < first:
        raise CliError("--to is before --from.")
    quota = _quota(args)
    with open_for_read(args) as wb:
        result = compute_stats(wb, Period.from_dates(first, last), quota_override=quota)
    if args.json:
        emit_json(result)
    else:
        for line in report_lines(result):
            print(line)
    return 0


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def _num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _counted(value: int | None, one: str, other: str) -> str:
    """``counted`` for a figure that may be missing ("— leads")."""
    return f"— {other}" if value is None else counted(value, one, other)


def report_lines(result: dict[str, Any]) -> list[str]:
    """A short plain-text reading of the stats, for a terminal."""
    conv = result["conversion"]
    total = conv["total"]
    lines = [
        f"leads {total['leads']:,}  opportunities {total['opportunities']:,}  won {total['won']:,}  "
        f"lead→opportunity {_pct(total['lead_to_opportunity'])}  "
        f"opportunity→won {_pct(total['opportunity_to_won'])}",
    ]
    for dim in ("kind", "source", "campaign", "industry"):
        lines.append("")
        lines.append(f"by {dim}:")
        for name, group in list(conv[f"by_{dim}"].items())[:15]:
            ci = group["lead_to_opportunity_ci"]
            interval = f"[{_pct(ci[0])} – {_pct(ci[1])}]" if ci else ""
            mark = "" if group["meaningful"] else "  (too few leads)"
            leads, opps = group["leads"], group["opportunities"]
            lines.append(
                f"  {name[:28]:<28} {leads:>8,} {word(leads, 'lead', 'leads'):<5} "
                f"{opps:>6,} {word(opps, 'opp', 'opps'):<4} "
                f"{group['won']:>5,} won  {_pct(group['lead_to_opportunity']):>8} {interval}{mark}"
            )
    speed = result["speed_to_lead_hours"]
    lines += [
        "",
        f"speed to lead: median {_num(speed['median'], 2)} h over "
        f"{counted(speed['touched'], 'touched lead', 'touched leads')} "
        "(inbound and referral leads only; "
        f"{counted(speed.get('left_out', 0), 'cold/list lead', 'cold/list leads')} left out)",
    ]
    lines += ["", "funnel:"]
    for stage in result["funnel"]:
        leak = "  ← worst leak" if stage["worst_leak"] else ""
        lines.append(
            f"  {stage['stage'][:20]:<20} entered {stage['entered']:>6,}  "
            f"advanced {stage['advanced'] or 0:>6,}  lost {stage['lost'] or 0:>6,}{leak}"
        )
    act = result["activity"]
    lines += [
        "",
        f"touches {act['touches']:,}: {_num(act['touches_per_meeting_booked'])} per meeting booked, "
        f"{_num(act['touches_per_opportunity'])} per opportunity, "
        f"{_num(act['touches_per_won'])} per won deal",
    ]
    lost = result.get("lost_reasons") or {"lost": 0, "reasons": []}
    if lost["reasons"]:
        lines += ["", f"lost reasons ({counted(lost['lost'], 'deal', 'deals')} lost):"]
        for entry in lost["reasons"][:15]:
            source = f"from the {entry['list']} list" if entry.get("list") else "on neither list now"
            lines.append(f"  {entry['reason'][:40]:<40} {entry['count']:>6,}  ({source})")
    pipe = result["pipeline"]
    lines += [
        "",
        f"pipeline: open {_num(pipe['open_amount'], 0)}, weighted {_num(pipe['weighted_amount'], 0)}, "
        f"stale {_num(pipe['stale_amount'], 0)} {result['currency']}",
    ]
    quota = result["quota"]
    if quota is not None:
        lines.append(
            f"quota {_num(quota['quota'], 0)} ({quota['from']} – {quota['to']}): "
            f"{_counted(quota['opportunities_needed'], 'opportunity', 'opportunities')}, "
            f"{_counted(quota['leads_needed'], 'lead', 'leads')}, "
            f"{_num(quota['touches_per_week_needed'], 0)} touches a week; "
            f"gap to pipeline {_num(quota['gap'], 0)}"
        )
    return lines
