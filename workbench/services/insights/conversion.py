"""Conversion lead → opportunity → won, by kind, source, campaign and industry.

Definitions (the same as the pipeline file's Summary and the manager's rollup):

* the **cohort** is the live (not trashed) leads *received* in the period;
* a lead **converted** when it points to a live opportunity (``lead.opportunity_id``)
  that came from it (``opportunity.origin_lead_id``); ``won`` / ``lost`` are that
  opportunity's outcome;
* a lead's group is read from the lead itself (its kind, source, campaign; the
  industry of its linked account), so every group's opportunities are a part of its
  leads and each rate is a true proportion with a Wilson interval.

Three queries, none reading the lead table itself: the cohort by kind × source ×
campaign, each combination counted in its range of ``ix_lead_cohort``; by industry,
each account's leads through ``ix_lead_account_live``; the converted leads through the small partial index
``ix_lead_converted``, with their opportunity's outcome and their account's industry
read by id from narrow covering indexes (and their first-touch group, which
speed-to-lead shares).
:mod:`stats` runs the three side by side and puts them together with :func:`assemble`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlmodel import Session

from workbench.domain import Account, Lead, Opportunity, table_of
from workbench.domain.enums import SPEED_TO_LEAD_KINDS, LeadKind, OpportunityOutcome
from workbench.services.insights.common import Counts, Period, counts_per_key, group_key, sorted_groups
from workbench.store.sql_functions import prefer_index, unindexed

L: Any = table_of(Lead).c
OPP: Any = table_of(Opportunity).c
A: Any = table_of(Account).c

DIMENSIONS = ("kind", "source", "campaign", "industry")
#: A lead's first touch: within the hour, later, or never (speed-to-lead's split).
FAST_SECONDS = 3600


def live_cohort(period: Period, *, indexed: bool = False) -> Any:
    """SQL: a live lead received in the period. The range is kept out of index choice
    (see :func:`workbench.store.sql_functions.unindexed`) unless ``indexed``: most
    queries here have a better index than received_at's, which would read a million
    rows from the table; those that count ranges of an index ending in received_at
    want the range to narrow them."""
    return and_(L.deleted_at.is_(None), period.where(L.received_at, indexed=indexed))


def first_touch_group() -> Any:
    """SQL: a lead's speed-to-lead group; ``unmeasured`` for a kind speed-to-lead leaves
    out (a rep-sourced cold or list lead, see ``SPEED_TO_LEAD_KINDS``)."""
    speed = L.speed_to_lead_s
    return case(
        (L.kind.not_in(sorted(SPEED_TO_LEAD_KINDS)), "unmeasured"),
        (speed.is_(None), "never"),
        (speed <= FAST_SECONDS, "within_hour"),
        else_="later",
    )


def _converted_from() -> Any:
    """Live opportunities ⋈ their lead through ``ix_lead_converted`` (``unindexed(lead.id)``
    keeps the planner from reading the lead's table row by its primary key instead)."""
    return table_of(Opportunity).join(
        table_of(Lead), and_(L.opportunity_id == OPP.id, unindexed(L.id) == OPP.origin_lead_id)
    )


def _converted_where(period: Period) -> Any:
    return and_(OPP.deleted_at.is_(None), L.opportunity_id.is_not(None), live_cohort(period))


def converted_rows(session: Session, period: Period) -> list[tuple[Any, ...]]:
    """(kind, source, campaign, industry, first-touch group, outcome, n) of the cohort's
    converted leads; the lead's account read by id. The first-touch group (see
    :func:`first_touch_group`) rides along for speed-to-lead's split, at no extra cost."""
    touch = first_touch_group()
    account = table_of(Account)
    stmt = (
        select(L.kind, L.source, L.campaign, A.industry, touch, OPP.outcome, func.count())
        .select_from(_converted_from().outerjoin(account, A.id == L.account_id))
        .where(_converted_where(period))
        .group_by(L.kind, L.source, L.campaign, A.industry, touch, OPP.outcome)
    )
    stmt = prefer_index(stmt, account, "ix_account_id_industry")
    return [tuple(row) for row in session.execute(stmt).all()]


def converted_by_first_touch(session: Session, period: Period) -> list[tuple[Any, ...]]:
    """(first-touch group, outcome, n) of the cohort's converted leads."""
    touch = first_touch_group()
    stmt = (
        select(touch, OPP.outcome, func.count())
        .select_from(_converted_from())
        .where(_converted_where(period))
        .group_by(touch, OPP.outcome)
    )
    return [tuple(row) for row in session.execute(stmt)]


def outcome_counts(outcome: Any, n: int) -> Counts:
    return Counts(
        opportunities=n,
        won=n if outcome == OpportunityOutcome.WON else 0,
        lost=n if outcome == OpportunityOutcome.LOST else 0,
    )


def cube(session: Session, period: Period) -> list[tuple[Any, Any, Any, int]]:
    """(kind, source, campaign, n) of the cohort: each combination found and counted in
    its own range of ``ix_lead_cohort`` (see :func:`common.counts_per_key`)."""
    rows = counts_per_key(session, [L.kind, L.source, L.campaign], live_cohort(period, indexed=True))
    return [(k, s, c, int(n)) for k, s, c, n in rows]


def leads_by_source(cube_rows: list[tuple[Any, Any, Any, int]]) -> dict[Any, int]:
    """The cohort's leads per (raw) source value, from :func:`cube`'s rows."""
    totals: dict[Any, int] = defaultdict(int)
    for _kind, source, _campaign, n in cube_rows:
        totals[source] += n
    return dict(totals)


def unmeasured_by_source(cube_rows: list[tuple[Any, Any, Any, int]]) -> dict[Any, int]:
    """The cohort's leads per (raw) source value whose kind speed-to-lead leaves out."""
    totals: dict[Any, int] = defaultdict(int)
    for kind, source, _campaign, n in cube_rows:
        if kind not in SPEED_TO_LEAD_KINDS:
            totals[source] += n
    return dict(totals)


def industry_leads(session: Session, period: Period) -> dict[str, int]:
    """The cohort's leads by their account's industry (leads without an account left
    out): accounts in industry order, each one's leads counted in its index range."""
    lead = table_of(Lead)
    stmt = (
        select(A.industry, func.count())
        .select_from(table_of(Account).join(lead, L.account_id == A.id))
        .where(live_cohort(period, indexed=True))
        .group_by(A.industry)
    )
    # Each account's leads of the period are then one range of that index (the planner
    # would otherwise start from every lead of the period, in received order).
    stmt = prefer_index(stmt, lead, "ix_lead_account_live")
    counts: dict[str, int] = defaultdict(int)
    for value, n in session.execute(stmt):
        counts[group_key(value)] += int(n)
    return dict(counts)


def compute(session: Session, period: Period, min_leads: int) -> dict[str, Any]:
    """Conversion of the period's lead cohort, in total and by each dimension."""
    return compute_with_first_touch(session, period, min_leads)[0]


def compute_with_first_touch(
    session: Session, period: Period, min_leads: int
) -> tuple[dict[str, Any], dict[str, Counts]]:
    """:func:`compute`, and the converted leads' counts by first-touch group (within the
    hour, later, never) for speed-to-lead, read in the same pass."""
    return assemble(
        cube(session, period), industry_leads(session, period), converted_rows(session, period), min_leads
    )


def assemble(
    cube_rows: list[tuple[Any, Any, Any, int]],
    by_industry: dict[str, int],
    converted: list[tuple[Any, ...]],
    min_leads: int,
) -> tuple[dict[str, Any], dict[str, Counts]]:
    """The result of :func:`compute_with_first_touch` from its three queries' rows (which
    :mod:`stats` runs side by side)."""
    groups: dict[str, dict[str, Counts]] = {dim: defaultdict(Counts) for dim in DIMENSIONS}
    for kind in LeadKind:  # every kind is shown, even with no leads yet
        groups["kind"][kind.value] = Counts()
    total = Counts()
    for kind, source, campaign, n in cube_rows:
        total.leads += n
        for dim, value in zip(("kind", "source", "campaign"), (kind, source, campaign), strict=True):
            groups[dim][group_key(value)].leads += n
    industry_counts = dict(by_industry)
    # Leads without an account have no industry either.
    linked = sum(industry_counts.values())
    if total.leads > linked:
        industry_counts[group_key(None)] = industry_counts.get(group_key(None), 0) + total.leads - linked
    for key, n in industry_counts.items():
        groups["industry"][key].leads = n
    by_first_touch: dict[str, Counts] = defaultdict(Counts)
    for kind, source, campaign, industry, touch, outcome, n in converted:
        part = outcome_counts(outcome, int(n))
        total.add(part)
        by_first_touch[str(touch)].add(part)
        for dim, value in zip(DIMENSIONS, (kind, source, campaign, industry), strict=True):
            groups[dim][group_key(value)].add(part)
    result: dict[str, Any] = {"total": total.as_dict(min_leads), "min_group_leads": min_leads}
    for dim in DIMENSIONS:
        result[f"by_{dim}"] = sorted_groups(groups[dim], min_leads)
    return result, dict(by_first_touch)
