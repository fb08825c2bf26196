"""Rolling many reps' pipeline files up: per rep and for the team.

Each file is read, checked, reduced to a :class:`RepFigures` (a few kilobytes) and
dropped, so hundreds of files roll up in the memory of one. Files are read in worker
processes when there are many (the work is CPU-bound parsing). A file that fails any
check is listed in :attr:`Rollup.rejected` with its reason; the others load.

A rep may appear in several files (exports from different days): the rep's figures
and the team's come from the rep's **latest** file; the earlier ones feed
:func:`what_changed`. Definitions are those of the exported Summary (see
:mod:`workbench.services.manager.summary`); the figures are computed here from the
rows, never read from the Summary a file claims.

Sequences are compared by name across reps (:meth:`Rollup.sequence_comparison`): each
rep's enrolled, reply, meeting, opportunity and won rates with their Wilson intervals,
greyed below :data:`MIN_GROUP` enrolled like every small group. A file written before
pipeline files carried sequences simply has none.
"""

from __future__ import annotations

import os
import statistics
import sys
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import compress
from pathlib import Path
from typing import Any

from workbench.exchange.pipeline_file import (
    DEFAULT_LIMITS,
    FileMeta,
    PipelineFile,
    PipelineFileError,
    ReadLimits,
    SequenceRow,
    SequenceStepRow,
    read_pipeline_file,
)
from workbench.services.insights.wilson import rate, wilson_interval
from workbench.services.manager.changes import latest_changes

#: Files of these kinds are picked up from a folder.
FILE_SUFFIXES = (".xlsx", ".json")
#: Worker processes take seconds to start; below this much to read they cost more than they save.
PARALLEL_FROM_BYTES = 32 * 1024 * 1024
ROLLUP_TABLES = ("opportunities", "leads", "activities", "sequences", "sequence_steps")
#: The only columns the figures use: the reader reads and checks just these.
ROLLUP_COLUMNS = {
    "opportunities": (
        "uuid",
        "outcome",
        "stage",
        "amount",
        "weighted_amount",
        "stale",
        "closed_at",
        "currency",
    ),
    "leads": ("opportunity_uuid", "kind", "source", "speed_to_lead_hours"),
    "activities": ("at", "channel"),
}


#: Channels that count as touches, and Insights' name for "no source" — the same as
#: ``services.touches.TOUCH_CHANNELS`` and ``services.insights.common.NONE_KEY`` (a test
#: holds them equal). Those modules import the database layer (SQLModel, 0.6 s to start
#: a worker process, and the CLI's rollup before any file is read), which reading
#: files does not need.
TOUCH_CHANNELS = frozenset({"call", "email", "meeting", "social"})
NO_GROUP = "(none)"
#: Fewer enrolled than this and a rep's sequence figures are greyed: Insights' default
#: ``insights.min_group_leads`` (a test holds them equal; a file does not carry it).
MIN_GROUP = 20


#: Reads one file in a worker (module-level, so a spawned process can import it).
Loader = Callable[[Path, ReadLimits], "RepFigures | Rejected"]
#: progress(done, total) → False to stop early.
Progress = Callable[[int, int], bool]


#: Speed-to-lead counts these kinds only (``domain.enums.SPEED_TO_LEAD_KINDS``, held
#: equal by a test: this module imports nothing of the database layer). A file written
#: before the rule may still carry a speed on a cold or list lead; it is left out here.
SPEED_KINDS = frozenset({"inbound", "referral"})


def _speed_measured(kind: object, hours: object) -> bool:
    return hours is not None and kind in SPEED_KINDS


@dataclass(slots=True)
class StageFigures:
    stage: str
    count: int = 0
    amount: float = 0.0
    weighted: float = 0.0


@dataclass(slots=True)
class Conversion:
    leads: int = 0
    opportunities: int = 0
    won: int = 0

    @property
    def lead_to_opportunity(self) -> float | None:
        return None if self.leads == 0 else self.opportunities / self.leads

    @property
    def opportunity_to_won(self) -> float | None:
        return None if self.opportunities == 0 else self.won / self.opportunities

    def add(self, other: Conversion) -> None:
        self.leads += other.leads
        self.opportunities += other.opportunities
        self.won += other.won


