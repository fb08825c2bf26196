"""Every Insights metric as one JSON-able dict — the single source of the Insights area,
of ``workbench stats`` and of the P5 benchmark, so they always show the same numbers.

Periods: conversion and speed-to-lead follow the *received* date of leads; the funnel
the date opportunities entered the pipeline; activity the date of each touch; the
pipeline is a snapshot of now; quota math uses the period's rates.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, tzinfo
from typing import Any, TypeVar

from sqlmodel import Session

from workbench.services import settings
from workbench.services.clock import Clock, system_clock
from workbench.services.insights import activity, conversion, funnel, pipeline, quota, speed
from workbench.services.insights.common import Period
from workbench.services.insights.quota import Quota, quarter_of
from workbench.store import Workbench

T = TypeVar("T")

#: The sections of the result, in the order they are computed (and timed).
SECTIONS = ("conversion", "speed_to_lead_hours", "funnel", "activity", "pipeline", "quota")


def quota_from_settings(session: Session, today: date) -> Quota | None:
    """The quota the rep entered (``insights.quota_*``), or None when there is none."""
    amount = float(settings.get(session, "insights.quota_amount") or 0.0)
    if amount <= 0:
        return None
    first, last = quarter_of(today)
    first_text = settings.get(session, "insights.quota_from")
    last_text = settings.get(session, "insights.quota_to")
    if first_text and last_text:
        first, last = date.fromisoformat(str(first_text)), date.fromisoformat(str(last_text))
    return Quota(amount, first, last)


def save_quota(wb: Workbench, value: Quota | None) -> None:
    if value is None:
        settings.write(wb, "insights.quota_amount", 0.0)
        return
    settings.write_many(
        wb,
        {
            "insights.quota_amount": float(value.amount),
            "insights.quota_from": value.first_day.isoformat(),
            "insights.quota_to": value.last_day.isoformat(),
        },
    )


def compute_stats(
    wb: Workbench,
    period: Period | None = None,
    *,
    clock: Clock = system_clock,
    quota_override: Quota | None = None,
    tz: tzinfo | None = None,
    timings: dict[str, float] | None = None,
) -> dict[str, Any]:
    """All sections for ``period`` (default: all time). ``timings``, when given, receives
    each section's wall time in milliseconds (for the benchmark)."""
    period = period or Period()
    now = clock()

    def timed(name: str, fn: Callable[[], T]) -> T:
        started = time.perf_counter()
        value = fn()
        if timings is not None:
            timings[name] = (time.perf_counter() - started) * 1000.0
        return value

    with wb.reading() as session:
        min_leads = int(settings.get(session, "insights.min_group_leads"))
        goal = int(settings.get(session, "goals.touches_per_week"))
        currency = str(settings.get(session, "profile.currency") or "")
        conv = timed("conversion", lambda: conversion.compute(session, period, min_leads))
        speed_result = timed("speed_to_lead_hours", lambda: speed.compute(session, period, min_leads))
        funnel_result = timed("funnel", lambda: funnel.compute(session, period, now))
        activity_result = timed("activity", lambda: activity.compute(session, period, now, goal, tz))
        pipeline_result = timed("pipeline", lambda: pipeline.compute(session, now))
        quota_value = quota_override or quota_from_settings(session, now.astimezone(tz).date())
        quota_result = timed(
            "quota",
            lambda: (
                quota.compute(
                    session,
                    quota_value,
                    period,
                    now,
                    lead_to_opportunity=conv["total"]["lead_to_opportunity"],
                    touches_per_opportunity=activity_result["touches_per_opportunity"],
                    tz=tz,
                )
                if quota_value is not None
                else None
            ),
        )
    return {
        "period": period.as_dict(),
        "generated_at": now.isoformat(),
        "currency": currency,
        "conversion": conv,
        "speed_to_lead_hours": speed_result,
        "funnel": funnel_result,
        "activity": activity_result,
        "pipeline": pipeline_result,
        "quota": quota_result,
    }
