"""File choosers that open in the folder last used for that kind of file (issue 22).

Every file dialog of the app goes through one :class:`Chooser` per kind of file —
lead files to import, vCards, the reps' pipeline files in the Manager, workbench
files, exports (CSV, XLSX, JSON), calendars (``.ics``) and templates. A chooser has
the signatures of ``QFileDialog``'s static functions, so a call site only names its
kind (``file_dialogs.VCARDS.getOpenFileName(…)``); it opens in the folder a file of
that kind was last chosen in, and remembers the folder of what the rep chose, in the
per-computer UI state (``ui.ini``, where the Manager remembers its files). Choosing a
vCard never moves where the next import opens.

A caller's own folder wins over the memory unless it is the home folder (the app's
default when it knows no better): the folder of the file being imported for its
rejected rows, or a path the rep typed in a field.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

from workbench.paths import config_dir


def _settings() -> QSettings:
    # The shell's ui.ini (ui/shell/main_window.app_settings); ui/common may not import the shell.
    return QSettings(str(config_dir() / "ui.ini"), QSettings.Format.IniFormat)


class Chooser:
    """The file dialogs of one kind of file, each opening where the last one was chosen."""

    def __init__(self, kind: str, key: str | None = None) -> None:
        self.kind = kind
        #: The ui.ini key of the folder (exports keep the key the Manager used before).
        self.key = key or f"files/{kind}"

    # --- the folder -------------------------------------------------------------------
    def folder(self) -> Path | None:
        """The folder last used for this kind, while it still exists."""
        value = _settings().value(self.key, "")
        folder = Path(str(value)) if value else None
        return folder if folder is not None and folder.is_dir() else None

    def remember(self, folder: Path) -> None:
        settings = _settings()
        settings.setValue(self.key, str(folder.resolve()))
        settings.sync()

    def start(self, suggested: str) -> str:
        """Where a dialog opens: the remembered folder (with the suggested file name)
        unless the caller suggested a folder of its own other than home."""
        remembered = self.folder()
        if remembered is None:
            return suggested
        path = Path(suggested).expanduser() if suggested else Path.home()
        home = Path.home()
        if path.is_dir():
            return str(remembered) if path.resolve() == home.resolve() else str(path)
        parent = path.parent
        if not parent.is_dir() or parent.resolve() == home.resolve() or str(parent) == ".":
            return str(remembered / path.name)
        return str(path)

    def _chosen(self, name: str, *, folder: bool = False) -> None:
        if name:
            path = Path(name)
            self.remember(path if folder else path.parent)

    # --- QFileDialog's static functions, with the folder memory -------------------------
    def getOpenFileName(
        self, parent: QWidget | None, caption: str = "", dir: str = "", filter: str = ""
    ) -> tuple[str, str]:
        name, selected = QFileDialog.getOpenFileName(parent, caption, self.start(dir), filter)
        self._chosen(name)
        return name, selected

    def getOpenFileNames(
        self, parent: QWidget | None, caption: str = "", dir: str = "", filter: str = ""
    ) -> tuple[list[str], str]:
        names, selected = QFileDialog.getOpenFileNames(parent, caption, self.start(dir), filter)
        if names:
            self._chosen(names[0])
        return names, selected

    def getSaveFileName(
        self, parent: QWidget | None, caption: str = "", dir: str = "", filter: str = ""
    ) -> tuple[str, str]:
        name, selected = QFileDialog.getSaveFileName(parent, caption, self.start(dir), filter)
        self._chosen(name)
        return name, selected

    def getExistingDirectory(self, parent: QWidget | None, caption: str = "", dir: str = "") -> str:
        name = QFileDialog.getExistingDirectory(parent, caption, self.start(dir))
        self._chosen(name, folder=True)
        return name


#: Lead files to import (CSV, TSV, XLSX, ODS).
IMPORTS = Chooser("import")
#: Contacts from vCards.
VCARDS = Chooser("vcard")
#: The reps' pipeline files (and folders of them) the Manager rolls up.
PIPELINE_FILES = Chooser("pipeline")
#: Workbench files: a new one, another to open.
WORKBENCHES = Chooser("workbench")
#: What the app writes for other programs: tables as CSV, pipeline and rollup exports,
#: rejected import rows — the folder the Manager's exports remembered before.
EXPORTS = Chooser("export", "export/folder")
#: Open follow-ups as an ``.ics`` calendar.
CALENDARS = Chooser("calendar")
#: ICP and team templates (JSON).
TEMPLATES = Chooser("template")
