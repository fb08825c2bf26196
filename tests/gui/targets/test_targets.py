"""The Targets area as a rep meets it: building the 20-company list from the keyboard,
duplicates that ask, dialogs that keep typed text, promoting, parking and the grid."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from workbench.domain.normalize import company_norm, email_domain
from workbench.services.targets import actions as target_actions
from workbench.services.targets.accounts import AccountInput
from workbench.store import Workbench, open_workbench
from workbench.ui.common.context import AppContext
from workbench.ui.shell.main_window import MainWindow
from workbench.ui.targets import labels as target_labels
from workbench.ui.targets.account_edit import AccountEditDialog
from workbench.ui.targets.promote_account import PromoteDialog
from workbench.ui.targets.view import TargetsArea

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(qtbot: QtBot, db_path: Path) -> Iterator[MainWindow]:
    wb = open_workbench(db_path)
    ctx = AppContext(wb)
    win = MainWindow(ctx, start_area="targets")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    yield win
    ctx.replace_workbench(None)


def targets_area(window: MainWindow) -> TargetsArea:
    area = window.area("targets")
    assert isinstance(area, TargetsArea)
    return area


def when_modal(qtbot: QtBot, kind: type[QWidget], act: Callable[[QWidget], None]) -> list[bool]:
    """Run ``act`` on the next modal dialog of ``kind`` once it is up (its own loop is running)."""
    done: list[bool] = []

    def attempt() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind) or not dialog.isVisible():
            QTimer.singleShot(10, attempt)
            return
        act(dialog)
        done.append(True)

    QTimer.singleShot(0, attempt)
    return done


def back_to(qtbot: QtBot, window: QWidget) -> None:
    """The offscreen platform has no window manager to hand focus back when a dialog
    closes; do what the desktop would."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def type_keys(qtbot: QtBot, dialog: QWidget, *steps: str | Qt.Key) -> None:
    """Type into whatever field has the focus, as a person does: text, Tab, Enter."""
    for step in steps:
        target = dialog.focusWidget() or dialog
        if isinstance(step, str):
            qtbot.keyClicks(target, step)
        else:
            qtbot.keyClick(target, step)


def test_build_a_20_account_list_by_keyboard_and_reach_the_goal(qtbot: QtBot, window: MainWindow) -> None:
    area = targets_area(window)
    assert area.progress.text() == "0 of 20 targets"
    assert area.stack.currentWidget() is area.empty
    for n in range(1, 21):
        done = when_modal(
            qtbot,
            AccountEditDialog,
            lambda d, n=n: type_keys(
                qtbot, d, f"Company {n:02d}", Qt.Key.Key_Tab, f"company{n:02d}.com", Qt.Key.Key_Return
            ),
        )
        qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_A, CTRL_SHIFT)
        qtbot.waitUntil(lambda done=done: bool(done))
        back_to(qtbot, window)
        qtbot.waitUntil(lambda n=n: area.progress.text() == f"{n} of 20 targets")
        assert area.detail.name_label.text() == f"Company {n:02d}"  # the new one is selected
    summary = target_actions.summary(window.ctx.wb)
    assert summary.active == 20 and summary.reached
    assert area.progress.value() == area.progress.maximum()
    assert area.untouched_button.text() == "Untouched for 14+ days: 20"
    assert area.stack.currentWidget() is area.table
    assert area.model is not None and area.model.rowCount() == 20
    rows = target_actions.list_targets(window.ctx.wb)
    assert {r.domain for r in rows} == {f"company{n:02d}.com" for n in range(1, 21)}


def test_a_duplicate_domain_asks_before_creating(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    target_actions.create_account(window.ctx.wb, AccountInput("Acme", "acme.com", is_target=True))
    answers = [target_labels.GO_BACK, target_labels.CREATE_ANYWAY]
    asked: list[int] = []

    def ask(_parent: object, matches: list[object]) -> str:
        asked.append(len(matches))
        return answers.pop(0)

    monkeypatch.setattr(target_labels, "ask_duplicate", ask)
    dialog = AccountEditDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name_edit, "Acme Europe")
    qtbot.keyClicks(dialog.website_edit, "https://www.ACME.com/eu")
    qtbot.waitUntil(lambda: "Acme" in dialog.duplicate_hint.text())
    assert "acme.com" in dialog.domain_hint.text()
    dialog.accept()  # "go back": nothing created, the dialog stays with the typing
    assert dialog.isVisible() and dialog.saved_id is None
    assert len(target_actions.list_targets(window.ctx.wb)) == 1
    dialog.accept()  # "create anyway"
    assert dialog.saved_id is not None and not dialog.isVisible()
    assert asked == [1, 1]
    assert len(target_actions.list_targets(window.ctx.wb)) == 2


def test_bad_domain_is_explained_and_nothing_is_lost(qtbot: QtBot, window: MainWindow) -> None:
    dialog = AccountEditDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name_edit, "Initech")
    qtbot.keyClicks(dialog.website_edit, "initech")
    assert "top-level domain" in dialog.domain_hint.text()
    dialog.accept()
    assert dialog.isVisible() and "top-level domain" in dialog.problem.text()
    assert dialog.name_edit.text() == "Initech"
    dialog.website_edit.setText("initech.com")
    dialog.accept()
    assert dialog.saved_id is not None


