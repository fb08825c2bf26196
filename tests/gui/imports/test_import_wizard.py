"""The import wizard as a rep uses it: Ctrl+I, a file typed in, the mapping corrected
with the keyboard, the preview with duplicate choices, the import in the background
with progress and Cancel, the summary, rejected rows saved, and Undo import."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from tests.support.import_files import leads_file, write_csv
from workbench.domain import Lead, table_of
from workbench.exchange.mapping import Field
from workbench.services.clock import fixed_clock
from workbench.services.imports import history as import_history
from workbench.services.imports.options import DupAction, ImportProgress
from workbench.services.imports.run import ImportOptions, run_import
from workbench.store import Workbench
from workbench.ui.common.context import AppContext
from workbench.ui.imports import wizard as wizard_mod
from workbench.ui.imports.history import ImportHistoryDialog
from workbench.ui.imports.wizard import FILE, MAPPING, PREVIEW, SUMMARY, ImportWizard
from workbench.ui.shell.main_window import MainWindow

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
L: Any = table_of(Lead).c


def names(wb: Workbench) -> list[str]:
    from sqlalchemy import select

    with wb.engine.connect() as conn:
        return [
            str(n)
            for n in conn.execute(select(L.name).where(L.deleted_at.is_(None)).order_by(L.id)).scalars()
        ]


@pytest.fixture
def ctx(wb: Workbench) -> AppContext:
    return AppContext(wb, fixed_clock(NOW))


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Yes/no answers the wizard's and history's questions get, in order (default yes)."""
    given: list[bool] = []

    def confirm(cls: Any, parent: Any, title: str, text: str) -> bool:
        return given.pop(0) if given else True

    monkeypatch.setattr(ImportWizard, "confirm", classmethod(confirm))
    monkeypatch.setattr(ImportHistoryDialog, "confirm", classmethod(confirm))
    return given


@pytest.fixture
def wizard(qtbot: QtBot, ctx: AppContext, answers: list[bool]) -> Iterator[ImportWizard]:
    dialog = ImportWizard(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    yield dialog
    if dialog.job is not None:
        dialog.job.cancel()
        qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)


def type_path(qtbot: QtBot, wizard: ImportWizard, path: Path) -> None:
    """Type a path and press Enter: the file is read and, when it can be, the wizard
    moves on to the mapping (Next is the default button)."""
    edit = wizard.file_page.path_edit
    edit.setFocus()
    qtbot.keyClicks(edit, str(path))
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    # The file is read on a worker; Enter (Next) moves on once it is.
    qtbot.waitUntil(lambda: not wizard.reading(), timeout=20_000)


def preview(qtbot: QtBot, wizard: ImportWizard) -> Any:
    with qtbot.waitSignal(wizard.previewed, timeout=20_000) as ready:
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    return ready.args[0]


