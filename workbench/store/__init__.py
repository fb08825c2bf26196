"""Store: the workbench file or team database — engine, PRAGMAs, migrations, lock, backups."""

from workbench.store.backends import is_server_url
from workbench.store.db import Workbench, open_workbench
from workbench.store.errors import (
    CorruptFileError,
    FileInUseError,
    NewerSchemaError,
    NotAWorkbenchError,
    PasswordRequiredError,
    ReadOnlyFileError,
    ServerUnavailableError,
    StoreError,
)

__all__ = [
    "CorruptFileError",
    "FileInUseError",
    "NewerSchemaError",
    "NotAWorkbenchError",
    "PasswordRequiredError",
    "ReadOnlyFileError",
    "ServerUnavailableError",
    "StoreError",
    "Workbench",
    "is_server_url",
    "open_workbench",
]
