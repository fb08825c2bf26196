"""The desktop integration files pass the validators desktops and app stores use."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LINUX = ROOT / "packaging" / "linux"


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None, reason="desktop-file-utils is not installed"
)
def test_desktop_file_is_valid() -> None:
    (desktop,) = LINUX.glob("*.desktop")
    done = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream is not installed")
def test_appstream_metainfo_is_valid() -> None:
    (meta,) = LINUX.glob("*.metainfo.xml")
    done = subprocess.run(["appstreamcli", "validate", "--no-net", str(meta)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_icons_exist_in_every_size() -> None:
    for size in (16, 32, 48, 64, 128, 256, 512):
        assert list((ROOT / "packaging" / "icons" / "hicolor" / f"{size}x{size}" / "apps").glob("*.png"))
    assert (ROOT / "resources" / "icons" / "app.svg").is_file()


def test_screenshots_of_every_area_exist() -> None:
    from workbench.ui.shell.areas import AREAS

    for entry in AREAS:
        assert (ROOT / "packaging" / "screenshots" / f"{entry.key}.png").is_file(), entry.key
