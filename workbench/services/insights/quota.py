"""Quota math: from the rep's own numbers, what a quota takes — deals, opportunities,
leads and touches per week — and how far the current pipeline goes towards it.

Working back up the funnel (the seed articles' advice), with the rates of the history
period the rep is looking at:

* **win rate** = won / (won + lost) of the opportunities closed in that period, and the
  **average deal** = their average won amount;
* **remaining** = the quota minus what was already won in the quota period;
* deals needed = ⌈remaining / average deal⌉; opportunities = ⌈deals / win rate⌉;
  leads = ⌈opportunities / lead → opportunity rate⌉; touches = ⌈opportunities ×
  touches per opportunity⌉, spread over the weeks left;
* the **gap to the pipeline**: remaining minus the weighted amount of open
  opportunities expected to close in the quota period, and the extra opportunities
  that gap still needs. Coverage is open amount ÷ remaining.

A figure that needs a rate the history cannot give (no closed deal yet…) is ``None``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from workbench.domain import Opportunity, table_of
from workbench.domain.enums import OpportunityOutcome
from workbench.services.insights.activity import won_in
from workbench.services.insights.common import Period
from workbench.services.insights.pipeline import open_in
from workbench.services.insights.wilson import rate, ratio

OPP: Any = table_of(Opportunity).c


@dataclass(frozen=True)
class Quota:
    amount: float
    first_day: date
    last_day: date

    def period(self, tz: tzinfo | None = None) -> Period:
        return Period.from_dates(self.first_day, self.last_day, tz)


def quarter_of(day: date) -> tuple[date, date]:
    """The first and last day of the calendar quarter holding ``day``."""
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    next_first = date(first.year + (first.month + 3 > 12), (first.month + 2) % 12 + 1, 1)
    return first, next_first - timedelta(days=1)


def _closed_in(session: Session, period: Period) -> tuple[int, int, float]:
    """Won count, lost count and average won amount of opportunities closed in the period."""
    stmt = (
        select(OPP.outcome, func.count(), func.avg(OPP.amount))
        .where(
            OPP.deleted_at.is_(None),
            OPP.outcome.in_((OpportunityOutcome.WON.value, OpportunityOutcome.LOST.value)),
            period.where(OPP.closed_at),
        )
        .group_by(OPP.outcome)
    )
    won = lost = 0
    average = 0.0
    for outcome, n, avg in session.execute(stmt):
        if outcome == OpportunityOutcome.WON.value:
            won, average = int(n), float(avg or 0.0)
        else:
            lost = int(n)
    return won, lost, average


def _ceil(value: float | None) -> int | None:
    return None if value is None else math.ceil(value - 1e-9)


def compute(
    session: Session,
    quota: Quota,
    history: Period,
    now: datetime,
    *,
    lead_to_opportunity: float | None,
    touches_per_opportunity: float | None,
    tz: tzinfo | None = None,
) -> dict[str, Any]:
    won_n, lost_n, average_deal = _closed_in(session, history)
    win_rate = rate(won_n, won_n + lost_n) or None
    quota_period = quota.period(tz)
    _won_count, won_so_far = won_in(session, quota_period)
    remaining = max(0.0, quota.amount - won_so_far)
    deals = _ceil(ratio(remaining, average_deal))
    opportunities = _ceil(ratio(deals, win_rate)) if deals is not None and win_rate else None
    leads = (
        _ceil(ratio(opportunities, lead_to_opportunity))
        if opportunities is not None and lead_to_opportunity
        else None
    )
    touches = (
        _ceil(opportunities * touches_per_opportunity)
        if opportunities is not None and touches_per_opportunity is not None
        else None
    )
    quota_start, quota_end = quota_period.start, quota_period.end
    assert quota_start is not None and quota_end is not None
    weeks_left = (quota_end - max(now, quota_start)) / timedelta(weeks=1)
    open_n, open_amount, weighted = open_in(session, quota.first_day, quota.last_day)
    gap = remaining - weighted
    extra: int | None = 0
    if gap > 0:
        extra = _ceil(gap / average_deal / win_rate) if average_deal > 0 and win_rate else None
    return {
        "quota": quota.amount,
        "from": quota.first_day.isoformat(),
        "to": quota.last_day.isoformat(),
        "weeks_left": max(weeks_left, 0.0),
        "won_so_far": won_so_far,
        "remaining": remaining,
        "win_rate": win_rate,
        "closed_in_history": won_n + lost_n,
        "average_deal": average_deal if won_n else None,
        "lead_to_opportunity": lead_to_opportunity,
        "touches_per_opportunity": touches_per_opportunity,
        "deals_needed": deals,
        "opportunities_needed": opportunities,
        "leads_needed": leads,
        "touches_needed": touches,
        "touches_per_week_needed": (touches / weeks_left if touches is not None and weeks_left > 0 else None),
        "pipeline_count": open_n,
        "pipeline_amount": open_amount,
        "pipeline_weighted": weighted,
        "coverage": ratio(open_amount, remaining),
        "gap": gap,
        "extra_opportunities_needed": extra,
    }