def test_import_from_start_to_undo(
    qtbot: QtBot, qtmodeltester: Any, wizard: ImportWizard, wb: Workbench, tmp_path: Path, monkeypatch: Any
) -> None:
    run_import(wb, leads_file(tmp_path / "old.csv", [["Ana", "López", "Acme", "ana@acme.com", "", ""]]))
    header = ["First Name", "Last Name", "Firm", "E-mail", "Phone", "Created", "Badge"]
    rows = [
        header,
        ["Ana", "Lopez", "ACME", "ana@acme.com", "+1 415 555 0101", "05.01.2024", "B1"],
        ["Jürgen", "Müller", "Müller GmbH", "jm@mueller.de", "", "06.01.2024", "B2"],
        ["", "", "", "", "", "", "B3"],
        ["Łukasz", "Wąsik", "Łódź Logistics", "lw@lodz.pl", "", "07.01.2024", "B4"],
    ]
    path = write_csv(tmp_path / "badges.csv", rows, delimiter=";", encoding="utf-16")
    type_path(qtbot, wizard, path)
    assert wizard.preview_data is not None
    assert "utf-16" in wizard.file_page.detected.text() and "semicolon" in wizard.file_page.detected.text()
    qtmodeltester.check(wizard.file_page.rows_model)
    assert wizard.page() == MAPPING
    model = wizard.mapping_page.model
    qtmodeltester.check(model)
    assert model.mapping[:6] == [
        Field.FIRST_NAME,
        Field.LAST_NAME,
        Field.COMPANY,
        Field.EMAIL,
        Field.PHONE,
        Field.RECEIVED_AT,
    ]
    # the rep maps "Badge" to ignore with the keyboard: select the cell, type, Enter
    table = wizard.mapping_page.table
    table.setFocus()
    table.setCurrentIndex(model.index(6, model.FIELD_COLUMN))
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = table.indexWidget(table.currentIndex())
    assert isinstance(editor, QComboBox)
    qtbot.keyClicks(editor, "Ig")  # keyboard search in the list
    assert editor.currentData() == Field.IGNORE.value
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: model.mapping[6] is Field.IGNORE)  # the view commits queued
    wizard.mapping_page.on_duplicate.setCurrentIndex(
        wizard.mapping_page.on_duplicate.findData(DupAction.MERGE)
    )

    result = preview(qtbot, wizard)
    assert wizard.page() == PREVIEW
    assert (result.rows, result.inserted, result.merged, result.rejected) == (4, 2, 1, 1)
    for model_ in (wizard.preview_page.rows, wizard.preview_page.problems, wizard.preview_page.groups):
        qtmodeltester.check(model_)
    assert "4 rows" in wizard.preview_page.status.text()
    groups = wizard.preview_page.groups
    assert groups.rowCount() == 1 and groups.action_of(0) is DupAction.MERGE
    # per group: skip this one after all
    wizard.preview_page.groups_view.selectRow(0)
    qtbot.mouseClick(wizard.preview_page.group_buttons[DupAction.SKIP], Qt.MouseButton.LeftButton)
    assert groups.choices == {"lead:1": DupAction.SKIP}
    assert names(wb) == ["Ana López"]  # the preview wrote nothing
    assert wizard.next_button.text().replace("&", "") == "Import" and wizard.next_button.isEnabled()

    with qtbot.waitSignal(wizard.imported, timeout=20_000) as done:
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    imported = done.args[0]
    assert wizard.page() == SUMMARY
    assert (imported.inserted, imported.merged, imported.skipped_duplicates, imported.rejected) == (
        2,
        0,
        1,
        1,
    )
    assert "Imported 2 new leads" in wizard.summary_page.text.text()
    if wb.is_file:  # where the workbench as it was before the import is kept
        assert imported.backup is not None and imported.backup.name in wizard.summary_page.text.text()
    assert names(wb) == ["Ana López", "Jürgen Müller", "Łukasz Wąsik"]

    saved = tmp_path / "rejected.csv"
    monkeypatch.setattr(ImportWizard, "ask_save_path", classmethod(lambda cls, parent, suggested: saved))
    assert wizard.summary_page.save_rejects.isEnabled()
    qtbot.mouseClick(wizard.summary_page.save_rejects, Qt.MouseButton.LeftButton)
    with saved.open(encoding="utf-8-sig", newline="") as fh:
        written = list(csv.reader(fh))
    assert written[0] == [*header, "reason"] and written[1][-1] == "no name and no company"

    history = ImportHistoryDialog(wizard.ctx, wizard)
    qtbot.addWidget(history)
    qtmodeltester.check(history.model)
    assert [b.file_name for b in history.model.items] == ["badges.csv", "old.csv"]
    qtbot.mouseClick(history.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "undone" in history.status.text(), timeout=20_000)
    assert names(wb) == ["Ana López"]
    assert history.model.items[0].undone and not history.undo_button.isEnabled()
    history.close()
    wizard.close()
    assert not wizard.isVisible()


