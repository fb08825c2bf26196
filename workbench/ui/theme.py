"""Light and dark palettes that follow the system colour scheme."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

STYLE = """
QListWidget#navigation { font-size: 11pt; padding-top: 8px; }
QListWidget#navigation::item { padding: 8px 14px; }
QLabel#emptyState { color: palette(mid); font-size: 12pt; }
"""


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    app.setStyleSheet(STYLE)
