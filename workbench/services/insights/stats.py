"""Every Insights metric as one JSON-able dict — the single source of the Insights area,
of ``workbench stats`` and of the P5 benchmark, so they always show the same numbers.

Periods: conversion and speed-to-lead follow the *received* date of leads; the funnel
the date opportunities entered the pipeline; activity the date of each touch; the
pipeline is a snapshot of now; quota math uses the period's rates.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, tzinfo
from typing import Any

from sqlmodel import Session

from workbench.services import settings
from workbench.services.clock import Clock, system_clock
from workbench.services.insights import activity, conversion, funnel, pipeline, quota, speed
from workbench.services.insights.common import Period
from workbench.services.insights.quota import Quota, quarter_of
from workbench.store import Workbench

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


def section_jobs(
    session: Session, period: Period, now: datetime, tz: tzinfo | None = None
) -> dict[str, Callable[[Session], Any]]:
    """The independent sections, each a function of a session (settings read through
    ``session`` now). Quota math comes after them: it needs their rates."""
    min_leads = int(settings.get(session, "insights.min_group_leads"))
    goal = int(settings.get(session, "goals.touches_per_week"))
    return {
        # Conversion also counts the converted leads by first touch (same pass); they
        # are added to speed-to-lead's split once both are done (see compute_stats).
        "conversion": lambda s: conversion.compute_with_first_touch(s, period, min_leads),
        "speed_to_lead_hours": lambda s: speed.compute(s, period, min_leads, with_first_touch=False),
        "funnel": lambda s: funnel.compute(s, period, now),
        "activity": lambda s: activity.compute(s, period, now, goal, tz),
        "pipeline": lambda s: pipeline.compute(s, now),
    }


def _workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def compute_stats(
    wb: Workbench,
    period: Period | None = None,
    *,
    clock: Clock = system_clock,
    quota_override: Quota | None = None,
    tz: tzinfo | None = None,
    timings: dict[str, float] | None = None,
    parallel: bool = True,
) -> dict[str, Any]:
    """All sections for ``period`` (default: all time).

    The sections are independent reads, so with ``parallel`` they run at the same time,
    each through its own session (SQLite's WAL lets readers run side by side, and the
    driver releases the GIL while a query runs): the area waits for the slowest section,
    not for their sum. ``timings``, when given, receives each section's wall time in
    milliseconds (the benchmark runs sections one after the other to time them apart).
    """
    period = period or Period()
    now = clock()
    with wb.reading() as session:
        currency = str(settings.get(session, "profile.currency") or "")
        quota_value = quota_override or quota_from_settings(session, now.astimezone(tz).date())
        jobs = section_jobs(session, period, now, tz)
        min_leads = int(settings.get(session, "insights.min_group_leads"))

    def run(name: str) -> Any:
        started = time.perf_counter()
        with wb.reading() as session:
            value = jobs[name](session)
        if timings is not None:
            timings[name] = (time.perf_counter() - started) * 1000.0
        return value

    if parallel and _workers() > 1:
        with ThreadPoolExecutor(max_workers=_workers(), thread_name_prefix="insights") as pool:
            futures = {name: pool.submit(run, name) for name in jobs}
            results = {name: future.result() for name, future in futures.items()}
    else:
        results = {name: run(name) for name in jobs}

    conv, by_first_touch = results["conversion"]
    results["conversion"] = conv
    results["speed_to_lead_hours"] = speed.add_first_touch_conversion(
        results["speed_to_lead_hours"], by_first_touch, min_leads
    )
    activity_result = results["activity"]
    started = time.perf_counter()
    quota_result = None
    if quota_value is not None:
        with wb.reading() as session:
            quota_result = quota.compute(
                session,
                quota_value,
                period,
                now,
                lead_to_opportunity=conv["total"]["lead_to_opportunity"],
                touches_per_opportunity=activity_result["touches_per_opportunity"],
                tz=tz,
            )
    if timings is not None:
        timings["quota"] = (time.perf_counter() - started) * 1000.0
    return {
        "period": period.as_dict(),
        "generated_at": now.isoformat(),
        "currency": currency,
        **results,
        "quota": quota_result,
    }
