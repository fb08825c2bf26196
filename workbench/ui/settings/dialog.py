"""File → Settings… (Ctrl+,): everything a rep can set up, stored in the workbench file
so the setup travels with it.

Pages (a list on the left, Ctrl+PgDown/PgUp walk it): you and your goals, reminders,
ICP criteria, pipeline stages, lead sources, reasons, next steps, backups,
appearance, and the team template (export/import criteria, stages and sources as one
JSON file a manager hands to the team). OK saves every page (the form pages' values
are checked together first), Apply saves and stays, Cancel asks before throwing
changes away. Pipeline stages save as they are edited (their editor's own rule).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.services.settings import preferences
from workbench.services.team import template as templates
from workbench.ui.common import file_dialogs
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.plural import plural
from workbench.ui.common.undo import undoable
from workbench.ui.common.widgets import ask_yes_no, text_width
from workbench.ui.settings.base import PreferenceForm, SettingsPage
from workbench.ui.settings.forms import (
    AppearancePage,
    BackupPage,
    NextStepsPage,
    ProfilePage,
    RemindersPage,
)
from workbench.ui.settings.lists import CriteriaPage, ReasonsPage, SourcesPage, StagesPage


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """A yes/no question (tests replace this function to answer it)."""
    return ask_yes_no(parent, title, text)


def tell(parent: QWidget | None, title: str, text: str) -> None:
    """A message the rep should read (tests replace this function)."""
    QMessageBox.information(parent, title, text)


class TeamTemplatePage(SettingsPage):
    topics = ()

    def __init__(self, ctx: AppContext, dialog: SettingsDialog) -> None:
        super().__init__(ctx, dialog)
        self.dialog = dialog
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "A manager can hand one setup to the whole team: the ICP criteria and weights, the "
                "pipeline stages with their probabilities, and the lead sources, in one small file. "
                "Export yours, or import the one you were given. Importing keeps every lead, deal and "
                "its history: stages and criteria are matched by name, a stage that still holds deals "
                "stays."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.with_reasons = QCheckBox(self.tr("Include the disqualify and won/lost &reasons"), self)
        self.with_reasons.setChecked(True)
        layout.addWidget(self.with_reasons)
        row = QHBoxLayout()
        self.export_button = QPushButton(self.tr("&Export team template…"), self)
        self.import_button = QPushButton(self.tr("&Import team template…"), self)
        for button in (self.export_button, self.import_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        layout.addStretch(1)
        self.export_button.clicked.connect(self._export_clicked)
        self.import_button.clicked.connect(self._import_clicked)

    def page_title(self) -> str:
        return self.tr("Team template")

    def _export_clicked(self) -> None:
        name, _ = file_dialogs.TEMPLATES.getSaveFileName(
            self,
            self.tr("Export team template"),
            str(Path.home() / "team-template.json"),
            self.tr("Team templates (*.json)"),
        )
        if name:
            self.export_to(Path(name if name.endswith(".json") else f"{name}.json"))

    def export_to(self, path: Path) -> bool:
        """Write this workbench's setup (as saved: apply your changes first) to ``path``."""
        save_first = self.dialog.has_unsaved() and confirm(
            self,
            self.tr("Save your changes first?"),
            self.tr("Some pages have changes that are not saved yet. Save them before exporting?"),
        )
        if save_first and not self.dialog.apply():
            return False
        try:
            template = templates.export_file(self.ctx.wb, path, with_reasons=self.with_reasons.isChecked())
        except OSError as exc:
            self.result.setText(self.tr("Could not write {0}: {1}").format(path.name, exc.strerror or exc))
            return False
        self.result.setText(
            self.tr("Saved {0}: {1}, {2}, {3}.").format(
                path.name,
                plural("%n criterion(s)", len(template.criteria or [])),
                plural("%n stage(s)", len(template.stages or [])),
                plural("%n source(s)", len(template.sources or [])),
            )
        )
        return True

    def _import_clicked(self) -> None:
        name, _ = file_dialogs.TEMPLATES.getOpenFileName(
            self, self.tr("Import team template"), str(Path.home()), self.tr("Team templates (*.json)")
        )
        if not name:
            return
        if not confirm(
            self,
            self.tr("Use this team template?"),
            self.tr(
                "The template replaces your ICP criteria, pipeline stages and lead sources (and reasons, "
                "if it has them). Leads, deals and their history stay. Changes not saved on the other "
                "pages are replaced too. Go ahead?"
            ),
        ):
            return
        self.import_from(Path(name))

    def import_from(self, path: Path) -> templates.ApplyReport | None:
        try:
            with undoable(self.ctx, self.tr("Apply team template {0}").format(path.name)):
                report = templates.import_file(self.ctx.wb, path, clock=self.ctx.clock)
        except templates.TemplateError as exc:
            self.result.setText(str(exc))
            return None
        self.dialog.reload_pages()
        for topic in (Topic.SETTINGS, Topic.ACCOUNTS, Topic.LEADS, Topic.OPPORTUNITIES):
            self.ctx.notify(topic)
        text = self.tr("Applied {0}.").format(path.name)
        if report.kept_stages:
            text += " " + self.tr("Kept because deals are still in them: {0}.").format(
                ", ".join(report.kept_stages)
            )
        self.result.setText(text)
        return report


class SettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Settings"))
        self.resize(900, 600)
        self.pages: list[SettingsPage] = [
            ProfilePage(ctx, self),
            RemindersPage(ctx, self),
            CriteriaPage(ctx, self),
            StagesPage(ctx, self),
            SourcesPage(ctx, self),
            ReasonsPage(ctx, self),
            NextStepsPage(ctx, self),
            BackupPage(ctx, self),
            AppearancePage(ctx, self),
            TeamTemplatePage(ctx, self),
        ]
        layout = QVBoxLayout(self)
        body = QHBoxLayout()
        self.page_list = QListWidget(self)
        self.page_list.setObjectName("settingsPages")
        self.page_list.setFixedWidth(
            max(
                190,
                max(text_width(self.page_list, p.page_title()) for p in self.pages)
                + text_width(self.page_list, "MMMM"),
            )
        )
        self.page_list.setStyleSheet("QListWidget#settingsPages::item { padding: 5px 8px; }")
        self.stack = QStackedWidget(self)
        for page in self.pages:
            self.page_list.addItem(page.page_title())
            self.stack.addWidget(page)
        body.addWidget(self.page_list)
        body.addWidget(self.stack, 1)
        layout.addLayout(body, 1)
        self.error = QLabel(self)
        self.error.setObjectName("formError")
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Apply,
            self,
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.apply)
        layout.addWidget(self.buttons)
        self.page_list.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.page_list.setCurrentRow(0)
        QShortcut(QKeySequence("Ctrl+PgDown"), self, lambda: self._step_page(1))
        QShortcut(QKeySequence("Ctrl+PgUp"), self, lambda: self._step_page(-1))
        self.page_list.setFocus()

    # --- pages --------------------------------------------------------------------------
    def page(self, cls: type[Any]) -> Any:
        return next(p for p in self.pages if isinstance(p, cls))

    def show_page(self, cls: type[Any]) -> Any:
        page = self.page(cls)
        self.page_list.setCurrentRow(self.pages.index(page))
        return page

    def _step_page(self, step: int) -> None:
        self.page_list.setCurrentRow((self.page_list.currentRow() + step) % len(self.pages))

    def reload_pages(self) -> None:
        for page in self.pages:
            page.reload()

    def has_unsaved(self) -> bool:
        return any(p.is_dirty() for p in self.pages)

    # --- saving -------------------------------------------------------------------------
    def apply(self) -> bool:
        """Save every page with changes; False (with the reason shown, nothing more
        written) when one is refused."""
        self.error.hide()
        forms = [p for p in self.pages if isinstance(p, PreferenceForm) and p.is_dirty()]
        others = [p for p in self.pages if not isinstance(p, PreferenceForm) and p.is_dirty()]
        topics: set[str] = set()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        changed: dict[str, Any] = {}
        try:
            # One step in Edit → Undo for everything this Save wrote (lists included).
            with undoable(self.ctx, self.tr("Change settings")):
                for form in forms:
                    changed.update(form.changed_values())
                if changed:
                    preferences.save(self.ctx.wb, changed)
                    for form in forms:
                        form.mark_saved()
                        topics.update(form.topics)
                for page in others:
                    page.save()
                    topics.update(page.topics)
        except ValueError as exc:
            self._fail(str(exc))
            return False
        finally:
            QApplication.restoreOverrideCursor()
        if preferences.APPEARANCE_KEY in changed:
            self._apply_appearance(str(changed[preferences.APPEARANCE_KEY]))
        for topic in sorted(topics):
            self.ctx.notify(topic)
        return True

    def _apply_appearance(self, appearance: str) -> None:
        from workbench.ui.common.theme import use_appearance

        app = QApplication.instance()
        if isinstance(app, QApplication):
            use_appearance(app, appearance)

    def _fail(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def accept(self) -> None:
        if self.apply():
            super().accept()

    def reject(self) -> None:
        if self.has_unsaved() and not confirm(
            self,
            self.tr("Discard your changes?"),
            self.tr("Some settings are changed but not saved. Close and discard them?"),
        ):
            return
        super().reject()
