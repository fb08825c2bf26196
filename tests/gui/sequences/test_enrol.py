"""Enrolling from the areas: a target account's buying team from Targets, a selection
of leads from Leads (with the replace question), undo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlmodel import select

from workbench.domain import Account, Contact, Enrolment, Lead
from workbench.services.records import RecordKind, RecordRef
from workbench.services.sequences import enrol, templates
from workbench.store import Workbench, open_workbench
from workbench.ui.common.context import AppContext
from workbench.ui.leads.view import LeadsArea
from workbench.ui.sequences.enrol_dialog import EnrolDialog
from workbench.ui.shell.main_window import MainWindow
from workbench.ui.targets.view import TargetsArea

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def wb_file(db_path: Path) -> Iterator[Workbench]:
    wb = open_workbench(db_path)
    with wb.session() as s:
        account = Account(name="Initech", is_target=True, pain_hypothesis="reports take days")
        s.add(account)
        s.flush()
        for name in ("Bo Berg", "Cy Chan", "Di Dahl"):
            s.add(
                Contact(
                    name=name, first_name=name.split()[0], account_id=account.id, email=f"{name[:2]}@i.com"
                )
            )
        for name in ("Ana López", "Ben Ode"):
            s.add(Lead(name=name, first_name=name.split()[0], company="Globex", email=f"{name[:3]}@g.com"))
    yield wb


def _window(qtbot: QtBot, wb: Workbench, area: str) -> MainWindow:
    win = MainWindow(AppContext(wb), start_area=area)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    return win


def _dialog(qtbot: QtBot) -> EnrolDialog:
    found: list[EnrolDialog] = []

    def up() -> bool:
        found[:] = [w for w in QApplication.topLevelWidgets() if isinstance(w, EnrolDialog) and w.isVisible()]
        return bool(found)

    qtbot.waitUntil(up)
    return found[0]


def _enrolments(wb: Workbench) -> list[Enrolment]:
    with wb.reading() as s:
        return list(s.exec(select(Enrolment)).all())


def test_enrol_a_buying_team_from_targets_by_keyboard(qtbot: QtBot, wb_file: Workbench) -> None:
    win = _window(qtbot, wb_file, "targets")
    area = win.area("targets")
    assert isinstance(area, TargetsArea)
    qtbot.waitUntil(lambda: area.model is not None and area.model.rowCount() == 1)
    area.table.setFocus()
    area.table.selectRow(0)
    qtbot.keyClick(area.table, Qt.Key.Key_S, CTRL_SHIFT)
    dialog = _dialog(qtbot)
    qtbot.keyClick(dialog.combo, Qt.Key.Key_Down)  # the second sequence
    assert dialog.combo.currentText().startswith("Target account contact")
    qtbot.keyClick(dialog.combo, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    rows = _enrolments(wb_file)
    assert len(rows) == 3 and {r.contact_id for r in rows} == {1, 2, 3}
    assert all(r.state == "active" and r.steps_total == 8 for r in rows)
    win.ctx.undo_stack.undo()
    assert _enrolments(wb_file) == []
    win.ctx.replace_workbench(None)


def test_enrol_a_selection_of_leads_asks_before_replacing(
    qtbot: QtBot, wb_file: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    with wb_file.reading() as s:
        seq = templates.find_in(s, "Target account contact")
    assert seq is not None
    from datetime import UTC, datetime

    first = enrol.enrol(wb_file, seq, [RecordRef(RecordKind.LEAD, 1)], now=datetime.now(UTC)).enrolled[0]
    asked: list[str] = []
    monkeypatch.setattr(EnrolDialog, "ask", lambda _self, _title, text: asked.append(text) or True)
    win = _window(qtbot, wb_file, "leads")
    area = win.area("leads")
    assert isinstance(area, LeadsArea)
    qtbot.waitUntil(lambda: area.model is not None and area.model.rowCount() == 2)
    area.table.setFocus()
    area.table.selectAll()
    qtbot.keyClick(area.table, Qt.Key.Key_S, CTRL_SHIFT)
    dialog = _dialog(qtbot)
    assert dialog.combo.currentText().startswith("New inbound")
    qtbot.keyClick(dialog.combo, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert asked and "already in a sequence" in asked[0]
    rows = {r.id: r for r in _enrolments(wb_file)}
    assert rows[first].stop_reason == "replaced"
    live = [r for r in rows.values() if r.state == "active"]
    assert sorted(r.lead_id or 0 for r in live) == [1, 2]
    win.ctx.replace_workbench(None)
