"""A workbench in a cloud-synced or network folder gets a warning (WAL is unsafe there)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.store import location


@pytest.mark.parametrize("folder", ["Dropbox", "OneDrive", "Google Drive", "iCloud Drive"])
def test_cloud_sync_folders_are_flagged(tmp_path: Path, folder: str) -> None:
    path = tmp_path / folder / "work" / "workbench.db"
    path.parent.mkdir(parents=True)
    assert "cloud-synced" in location.risky_location(path)


def test_a_local_folder_is_fine(tmp_path: Path) -> None:
    assert location.risky_location(tmp_path / "workbench.db") == ""


def test_a_network_file_system_is_flagged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(location, "_mount_type", lambda _folder: "nfs4")
    assert "network file system (nfs4)" in location.risky_location(tmp_path / "workbench.db")
