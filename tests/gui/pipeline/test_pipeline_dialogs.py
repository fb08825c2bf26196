from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from workbench.domain import CloseReason, Lead, StageKind
from workbench.domain.normalize import company_norm, email_domain, email_norm
from workbench.services.pipeline import convert
from workbench.store import Workbench
from workbench.ui.pipeline import close_opportunity, convert_lead
from workbench.ui.pipeline.close_opportunity import CloseOpportunityDialog
from workbench.ui.pipeline.convert_lead import ConvertLeadDialog

TODAY = date(2026, 3, 20)


def answers(monkeypatch: pytest.MonkeyPatch, module: Any, *replies: bool) -> list[str]:
    """Answer the dialog's yes/no questions in order; returns the questions asked."""
    asked: list[str] = []
    queue = list(replies)

    def confirm(parent: object, title: str, text: str) -> bool:
        asked.append(text)
        return queue.pop(0)

    monkeypatch.setattr(module, "confirm", confirm)
    return asked


def close_dialog(qtbot: QtBot, outcome: StageKind = StageKind.LOST) -> CloseOpportunityDialog:
    dialog = CloseOpportunityDialog(
        None, name="Acme", outcome=outcome, created_on=date(2026, 3, 10), today=TODAY
    )
    qtbot.addWidget(dialog)
    return dialog


def test_close_needs_a_reason_and_a_note_for_other(qtbot: QtBot) -> None:
    dialog = close_dialog(qtbot)
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "Choose a reason" in dialog.error.text()
    dialog.reason.setCurrentIndex(dialog.reason.findData(CloseReason.OTHER.value))
    dialog.accept()
    assert "note" in dialog.error.text() and dialog.result() != QDialog.DialogCode.Accepted
    qtbot.keyClicks(dialog.note, "Merged with a customer")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    answer = dialog.answer()
    assert (answer.reason, answer.note, answer.closed_on) == (
        CloseReason.OTHER,
        "Merged with a customer",
        None,
    )


def test_close_date_before_creation_asks(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = close_dialog(qtbot, StageKind.WON)
    dialog.reason.setCurrentIndex(dialog.reason.findData(CloseReason.PRICE.value))
    dialog.closed_on.setDate(QDate(2026, 3, 1))
    asked = answers(monkeypatch, close_opportunity, False, True)
    dialog.accept()
    assert len(asked) == 1 and "before the opportunity was created" in asked[0]
    assert dialog.result() != QDialog.DialogCode.Accepted  # "no": back to the date
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    answer = dialog.answer()
    assert answer.closed_on == date(2026, 3, 1) and answer.allow_before_creation
    assert dialog.closed_on.maximumDate() == QDate(2026, 3, 20)  # no close dates in the future


def test_cancelling_with_a_typed_note_asks_first(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = close_dialog(qtbot)
    dialog.show()
    asked = answers(monkeypatch, close_opportunity, False, True)
    qtbot.keyClicks(dialog.note, "They chose BigCo")
    dialog.reject()
    assert len(asked) == 1 and dialog.isVisible()  # "no": the note is still there
    dialog.reject()
    assert len(asked) == 2 and not dialog.isVisible()
    empty = close_dialog(qtbot)
    empty.show()
    empty.reject()  # nothing typed: no question
    assert len(asked) == 2 and not empty.isVisible()


def add_lead(wb: Workbench) -> int:
    with wb.session() as s:
        lead = Lead(
            name="Ana López",
            company="Acme",
            company_norm=company_norm("Acme"),
            email="ana@acme.com",
            email_norm=email_norm("ana@acme.com"),
            email_domain=email_domain("ana@acme.com"),
            source="webinar",
            campaign="Spring",
            received_at=datetime(2026, 3, 1, tzinfo=UTC),
        )
        s.add(lead)
        s.flush()
        assert lead.id is not None
        return lead.id


def test_convert_dialog_shows_the_plan_and_refuses_bad_amounts(qtbot: QtBot, wb: Workbench) -> None:
    plan = convert.plan_conversion(wb, add_lead(wb))
    dialog = ConvertLeadDialog(None, plan)
    qtbot.addWidget(dialog)
    lines = " ".join(dialog.plan_lines())
    assert "Create</b> the account “Acme”" in lines and "Create</b> the contact “Ana López”" in lines
    assert "webinar" in lines and "Spring" in lines
    qtbot.keyClicks(dialog.amount, "-500")
    dialog.accept()
    assert "negative" in dialog.error.text() and dialog.result() != QDialog.DialogCode.Accepted
    dialog.amount.clear()
    qtbot.keyClicks(dialog.amount, "lots")
    dialog.accept()
    assert "not an amount" in dialog.error.text()
    dialog.amount.clear()
    qtbot.keyClicks(dialog.amount, "12,500")
    dialog.currency.clear()
    qtbot.keyClicks(dialog.currency, "eu")
    dialog.accept()
    assert "three-letter" in dialog.error.text()
    qtbot.keyClicks(dialog.currency, "r")
    dialog.stage.setCurrentIndex(2)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    options = dialog.options()
    assert (options.amount, options.currency, options.name) == (12500, "EUR", "Acme")
    assert options.stage_id == plan.stages[2].id


def test_convert_dialog_names_the_match(qtbot: QtBot, wb: Workbench) -> None:
    first = add_lead(wb)
    convert.convert_lead(wb, first)
    with wb.session() as s:
        lead = Lead(
            name="Bo Berg",
            company="ACME Inc.",
            email="bo@acme.com",
            email_norm="bo@acme.com",
            email_domain="acme.com",
        )
        s.add(lead)
        s.flush()
        second = lead.id
    assert second is not None
    dialog = ConvertLeadDialog(None, convert.plan_conversion(wb, second))
    qtbot.addWidget(dialog)
    lines = " ".join(dialog.plan_lines())
    assert "Link</b> to the existing account “Acme” (same email domain acme.com)" in lines


def test_convert_dialog_cancel_with_typed_details_asks(
    qtbot: QtBot, wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = ConvertLeadDialog(None, convert.plan_conversion(wb, add_lead(wb)))
    qtbot.addWidget(dialog)
    dialog.show()
    asked = answers(monkeypatch, convert_lead, False, True)
    qtbot.keyClicks(dialog.amount, "9000")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert len(asked) == 1 and dialog.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert len(asked) == 2 and not dialog.isVisible()
