"""Exporting a rep's pipeline file (XLSX or JSON), streamed from the workbench.

Rows come out of SQL in batches (``yield_per``) and go straight into the writer, so a
workbench of a million leads exports in the same memory as one of a hundred. The
file is written to a temporary name next to the destination and renamed into place
only when complete: a failure, a full disk or Cancel leaves no half file (R6).

What the file holds (the schema describes every column):

* Opportunities — every live one, open and closed, with its effective probability,
  weighted amount and stale flag as the Pipeline area shows them, and which of the
  rep's lists (won or lost reasons) its close reason is on;
* Leads — every live lead, with its opportunity's UUID when converted;
* Activities — those of the period (``since`` … export day; default the last 90 days);
* Targets — the target accounts; Follow-ups — open ones and those due in the period;
* Sequences and Sequence steps — what works, per sequence and per step, all time (the
  Insights section :mod:`workbench.services.insights.sequences`), so the manager's
  rollup compares the reps' sequences;
* Summary — the headline figures and tables of :mod:`workbench.services.manager.summary`
  (the Insights service's numbers).
"""

from __future__ import annotations

import getpass
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import aliased

from workbench import __version__
from workbench.domain import (
    Account,
    Activity,
    Contact,
    FollowUp,
    Lead,
    Opportunity,
    PipelineStage,
    table_of,
)
from workbench.exchange.atomic import atomic_output
from workbench.exchange.pipeline_file import SHEET_ROW_LIMIT, FileMeta, StageInfo, table
from workbench.exchange.pipeline_file.writer_json import JsonPipelineWriter
from workbench.exchange.pipeline_file.writer_xlsx import XlsxPipelineWriter
from workbench.services.clock import Clock, system_clock
from workbench.services.insights import sequences as sequence_stats
from workbench.services.insights.common import Period
from workbench.services.manager.summary import build_summary
from workbench.services.pipeline.board import stale_condition_for
from workbench.services.pipeline.stages import stages_in
from workbench.services.settings import reasons
from workbench.services.settings import values as settings
from workbench.store import Workbench

#: Days of activities a pipeline file holds when no start is given.
DEFAULT_PERIOD_DAYS = 90
BATCH = 5000

OC: Any = table_of(Opportunity).c
S: Any = table_of(PipelineStage).c
L: Any = table_of(Lead).c
A: Any = table_of(Account).c
C: Any = table_of(Contact).c
ACT: Any = table_of(Activity).c
F: Any = table_of(FollowUp).c

#: progress(done, total) → False to cancel (the signature of ``ui.workers.Job``'s reporter).
Progress = Callable[[int, int], bool]


class ExportError(Exception):
    """The export cannot be made as asked; the message is meant for the rep."""


class ExportCancelled(ExportError):
    def __init__(self) -> None:
        super().__init__("The export was cancelled; no file was written.")


@dataclass(slots=True)
class ExportResult:
    path: Path
    format: str
    rep: str
    exported_at: datetime
    period_from: date
    period_to: date
    row_counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "format": self.format,
            "rep": self.rep,
            "exported_at": self.exported_at.isoformat(),
            "period_from": self.period_from.isoformat(),
            "period_to": self.period_to.isoformat(),
            "rows": dict(self.row_counts),
            "seconds": round(self.seconds, 3),
        }


def format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return "xlsx"
    if suffix == ".json":
        return "json"
    raise ExportError(f"“{path.name}”: a pipeline file ends in .xlsx (spreadsheet) or .json.")


