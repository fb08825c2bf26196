"""Every area fits a laptop (issue 20): on a 1366 × 768 screen at 100 % and a 1920 × 1080
screen at 150 % the first window opens inside the screen's available area, no table or
board scrolls sideways, Leads shows status, age, speed-to-lead and next follow-up, and
the board keeps Won and Lost in view.

The screen is the offscreen platform's own (its ``configfile``), and ``QT_SCALE_FACTOR``
is read once per QApplication, so each size runs in a child process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]

CHILD = r"""
import json, sys
from pathlib import Path
from PySide6.QtCore import QEventLoop, QThreadPool, QTimer
from PySide6.QtWidgets import QAbstractScrollArea, QApplication
app = QApplication([])
from workbench.store import open_workbench
from workbench.ui.common.context import AppContext
from workbench.ui.shell.areas import AREAS
from workbench.ui.shell.main_window import MainWindow

def settle():
    QThreadPool.globalInstance().waitForDone(20_000)
    loop = QEventLoop()
    QTimer.singleShot(300, loop.quit)
    loop.exec()

from workbench.ui.manager.view import remember_paths

remember_paths([Path(sys.argv[2])])  # the Manager view reopens a rep's file, as after a restart
ctx = AppContext(open_workbench(Path(sys.argv[1])))
window = MainWindow(ctx, start_area="today")
window.show()
settle()
room = window.screen().availableGeometry()
frame = window.frameGeometry()
report = {
    "room": [room.width(), room.height()],
    "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
    "inside": room.contains(frame),
    "areas": {},
    # every area's title whole in the navigation: its widest item (icon, text, padding)
    # plus the item margins inside the column's viewport
    "navigation": [window.nav.viewport().width(), window.nav.sizeHintForColumn(0) + 12],
}
for entry in AREAS:
    area = window.show_area(entry.key)
    settle()
    if entry.key == "manager":
        settle()
        report["manager_files"] = len(area.rollup.files)
        area.detail.setCurrentWidget(area.detail.conversion_view)
        settle()
    def scrolling_now():
        return [
            f"{type(v).__name__} {v.objectName() or v.accessibleName()}"
            for v in area.findChildren(QAbstractScrollArea)
            if v.isVisible() and v.horizontalScrollBar().isVisible()
        ]

    scrolling = scrolling_now()
    if scrolling:  # what the rep sees once the detail's late rows have laid out
        settle()
        scrolling = scrolling_now()
    shown = {}
    if entry.key == "leads":
        header, source = area.table.horizontalHeader(), area.model.source
        shown = {c.key: not header.isSectionHidden(i) for i, c in enumerate(source.columns)}
    if entry.key == "pipeline":
        board = area.board
        viewport = board.scroller.viewport()
        scrolled = board.scroller.horizontalScrollBar().value()
        for c in board.columns:
            shown[c.stage.name] = viewport.rect().contains(c.geometry().translated(-scrolled, 0))
    report["areas"][entry.key] = {"scrolling": scrolling, "shown": shown}
window.close()
ctx.replace_workbench(None)
print(json.dumps(report))
"""


@pytest.mark.parametrize(("screen", "scale"), [((1366, 768), "1"), ((1920, 1080), "1.5")])
def test_every_area_fits_a_laptop_screen(
    small_demo: Path, tmp_path: Path, screen: tuple[int, int], scale: str
) -> None:
    from workbench.services.clock import fixed_clock
    from workbench.services.manager.export import export_pipeline
    from workbench.store import open_workbench

    exported = tmp_path / "dana.xlsx"
    with open_workbench(small_demo) as wb:
        export_pipeline(wb, exported, clock=fixed_clock(datetime.now(UTC)), rep="Dana")
    config = tmp_path / "screen.json"
    config.write_text(
        json.dumps(
            {
                "screens": [
                    {"name": "laptop", "x": 0, "y": 0, "width": screen[0], "height": screen[1], "dpr": 1}
                ]
            }
        )
    )
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=f"offscreen:configfile={config}",
        QT_SCALE_FACTOR=scale,
        WORKBENCH_HOME=str(tmp_path / "home"),  # no saved geometry: the first window
        PYTHONPATH=str(REPO),
    )
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(small_demo), str(exported)],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["inside"], f"the window {report['frame']} is not inside the screen's {report['room']}"
    for key, found in report["areas"].items():
        assert found["scrolling"] == [], f"{key} scrolls sideways at {screen} × {scale}: {found['scrolling']}"
    leads = report["areas"]["leads"]["shown"]
    assert all(leads[k] for k in ("name", "status", "age", "speed", "next_followup")), leads
    assert report["manager_files"] == 1
    room, needed = report["navigation"]
    assert room >= needed, f"area titles cut off in the navigation: {room} px for {needed}"
    board = report["areas"]["pipeline"]["shown"]
    assert board["Won"] and board["Lost"], board
