"""Why deals were lost, and to whom: lost opportunities closed in the period, counted
per close reason and per competitor (``opportunity.lost_to``, "" when none named). Each
reason names the list it is on ("lost"; "won" for a deal closed before the lists were
separate, "" for a reason since removed)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from workbench.domain import Opportunity, OpportunityOutcome, table_of
from workbench.services.insights.common import Period
from workbench.services.settings import reasons as reason_lists

OC: Any = table_of(Opportunity).c


def compute(session: Session, period: Period) -> dict[str, Any]:
    n = func.count().label("n")
    stmt = (
        select(OC.close_reason, OC.lost_to, n)
        .where(OC.outcome == OpportunityOutcome.LOST, OC.deleted_at.is_(None), period.where(OC.closed_at))
        .group_by(OC.close_reason, OC.lost_to)
        .order_by(n.desc(), OC.close_reason, OC.lost_to)
    )
    by_reason: dict[str, dict[str, Any]] = {}
    competitors: dict[str, int] = {}
    total = 0
    for reason, lost_to, count in session.execute(stmt):
        total += int(count)
        entry = by_reason.setdefault(str(reason), {"reason": str(reason), "count": 0, "lost_to": []})
        entry["count"] += int(count)
        if lost_to:
            entry["lost_to"].append({"name": str(lost_to), "count": int(count)})
            competitors[str(lost_to)] = competitors.get(str(lost_to), 0) + int(count)
    lists = reason_lists.lists_in(session)
    for entry in by_reason.values():
        entry["list"] = reason_lists.list_of(entry["reason"], "lost", lists)
    reasons = sorted(by_reason.values(), key=lambda e: (-e["count"], e["reason"]))
    ranked = sorted(competitors.items(), key=lambda item: (-item[1], item[0].casefold()))
    return {
        "lost": total,
        "reasons": reasons,
        "competitors": [{"name": name, "count": count} for name, count in ranked],
    }
