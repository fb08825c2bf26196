"""Where things live on disk. Everything is overridable so tests and users can point anywhere.

``WORKBENCH_HOME`` replaces every platformdirs folder with sub-folders of one directory;
``--db PATH`` on the command line chooses the workbench file itself.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "ProspectingWorkbench"
APP_AUTHOR = "ProspectingWorkbench"
HOME_ENV = "WORKBENCH_HOME"


def _home() -> Path | None:
    value = os.environ.get(HOME_ENV, "").strip()
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    home = _home()
    if home is not None:
        return home
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def config_dir() -> Path:
    home = _home()
    if home is not None:
        return home / "config"
    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))


def log_dir() -> Path:
    home = _home()
    if home is not None:
        return home / "logs"
    return Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def cache_dir() -> Path:
    home = _home()
    if home is not None:
        return home / "cache"
    return Path(platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR))


def default_db_path() -> Path:
    return data_dir() / "workbench.db"


def backup_dir_for(db_path: Path) -> Path:
    """Backups of one workbench file, kept beside the other app data (not beside the file)."""
    return data_dir() / "backups" / db_path.stem


def ensure_private_dir(path: Path) -> Path:
    """Create a folder readable by its owner only (R14)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
