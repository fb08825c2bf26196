"""Store: the workbench file — engine, PRAGMAs, migrations, lock, backups."""

from workbench.store.db import Workbench, open_workbench
from workbench.store.errors import (
    CorruptFileError,
    FileInUseError,
    NewerSchemaError,
    NotAWorkbenchError,
    StoreError,
)

__all__ = [
    "CorruptFileError",
    "FileInUseError",
    "NewerSchemaError",
    "NotAWorkbenchError",
    "StoreError",
    "Workbench",
    "open_workbench",
]
