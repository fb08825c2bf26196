"""R14: owner-only files, and no network connection from the app."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.fill import add_leads
from workbench.cli import main as cli_main
from workbench.services.safety import backups
from workbench.store import open_workbench


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Record (and refuse) every attempt to reach the network."""
    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args[:2]))
        raise OSError("network use is not allowed in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_file_and_backups_are_owner_only(db_path: Path) -> None:
    old = os.umask(0o022)
    try:
        with open_workbench(db_path) as wb:
            add_leads(wb, 3)
            info = backups.back_up(wb)
        for path in (db_path, info.path, info.path.with_suffix(".json")):
            assert (path.stat().st_mode & 0o777) == 0o600, path
        assert (info.path.parent.stat().st_mode & 0o077) == 0
    finally:
        os.umask(old)


def test_cli_makes_no_network_connection(db_path: Path, tmp_path: Path, no_network: list[str]) -> None:
    with open_workbench(db_path) as wb:
        add_leads(wb, 5)
    assert cli_main(["check", "--db", str(db_path)]) == 0
    assert cli_main(["backup", "--db", str(db_path), "--to", str(tmp_path / "b")]) == 0
    assert no_network == []
