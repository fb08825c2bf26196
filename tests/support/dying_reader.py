"""A pipeline-file loader whose worker process dies on files named ``die*`` (as one
killed by the OS or aborted by a library would), for the rollup's pool tests."""

from __future__ import annotations

import os
from pathlib import Path

from workbench.exchange.pipeline_file import ReadLimits
from workbench.services.manager.rollup import Rejected, RepFigures, _load_or_reject


def load_or_die(path: Path, limits: ReadLimits) -> RepFigures | Rejected:
    if path.name.startswith("die"):
        os._exit(134)
    return _load_or_reject(path, limits)