def default_rep_name(wb: Workbench) -> str:
    if wb.dialect == "postgresql":  # a team database: settings are the team's, the login is yours
        from workbench.services.team.members import whoami

        member = whoami(wb)
        if member is not None:
            return member.name
    name = str(settings.read(wb, "profile.rep_name") or "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment (containers)
        return "rep"


def period_start(since: date | None, today: date) -> date:
    return since if since is not None else today - timedelta(days=DEFAULT_PERIOD_DAYS)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


# --- the rows of each table, in the schema's column order --------------------------------
def opportunities_query(stale: Any) -> Select[Any]:
    origin = aliased(table_of(Lead))
    probability = func.coalesce(OC.probability, S.probability)
    return (
        select(
            OC.uuid,
            OC.name,
            A.name,
            A.uuid,
            C.name,
            S.name,
            OC.outcome,
            OC.amount,
            OC.currency,
            probability,
            OC.amount * probability,
            OC.expected_close,
            OC.next_step,
            OC.next_step_due,
            case((stale, literal(True)), else_=literal(False)),
            OC.last_touch_at,
            OC.stage_entered_at,
            OC.created_at,
            OC.closed_at,
            OC.close_reason,
            # Which list the reason is on: filled in by ``_with_reason_lists``.
            literal(""),
            OC.kind,
            OC.source,
            OC.campaign,
            origin.c.uuid,
            OC.lead_received_at,
        )
        .select_from(
            table_of(Opportunity)
            .join(table_of(PipelineStage), S.id == OC.stage_id)
            .outerjoin(table_of(Account), A.id == OC.account_id)
            .outerjoin(table_of(Contact), C.id == OC.contact_id)
            .outerjoin(origin, and_(origin.c.id == OC.origin_lead_id, origin.c.deleted_at.is_(None)))
        )
        .where(OC.deleted_at.is_(None))
        .order_by(OC.id)
    )


def _yes(column: Any) -> Any:
    return case((column == "yes", 1), else_=0)


def leads_query() -> Select[Any]:
    return (
        select(
            L.uuid,
            L.received_at,
            L.name,
            L.company,
            L.title,
            L.email,
            L.phone,
            L.kind,
            L.source,
            L.campaign,
            L.status,
            L.disqualify_reason,
            L.nurture_until,
            _yes(L.q_budget) + _yes(L.q_authority) + _yes(L.q_need) + _yes(L.q_timeline) + _yes(L.q_asked),
            A.name,
            L.first_touch_at,
            L.speed_to_lead_s / 3600.0,
            L.last_touch_at,
            L.next_followup_at,
            OC.uuid,
        )
        .select_from(
            table_of(Lead)
            .outerjoin(table_of(Account), A.id == L.account_id)
            # Converted: the lead points to a live opportunity that came from it (the
            # Insights definition, so the rollup's conversion equals ``workbench stats``).
            .outerjoin(
                table_of(Opportunity),
                and_(OC.id == L.opportunity_id, OC.origin_lead_id == L.id, OC.deleted_at.is_(None)),
            )
        )
        .where(L.deleted_at.is_(None))
        .order_by(L.id)
    )


def activities_query(start: datetime) -> Select[Any]:
    return (
        select(
            ACT.uuid,
            ACT.at,
            ACT.channel,
            ACT.outcome,
            ACT.duration_min,
            func.coalesce(L.name, C.name, ""),
            A.name,
            OC.name,
            ACT.note,
            L.uuid,
            OC.uuid,
        )
        .select_from(
            table_of(Activity)
            .outerjoin(table_of(Lead), L.id == ACT.lead_id)
            .outerjoin(table_of(Contact), C.id == ACT.contact_id)
            .outerjoin(table_of(Account), A.id == ACT.account_id)
            .outerjoin(table_of(Opportunity), OC.id == ACT.opportunity_id)
        )
        .where(ACT.deleted_at.is_(None), ACT.at >= start)
        .order_by(ACT.at, ACT.id)
    )


def targets_query() -> Select[Any]:
    contacts = select(func.count(C.id)).where(C.account_id == A.id, C.deleted_at.is_(None)).scalar_subquery()
    open_opps = (
        select(func.count(OC.id))
        .where(OC.account_id == A.id, OC.deleted_at.is_(None), OC.outcome == "open")
        .scalar_subquery()
    )
    return (
        select(
            A.uuid,
            A.name,
            A.domain,
            A.industry,
            A.employees,
            A.region,
            func.coalesce(A.tier, ""),
            A.status,
            A.fit_score,
            A.pain_hypothesis,
            contacts,
            open_opps,
            A.target_since,
            A.last_touch_at,
            A.next_followup_at,
        )
        .where(A.is_target.is_(True), A.deleted_at.is_(None))
        .order_by(A.name, A.id)
    )


def follow_ups_query(start: datetime, now: datetime) -> Select[Any]:
    return (
        select(
            F.uuid,
            F.due_at,
            F.title,
            func.coalesce(L.name, C.name, ""),
            A.name,
            OC.name,
            F.done_at,
            case((and_(F.done_at.is_(None), F.due_at < now), literal(True)), else_=literal(False)),
            L.uuid,
            OC.uuid,
        )
        .select_from(
            table_of(FollowUp)
            .outerjoin(table_of(Lead), L.id == F.lead_id)
            .outerjoin(table_of(Contact), C.id == F.contact_id)
            .outerjoin(table_of(Account), A.id == F.account_id)
            .outerjoin(table_of(Opportunity), OC.id == F.opportunity_id)
        )
        .where(F.deleted_at.is_(None), or_(F.done_at.is_(None), F.due_at >= start))
        .order_by(F.due_at, F.id)
    )


#: Where the outcome, the reason and its list sit in a row of ``opportunities_query``.
_OUTCOME, _REASON, _REASON_LIST = 6, 19, 20


def _with_reason_lists(
    rows: Generator[Any, None, None], lists: dict[str, frozenset[str]]
) -> Generator[tuple[Any, ...], None, None]:
    """The opportunities' rows with the list each close reason came from."""
    try:
        for row in rows:
            values = tuple(row)
            label = reasons.list_of(values[_REASON], str(values[_OUTCOME]), lists)
            yield (*values[:_REASON_LIST], label, *values[_REASON_LIST + 1 :])
    finally:
        rows.close()


def sequence_rows(
    session: Any, min_enrolled: int, *, owner: str | None = None
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The Sequences and Sequence steps tables: Insights' figures per sequence and per
    step, all time (a sequence deleted without enrolments has nothing to compare);
    ``owner``: one rep's enrolments only (the live rollup of a team database)."""
    found = sequence_stats.compute(session, Period(), min_enrolled, owner=owner)["sequences"]
    per_sequence = [
        (
            s["uuid"],
            s["name"],
            s["retired"],
            s["enrolled"],
            s["active"],
            s["paused"],
            s["finished"],
            s["stopped"],
            s["replied"],
            s["meeting_booked"],
            s["not_interested"],
            s["opportunities"],
            s["won"],
            s["most_replies_after_step"],
        )
        for s in found
    ]
    per_step = []
    for s in found:
        for step in s["steps"]:
            per_step.append(
                (
                    s["uuid"],
                    s["name"],
                    step["step"],
                    step["channel"],
                    step["reached"],
                    step["done"],
                    step["skipped"],
                    step["passed"],
                    step["replied_after"],
                )
            )
    return per_sequence, per_step


def _count(conn: Any, stmt: Select[Any]) -> int:
    return int(conn.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one())


# --- the export -------------------------------------------------------------------------
def export_pipeline(
    wb: Workbench,
    out: Path | str,
    *,
    rep: str | None = None,
    since: date | None = None,
    clock: Clock = system_clock,
    progress: Progress | None = None,
    sheet_row_limit: int = SHEET_ROW_LIMIT,
) -> ExportResult:
    """Write the pipeline file ``out`` (``.xlsx`` or ``.json``) and return what it holds."""
    started = time.perf_counter()
    out = Path(out).expanduser()
    fmt = format_of(out)
    if not out.parent.is_dir():
        raise ExportError(f"The folder {out.parent} does not exist.")
    now = clock()
    today = now.astimezone(UTC).date()
    start_day = period_start(since, today)
    if start_day > today:
        raise ExportError("The period cannot start after today.")
    start = _midnight(start_day)
    rep_name = (rep or "").strip() or default_rep_name(wb)

    with wb.reading() as session:
        stages = stages_in(session)
        stale = stale_condition_for(session, now)
        stale_days = int(settings.get(session, "pipeline.stale_days"))
        currency = str(settings.get(session, "profile.currency") or "USD")
        summary = build_summary(session, now=now, period_from=start_day, period_to=today)
        lists = reasons.lists_in(session)
        min_enrolled = int(settings.get(session, "insights.min_group_leads") or 0)
        sequences, sequence_steps = sequence_rows(session, min_enrolled)

    queries = {
        "opportunities": opportunities_query(stale),
        "leads": leads_query(),
        "activities": activities_query(start),
        "targets": targets_query(),
        "follow_ups": follow_ups_query(start, now),
    }
    meta = FileMeta(
        rep=rep_name,
        exported_at=now.astimezone(UTC),
        app_version=__version__,
        period_from=start_day,
        period_to=today,
        currency=currency,
        stale_days=stale_days,
        stages=[StageInfo(s.name, s.position, s.probability, str(s.kind), s.stale_days) for s in stages],
    )
    try:
        with atomic_output(out) as tmp, wb.engine.connect() as conn:
            totals = {key: _count(conn, stmt) for key, stmt in queries.items()}
            grand_total = sum(totals.values()) + len(sequences) + len(sequence_steps)
            done_before = 0

            def report(done: int) -> None:
                if progress is not None and not progress(done_before + done, grand_total):
                    raise ExportCancelled

            writer: XlsxPipelineWriter | JsonPipelineWriter = (
                XlsxPipelineWriter(tmp, sheet_row_limit=sheet_row_limit)
                if fmt == "xlsx"
                else JsonPipelineWriter(tmp)
            )
            with writer:
                writer.write_summary(meta, summary)
                for key, stmt in queries.items():
                    rows = _stream(conn, stmt)
                    if key == "opportunities":
                        rows = _with_reason_lists(rows, lists)
                    try:
                        meta.row_counts[key] = writer.write_table(table(key), rows, report)
                    finally:
                        # Close the cursor while its connection is open: left to the
                        # garbage collector after a failed write (disk full) it logged
                        # "Error closing cursor" with a traceback.
                        rows.close()
                    done_before += meta.row_counts[key]
                for key, small in (("sequences", sequences), ("sequence_steps", sequence_steps)):
                    meta.row_counts[key] = writer.write_table(table(key), small, report)
                    done_before += meta.row_counts[key]
                writer.close(meta)
    except OSError as exc:
        raise ExportError(f"The pipeline file could not be written: {exc.strerror or exc}.") from exc
    return ExportResult(
        path=out,
        format=fmt,
        rep=rep_name,
        exported_at=meta.exported_at,
        period_from=start_day,
        period_to=today,
        row_counts=dict(meta.row_counts),
        seconds=time.perf_counter() - started,
    )


def _stream(conn: Any, stmt: Select[Any]) -> Generator[Any, None, None]:
    result = conn.execution_options(yield_per=BATCH).execute(stmt)
    try:
        yield from result
    finally:
        result.close()
