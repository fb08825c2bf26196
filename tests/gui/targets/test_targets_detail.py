"""The account detail and the ICP criteria editor: checklist, buying team, contacts and
vCards, notes, trash; criteria weights that normalise, templates in and out."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from workbench.domain import CheckState, Lead
from workbench.services.safety import trash
from workbench.services.targets import actions as target_actions
from workbench.services.targets.accounts import AccountInput
from workbench.services.targets.contacts import ContactInput
from workbench.store import open_workbench
from workbench.ui.common.context import AppContext
from workbench.ui.targets import labels as target_labels
from workbench.ui.targets import vcard_import
from workbench.ui.targets.account_detail import AccountDetailView
from workbench.ui.targets.contact_edit import ContactEditDialog
from workbench.ui.targets.icp_criteria import IcpCriteriaDialog, IcpCriteriaEditor
from workbench.ui.targets.view import TargetsArea

VCARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana López\r\nN:López;Ana;;;\r\nTITLE:CFO\r\n"
    "EMAIL;TYPE=WORK:ana@acme.com\r\nTEL:+1 202 555 0143\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:no name here\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Berg;Bo\r\nEMAIL;INTERNET:bo@acme.com\r\nEND:VCARD\r\n"
)


@pytest.fixture
def ctx(db_path: Path) -> Iterator[AppContext]:
    context = AppContext(open_workbench(db_path))
    yield context
    context.replace_workbench(None)


@pytest.fixture
def acme(ctx: AppContext) -> int:
    return target_actions.create_account(
        ctx.wb,
        AccountInput("Acme", "acme.com", industry="Logistics", employees=1200, tier="A", is_target=True),
    )


@pytest.fixture
def detail(qtbot: QtBot, ctx: AppContext, acme: int) -> AccountDetailView:
    view = AccountDetailView(ctx)
    qtbot.addWidget(view)
    view.show()
    view.show_account(acme)
    return view


def test_detail_shows_the_account_and_every_small_model_is_sound(
    detail: AccountDetailView, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    assert detail.name_label.text() == "Acme"
    assert "acme.com" in detail.facts_label.text() and "Logistics" in detail.facts_label.text()
    assert "Tier A" in detail.state_label.text()
    assert "missing" in detail.contacts.team_label.text()
    assert detail.history.model.rowCount() == 1  # "made a target"
    for model in (
        detail.contacts.model,
        detail.opportunities.model,
        detail.leads.model,
        detail.history.model,
    ):
        qtmodeltester.check(model)


def test_checklist_changes_the_fit_at_once(
    qtbot: QtBot, ctx: AppContext, acme: int, detail: AccountDetailView
) -> None:
    criteria = target_actions.weighting(ctx.wb).criteria
    changed: list[int] = []
    detail.accountChanged.connect(changed.append)
    # "500–5,000 employees" is answered by Acme's 1,200 employees; the rest is the rep's.
    assert "Fit 33" in detail.checklist.fit_label.text()
    assert detail.checklist.sources[criteria[0].id].text() == "From the account's facts: 1,200 employees"
    first = criteria[1]
    combo = detail.checklist.combos[first.id]
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)  # the first state: met
    assert combo.currentData() == CheckState.MET.value
    evidence = detail.checklist.evidence[first.id]
    qtbot.keyClicks(evidence, "1,200 on LinkedIn")
    qtbot.keyClick(evidence, Qt.Key.Key_Return)
    view = target_actions.account_view(ctx.wb, acme)
    assert view.checklist[1].state == CheckState.MET and view.checklist[1].evidence == "1,200 on LinkedIn"
    mark = detail.checklist.sources[first.id]
    assert mark.property("judgedBy") == "rep"  # no fact answers this one: nothing more said
    assert mark.text() == "" and mark.isHidden()
    assert f"Fit {view.fit.score:.0f}" in detail.checklist.fit_label.text()
    assert "research left" in detail.checklist.fit_label.text()
    assert changed and changed[-1] == acme
    assert target_actions.list_targets(ctx.wb)[0].fit_score == view.fit.score


def test_notes_are_saved_when_leaving_the_field(
    qtbot: QtBot, ctx: AppContext, acme: int, detail: AccountDetailView
) -> None:
    detail.pain_edit.setFocus()
    qtbot.keyClicks(detail.pain_edit, "SDR team doubled; routing by spreadsheet")
    qtbot.keyClick(detail.pain_edit, Qt.Key.Key_Tab)  # Tab leaves the field
    qtbot.waitUntil(
        lambda: (
            target_actions.account_view(ctx.wb, acme).account.pain_hypothesis
            == "SDR team doubled; routing by spreadsheet"
        )
    )


def test_add_a_contact_by_keyboard_and_see_the_team_fill(
    qtbot: QtBot, ctx: AppContext, acme: int, detail: AccountDetailView
) -> None:
    dialog = ContactEditDialog(ctx, detail, account_id=acme, account_name="Acme")
    qtbot.addWidget(dialog)
    dialog.show()
    for text in ("Dee", "Maker", "COO", "Operations"):
        qtbot.keyClicks(dialog.focusWidget(), text)
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    role = dialog.focusWidget()
    assert role is dialog.role_combo
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("decision maker"))
    qtbot.keyClick(role, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.focusWidget(), "dee@@acme")  # a typo: shown, never blocking
    assert dialog.email_problem.text()
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.focusWidget(), "202 555 0143")
    assert "+12025550143" in dialog.phone_problem.text()
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    assert dialog.saved_id is not None
    detail.reload()
    assert detail.contacts.model.rowCount() == 1
    assert "Decision maker" not in detail.contacts.team_label.text().split("missing:")[1]
    saved = target_actions.get_contact(ctx.wb, dialog.saved_id)
    assert (saved.name, saved.email, saved.phone_e164) == ("Dee Maker", "dee@@acme", "+12025550143")
    assert saved.department == "Operations"


def test_a_contact_typed_twice_is_flagged_by_the_duplicate_rules(
    qtbot: QtBot, ctx: AppContext, acme: int, detail: AccountDetailView, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(target_labels, "confirm_discard", lambda _parent: True)
    target_actions.create_contact(ctx.wb, ContactInput("Ana", "López", email="ana@acme.com", account_id=acme))
    dialog = ContactEditDialog(ctx, detail, account_id=acme, account_name="Acme")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.first_edit, "Ana")
    qtbot.keyClick(dialog.first_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.last_edit, "Lopez")
    qtbot.waitUntil(dialog.duplicates_label.isVisible)
    assert "Ana López (similar full name — maybe the same person)" in dialog.duplicates_label.text()
    dialog.email_edit.setFocus()
    qtbot.keyClicks(dialog.email_edit, "ANA@acme.com")
    qtbot.waitUntil(lambda: "Ana López (same email)" in dialog.duplicates_label.text())
    qtbot.keyClick(dialog.email_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.email_edit, "ana.lopez@acme.com")  # another valid email: another person
    qtbot.waitUntil(lambda: not dialog.duplicates_label.isVisible())


def test_vcard_import_lists_what_it_could_not_read(
    qtbot: QtBot, ctx: AppContext, detail: AccountDetailView, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "people.vcf"
    path.write_bytes(VCARDS.encode("utf-8"))
    importer = detail.contacts.importer
    with qtbot.waitSignal(importer.finished, timeout=20_000) as done:
        assert detail.contacts.import_vcard_file(path) is not None
    result = done.args[0]
    assert result is not None and result.created == 2
    report = importer.report
    assert report is not None
    assert "2 contacts added" in report.summary.text() and "1 card skipped" in report.summary.text()
    assert (
        "Card 2" in report.details.toPlainText() and "no name, email or phone" in report.details.toPlainText()
    )
    report.accept()
    qtbot.waitUntil(lambda: detail.contacts.model.rowCount() == 2)
    # The same file again adds nobody.
    with qtbot.waitSignal(importer.finished, timeout=20_000) as again:
        detail.contacts.import_vcard_file(path)
    assert again.args[0].created == 0 and len(again.args[0].already_there) == 2
    bad = tmp_path / "bad.vcf"
    bad.write_text("not a vcard", encoding="utf-8")
    warned: list[str] = []
    monkeypatch.setattr(vcard_import, "warn", lambda _p, _t, text: warned.append(text))
    with qtbot.waitSignal(importer.finished, timeout=20_000) as failed:
        detail.contacts.import_vcard_file(bad)
    assert failed.args[0] is None and "no vCards" in warned[0]


def test_contact_from_a_linked_lead(
    qtbot: QtBot, ctx: AppContext, acme: int, detail: AccountDetailView
) -> None:
    with ctx.wb.session() as s:
        s.add(
            Lead(
                name="Lia Park",
                email="lia@acme.com",
                email_norm="lia@acme.com",
                email_domain="acme.com",
                company="Acme",
                company_norm="acme",
                account_id=acme,
            )
        )
    detail.reload()
    assert detail.leads.model.rowCount() == 1
    detail.lead_contact_button.click()
    qtbot.waitUntil(lambda: detail.contacts.model.rowCount() == 1)
    assert detail.contacts.model.index(0, 0).data() == "Lia Park"


def test_trash_an_account_and_restore_it(
    qtbot: QtBot, ctx: AppContext, acme: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    target_actions.create_contact(ctx.wb, ContactInput("Ana", "López", account_id=acme))
    area = TargetsArea(ctx)
    qtbot.addWidget(area)
    area.show()
    with qtbot.waitSignal(area.populated):  # the first account's detail fills a turn later
        area.activate()
    assert area.model is not None and area.model.rowCount() == 1
    monkeypatch.setattr(target_labels, "confirm", lambda *_a: True)
    area.trash_selected()
    assert area.model.rowCount() == 0 and area.progress.text() == "0 of 20 targets"
    assert trash.restore(ctx.wb, "account", [acme]) == 1
    area.reload()
    assert area.model.rowCount() == 1
    assert len(target_actions.account_view(ctx.wb, acme).contacts) == 1


def test_criteria_editor_normalises_and_saves(
    qtbot: QtBot, ctx: AppContext, acme: int, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    editor = IcpCriteriaEditor(ctx)
    qtbot.addWidget(editor)
    editor.show()
    model = editor.model
    qtmodeltester.check(model)
    assert model.rowCount() == 5 and not editor.is_dirty()
    for row in range(model.rowCount()):
        assert model.setData(model.index(row, 1), 0)
    assert editor.note.isVisible() and "counts the same" in editor.note.text()
    assert model.index(0, 2).data() == "20 %"
    assert not model.setData(model.index(0, 1), -3)  # refused, never stored
    assert not model.setData(model.index(0, 0), "   ")
    editor.add_criterion()
    QApplication.processEvents()
    assert model.rowCount() == 6 and editor.is_dirty()
    editor.table.setCurrentIndex(model.index(5, 0))
    editor.move_current(-1)
    assert model.index(4, 0).data() == "New criterion"
    editor.save()
    names = [c.name for c in target_actions.weighting(ctx.wb).criteria]
    assert names[4] == "New criterion" and len(names) == 6


def test_criteria_template_round_trip_and_bad_files(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = IcpCriteriaEditor(ctx)
    qtbot.addWidget(editor)
    out = tmp_path / "team-icp.json"
    assert editor.write_template(out)
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["format"] == "prospecting-workbench-icp" and len(document["criteria"]) == 5
    document["criteria"] = [{"name": "Uses Salesforce", "weight": 4}, {"name": "EU based"}]
    out.write_text(json.dumps(document), encoding="utf-8")
    assert editor.apply_template(out)
    assert [editor.model.index(r, 0).data() for r in range(2)] == ["Uses Salesforce", "EU based"]
    assert editor.model.index(0, 2).data() == "80 %"
    warned: list[str] = []
    monkeypatch.setattr(target_labels, "warn", lambda _p, _t, text: warned.append(text))
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"format": "prospecting-workbench-icp", "version": 1, "criteria": [{"name": "X", "weight": -1}]}'
    )
    assert not editor.apply_template(bad)
    assert "weight" in warned[0]
    assert editor.model.rowCount() == 2  # what was being edited is kept


def test_criteria_dialog_asks_before_discarding_edits(
    qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = [False, True]
    monkeypatch.setattr(target_labels, "confirm_discard", lambda _p: answers.pop(0))
    dialog = IcpCriteriaDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.editor.model.setData(dialog.editor.model.index(0, 1), 9)
    dialog.reject()
    assert dialog.isVisible()
    dialog.reject()
    assert not dialog.isVisible() and answers == []
    assert target_actions.weighting(ctx.wb).criteria[0].weight == 3.0  # nothing saved


def test_judging_criteria_by_keyboard_keeps_the_focus_and_updates_the_list(
    qtbot: QtBot, ctx: AppContext, acme: int
) -> None:
    area = TargetsArea(ctx)
    qtbot.addWidget(area)
    area.show()
    with qtbot.waitSignal(area.populated):  # the first account's detail fills a turn later
        area.activate()
    checklist = area.detail.checklist
    combos = list(checklist.combos.values())
    combos[0].setFocus()
    for combo in combos[:2]:
        assert area.focusWidget() is combo
        qtbot.keyClick(combo, Qt.Key.Key_Home)  # met
        qtbot.keyClick(combo, Qt.Key.Key_Tab)  # to its evidence
        qtbot.keyClick(area.focusWidget(), Qt.Key.Key_Tab)  # to the next criterion
    assert area.focusWidget() is combos[2]
    assert list(checklist.combos.values()) == combos  # updated in place, not rebuilt
    fit = target_actions.account_view(ctx.wb, acme).fit
    assert fit.met == 2
    assert area.model is not None
    column = area.model.source.column_index("fit")
    assert area.model.index(0, column).data() == f"{fit.score:.0f}"


def test_long_evidence_shows_from_its_start_with_a_tooltip(
    qtbot: QtBot, ctx: AppContext, acme: int, detail: AccountDetailView
) -> None:
    first = target_actions.weighting(ctx.wb).criteria[0]
    long = "Annual report 2025: 1,200 staff across four offices, hiring 40 SDRs this spring per LinkedIn"
    target_actions.set_check(ctx.wb, acme, first.id, CheckState.MET, long)
    detail.show_account(acme)
    qtbot.waitUntil(lambda: detail.checklist.evidence[first.id].text() == long)
    evidence = detail.checklist.evidence[first.id]
    assert evidence.cursorPosition() == 0  # the start is what shows, not the end
    assert evidence.toolTip() == long
