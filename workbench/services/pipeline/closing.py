"""What closing a deal does to its work: the open follow-ups and the next step of a deal
marked won or lost are finished with it (unless the rep keeps them), so a closed deal
stops showing on Today; a lost deal can say who it was lost to.

Competitors are a list the rep grows as they type: a name not yet on it is added when a
deal is lost to it. Reopening a deal brings nothing back by itself; undo (the journal)
brings back exactly what the close changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from workbench.domain import FollowUp, Opportunity
from workbench.services.outreach import touches
from workbench.services.settings import values as settings
from workbench.store import Workbench

COMPETITORS_KEY = "pipeline.competitors"
#: The longest competitor name (the column's width).
LOST_TO_MAX = 120
MAX_COMPETITORS = 200

settings.DEFAULTS.update({COMPETITORS_KEY: []})


class ClosingError(ValueError):
    """Bad input for closing (the stage service turns it into a ``PipelineError``)."""


@dataclass(frozen=True)
class OpenWork:
    """A deal's unfinished work, as the Won/Lost dialog lists it."""

    followups: list[str]
    next_step: str
    next_step_due: date | None

    @property
    def empty(self) -> bool:
        return not self.followups and not self.next_step and self.next_step_due is None


def _open_followups(session: Session, opportunity_id: int) -> list[FollowUp]:
    stmt = (
        select(FollowUp)
        .where(
            FollowUp.opportunity_id == opportunity_id,
            col(FollowUp.done_at).is_(None),
            col(FollowUp.deleted_at).is_(None),
        )
        .order_by(col(FollowUp.due_at), col(FollowUp.id))
    )
    return list(session.exec(stmt))


def open_work(wb: Workbench, opportunity_id: int) -> OpenWork:
    with wb.reading() as session:
        opp = session.get(Opportunity, opportunity_id)
        if opp is None:
            return OpenWork([], "", None)
        titles = [f.title for f in _open_followups(session, opportunity_id)]
        return OpenWork(titles, opp.next_step, opp.next_step_due)


def finish_work(session: Session, opp: Opportunity, now: datetime) -> int:
    """Mark the deal's open follow-ups done and clear its next step, in the caller's
    session; the number of follow-ups finished."""
    assert opp.id is not None
    followups = _open_followups(session, opp.id)
    for followup in followups:
        followup.done_at = now
        followup.updated_at = now
        session.add(followup)
    opp.next_step = ""
    opp.next_step_due = None
    session.add(opp)
    if followups:
        session.flush()
        touches.recompute(
            session,
            lead_ids=[f.lead_id for f in followups if f.lead_id],
            account_ids=[f.account_id for f in followups if f.account_id],
            opportunity_ids=[opp.id],
        )
    return len(followups)


def check_lost_to(text: str) -> str:
    """A competitor's name as stored (spaces collapsed); refused when longer than the field."""
    name = " ".join(str(text or "").split())
    if len(name) > LOST_TO_MAX:
        raise ClosingError(f"A competitor's name has at most {LOST_TO_MAX} characters ({len(name)} typed).")
    return name


def competitors_in(session: Session) -> list[str]:
    stored = settings.get(session, COMPETITORS_KEY)
    return [str(v) for v in stored] if isinstance(stored, list) else []


def competitors(wb: Workbench) -> list[str]:
    stored = settings.read(wb, COMPETITORS_KEY)
    return [str(v) for v in stored] if isinstance(stored, list) else []


def remember_competitor(session: Session, name: str) -> str:
    """Add ``name`` to the list unless it is there (any case); the spelling on the list."""
    known = competitors_in(session)
    for existing in known:
        if existing.casefold() == name.casefold():
            return existing
    if len(known) < MAX_COMPETITORS:
        settings.put(session, COMPETITORS_KEY, sorted([*known, name], key=str.casefold))
    return name