def test_unreadable_file_and_overrides(qtbot: QtBot, wizard: ImportWizard, tmp_path: Path) -> None:
    binary = tmp_path / "photo.csv"
    binary.write_bytes(bytes(range(256)) * 40)
    type_path(qtbot, wizard, binary)
    assert "cannot be read" in wizard.file_page.error.text()
    assert wizard.page() == FILE and not wizard.next_button.isEnabled()
    text_file = write_csv(tmp_path / "names.csv", [["Name", "Company"], ["José", "Café"]], encoding="cp1252")
    wizard.file_page.path_edit.clear()
    type_path(qtbot, wizard, text_file)
    qtbot.mouseClick(wizard.back_button, Qt.MouseButton.LeftButton)
    assert wizard.page() == FILE and wizard.file_page.error.text() == ""
    assert wizard.preview_data.rows[0].values == ["José", "Café"]
    combo = wizard.file_page.encoding
    combo.setCurrentIndex(combo.findData("utf-8"))
    combo.activated.emit(combo.currentIndex())  # as when the rep picks it from the list
    qtbot.waitUntil(lambda: wizard.preview_data is not None, timeout=20_000)
    assert wizard.preview_data.format.encoding == "utf-8"
    assert wizard.preview_data.rows[0].values == ["Jos\ufffd", "Caf\ufffd"]


def test_mapping_must_name_a_person_or_company(qtbot: QtBot, wizard: ImportWizard, tmp_path: Path) -> None:
    type_path(qtbot, wizard, write_csv(tmp_path / "m.csv", [["Mail", "Phone"], ["a@b.com", "1"]]))
    assert wizard.page() == MAPPING
    assert not wizard.next_button.isEnabled()
    assert "name or a company" in wizard.mapping_page.problem.text()
    wizard.mapping_page.model.setData(wizard.mapping_page.model.index(0, 2), Field.COMPANY.value)
    assert wizard.next_button.isEnabled() and wizard.mapping_page.problem.text() == ""


def test_presets_are_saved_and_applied(
    qtbot: QtBot, wizard: ImportWizard, wb: Workbench, tmp_path: Path, monkeypatch: Any
) -> None:
    type_path(qtbot, wizard, write_csv(tmp_path / "p.csv", [["Who", "Org", "X"], ["Ann Lee", "Acme", "1"]]))
    model = wizard.mapping_page.model
    model.setData(model.index(0, 2), Field.FULL_NAME.value)
    model.setData(model.index(2, 2), Field.IGNORE.value)
    monkeypatch.setattr(
        ImportWizard, "ask_text", classmethod(lambda cls, parent, title, label, text="": "Fair")
    )
    qtbot.mouseClick(wizard.mapping_page.save_preset, Qt.MouseButton.LeftButton)
    assert import_history.presets(wb) == {"Fair": {"Who": "full_name", "Org": "company", "X": "ignore"}}
    preset_combo = wizard.mapping_page.preset
    assert preset_combo.currentData() == "Fair"
    preset_combo.setCurrentIndex(0)  # back to the guesses
    preset_combo.activated.emit(0)
    assert model.mapping == [None, Field.COMPANY, None]
    preset_combo.setCurrentIndex(preset_combo.findData("Fair"))
    preset_combo.activated.emit(preset_combo.currentIndex())
    assert model.mapping == [Field.FULL_NAME, Field.COMPANY, Field.IGNORE]
    assert wizard.mapping_page.delete_preset.isEnabled()
    qtbot.mouseClick(wizard.mapping_page.delete_preset, Qt.MouseButton.LeftButton)
    assert import_history.presets(wb) == {} and preset_combo.count() == 1


