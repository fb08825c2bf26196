"""Logging to a rotating file in the platformdirs log folder."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from workbench.paths import ensure_private_dir, log_dir

LOG_NAME = "workbench.log"


def setup_logging(level: int = logging.INFO) -> Path:
    folder = ensure_private_dir(log_dir())
    path = folder / LOG_NAME
    root = logging.getLogger()
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)
    return path
