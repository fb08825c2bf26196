"""What the Targets area, the account detail and the CLI do, one session per user action.

The capability modules (``accounts``, ``icp``, ``targets``, ``contacts``) take a
Session so they compose inside one transaction; this module opens that one session
for each button push and returns plain objects, so widgets never hold a Session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from workbench.domain import AccountStatus, CheckState, Tier
from workbench.exchange.vcard import CardProblem, VCardFile, read_vcard_file
from workbench.services.clock import Clock, system_clock
from workbench.services.safety import trash
from workbench.services.settings import values as settings
from workbench.services.targets import accounts, contacts, icp
from workbench.services.targets import target_list as targets
from workbench.services.targets.accounts import AccountDetail, AccountInput, AccountOpportunity, LinkedLead
from workbench.services.targets.contacts import BuyingTeam, ContactInfo, ContactInput
from workbench.store import Workbench


# --- the list -----------------------------------------------------------------------
def summary(wb: Workbench, clock: Clock = system_clock) -> targets.Summary:
    with wb.reading() as s:
        return targets.summary(s, clock())


def grid(wb: Workbench) -> dict[tuple[targets.FitBand, targets.Engagement], list[targets.GridAccount]]:
    with wb.reading() as s:
        return targets.fit_engagement(s)


def good_fit(wb: Workbench) -> float:
    """The fit score from which an account counts as a good fit (setting ``targets.good_fit``)."""
    return float(settings.read(wb, "targets.good_fit") or 70)


def untouched_targets(
    wb: Workbench, clock: Clock = system_clock, limit: int = 100
) -> list[targets.UntouchedTarget]:
    """For Today: active targets not touched in ``targets.untouched_days`` days."""
    with wb.reading() as s:
        return targets.untouched_targets(s, clock(), limit)


def list_targets(wb: Workbench, include_parked: bool = True) -> list[targets.TargetRow]:
    with wb.reading() as s:
        return targets.list_targets(s, include_parked=include_parked)


# --- accounts ---------------------------------------------------------------------------
def create_account(
    wb: Workbench, data: AccountInput, *, allow_duplicate: bool = False, clock: Clock = system_clock
) -> int:
    with wb.session() as s:
        return accounts.create_account(s, data, allow_duplicate=allow_duplicate, clock=clock)


def update_account(
    wb: Workbench,
    account_id: int,
    data: AccountInput,
    *,
    allow_duplicate: bool = False,
    clock: Clock = system_clock,
) -> None:
    with wb.session() as s:
        accounts.update_account(s, account_id, data, allow_duplicate=allow_duplicate, clock=clock)


def find_duplicates(
    wb: Workbench, name: str, website: str, exclude_id: int | None = None
) -> list[accounts.AccountMatch]:
    """Accounts like the one being typed (for a warning as you type); bad domains are ignored."""
    try:
        domain = accounts.normalise_domain(website)
    except accounts.AccountError:
        domain = ""
    with wb.reading() as s:
        return accounts.find_duplicates(s, name, domain, exclude_id)


def set_notes(
    wb: Workbench, account_id: int, *, pain_hypothesis: str | None = None, notes: str | None = None
) -> None:
    with wb.session() as s:
        accounts.set_notes(s, account_id, pain_hypothesis=pain_hypothesis, notes=notes)


def search_accounts(
    wb: Workbench, text: str, *, targets_only: bool | None = None
) -> list[accounts.AccountChoice]:
    with wb.reading() as s:
        return accounts.search_accounts(s, text, targets=targets_only)


def trash_account(wb: Workbench, account_id: int, clock: Clock = system_clock) -> datetime:
    """To the trash with its contacts, activities and follow-ups (restorable)."""
    return trash.delete(wb, "account", [account_id], clock=clock)


def restore_account(wb: Workbench, account_id: int) -> int:
    return trash.restore(wb, "account", [account_id])


# --- target moves ----------------------------------------------------------------------
def promote(
    wb: Workbench,
    account_id: int,
    *,
    tier: Tier | str | None = None,
    reason: str = "",
    clock: Clock = system_clock,
) -> bool:
    with wb.session() as s:
        return targets.promote(s, account_id, tier=tier, reason=reason, clock=clock)


def demote(wb: Workbench, account_id: int, reason: str = "", clock: Clock = system_clock) -> bool:
    with wb.session() as s:
        return targets.demote(s, account_id, reason, clock)


def park(wb: Workbench, account_id: int, reason: str, clock: Clock = system_clock) -> None:
    with wb.session() as s:
        targets.park(s, account_id, reason, clock)


def unpark(wb: Workbench, account_id: int, clock: Clock = system_clock) -> str:
    with wb.session() as s:
        return targets.unpark(s, account_id, clock)


def set_status(
    wb: Workbench, account_id: int, status: AccountStatus | str, reason: str = "", clock: Clock = system_clock
) -> None:
    with wb.session() as s:
        targets.set_status(s, account_id, status, reason, clock)


def set_tier(wb: Workbench, account_id: int, tier: Tier | str | None, clock: Clock = system_clock) -> None:
    with wb.session() as s:
        targets.set_tier(s, account_id, tier, clock)


# --- ICP ---------------------------------------------------------------------------------
def weighting(wb: Workbench) -> icp.Weighting:
    with wb.reading() as s:
        return icp.weighting(s)


def save_criteria(wb: Workbench, rows: Sequence[icp.CriterionEdit], clock: Clock = system_clock) -> None:
    with wb.session() as s:
        icp.save_criteria(s, rows, clock)


def set_check(
    wb: Workbench,
    account_id: int,
    criterion_id: int,
    state: CheckState | str,
    evidence: str | None = None,
    clock: Clock = system_clock,
) -> icp.Fit:
    with wb.session() as s:
        return icp.set_check(s, account_id, criterion_id, state, evidence, clock)


def checklist(wb: Workbench, account_id: int) -> list[icp.Check]:
    """The account's ICP checklist as it counts now (the rep's marks, else the facts)."""
    with wb.reading() as s:
        return icp.checklist(s, account_id)


# --- contacts ------------------------------------------------------------------------------
def phone_region(wb: Workbench) -> str:
    return str(settings.read(wb, "profile.phone_region") or "US")


def create_contact(wb: Workbench, data: ContactInput, clock: Clock = system_clock) -> int:
    region = phone_region(wb)
    with wb.session() as s:
        return contacts.create_contact(s, data, phone_region=region, clock=clock)


def update_contact(wb: Workbench, contact_id: int, data: ContactInput, clock: Clock = system_clock) -> None:
    region = phone_region(wb)
    with wb.session() as s:
        contacts.update_contact(s, contact_id, data, phone_region=region, clock=clock)


def get_contact(wb: Workbench, contact_id: int) -> ContactInfo:
    with wb.reading() as s:
        return contacts.get_contact(s, contact_id)


def delete_contact(wb: Workbench, contact_id: int, clock: Clock = system_clock) -> None:
    with wb.session() as s:
        contacts.delete_contact(s, contact_id, clock)


def contact_duplicates(
    wb: Workbench, data: ContactInput, exclude_id: int | None = None
) -> list[contacts.ContactMatch]:
    """Contacts of the account that are, or may be, the person being typed."""
    region = phone_region(wb)
    with wb.reading() as s:
        return contacts.find_duplicates(s, data, exclude_id=exclude_id, phone_region=region)


def restore_contact(wb: Workbench, contact_id: int) -> None:
    with wb.session() as s:
        contacts.restore_contact(s, contact_id)


def contact_from_lead(
    wb: Workbench, lead_id: int, *, create_account: bool = False, clock: Clock = system_clock
) -> contacts.FromLead:
    region = phone_region(wb)
    with wb.session() as s:
        return contacts.contact_from_lead(
            s, lead_id, create_account=create_account, phone_region=region, clock=clock
        )


@dataclass(frozen=True)
class VCardImport:
    created: int
    already_there: list[str]  # names of people already on the account
    problems: list[CardProblem]  # cards skipped and properties left out
    outcomes: list[contacts.Outcome] = field(default_factory=list)
    cards: int = 0
    more_problems: int = 0  # problems beyond the listed ones, counted only

    @property
    def possible_duplicates(self) -> list[contacts.Outcome]:
        return [o for o in self.outcomes if o.possible_duplicate]


def import_vcards(
    wb: Workbench,
    account_id: int | None,
    path: Path,
    clock: Clock = system_clock,
    progress: contacts.Progress | None = None,
) -> VCardImport:
    """People from a vCard file onto an account, all in one transaction. Raises
    ``VCardError`` (nothing written) when the file cannot be read as vCards at all, and
    ``ReadCancelled`` or ``ImportCancelled`` (nothing written) when ``progress`` says stop:
    reading is the first 90 % of the progress, writing the rest."""
    read_progress = None if progress is None else (lambda done, total: progress(done * 9, total * 10))
    parsed = read_vcard_file(path, read_progress)
    return import_parsed(wb, account_id, parsed, clock, progress)


def import_parsed(
    wb: Workbench,
    account_id: int | None,
    parsed: VCardFile,
    clock: Clock = system_clock,
    progress: contacts.Progress | None = None,
) -> VCardImport:
    """The people of a file already read onto an account, in one transaction."""
    region = phone_region(wb)
    write_progress = None
    if progress is not None:
        write_progress = lambda done, total: progress(9 * total + done, 10 * total)  # noqa: E731
    with wb.session() as s:
        account = contacts.account_name(s, account_id)
        people = [(p.card, contacts.from_vcard(p, account)) for p in parsed.people]
        result = contacts.create_many(
            s, account_id, people, phone_region=region, clock=clock, progress=write_progress
        )
    return VCardImport(
        created=len(result.created),
        already_there=[o.name for o in result.already_there],
        problems=parsed.problems,
        outcomes=result.outcomes,
        cards=parsed.cards,
        more_problems=parsed.more_problems,
    )


def account_by_reference(wb: Workbench, reference: str) -> int | None:
    """A live account named by its UUID, its id or its exact name (when only one has it)."""
    with wb.reading() as s:
        return contacts.account_by_reference(s, reference)


# --- the account detail ----------------------------------------------------------------------
@dataclass(frozen=True)
class AccountView:
    """Everything the account detail shows, read in one session."""

    account: AccountDetail
    checklist: list[icp.Check]
    fit: icp.Fit
    weighting_note: str
    contacts: list[ContactInfo]
    team: BuyingTeam
    opportunities: list[AccountOpportunity]
    leads: list[LinkedLead]
    history: list[targets.Event]


def account_view(wb: Workbench, account_id: int) -> AccountView:
    with wb.reading() as s:
        lines = icp.checklist(s, account_id)
        return AccountView(
            account=accounts.get_account(s, account_id),
            checklist=lines,
            fit=icp.fit_of([c.state for c in lines], [c.criterion.weight for c in lines]),
            weighting_note=icp.weighting(s).note,
            contacts=contacts.list_contacts(s, account_id),
            team=contacts.buying_team(s, account_id),
            opportunities=accounts.account_opportunities(s, account_id),
            leads=accounts.linked_leads(s, account_id),
            history=targets.history(s, account_id),
        )
