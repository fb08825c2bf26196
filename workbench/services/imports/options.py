"""What an import takes and gives back: options, progress, problems, duplicate groups,
results. Plain data, shared by the importer, the CLI and the import wizard."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from enum import StrEnum
from pathlib import Path
from typing import Any

from workbench.exchange.dates import DateOrder
from workbench.exchange.mapping import Field, preset_of
from workbench.exchange.readers import FileFormat, ReadOptions
from workbench.services.imports.rows import Unmapped

#: Problems listed in :meth:`ImportResult.as_dict` (``import --json``).
JSON_PROBLEMS = 1000


class DupAction(StrEnum):
    """What to do with a row that duplicates a lead."""

    SKIP = "skip"  # leave the stored lead as it is
    MERGE = "merge"  # fill the stored lead's empty fields from the row
    KEEP = "keep"  # import the row as another lead


class ImportAs(StrEnum):
    """What a file's rows become."""

    LEADS = "leads"
    #: A company list (issue 18): one account per company, put on the target list…
    TARGETS = "targets"
    #: …or kept as other accounts, off the list.
    ACCOUNTS = "accounts"

    @property
    def accounts(self) -> bool:
        return self is not ImportAs.LEADS


class ImportRefused(Exception):
    """The file cannot be read or mapped; nothing was written."""


class ImportCancelled(Exception):
    """The rep cancelled; the transaction was rolled back."""


@dataclass(frozen=True)
class ImportOptions:
    read: ReadOptions = field(default_factory=ReadOptions)
    #: Leads, or (for a company list) accounts on or off the target list.
    import_as: ImportAs = ImportAs.LEADS
    #: The header's line as a spreadsheet shows it; None = found (report preambles skipped).
    header_row: int | None = None
    #: The field of every column; None = guessed (then ``preset`` laid over the guesses).
    mapping: Sequence[Field | None] | None = None
    preset: Mapping[str, str] | None = None
    kind: str | None = None
    source: str | None = None
    campaign: str | None = None
    unmapped: Unmapped = Unmapped.NOTES
    #: For rows that are the same person as a lead (the same email).
    on_duplicate: DupAction = DupAction.SKIP
    #: For rows that may be (same phone, or same company and similar full name): the
    #: rep reviews them in the preview; both are kept unless the rep says otherwise.
    on_possible: DupAction = DupAction.KEEP
    #: Per duplicate group (:attr:`DuplicateGroup.key`), overriding ``on_duplicate``.
    choices: Mapping[str, DupAction] = field(default_factory=dict)
    #: None = guessed from the first rows.
    date_order: DateOrder | None = None
    phone_region: str | None = None
    timezone: tzinfo | None = None
    dry_run: bool = False
    #: Also write the rejected rows here (atomically, even when there are none).
    rejects_to: Path | None = None
    #: Keep the rejected rows in a temporary file (:attr:`ImportResult.rejects_file`).
    keep_rejects: bool = False


@dataclass(frozen=True)
class RowProblem:
    row: int
    message: str
    rejected: bool
    #: The file's column the problem is in ("" when it is about the whole row).
    column: str = ""


@dataclass
class DuplicateGroup:
    """Rows that are (or, when ``possible``, may be) the same person: as a stored lead,
    or as an earlier row of the file. Keys: ``lead:ID`` / ``row:N``, with a ``?`` after
    for a possible duplicate."""

    key: str
    reason: str
    in_file: bool
    #: True for a *possible* duplicate (kept by default), False for the same email.
    possible: bool = False
    #: The lead they duplicate ("name · company · email").
    existing: str = ""
    rows: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class PreviewRow:
    row: int
    outcome: str  # "new", "duplicate", "merge", "keep", "rejected"
    name: str
    company: str
    email: str
    received: datetime | None
    note: str


@dataclass(frozen=True)
class ImportProgress:
    rows: int
    fraction: float
    inserted: int
    seconds: float
    #: "backup" while the backup before the import is written (``fraction`` of its
    #: pages), then "import".
    phase: str = "import"

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


ProgressFn = Callable[[ImportProgress], bool]


