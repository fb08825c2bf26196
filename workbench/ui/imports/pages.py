"""The pages of the import wizard: file, mapping, preview, progress, summary.

Pages only show and collect; the wizard (:mod:`import_wizard`) moves between them and
runs the services. No page runs SQL: the one read they need (the saved presets and
sources) is handed to them.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.exchange.dates import DateOrder
from workbench.exchange.mapping import FIELD_LABELS, Field
from workbench.exchange.readers import DELIMITER_NAMES, ENCODINGS, Preview
from workbench.services.imports.file_preview import FilePreview
from workbench.services.imports.options import DupAction, ImportAs, ImportResult
from workbench.services.imports.rows import Unmapped
from workbench.ui.common.plain import plain
from workbench.ui.common.plural import plural
from workbench.ui.common.widgets import configure_big_table
from workbench.ui.imports.models import (
    GroupsModel,
    ListModel,
    MappingModel,
    account_sample_model,
    action_label,
    problems_model,
    raw_rows_model,
    sample_model,
)

_Index = QModelIndex | QPersistentModelIndex


class ChoiceDelegate(QStyledItemDelegate):
    """Edits a cell with a combo box of (value, label) choices."""

    def __init__(self, choices: Sequence[tuple[str, str]], parent: Any = None) -> None:
        super().__init__(parent)
        self.choices = list(choices)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        combo = QComboBox(parent)
        for value, label in self.choices:
            combo.addItem(label, value)
        return combo

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        value = index.data(Qt.ItemDataRole.EditRole)
        found = editor.findData(value)
        editor.setCurrentIndex(max(found, 0))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


def _table(parent: QWidget, model: QAbstractItemModel, widths: Sequence[int] = ()) -> QTableView:
    view = QTableView(parent)
    configure_big_table(view)
    view.setSortingEnabled(False)
    view.setModel(model)
    for column, width in enumerate(widths):
        view.setColumnWidth(column, width)
    return view


def _combo(parent: QWidget, items: Sequence[tuple[str, Any]]) -> QComboBox:
    combo = QComboBox(parent)
    for label, data in items:
        combo.addItem(label, data)
    return combo


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(f"<b>{text}</b>", parent)
    label.setWordWrap(True)
    return label


class FilePage(QWidget):
    """Which file, read how: encoding, delimiter, sheet — detected, with overrides."""

    browse = Signal()
    optionsChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(_heading(self.tr("Choose the file with your leads (CSV, TSV, TXT, XLSX)."), self))
        row = QHBoxLayout()
        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("importPath")
        self.path_edit.setPlaceholderText(self.tr("Path of a CSV or Excel file…"))
        self.browse_button = QPushButton(self.tr("&Browse…"), self)
        self.browse_button.clicked.connect(self.browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        layout.addLayout(row)
        form = QFormLayout()
        self.encoding = _combo(self, [(self.tr("Detect automatically"), None), *((e, e) for e in ENCODINGS)])
        self.delimiter = _combo(
            self,
            [
                (self.tr("Detect automatically"), None),
                *((self.tr(DELIMITER_NAMES[d]).capitalize() + f"  {d!r}", d) for d in DELIMITER_NAMES),
            ],
        )
        self.sheet = QComboBox(self)
        # Reports put a title and details above the header; 0 = found automatically.
        self.header_row = QSpinBox(self)
        self.header_row.setObjectName("importHeaderRow")
        self.header_row.setRange(0, 100_000)
        self.header_row.setSpecialValueText(self.tr("Find automatically"))
        self.header_row.setToolTip(self.tr("The line the column headers are on, as a spreadsheet numbers it"))
        form.addRow(self.tr("&Encoding:"), self.encoding)
        form.addRow(self.tr("&Delimiter:"), self.delimiter)
        form.addRow(self.tr("&Sheet:"), self.sheet)
        form.addRow(self.tr("&Header on line:"), self.header_row)
        layout.addLayout(form)
        self.detected = plain(QLabel(self))  # file, sheet and encoding names are the file's
        self.detected.setWordWrap(True)
        self.error = plain(QLabel(self))
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        # While a file is read (on a worker): busy, then rows; the wizard's Cancel stops it.
        self.read_bar = QProgressBar(self)
        self.read_bar.setObjectName("importReadProgress")
        self.read_bar.hide()
        layout.addWidget(self.detected)
        layout.addWidget(self.read_bar)
        layout.addWidget(self.error)
        self.rows_model: ListModel[Any] = raw_rows_model([], self)
        self.table = _table(self, self.rows_model)
        layout.addWidget(self.table, 1)
        for combo in (self.encoding, self.delimiter, self.sheet):
            combo.activated.connect(lambda _i: self.optionsChanged.emit())
        self.header_row.editingFinished.connect(self.optionsChanged.emit)
        self.show_preview(None)

    def reading(self, name: str) -> None:
        """A file is being read: say so, busy bar until the first rows come."""
        self.error.setText("")
        self.detected.setText(self.tr("Reading {0}… (Cancel stops reading)").format(name))
        self.read_bar.setRange(0, 0)
        self.read_bar.show()
        self.rows_model = raw_rows_model([], self)
        self.table.setModel(self.rows_model)

    def read_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.read_bar.setRange(0, total)
            self.read_bar.setValue(min(done, total))

    def show_preview(self, preview: Preview | FilePreview | None, error: str = "") -> None:
        self.read_bar.hide()
        self.error.setText(error)
        if preview is None:
            self.detected.setText(
                ""
                if error
                else self.tr("Encoding, delimiter and headers are detected; change them if needed.")
            )
            self.rows_model = raw_rows_model([], self)
            self.table.setModel(self.rows_model)
            self.sheet.setEnabled(False)
            return
        fmt = preview.format
        line = getattr(preview, "header_line", 1)
        skipped = getattr(preview, "preamble_lines", 0)
        where = (
            self.tr("header on line {0} ({1} above it skipped)").format(line, plural("%n line(s)", skipped))
            if skipped
            else self.tr("header on line {0}").format(line)
        )
        self.detected.setText(
            self.tr("Read as {0}; {1}, {2}. The first rows:").format(
                fmt.describe(), plural("%n column(s)", len(preview.headers)), where
            )
        )
        self.rows_model = raw_rows_model(preview.headers, self)
        self.rows_model.set_items(preview.rows)
        self.table.setModel(self.rows_model)
        self.table.setColumnWidth(0, 50)
        self.encoding.setEnabled(not fmt.is_spreadsheet)
        self.delimiter.setEnabled(not fmt.is_spreadsheet)
        self.sheet.blockSignals(True)
        self.sheet.clear()
        for name in fmt.sheets:
            self.sheet.addItem(name, name)
        self.sheet.setCurrentIndex(max(self.sheet.findData(fmt.sheet), 0))
        self.sheet.setEnabled(len(fmt.sheets) > 1)
        self.sheet.blockSignals(False)

    def chosen_header_row(self) -> int | None:
        """The header line the rep chose (None = find it)."""
        return self.header_row.value() or None

    def chosen(self) -> tuple[str | None, str | None, str | None]:
        """Encoding, delimiter and sheet the rep chose (None = detect)."""
        return self.encoding.currentData(), self.delimiter.currentData(), self.sheet.currentData()


class MappingPage(QWidget):
    """Which column goes where, presets, and the choices for the whole file."""

    presetChosen = Signal(str)
    savePreset = Signal()
    deletePreset = Signal()
    mappingChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(
            _heading(self.tr("Check where each column goes. Guesses come from the headers."), self)
        )
        row = QHBoxLayout()
        self.preset = QComboBox(self)
        self.preset.setObjectName("importPreset")
        self.save_preset = QPushButton(self.tr("Save as &preset…"), self)
        row.addWidget(QLabel(self.tr("Preset:"), self))
        row.addWidget(self.preset, 1)
        self.delete_preset = QPushButton(self.tr("&Delete preset"), self)
        self.delete_preset.setEnabled(False)
        row.addWidget(self.save_preset)
        row.addWidget(self.delete_preset)
        layout.addLayout(row)
        # A company list (no person columns) is offered as accounts (issue 18).
        self.company_note = QLabel(
            self.tr(
                "<b>This file lists companies, not people.</b> Import them as accounts: onto your "
                "target list, or as other accounts. Accounts already present (same domain, else same "
                "name) are not added twice."
            ),
            self,
        )
        self.company_note.setWordWrap(True)
        self.company_note.hide()
        layout.addWidget(self.company_note)
        as_row = QHBoxLayout()
        self.import_as = _combo(
            self,
            [
                (self.tr("Leads"), ImportAs.LEADS),
                (self.tr("Accounts onto the target list"), ImportAs.TARGETS),
                (self.tr("Other accounts (not on the target list)"), ImportAs.ACCOUNTS),
            ],
        )
        self.import_as.setObjectName("importAs")
        as_label = QLabel(self.tr("Import the rows &as:"), self)
        as_label.setBuddy(self.import_as)
        as_row.addWidget(as_label)
        as_row.addWidget(self.import_as, 1)
        layout.addLayout(as_row)
        self.model = MappingModel(self)
        self.table = _table(self, self.model, (200, 300, 220))
        self.table.setEditTriggers(
            QTableView.EditTrigger.DoubleClicked
            | QTableView.EditTrigger.SelectedClicked
            | QTableView.EditTrigger.EditKeyPressed
            | QTableView.EditTrigger.AnyKeyPressed
        )
        choices = [("", self.tr("— not mapped —"))] + [(f.value, self.tr(FIELD_LABELS[f])) for f in Field]
        self.table.setItemDelegateForColumn(MappingModel.FIELD_COLUMN, ChoiceDelegate(choices, self.table))
        layout.addWidget(self.table, 1)
        form = QFormLayout()
        self.kind = _combo(
            self,
            [
                (self.tr("From the file (inbound when empty)"), None),
                (self.tr("Inbound"), "inbound"),
                (self.tr("Target (rep-sourced)"), "target"),
                (self.tr("Referral"), "referral"),
            ],
        )
        self.source = QComboBox(self)
        self.source.setEditable(True)
        line = self.source.lineEdit()
        if line is not None:
            line.setPlaceholderText(self.tr("From the file"))
        self.campaign = QLineEdit(self)
        self.campaign.setPlaceholderText(self.tr("From the file"))
        self.date_order = _combo(
            self,
            [
                (self.tr("Detect from the file"), None),
                (self.tr("Month/day/year (US)"), DateOrder.MDY),
                (self.tr("Day/month/year"), DateOrder.DMY),
            ],
        )
        self.unmapped = _combo(
            self,
            [(self.tr("Keep them in the notes"), Unmapped.NOTES), (self.tr("Ignore them"), Unmapped.IGNORE)],
        )
        self.on_duplicate = _combo(self, [(action_label(a), a) for a in DupAction])
        form.addRow(self.tr("&Kind of every lead:"), self.kind)
        form.addRow(self.tr("S&ource of every lead:"), self.source)
        form.addRow(self.tr("&Campaign of every lead:"), self.campaign)
        form.addRow(self.tr("Dates &written as:"), self.date_order)
        form.addRow(self.tr("&Unmapped columns:"), self.unmapped)
        form.addRow(self.tr("D&uplicates:"), self.on_duplicate)
        layout.addLayout(form)
        #: What only leads have: off while the rows become accounts.
        self.lead_only: tuple[QWidget, ...] = (
            self.kind,
            self.source,
            self.campaign,
            self.date_order,
            self.on_duplicate,
        )
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c62828;")
        layout.addWidget(self.problem)
        self.preset.activated.connect(lambda _i: self.presetChosen.emit(self.preset.currentData() or ""))
        self.save_preset.clicked.connect(self.savePreset)
        self.delete_preset.clicked.connect(self.deletePreset)
        self.preset.currentIndexChanged.connect(
            lambda _i: self.delete_preset.setEnabled(bool(self.preset.currentData()))
        )
        self.model.dataChanged.connect(lambda *_a: self.mappingChanged.emit())
        self.model.modelReset.connect(self.mappingChanged)

    def chosen_as(self) -> ImportAs:
        # Qt hands enum item data back as plain text.
        return ImportAs(self.import_as.currentData())

    def offer_accounts(self, company_list: bool) -> None:
        """A new file: a company list is offered as accounts (onto the target list)."""
        self.company_note.setVisible(company_list)
        chosen = ImportAs.TARGETS if company_list else ImportAs.LEADS
        self.import_as.setCurrentIndex(self.import_as.findData(chosen))
        self.as_changed()

    def as_changed(self) -> None:
        leads = self.chosen_as() is ImportAs.LEADS
        for widget in self.lead_only:
            widget.setEnabled(leads)

    def set_presets(self, names: Sequence[str], current: str = "") -> None:
        self.preset.clear()
        self.preset.addItem(self.tr("Guessed from the headers"), "")
        for name in names:
            self.preset.addItem(name, name)
        self.preset.setCurrentIndex(max(self.preset.findData(current), 0))

    def set_sources(self, names: Sequence[str]) -> None:
        text = self.source.currentText()
        self.source.clear()
        self.source.addItem("")
        self.source.addItems(list(names))
        self.source.setEditText(text)


class PreviewPage(QWidget):
    """What the import will do: counts, rows, problems, duplicate groups with a choice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setObjectName("previewStatus")
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 1000)
        layout.addWidget(self.status)
        layout.addWidget(self.bar)
        self.tabs = QTabWidget(self)
        self.lead_rows = sample_model(self)
        self.account_rows = account_sample_model(self)
        self.rows = self.lead_rows
        self.problems = problems_model(self)
        self.groups = GroupsModel(self)
        self.rows_view = _table(self, self.rows, (50, 150, 160, 160, 200, 120))
        self.problems_view = _table(self, self.problems, (60, 80))
        duplicates = QWidget(self)
        dup_layout = QVBoxLayout(duplicates)
        dup_layout.setContentsMargins(0, 0, 0, 0)
        self.groups_view = _table(duplicates, self.groups, (130, 330, 190))
        self.groups_view.setEditTriggers(
            QTableView.EditTrigger.DoubleClicked | QTableView.EditTrigger.EditKeyPressed
        )
        self.groups_view.setItemDelegateForColumn(
            GroupsModel.ACTION_COLUMN,
            ChoiceDelegate([(a.value, action_label(a)) for a in DupAction], self.groups_view),
        )
        buttons = QHBoxLayout()
        self.group_buttons: dict[DupAction, QPushButton] = {}
        for action, text in (
            (DupAction.SKIP, self.tr("&Skip selected")),
            (DupAction.MERGE, self.tr("&Merge selected")),
            (DupAction.KEEP, self.tr("&Keep both for selected")),
        ):
            button = QPushButton(text, duplicates)
            button.clicked.connect(lambda _c=False, a=action: self.apply_to_selected(a))
            buttons.addWidget(button)
            self.group_buttons[action] = button
        buttons.addStretch(1)
        dup_layout.addWidget(self.groups_view, 1)
        dup_layout.addLayout(buttons)
        self.tabs.addTab(self.rows_view, self.tr("Rows"))
        self.tabs.addTab(self.problems_view, self.tr("Problems"))
        self.tabs.addTab(duplicates, self.tr("Duplicates"))
        layout.addWidget(self.tabs, 1)

    def apply_to_selected(self, action: DupAction) -> None:
        rows = sorted({i.row() for i in self.groups_view.selectionModel().selectedRows()})
        self.groups.set_action(rows, action)

    def busy(self, text: str) -> None:
        self.status.setText(text)
        self.bar.setValue(0)
        self.bar.show()
        self.tabs.setEnabled(False)

    def show_result(self, result: ImportResult, default: DupAction) -> None:
        self.bar.hide()
        self.tabs.setEnabled(True)
        self.rows = self.account_rows if result.import_as.accounts else self.lead_rows
        if self.rows_view.model() is not self.rows:
            self.rows_view.setModel(self.rows)
        self.tabs.setTabVisible(2, not result.import_as.accounts)
        self.rows.set_items(result.sample)
        self.problems.set_items(result.problems)
        self.groups.set_groups(list(result.groups.values()), default)
        self.tabs.setTabText(1, self.tr("Problems ({0})").format(len(result.problems)))
        self.tabs.setTabText(2, self.tr("Duplicates ({0})").format(len(result.groups)))
        if result.already_imported is not None:
            self.status.setText(
                self.tr(
                    "<b>This file was imported already</b> (import {0} in File → Import history). "
                    "Importing it again would add nothing: {1}"
                ).format(
                    result.already_imported,
                    plural("all %n of its lead(s) are present.", result.skipped_duplicates),
                )
            )
            return
        if result.import_as.accounts:
            self.status.setText(
                account_counts(self, result) + "<br>" + received_note(self, result, accounts=True)
            )
            return
        text = self.tr(
            "<b>{0}</b>: {1}, {2} ({3} merged, {4} already present, "
            "{5} kept as new), {6} rejected, {7} with warnings. Nothing is written until you import."
        ).format(
            plural("%n row(s)", result.rows),
            plural("%n new lead(s)", result.inserted - result.kept_duplicates),
            plural("%n duplicate(s)", result.duplicate_rows),
            f"{result.merged:,}",
            f"{result.skipped_duplicates:,}",
            f"{result.kept_duplicates:,}",
            f"{result.rejected:,}",
            f"{result.warnings:,}",
        )
        self.status.setText(
            text
            + "<br>"
            + self.tr("Read with {0}.").format(result.layout())
            + "<br>"
            + received_note(self, result, accounts=False)
        )


