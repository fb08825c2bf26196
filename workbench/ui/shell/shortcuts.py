"""Help → Keyboard shortcuts: every action of every menu with its keys, read from the menus
themselves so the sheet can never drift from what the app really does, then the single
keys of the lists from their one table (``ui/common/keys.py``)."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMenu, QMenuBar, QTextBrowser, QVBoxLayout, QWidget

from workbench.ui.common.keys import KEYS


def menu_actions(menubar: QMenuBar) -> list[tuple[str, QAction]]:
    """(menu path, action) for every command in the menus, submenus included."""
    found: list[tuple[str, QAction]] = []

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            if action.isSeparator():
                continue
            sub = action.menu()
            if isinstance(sub, QMenu):
                walk(sub, f"{path} › {_plain(action.text())}")
            else:
                found.append((path, action))

    for top in menubar.actions():
        sub = top.menu()
        if isinstance(sub, QMenu):
            walk(sub, _plain(top.text()))
    return found


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".…")


def shortcut_rows(menubar: QMenuBar) -> list[tuple[str, str, str]]:
    rows = []
    for path, action in menu_actions(menubar):
        keys = ", ".join(
            s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts() if not s.isEmpty()
        )
        if keys:
            rows.append((path, _plain(action.text()), keys))
    return rows


def single_key_rows() -> list[tuple[str, str, str]]:
    """(keys, meaning, where) for every single key, from the one table."""
    return [
        (QKeySequence(entry.key).toString(QKeySequence.SequenceFormat.NativeText), entry.meaning, entry.where)
        for entry in KEYS.values()
    ]


class ShortcutsDialog(QDialog):
    def __init__(self, menubar: QMenuBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.resize(560, 620)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser(self)
        html = ["<table cellpadding='4' width='100%'>"]
        last = ""
        for path, name, keys in shortcut_rows(menubar):
            if path != last:
                html.append(f"<tr><td colspan='2'><h3>{path}</h3></td></tr>")
                last = path
            html.append(f"<tr><td>{name}</td><td align='right'><b>{keys}</b></td></tr>")
        html.append(
            f"<tr><td colspan='2'><h3>{self.tr('Single keys, while a list has the focus')}</h3></td></tr>"
        )
        for key, meaning, where in single_key_rows():
            html.append(f"<tr><td>{meaning} <i>({where})</i></td><td align='right'><b>{key}</b></td></tr>")
        html.append("</table>")
        self.browser.setHtml("".join(html))
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
