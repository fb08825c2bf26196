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
    def __init__(self, path: Path | str, found: int, supported: int) -> None:
        what = "database" if isinstance(path, str) else "file"
        super().__init__(
            f"{path} was written by a newer version of Prospecting Workbench "
            f"(schema {found}; this version understands up to {supported}). "
            f"Update the app to open it. The {what} was left untouched."
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


class ReadOnlyFileError(StoreError):
    """The file is healthy but cannot be changed where it is (read-only disk, folder or file)."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path} is on a read-only disk or folder (or the file itself is read-only): it can be "
            "read — check, export, backup, stats — but not changed. Nothing was written; copy it "
            "somewhere writable to work in it."
        )
        self.path = path


class CorruptFileError(StoreError):
    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"{path} is damaged: {detail}")
        self.path = path
        self.detail = detail


class ServerUnavailableError(StoreError):
    """The team database's server cannot be reached (down, wrong address, network)."""

    def __init__(self, location: str, detail: str) -> None:
        super().__init__(
            f"Cannot reach the team database {location}: {detail}. "
            "Check the network and the address, then try again; nothing was changed."
        )
        self.location = location


class PasswordRequiredError(StoreError):
    """The server wants a password this app does not have (or refused the one given)."""

    def __init__(self, location: str, user: str, *, refused: bool) -> None:
        why = "refused the password" if refused else "needs a password"
        super().__init__(
            f"The team database {location} {why} for {user}. Type it when asked, save it with "
            "`workbench team login`, or set PGPASSWORD."
        )
        self.location = location
        self.user = user
        self.refused = refused
