"""The ideal-customer profile: weighted criteria, per-account checks and the fit score.

Fit score of an account, with live criteria ``i`` and normalised weights ``w_i``
(non-negative, summing to 1):

* ``score = 100 × Σ w_i over criteria judged *met*``: not met and unknown add nothing,
  so the score only rises as criteria are confirmed and always stays within 0–100;
* ``research_left = 100 × Σ w_i over criteria still *unknown*``: how much of the
  profile the rep has not looked into yet;
* ``potential = score + research_left``: the best the account can still reach.

A criterion the account's own facts answer (its employee count against a size range,
its industry, its region: :mod:`icp_facts`) is judged *from the facts* until the rep
marks it met or not met; the rep's mark then counts, and one the facts contradict is
flagged (:attr:`Check.contradicted`). *Unknown* is no mark: the facts answer again.

Weights are whatever the rep (or a team template) typed. They are normalised here,
never divided by blindly: negative or non-finite weights count as 0, and when
nothing positive is left every criterion counts the same.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from workbench.domain import Account, AccountCheck, CheckState, IcpCriterion, table_of, utcnow
from workbench.services.clock import Clock, system_clock
from workbench.services.targets.icp_facts import FactJudgement, Facts, judge, rule_of


class IcpError(ValueError):
    """Bad input to the ICP criteria (empty name, unknown criterion…)."""


@dataclass(frozen=True)
class Criterion:
    id: int
    name: str
    description: str
    weight: float
    position: int


@dataclass(frozen=True)
class Weighting:
    """Criteria with their share of the fit score (fractions summing to 1, or empty)."""

    criteria: tuple[Criterion, ...]
    shares: tuple[float, ...]
    #: Why the typed weights were not used as they are ("" when they were).
    note: str = ""

    def share_of(self, criterion_id: int) -> float:
        for criterion, share in zip(self.criteria, self.shares, strict=True):
            if criterion.id == criterion_id:
                return share
        return 0.0


@dataclass(frozen=True)
class Fit:
    score: float
    research_left: float
    potential: float
    met: int
    not_met: int
    unknown: int

    @property
    def total(self) -> int:
        return self.met + self.not_met + self.unknown


@dataclass(frozen=True)
class Check:
    """One line of an account's ICP checklist. ``state`` is what counts in the fit: the
    rep's ``marked`` state, or without one (unknown) what the account's ``facts`` say."""

    criterion: Criterion
    share: float
    state: CheckState
    evidence: str
    marked: CheckState = CheckState.UNKNOWN
    facts: FactJudgement | None = None

    @property
    def from_facts(self) -> bool:
        """Judged by the account's facts, not by the rep."""
        return self.marked == CheckState.UNKNOWN and self.facts is not None

    @property
    def contradicted(self) -> bool:
        """The rep's mark says the opposite of the account's facts."""
        return (
            self.marked != CheckState.UNKNOWN and self.facts is not None and self.facts.state != self.marked
        )


def effective_state(marked: CheckState, facts: FactJudgement | None) -> CheckState:
    """The rep's mark when there is one, else the facts' judgement, else unknown."""
    if marked != CheckState.UNKNOWN or facts is None:
        return marked
    return facts.state


def usable_weight(weight: float) -> float:
    return weight if math.isfinite(weight) and weight > 0 else 0.0


def normalise(weights: Sequence[float]) -> tuple[tuple[float, ...], str]:
    """Shares summing to 1 and a note when the weights needed fixing; never divides by zero."""
    if not weights:
        return (), ""
    cleaned = [usable_weight(w) for w in weights]
    total = math.fsum(cleaned)
    if total <= 0 or not math.isfinite(total):
        share = 1.0 / len(weights)
        return tuple(share for _ in weights), "No criterion has a positive weight, so each counts the same."
    note = ""
    if any(c != w for c, w in zip(cleaned, weights, strict=True)):
        note = "Negative or invalid weights count as 0."
    return tuple(c / total for c in cleaned), note


