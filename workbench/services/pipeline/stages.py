"""Pipeline stages and the moves of opportunities between them, with their history.

How a ``stage_change`` row reads — the funnel and time-in-stage are computed from these:

* one row per move of one opportunity: ``opportunity_id``, ``from_stage_id``,
  ``to_stage_id``, ``at`` (aware UTC) and a ``note``;
* **entry**: the first row of every opportunity has ``from_stage_id = NULL``; the
  opportunity entered the pipeline at ``to_stage_id`` at ``at`` (a converted lead or an
  opportunity created from a target account — note ``"converted"`` / ``"created"``);
* **open → open** move: from the stage it left to the stage it entered. Forward or
  backward is told by the stages' ``position``; the row itself is the same;
* **won / lost**: ``to_stage_id`` is the stage of kind ``won`` / ``lost``. ``at`` is the
  close moment: the rep's close date (at the time of day it was recorded; "today" is
  the recording time itself), never earlier than the opportunity's previous row, so
  rows of one opportunity are always in time order. ``opportunity.closed_at`` keeps
  the close date exactly as given;
* **reopen**: ``from_stage_id`` is the won/lost stage and ``to_stage_id`` the open stage
  it went back to; the note is ``"reopened"``;
* a correction between won and lost is a row from one closed stage to the other;
* stage rows are never deleted while referenced: a rename keeps history (rows hold
  ids, not names) and removing a stage only hides it (``deleted_at``);
* each row also carries what the *next* row says — ``next_stage_id`` (its
  ``to_stage_id``) and ``seconds_in_stage`` (the time between the two), both NULL on
  the latest row — kept by :mod:`workbench.store.stage_links` whatever writes rows.

So, per stage S: *entered* = distinct opportunities with a row ``to_stage_id = S``;
*advanced* = rows leaving S (``from_stage_id = S``) to a later open stage or to won;
*lost* = rows leaving S to a lost stage; *time in S* = the ``at`` of the row leaving S
minus the ``at`` of the row that entered it (an opportunity still in S: until now).
``opportunity.stage_entered_at`` always equals the ``at`` of its latest row.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from workbench.domain import (
    CloseReason,
    Opportunity,
    OpportunityOutcome,
    PipelineStage,
    StageChange,
    StageKind,
)
from workbench.services.clock import Clock, system_clock
from workbench.services.pipeline import closing
from workbench.services.sequences import stops
from workbench.services.settings import reasons
from workbench.services.settings import values as settings
from workbench.store import Workbench

settings.DEFAULTS.update(
    {
        # Won and lost columns of the board show what closed in this many days.
        "pipeline.board_closed_days": 30,
    }
)

MAX_AMOUNT = 1e13
NOTE_CONVERTED = "converted"
NOTE_CREATED = "created"
NOTE_REOPENED = "reopened"


class PipelineError(ValueError):
    """Bad input for a pipeline operation; the message is meant for the rep. Nothing was written."""


class InvalidAmount(PipelineError):
    pass


class ReasonRequired(PipelineError):
    pass


class CloseDateBeforeCreation(PipelineError):
    """The close date is earlier than the opportunity's creation: ask, then pass
    ``allow_before_creation=True``."""


class NotFound(PipelineError):
    pass


@dataclass(frozen=True)
class Stage:
    id: int
    name: str
    position: int
    probability: float
    kind: StageKind
    stale_days: int | None

    @property
    def is_open(self) -> bool:
        return self.kind is StageKind.OPEN


def _stage(row: PipelineStage) -> Stage:
    assert row.id is not None
    return Stage(row.id, row.name, row.position, row.probability, StageKind(row.kind), row.stale_days)


# --- amounts -------------------------------------------------------------------------
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def check_amount(value: float) -> float:
    """The amount if it is a usable one; :class:`InvalidAmount` with the reason otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidAmount("The amount must be a number, for example 12500.")
    if value < 0:
        raise InvalidAmount("The amount cannot be negative.")
    if value > MAX_AMOUNT:
        raise InvalidAmount("The amount is too large.")
    return float(value)


