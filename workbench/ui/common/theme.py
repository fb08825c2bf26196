"""Light and dark palettes that follow the system colour scheme (or the rep's choice)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

STYLE = """
QListWidget#navigation { font-size: 11pt; padding-top: 8px; border: none; outline: 0;
    background: palette(window); }
QListWidget#navigation::item { padding: 8px 12px; border-radius: 6px; margin: 1px 6px; border: none; }
QListWidget#navigation::item:hover { background: palette(midlight); }
QListWidget#navigation::item:selected, QListWidget#navigation::item:selected:!active {
    background: palette(highlight); color: palette(highlighted-text); }
QLabel#emptyState { color: palette(placeholder-text); font-size: 12pt; }
QLabel#areaTitle { font-size: 15pt; font-weight: 600; }
QFrame#card { border: 1px solid palette(mid); border-radius: 8px; background: palette(base); }
QPushButton:checked, QToolButton:checked {
    background: palette(highlight); color: palette(highlighted-text);
    border: 1px solid palette(highlight); border-radius: 4px; padding: 3px 10px; }
"""
#: Every checkable button shows its checked state in the highlight colour (the native
#: dark styles drew a checked button almost like the others: the quick log's chosen
#: channel did not stand out).

#: "system" follows the desktop; "light" and "dark" force one.
APPEARANCES = ("system", "light", "dark")


def _dark_palette() -> QPalette:
    p = QPalette()
    window, base, text = QColor("#1f2126"), QColor("#17191d"), QColor("#e6e7ea")
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor("#22252b"),
        QPalette.ColorRole.ToolTipBase: QColor("#2b2e35"),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: QColor("#8b8f98"),
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor("#2a2d33"),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor("#ff6b6b"),
        QPalette.ColorRole.Highlight: QColor("#3b73d9"),
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: QColor("#7aa7ff"),
        QPalette.ColorRole.Mid: QColor("#3a3d45"),
        QPalette.ColorRole.Dark: QColor("#111214"),
        QPalette.ColorRole.Light: QColor("#3a3d45"),
    }
    for role, colour in roles.items():
        p.setColor(role, colour)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6c7079"))
    return p


def _light_palette() -> QPalette:
    p = QApplication.style().standardPalette()
    p.setColor(QPalette.ColorRole.Highlight, QColor("#2f6fe4"))
    p.setColor(QPalette.ColorRole.AlternateBase, QColor("#f4f6fa"))
    return p


def is_dark(app: QApplication, appearance: str = "system") -> bool:
    if appearance in ("light", "dark"):
        return appearance == "dark"
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_theme(app: QApplication, appearance: str = "system") -> None:
    app.setStyle("Fusion")
    app.setPalette(_dark_palette() if is_dark(app, appearance) else _light_palette())
    app.setStyleSheet(STYLE)


def follow_system(app: QApplication, appearance: str = "system") -> None:
    """Re-theme when the desktop switches between light and dark."""
    if appearance == "system":
        app.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_theme(app, "system"))


def use_appearance(app: QApplication, appearance: str = "system") -> None:
    """Apply the rep's choice now and from then on: "system" keeps following the
    desktop's light/dark switch, "light" and "dark" ignore it (one signal connection,
    however often the choice changes)."""
    if appearance not in APPEARANCES:
        appearance = "system"
    app.setProperty("workbenchAppearance", appearance)
    apply_theme(app, appearance)
    if not app.property("workbenchFollowsSystem"):
        app.setProperty("workbenchFollowsSystem", True)
        app.styleHints().colorSchemeChanged.connect(lambda _scheme: _system_changed(app))


def _system_changed(app: QApplication) -> None:
    if app.property("workbenchAppearance") in (None, "system"):
        apply_theme(app, "system")


def current_appearance(app: QApplication) -> str:
    value = app.property("workbenchAppearance")
    return str(value) if value in APPEARANCES else "system"
