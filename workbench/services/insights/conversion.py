"""Conversion lead → opportunity → won, by kind, source, campaign and industry.

Definitions (the same as the pipeline file's Summary and the manager's rollup):

* the **cohort** is the live (not trashed) leads *received* in the period;
* a lead **converted** when it points to a live opportunity (``lead.opportunity_id``)
  that came from it (``opportunity.origin_lead_id``); ``won`` / ``lost`` are that
  opportunity's outcome;
* a lead's group is read from the lead itself (its kind, source, campaign; the
  industry of its linked account), so every group's opportunities are a part of its
  leads and each rate is a true proportion with a Wilson interval.

The leads are counted through indexes that start with the group column and hold
``deleted_at`` and ``received_at`` (one index walk per dimension, never the table);
the opportunities, a few thousand, are joined to their lead by primary key.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import and_, func, select
from sqlmodel import Session

from workbench.domain import Account, Lead, Opportunity, table_of
from workbench.domain.enums import LeadKind, OpportunityOutcome
from workbench.services.insights.common import Counts, Period, group_key, sorted_groups

L: Any = table_of(Lead).c
OPP: Any = table_of(Opportunity).c
A: Any = table_of(Account).c

DIMENSIONS = ("kind", "source", "campaign", "industry")


def live_cohort(period: Period, *, indexed: bool = True) -> Any:
    """SQL: a live lead received in the period. ``indexed=False`` when the query should be
    answered through another index (or driven from another table) than received_at's."""
    return and_(L.deleted_at.is_(None), period.where(L.received_at, indexed=indexed))


def converted_join() -> Any:
    """FROM opportunity ⋈ its origin lead ⟕ that lead's account — both ends live."""
    return (
        table_of(Opportunity)
        .join(table_of(Lead), and_(L.id == OPP.origin_lead_id, L.opportunity_id == OPP.id))
        .outerjoin(table_of(Account), A.id == L.account_id)
    )


def _lead_counts(session: Session, period: Period, column: Any) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    stmt = select(column, func.count()).where(live_cohort(period)).group_by(column)
    for value, n in session.execute(stmt):
        counts[group_key(value)] += int(n)
    return counts


def _industry_lead_counts(session: Session, period: Period, total: int) -> dict[str, int]:
    # Leads per account first, walking (account_id, deleted_at, received_at); then the
    # accounts' industries, one primary-key read per account with leads.
    per_account = (
        select(L.account_id.label("account_id"), func.count().label("n"))
        .where(L.account_id.is_not(None), live_cohort(period, indexed=False))
        .group_by(L.account_id)
        .subquery("per_account")
    )
    stmt = (
        select(A.industry, func.sum(per_account.c.n))
        .select_from(per_account.join(table_of(Account), A.id == per_account.c.account_id))
        .group_by(A.industry)
    )
    counts: dict[str, int] = defaultdict(int)
    for value, n in session.execute(stmt):
        counts[group_key(value)] += int(n)
    # Leads without an account have no industry either.
    linked = sum(counts.values())
    if total > linked:
        counts[group_key(None)] += total - linked
    return counts


def _opportunity_rows(session: Session, period: Period) -> list[tuple[Any, ...]]:
    """(kind, source, campaign, industry, outcome, n) for the cohort's converted leads."""
    stmt = (
        select(L.kind, L.source, L.campaign, A.industry, OPP.outcome, func.count())
        .select_from(converted_join())
        .where(OPP.deleted_at.is_(None), live_cohort(period, indexed=False))
        .group_by(L.kind, L.source, L.campaign, A.industry, OPP.outcome)
    )
    return [tuple(row) for row in session.execute(stmt)]


def compute(session: Session, period: Period, min_leads: int) -> dict[str, Any]:
    """Conversion of the period's lead cohort, in total and by each dimension."""
    lead_counts = {
        "kind": _lead_counts(session, period, L.kind),
        "source": _lead_counts(session, period, L.source),
        "campaign": _lead_counts(session, period, L.campaign),
    }
    total_leads = sum(lead_counts["kind"].values())
    lead_counts["industry"] = _industry_lead_counts(session, period, total_leads)

    groups: dict[str, dict[str, Counts]] = {dim: defaultdict(Counts) for dim in DIMENSIONS}
    for dim, counts in lead_counts.items():
        for key, n in counts.items():
            groups[dim][key].leads = n
    for kind in LeadKind:  # every kind is shown, even with no leads yet
        groups["kind"][kind.value]
    total = Counts(leads=total_leads)
    for kind, source, campaign, industry, outcome, n in _opportunity_rows(session, period):
        part = Counts(
            opportunities=int(n),
            won=int(n) if outcome == OpportunityOutcome.WON else 0,
            lost=int(n) if outcome == OpportunityOutcome.LOST else 0,
        )
        total.add(part)
        for dim, value in zip(DIMENSIONS, (kind, source, campaign, industry), strict=True):
            groups[dim][group_key(value)].add(part)
    result: dict[str, Any] = {"total": total.as_dict(min_leads), "min_group_leads": min_leads}
    for dim in DIMENSIONS:
        result[f"by_{dim}"] = sorted_groups(groups[dim], min_leads)
    return result