@dataclass(slots=True)
class StepFigures:
    step: int
    channel: str
    reached: int = 0
    passed: int = 0
    replied_after: int = 0

    @property
    def reply_rate(self) -> float | None:
        """Of those who went past the step, the share who replied right after it."""
        return rate(self.replied_after, self.passed)


def _interval(successes: int, trials: int) -> list[float] | None:
    bounds = wilson_interval(successes, trials) if 0 <= successes <= trials else None
    return None if bounds is None else list(bounds)


@dataclass(slots=True)
class SequenceFigures:
    """One sequence of one rep (or the team): how the people enrolled fared."""

    name: str
    enrolled: int = 0
    active: int = 0
    paused: int = 0
    finished: int = 0
    stopped: int = 0
    replied: int = 0
    meeting_booked: int = 0
    not_interested: int = 0
    opportunities: int = 0
    won: int = 0
    steps: list[StepFigures] = field(default_factory=list)

    @property
    def replies(self) -> int:
        """Replied or booked a meeting: what a sequence is for (Insights' reply rate)."""
        return self.replied + self.meeting_booked

    @property
    def meaningful(self) -> bool:
        return self.enrolled >= MIN_GROUP

    def add(self, other: SequenceFigures) -> None:
        for name in (
            "enrolled",
            "active",
            "paused",
            "finished",
            "stopped",
            "replied",
            "meeting_booked",
            "not_interested",
            "opportunities",
            "won",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        mine = {s.step: s for s in self.steps}
        for theirs in other.steps:
            step = mine.get(theirs.step)
            if step is None:
                step = mine[theirs.step] = StepFigures(theirs.step, theirs.channel)
                self.steps.append(step)
            step.reached += theirs.reached
            step.passed += theirs.passed
            step.replied_after += theirs.replied_after
        self.steps.sort(key=lambda s: s.step)

    def rates(self) -> dict[str, Any]:
        """The compared figures: counts, rates over the enrolled and their intervals."""
        n = self.enrolled
        out: dict[str, Any] = {
            "enrolled": n,
            "active": self.active,
            "finished": self.finished,
            "stopped": self.stopped,
            "stopped_by": {
                "replied": self.replied,
                "meeting_booked": self.meeting_booked,
                "not_interested": self.not_interested,
            },
            "opportunities": self.opportunities,
            "won": self.won,
            "meaningful": self.meaningful,
        }
        for key, successes in (
            ("reply_rate", self.replies),
            ("meeting_rate", self.meeting_booked),
            ("opportunity_rate", self.opportunities),
            ("won_rate", self.won),
        ):
            out[key] = rate(successes, n)
            out[f"{key}_ci"] = _interval(successes, n)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            **self.rates(),
            "steps": [
                {
                    "step": s.step,
                    "channel": s.channel,
                    "reached": s.reached,
                    "passed": s.passed,
                    "replied_after": s.replied_after,
                    "reply_rate": s.reply_rate,
                    "reply_rate_ci": _interval(s.replied_after, s.passed),
                }
                for s in self.steps
            ],
        }


@dataclass(frozen=True, slots=True)
class SequenceComparison:
    """One sequence name across the reps that have it, and the team's total."""

    name: str
    reps: list[tuple[str, SequenceFigures]]
    team: SequenceFigures

    def as_dict(self) -> dict[str, Any]:
        return {
            "sequence": self.name,
            "reps": [{"rep": rep, **f.rates()} for rep, f in self.reps],
            "team": self.team.rates(),
        }


