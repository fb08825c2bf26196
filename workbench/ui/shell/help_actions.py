"""Help → Keyboard shortcuts."""

from __future__ import annotations

from typing import Any


def show_shortcuts(window: Any) -> None:
    from workbench.ui.shell.shortcuts import ShortcutsDialog

    ShortcutsDialog(window.menuBar(), window).exec()


def install_actions(window: Any) -> None:
    window.add_action("Help", "&Keyboard shortcuts", lambda: show_shortcuts(window), "Ctrl+/")