def parse_amount(text: str) -> float:
    """``"12500"``, ``"12,500.50"``, ``" 1 000 "`` → a float; anything else is refused."""
    cleaned = text.strip().replace(" ", "").replace("_", "").replace("\u00a0", "")
    if _THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(",", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidAmount(f"“{text.strip()}” is not an amount; type a number such as 12500.") from None
    if not number.is_finite():
        raise InvalidAmount("The amount must be a number, for example 12500.")
    return check_amount(float(number))


def check_probability(value: float | None) -> float | None:
    if value is None:
        return None
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        raise PipelineError("A probability is between 0 % and 100 %.")
    return float(value)


# --- stages --------------------------------------------------------------------------
def stages_in(session: Session, *, include_deleted: bool = False) -> list[Stage]:
    stmt = select(PipelineStage).order_by(col(PipelineStage.position), col(PipelineStage.id))
    if not include_deleted:
        stmt = stmt.where(col(PipelineStage.deleted_at).is_(None))
    return [_stage(row) for row in session.exec(stmt)]


def list_stages(wb: Workbench, *, include_deleted: bool = False) -> list[Stage]:
    with wb.reading() as session:
        return stages_in(session, include_deleted=include_deleted)


def first_open_stage(session: Session) -> Stage:
    for stage in stages_in(session):
        if stage.is_open:
            return stage
    raise PipelineError("The pipeline has no open stage; add one in the pipeline settings.")


def closing_stage(session: Session, outcome: StageKind) -> Stage:
    for stage in stages_in(session):
        if stage.kind is outcome:
            return stage
    raise PipelineError(f"The pipeline has no “{outcome}” stage.")


def stage_named(session: Session, name: str) -> Stage:
    wanted = name.strip().casefold()
    for stage in stages_in(session):
        if stage.name.casefold() == wanted:
            return stage
    names = ", ".join(s.name for s in stages_in(session))
    raise NotFound(f"There is no stage called “{name}”. Stages: {names}.")


def find_stage(wb: Workbench, name: str) -> Stage:
    """The live stage called ``name`` (any case); :class:`NotFound` lists the stages."""
    with wb.reading() as session:
        return stage_named(session, name)


def _live_stage(session: Session, stage_id: int) -> PipelineStage:
    row = session.get(PipelineStage, stage_id)
    if row is None or row.deleted_at is not None:
        raise NotFound("That stage no longer exists.")
    return row


def _check_name(session: Session, name: str, exclude_id: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise PipelineError("A stage needs a name.")
    if len(name) > 120:
        raise PipelineError("A stage name is at most 120 characters.")
    for stage in stages_in(session):
        if stage.id != exclude_id and stage.name.casefold() == name.casefold():
            raise PipelineError(f"There is already a stage called “{stage.name}”.")
    return name


def _renumber(session: Session, ordered: Sequence[PipelineStage], clock: Clock) -> None:
    now = clock()
    for position, row in enumerate(ordered):
        if row.position != position:
            row.position = position
            row.updated_at = now
            session.add(row)


def _ordered_rows(session: Session) -> list[PipelineStage]:
    stmt = (
        select(PipelineStage)
        .where(col(PipelineStage.deleted_at).is_(None))
        .order_by(col(PipelineStage.position), col(PipelineStage.id))
    )
    rows = list(session.exec(stmt))
    # Open stages first; won and lost close the pipeline whatever their stored position.
    return [r for r in rows if r.kind == StageKind.OPEN] + [r for r in rows if r.kind != StageKind.OPEN]


def add_stage(
    wb: Workbench,
    name: str,
    probability: float,
    *,
    stale_days: int | None = None,
    clock: Clock = system_clock,
) -> Stage:
    """A new open stage, placed after the last open one (before won and lost)."""
    with wb.session() as session:
        row = PipelineStage(
            name=_check_name(session, name),
            probability=check_probability(probability) or 0.0,
            kind=StageKind.OPEN,
            stale_days=_check_stale_days(stale_days),
        )
        rows = _ordered_rows(session)
        open_count = sum(1 for r in rows if r.kind == StageKind.OPEN)
        session.add(row)
        session.flush()
        _renumber(session, [*rows[:open_count], row, *rows[open_count:]], clock)
        session.flush()
        return _stage(row)


def rename_stage(wb: Workbench, stage_id: int, name: str, *, clock: Clock = system_clock) -> None:
    """Renames in place: history rows point at the stage's id, so they follow the new name."""
    with wb.session() as session:
        row = _live_stage(session, stage_id)
        row.name = _check_name(session, name, exclude_id=stage_id)
        row.updated_at = clock()
        session.add(row)


def set_stage_probability(
    wb: Workbench, stage_id: int, probability: float, *, clock: Clock = system_clock
) -> None:
    with wb.session() as session:
        row = _live_stage(session, stage_id)
        row.probability = check_probability(probability) or 0.0
        row.updated_at = clock()
        session.add(row)


def _check_stale_days(days: int | None) -> int | None:
    if days is not None and not 1 <= days <= 3650:
        raise PipelineError("Stale after: between 1 and 3650 days, or empty for the default.")
    return days


def set_stage_stale_days(
    wb: Workbench, stage_id: int, days: int | None, *, clock: Clock = system_clock
) -> None:
    """``None`` falls back to the setting ``pipeline.stale_days``."""
    with wb.session() as session:
        row = _live_stage(session, stage_id)
        row.stale_days = _check_stale_days(days)
        row.updated_at = clock()
        session.add(row)


def reorder_stages(wb: Workbench, ordered_ids: Sequence[int], *, clock: Clock = system_clock) -> None:
    """Give the stages this order. Won and lost stay after the open stages."""
    with wb.session() as session:
        rows = {r.id: r for r in _ordered_rows(session) if r.id is not None}
        if sorted(ordered_ids) != sorted(rows):
            raise PipelineError("The stages changed meanwhile; reload and try again.")
        ordered = [rows[i] for i in ordered_ids]
        ordered = [r for r in ordered if r.kind == StageKind.OPEN] + [
            r for r in ordered if r.kind != StageKind.OPEN
        ]
        _renumber(session, ordered, clock)


def remove_stage(wb: Workbench, stage_id: int, *, clock: Clock = system_clock) -> None:
    """Hides an empty stage; its history rows stay. Refused while opportunities are in it."""
    with wb.session() as session:
        row = _live_stage(session, stage_id)
        siblings = [s for s in stages_in(session) if s.kind == row.kind]
        if len(siblings) <= 1:
            what = "open stage" if row.kind == StageKind.OPEN else f"“{row.kind}” stage"
            raise PipelineError(f"The pipeline needs at least one {what}.")
        n = session.exec(
            select(func.count())
            .select_from(Opportunity)
            .where(Opportunity.stage_id == stage_id, col(Opportunity.deleted_at).is_(None))
        ).one()
        if n:
            raise PipelineError(
                f"“{row.name}” still holds {n} opportunit{'y' if n == 1 else 'ies'}; "
                "move them to another stage first."
            )
        now = clock()
        row.deleted_at = now
        row.updated_at = now
        session.add(row)
        session.flush()
        _renumber(session, _ordered_rows(session), clock)


# --- opportunities -------------------------------------------------------------------
def _live_opportunity(session: Session, opportunity_id: int) -> Opportunity:
    opp = session.get(Opportunity, opportunity_id)
    if opp is None or opp.deleted_at is not None:
        raise NotFound("That opportunity no longer exists (it may be in the trash).")
    return opp


def record_entry(session: Session, opp: Opportunity, note: str) -> StageChange:
    """The first history row of a new opportunity (``from_stage_id`` NULL)."""
    assert opp.id is not None
    change = StageChange(
        opportunity_id=opp.id,
        from_stage_id=None,
        to_stage_id=opp.stage_id,
        at=opp.stage_entered_at,
        note=note,
    )
    session.add(change)
    return change


def _last_change(session: Session, opportunity_id: int) -> StageChange | None:
    stmt = (
        select(StageChange)
        .where(StageChange.opportunity_id == opportunity_id)
        .order_by(col(StageChange.at).desc(), col(StageChange.id).desc())
        .limit(1)
    )
    return session.exec(stmt).first()


def _close_moment(closed_on: date | None, now: datetime, previous: datetime | None) -> datetime:
    at = now if closed_on is None or closed_on == now.date() else datetime.combine(closed_on, now.timetz())
    return max(at, previous) if previous is not None else at


def move_to_stage(
    wb: Workbench,
    opportunity_id: int,
    stage_id: int,
    *,
    reason: CloseReason | str | None = None,
    note: str = "",
    closed_on: date | None = None,
    allow_before_creation: bool = False,
    finish_work: bool = False,
    lost_to: str = "",
    clock: Clock = system_clock,
) -> bool:
    """Move one opportunity to a stage, recording the change. False when it was already there.

    Moving to a won/lost stage closes it and needs a ``reason`` (:class:`CloseReason`);
    ``closed_on`` is the close date (``None``: now); ``finish_work`` marks its open
    follow-ups done and clears its next step (:mod:`.closing`); ``lost_to`` names the
    competitor of a lost deal. Moving a closed opportunity to an open stage reopens it
    (bringing nothing back). A manual probability is dropped: the new stage's default applies.
    """
    try:
        competitor = closing.check_lost_to(lost_to)
    except closing.ClosingError as exc:
        raise PipelineError(str(exc)) from exc
    with wb.session() as session:
        opp = _live_opportunity(session, opportunity_id)
        target = _stage(_live_stage(session, stage_id))
        if opp.stage_id == target.id:
            return False
        now = clock()
        previous = _last_change(session, opportunity_id)
        if target.is_open:
            at = now
            change_note = note
            if opp.outcome != OpportunityOutcome.OPEN:
                change_note = NOTE_REOPENED if not note else f"{NOTE_REOPENED}: {note}"
                opp.outcome = OpportunityOutcome.OPEN
                opp.closed_at = None
                opp.close_reason = ""
                opp.close_note = ""
                opp.lost_to = ""
        else:
            close_reason = _check_reason(session, reason, target.kind)
            if closed_on is not None and closed_on > now.date():
                raise PipelineError("The close date cannot be in the future.")
            if closed_on is not None and closed_on < opp.created_at.date() and not allow_before_creation:
                raise CloseDateBeforeCreation(
                    f"The close date is before the opportunity was created ({opp.created_at.date()})."
                )
            at = _close_moment(closed_on, now, previous.at if previous else None)
            opp.outcome = OpportunityOutcome(target.kind.value)
            opp.close_reason = close_reason
            opp.close_note = note.strip()
            opp.closed_at = now if closed_on is None else datetime.combine(closed_on, now.timetz())
            lost = target.kind is StageKind.LOST and bool(competitor)
            opp.lost_to = closing.remember_competitor(session, competitor) if lost else ""
            if finish_work:
                closing.finish_work(session, opp, now)
            change_note = close_reason
            stops.opportunity_closed(session.connection(), opportunity_id, target.kind is StageKind.WON, now)
        session.add(
            StageChange(
                opportunity_id=opportunity_id,
                from_stage_id=opp.stage_id,
                to_stage_id=target.id,
                at=at,
                note=change_note,
            )
        )
        opp.stage_id = target.id
        opp.stage_entered_at = at
        opp.probability = None
        opp.updated_at = now
        session.add(opp)
        return True


def _check_reason(session: Session, reason: CloseReason | str | None, kind: StageKind) -> str:
    """A reason from the outcome's own list (won or lost: built-in or the rep's), as stored."""
    if kind is StageKind.WON:
        known = reasons.accepted(str(reason or ""), reasons.won_reasons_in(session), reasons.WON_DEFAULTS)
    else:
        known = reasons.accepted(
            str(reason or ""), reasons.close_reasons_in(session), (r.value for r in CloseReason)
        )
    if known is None:
        raise ReasonRequired("Choose why the opportunity was won or lost.")
    return known


def close(
    wb: Workbench,
    opportunity_id: int,
    outcome: StageKind,
    reason: CloseReason | str | None,
    *,
    note: str = "",
    closed_on: date | None = None,
    allow_before_creation: bool = False,
    finish_work: bool = False,
    lost_to: str = "",
    clock: Clock = system_clock,
) -> bool:
    """Win or lose: a move to the pipeline's won / lost stage."""
    if outcome is StageKind.OPEN:
        raise PipelineError("Close as won or lost.")
    with wb.reading() as session:
        stage = closing_stage(session, outcome)
    return move_to_stage(
        wb,
        opportunity_id,
        stage.id,
        reason=reason,
        note=note,
        closed_on=closed_on,
        allow_before_creation=allow_before_creation,
        finish_work=finish_work,
        lost_to=lost_to,
        clock=clock,
    )


def reopen_stage(session: Session, opportunity_id: int) -> Stage:
    """Where a closed opportunity goes back to: the open stage it was closed from (or the last open one)."""
    last = _last_change(session, opportunity_id)
    live = {s.id: s for s in stages_in(session)}
    if last is not None and last.from_stage_id in live and live[last.from_stage_id].is_open:
        return live[last.from_stage_id]
    # Closed from another closed stage, or that stage is gone: walk back through history.
    stmt = (
        select(StageChange.to_stage_id)
        .where(StageChange.opportunity_id == opportunity_id)
        .order_by(col(StageChange.at).desc(), col(StageChange.id).desc())
    )
    for stage_id in session.exec(stmt):
        if stage_id in live and live[stage_id].is_open:
            return live[stage_id]
    return [s for s in live.values() if s.is_open][-1]


def reopen_target(wb: Workbench, opportunity_id: int) -> Stage:
    with wb.reading() as session:
        return reopen_stage(session, opportunity_id)


def reopen(
    wb: Workbench,
    opportunity_id: int,
    stage_id: int | None = None,
    *,
    note: str = "",
    clock: Clock = system_clock,
) -> bool:
    with wb.reading() as session:
        opp = _live_opportunity(session, opportunity_id)
        if opp.outcome == OpportunityOutcome.OPEN:
            return False
        target = stage_id if stage_id is not None else reopen_stage(session, opportunity_id).id
    return move_to_stage(wb, opportunity_id, target, note=note, clock=clock)


def history(wb: Workbench, opportunity_id: int) -> list[StageChange]:
    with wb.reading() as session:
        stmt = (
            select(StageChange)
            .where(StageChange.opportunity_id == opportunity_id)
            .order_by(col(StageChange.at), col(StageChange.id))
        )
        return list(session.exec(stmt))


_EDITABLE = frozenset(
    {
        "name",
        "amount",
        "currency",
        "probability",
        "expected_close",
        "next_step",
        "next_step_due",
        "contact_id",
    }
)


def check_currency(code: str) -> str:
    code = code.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise PipelineError("A currency is a three-letter code such as USD or EUR.")
    return code


def update_opportunity(
    wb: Workbench, opportunity_id: int, *, clock: Clock = system_clock, **changes: Any
) -> None:
    """Edit the fields a rep types (``name``, ``amount``, ``currency``, ``probability`` (None:
    the stage default), ``expected_close``, ``next_step``, ``next_step_due``, ``contact_id``)."""
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    if "name" in changes:
        changes["name"] = " ".join(str(changes["name"]).split())
        if not changes["name"]:
            raise PipelineError("An opportunity needs a name.")
    if "amount" in changes:
        changes["amount"] = check_amount(changes["amount"])
    if "currency" in changes:
        changes["currency"] = check_currency(changes["currency"])
    if "probability" in changes:
        changes["probability"] = check_probability(changes["probability"])
    if "next_step" in changes:
        changes["next_step"] = str(changes["next_step"]).strip()
    with wb.session() as session:
        opp = _live_opportunity(session, opportunity_id)
        for key, value in changes.items():
            setattr(opp, key, value)
        opp.updated_at = clock()
        session.add(opp)


def get_opportunity(wb: Workbench, opportunity_id: int) -> Opportunity:
    with wb.reading() as session:
        return _live_opportunity(session, opportunity_id)


def trash_opportunity(wb: Workbench, opportunity_id: int, *, clock: Clock = system_clock) -> None:
    """Into the trash with its activities and follow-ups; the stage history stays for a restore."""
    from workbench.services.safety import trash

    trash.delete(wb, "opportunity", [opportunity_id], clock=clock)
