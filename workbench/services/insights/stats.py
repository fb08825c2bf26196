"""Every Insights metric as one JSON-able dict — the single source of the Insights area,
of ``workbench stats`` and of the P5 benchmark, so they always show the same numbers.

Periods: conversion and speed-to-lead follow the *received* date of leads; the funnel
the date opportunities entered the pipeline; activity the date of each touch; the
pipeline is a snapshot of now; quota math uses the period's rates.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime, tzinfo
from typing import Any

from sqlmodel import Session

from workbench.services.clock import Clock, system_clock
from workbench.services.insights import activity, conversion, funnel, lost, pipeline, quota, sequences, speed
from workbench.services.insights.common import Period
from workbench.services.insights.quota import Quota, quarter_of
from workbench.services.settings import values as settings
from workbench.store import Workbench

#: The sections of the result, in their order.
SECTIONS = (
    "conversion",
    "speed_to_lead_hours",
    "funnel",
    "activity",
    "pipeline",
    "lost_reasons",
    "sequences",
    "quota",
)


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


#: Jobs that are parts of a section: the section's biggest queries, run side by side
#: and put together by :func:`_assemble` (any other job is a whole section).
PART_OF = {
    "conversion_cube": "conversion",
    "conversion_by_industry": "conversion",
    "conversion_converted": "conversion",
}


#: A job: a function of a session and of ``done``, which gives the result of a job
#: listed before it (waiting for it if it is still running).
Job = Callable[[Session, Callable[[str], Any]], Any]


def section_jobs(session: Session, period: Period, now: datetime, tz: tzinfo | None = None) -> dict[str, Job]:
    """The jobs, each a function of a session (settings read through ``session`` now),
    in the order to start them. Quota math comes after them: it needs their rates.

    The biggest section, conversion, is cut in its three queries, so that on a computer
    with more cores than sections no one job holds the others up. Speed-to-lead needs
    the cohort's leads per source, which the conversion cube counts: it starts after
    the cube and two other jobs, by when the cube is done."""
    min_leads = int(settings.get(session, "insights.min_group_leads"))
    goal = int(settings.get(session, "goals.touches_per_week"))

    def speed_to_lead(s: Session, done: Callable[[str], Any]) -> Any:
        rows = done("conversion_cube")
        live = conversion.leads_by_source(rows)
        return speed.compute(
            s, period, min_leads, with_first_touch=False, live_by_source=live, cube_rows=rows
        )

    # Longest first, so that the last job to end starts early: on two cores the area
    # waits about half the jobs' time, not a long job started last.
    return {
        "conversion_cube": lambda s, _done: conversion.cube(s, period),
        # The converted leads' first-touch split rides along with conversion's pass; it
        # is added to speed-to-lead's once both are done (see _assemble).
        "conversion_converted": lambda s, _done: conversion.converted_rows(s, period),
        "conversion_by_industry": lambda s, _done: conversion.industry_leads(s, period),
        "speed_to_lead_hours": speed_to_lead,
        "activity": lambda s, _done: activity.compute(s, period, now, goal, tz),
        "funnel": lambda s, _done: funnel.measure(s, period, now),
        "pipeline": lambda s, _done: pipeline.compute(s, now),
        "lost_reasons": lambda s, _done: lost.compute(s, period),
        "sequences": lambda s, _done: sequences.compute(s, period, min_leads),
    }


def _assemble(results: dict[str, Any], min_leads: int) -> dict[str, Any]:
    """The sections, in :data:`SECTIONS` order, from the jobs' results."""
    conv, by_first_touch = conversion.assemble(
        results["conversion_cube"],
        results["conversion_by_industry"],
        results["conversion_converted"],
        min_leads,
    )
    return {
        "conversion": conv,
        "speed_to_lead_hours": speed.add_first_touch_conversion(
            results["speed_to_lead_hours"], by_first_touch, min_leads
        ),
        "funnel": funnel.rows(results["funnel"]),
        "activity": results["activity"],
        "pipeline": results["pipeline"],
        "lost_reasons": results["lost_reasons"],
        "sequences": results["sequences"],
    }


def _workers() -> int:
    # One thread per core, up to six (each holds a connection and its page cache).
    return max(1, min(6, os.cpu_count() or 1))


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

    The jobs of :func:`section_jobs` are independent reads, so with ``parallel`` they
    run at the same time, each through its own session (SQLite's WAL lets readers run
    side by side, and the driver releases the GIL while a query runs): the area waits
    for the slowest job, not for their sum. ``timings``, when given, receives each
    section's time in milliseconds (its jobs' wall times added; the benchmark runs the
    jobs one after the other to time them apart).
    """
    period = period or Period()
    now = clock()
    with wb.reading() as session:
        currency = str(settings.get(session, "profile.currency") or "")
        quota_value = quota_override or quota_from_settings(session, now.astimezone(tz).date())
        jobs = section_jobs(session, period, now, tz)
        min_leads = int(settings.get(session, "insights.min_group_leads"))

    timings_lock = threading.Lock()
    futures: dict[str, Future[Any]] = {}
    results: dict[str, Any] = {}

    def done(name: str) -> Any:
        return futures[name].result() if name in futures else results[name]

    def run(name: str) -> Any:
        started = time.perf_counter()
        with wb.reading() as session:
            value = jobs[name](session, done)
        if timings is not None:
            section = PART_OF.get(name, name)  # a section's time: its parts' times added
            elapsed = (time.perf_counter() - started) * 1000.0
            with timings_lock:
                timings[section] = timings.get(section, 0.0) + elapsed
        return value

    if parallel and _workers() > 1:
        with ThreadPoolExecutor(max_workers=_workers(), thread_name_prefix="insights") as pool:
            for name in jobs:  # in order: a job's dependencies are submitted before it
                futures[name] = pool.submit(run, name)
            results = {name: future.result() for name, future in futures.items()}
    else:
        for name in jobs:
            results[name] = run(name)

    sections = _assemble(results, min_leads)
    conv, activity_result = sections["conversion"], sections["activity"]
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
        **sections,
        "quota": quota_result,
    }
