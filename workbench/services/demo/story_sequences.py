"""The rep's year in sequences: who was enrolled in the file's two default sequences,
how far each got and why it stopped, so the Sequences area, Today and Insights have
something true to show on a first look.

Everything goes through the sequences service's own writers (enrol, advance, stop) at
the moment it happened, so the demo's enrolments obey the same rules as a rep's."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, select, update
from sqlmodel import col

from workbench.domain import (
    Account,
    Contact,
    Enrolment,
    EnrolmentEvent,
    EnrolmentState,
    Lead,
    LeadKind,
    LeadStatus,
    OutreachSequence,
    StopReason,
    table_of,
)
from workbench.services.demo.base import DemoRandom
from workbench.services.records import RecordKind, RecordRef
from workbench.services.sequences.enrol import advance, enrol_in, stop_ids
from workbench.services.sequences.templates import SequenceError

#: How a finished story ended, by the lead's status today: (reason, chance) pairs; a
#: status not listed ran the whole sequence.
_ENDINGS: dict[str, tuple[tuple[str, float], ...]] = {
    LeadStatus.CONVERTED.value: ((StopReason.MEETING_BOOKED.value, 0.6), (StopReason.REPLIED.value, 0.4)),
    LeadStatus.QUALIFIED.value: ((StopReason.REPLIED.value, 0.5), (StopReason.MEETING_BOOKED.value, 0.5)),
    LeadStatus.DISQUALIFIED.value: (
        (StopReason.NOT_INTERESTED.value, 0.45),
        (StopReason.BOUNCED.value, 0.1),
        (StopReason.WRONG_PERSON.value, 0.1),
        (StopReason.DISQUALIFIED.value, 0.35),
    ),
}
#: Share of the year's older inbound and referral leads the rep put in a sequence.
_OLDER_SHARE = 0.45
#: Recent leads (received in this many days) are still being worked.
_RECENT_DAYS = 12
#: Target accounts whose buying team is in the eight-touch sequence right now.
_TARGET_TEAMS = 3


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _ids(rows: Iterable[int | None]) -> list[int]:
    # Ids read back are never NULL; the models type them Optional only because a row
    # has none before it is inserted.
    return [i for i in rows if i is not None]


def _sequence_ids(conn: Connection) -> tuple[int, int] | None:
    S = OutreachSequence
    ids = _ids(
        conn.execute(
            select(col(S.id)).where(col(S.deleted_at).is_(None)).order_by(col(S.position), col(S.id))
        ).scalars()
    )
    return (ids[0], ids[1]) if len(ids) >= 2 else None


def _steps_done(
    conn: Connection, rng: DemoRandom, enrolment_id: int, until: datetime, stop_after: int
) -> datetime | None:
    """Do the enrolment's steps on their due days (a few hours late at most) while they
    fall before ``until``; at most ``stop_after`` steps. Returns when the last was done."""
    last: datetime | None = None
    for _ in range(stop_after):
        due = conn.execute(
            select(col(Enrolment.next_due_at), col(Enrolment.state)).where(col(Enrolment.id) == enrolment_id)
        ).one()
        if due.state != EnrolmentState.ACTIVE.value or due.next_due_at is None:
            break
        at = _aware(due.next_due_at) + timedelta(minutes=rng.randint(5, 240))
        if at >= until:
            break
        advance(conn, enrolment_id, now=at)
        last = at
    return last


def _enrol(conn: Connection, sequence_id: int, ref: RecordRef, at: datetime, status: str) -> int | None:
    """Enrol a lead as it was at ``at``: the story wrote today's status up front, but a
    lead disqualified or converted since was open when the rep enrolled it (the
    service refuses closed leads), so it is open for the moment of enrolling."""
    L = Lead
    reopen = status not in (LeadStatus.NEW.value, LeadStatus.WORKING.value)
    if reopen:
        conn.execute(update(table_of(L)).where(col(L.id) == ref.id).values(status=LeadStatus.WORKING.value))
    try:
        result = enrol_in(conn, sequence_id, [ref], now=at, skip_refused=True)
    except SequenceError:
        return None
    finally:
        if reopen:
            conn.execute(update(table_of(L)).where(col(L.id) == ref.id).values(status=status))
    return result.enrolled[0] if result.enrolled else None


def enrol_story(conn: Connection, rng: DemoRandom, anchor: datetime) -> None:
    """Enrol the rep's inbound leads and a few target buying teams (call after the
    story's rows are written)."""
    sequences = _sequence_ids(conn)
    if sequences is None:
        return
    inbound, target = sequences
    L = Lead
    leads = conn.execute(
        select(col(L.id), col(L.received_at), col(L.status))
        .where(
            col(L.kind).in_((LeadKind.INBOUND.value, LeadKind.REFERRAL.value)),
            col(L.email) != "",
            col(L.deleted_at).is_(None),
        )
        .order_by(col(L.received_at), col(L.id))
    ).all()
    recent_since = anchor - timedelta(days=_RECENT_DAYS)
    for lead_id, received, status in leads:
        if lead_id is None:
            continue
        received = _aware(received)
        ref = RecordRef(RecordKind.LEAD, lead_id)
        if received >= recent_since:
            if status not in (LeadStatus.NEW.value, LeadStatus.WORKING.value):
                continue
            enrolment = _enrol(conn, inbound, ref, received + timedelta(minutes=rng.randint(2, 30)), status)
            if enrolment is not None and status == LeadStatus.WORKING.value:
                # Working leads were touched: their steps were done on time, the
                # current one is due now or soon. New leads wait on step 1.
                _steps_done(conn, rng, enrolment, anchor - timedelta(hours=3), 5)
            continue
        if received > anchor - timedelta(days=30) or not rng.chance(_OLDER_SHARE):
            continue
        if status in (LeadStatus.NEW.value, LeadStatus.WORKING.value):
            continue  # an older lead still open is worked by hand in this story
        enrolment = _enrol(conn, inbound, ref, received + timedelta(minutes=rng.randint(2, 60)), str(status))
        if enrolment is None:
            continue
        endings = _ENDINGS.get(str(status))
        reach = rng.randint(1, 4) if endings else 5
        last = _steps_done(conn, rng, enrolment, anchor - timedelta(days=1), reach)
        if endings:
            # The answer came a few hours after the last touch (or the first, unprompted).
            when = (last or received) + timedelta(hours=rng.randint(2, 30))
            stop_ids(conn, [enrolment], rng.pick(endings), min(when, anchor - timedelta(hours=1)))
    _target_teams(conn, rng, anchor, target)
    _reproducible_uuids(conn, rng)