@dataclass
class ImportResult:
    file_name: str
    file_hash: str
    file_size: int
    format: FileFormat
    headers: list[str]
    mapping: list[Field | None]
    date_order: DateOrder
    dry_run: bool = False
    rows: int = 0
    inserted: int = 0
    merged: int = 0
    skipped_duplicates: int = 0
    kept_duplicates: int = 0
    rejected: int = 0
    warnings: int = 0
    duplicate_rows: int = 0
    batch_id: int | None = None
    #: Set when the same content was imported before: that import's batch.
    already_imported: int | None = None
    seconds: float = 0.0
    #: The verified backup holding the workbench as it was before this import.
    backup: Path | None = None
    #: True when that backup was an earlier one (nothing written since it was taken).
    backup_reused: bool = False
    problems: list[RowProblem] = field(default_factory=list)
    groups: dict[str, DuplicateGroup] = field(default_factory=dict)
    sample: list[PreviewRow] = field(default_factory=list)
    rejects_file: Path | None = None
    #: Why the rejected rows could not be saved (the import itself was committed).
    rejects_problem: str = ""
    #: Where the header was found, lines skipped above it, summary lines ignored below.
    header_line: int = 1
    preamble_lines: int = 0
    footer_lines: int = 0
    #: What the rows became. For accounts, ``inserted`` counts new accounts, ``merged``
    #: accounts it filled empty fields of, ``skipped_duplicates`` those already present.
    import_as: ImportAs = ImportAs.LEADS
    #: Accounts already present that this import put on the target list.
    promoted: int = 0
    #: Leads linked to an account of this import (by email domain or company name).
    linked_leads: int = 0
    #: The target list's goal, and its active targets before and after this import.
    target_goal: int = 0
    targets_before: int = 0
    targets_after: int = 0

    @property
    def over_goal(self) -> int:
        """Active targets beyond the list's goal once imported (0 when within it)."""
        if self.import_as is not ImportAs.TARGETS or self.targets_after <= self.targets_before:
            return 0
        return max(0, self.targets_after - self.target_goal)

    def layout(self) -> str:
        """ "header on line 9; 8 lines above it skipped; 3 footer lines ignored"."""
        parts = [f"header on line {self.header_line}"]
        if self.preamble_lines:
            parts.append(f"{self.preamble_lines} line{'s' * (self.preamble_lines != 1)} above it skipped")
        if self.footer_lines:
            parts.append(f"{self.footer_lines} footer line{'s' * (self.footer_lines != 1)} ignored")
        return "; ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file_name,
            "sha256": self.file_hash,
            "format": self.format.describe(),
            "rows": self.rows,
            "inserted": self.inserted,
            "merged": self.merged,
            "skipped_duplicates": self.skipped_duplicates,
            "kept_duplicates": self.kept_duplicates,
            "rejected": self.rejected,
            "warnings": self.warnings,
            "batch_id": self.batch_id,
            "already_imported": self.already_imported is not None,
            "dry_run": self.dry_run,
            "seconds": round(self.seconds, 3),
            "backup": str(self.backup) if self.backup is not None else None,
            "backup_reused": self.backup_reused,
            "mapping": preset_of(self.headers, self.mapping),
            "rejects_problem": self.rejects_problem or None,
            "header_line": self.header_line,
            "preamble_lines": self.preamble_lines,
            "footer_lines": self.footer_lines,
            # Per row, the first JSON_PROBLEMS (issue 18).
            "problems": [
                {"row": p.row, "column": p.column, "reason": p.message, "rejected": p.rejected}
                for p in self.problems[:JSON_PROBLEMS]
            ],
            "problem_rows": self.warnings + self.rejected,
            "as": self.import_as.value,
            **(self._accounts_dict() if self.import_as.accounts else {}),
        }

    def _accounts_dict(self) -> dict[str, Any]:
        return {
            "accounts": {
                "new": self.inserted,
                "already_present": self.skipped_duplicates,
                "merged": self.merged,
                "put_on_target_list": self.promoted
                + (self.inserted if self.import_as is ImportAs.TARGETS else 0),
                "linked_leads": self.linked_leads,
            },
            "target_list": {
                "goal": self.target_goal,
                "before": self.targets_before,
                "after": self.targets_after,
                "over_goal": self.over_goal,
            },
        }

    def discard_rejects(self) -> None:
        if self.rejects_file is not None:
            with contextlib.suppress(OSError):
                self.rejects_file.unlink()
            self.rejects_file = None