@dataclass(slots=True)
class RepFigures:
    """What one pipeline file (or the team) adds up to."""

    rep: str
    path: Path | None
    exported_at: datetime | None
    period_from: date
    period_to: date
    currencies: set[str] = field(default_factory=set)
    leads: int = 0
    opportunities: int = 0
    stages: list[StageFigures] = field(default_factory=list)
    won_count: int = 0
    won_amount: float = 0.0
    lost_count: int = 0
    lost_amount: float = 0.0
    by_kind: dict[str, Conversion] = field(default_factory=dict)
    by_source: dict[str, Conversion] = field(default_factory=dict)
    touches_per_week: dict[date, int] = field(default_factory=dict)
    activities: int = 0
    stale_count: int = 0
    stale_amount: float = 0.0
    #: Speed to lead of every touched lead, in hours (kept for the team's median).
    speeds: array[float] = field(default_factory=lambda: array("d"))
    #: The rep's sequences (none in a file from before files carried them).
    sequences: list[SequenceFigures] = field(default_factory=list)
    files: int = 1

    @property
    def open_count(self) -> int:
        return sum(s.count for s in self.stages)

    @property
    def open_amount(self) -> float:
        return sum(s.amount for s in self.stages)

    @property
    def weighted_amount(self) -> float:
        return sum(s.weighted for s in self.stages)

    @property
    def touches(self) -> int:
        return sum(self.touches_per_week.values())

    @property
    def speed_median_hours(self) -> float | None:
        return statistics.median(self.speeds) if self.speeds else None

    def as_dict(self) -> dict[str, Any]:
        def conversion(groups: dict[str, Conversion]) -> dict[str, Any]:
            return {
                name: {
                    "leads": c.leads,
                    "opportunities": c.opportunities,
                    "won": c.won,
                    "lead_to_opportunity": c.lead_to_opportunity,
                    "opportunity_to_won": c.opportunity_to_won,
                }
                for name, c in sorted(groups.items())
            }

        return {
            "rep": self.rep,
            "path": None if self.path is None else str(self.path),
            "exported_at": None if self.exported_at is None else self.exported_at.isoformat(),
            "period_from": self.period_from.isoformat(),
            "period_to": self.period_to.isoformat(),
            "currencies": sorted(self.currencies),
            "files": self.files,
            "leads": self.leads,
            "opportunities": self.opportunities,
            "pipeline": {
                "open_count": self.open_count,
                "open_amount": self.open_amount,
                "weighted_amount": self.weighted_amount,
                "by_stage": [
                    {"stage": s.stage, "count": s.count, "amount": s.amount, "weighted": s.weighted}
                    for s in self.stages
                ],
            },
            "won": {"count": self.won_count, "amount": self.won_amount},
            "lost": {"count": self.lost_count, "amount": self.lost_amount},
            "conversion": {"by_kind": conversion(self.by_kind), "by_source": conversion(self.by_source)},
            "activity": {
                "activities": self.activities,
                "touches": self.touches,
                "touches_per_week": {w.isoformat(): n for w, n in sorted(self.touches_per_week.items())},
            },
            "speed_to_lead_hours": {"median": self.speed_median_hours, "leads": len(self.speeds)},
            "stale": {"count": self.stale_count, "amount": self.stale_amount},
            "sequences": [s.as_dict() for s in self.sequences],
        }


@dataclass(frozen=True, slots=True)
class Rejected:
    path: Path
    reason: str


@dataclass(slots=True)
class Rollup:
    files: list[RepFigures] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def reps(self) -> list[RepFigures]:
        """The latest file of each rep, by rep name."""
        latest: dict[str, RepFigures] = {}
        for figures in self.files:
            key = rep_key(figures.rep)
            current = latest.get(key)
            if current is None or _newer(figures, current):
                latest[key] = figures
        return sorted(latest.values(), key=lambda f: rep_key(f.rep))

    def histories(self) -> list[list[Path | None]]:
        """Each rep's file paths, oldest first (what :func:`latest_changes` compares)."""
        return [[f.path for f in self.files_of(rep.rep)] for rep in self.reps]

    def files_of(self, rep: str) -> list[RepFigures]:
        """Every loaded file of ``rep``, oldest first."""
        key = rep_key(rep)
        return sorted((f for f in self.files if rep_key(f.rep) == key), key=_export_time)

    @property
    def team(self) -> RepFigures | None:
        reps = self.reps
        return combine(reps, "Team") if reps else None

    def sequence_comparison(self) -> list[SequenceComparison]:
        """Every sequence name (any case) any rep's latest file has: each such rep's
        figures and the team's sum, sequences in name order, reps in rep order."""
        found: dict[str, SequenceComparison] = {}
        for figures in self.reps:
            for seq in figures.sequences:
                key = rep_key(seq.name)
                compared = found.get(key)
                if compared is None:
                    compared = found[key] = SequenceComparison(seq.name, [], SequenceFigures(seq.name))
                compared.reps.append((figures.rep, seq))
                compared.team.add(seq)
        return [found[k] for k in sorted(found)]

    def as_dict(self) -> dict[str, Any]:
        team = self.team
        return {
            "loaded": [
                {"path": str(f.path), "rep": f.rep, "exported_at": _iso(f.exported_at)} for f in self.files
            ],
            "rejected": [{"path": str(r.path), "reason": r.reason} for r in self.rejected],
            "reps": [r.as_dict() for r in self.reps],
            "team": None if team is None else team.as_dict(),
            "changes": [c.as_dict() for c in latest_changes(self.histories())],
            "sequences": {
                "min_enrolled": MIN_GROUP,
                "compared": [c.as_dict() for c in self.sequence_comparison()],
            },
        }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _export_time(figures: RepFigures) -> datetime:
    return figures.exported_at or datetime.min.replace(tzinfo=UTC)


