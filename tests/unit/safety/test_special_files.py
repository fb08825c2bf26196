"""Issue 19, case 15: a FIFO (or a device) given to any command or reader is refused
before it is opened, promptly, with exit 2 — opening a FIFO blocks until a writer comes,
so a command that opened one would hang here (each attempt runs on a thread with a
bounded wait; no writer is ever started)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.import_files import leads_file
from workbench.cli import main
from workbench.exchange.icp_template import TemplateError, read_template
from workbench.exchange.team_template import read_team_template
from workbench.store import StoreError, open_workbench
from workbench.store.recovery import restore_backup

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")

BOUND_SECONDS = 30


def _fifo(folder: Path, name: str) -> Path:
    path = folder / name
    os.mkfifo(path)
    return path


def _within_bound(call: Callable[[], Any]) -> Any:
    """``call()``'s result (or raised exception), failing if it does not return in time."""
    outcome: list[Any] = []

    def attempt() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:  # handed back to the test
            outcome.append(exc)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(BOUND_SECONDS)
    assert outcome, "it opened the FIFO and blocked"
    return outcome[0]


def test_every_command_refuses_a_fifo_with_exit_2(
    small_demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pipe_db = _fifo(tmp_path, "pipe.db")
    db = str(small_demo)
    leads = leads_file(tmp_path / "ok.csv", [["Ann Lee", "Acme", "ann@acme.example"], ["", "", ""]])
    commands = [
        *(
            [name, "--db", str(pipe_db), *extra]
            for name, *extra in (
                ["check"],
                ["stats"],
                ["pipeline"],
                ["targets"],
                ["backup"],
                ["followups"],
                ["log", "--channel", "call", "--note", "x"],
                ["export", "--out", str(tmp_path / "out.json")],
            )
        ),
        ["import", str(_fifo(tmp_path, "leads.csv")), "--db", db],
        ["import", str(_fifo(tmp_path, "leads.xlsx")), "--db", db],
        ["rollup", str(_fifo(tmp_path, "rep.json"))],
        ["restore", str(_fifo(tmp_path, "backup.db")), "--db", db],
        # Writing onto a FIFO would replace it (or, as root, a device) by a rename.
        ["export", "--db", db, "--out", str(_fifo(tmp_path, "pipeline.xlsx"))],
        ["followups", "--db", db, "--ics", str(_fifo(tmp_path, "calendar.ics"))],
        ["import", str(leads), "--db", db, "--rejects", str(_fifo(tmp_path, "rejected.csv"))],
    ]
    for argv in commands:
        code = _within_bound(lambda argv=argv: main(argv))
        err = capsys.readouterr().err
        assert code == 2, (argv, code, err)
        assert "pipe" in err or "regular file" in err, (argv, err)
        assert "Traceback" not in err and "unexpected error" not in err
    targets = [p for p in tmp_path.iterdir() if p.suffix in (".xlsx", ".ics", ".json", ".csv") and p != leads]
    assert all(p.is_fifo() for p in targets)  # nothing was renamed over a pipe


@pytest.mark.parametrize("name", ["mapping.json", "mapping"])
def test_a_fifo_given_as_the_mapping_is_refused_not_taken_for_a_preset(
    small_demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    leads = leads_file(tmp_path / "ok.csv", [["Ann Lee", "Acme", "ann@acme.example"]])
    pipe = _fifo(tmp_path, name)
    argv = ["import", str(leads), "--db", str(small_demo), "--mapping", str(pipe)]
    code = _within_bound(lambda: main(argv))
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"--mapping: {pipe} is not a regular file (a pipe (FIFO))" in err
    assert "no such preset" not in err and "no preset called" not in err and "Traceback" not in err


def test_template_readers_restore_and_open_refuse_a_fifo(db_path: Path, tmp_path: Path) -> None:
    open_workbench(db_path).close()
    icp = _fifo(tmp_path, "criteria.json")
    team = _fifo(tmp_path, "team.json")
    for call in (lambda: read_template(icp), lambda: read_team_template(team)):
        failure = _within_bound(call)
        assert isinstance(failure, TemplateError) and "pipe" in str(failure)
    backup = _fifo(tmp_path, "backup.db")
    failure = _within_bound(lambda: restore_backup(backup, db_path, tmp_path / "bk"))
    assert isinstance(failure, StoreError) and "regular file" in str(failure)
    assert not (tmp_path / "bk").exists()  # refused before anything was backed up or moved
    failure = _within_bound(lambda: open_workbench(backup))
    assert isinstance(failure, StoreError) and "regular file" in str(failure)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_never_ends_so_it_is_refused_too(
    small_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (["import", "/dev/zero", "--db", str(small_demo)], ["check", "--db", "/dev/zero"]):
        code = _within_bound(lambda argv=argv: main(argv))
        err = capsys.readouterr().err
        assert code == 2 and ("device" in err or "regular file" in err), (argv, err)
