"""The Sequences page: live counts, new / edit / copy / retire / delete (asks), reorder,
undo; a bad template is refused in the editor with everything typed kept."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from workbench.domain import Lead
from workbench.services.clock import fixed_clock
from workbench.services.records import RecordKind, RecordRef
from workbench.services.sequences import enrol, templates
from workbench.store import Workbench
from workbench.ui.common.context import AppContext
from workbench.ui.sequences import view as sequences_view
from workbench.ui.sequences.editor import SequenceEditor
from workbench.ui.sequences.view import SequencesArea

NOW = datetime(2026, 3, 4, 11, 0, tzinfo=UTC)


@pytest.fixture
def area(qtbot: QtBot, wb: Workbench) -> Iterator[SequencesArea]:
    with wb.session() as s:
        s.add(Lead(name="Ana López", first_name="Ana", email="ana@g.com"))
    with wb.reading() as s:
        seq = templates.find_in(s, "New inbound")
    assert seq is not None
    enrol.enrol(wb, seq, [RecordRef(RecordKind.LEAD, 1)], now=NOW)
    ctx = AppContext(wb, fixed_clock(NOW))
    widget = SequencesArea(ctx)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    widget.activate()
    yield widget
    ctx.undo_stack.clear()


def _editor(qtbot: QtBot) -> SequenceEditor:
    found: list[SequenceEditor] = []

    def up() -> bool:
        found[:] = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, SequenceEditor) and w.isVisible()
        ]
        return bool(found)

    qtbot.waitUntil(up)
    return found[0]


def _names(area: SequencesArea) -> list[str]:
    return [area.tree.topLevelItem(r).text(0) for r in range(area.tree.topLevelItemCount())]  # type: ignore[union-attr]


def test_counts_new_with_a_bad_field_then_fixed_copy_retire_reorder_undo(
    qtbot: QtBot, area: SequencesArea
) -> None:
    assert _names(area) == ["New inbound", "Target account contact"]
    first = area.tree.topLevelItem(0)
    assert first is not None and first.text(3) == "1"  # one active
    assert area.stats.table.topLevelItem(0).text(1) == "1"  # type: ignore[union-attr]  # enrolled

    area.tree.setFocus()
    qtbot.keyClick(area.tree, Qt.Key.Key_Insert)
    editor = _editor(qtbot)
    qtbot.keyClicks(editor.name_edit, "Webinar")
    editor.channel_combo.setCurrentIndex(editor.channel_combo.findData("email"))
    qtbot.keyClicks(editor.subject_edit, "Hi {frist_name}")
    qtbot.keyClick(editor.subject_edit, Qt.Key.Key_Return)
    assert "unknown merge field {frist_name}" in editor.message.text()
    assert editor.isVisible() and editor.name_edit.text() == "Webinar"  # nothing lost
    editor.subject_edit.clear()
    qtbot.keyClicks(editor.subject_edit, "Hi {first_name}")
    editor.add_button.click()
    qtbot.keyClick(editor.step_list, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)  # the new call first
    assert editor.steps[0].channel == "call" and editor.steps[1].subject == "Hi {first_name}"
    qtbot.keyClick(editor.name_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert _names(area)[-1] == "Webinar"
    area.ctx.undo_stack.undo()
    area.reload()
    assert "Webinar" not in _names(area)
    area.ctx.undo_stack.redo()
    area.reload()
    assert "Webinar" in _names(area)

    area.select(area.items[0].id)
    area.buttons["copy"].click()
    assert "New inbound (copy)" in _names(area)
    area.buttons["retire"].click()
    assert "New inbound (copy) (retired)" in _names(area)
    area.select(area.items[1].id)
    area.tree.setFocus()
    qtbot.keyClick(area.tree, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert _names(area)[0] == "Target account contact"


def test_delete_with_live_enrolments_asks_then_stops_them(
    qtbot: QtBot, area: SequencesArea, wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[int] = []
    answers = iter([False, True])
    monkeypatch.setattr(
        sequences_view, "confirm_delete", lambda _p, _n, live: asked.append(live) or next(answers)
    )
    area.select(area.items[0].id)
    area.tree.setFocus()
    qtbot.keyClick(area.tree, Qt.Key.Key_Delete)
    assert asked == [1] and _names(area)[0] == "New inbound"  # said no: nothing happened
    qtbot.keyClick(area.tree, Qt.Key.Key_Delete)
    assert _names(area) == ["Target account contact"]
    with wb.reading() as s:
        from sqlmodel import select

        from workbench.domain import Enrolment

        assert s.exec(select(Enrolment)).one().stop_reason == "sequence deleted"
    area.ctx.undo_stack.undo()
    area.reload()
    assert _names(area)[0] == "New inbound" and area.items[0].counts == {"active": 1}
