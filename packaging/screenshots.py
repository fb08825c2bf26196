"""Render every area of a small demo workbench offscreen to PNGs (run by `make screenshots`).

The PNGs in packaging/screenshots/ are the ones README and the AppStream metainfo show.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "packaging" / "screenshots"
SIZE = (1440, 900)


def main() -> int:
    home = Path(tempfile.mkdtemp(prefix="wb-shots-"))
    os.environ["WORKBENCH_HOME"] = str(home)
    db = home / "demo.db"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "workbench",
            "demo",
            "--db",
            str(db),
            "--size",
            "small",
            "--seed",
            "7",
            "--rep",
            "Dana Reyes",
        ],
        check=True,
    )
    from PySide6.QtWidgets import QApplication

    from workbench.store import open_workbench
    from workbench.ui.common.context import AppContext
    from workbench.ui.common.theme import apply_theme
    from workbench.ui.shell.areas import AREAS
    from workbench.ui.shell.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    apply_theme(app, "light")
    ctx = AppContext(open_workbench(db))
    window = MainWindow(ctx, start_area="today")
    window.resize(*SIZE)
    window.show()
    OUT.mkdir(parents=True, exist_ok=True)
    import time

    for entry in AREAS:
        area = window.area(entry.key)
        done: list[bool] = []
        area.populated.connect(lambda flag=done: flag.append(True))
        window.show_area(entry.key)
        deadline = time.monotonic() + 20
        while not done and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)  # a script, not a test: pacing the event loop while the area loads
        for _ in range(50):  # let charts and worker results paint
            app.processEvents()
            time.sleep(0.01)
        window.grab().save(str(OUT / f"{entry.key}.png"))
        print(f"wrote {OUT / (entry.key + '.png')}")
    ctx.replace_workbench(None)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