def _newer(a: RepFigures, b: RepFigures) -> bool:
    return (_export_time(a), str(a.path)) > (_export_time(b), str(b.path))


def rep_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def week_of(moment: datetime) -> date:
    """The Monday (UTC) of the week ``moment`` falls in."""
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


# --- one file ------------------------------------------------------------------------
def _conversion(
    groups: Sequence[str], outcomes: Sequence[str | None], no_group: str
) -> dict[str, Conversion]:
    """Leads, opportunities and won per group; ``outcomes`` is each lead's opportunity
    outcome (None: not converted). Counted in C (``Counter`` over pairs), folded per
    distinct pair — groups keep the order they first appear in."""
    out: dict[str, Conversion] = {}
    for (value, outcome), n in Counter(zip(groups, outcomes, strict=True)).items():
        group = value if value.strip() else no_group  # Insights' name for "no source"
        c = out.get(group)
        if c is None:
            c = out[group] = Conversion()
        c.leads += n
        if outcome is not None:
            c.opportunities += n
            if outcome == "won":
                c.won += n
    return out


def summarise(pf: PipelineFile, path: Path | None = None) -> RepFigures:
    """Reduce a read pipeline file to its figures (column by column, no row objects)."""
    meta: FileMeta = pf.meta
    figures = RepFigures(
        rep=meta.rep,
        path=path,
        exported_at=meta.exported_at,
        period_from=meta.period_from,
        period_to=meta.period_to,
    )
    opp = pf.tables["opportunities"].columns
    outcome = opp["outcome"]
    figures.opportunities = len(outcome)
    figures.currencies = set(opp["currency"]) or {meta.currency}
    # Open pipeline by stage, in the rep's stage order (stages no open deal uses still show).
    stages = {
        s.name: StageFigures(s.name)
        for s in sorted(meta.stages, key=lambda s: s.position)
        if s.kind == "open"
    }
    start = datetime(meta.period_from.year, meta.period_from.month, meta.period_from.day, tzinfo=UTC)
    end = datetime(meta.period_to.year, meta.period_to.month, meta.period_to.day, tzinfo=UTC) + timedelta(
        days=1
    )
    for state, stage, amount, weighted, stale, closed in zip(
        outcome,
        opp["stage"],
        opp["amount"],
        opp["weighted_amount"],
        opp["stale"],
        opp["closed_at"],
        strict=True,
    ):
        if state == "open":
            s = stages.get(stage)
            if s is None:
                s = stages[stage] = StageFigures(stage)
            s.count += 1
            s.amount += amount
            s.weighted += weighted
            if stale:
                figures.stale_count += 1
                figures.stale_amount += amount
        elif closed is not None and start <= closed < end:
            if state == "won":
                figures.won_count += 1
                figures.won_amount += amount
            else:
                figures.lost_count += 1
                figures.lost_amount += amount
    figures.stages = list(stages.values())

    leads = pf.tables["leads"].columns
    figures.leads = pf.tables["leads"].count
    opp_outcome: dict[str | None, str] = dict(zip(opp["uuid"], outcome, strict=True))
    linked = list(map(opp_outcome.get, leads["opportunity_uuid"]))  # None: not converted
    figures.by_kind = _conversion(leads["kind"], linked, NO_GROUP)
    figures.by_source = _conversion(leads["source"], linked, NO_GROUP)
    speeds = leads["speed_to_lead_hours"]
    measured = map(_speed_measured, leads["kind"], speeds)
    figures.speeds = array("d", compress(speeds, measured))

    acts = pf.tables["activities"].columns
    figures.activities = pf.tables["activities"].count
    # Touches per UTC day at C speed (``compress``/``map``), then days folded into weeks.
    touch_times = compress(acts["at"], map(TOUCH_CHANNELS.__contains__, acts["channel"]))
    weeks: Counter[date] = Counter()
    # The reader gives every time in UTC, so a time's date is its UTC day.
    for day, n in Counter(map(datetime.date, touch_times)).items():
        weeks[day - timedelta(days=day.weekday())] += n
    figures.touches_per_week = dict(sorted(weeks.items()))
    figures.sequences = _sequences(pf)
    return figures


