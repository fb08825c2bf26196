"""``workbench convert`` (a lead into an opportunity) and ``workbench pipeline`` (the board in
numbers; ``pipeline won`` / ``pipeline lost`` close a deal with a reason from that outcome's own
list, ``pipeline reasons`` shows both lists)."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from workbench.cli.common import (
    CliError,
    add_command,
    emit_json,
    json_arg,
    open_for_read,
    open_for_write,
    say,
)
from workbench.domain import StageKind
from workbench.services.pipeline import account_deals, closing, convert
from workbench.services.pipeline import stages as pipeline
from workbench.services.pipeline.board import summary
from workbench.services.plurals import counted
from workbench.services.settings import reasons


def register(sub: Any) -> None:
    parser = add_command(
        sub, "convert", "convert a lead into an opportunity (reuses a matching account and contact)"
    )
    parser.add_argument("lead", metavar="LEAD_UUID", help="the lead's id (its uuid, as exports show it)")
    parser.add_argument("--amount", metavar="N", default="0", help="expected deal amount (default 0)")
    parser.add_argument("--currency", metavar="CODE", help="three-letter currency (default: the profile's)")
    parser.add_argument("--stage", metavar="S", help="starting stage by name (default: the first open stage)")
    parser.add_argument("--name", metavar="TEXT", help="opportunity name (default: the account's name)")
    parser.add_argument(
        "--into",
        metavar="OPPORTUNITY_UUID",
        help="join this open deal of the lead's account (its person on the buying team) instead of a new one",
    )
    json_arg(parser)
    parser.set_defaults(handler=run_convert)

    parser = add_command(
        sub, "pipeline", "show the pipeline by stage: counts, amounts, weighted amounts, stale deals"
    )
    json_arg(parser)
    parser.set_defaults(handler=run_pipeline)
    actions = parser.add_subparsers(dest="pipeline_action", metavar="ACTION", required=False)
    for outcome in (StageKind.WON, StageKind.LOST):
        close = actions.add_parser(
            outcome.value,
            help=f"close a deal as {outcome.value}, with a reason from the {outcome.value} list",
        )
        close.add_argument("opportunity", metavar="OPPORTUNITY_UUID", help="the deal's id (its uuid)")
        close.add_argument(
            "--reason",
            required=True,
            metavar="TEXT",
            help=f"why it was {outcome.value}: one of the {outcome.value} list "
            f"(at most {reasons.MAX_LENGTH} characters; see: workbench pipeline reasons)",
        )
        if outcome is StageKind.LOST:
            close.add_argument(
                "--lost-to",
                default="",
                metavar="NAME",
                help=f"the competitor it went to (at most {closing.LOST_TO_MAX} characters)",
            )
        close.add_argument("--note", default="", metavar="TEXT", help="what happened (needed for 'other')")
        close.add_argument("--on", metavar="DATE", help="the close date, YYYY-MM-DD (default: today)")
        close.add_argument(
            "--keep-work",
            action="store_true",
            help="keep the deal's open follow-ups and next step (default: marked done with it)",
        )
        json_arg(close)
        close.set_defaults(handler=run_close, outcome=outcome)
    listing = actions.add_parser("reasons", help="the won and the lost reasons a closed deal picks from")
    json_arg(listing)
    listing.set_defaults(handler=run_reasons)
    # ``--db`` after the action (``pipeline won X --db f``) works like before it.
    for action in actions.choices.values():
        action.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def _plan_lines(plan: convert.ConversionPlan) -> list[str]:
    lines = []
    if plan.account is None:
        lines.append("account: none (the lead has no company)")
    elif plan.account.created:
        lines.append(f"account: new “{plan.account.name}”")
    else:
        lines.append(f"account: existing “{plan.account.name}” (matched by {plan.account.reason})")
    if plan.contact is None:
        lines.append("contact: none")
    elif plan.contact.created:
        lines.append(f"contact: new “{plan.contact.name}”")
    else:
        lines.append(f"contact: existing “{plan.contact.name}” (matched by {plan.contact.reason})")
    for deal in plan.open_deals:
        step = f", next: {deal.next_step}" if deal.next_step else ""
        what = f"{deal.stage}, {deal.amount:g} {deal.currency}{step}"
        lines.append(f"open deal on the account: “{deal.name}” ({what}) {deal.uuid}")
    return lines


def run_convert(args: argparse.Namespace) -> int:
    try:
        amount = pipeline.parse_amount(str(args.amount))
    except pipeline.PipelineError as exc:
        raise CliError(str(exc)) from exc
    with open_for_write(args) as wb:
        try:
            lead_id = convert.lead_id_for_uuid(wb, args.lead)
            plan = convert.plan_conversion(wb, lead_id)
            stage_id = None
            if args.stage:
                stage = pipeline.find_stage(wb, args.stage)
                if not stage.is_open:
                    raise CliError(f"“{stage.name}” closes deals; a new opportunity starts in an open stage.")
                stage_id = stage.id
            into = account_deals.deal_id_for_uuid(wb, args.into) if args.into else None
            result = convert.convert_lead(
                wb,
                lead_id,
                name=args.name,
                amount=amount,
                currency=args.currency,
                stage_id=stage_id,
                into=into,
            )
            opp = pipeline.get_opportunity(wb, result.opportunity_id)
            stages = {s.id: s.name for s in pipeline.list_stages(wb)}
        except pipeline.PipelineError as exc:
            raise CliError(str(exc)) from exc
    if args.json:
        emit_json(
            {
                "lead": plan.lead_uuid,
                "opportunity": {
                    "uuid": opp.uuid,
                    "name": opp.name,
                    "amount": opp.amount,
                    "currency": opp.currency,
                    "stage": stages[opp.stage_id],
                    "kind": opp.kind,
                    "source": opp.source,
                    "campaign": opp.campaign,
                },
                "account": {"id": result.account_id, "created": result.account_created},
                "contact": {"id": result.contact_id, "created": result.contact_created},
                "joined": into is not None,
                "open_deals": [d.uuid for d in plan.open_deals],
            }
        )
    else:
        for line in _plan_lines(plan):
            say(line)
        verb = "joined" if into is not None else "converted:"
        say(f"{verb} opportunity “{opp.name}” in {stages[opp.stage_id]} ({opp.uuid})")
    return 0


def _money(values: dict[str, float]) -> str:
    if not values:
        return "0"
    return " + ".join(f"{amount:,.0f} {currency}" for currency, amount in sorted(values.items()))


def run_pipeline(args: argparse.Namespace) -> int:
    with open_for_read(args) as wb:
        data = summary(wb)
    if args.json:
        emit_json(data.as_dict())
        return 0
    labels = [
        c.stage.name if c.stage.is_open else f"{c.stage.name} (last {data.board.closed_days} d)"
        for c in data.board.columns
    ]
    width = max((len(label) for label in labels), default=5)
    print(f"{'stage':<{width}}  {'deals':>5}  {'stale':>5}  amount")
    for label, column in zip(labels, data.board.columns, strict=True):
        print(f"{label:<{width}}  {column.count:>5}  {column.stale:>5}  {_money(column.totals)}")
    print(
        f"open: {counted(data.open_count, 'deal', 'deals')}, {_money(data.open_totals)}; "
        f"weighted {_money(data.weighted_totals)}"
    )
    return 0


def _close_day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CliError(f"--on {text!r} is not a date; write it as YYYY-MM-DD.") from None


def run_close(args: argparse.Namespace) -> int:
    outcome: StageKind = args.outcome
    lost_to = getattr(args, "lost_to", "")
    closed_on = _close_day(args.on)
    try:
        closing.check_lost_to(lost_to)
    except closing.ClosingError as exc:
        raise CliError(str(exc)) from exc
    if args.reason == reasons.OTHER and not args.note.strip():
        raise CliError("The reason 'other' needs a --note saying what happened.")
    with open_for_write(args) as wb:
        try:
            opportunity_id = account_deals.deal_id_for_uuid(wb, args.opportunity)
            with wb.reading() as session:
                # Checked here first: the message names the list and the field's limit.
                reason = reasons.check_close_reason(session, args.reason, outcome.value)
            changed = pipeline.close(
                wb,
                opportunity_id,
                outcome,
                reason,
                note=args.note,
                closed_on=closed_on,
                finish_work=not args.keep_work,
                lost_to=lost_to,
            )
            opp = pipeline.get_opportunity(wb, opportunity_id)
        except (pipeline.PipelineError, reasons.ReasonError) as exc:
            raise CliError(str(exc)) from exc
    if not changed:
        say(f"“{opp.name}” was already {outcome.value}; nothing changed")
    else:
        competitor = f", lost to {opp.lost_to}" if opp.lost_to else ""
        say(f"“{opp.name}” {outcome.value}: {opp.close_reason} (from the {outcome.value} list){competitor}")
    if args.json:
        emit_json(
            {
                "opportunity": opp.uuid,
                "name": opp.name,
                "outcome": str(opp.outcome),
                "changed": changed,
                "reason": opp.close_reason,
                "reason_list": outcome.value,
                "lost_to": opp.lost_to,
                "closed_at": opp.closed_at.isoformat() if opp.closed_at else None,
            }
        )
    return 0


def run_reasons(args: argparse.Namespace) -> int:
    with open_for_read(args) as wb, wb.reading() as session:
        lists = reasons.shown_lists_in(session)
    if args.json:
        emit_json({"max_length": reasons.MAX_LENGTH, **lists})
        return 0
    for name, items in lists.items():
        print(f"{name}: {', '.join(items)}")
    return 0
