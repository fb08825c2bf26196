"""Importing leads from a file: validate, de-duplicate, insert — all or nothing.

One import is one transaction. The file is streamed in chunks of :data:`CHUNK_ROWS`:
each chunk is validated (:mod:`~workbench.services.imports.rows`), matched against the
stored leads and the rows before it (:mod:`~workbench.services.imports.dedupe`), linked to
accounts, and written with SQLAlchemy Core ``executemany`` inserts — never the ORM
unit of work. Nothing is committed until the last row is done, so a cancelled,
failed or killed import leaves the file exactly as it was; a dry run (the preview)
does the same work and rolls it back, so its counts are the import's counts.

Every import is recorded as an :class:`~workbench.domain.ImportBatch` (file name,
SHA-256, counts, options) and its leads carry the batch id, so the whole import can
be undone (:mod:`~workbench.services.imports.history`). A file whose content was
imported before (same hash, not undone) adds nothing and says so.

Lead ids are reserved before the rows are written (:func:`~workbench.store.ids.reserve_ids`),
so that a row's duplicates within the file can be named by the row they repeat
("row:12") in both the preview and the import, while stored leads are named by id
("lead:345"); the rep's choice per duplicate group is keyed by those names.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import time
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from itertools import chain, islice
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import func, insert, select, update

from workbench import temp_files
from workbench.domain import ImportBatch, Lead, LeadSource, new_uuid, table_of
from workbench.domain.enums import ImportStatus, LeadStatus
from workbench.exchange.csv_safe import neutralise
from workbench.exchange.dates import DateOrder, guess_order
from workbench.exchange.header_row import HeaderedTable, open_report
from workbench.exchange.mapping import (
    Field,
    MappingError,
    preset_of,
)
from workbench.exchange.readers import ReadError, SourceRow
from workbench.services.clock import Clock, system_clock
from workbench.services.imports.chunks import CHUNK_ROWS, in_chunks
from workbench.services.imports.dedupe import DuplicateIndex
from workbench.services.imports.file_preview import (
    FilePreview,
    file_sha256,
    preview_file,
    previous_import,
    resolve_mapping,
)
from workbench.services.imports.links import AccountLinker
from workbench.services.imports.merge import MergeRequest, merge_rows
from workbench.services.imports.options import (
    DupAction,
    DuplicateGroup,
    ImportAs,
    ImportCancelled,
    ImportOptions,
    ImportProgress,
    ImportRefused,
    ImportResult,
    PreviewRow,
    ProgressFn,
    RowProblem,
)
from workbench.services.imports.rows import FileSettings, Prepared, RowPreparer, Unmapped
from workbench.services.leads.duplicates import Verdict
from workbench.services.settings import values as settings
from workbench.store import Workbench
from workbench.store.ids import reserve_ids

#: Rows read ahead to guess the file's day/month order.
DATE_SAMPLE_ROWS = 2000
#: What the preview keeps for display (counts are always complete).
MAX_PROBLEMS = 5000
MAX_GROUPS = 5000
SAMPLE_ROWS = 200
#: Sources a file may add to the editable list of lead sources.
MAX_NEW_SOURCES = 50

L: Any = table_of(Lead).c
_LEAD = table_of(Lead)
_BATCH = table_of(ImportBatch)


# --- the file ---------------------------------------------------------------------------
def source_key(name: str) -> str:
    """Sources match case- and space-insensitively ("Trade  Show" = "trade show")."""
    return " ".join(name.split()).casefold()


class _Rejects:
    """Rejected rows, streamed to a CSV with the file's header and a ``reason`` column."""

    def __init__(self, headers: Sequence[str], folder: Path | None) -> None:
        handle, name = temp_files.mkstemp(folder, "rejected.csv")
        self.path = Path(name)
        self._file: TextIO = os.fdopen(handle, "w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._file)
        self._writer.writerow([neutralise(h) for h in (*headers, "reason")])

    def write(self, values: Sequence[str], reason: str) -> None:
        self._writer.writerow([neutralise(v) for v in (*values, reason)])

    def close(self) -> None:
        if self._file.closed:
            return
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
        finally:
            # Closed even when the flush failed (a full disk): no descriptor left open.
            with contextlib.suppress(OSError):
                self._file.close()

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.close()
        with contextlib.suppress(OSError):
            self.path.unlink()


# --- the run ---------------------------------------------------------------------------
def _imported_before(wb: Workbench, file_hash: str) -> bool:
    """Checked again inside the import's transaction; here it only spares a backup."""
    with wb.engine.connect() as conn:
        return previous_import(conn, file_hash) is not None


def _back_up_first(wb: Workbench, result: ImportResult, progress: ProgressFn | None, clock: Clock) -> None:
    """A verified backup holding the file as it is now — reused when nothing was
    written since the newest one (issue 10: a backup before each import)."""
    from workbench.services.safety.backups import before_import
    from workbench.store.backup import BackupCancelled

    started = time.monotonic()

    def _step(done: int, total: int) -> bool:
        if progress is None:
            return True
        return progress(
            ImportProgress(0, done / total if total else 0.0, 0, time.monotonic() - started, phase="backup")
        )

    try:
        taken = before_import(wb, clock=clock, progress=_step if progress is not None else None)
    except BackupCancelled as exc:
        raise ImportCancelled("the import was cancelled while backing up; nothing was written") from exc
    if taken is not None:
        result.backup = taken.info.path
        result.backup_reused = taken.reused


def run_import(
    wb: Workbench,
    path: Path | str,
    options: ImportOptions | None = None,
    *,
    progress: ProgressFn | None = None,
    clock: Clock = system_clock,
    collect: bool = False,
) -> ImportResult:
    """Import (or with ``options.dry_run``, try) the leads of ``path``.

    ``collect`` keeps what a preview shows: problems, duplicate groups, a sample.
    Raises :class:`ImportRefused` (nothing written) when the file cannot be read or
    mapped, :class:`ImportCancelled` when ``progress`` returned False.
    """
    path = Path(path)
    options = options or ImportOptions()
    started = time.monotonic()
    try:
        reader = open_report(path, options.read, options.header_row)
    except ReadError as exc:
        raise ImportRefused(f"{path.name} cannot be read: {exc}.") from exc
    rejects: _Rejects | None = None
    try:
        rows: Iterator[SourceRow] = reader.rows()
        # The first rows tell identifier columns (mapping) and the day/month order.
        head = list(islice(rows, DATE_SAMPLE_ROWS))
        rows = chain(head, rows)
        try:
            mapping = resolve_mapping(reader.headers, options, samples=[r.values for r in head[:50]])
        except MappingError as exc:
            raise ImportRefused(f"{path.name} cannot be mapped: {exc}.") from exc
        order = options.date_order
        if order is None:
            order = _guess_order(head, mapping)
        result = ImportResult(
            file_name=path.name,
            file_hash=file_sha256(path),
            file_size=path.stat().st_size,
            format=reader.format,
            headers=list(reader.headers),
            mapping=mapping,
            date_order=order,
            dry_run=options.dry_run,
            header_line=reader.header_line,
            preamble_lines=reader.preamble_lines,
        )
        if options.rejects_to is not None or options.keep_rejects:
            folder = options.rejects_to.parent if options.rejects_to is not None else None
            rejects = _Rejects(reader.headers, folder)
        if options.import_as.accounts:
            _run_accounts(wb, result, options, rows, reader, rejects, collect, progress, clock, started)
        else:
            region = options.phone_region or str(settings.read(wb, "profile.phone_region") or "US")
            file_settings = FileSettings(
                kind=options.kind,
                source=options.source,
                campaign=options.campaign,
                unmapped=options.unmapped,
                phone_region=region,
                date_order=order,
                timezone=options.timezone,
                warn_short_rows=not reader.format.is_spreadsheet,
            )
            try:
                preparer = RowPreparer(reader.headers, mapping, file_settings, clock())
            except ValueError as exc:
                raise ImportRefused(str(exc)) from exc
            if not options.dry_run and not _imported_before(wb, result.file_hash):
                _back_up_first(wb, result, progress, clock)
            run = _Run(wb, result, options, preparer, rejects, collect, clock)
            run.execute(rows, reader.fraction, progress, started)
        result.footer_lines = reader.footer_lines
        if rejects is not None:
            # The import is committed by now: a rejects file that cannot be finished
            # (disk full) is reported as that, never as "nothing was written".
            try:
                rejects.close()
                if options.rejects_to is not None:
                    os.replace(rejects.path, options.rejects_to)
                    rejects.path = options.rejects_to
            except OSError as exc:
                rejects.discard()
                rejects = None
                result.rejects_problem = f"the rejected rows could not be saved: {exc.strerror or exc}"
            else:
                result.rejects_file = rejects.path if options.keep_rejects else None
                if options.keep_rejects and options.rejects_to is not None:
                    result.rejects_file = options.rejects_to
        result.sample.sort(key=lambda r: r.row)
        result.seconds = time.monotonic() - started
        return result
    except BaseException:
        if rejects is not None:
            rejects.discard()
        raise
    finally:
        reader.close()


def _run_accounts(
    wb: Workbench,
    result: ImportResult,
    options: ImportOptions,
    rows: Iterator[SourceRow],
    reader: HeaderedTable,
    rejects: _Rejects | None,
    collect: bool,
    progress: ProgressFn | None,
    clock: Clock,
    started: float,
) -> None:
    """A company list as accounts (:mod:`~workbench.services.imports.accounts`)."""
    from workbench.services.imports.accounts import AccountRun, Company, CompanyPreparer

    result.import_as = options.import_as

    def reject(row: SourceRow, company: Company) -> None:
        if rejects is not None:
            rejects.write(row.values, "; ".join(company.problems))

    preparer = CompanyPreparer(reader.headers, result.mapping, options.unmapped)
    if not options.dry_run and not _imported_before(wb, result.file_hash):
        _back_up_first(wb, result, progress, clock)
    AccountRun(wb, result, options, preparer, reject, collect, clock).execute(
        rows, reader.fraction, progress, started
    )


def _guess_order(head: Sequence[SourceRow], mapping: Sequence[Field | None]) -> DateOrder:
    if Field.RECEIVED_AT not in mapping:
        return DateOrder.MDY
    index = mapping.index(Field.RECEIVED_AT)
    return guess_order(r.values[index] for r in head if index < len(r.values))


class AddedLeads:
    """The ids this import gives its new leads, and the file row of each.

    Ids are reserved a chunk at a time (:func:`~workbench.store.ids.reserve_ids`) and
    taken in order, so each chunk's ids ascend; 16 bytes a lead, found by bisection.
    """

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ids: list[array[int]] = []
        self._rows: list[array[int]] = []
        self._free: Iterator[int] = iter(())

    def begin_chunk(self, ids: list[int]) -> None:
        self._free = iter(ids)
        if ids:
            self._starts.append(ids[0])
            self._ids.append(array("q"))
            self._rows.append(array("q"))

    def take(self, row_number: int) -> int:
        lead_id = next(self._free)
        self._ids[-1].append(lead_id)
        self._rows[-1].append(row_number)
        return lead_id

    def row_of(self, lead_id: int) -> int | None:
        """The file row the lead came from; None when this import did not add it."""
        segment = bisect_right(self._starts, lead_id) - 1
        if segment < 0:
            return None
        ids = self._ids[segment]
        at = bisect_left(ids, lead_id)
        return self._rows[segment][at] if at < len(ids) and ids[at] == lead_id else None


class _Run:
    """The state of one import while it runs (one transaction)."""

    def __init__(
        self,
        wb: Workbench,
        result: ImportResult,
        options: ImportOptions,
        preparer: RowPreparer,
        rejects: _Rejects | None,
        collect: bool,
        clock: Clock,
    ) -> None:
        self.wb = wb
        self.result = result
        self.options = options
        self.preparer = preparer
        self.rejects = rejects
        self.collect = collect
        self.now = clock()
        self.batch_id = 0
        self.added = AddedLeads()
        #: New sources in the file's spelling, in the order first seen.
        self.sources: list[str] = []
        #: Every source known so far by its key (:func:`source_key`) → the spelling kept.
        self.spelling: dict[str, str] = {}

    # --- driver ------------------------------------------------------------------------
    def execute(
        self,
        rows: Iterator[SourceRow],
        fraction: Callable[[], float],
        progress: ProgressFn | None,
        started: float,
    ) -> None:
        result = self.result
        with self.wb.engine.connect() as conn:
            tx = conn.begin()
            previous = previous_import(conn, result.file_hash)
            if previous is not None:
                tx.rollback()
                result.already_imported = result.batch_id = previous
                self._count_only(rows)
                return
            try:
                self.conn = conn
                self.index = DuplicateIndex(conn)
                self._read_sources()
                self.linker = AccountLinker(conn)
                self._start_batch()
                for chunk in in_chunks(rows, CHUNK_ROWS):
                    self._chunk(chunk)
                    if len(chunk) == CHUNK_ROWS:  # the last, short one is reported as done below
                        self._report(progress, fraction(), started)
                self._report(progress, 1.0, started)
                self._finish_batch()
                if self.options.dry_run:
                    tx.rollback()
                else:
                    tx.commit()
            except BaseException:
                tx.rollback()
                raise
        result.batch_id = None if self.options.dry_run else self.batch_id

    def _report(self, progress: ProgressFn | None, fraction: float, started: float) -> None:
        if progress is None:
            return
        update_ = ImportProgress(self.result.rows, fraction, self.result.inserted, time.monotonic() - started)
        if not progress(update_):
            raise ImportCancelled("the import was cancelled; nothing was written")

    def _count_only(self, rows: Iterator[SourceRow]) -> None:
        """A file imported before: count and validate its rows, write nothing."""
        result = self.result
        for row in rows:
            prepared = self.preparer.prepare(row)
            result.rows += 1
            if prepared.rejected:
                self._reject(row, prepared)
            else:
                result.skipped_duplicates += 1

    def _start_batch(self) -> None:
        options = self.options
        result = self.result
        record = {
            "uuid": new_uuid(),
            "file_name": result.file_name,
            "file_hash": result.file_hash,
            "file_size": result.file_size,
            "started_at": self.now,
            "status": ImportStatus.DONE.value,
            "options": json.dumps(
                {
                    "format": result.format.describe(),
                    "mapping": preset_of(result.headers, result.mapping),
                    "kind": options.kind,
                    "source": options.source,
                    "campaign": options.campaign,
                    "unmapped": options.unmapped.value,
                    "on_duplicate": options.on_duplicate.value,
                    "on_possible": options.on_possible.value,
                    "date_order": result.date_order.value,
                },
                ensure_ascii=False,
            ),
        }
        key = self.conn.execute(insert(_BATCH).values(**record)).inserted_primary_key
        assert key is not None
        self.batch_id = int(key[0])

    def _finish_batch(self) -> None:
        result = self.result
        self.conn.execute(
            update(_BATCH)
            .where(_BATCH.c.id == self.batch_id)
            .values(
                finished_at=datetime.now(self.now.tzinfo),
                rows=result.rows,
                inserted=result.inserted,
                merged=result.merged,
                skipped=result.skipped_duplicates,
                rejected=result.rejected,
            )
        )
        self._add_sources()

    def _read_sources(self) -> None:
        t = table_of(LeadSource)
        for (name,) in self.conn.execute(select(t.c.name).order_by(t.c.position, t.c.id)):
            self.spelling.setdefault(source_key(str(name)), str(name))

    def _source(self, text: str) -> str:
        """The rep's spelling of a source, whatever the file's case and spaces
        ("Trade Show" → "trade show"); a new one is kept as the file first spells it."""
        if not text:
            return text
        key = source_key(text)
        known = self.spelling.get(key)
        if known is not None:
            return known
        if len(self.spelling) > 100_000:  # a column of free text: leave it as it is
            return text
        self.spelling[key] = text
        if len(self.sources) <= MAX_NEW_SOURCES:  # bounded: a file may put anything there
            self.sources.append(text)
        return text

    def _add_sources(self) -> None:
        if not self.sources or len(self.sources) > MAX_NEW_SOURCES:
            return  # a column of free text, not a list of sources: leave the list alone
        t = table_of(LeadSource)
        position = int(self.conn.execute(select(func.max(t.c.position))).scalar_one_or_none() or 0)
        for name in self.sources:
            position += 1
            self.conn.execute(insert(t).values(name=name, position=position, active=True))

    # --- one chunk ---------------------------------------------------------------------
    def _chunk(self, rows: list[SourceRow]) -> None:
        result = self.result
        prepared = [self.preparer.prepare(row) for row in rows]
        valid = [p for p in prepared if not p.rejected]
        self.added.begin_chunk(reserve_ids(self.conn, _LEAD, len(valid)))
        self.index.prefetch([p.keys for p in valid])
        self.linker.prefetch([(p.link_domain, p.keys.company) for p in valid])
        pending: dict[int, dict[str, Any]] = {}
        merges: list[tuple[MergeRequest, Prepared, str]] = []
        described: list[tuple[str, int]] = []
        for row, p in zip(rows, prepared, strict=True):
            result.rows += 1
            if p.values is None:
                self._reject(row, p)
                continue
            if p.problems:
                result.warnings += 1
                self._problems(p, rejected=False)
            match = self.index.find(p.keys)
            outcome = "new"
            if match is not None:
                result.duplicate_rows += 1
                possible = match.verdict is Verdict.POSSIBLE
                # A possible duplicate is its own group ("row:3?"), so the rep's choice
                # for the sure ones of the same lead never decides it.
                key = self._group_key(match.lead_id) + ("?" if possible else "")
                default = self.options.on_possible if possible else self.options.on_duplicate
                action = self.options.choices.get(key, default)
                if self.collect and self._group(key, match.reason, p.number, possible):
                    described.append((key, match.lead_id))
                if action is DupAction.SKIP:
                    result.skipped_duplicates += 1
                    self._sample(p, "duplicate", f"already present ({match.reason})")
                    continue
                if action is DupAction.MERGE:
                    account = self.linker.account_for(p.link_domain, p.keys.company)
                    incoming = dict(p.values, account_id=account, source=self._source(p.values["source"]))
                    merges.append((MergeRequest(match.lead_id, incoming), p, match.reason))
                    continue
                result.kept_duplicates += 1
                outcome = "keep"
            lead_id = self.added.take(p.number)
            values = dict(p.values)
            values["source"] = self._source(values["source"])
            values.update(
                id=lead_id,
                uuid=new_uuid(),
                created_at=self.now,
                updated_at=self.now,
                status=LeadStatus.NEW.value,
                import_batch_id=self.batch_id,
                account_id=self.linker.account_for(p.link_domain, p.keys.company),
            )
            pending[lead_id] = values
            self.index.add(p.keys, lead_id)
            result.inserted += 1
            self._sample(p, outcome, "; ".join(p.problems))
        if merges:
            self._merge(merges, pending)
        if pending:
            self.conn.execute(insert(_LEAD), list(pending.values()))
        if described:
            self._describe(described)

    def _group_key(self, lead_id: int) -> str:
        row = self.added.row_of(lead_id)
        return f"lead:{lead_id}" if row is None else f"row:{row}"

    def _merge(
        self, merges: list[tuple[MergeRequest, Prepared, str]], pending: dict[int, dict[str, Any]]
    ) -> None:
        outcomes = merge_rows(
            self.conn,
            [request for request, _p, _reason in merges],
            pending,
            batch_id=self.batch_id,
            stored_before=lambda lead_id: self.added.row_of(lead_id) is None,
            now=self.now,
        )
        for (_request, p, reason), filled in zip(merges, outcomes, strict=True):
            if filled:
                self.result.merged += 1
                self._sample(p, "merge", f"fills {', '.join(filled)}")
            else:
                self.result.skipped_duplicates += 1
                self._sample(p, "duplicate", f"already present ({reason})")

    # --- what the preview shows ----------------------------------------------------------
    def _reject(self, row: SourceRow, p: Prepared) -> None:
        self.result.rejected += 1
        reason = "; ".join(p.problems)
        if self.rejects is not None:
            self.rejects.write(row.values, reason)
        self._problems(p, rejected=True)
        if self.collect and len(self.result.sample) < SAMPLE_ROWS:
            name, company, email = self.preparer.peek(row)
            self.result.sample.append(PreviewRow(p.number, "rejected", name, company, email, None, reason))

    def _problems(self, p: Prepared, *, rejected: bool) -> None:
        if not self.collect:
            return
        problems = self.result.problems
        for at, message in enumerate(p.problems):
            if len(problems) < MAX_PROBLEMS:
                column = p.columns[at] if at < len(p.columns) else ""
                problems.append(RowProblem(p.number, message, rejected, column))

    def _sample(self, p: Prepared, outcome: str, note: str) -> None:
        if not self.collect or len(self.result.sample) >= SAMPLE_ROWS or p.values is None:
            return
        v = p.values
        self.result.sample.append(
            PreviewRow(p.number, outcome, v["name"], v["company"], v["email"], v["received_at"], note)
        )

    def _group(self, key: str, reason: str, number: int, possible: bool) -> bool:
        """Add a row to its group; True when the group is new (and needs describing)."""
        groups = self.result.groups
        group = groups.get(key)
        if group is None:
            if len(groups) >= MAX_GROUPS:
                return False
            group = groups[key] = DuplicateGroup(key, reason, key.startswith("row:"), possible)
            if group.in_file:
                group.rows.append(int(key[4:].rstrip("?")))
            group.rows.append(number)
            return True
        if len(group.rows) < 100:
            group.rows.append(number)
        return False

    def _describe(self, described: list[tuple[str, int]]) -> None:
        ids = sorted({lead_id for _key, lead_id in described})
        found: dict[int, str] = {}
        for start in range(0, len(ids), 900):
            part = ids[start : start + 900]
            stmt = select(L.id, L.name, L.company, L.email).where(L.id.in_(part))
            for lead_id, name, company, email in self.conn.execute(stmt):
                found[int(lead_id)] = " · ".join(p for p in (name, company, email) if p)
        for key, lead_id in described:
            self.result.groups[key].existing = found.get(lead_id, "")


__all__ = [
    "CHUNK_ROWS",
    "DateOrder",
    "DupAction",
    "DuplicateGroup",
    "FilePreview",
    "ImportAs",
    "ImportCancelled",
    "ImportOptions",
    "ImportProgress",
    "ImportRefused",
    "ImportResult",
    "PreviewRow",
    "ProgressFn",
    "RowProblem",
    "Unmapped",
    "file_sha256",
    "preview_file",
    "resolve_mapping",
    "run_import",
]
