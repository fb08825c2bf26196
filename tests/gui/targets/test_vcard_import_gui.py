"""Importing a vCard file from the Targets area by keyboard (Ctrl+Shift+V): the import
runs on a worker with progress and Cancel, the contacts appear in the account detail,
what was left out is listed as plain text, Undo takes the import back, and Cancel on a
big file leaves nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from workbench.services.targets import actions as target_actions
from workbench.services.targets.accounts import AccountInput
from workbench.store import open_workbench
from workbench.ui.common.context import AppContext
from workbench.ui.shell.main_window import MainWindow
from workbench.ui.targets import vcard_import
from workbench.ui.targets.view import TargetsArea

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier

CARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nPROFILE:VCard\r\nN:Tanaka;Hiro;;;\r\nFN:Hiro Tanaka\r\n"
    "ORG:IBM;Accounting\r\nEMAIL;TYPE=work;=x:broken@ibm.example\r\n"
    "TEL;VALUE=uri:tel:+1-202-555-0143;ext=102\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Berg;Bo\r\nEMAIL;INTERNET:bo@ibm.example\r\n"
    "NOTE;ENCODING=QUOTED-PRINTABLE:Please come=\r\n to the fair <b>now</b>\r\nEND:VCARD\r\n"
)


@pytest.fixture
def window(qtbot: QtBot, db_path: Path) -> Iterator[MainWindow]:
    ctx = AppContext(open_workbench(db_path))
    target_actions.create_account(ctx.wb, AccountInput("IBM", "ibm.example", is_target=True))
    win = MainWindow(ctx, start_area="targets")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    yield win
    ctx.replace_workbench(None)


def _area(qtbot: QtBot, window: MainWindow) -> TargetsArea:
    area = window.area("targets")
    assert isinstance(area, TargetsArea)
    area.reload()
    area.table.selectRow(0)
    qtbot.waitUntil(lambda: area.detail.name_label.text() == "IBM")
    area.table.setFocus()
    return area


def test_ctrl_shift_v_imports_and_shows_what_was_left_out(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "team.vcf"
    path.write_text(CARDS, encoding="utf-8")
    monkeypatch.setattr(vcard_import, "choose_vcard_file", lambda _parent: path)
    area = _area(qtbot, window)
    contacts = area.detail.contacts
    with qtbot.waitSignal(contacts.importer.finished, timeout=20_000):
        qtbot.keyClick(area.table, Qt.Key.Key_V, CTRL_SHIFT)
    qtbot.waitUntil(lambda: contacts.model.rowCount() == 2)
    rows = {contacts.model.index(r, 0).data(): r for r in range(2)}
    hiro = rows["Hiro Tanaka"]
    assert contacts.model.index(hiro, 2).data() == "Accounting"  # title · department
    assert contacts.model.index(hiro, 4).data() == "+12025550143 ext. 102"
    report = contacts.importer.report
    assert report is not None and report.isVisible()
    assert report.summary.textFormat() == Qt.TextFormat.PlainText
    assert "2 contacts added" in report.summary.text()
    listed = report.details.toPlainText()
    assert "Card 1 (Hiro Tanaka), line 7: EMAIL left out: the parameter “=x” is malformed" in listed
    bo = target_actions.get_contact(window.ctx.wb, int(contacts.model.row_id(rows["Bo Berg"]) or 0))
    assert bo.notes == "Please come to the fair <b>now</b>"
    qtbot.keyClick(report.details, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not report.isVisible())
    # One undo step takes the whole import back.
    assert window.ctx.undo_stack.undoText() == "Import contacts from vCard"
    window.ctx.undo_stack.undo()
    assert target_actions.account_view(window.ctx.wb, 1).contacts == []


@pytest.mark.timeout(120)
def test_cancel_on_a_big_file_leaves_nothing_written(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.vcf"
    with path.open("w", encoding="utf-8") as out:
        for i in range(40_000):
            out.write(
                f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nEMAIL:p{i}@ibm.example\r\nEND:VCARD\r\n"
            )
    monkeypatch.setattr(vcard_import, "choose_vcard_file", lambda _parent: path)
    area = _area(qtbot, window)
    importer = area.detail.contacts.importer
    with qtbot.waitSignal(importer.finished, timeout=60_000) as done:
        qtbot.keyClick(area.table, Qt.Key.Key_V, CTRL_SHIFT)
        progress = importer.progress
        assert progress is not None and importer.running
        cancel = progress.findChild(QPushButton)
        assert cancel is not None and cancel.text() == "Cancel"
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert done.args[0] is None
    assert importer.message == "vCard import cancelled; no contact was added."
    assert window.statusBar().currentMessage() == importer.message
    assert target_actions.account_view(window.ctx.wb, 1).contacts == []
    assert area.detail.contacts.vcard_button.isEnabled()
