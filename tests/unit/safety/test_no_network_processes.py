"""R14, issue 10.5: no network connection — seen from outside the process.

``test_privacy`` and ``test_safety_gui`` refuse Python's socket calls inside the test
process; Qt's own network code is C++ and would slip past them. Here whole processes —
the app started on a workbench and a CLI import with its backup, a check and a backup —
run under ``strace``, which sees every ``socket()`` system call whatever library makes
it; an Internet socket (AF_INET/AF_INET6) fails the test. Skipped where strace is
missing or may not trace (a container without ptrace).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.fill import add_leads
from workbench.store import open_workbench

REPO = Path(__file__).resolve().parents[3]
STRACE = shutil.which("strace")

pytestmark = [
    pytest.mark.skipif(STRACE is None or os.name != "posix", reason="needs strace"),
    pytest.mark.slow,
]


def _traced(args: list[str], log: Path, home: Path) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run ``python args`` under strace; (its result, the socket calls made for the Internet)."""
    assert STRACE is not None
    env = dict(os.environ, WORKBENCH_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    command = [STRACE, "-f", "-qq", "-e", "trace=socket,connect", "-o", str(log), sys.executable, *args]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, timeout=300)
    calls = log.read_text(encoding="utf-8", errors="replace").splitlines() if log.exists() else []
    return done, [c for c in calls if "AF_INET" in c]


@pytest.fixture
def tracing(tmp_path: Path) -> None:
    """strace must be able to trace here, and must see a socket when one is made."""
    done, internet = _traced(
        ["-c", "import socket; socket.socket().close()"], tmp_path / "control.log", tmp_path / "home"
    )
    if done.returncode != 0 or not internet:
        pytest.skip(f"strace cannot trace processes here: {done.stderr.strip()[-200:]}")


@pytest.mark.usefixtures("tracing")
def test_the_app_and_the_cli_open_no_internet_socket(tmp_path: Path) -> None:
    db = tmp_path / "private.db"
    home = tmp_path / "home"
    with open_workbench(db) as wb:
        add_leads(wb, 20)
    leads = tmp_path / "leads.csv"
    leads.write_text(
        "First Name,Last Name,Company,Email\nAna,Müller,Acme,ana@acme.example\n", encoding="utf-8"
    )
    runs = {
        "app": ["-m", "workbench", "--db", str(db), "--smoke"],
        "import": ["-m", "workbench", "import", str(leads), "--db", str(db)],  # with its backup
        "check": ["-m", "workbench", "check", "--db", str(db)],
        "backup": ["-m", "workbench", "backup", "--db", str(db)],
    }
    for name, args in runs.items():
        done, internet = _traced(args, tmp_path / f"{name}.log", home)
        assert done.returncode == 0, (name, done.stderr[-2000:])
        assert internet == [], (name, internet)
