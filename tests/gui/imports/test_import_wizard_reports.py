"""The import wizard with files from real tools (issue 18): a webinar report's header
found below its preamble and changeable, footers shown as ignored, people who only
look alike kept by default and shown for review."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.support.import_files import write_csv
from workbench.services.clock import fixed_clock
from workbench.services.imports.options import DupAction
from workbench.services.imports.run import run_import
from workbench.store import Workbench
from workbench.ui.common.context import AppContext
from workbench.ui.imports.wizard import FILE, MAPPING, PREVIEW, ImportWizard

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

REPORT = [
    ["Attendee Report"],
    ["Report Generated:", "3/2/2026 9:00"],
    ["Host Details"],
    ["Attended", "User Name (Original Name)", "Email", "Join Time"],
    ["Yes", "Dana Host", "dana@vendor.com", "3/1/2026 15:55"],
    ["Attendee Details"],
    ["Attended", "First Name", "Last Name", "Organization", "Email", "Registration Time"],
    ["Yes", "Ana", "Lopez", "Acme", "", "2/20/2026 10:00"],
    ["No", "Bo", "Chen", "Beta", "bo@beta.io", "2/21/2026 11:00"],
    ["Total (2 records)"],
    ["Confidential Information - Do Not Distribute"],
]


@pytest.fixture
def wizard(qtbot: QtBot, wb: Workbench, monkeypatch: pytest.MonkeyPatch) -> Iterator[ImportWizard]:
    # Closing the wizard mid-way asks first; the test's answer is yes.
    monkeypatch.setattr(ImportWizard, "confirm", classmethod(lambda cls, *a: True))
    dialog = ImportWizard(AppContext(wb, fixed_clock(NOW)))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    yield dialog
    if dialog.job is not None:
        dialog.job.cancel()
        qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)


def test_a_webinar_report_in_the_wizard(
    qtbot: QtBot, wizard: ImportWizard, wb: Workbench, tmp_path: Path
) -> None:
    # Ana López is already a lead, with an email; the report has her without one.
    seed = write_csv(
        tmp_path / "seed.csv", [["Name", "Company", "Email"], ["Ana López", "Acme", "ana@acme.com"]]
    )
    run_import(wb, seed, clock=fixed_clock(NOW))
    path = write_csv(tmp_path / "webinar.csv", REPORT)
    edit = wizard.file_page.path_edit
    edit.setFocus()
    qtbot.keyClicks(edit, str(path))
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.page() == MAPPING)
    assert wizard.preview_data is not None and wizard.preview_data.header_line == 7
    assert "header on line 7 (6 lines above it skipped)" in wizard.file_page.detected.text()

    # The rep says the header is elsewhere, then back to finding it.
    qtbot.mouseClick(wizard.back_button, Qt.MouseButton.LeftButton)
    assert wizard.page() == FILE
    spin = wizard.file_page.header_row
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "4")
    qtbot.keyClick(spin, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: wizard.preview_data is not None and wizard.preview_data.header_line == 4)
    assert wizard.preview_data.headers[1] == "User Name (Original Name)"
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "0")
    qtbot.keyClick(spin, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: wizard.preview_data is not None and wizard.preview_data.header_line == 7)

    wizard.stack.setCurrentIndex(MAPPING)
    wizard._update_buttons()
    with qtbot.waitSignal(wizard.previewed, timeout=20_000) as ready:
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    result: Any = ready.args[0]
    assert wizard.page() == PREVIEW
    assert (result.rows, result.rejected, result.footer_lines) == (2, 0, 2)
    status = wizard.preview_page.status.text()
    assert "header on line 7; 6 lines above it skipped; 2 footer lines ignored" in status
    groups = wizard.preview_page.groups
    assert groups.rowCount() == 1
    assert "maybe the same person" in groups.data(groups.index(0, 2))
    assert groups.action_of(0) is DupAction.KEEP  # possible duplicates: both kept unless the rep says
