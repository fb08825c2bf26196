"""A file before it is imported: its first rows, the guessed or chosen mapping of its
columns, and its SHA-256 (the same content is never imported twice)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, select

from workbench.domain import ImportBatch, table_of
from workbench.domain.enums import ImportStatus
from workbench.exchange.header_row import open_report
from workbench.exchange.mapping import (
    Field,
    apply_preset,
    check_usable,
    check_usable_accounts,
    guess_mapping,
    is_company_list,
)
from workbench.exchange.readers import FileFormat, ReadOptions, SourceRow
from workbench.services.imports.options import ImportCancelled, ImportOptions

#: ``progress(rows_read, rows_wanted)`` while a file is previewed; False stops the read.
PreviewProgress = Callable[[int, int], bool]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def previous_import(conn: Connection, file_hash: str) -> int | None:
    """The import (not undone) that brought in this content before, if any."""
    batch = table_of(ImportBatch).c
    stmt = (
        select(batch.id)
        .where(batch.file_hash == file_hash, batch.status == ImportStatus.DONE.value)
        .order_by(batch.id.desc())
        .limit(1)
    )
    found = conn.execute(stmt).scalar_one_or_none()
    return int(found) if found is not None else None


def resolve_mapping(
    headers: Sequence[str],
    options: ImportOptions,
    *,
    check: bool = True,
    samples: Sequence[Sequence[str]] = (),
) -> list[Field | None]:
    """The field of every column: the options' mapping, else a preset over the
    guesses, else the guesses (``samples``: first rows, to tell identifier columns).
    Raises MappingError when no lead could be made."""
    if options.mapping is not None:
        mapping = list(options.mapping)[: len(headers)]
        mapping += [None] * (len(headers) - len(mapping))
    elif options.preset:
        mapping = apply_preset(headers, options.preset, samples)
    else:
        mapping = guess_mapping(headers, samples)
    if check:
        (check_usable_accounts if options.import_as.accounts else check_usable)(mapping)
    return mapping


@dataclass(frozen=True)
class FilePreview:
    """A file's format, headers (on ``header_line``), first rows and the guessed mapping."""

    format: FileFormat
    headers: list[str]
    rows: list[SourceRow]
    mapping: list[Field | None]
    header_line: int = 1
    preamble_lines: int = 0
    #: Company columns and no person columns: offered as accounts (issue 18).
    company_list: bool = False


def preview_file(
    path: Path,
    read: ReadOptions,
    rows: int = 50,
    header_row: int | None = None,
    *,
    progress: PreviewProgress | None = None,
) -> FilePreview:
    """The first rows of ``path`` with guessed mapping; raises ReadError, or
    :class:`ImportCancelled` when ``progress`` returned False (nothing is ever written).
    ``progress(0, 0)`` comes first: opening a big spreadsheet is one step of unknown length."""
    if progress is not None and not progress(0, 0):
        raise ImportCancelled("reading the file was cancelled")
    reader = open_report(path, read, header_row)
    try:
        found: list[SourceRow] = []
        for row in reader.rows():
            found.append(row)
            if progress is not None and not progress(len(found), rows):
                raise ImportCancelled("reading the file was cancelled")
            if len(found) >= rows:
                break
        mapping = guess_mapping(reader.headers, [r.values for r in found])
        return FilePreview(
            reader.format,
            reader.headers,
            found,
            mapping,
            reader.header_line,
            reader.preamble_lines,
            is_company_list(mapping),
        )
    finally:
        reader.close()
