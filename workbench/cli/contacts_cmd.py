"""``workbench contacts import FILE.vcf --account ID`` — people from a vCard file onto an account.

The file is read before the workbench is opened, so a file that is missing, special
(a FIFO, a device), too big or not vCards exits with 2 and writes nothing; so does an
account that is not there (a workbench that does not exist yet has no accounts, and is
not created). Re-importing the same file adds nobody: the duplicate rules of the leads
say who is already there. With ``--json`` the result is one object on stdout: counts,
one entry per card, and every property that was left out (card, property, reason).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench.cli.common import (
    CliError,
    add_command,
    emit_json,
    json_arg,
    open_target,
    resolve_target,
    say,
)
from workbench.exchange.vcard import VCardError, VCardFile, read_vcard_file
from workbench.services.clock import system_clock
from workbench.services.plurals import counted
from workbench.services.targets import actions as target_actions
from workbench.services.targets import contacts


def register(sub: Any) -> None:
    parser = add_command(sub, "contacts", "contacts of target accounts (import from vCards)")
    commands = parser.add_subparsers(dest="contacts_command", metavar="COMMAND", required=True)
    imp = add_command(commands, "import", "add the people of a vCard file (.vcf) to an account")
    imp.add_argument("file", metavar="FILE.vcf", help="the vCard file (vCard 2.1, 3.0 or 4.0)")
    imp.add_argument(
        "--account",
        metavar="ID",
        required=True,
        help="the account: its UUID (as `workbench targets --json` lists it), its id, or its exact name",
    )
    json_arg(imp)
    imp.set_defaults(handler=run_import)


def _read(path: Path) -> VCardFile:
    try:
        return read_vcard_file(path)
    except VCardError as exc:
        raise CliError(f"{exc} Nothing was imported.") from exc


def run_import(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    parsed = _read(path)  # before the workbench opens: a bad file writes nothing
    target = resolve_target(args)
    if isinstance(target, Path) and not target.exists():
        raise CliError(f"no account {args.account}: {target} does not exist yet. Nothing was imported.")
    wb = open_target(target, create=False)
    try:
        account_id = target_actions.account_by_reference(wb, args.account)
        if account_id is None:
            raise CliError(
                f"no account with UUID, id or name {args.account!r} "
                "(`workbench targets` lists them). Nothing was imported."
            )
        result = target_actions.import_parsed(wb, account_id, parsed, system_clock)
        account = target_actions.account_view(wb, account_id).account
    finally:
        wb.close()
    if args.json:
        emit_json(_as_json(path, account.uuid, account.name, account_id, result))
        return 0
    say(f"{path.name} → {account.name}: {counted(result.cards, 'card', 'cards')} read")
    print(
        f"{counted(result.created, 'contact', 'contacts')} added, {len(result.already_there)} already there, "
        f"{counted(len(result.possible_duplicates), 'possible duplicate', 'possible duplicates')}"
        " added for review, "
        f"{counted(len(_skipped(result)), 'card', 'cards')} skipped"
    )
    for outcome in result.outcomes:
        if not outcome.created:
            print(f"already there: card {outcome.card} {outcome.name} ({outcome.reason})")
        elif outcome.possible_duplicate:
            print(f"possible duplicate: card {outcome.card} {outcome.name} of {outcome.duplicate_of}")
    for problem in result.problems:
        print(problem.describe())
    if result.more_problems:
        print(f"… and {result.more_problems} more problems")
    return 0


def _skipped(result: target_actions.VCardImport) -> list[Any]:
    return [p for p in result.problems if not p.imported]


def _card(outcome: contacts.Outcome) -> dict[str, Any]:
    if not outcome.created:
        status = "already present"
    elif outcome.possible_duplicate:
        status = "created, possible duplicate"
    else:
        status = "created"
    return {
        "card": outcome.card,
        "name": outcome.name,
        "status": status,
        "contact_id": outcome.contact_id,
        "reason": outcome.reason,
        "duplicate_of": outcome.duplicate_of,
    }


def _as_json(
    path: Path, uuid: str, name: str, account_id: int, result: target_actions.VCardImport
) -> dict[str, Any]:
    skipped = _skipped(result)
    cards = [_card(o) for o in result.outcomes]
    cards += [{"card": p.number, "name": p.name, "status": "skipped", "reason": p.reason} for p in skipped]
    cards.sort(key=lambda c: int(c["card"]))
    return {
        "file": path.name,
        "account": {"id": account_id, "uuid": uuid, "name": name},
        "cards_read": result.cards,
        "created": result.created,
        "already_present": len(result.already_there),
        "possible_duplicates": len(result.possible_duplicates),
        "skipped_cards": len(skipped),
        "cards": cards,
        "warnings": [p.as_dict() for p in result.problems if p.imported],
        "more_problems": result.more_problems,
    }