def fit_of(states: Sequence[CheckState | str], weights: Sequence[float]) -> Fit:
    """The fit of one account from its check states, in the same order as the weights."""
    if len(states) != len(weights):
        raise ValueError("one state per criterion")
    shares, _ = normalise(weights)
    met = math.fsum(s for s, st in zip(shares, states, strict=True) if st == CheckState.MET)
    unknown = math.fsum(s for s, st in zip(shares, states, strict=True) if st == CheckState.UNKNOWN)
    score = _percent(met)
    research = _percent(unknown)
    return Fit(
        score=score,
        research_left=research,
        potential=min(100.0, round(score + research, 1)),
        met=sum(1 for st in states if st == CheckState.MET),
        not_met=sum(1 for st in states if st == CheckState.NOT_MET),
        unknown=sum(1 for st in states if st == CheckState.UNKNOWN),
    )


def _percent(fraction: float) -> float:
    return round(min(100.0, max(0.0, fraction * 100.0)), 1)


# --- criteria ----------------------------------------------------------------------
def list_criteria(session: Session) -> list[Criterion]:
    rows = session.exec(
        select(IcpCriterion)
        .where(col(IcpCriterion.deleted_at).is_(None))
        .order_by(col(IcpCriterion.position), col(IcpCriterion.id))
    ).all()
    return [_criterion(r) for r in rows]


def weighting(session: Session) -> Weighting:
    criteria = list_criteria(session)
    shares, note = normalise([c.weight for c in criteria])
    return Weighting(tuple(criteria), shares, note)


def _criterion(row: IcpCriterion) -> Criterion:
    assert row.id is not None
    return Criterion(row.id, row.name, row.description, row.weight, row.position)


def _clean_name(name: str) -> str:
    text = " ".join(name.split())
    if not text:
        raise IcpError("A criterion needs a name.")
    return text


def _clean_weight(weight: float) -> float:
    if not math.isfinite(weight) or weight < 0:
        raise IcpError("A weight is a number of 0 or more.")
    return float(weight)


