"""Render resources/icons/app.svg to the PNG sizes desktops want (run by `make icons`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
APP_ID = "io.github.prospecting_workbench.Workbench"


def main() -> int:
    app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ROOT / "resources" / "icons" / "app.svg"))
    out = ROOT / "packaging" / "icons"
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        target = out / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        image.save(str(target))
    (out / "hicolor" / "scalable" / "apps").mkdir(parents=True, exist_ok=True)
    (out / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").write_bytes(
        (ROOT / "resources" / "icons" / "app.svg").read_bytes()
    )
    (out / "workbench.png").write_bytes((out / "hicolor" / "256x256" / "apps" / f"{APP_ID}.png").read_bytes())
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