def test_cancel_with_typed_text_asks_first(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = [False, True]
    monkeypatch.setattr(target_labels, "confirm_discard", lambda _p: answers.pop(0))
    dialog = AccountEditDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name_edit, "Half-typed Corp")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Escape)
    assert dialog.isVisible()  # "keep it"
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()  # "discard"
    assert answers == []
    # An untouched dialog closes without asking.
    empty = AccountEditDialog(window.ctx, window)
    qtbot.addWidget(empty)
    empty.show()
    qtbot.keyClick(empty.name_edit, Qt.Key.Key_Escape)
    assert not empty.isVisible()


def add_leads_of(wb: Workbench, company: str, domain: str, count: int) -> None:
    from workbench.domain import Lead

    with wb.session() as s:
        for i in range(count):
            email = f"p{i}@{domain}"
            s.add(
                Lead(
                    name=f"Person {i}",
                    email=email,
                    email_norm=email,
                    email_domain=email_domain(email),
                    company=company,
                    company_norm=company_norm(company),
                )
            )


def test_promote_an_account_the_leads_come_from_by_keyboard(qtbot: QtBot, window: MainWindow) -> None:
    wb = window.ctx.wb
    quiet = target_actions.create_account(wb, AccountInput("Quiet Co", "quiet.com"))
    add_leads_of(wb, "Busy Co", "busy.com", 4)
    busy = target_actions.create_account(wb, AccountInput("Busy Co", "busy.com"))  # links the 4 leads
    assert quiet != busy
    area = targets_area(window)

    def pick(dialog: QWidget) -> None:
        assert isinstance(dialog, PromoteDialog)
        assert dialog.results.item(0).text().startswith("Busy Co")  # most leads first
        type_keys(qtbot, dialog, "bus")
        qtbot.waitUntil(lambda: dialog.results.count() == 1)
        type_keys(
            qtbot,
            dialog,
            Qt.Key.Key_Down,  # in the search field: moves through the results
            Qt.Key.Key_Tab,  # to the tier
            Qt.Key.Key_Down,  # Tier A
            Qt.Key.Key_Tab,  # to "why"
            "leads keep coming",
        )
        type_keys(qtbot, dialog, Qt.Key.Key_Return)

    done = when_modal(qtbot, PromoteDialog, pick)
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_P, CTRL_SHIFT)
    qtbot.waitUntil(lambda: bool(done))
    qtbot.waitUntil(lambda: area.progress.text() == "1 of 20 targets")
    (row,) = target_actions.list_targets(wb)
    assert (row.name, row.tier) == ("Busy Co", "A")
    view = target_actions.account_view(wb, busy)
    assert view.history[0].reason == "leads keep coming"
    assert len(view.leads) == 4


def test_park_greys_out_and_stops_counting(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    wb = window.ctx.wb
    for name in ("Alpha", "Bravo"):
        target_actions.create_account(wb, AccountInput(name, is_target=True))
    area = targets_area(window)
    area.reload()
    area.table.selectRow(0)
    parked_name = area.detail.name_label.text()
    monkeypatch.setattr(target_labels, "ask_reason", lambda *_a, **_k: "budget frozen")
    area.table.setFocus()
    qtbot.keyClick(area.table, Qt.Key.Key_K, CTRL_SHIFT)
    qtbot.waitUntil(lambda: area.progress.text() == "1 of 20 targets")
    assert area.model is not None and area.model.rowCount() == 1
    area.parked_check.setChecked(True)
    assert area.model.rowCount() == 2
    parked = target_actions.list_targets(wb)
    assert [r.status for r in parked if r.name == parked_name] == ["parked"]
    area.select_account(next(r.id for r in parked if r.name == parked_name))
    area.detail.toggle_park()  # unpark
    qtbot.waitUntil(lambda: area.progress.text() == "2 of 20 targets")


def test_fit_engagement_grid_drills_into_the_list(qtbot: QtBot, window: MainWindow, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    wb = window.ctx.wb
    weighting = target_actions.weighting(wb)
    good = target_actions.create_account(wb, AccountInput("Good Idle", is_target=True))
    target_actions.create_account(wb, AccountInput("Unknown One", is_target=True))
    for c in weighting.criteria:
        target_actions.set_check(wb, good, c.id, "met")
    area = targets_area(window)
    area.reload()
    qtmodeltester.check(area.grid.grid_model)
    assert area.model is not None
    qtmodeltester.check(area.model)
    area.table.setFocus()
    qtbot.keyClick(area.table, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert area.stack.currentWidget() is area.grid
    assert area.idle_label.text() == "Good fit, not contacted: 1"
    cell = area.grid.grid_model.index(0, 0)
    assert "Good Idle" in cell.data()
    area.grid.setCurrentIndex(cell)
    qtbot.keyClick(area.grid, Qt.Key.Key_Return)
    assert area.stack.currentWidget() is area.table
    assert area.model.rowCount() == 1 and area.detail.name_label.text() == "Good Idle"
    area.cell_clear.click()
    assert area.model.rowCount() == 2


def test_sorting_by_tier_from_the_combo(qtbot: QtBot, window: MainWindow) -> None:
    wb = window.ctx.wb
    for name, tier in (("Cee", "C"), ("Ay", "A"), ("Bee", "B")):
        target_actions.create_account(wb, AccountInput(name, tier=tier, is_target=True))
    area = targets_area(window)
    area.reload()
    area.sort_combo.setCurrentIndex(1)
    assert area.model is not None
    names = [area.model.index(r, 0).data() for r in range(3)]
    assert names == ["Ay", "Bee", "Cee"]
    assert area.model.index(0, area.model.source.column_index("status")).data() == "Researching"