def _target_teams(conn: Connection, rng: DemoRandom, anchor: datetime, sequence_id: int) -> None:
    """A few target accounts still being researched or contacted: their buying team was
    enrolled last week and is part-way through."""
    A = Account
    accounts = _ids(
        conn.execute(
            select(col(A.id))
            .where(col(A.is_target).is_(True), col(A.deleted_at).is_(None))
            .order_by(col(A.fit_score).desc(), col(A.id))
        ).scalars()
    )
    chosen = 0
    for account_id in accounts:
        if chosen >= _TARGET_TEAMS:
            break
        contacts = conn.execute(
            select(col(Contact.id)).where(
                col(Contact.account_id) == account_id,
                col(Contact.deleted_at).is_(None),
                col(Contact.email) != "",
            )
        ).scalars()
        refs = [RecordRef(RecordKind.CONTACT, c) for c in _ids(contacts)]
        if not refs:
            continue
        started = anchor - timedelta(days=rng.randint(5, 9), hours=rng.randint(0, 5))
        try:
            result = enrol_in(conn, sequence_id, refs, now=started, skip_refused=True)
        except SequenceError:
            continue  # everyone there already in a sequence, or nobody to enrol
        for enrolment in result.enrolled:
            _steps_done(conn, rng, enrolment, anchor - timedelta(hours=2), rng.randint(1, 3))
        chosen += 1


def _reproducible_uuids(conn: Connection, rng: DemoRandom) -> None:
    """The service draws UUIDs from the OS; the demo's come from its seed like every
    other row's, so the same seed builds the same file."""
    for model in (Enrolment, EnrolmentEvent):
        table = table_of(model)
        ids = [int(i) for i in conn.execute(select(table.c.id).order_by(table.c.id)).scalars()]
        for row_id in ids:
            conn.execute(update(table).where(table.c.id == row_id).values(uuid=rng.uuid()))
