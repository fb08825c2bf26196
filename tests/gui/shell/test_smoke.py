"""``workbench --smoke``: the real app, as a separate process, on a small demo file."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path


def test_smoke_opens_the_small_demo_and_reports_ready(small_demo: Path, tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WORKBENCH_HOME=str(tmp_path / "home"))
    proc = subprocess.run(
        [sys.executable, "-m", "workbench", "--db", str(small_demo), "--smoke"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert re.fullmatch(r"ready in \d+ ms", proc.stdout.strip()), proc.stdout
    assert "Traceback" not in proc.stderr
