"""Starting the app as a person does: `make run` on a desktop, `workbench FILE` from a
file manager or the .desktop file's ``Exec=workbench %f``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.cli import file_as_db, main
from workbench.cli.common import CliError

ROOT = Path(__file__).resolve().parents[3]


def _fake_venv(tmp_path: Path) -> Path:
    """A stand-in ``.venv/bin`` whose ``workbench`` prints the platform it was given."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").write_text("#!/bin/sh\n")
    script = bin_dir / "workbench"
    script.write_text('#!/bin/sh\necho "platform=[$QT_QPA_PLATFORM]"\n')
    for path in (bin_dir / "python", script):
        path.chmod(0o755)
    stamp = tmp_path / "installed"
    stamp.write_text("")
    os.utime(stamp, None)  # newer than pyproject.toml: make installs nothing
    return bin_dir


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_does_not_force_the_offscreen_platform(tmp_path: Path) -> None:
    bin_dir = _fake_venv(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM" and not k.startswith("MAKE")}
    done = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-C",
            str(ROOT),
            "run",
            f"BIN={bin_dir}",
            f"STAMP={tmp_path / 'installed'}",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert "platform=[]" in done.stdout, done.stdout + done.stderr
    # The platform a desktop session sets still reaches the app.
    done = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-C",
            str(ROOT),
            "run",
            f"BIN={bin_dir}",
            f"STAMP={tmp_path / 'installed'}",
        ],
        capture_output=True,
        text=True,
        env={**env, "QT_QPA_PLATFORM": "wayland"},
        check=True,
    )
    assert "platform=[wayland]" in done.stdout


def test_a_file_argument_is_the_db_option() -> None:
    assert file_as_db(["demo.db"]) == ["--db", "demo.db"]
    assert file_as_db(["/home/ana/work/pipeline.workbench", "--smoke"]) == [
        "--db",
        "/home/ana/work/pipeline.workbench",
        "--smoke",
    ]
    assert file_as_db(["--manager", "team.db"]) == ["--manager", "--db", "team.db"]
    # Subcommands and their own arguments are left alone.
    assert file_as_db(["import", "leads.csv", "--db", "x.db"]) == ["import", "leads.csv", "--db", "x.db"]
    assert file_as_db(["--db", "x.db", "stats"]) == ["--db", "x.db", "stats"]
    with pytest.raises(CliError) as raised:
        file_as_db(["--db", "a.db", "b.db"])
    assert raised.value.code == 2


def test_workbench_file_opens_that_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mine.db"
    assert main(["demo", "--db", str(path), "--size", "small"]) == 0
    capsys.readouterr()
    # As the desktop runs it: its own process (the app's crash hook and event loop are its own).
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WORKBENCH_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-m", "workbench", str(path), "--smoke"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "ready in" in done.stdout


def test_a_file_and_db_both_given_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(tmp_path / "a.db"), str(tmp_path / "b.db")]) == 2
    assert "not both" in capsys.readouterr().err
    assert not (tmp_path / "a.db").exists() and not (tmp_path / "b.db").exists()