def _sequences(pf: PipelineFile) -> list[SequenceFigures]:
    """The file's sequences with their steps (an older file has neither table)."""
    if "sequences" not in pf.tables:
        return []
    steps = pf.rows("sequence_steps") if "sequence_steps" in pf.tables else []
    return sequences_of(pf.rows("sequences"), steps)


def sequences_of(rows: Iterable[SequenceRow], steps: Iterable[SequenceStepRow]) -> list[SequenceFigures]:
    """Sequence figures from the rows of the Sequences and Sequence steps tables."""
    by_uuid: dict[str, SequenceFigures] = {}
    for row in rows:
        by_uuid[row.sequence_uuid] = SequenceFigures(
            name=" ".join(row.sequence.split()) or "(no name)",
            enrolled=row.enrolled,
            active=row.active,
            paused=row.paused,
            finished=row.finished,
            stopped=row.stopped,
            replied=row.replied,
            meeting_booked=row.meeting_booked,
            not_interested=row.not_interested,
            opportunities=row.opportunities,
            won=row.won,
        )
    for step in steps:
        seq = by_uuid.get(step.sequence_uuid)
        if seq is not None:
            seq.steps.append(
                StepFigures(step.step, step.channel, step.reached, step.passed, step.replied_after)
            )
    # Two sequences of one name in a file (one retired, a copy) are one line to compare.
    merged: dict[str, SequenceFigures] = {}
    for seq in by_uuid.values():
        key = rep_key(seq.name)
        if key in merged:
            merged[key].add(seq)
        else:
            seq.steps.sort(key=lambda s: s.step)
            merged[key] = seq
    return list(merged.values())


