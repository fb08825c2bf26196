"""Readable at 125–200 % scaling (issue 11): every area of the demo fits a 1080p screen
at 200 % (960 × 540 logical pixels) without a Qt warning, and no widget in the UI has a
fixed pixel width or height that cannot grow with its text.

``QT_SCALE_FACTOR`` is read once, when the QApplication starts, so the scaled run is a
child process of its own; the test process keeps its unscaled application.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]

#: A 1920 × 1080 screen at 200 %, less a taskbar.
SCREEN = (960, 500)

CHILD = r"""
import json, sys
from pathlib import Path
from PySide6.QtCore import QEventLoop, QThreadPool, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

messages = []
IGNORED = ("does not support propagateSizeHints", "does not support raise")

def handler(kind, _context, text):
    if kind != QtMsgType.QtDebugMsg and kind != QtMsgType.QtInfoMsg and not any(i in text for i in IGNORED):
        messages.append(text)

qInstallMessageHandler(handler)
app = QApplication([])
from workbench.store import open_workbench
from workbench.ui.shell.areas import AREAS
from workbench.ui.common.context import AppContext
from workbench.ui.shell.main_window import MainWindow

width, height = int(sys.argv[2]), int(sys.argv[3])
ctx = AppContext(open_workbench(Path(sys.argv[1])))
window = MainWindow(ctx, start_area="today")
window.resize(width, height)
window.show()
sizes = {}
for entry in AREAS:
    window.show_area(entry.key)
    QThreadPool.globalInstance().waitForDone(20_000)
    loop = QEventLoop()
    QTimer.singleShot(200, loop.quit)  # the area's results arrive and lay out
    loop.exec()
    sizes[entry.key] = [window.width(), window.height(), window.minimumSizeHint().width()]
window.close()
ctx.replace_workbench(None)
print(json.dumps({"scale": app.primaryScreen().devicePixelRatio(), "sizes": sizes, "messages": messages}))
"""


@pytest.mark.parametrize("scale", ["1.25", "2"])
def test_every_area_fits_a_1080p_screen_at_high_scaling_without_warnings(
    small_demo: Path, tmp_path: Path, scale: str
) -> None:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        QT_SCALE_FACTOR=scale,
        WORKBENCH_HOME=str(tmp_path / "home"),
        PYTHONPATH=str(REPO),
    )
    width, height = SCREEN if scale == "2" else (1536, 824)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(small_demo), str(width), str(height)],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["scale"] == float(scale)
    assert report["messages"] == []
    for area, (w, _h, minimum) in report["sizes"].items():
        # An area whose minimum is wider than the screen pushes the window off it.
        assert w <= width and minimum <= width, f"{area} needs {minimum} logical pixels at {scale}×"


FIXED_LITERAL = re.compile(r"\.setFixed(Width|Height|Size)\(\s*\d+\s*[,)]")


def test_no_widget_has_a_fixed_pixel_size_that_cannot_grow_with_its_text() -> None:
    """Fixed sizes come from the font (``fontMetrics()``, ``ui.widgets.text_width``):
    a literal pixel size clips its text at 125–200 % or with a bigger system font."""
    offenders = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in sorted((REPO / "workbench" / "ui").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if FIXED_LITERAL.search(line)
    ]
    assert offenders == []
