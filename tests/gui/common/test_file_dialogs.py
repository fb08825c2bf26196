"""File choosers open in the folder last used for that kind of file (issue 22): the real
Qt file dialog, a file chosen in it and Enter, as a rep would."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from workbench.ui.common import file_dialogs
from workbench.ui.imports.wizard import ImportWizard
from workbench.ui.insights.parts import ask_csv_path
from workbench.ui.manager.view import ask_files


def when_chooser(qtbot: QtBot, answer: str | None) -> list[Path]:
    """Once the next file dialog is up: note the folder it opened in, then choose
    ``answer`` in it and press Enter (Esc when None)."""
    opened_in: list[Path] = []

    def attempt() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog) or not dialog.isVisible():
            QTimer.singleShot(10, attempt)
            return
        opened_in.append(Path(dialog.directory().absolutePath()))
        if answer is None:
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
            return
        dialog.selectFile(answer)  # as the rep finds it in the dialog's folders
        field = dialog.findChild(QLineEdit, "fileNameEdit")
        assert isinstance(field, QLineEdit) and field.text() == Path(answer).name
        qtbot.keyClick(field, Qt.Key.Key_Return)

    QTimer.singleShot(0, attempt)
    return opened_in


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    leads, exports = tmp_path / "from-marketing", tmp_path / "reports"
    leads.mkdir()
    exports.mkdir()
    (leads / "webinar.csv").write_text("name,email\nAna,ana@example.com\n", encoding="utf-8")
    return leads, exports


def choose(qtbot: QtBot, answer: str | None, ask: Callable[[], object]) -> tuple[Path, object]:
    opened_in = when_chooser(qtbot, answer)
    result = ask()
    assert len(opened_in) == 1
    return opened_in[0], result


def test_the_next_chooser_of_a_kind_opens_where_the_last_one_chose(
    qtbot: QtBot, parent: QWidget, folders: tuple[Path, Path]
) -> None:
    leads, exports = folders
    home = Path.home().resolve()
    first, picked = choose(qtbot, str(leads / "webinar.csv"), lambda: ImportWizard.ask_open_path(parent))
    assert first.resolve() == home  # nothing remembered yet: the app's default
    assert picked == leads / "webinar.csv"

    again, _ = choose(qtbot, None, lambda: ImportWizard.ask_open_path(parent))
    assert again.resolve() == leads.resolve()  # the import's folder, remembered
    other, none = choose(qtbot, None, lambda: ask_files(parent))
    assert none == [] and other.resolve() == home  # pipeline files are another kind

    # A save chooser keeps its suggested name in the remembered folder.
    file_dialogs.EXPORTS.remember(exports)
    opened, saved = choose(qtbot, str(exports / "funnel.csv"), lambda: ask_csv_path(parent, "funnel.csv"))
    assert opened.resolve() == exports.resolve() and saved == exports / "funnel.csv"
    assert file_dialogs.EXPORTS.start(str(home / "sources.csv")) == str(exports.resolve() / "sources.csv")
    assert file_dialogs.IMPORTS.folder() == leads.resolve()  # an export moved no import


def test_a_folder_of_its_own_or_a_removed_one(tmp_path: Path, folders: tuple[Path, Path]) -> None:
    leads, exports = folders
    file_dialogs.EXPORTS.remember(exports)
    # The caller's own folder wins (rejected rows beside the file they came from) …
    beside = str(leads / "webinar-rejected.csv")
    assert file_dialogs.EXPORTS.start(beside) == beside
    # … and a remembered folder that is gone is forgotten.
    shutil.rmtree(exports)
    assert file_dialogs.EXPORTS.folder() is None
    assert file_dialogs.EXPORTS.start(str(Path.home() / "x.csv")) == str(Path.home() / "x.csv")
