"""Deleting a sequence: one with live enrolments needs ``stop_live=True`` (the UI asks
first); they are stopped with the reason "sequence deleted" and kept in history, and the
sequence goes to the trash (still named by their history). Undo brings both back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from workbench.domain import Enrolment, OutreachSequence, StopReason
from workbench.services.plurals import counted
from workbench.services.sequences import enrol
from workbench.services.sequences.templates import LIVE_STATES, SequenceError, check_name, live_row
from workbench.store import Workbench


@dataclass(frozen=True)
class Deleted:
    sequence_id: int
    #: Enrolments stopped by the deletion (for undo).
    stopped: tuple[enrol.Before, ...]


def live_enrolments(wb: Workbench, sequence_id: int) -> int:
    with wb.reading() as session:
        return _live_count(session, sequence_id)


def _live_count(session: Session, sequence_id: int) -> int:
    return int(
        session.exec(
            select(func.count())
            .select_from(Enrolment)
            .where(Enrolment.sequence_id == sequence_id)
            .where(col(Enrolment.state).in_(LIVE_STATES))
            .where(col(Enrolment.deleted_at).is_(None))
        ).one()
    )


def delete_sequence(wb: Workbench, sequence_id: int, *, now: datetime, stop_live: bool = False) -> Deleted:
    """Move a sequence to the trash. With live enrolments this needs ``stop_live`` (the
    caller asked the rep); they are stopped with the reason "sequence deleted"."""
    with wb.session() as session:
        sequence = live_row(session, sequence_id)
        live = _live_count(session, sequence_id)
        if live and not stop_live:
            raise SequenceError(
                f"{sequence.name!r} has {counted(live, 'live enrolment', 'live enrolments')}; "
                "confirm to stop them and delete it"
            )
        ids = [
            int(i)
            for i in session.exec(
                select(Enrolment.id)
                .where(Enrolment.sequence_id == sequence_id)
                .where(col(Enrolment.state).in_(LIVE_STATES))
                .where(col(Enrolment.deleted_at).is_(None))
            )
            if i is not None
        ]
        stopped = enrol.stop_ids(session.connection(), ids, StopReason.SEQUENCE_DELETED, now)
        sequence.deleted_at = now
        sequence.updated_at = now
        session.add(sequence)
        return Deleted(sequence_id, tuple(stopped))


def restore_sequence(wb: Workbench, deleted: Deleted, *, now: datetime) -> None:
    """Undo :func:`delete_sequence`: the sequence back, its stopped enrolments resumed."""
    with wb.session() as session:
        sequence = session.get(OutreachSequence, deleted.sequence_id)
        if sequence is None:
            raise SequenceError("the sequence no longer exists")
        sequence.name = check_name(session, sequence.name, exclude_id=sequence.id)
        sequence.deleted_at = None
        sequence.updated_at = now
        session.add(sequence)
        enrol.restore_states(session.connection(), deleted.stopped, now)