def test_cancel_during_import_writes_nothing(
    qtbot: QtBot, wizard: ImportWizard, wb: Workbench, tmp_path: Path, answers: list[bool]
) -> None:
    rows = [[f"P{i}", "Lee", f"Co {i}", f"p{i}@c{i}.example", "", ""] for i in range(12_000)]
    type_path(qtbot, wizard, leads_file(tmp_path / "big.csv", rows))
    preview(qtbot, wizard)
    stopped: list[str] = []
    backing_up: list[str] = []

    def stop_at_first_progress(progress: Any) -> None:
        if progress.phase == "backup":  # the backup before the import says so
            backing_up.append(wizard.progress_page.rate.text())
            return
        if not stopped and wizard.job is not None:
            answers.append(False)  # "Stop the import?" — no, keep going…
            wizard.reject()
            assert wizard.job is not None and not wizard.job.cancelled
            qtbot.keyClick(wizard, Qt.Key.Key_Escape)  # …then yes (the default answer)
            stopped.append(wizard.progress_page.rate.text())

    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.job is not None
    wizard.job.signals.progress.connect(stop_at_first_progress)
    qtbot.waitUntil(lambda: wizard.job is None, timeout=60_000)
    assert stopped and "rows/s" in stopped[0]
    assert backing_up and "Backing up the workbench first" in backing_up[0]
    assert wizard.page() == PREVIEW and "Cancelled" in wizard.preview_page.status.text()
    assert names(wb) == [] and import_history.list_batches(wb) == []
    assert wizard.next_button.isEnabled()  # the rep may try again


def test_same_file_again_says_so(qtbot: QtBot, wizard: ImportWizard, wb: Workbench, tmp_path: Path) -> None:
    path = leads_file(tmp_path / "once.csv", [["Ann", "Lee", "Acme", "ann@acme.com", "", ""]])
    run_import(wb, path, ImportOptions())
    type_path(qtbot, wizard, path)
    result = preview(qtbot, wizard)
    assert result.already_imported is not None
    assert "imported already" in wizard.preview_page.status.text()
    assert not wizard.next_button.isEnabled()


def test_leaving_a_started_import_asks_first(
    qtbot: QtBot, wizard: ImportWizard, tmp_path: Path, answers: list[bool]
) -> None:
    type_path(qtbot, wizard, write_csv(tmp_path / "a.csv", [["Name"], ["Ann"]]))
    answers.append(False)
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    assert wizard.isVisible() and wizard.page() == MAPPING
    answers.append(True)
    qtbot.mouseClick(wizard.cancel_button, Qt.MouseButton.LeftButton)
    assert not wizard.isVisible()


def test_file_menu_opens_the_wizard_with_ctrl_i(qtbot: QtBot, ctx: AppContext, answers: list[bool]) -> None:
    window = MainWindow(ctx, start_area="today")
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    actions = window.import_actions  # type: ignore[attr-defined]
    assert actions.import_leads.shortcut().toString() == "Ctrl+I"
    assert actions.import_leads in window.menu("File").actions()
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    wizard = actions.wizard
    assert isinstance(wizard, wizard_mod.ImportWizard)
    qtbot.waitExposed(wizard)
    wizard.close()
    qtbot.waitUntil(lambda: actions.wizard is None)


def test_a_big_file_is_read_on_a_worker_and_cancel_stops_it(
    qtbot: QtBot, wizard: ImportWizard, wb: Workbench, tmp_path: Path
) -> None:
    # Excel's CSV on Western Windows: cp1252, so the encoding is worked out as well.
    path = tmp_path / "big.csv"
    with path.open("w", encoding="cp1252", newline="") as fh:
        fh.write("First Name,Last Name,Company,Email\n")
        fh.writelines(f"José{i},Müller,Café {i},p{i}@c{i}.example\n" for i in range(200_000))
    seen: list[bool] = []

    def tick() -> None:
        # The event loop runs while the file is read, and the rep can press Cancel.
        seen.append(wizard.reading())
        if wizard.reading():
            assert wizard.file_page.read_bar.isVisible()
            qtbot.mouseClick(wizard.cancel_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, tick)
    wizard.open_path(path)
    assert wizard.reading()
    qtbot.waitUntil(lambda: bool(seen), timeout=20_000)
    assert seen == [True]
    assert not wizard.reading() and wizard.isVisible() and wizard.page() == FILE
    assert "cancelled" in wizard.file_page.error.text()
    assert wizard.preview_data is None and not wizard.next_button.isEnabled()
    assert not wizard.file_page.read_bar.isVisible()
    assert names(wb) == [] and import_history.list_batches(wb) == []
    # The wizard is usable: the same file read to the end, then on to the mapping.
    with qtbot.waitSignal(wizard.fileRead, timeout=20_000) as done:
        wizard.open_path(path)
    assert done.args[0] is not None and wizard.preview_data is not None
    assert wizard.preview_data.rows[0].values[:2] == ["José0", "Müller"]
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.page() == MAPPING


