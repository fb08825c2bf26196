"""Expected failures of the store: each carries a message a rep can act on."""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """An expected environment failure: shown as a clear message, never a crash."""


class NotAWorkbenchError(StoreError):
    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"{path} is not a Prospecting Workbench file ({why}). It was left untouched.")
        self.path = path


class NewerSchemaError(StoreError):
    def __init__(self, path: Path, found: int, supported: int) -> None:
        super().__init__(
            f"{path} was written by a newer version of Prospecting Workbench "
            f"(schema {found}; this version understands up to {supported}). "
            "Update the app to open it. The file was left untouched."
        )
        self.path = path
        self.found = found
        self.supported = supported


class FileInUseError(StoreError):
    def __init__(self, path: Path, holder: str) -> None:
        super().__init__(
            f"{path} is already open in another copy of Prospecting Workbench ({holder}). "
            "Close it there first, or open another file."
        )
        self.path = path


class CorruptFileError(StoreError):
    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"{path} is damaged: {detail}")
        self.path = path
        self.detail = detail
