"""Conversion sees the account's deals: a lead whose account already has open
opportunities can join one of them (its person on the buying team, no new deal), or
start a new one named from the lead — never a fourth deal called just "Acme".

:func:`join` is the writing half, called by ``convert.convert_lead(into=…)`` inside its
transaction; the first next step of a new deal comes from the next-step rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from workbench.domain import Contact, Lead, Opportunity, OpportunityOutcome, PipelineStage
from workbench.services.outreach import next_step
from workbench.services.pipeline.stages import NotFound, PipelineError
from workbench.store import Workbench

#: The rule a new deal's first next step follows (the rep just spoke with the lead).
FIRST_STEP_OUTCOME = "connected"


@dataclass(frozen=True)
class OpenDeal:
    id: int
    uuid: str
    name: str
    stage: str
    amount: float
    currency: str
    next_step: str
    next_step_due: date | None


def open_deals_in(session: Session, account_id: int) -> list[OpenDeal]:
    """The account's live open opportunities, newest first."""
    stmt = (
        select(Opportunity, PipelineStage.name)
        .join(PipelineStage, col(PipelineStage.id) == Opportunity.stage_id)
        .where(
            Opportunity.account_id == account_id,
            Opportunity.outcome == OpportunityOutcome.OPEN,
            col(Opportunity.deleted_at).is_(None),
        )
        .order_by(col(Opportunity.created_at).desc(), col(Opportunity.id).desc())
    )
    deals = []
    for opp, stage in session.exec(stmt):
        assert opp.id is not None
        deals.append(
            OpenDeal(
                opp.id, opp.uuid, opp.name, stage, opp.amount, opp.currency, opp.next_step, opp.next_step_due
            )
        )
    return deals


def deal_id_for_uuid(wb: Workbench, uuid: str) -> int:
    """The opportunity with this uuid (as exports and the CLI show it)."""
    with wb.reading() as session:
        stmt = select(Opportunity.id).where(Opportunity.uuid == uuid.strip().lower())
        found = session.exec(stmt).first()
    if found is None:
        raise NotFound(f"No opportunity has the id {uuid}.")
    return int(found)


def new_deal_name(account_name: str, lead: Lead, person: str) -> str:
    """A new deal beside others on the account is named from the lead: its campaign, or its person."""
    detail = lead.campaign.strip() or person
    if not account_name:
        return detail
    return f"{account_name} — {detail}" if detail else account_name


def first_step(session: Session, now: datetime) -> tuple[str, date | None]:
    """The next-step rules' proposal for a fresh deal (title, due day); ("", None) when none."""
    proposal = next_step.propose(FIRST_STEP_OUTCOME, now, next_step.load_rules(session))
    if proposal is None:
        return "", None
    return proposal.title, proposal.due.date()


def deal_to_join(session: Session, opportunity_id: int, account_id: int | None) -> Opportunity:
    """The open deal a lead may join: live, open, and on the lead's account (when it has one)."""
    opp = session.get(Opportunity, opportunity_id)
    if opp is None or opp.deleted_at is not None:
        raise NotFound("That opportunity was deleted or does not exist.")
    if opp.outcome != OpportunityOutcome.OPEN:
        raise PipelineError(f"“{opp.name}” is closed: add the lead to an open deal, or create a new one.")
    if account_id is not None and opp.account_id is not None and opp.account_id != account_id:
        raise PipelineError(f"“{opp.name}” belongs to another account than this lead's.")
    return opp


def put_on_buying_team(session: Session, contact: Contact | None, opp: Opportunity, now: datetime) -> None:
    """The lead's person joins the deal's account (its buying team); the deal gets a
    contact when it had none."""
    if contact is None:
        return
    if contact.account_id is None and opp.account_id is not None:
        contact.account_id = opp.account_id
        contact.updated_at = now
        session.add(contact)
    if opp.contact_id is None:
        opp.contact_id = contact.id
        opp.updated_at = now
        session.add(opp)