def received_note(widget: QWidget, result: ImportResult, *, accounts: bool) -> str:
    """Where the received date comes from, and how to change it (issue 18)."""
    if accounts:
        return widget.tr("Read with {0}.").format(result.layout())
    if Field.RECEIVED_AT in result.mapping:
        header = result.headers[result.mapping.index(Field.RECEIVED_AT)]
        return widget.tr(
            "Received dates from the column “{0}” (the Received column below); Back changes the "
            "column or how dates are written."
        ).format(html.escape(header))
    return widget.tr(
        "No column holds the received date, so every lead is received now; Back lets you map one."
    )


def account_counts(widget: QWidget, result: ImportResult) -> str:
    """The preview's (and summary's) counts of a company list imported as accounts."""
    where = (
        widget.tr("onto your target list")
        if result.import_as is ImportAs.TARGETS
        else widget.tr("as other accounts")
    )
    text = widget.tr(
        "<b>{0}</b>: {1} {2}, {3} already present, {4} merged (empty fields "
        "filled), {5} rejected, {6} with warnings; {7} of your leads linked to them."
    ).format(
        plural("%n row(s)", result.rows),
        plural("%n new account(s)", result.inserted),
        where,
        f"{result.skipped_duplicates:,}",
        f"{result.merged:,}",
        f"{result.rejected:,}",
        f"{result.warnings:,}",
        f"{result.linked_leads:,}",
    )
    if result.promoted:
        text += " " + plural("%n account(s) already present go onto the target list.", result.promoted)
    if result.import_as is ImportAs.TARGETS:
        text += "<br>" + widget.tr("The target list: {0}, its goal is {1}.").format(
            plural("%n active target(s)", result.targets_after), f"{result.target_goal:,}"
        )
        if result.over_goal:
            text += " " + widget.tr(
                "<b>That is {0} over the goal</b> — import them as other accounts and promote the "
                "best ones, or raise the goal in Settings."
            ).format(f"{result.over_goal:,}")
    return text


class ProgressPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.title = _heading(self.tr("Importing…"), self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 1000)
        self.rate = QLabel(self)
        self.rate.setObjectName("importRate")
        note = QLabel(self.tr("Cancel stops the import and leaves the workbench exactly as it was."), self)
        note.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(self.bar)
        layout.addWidget(self.rate)
        layout.addWidget(note)
        layout.addStretch(1)


class SummaryPage(QWidget):
    saveRejects = Signal()
    showHistory = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setObjectName("importSummary")
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        self.save_rejects = QPushButton(self.tr("Save &rejected rows…"), self)
        self.history = QPushButton(self.tr("Import &history…"), self)
        self.save_rejects.clicked.connect(self.saveRejects)
        self.history.clicked.connect(self.showHistory)
        row.addWidget(self.save_rejects)
        row.addWidget(self.history)
        row.addStretch(1)
        layout.addWidget(self.text)
        layout.addLayout(row)
        layout.addStretch(1)

    def show_result(self, result: ImportResult) -> None:
        if result.already_imported is not None:
            self.text.setText(
                self.tr("This file was imported already (import {0}); nothing was added.").format(
                    result.already_imported
                )
            )
        elif result.import_as.accounts:
            self.text.setText(
                "<p>"
                + self.tr("<b>Imported {0}</b> (import {1}).").format(
                    html.escape(result.file_name), result.batch_id
                )
                + "</p><p>"
                + account_counts(self, result)
                + "</p><p>"
                + self.tr("File → Import history… undoes the whole import.")
                + "</p>"
                + self._backup_note(result)
            )
        else:
            self.text.setText(
                self.tr(
                    "<p><b>Imported {0}</b> from {1} (import {2}, {3} s).</p>"
                    "<p>{4} merged into leads you had, {5} already present, {6} kept as new "
                    "leads, {7} rejected, {8} imported with warnings.</p>"
                    "<p>File → Import history… undoes the whole import.</p>"
                ).format(
                    plural("%n new lead(s)", result.inserted),
                    html.escape(result.file_name),
                    result.batch_id,
                    f"{result.seconds:,.1f}",
                    f"{result.merged:,}",
                    f"{result.skipped_duplicates:,}",
                    plural("%n duplicate(s)", result.kept_duplicates),
                    f"{result.rejected:,}",
                    f"{result.warnings:,}",
                )
                + self._backup_note(result)
            )
        self.save_rejects.setEnabled(result.rejected > 0 and result.rejects_file is not None)

    def _backup_note(self, result: ImportResult) -> str:
        if result.backup is None:
            return ""
        if result.backup_reused:
            text = self.tr(
                "The workbench as it was before is in the backup {0} (nothing changed since it was made)."
            )
        else:
            text = self.tr("The workbench as it was before was backed up first: {0}.")
        return "<p>" + html.escape(text.format(result.backup.name)) + "</p>"


__all__ = ["ChoiceDelegate", "FilePage", "MappingPage", "PreviewPage", "ProgressPage", "SummaryPage"]
