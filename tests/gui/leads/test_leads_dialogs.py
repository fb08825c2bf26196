"""New lead (Ctrl+N from anywhere), the triage questions and the account picker, typed into
like a rep would."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from tests.gui.leads.test_leads_area import NOW, add_people
from workbench.domain import Account, Lead
from workbench.domain.normalize import company_norm
from workbench.services.clock import fixed_clock
from workbench.services.leads import edit as leads
from workbench.store import Workbench
from workbench.ui.common.context import AppContext
from workbench.ui.leads import actions as lead_actions
from workbench.ui.leads import labels as lead_labels
from workbench.ui.leads.link_account import LinkAccountDialog
from workbench.ui.leads.new_lead import NewLeadDialog
from workbench.ui.leads.triage import DisqualifyDialog, NurtureDialog
from workbench.ui.leads.view import LeadsArea
from workbench.ui.shell.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(qtbot: QtBot, wb: Workbench) -> Iterator[MainWindow]:
    add_people(wb)
    win = MainWindow(AppContext(wb, fixed_clock(NOW)), start_area="today")
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    yield win


def open_new_lead(qtbot: QtBot, window: MainWindow) -> NewLeadDialog:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)  # from the Today area: window-wide
    dialog = lead_actions.of(window).dialog
    assert isinstance(dialog, NewLeadDialog)
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def lead_count(wb: Workbench) -> int:
    with wb.reading() as s:
        from sqlmodel import select

        return len(s.exec(select(Lead)).all())


def test_duplicate_warning_as_you_type_opens_the_existing_lead(
    qtbot: QtBot, window: MainWindow, wb: Workbench
) -> None:
    dialog = open_new_lead(qtbot, window)
    assert not dialog.duplicates_list.isVisible()
    qtbot.keyClicks(dialog.name_edit, "Lopez Ana")
    # Duplicates by evidence (issue 18): a similar full name at the same company, with no
    # email typed, is a possible duplicate (a different email would be another person).
    with qtbot.waitSignal(dialog.duplicatesShown, timeout=2000, check_params_cb=lambda n: n == 1) as shown:
        qtbot.keyClicks(dialog.company_edit, "Acme")
    assert shown.args == [1]
    assert dialog.duplicates_list.isVisible()
    (duplicate,) = dialog.duplicate_ids()
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Rejected and dialog.open_id == duplicate
    area = window.current_area()
    assert isinstance(area, LeadsArea)
    assert area.detail.lead_id == duplicate
    assert area.detail.name_edit.text() == "Ana López"
    assert lead_count(wb) == 5  # nothing saved


def test_new_lead_saves_with_problems_marked(qtbot: QtBot, window: MainWindow, wb: Workbench) -> None:
    dialog = open_new_lead(qtbot, window)
    qtbot.keyClicks(dialog.name_edit, "Zoe Quinn")
    qtbot.keyClicks(dialog.company_edit, "Vandelay Industries")
    qtbot.keyClicks(dialog.email_edit, "zoe at vandelay")
    qtbot.keyClicks(dialog.phone_edit, "+1 415 555 0132")
    dialog.check_now()
    assert dialog.email_problem.isVisible() and not dialog.phone_problem.isVisible()
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return, CTRL)
    assert dialog.created_id is not None
    stored = leads.lead_detail(wb, dialog.created_id)
    assert stored is not None
    assert (stored.fields.email, stored.phone_e164, stored.status) == (
        "zoe at vandelay",
        "+14155550132",
        "new",
    )
    area = window.current_area()
    assert isinstance(area, LeadsArea)
    assert area.detail.lead_id == dialog.created_id
    assert area.current_id() == dialog.created_id  # newest first: the top row


def test_empty_name_and_company_is_refused(qtbot: QtBot, window: MainWindow, wb: Workbench) -> None:
    dialog = open_new_lead(qtbot, window)
    qtbot.keyClicks(dialog.email_edit, "someone@example.com")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.refusal.isVisible() and "name or a company" in dialog.refusal.text()
    assert lead_count(wb) == 5


def test_cancelling_with_typed_text_asks_first(
    qtbot: QtBot, window: MainWindow, wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = [False, True]
    asked: list[bool] = []

    def confirm(_parent: object) -> bool:
        asked.append(True)
        return answers.pop(0)

    monkeypatch.setattr(lead_labels, "confirm_discard", confirm)
    dialog = open_new_lead(qtbot, window)
    qtbot.keyClicks(dialog.name_edit, "Half typed")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.name_edit.text() == "Half typed"  # kept
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert len(asked) == 2 and lead_count(wb) == 5
    empty = open_new_lead(qtbot, window)
    qtbot.keyClick(empty, Qt.Key.Key_Escape)  # nothing typed: no question
    assert not empty.isVisible() and len(asked) == 2


def test_disqualify_dialog_by_number_keys(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = DisqualifyDialog(None, 2)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog.reasons, Qt.Key.Key_3)
    assert dialog.reason() == "existing customer"
    qtbot.keyClick(dialog.reasons, Qt.Key.Key_7)
    assert dialog.reason() == "other" and dialog.note_edit.hasFocus()
    dialog.accept()  # "other" needs a note
    assert dialog.isVisible() and dialog.problem.isVisible()
    qtbot.keyClicks(dialog.note_edit, "reseller, not a buyer 2")
    assert dialog.reason() == "other"  # digits in the note are text
    monkeypatch.setattr(lead_labels, "confirm_discard", lambda _p: False)
    dialog.reject()
    assert dialog.isVisible()  # typed note: asked, and kept
    qtbot.keyClick(dialog.note_edit, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert (dialog.reason(), dialog.note()) == ("other", "reseller, not a buyer 2")


def test_nurture_dialog_defaults_and_quick_choices(qtbot: QtBot) -> None:
    today = date(2026, 3, 10)
    dialog = NurtureDialog(None, today, 90, 1)
    qtbot.addWidget(dialog)
    assert dialog.value() == today + timedelta(days=90)
    assert dialog.date_edit.minimumDate() == QDate(2026, 3, 11)
    dialog.set_days(30)
    assert dialog.value() == date(2026, 4, 9)
    dialog.date_edit.setDate(QDate(2026, 3, 1))  # before the minimum: clamped
    assert dialog.value() == date(2026, 3, 11)


def test_link_account_dialog_offers_matches_then_search(qtbot: QtBot, wb: Workbench) -> None:
    ids = add_people(wb)
    with wb.session() as s:
        for name, domain in (
            ("Acme Corporation", "acme.com"),
            ("Acme Labs", "acmelabs.io"),
            ("Initrode", ""),
        ):
            s.add(
                Account(name=name, name_norm=company_norm(name), domain=domain, created_at=datetime.now(UTC))
            )
    dialog = LinkAccountDialog(wb, ids["Ana López"])
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 1 and "Acme Corporation" in dialog.list.item(0).text()
    qtbot.keyClicks(dialog.search_edit, "acme")
    dialog.search_now()
    assert dialog.list.count() == 2
    qtbot.keyClicks(dialog.search_edit, " l")
    dialog.search_now()
    assert dialog.list.count() == 1 and "Acme Labs" in dialog.list.item(0).text()
    chosen = dialog.chosen_id()
    assert chosen is not None