def test_counts_read_1_row_and_1_new_lead(qtbot: QtBot, wizard: ImportWizard, tmp_path: Path) -> None:
    type_path(qtbot, wizard, write_csv(tmp_path / "one.csv", [["Company"], ["Acme"]]))
    assert "; 1 column, header on line 1." in wizard.file_page.detected.text()
    preview(qtbot, wizard)
    status = wizard.preview_page.status.text()
    assert "<b>1 row</b>: 1 new lead, 0 duplicates (0 merged, 0 already present, 0 kept as new)" in status
    wizard._preview_progress(ImportProgress(rows=1, fraction=0.5, inserted=0, seconds=1.0))
    assert wizard.preview_page.status.text() == "Checking… 1 row (1 row/s)"
    with qtbot.waitSignal(wizard.imported, timeout=20_000):
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    summary = wizard.summary_page.text.text()
    assert "<b>Imported 1 new lead</b> from one.csv" in summary
    assert "0 already present, 0 duplicates kept as new leads, 0 rejected" in summary
    wizard._import_progress(ImportProgress(rows=1, fraction=1.0, inserted=1, seconds=1.0))
    assert wizard.progress_page.rate.text() == "1 row read, 1 new lead — 1 row/s"


def test_counts_read_rows_and_new_leads_for_several(
    qtbot: QtBot, wizard: ImportWizard, wb: Workbench, tmp_path: Path
) -> None:
    run_import(wb, leads_file(tmp_path / "old.csv", [["Ana", "López", "Acme", "ana@acme.com", "", ""]]))
    rows = [
        ["Ana", "López", "Acme", "ana@acme.com", "", ""],
        ["Ben", "Ray", "Ray Ltd", "ben@ray.example", "", ""],
        ["Cy", "Fox", "Fox AG", "cy@fox.example", "", ""],
    ]
    type_path(qtbot, wizard, leads_file(tmp_path / "three.csv", rows))
    assert "; 6 columns, header on line 1." in wizard.file_page.detected.text()
    wizard.mapping_page.on_duplicate.setCurrentIndex(
        wizard.mapping_page.on_duplicate.findData(DupAction.KEEP)
    )
    preview(qtbot, wizard)
    status = wizard.preview_page.status.text()
    assert "<b>3 rows</b>: 2 new leads, 1 duplicate (0 merged, 0 already present, 1 kept as new)" in status
    wizard._preview_progress(ImportProgress(rows=2_500, fraction=0.5, inserted=0, seconds=2.0))
    assert wizard.preview_page.status.text() == "Checking… 2,500 rows (1,250 rows/s)"
    with qtbot.waitSignal(wizard.imported, timeout=20_000):
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    summary = wizard.summary_page.text.text()
    assert "<b>Imported 3 new leads</b> from three.csv" in summary
    assert "0 already present, 1 duplicate kept as new leads, 0 rejected" in summary
    wizard._import_progress(ImportProgress(rows=2_500, fraction=1.0, inserted=3, seconds=2.0))
    assert wizard.progress_page.rate.text() == "2,500 rows read, 3 new leads — 1,250 rows/s"


@pytest.mark.parametrize(
    ("leads", "said"), [(1, "its 1 lead is present."), (2, "all 2 of its leads are present.")]
)
def test_the_same_file_again_counts_its_leads(
    qtbot: QtBot, wizard: ImportWizard, wb: Workbench, tmp_path: Path, leads: int, said: str
) -> None:
    rows = [[f"Ann{i}", "Lee", f"Acme {i}", f"ann{i}@acme.com", "", ""] for i in range(leads)]
    path = leads_file(tmp_path / "again.csv", rows)
    run_import(wb, path, ImportOptions())
    type_path(qtbot, wizard, path)
    preview(qtbot, wizard)
    assert wizard.preview_page.status.text().endswith("Importing it again would add nothing: " + said)
