"""Logging outreach: activities and the follow-ups they lead to.

One function per thing a rep does — log a call, fix it, throw it away, tick a
follow-up off, push it to tomorrow — each in one session, each followed by
:func:`workbench.services.outreach.touches.recompute` for every record whose touch columns may
have moved.

Links: an activity logged on a lead also points at the lead's account, contact and
opportunity (and one logged on a contact at its account), so an account's timeline
and "last touch" see every touch of its people without a join at read time.

An activity with no record at all is allowed: it is the rep's own log, kept until
:func:`link_activity` attaches it to someone — nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import TypeVar

from sqlmodel import Session, col, select

from workbench.domain import (
    Account,
    AccountStatus,
    Activity,
    Channel,
    Contact,
    FollowUp,
    Lead,
    LeadStatus,
    Opportunity,
    OpportunityOutcome,
    Outcome,
)
from workbench.services.outreach import touches
from workbench.services.outreach.next_step import due_after
from workbench.services.records import RecordKind, RecordRef
from workbench.services.sequences import stops as sequence_stops
from workbench.services.sequences.templates import SequenceError
from workbench.store import Workbench

MAX_NOTE = 20_000
MAX_TITLE = 300


class OutreachError(ValueError):
    """Bad input for an outreach action (unknown channel, a record that is gone…)."""


@dataclass(frozen=True)
class Links:
    lead_id: int | None = None
    contact_id: int | None = None
    account_id: int | None = None
    opportunity_id: int | None = None

    @property
    def empty(self) -> bool:
        return not (self.lead_id or self.contact_id or self.account_id or self.opportunity_id)


@dataclass(frozen=True)
class LogEntry:
    """What the rep typed in a quick log (or passed on the command line)."""

    channel: str
    outcome: str = ""
    at: datetime | None = None  # None: now
    note: str = ""
    duration_min: int | None = None
    target: RecordRef | None = None  # None: the rep's own log
    next_title: str = ""
    next_due: datetime | None = None  # None: no follow-up
    completes: tuple[int, ...] = ()  # follow-ups this touch answers; they are marked done
    sequence_step: int | None = None  # the enrolment whose due step this touch is


@dataclass(frozen=True)
class Logged:
    activity_id: int
    activity_uuid: str
    followup_id: int | None = None
    followup_uuid: str | None = None
    completed: tuple[int, ...] = ()
    past_due: bool = False  # the follow-up was accepted although its date has passed
    unlinked: bool = False  # kept on the rep's own log
    links: Links = field(default_factory=Links)


def problems(entry: LogEntry) -> list[str]:
    """What is wrong with ``entry`` in words; empty when it can be saved."""
    found = []
    if entry.channel not in set(Channel):
        found.append(f"unknown channel {entry.channel!r} (one of: {', '.join(Channel)})")
    if entry.outcome and entry.outcome not in set(Outcome):
        found.append(f"unknown outcome {entry.outcome!r} (one of: {', '.join(Outcome)})")
    if entry.duration_min is not None and not 0 <= entry.duration_min <= 24 * 60:
        found.append("the duration must be between 0 and 1440 minutes")
    for name, value in (("at", entry.at), ("next_due", entry.next_due)):
        if value is not None and value.tzinfo is None:
            found.append(f"{name} must carry a time zone")
    if entry.next_title.strip() and entry.next_due is None:
        found.append("the next step needs a due date")
    if len(entry.note) > MAX_NOTE:
        found.append(f"the note is longer than {MAX_NOTE} characters")
    return found


def links_of(session: Session, target: RecordRef | None) -> Links:
    """The full set of links an activity on ``target`` carries."""
    if target is None:
        return Links()
    if target.kind is RecordKind.LEAD:
        lead = _live(session, Lead, target.id)
        return Links(lead.id, lead.contact_id, lead.account_id, lead.opportunity_id)
    if target.kind is RecordKind.CONTACT:
        contact = _live(session, Contact, target.id)
        opportunity_id = None
        if contact.account_id is not None:
            # Through the account's (indexed) opportunities: contact_id has no index.
            opportunity_id = session.exec(
                select(Opportunity.id)
                .where(Opportunity.account_id == contact.account_id)
                .where(Opportunity.contact_id == contact.id)
                .where(Opportunity.outcome == OpportunityOutcome.OPEN)
                .where(col(Opportunity.deleted_at).is_(None))
                .order_by(col(Opportunity.id).desc())
            ).first()
        lead_id = contact.origin_lead_id
        if lead_id is not None and session.get(Lead, lead_id) is None:
            lead_id = None
        return Links(lead_id, contact.id, contact.account_id, opportunity_id)
    if target.kind is RecordKind.ACCOUNT:
        account = _live(session, Account, target.id)
        return Links(account_id=account.id)
    opp = _live(session, Opportunity, target.id)
    lead_id = opp.origin_lead_id
    if lead_id is not None and session.get(Lead, lead_id) is None:
        lead_id = None
    return Links(lead_id, opp.contact_id, opp.account_id, opp.id)


_M = TypeVar("_M", Lead, Contact, Account, Opportunity)


def _live(session: Session, model: type[_M], record_id: int) -> _M:
    row = session.get(model, record_id)
    if row is None or row.deleted_at is not None:
        raise OutreachError(f"the {model.__name__.lower()} was deleted or does not exist")
    return row


def _recompute_for(session: Session, rows: Iterable[Activity | FollowUp]) -> None:
    session.flush()
    rows = list(rows)
    touches.recompute(
        session,
        lead_ids=[r.lead_id for r in rows if r.lead_id],
        account_ids=[r.account_id for r in rows if r.account_id],
        opportunity_ids=[r.opportunity_id for r in rows if r.opportunity_id],
    )


def _advance_statuses(session: Session, links: Links, channel: str, now: datetime) -> None:
    """A first real touch moves a new lead to "working" and a researched account to
    "contacted" — the states the rep would otherwise have to set by hand."""
    if channel not in touches.TOUCH_CHANNELS:
        return
    if links.lead_id:
        lead = session.get(Lead, links.lead_id)
        if lead is not None and lead.status == LeadStatus.NEW:
            lead.status = LeadStatus.WORKING
            lead.status_changed_at = now
            lead.updated_at = now
            session.add(lead)
    if links.account_id:
        account = session.get(Account, links.account_id)
        if account is not None and account.status == AccountStatus.RESEARCHING:
            account.status = AccountStatus.CONTACTED
            account.updated_at = now
            session.add(account)


def _apply_links(row: Activity | FollowUp, links: Links) -> None:
    row.lead_id = links.lead_id
    row.contact_id = links.contact_id
    row.account_id = links.account_id
    row.opportunity_id = links.opportunity_id


def log_in(session: Session, entry: LogEntry, now: datetime) -> Logged:
    """Log ``entry`` inside an open session (the CLI and bulk callers share the session)."""
    found = problems(entry)
    if found:
        raise OutreachError("; ".join(found))
    links = links_of(session, entry.target)
    activity = Activity(
        channel=entry.channel,
        outcome=entry.outcome,
        at=entry.at or now,
        note=entry.note.strip(),
        duration_min=entry.duration_min,
        created_at=now,
        updated_at=now,
    )
    _apply_links(activity, links)
    session.add(activity)
    session.flush()
    assert activity.id is not None
    followup: FollowUp | None = None
    if entry.next_due is not None:
        followup = FollowUp(
            title=(entry.next_title.strip() or "Follow up")[:MAX_TITLE],
            due_at=entry.next_due,
            activity_id=activity.id,
            created_at=now,
            updated_at=now,
        )
        _apply_links(followup, links)
        session.add(followup)
    completed = []
    for followup_id in entry.completes:
        done = session.get(FollowUp, followup_id)
        if done is not None and done.done_at is None and done.deleted_at is None:
            done.done_at = now
            done.updated_at = now
            session.add(done)
            completed.append(done)
    _advance_statuses(session, links, entry.channel, now)
    _recompute_for(session, [activity, *completed, *([followup] if followup else [])])
    try:
        sequence_stops.after_touch(
            session.connection(),
            activity_id=activity.id,
            lead_id=links.lead_id,
            contact_id=links.contact_id,
            outcome=entry.outcome,
            now=now,
            completes=entry.sequence_step,
        )
    except SequenceError as exc:
        raise OutreachError(str(exc)) from exc
    return Logged(
        activity_id=activity.id,
        activity_uuid=activity.uuid,
        followup_id=followup.id if followup else None,
        followup_uuid=followup.uuid if followup else None,
        completed=tuple(f.id for f in completed if f.id is not None),
        past_due=entry.next_due is not None and entry.next_due < now,
        unlinked=links.empty,
        links=links,
    )


def log_activity(wb: Workbench, entry: LogEntry, *, now: datetime) -> Logged:
    """Save one quick log: the activity, its next step as a follow-up, and the touch columns."""
    with wb.session() as session:
        return log_in(session, entry, now)


# --- editing activities ---------------------------------------------------------------


@dataclass(frozen=True)
class ActivityEdit:
    channel: str
    outcome: str
    at: datetime
    note: str
    duration_min: int | None


def update_activity(wb: Workbench, activity_id: int, edit: ActivityEdit, *, now: datetime) -> None:
    found = problems(LogEntry(edit.channel, edit.outcome, edit.at, edit.note, edit.duration_min))
    if found:
        raise OutreachError("; ".join(found))
    with wb.session() as session:
        activity = _activity(session, activity_id)
        activity.channel = edit.channel
        activity.outcome = edit.outcome
        activity.at = edit.at
        activity.note = edit.note.strip()
        activity.duration_min = edit.duration_min
        activity.updated_at = now
        session.add(activity)
        _recompute_for(session, [activity])


def link_activity(wb: Workbench, activity_id: int, target: RecordRef | None, *, now: datetime) -> Links:
    """Attach an activity (typically one from the rep's own log) to a record, or detach it."""
    with wb.session() as session:
        activity = _activity(session, activity_id)
        before = Activity(channel=activity.channel)
        _apply_links(before, _links_of_row(activity))
        links = links_of(session, target)
        _apply_links(activity, links)
        activity.updated_at = now
        session.add(activity)
        _advance_statuses(session, links, activity.channel, now)
        _recompute_for(session, [before, activity])
        return links


def trash_activity(wb: Workbench, activity_id: int, *, now: datetime) -> None:
    """Move an activity to the trash; :func:`restore_activity` brings it back."""
    _set_activity_deleted(wb, activity_id, now, now)


def restore_activity(wb: Workbench, activity_id: int, *, now: datetime) -> None:
    _set_activity_deleted(wb, activity_id, None, now)


def _set_activity_deleted(wb: Workbench, activity_id: int, deleted: datetime | None, now: datetime) -> None:
    with wb.session() as session:
        activity = session.get(Activity, activity_id)
        if activity is None:
            raise OutreachError("the activity does not exist")
        activity.deleted_at = deleted
        activity.updated_at = now
        session.add(activity)
        _recompute_for(session, [activity])


def _activity(session: Session, activity_id: int) -> Activity:
    activity = session.get(Activity, activity_id)
    if activity is None or activity.deleted_at is not None:
        raise OutreachError("the activity was deleted or does not exist")
    return activity


def _links_of_row(row: Activity | FollowUp) -> Links:
    return Links(row.lead_id, row.contact_id, row.account_id, row.opportunity_id)


# --- follow-ups -----------------------------------------------------------------------


def add_followup(wb: Workbench, target: RecordRef | None, title: str, due: datetime, *, now: datetime) -> int:
    if due.tzinfo is None:
        raise OutreachError("the due date must carry a time zone")
    with wb.session() as session:
        followup = FollowUp(
            title=(title.strip() or "Follow up")[:MAX_TITLE], due_at=due, created_at=now, updated_at=now
        )
        _apply_links(followup, links_of(session, target))
        session.add(followup)
        _recompute_for(session, [followup])
        assert followup.id is not None
        return followup.id


def complete_followup(wb: Workbench, followup_id: int, *, now: datetime) -> None:
    with wb.session() as session:
        followup = _followup(session, followup_id)
        followup.done_at = followup.done_at or now
        followup.updated_at = now
        session.add(followup)
        _recompute_for(session, [followup])


def reopen_followup(wb: Workbench, followup_id: int, *, now: datetime) -> None:
    with wb.session() as session:
        followup = _followup(session, followup_id)
        followup.done_at = None
        followup.updated_at = now
        session.add(followup)
        _recompute_for(session, [followup])


def reschedule_followup(wb: Workbench, followup_id: int, due: datetime, *, now: datetime) -> bool:
    """Move a follow-up to ``due``; True when that date has already passed (accepted, but
    the caller should say so)."""
    if due.tzinfo is None:
        raise OutreachError("the due date must carry a time zone")
    with wb.session() as session:
        followup = _followup(session, followup_id)
        followup.due_at = due
        followup.done_at = None
        followup.updated_at = now
        session.add(followup)
        _recompute_for(session, [followup])
    return due < now


def snooze_followup(
    wb: Workbench, followup_id: int, *, now: datetime, business_days: int = 1, tz: tzinfo | None = None
) -> datetime:
    """Push a follow-up ``business_days`` working days past the later of now and its due
    date (snoozing tomorrow's call moves it to the day after, not to tomorrow again)."""
    with wb.session() as session:
        followup = _followup(session, followup_id)
        due = due_after(max(followup.due_at, now), business_days, tz)
        followup.due_at = due
        followup.updated_at = now
        session.add(followup)
        _recompute_for(session, [followup])
        return due


def trash_followup(wb: Workbench, followup_id: int, *, now: datetime) -> None:
    _set_followup_deleted(wb, followup_id, now, now)


def restore_followup(wb: Workbench, followup_id: int, *, now: datetime) -> None:
    _set_followup_deleted(wb, followup_id, None, now)


def _set_followup_deleted(wb: Workbench, followup_id: int, deleted: datetime | None, now: datetime) -> None:
    with wb.session() as session:
        followup = session.get(FollowUp, followup_id)
        if followup is None:
            raise OutreachError("the follow-up does not exist")
        followup.deleted_at = deleted
        followup.updated_at = now
        session.add(followup)
        _recompute_for(session, [followup])


def _followup(session: Session, followup_id: int) -> FollowUp:
    followup = session.get(FollowUp, followup_id)
    if followup is None or followup.deleted_at is not None:
        raise OutreachError("the follow-up was deleted or does not exist")
    return followup