def load_figures(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> RepFigures:
    """Read, check and summarise one file (raises :class:`PipelineFileError`)."""
    pf = read_pipeline_file(path, tables=ROLLUP_TABLES, columns=ROLLUP_COLUMNS, limits=limits)
    return summarise(pf, path)


def _load_or_reject(path: Path, limits: ReadLimits) -> RepFigures | Rejected:
    """One file inside its guard: whatever goes wrong reading or summarising it is that
    file's rejection reason, never the rollup's end (R11)."""
    try:
        return load_figures(path, limits)
    except PipelineFileError as exc:
        return Rejected(path, exc.reason)
    except MemoryError:
        return Rejected(path, "is too big to read in the memory available")
    except RecursionError:
        return Rejected(path, "is nested too deeply to be a pipeline file")
    except Exception as exc:
        return Rejected(path, f"could not be read ({_failure(exc)})")


def _failure(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    text = text if len(text) <= 160 else text[:157] + "…"
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__


# --- the team ------------------------------------------------------------------------
def combine(parts: Sequence[RepFigures], rep: str) -> RepFigures:
    """The sum of ``parts``: counts and amounts add up; the median is over all leads."""
    team = RepFigures(
        rep=rep,
        path=None,
        exported_at=max((p.exported_at for p in parts if p.exported_at is not None), default=None),
        period_from=min(p.period_from for p in parts),
        period_to=max(p.period_to for p in parts),
        files=len(parts),
    )
    stages: dict[str, StageFigures] = {}
    sequences: dict[str, SequenceFigures] = {}
    for part in parts:
        team.currencies |= part.currencies
        team.leads += part.leads
        team.opportunities += part.opportunities
        team.won_count += part.won_count
        team.won_amount += part.won_amount
        team.lost_count += part.lost_count
        team.lost_amount += part.lost_amount
        team.activities += part.activities
        team.stale_count += part.stale_count
        team.stale_amount += part.stale_amount
        team.speeds.extend(part.speeds)
        for s in part.stages:
            total = stages.setdefault(s.stage, StageFigures(s.stage))
            total.count += s.count
            total.amount += s.amount
            total.weighted += s.weighted
        for mine, theirs in ((team.by_kind, part.by_kind), (team.by_source, part.by_source)):
            for name, c in theirs.items():
                mine.setdefault(name, Conversion()).add(c)
        for week, n in part.touches_per_week.items():
            team.touches_per_week[week] = team.touches_per_week.get(week, 0) + n
        for seq in part.sequences:
            total_seq = sequences.get(rep_key(seq.name))
            if total_seq is None:
                total_seq = sequences[rep_key(seq.name)] = SequenceFigures(seq.name)
            total_seq.add(seq)
    team.sequences = [sequences[k] for k in sorted(sequences)]
    team.stages = list(stages.values())
    team.touches_per_week = dict(sorted(team.touches_per_week.items()))
    return team


# --- many files ------------------------------------------------------------------------
def collect_paths(items: Iterable[Path | str]) -> tuple[list[Path], list[Rejected]]:
    """Files as given, and the pipeline files (``.xlsx``/``.json``) directly inside folders.

    Hidden files, Office lock files (``~$…``) and our own partial exports are skipped.
    A path that does not exist is rejected."""
    paths: list[Path] = []
    missing: list[Rejected] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            paths.append(path)

    for item in items:
        path = Path(item).expanduser()
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if (
                    child.is_file()
                    and child.suffix.lower() in FILE_SUFFIXES
                    and not child.name.startswith((".", "~$"))
                ):
                    add(child)
        elif path.exists():
            add(path)
        else:
            missing.append(Rejected(path, "does not exist"))
    return paths, missing


def roll_up(
    items: Iterable[Path | str],
    *,
    limits: ReadLimits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    workers: int | None = None,
) -> Rollup:
    """Load every pipeline file in ``items`` (files or folders) and roll them up.

    ``workers``: processes to read with (default: one per CPU when there is enough to
    read; 1 reads in this process)."""
    paths, rejected = collect_paths(items)
    rollup = Rollup(rejected=rejected)
    total = len(paths)
    if workers is None:
        # A frozen app (PyInstaller) cannot spawn interpreters without extra set-up.
        frozen = bool(getattr(sys, "frozen", False))
        size = sum(_size(p) for p in paths)
        workers = min(os.cpu_count() or 1, 8) if size >= PARALLEL_FROM_BYTES and not frozen else 1
    results: list[RepFigures | Rejected | None] = [None] * total
    if workers <= 1 or total < 2:
        for i, path in enumerate(paths):
            results[i] = _load_or_reject(path, limits)
            if progress is not None and not progress(i + 1, total):
                break
    else:
        _load_in_processes(paths, limits, workers, results, progress)
    for result in results:
        if isinstance(result, RepFigures):
            rollup.files.append(result)
        elif isinstance(result, Rejected):
            rollup.rejected.append(result)
    return rollup


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _load_in_processes(
    paths: list[Path],
    limits: ReadLimits,
    workers: int,
    results: list[RepFigures | Rejected | None],
    progress: Progress | None,
    load: Loader | None = None,
) -> None:
    import multiprocessing

    # "spawn": forking a process that runs Qt or other threads can deadlock.
    from concurrent.futures import as_completed
    from concurrent.futures.process import BrokenProcessPool

    load = load or _load_or_reject
    context = multiprocessing.get_context("spawn")
    broken: list[int] = []
    done = 0
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures: dict[Future[RepFigures | Rejected], int] = {
            pool.submit(load, path, limits): i for i, path in enumerate(paths)
        }
        for future in as_completed(futures):
            index = futures[future]
            try:
                results[index] = future.result()
            except BrokenProcessPool:
                # A worker died (the OS killed it, a library aborted): every file still in
                # the pool fails with it, so each is read again on its own below.
                broken.append(index)
                continue
            except Exception as exc:
                results[index] = Rejected(paths[index], f"could not be read ({_failure(exc)})")
            done += 1
            if progress is not None and not progress(done, len(paths)):
                for pending in futures:
                    pending.cancel()
                return
    for index in sorted(broken):
        results[index] = _load_alone(paths[index], limits, context, load)
        done += 1
        if progress is not None and not progress(done, len(paths)):
            return


def _load_alone(path: Path, limits: ReadLimits, context: Any, load: Loader) -> RepFigures | Rejected:
    """One file in a process of its own: if that dies too, the file is the culprit."""
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        try:
            return pool.submit(load, path, limits).result()
        except BrokenProcessPool:
            return Rejected(path, "made the reader process fail (out of memory, or a damaged file)")
        except Exception as exc:
            return Rejected(path, f"could not be read ({_failure(exc)})")