def add_criterion(session: Session, name: str, weight: float = 1.0, description: str = "") -> int:
    last = session.exec(select(func.max(IcpCriterion.position))).one()
    row = IcpCriterion(
        name=_clean_name(name),
        weight=_clean_weight(weight),
        description=description.strip(),
        position=(last or 0) + 1,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    refresh_fit_scores(session)
    return row.id


def update_criterion(
    session: Session,
    criterion_id: int,
    *,
    name: str | None = None,
    weight: float | None = None,
    description: str | None = None,
) -> None:
    row = _live_criterion(session, criterion_id)
    if name is not None:
        row.name = _clean_name(name)
    if description is not None:
        row.description = description.strip()
    weight_changed = weight is not None and weight != row.weight
    if weight is not None:
        row.weight = _clean_weight(weight)
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    if weight_changed:
        refresh_fit_scores(session)


def delete_criterion(session: Session, criterion_id: int, clock: Clock = system_clock) -> None:
    """Retire a criterion: its checks stay in the file but no longer count."""
    row = _live_criterion(session, criterion_id)
    row.deleted_at = clock()
    session.add(row)
    session.flush()
    refresh_fit_scores(session)


def reorder_criteria(session: Session, ordered_ids: Sequence[int]) -> None:
    for position, criterion_id in enumerate(ordered_ids):
        row = _live_criterion(session, criterion_id)
        row.position = position
        session.add(row)
    session.flush()


@dataclass(frozen=True)
class CriterionEdit:
    """One row of the criteria editor: ``id`` None for a new criterion."""

    id: int | None
    name: str
    weight: float
    description: str = ""


def save_criteria(session: Session, rows: Sequence[CriterionEdit], clock: Clock = system_clock) -> None:
    """Make the live criteria exactly ``rows``, in that order (what the editor's Save does)."""
    for row in rows:
        _clean_name(row.name)
        _clean_weight(row.weight)
    kept = {r.id for r in rows if r.id is not None}
    for existing in list_criteria(session):
        if existing.id not in kept:
            doomed = _live_criterion(session, existing.id)
            doomed.deleted_at = clock()
            session.add(doomed)
    for position, row in enumerate(rows):
        if row.id is None:
            record = IcpCriterion(name=_clean_name(row.name), weight=float(row.weight))
        else:
            record = _live_criterion(session, row.id)
            record.name = _clean_name(row.name)
            record.weight = float(row.weight)
            record.updated_at = clock()
        record.description = row.description.strip()
        record.position = position
        session.add(record)
    session.flush()
    refresh_fit_scores(session)


def _live_criterion(session: Session, criterion_id: int) -> IcpCriterion:
    row = session.get(IcpCriterion, criterion_id)
    if row is None or row.deleted_at is not None:
        raise IcpError(f"There is no ICP criterion {criterion_id}.")
    return row


# --- checks on one account ------------------------------------------------------------
def account_facts(session: Session, account_id: int) -> Facts:
    acc = table_of(Account).c
    row = session.execute(
        sa_select(acc.employees, acc.industry, acc.region).where(acc.id == account_id)
    ).first()
    if row is None:
        return Facts(None, "", "")
    employees, industry, region = row
    return Facts(None if employees is None else int(employees), str(industry or ""), str(region or ""))


def checklist(session: Session, account_id: int) -> list[Check]:
    weights = weighting(session)
    found = {
        c.criterion_id: c
        for c in session.exec(select(AccountCheck).where(AccountCheck.account_id == account_id)).all()
    }
    facts = account_facts(session, account_id)
    lines: list[Check] = []
    for criterion, share in zip(weights.criteria, weights.shares, strict=True):
        check = found.get(criterion.id)
        marked = CheckState(check.state) if check is not None else CheckState.UNKNOWN
        judged = judge(rule_of(criterion.name, criterion.description), facts)
        lines.append(
            Check(
                criterion,
                share,
                effective_state(marked, judged),
                check.evidence if check is not None else "",
                marked,
                judged,
            )
        )
    return lines


def fit_of_account(session: Session, account_id: int) -> Fit:
    lines = checklist(session, account_id)
    return fit_of([c.state for c in lines], [c.criterion.weight for c in lines])


def set_check(
    session: Session,
    account_id: int,
    criterion_id: int,
    state: CheckState | str,
    evidence: str | None = None,
    clock: Clock = system_clock,
) -> Fit:
    """Judge one criterion on one account; the account's cached fit score follows.
    ``unknown`` takes the rep's mark away (the account's facts answer if they can)."""
    state = CheckState(state)
    _live_criterion(session, criterion_id)
    if session.get(Account, account_id) is None:
        raise IcpError(f"There is no account {account_id}.")
    check = session.exec(
        select(AccountCheck).where(
            AccountCheck.account_id == account_id, AccountCheck.criterion_id == criterion_id
        )
    ).first()
    if check is None:
        check = AccountCheck(account_id=account_id, criterion_id=criterion_id)
    check.state = state
    if evidence is not None:
        check.evidence = evidence.strip()
    check.updated_at = clock()
    session.add(check)
    session.flush()
    return store_fit(session, account_id)


def set_checks(
    session: Session,
    account_id: int,
    states: Mapping[int, tuple[CheckState | str, str]],
    clock: Clock = system_clock,
) -> Fit:
    fit: Fit | None = None
    for criterion_id, (state, evidence) in states.items():
        fit = set_check(session, account_id, criterion_id, state, evidence, clock)
    return fit if fit is not None else store_fit(session, account_id)


def store_fit(session: Session, account_id: int) -> Fit:
    """Cache the account's fit score; ``None`` ("not assessed") while no criterion is
    judged either way, so an unresearched account does not look like a poor fit."""
    fit = fit_of_account(session, account_id)
    assessed = fit.met + fit.not_met > 0
    session.execute(
        update(table_of(Account))
        .where(table_of(Account).c.id == account_id)
        .values(fit_score=fit.score if assessed else None)
    )
    return fit


def refresh_fit_scores(session: Session, account_ids: Iterable[int] | None = None) -> int:
    """Recompute the cached fit score of accounts (all target accounts and every account
    with a check, by default) after criteria or weights changed."""
    if account_ids is None:
        acc = table_of(Account).c
        chk = table_of(AccountCheck).c
        ids = set(session.execute(sa_select(acc.id).where(acc.is_target)).scalars())
        ids |= set(session.execute(sa_select(chk.account_id).distinct()).scalars())
    else:
        ids = set(account_ids)
    for account_id in ids:
        store_fit(session, int(account_id))
    return len(ids)
