"""A company list in the import wizard (issue 18): offered as accounts, onto the target
list or as other accounts; the preview counts new / already present / merged and says
when the list goes over its goal; Undo import in the history removes what it made."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from tests.support.import_files import write_csv
from workbench.domain import Account, table_of
from workbench.services.clock import fixed_clock
from workbench.services.imports.options import ImportAs
from workbench.services.settings import values as settings
from workbench.services.targets import accounts as targets_accounts
from workbench.store import Workbench
from workbench.ui.common.context import AppContext
from workbench.ui.imports.history import ImportHistoryDialog
from workbench.ui.imports.wizard import FILE, MAPPING, SUMMARY, ImportWizard

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
A: Any = table_of(Account).c
ROWS = [
    ["Name", "Website", "Industry", "Employees", "Country"],
    ["Ferrell LLC", "https://price.net/", "Plastics", "3498", "Finland"],
    ["Acme Corporation", "www.acme.com", "Machinery", "120", "Germany"],
    ["Dijkstra BV", "dijkstra.nl", "Logistics", "1.200", "Netherlands"],
    ["Dijkstra B.V.", "https://www.dijkstra.nl/contact", "", "", ""],
]


def stored(wb: Workbench) -> list[tuple[str, bool]]:
    with wb.engine.connect() as conn:
        stmt = select(A.name, A.is_target).where(A.deleted_at.is_(None)).order_by(A.id)
        return [(str(n), bool(t)) for n, t in conn.execute(stmt)]


@pytest.fixture
def wizard(qtbot: QtBot, wb: Workbench, monkeypatch: pytest.MonkeyPatch) -> Iterator[ImportWizard]:
    monkeypatch.setattr(ImportWizard, "confirm", classmethod(lambda cls, *a: True))
    monkeypatch.setattr(ImportHistoryDialog, "confirm", classmethod(lambda cls, *a: True))
    dialog = ImportWizard(AppContext(wb, fixed_clock(NOW)))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    yield dialog
    if dialog.job is not None:
        dialog.job.cancel()
        qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)


def open_file(qtbot: QtBot, wizard: ImportWizard, path: Path) -> None:
    edit = wizard.file_page.path_edit
    edit.setFocus()
    qtbot.keyClicks(edit, str(path))
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.page() == MAPPING, timeout=20_000)


def preview(qtbot: QtBot, wizard: ImportWizard) -> Any:
    with qtbot.waitSignal(wizard.previewed, timeout=20_000) as ready:
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    return ready.args[0]


def test_a_company_list_goes_onto_the_target_list_and_is_undone(
    qtbot: QtBot, wizard: ImportWizard, wb: Workbench, tmp_path: Path
) -> None:
    with wb.session() as session:
        targets_accounts.create_account(
            session, targets_accounts.AccountInput("Acme Corporation", "acme.com")
        )
    settings.write(wb, "targets.goal", 2)
    open_file(qtbot, wizard, write_csv(tmp_path / "bought.csv", ROWS))
    page = wizard.mapping_page
    assert page.company_note.isVisible()
    assert page.chosen_as() is ImportAs.TARGETS  # offered as accounts, onto the list
    assert not page.source.isEnabled() and not page.on_duplicate.isEnabled()  # leads' choices
    result = preview(qtbot, wizard)
    assert (result.inserted, result.skipped_duplicates, result.merged) == (2, 1, 1)
    status = wizard.preview_page.status.text()
    assert "<b>4 rows</b>: 2 new accounts onto your target list, 1 already present" in status
    assert "1 merged" in status and "3 active targets, its goal is 2" in status
    assert "1 over the goal" in status
    rows = wizard.preview_page.rows
    assert rows.headerData(3, Qt.Orientation.Horizontal) == "Domain"
    assert [rows.index(r, 3).data() for r in range(rows.rowCount())] == [
        "price.net",
        "acme.com",
        "dijkstra.nl",
        "dijkstra.nl",
    ]
    assert stored(wb) == [("Acme Corporation", False)]  # the preview wrote nothing

    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)  # Import
    qtbot.waitUntil(lambda: wizard.page() == SUMMARY, timeout=30_000)
    assert "2 new accounts onto your target list" in wizard.summary_page.text.text()
    assert stored(wb) == [("Acme Corporation", True), ("Ferrell LLC", True), ("Dijkstra BV", True)]

    history = ImportHistoryDialog(wizard.ctx, wizard)
    qtbot.addWidget(history)
    history.show()
    history.table.selectRow(0)
    assert history.model.index(0, 4).data() == "2 accounts"
    qtbot.mouseClick(history.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: history.job is None, timeout=20_000)
    assert (
        "2 accounts removed" in history.status.text()
        and "1 taken off the target list" in history.status.text()
    )
    assert stored(wb) == [("Acme Corporation", False)]


def test_the_rep_chooses_other_accounts_with_the_keyboard(
    qtbot: QtBot, wizard: ImportWizard, wb: Workbench, tmp_path: Path
) -> None:
    open_file(qtbot, wizard, write_csv(tmp_path / "list.csv", ROWS))
    combo = wizard.mapping_page.import_as
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert wizard.mapping_page.chosen_as() is ImportAs.ACCOUNTS
    result = preview(qtbot, wizard)
    assert result.import_as is ImportAs.ACCOUNTS and result.inserted == 3
    assert "as other accounts" in wizard.preview_page.status.text()
    assert "goal" not in wizard.preview_page.status.text()
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.page() == SUMMARY, timeout=30_000)
    assert stored(wb) == [("Ferrell LLC", False), ("Acme Corporation", False), ("Dijkstra BV", False)]


def test_a_lead_list_stays_leads_and_accounts_need_a_company(
    qtbot: QtBot, wizard: ImportWizard, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "people.csv", [["First Name", "Email", "Website"], ["Ann", "ann@acme.com", "acme.com"]]
    )
    open_file(qtbot, wizard, path)
    page = wizard.mapping_page
    assert not page.company_note.isVisible() and page.chosen_as() is ImportAs.LEADS
    assert wizard.next_button.isEnabled()
    page.import_as.setCurrentIndex(page.import_as.findData(ImportAs.ACCOUNTS))
    assert not wizard.next_button.isEnabled() and "company" in page.problem.text()
    qtbot.mouseClick(wizard.back_button, Qt.MouseButton.LeftButton)
    assert wizard.page() == FILE


def test_one_company_already_present_reads_1_row_and_1_active_target(
    qtbot: QtBot, wizard: ImportWizard, wb: Workbench, tmp_path: Path
) -> None:
    with wb.session() as session:
        targets_accounts.create_account(
            session, targets_accounts.AccountInput("Acme Corporation", "acme.com")
        )
    settings.write(wb, "targets.goal", 5)
    open_file(qtbot, wizard, write_csv(tmp_path / "one.csv", [ROWS[0], ROWS[2]]))
    preview(qtbot, wizard)
    status = wizard.preview_page.status.text()
    assert "<b>1 row</b>: 0 new accounts onto your target list, 0 already present, 1 merged" in status
    assert "1 account already present goes onto the target list." in status
    assert "The target list: 1 active target, its goal is 5." in status


def test_one_new_company_reads_1_new_account_in_the_preview_summary_and_history(
    qtbot: QtBot, wizard: ImportWizard, tmp_path: Path
) -> None:
    open_file(qtbot, wizard, write_csv(tmp_path / "new.csv", [ROWS[0], ROWS[1]]))
    preview(qtbot, wizard)
    status = wizard.preview_page.status.text()
    assert "<b>1 row</b>: 1 new account onto your target list, 0 already present" in status
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)  # Import
    qtbot.waitUntil(lambda: wizard.page() == SUMMARY, timeout=30_000)
    assert "1 new account onto your target list" in wizard.summary_page.text.text()
    history = ImportHistoryDialog(wizard.ctx, wizard)
    qtbot.addWidget(history)
    assert history.model.index(0, 4).data() == "1 account"
