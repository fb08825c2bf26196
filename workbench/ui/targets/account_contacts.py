"""An account's contacts and its buying team: who plays which role, and which roles are
still missing. Add, edit and remove contacts, or import them from a vCard file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.exchange.vcard import VCardError
from workbench.services.tables import ColumnKind
from workbench.services.targets import actions as target_actions
from workbench.services.targets.contacts import BuyingTeam, ContactInfo
from workbench.ui.common import file_dialogs
from workbench.ui.common.context import AppContext
from workbench.ui.common.small_table import SmallTable
from workbench.ui.common.undo import undoable
from workbench.ui.targets import labels
from workbench.ui.targets.contact_edit import ContactEditDialog

#: A vCard import report lists at most this many problems (the rest are counted).
MAX_LISTED_PROBLEMS = 15


class AccountContacts(QWidget):
    """Emits :attr:`contactsChanged` after any change so the list's counts follow."""

    contactsChanged = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id: int | None = None
        self.account_name = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.team_label = QLabel(self)
        self.team_label.setWordWrap(True)
        self.team_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.team_label)
        self.list = SmallTable(
            [
                (self.tr("Name"), ColumnKind.TEXT),
                (self.tr("Role"), ColumnKind.TEXT),
                (self.tr("Title"), ColumnKind.TEXT),
                (self.tr("Email"), ColumnKind.TEXT),
                (self.tr("Phone"), ColumnKind.TEXT),
            ],
            self.tr("No contacts yet. Add the people of the buying team, or import them from a vCard."),
            self,
            widths=(140, 105, 120, 170),
        )
        self.model = self.list.model
        self.table = self.list.view
        self.table.doubleClicked.connect(lambda _i: self.edit_contact())
        for key, slot in ((Qt.Key.Key_Return, self.edit_contact), (Qt.Key.Key_Delete, self.remove_contact)):
            shortcut = QShortcut(QKeySequence(key), self.table, slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        layout.addWidget(self.list)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add &contact…"), self)
        self.edit_button = QPushButton(self.tr("&Edit…"), self)
        self.remove_button = QPushButton(self.tr("Remo&ve"), self)
        self.vcard_button = QPushButton(self.tr("Import &vCard…"), self)
        for button in (self.add_button, self.edit_button, self.remove_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.vcard_button)
        layout.addLayout(row)
        self.add_button.clicked.connect(lambda: self.add_contact())
        self.edit_button.clicked.connect(self.edit_contact)
        self.remove_button.clicked.connect(self.remove_contact)
        self.vcard_button.clicked.connect(self.import_vcard)

    def show_contacts(
        self, account_id: int, account_name: str, people: list[ContactInfo], team: BuyingTeam
    ) -> None:
        self.account_id = account_id
        self.account_name = account_name
        self.list.set_rows(
            [
                (
                    c.id,
                    "",
                    c.name,
                    labels.role_label(c.buying_role),
                    c.title,
                    c.email,
                    c.phone_e164 or c.phone,
                )
                for c in people
            ]
        )
        if team.complete:
            text = self.tr("<b>Buying team complete</b>: every role has a name.")
        else:
            missing = ", ".join(labels.role_label(r) for r in team.missing)
            text = self.tr(
                "<b>Buying team</b> {0} of {1} roles · <span style='color:#c62828'>missing: {2}</span>"
            )
            text = text.format(team.covered, team.covered + len(team.missing), missing)
        self.team_label.setText(text)
        has = bool(people)
        self.edit_button.setEnabled(has)
        self.remove_button.setEnabled(has)

    def current_contact(self) -> int | None:
        index: QModelIndex = self.table.currentIndex()
        return self.model.row_id(index.row()) if index.isValid() else None

    # --- actions ------------------------------------------------------------------------
    def add_contact(self) -> int | None:
        if self.account_id is None:
            return None
        saved = ContactEditDialog.ask(
            self.ctx, self, account_id=self.account_id, account_name=self.account_name
        )
        if saved is not None:
            self.contactsChanged.emit()
        return saved

    def edit_contact(self) -> None:
        contact_id = self.current_contact()
        if contact_id is None:
            return
        if ContactEditDialog.ask(self.ctx, self, contact_id=contact_id, account_name=self.account_name):
            self.contactsChanged.emit()

    def remove_contact(self) -> None:
        contact_id = self.current_contact()
        if contact_id is None:
            return
        name = self.model.index(self.table.currentIndex().row(), 0).data()
        if not labels.confirm(
            self, self.tr("Remove contact"), self.tr("Move {0} to the trash?").format(name)
        ):
            return
        with undoable(self.ctx, self.tr("Remove contact {0}").format(name)):
            target_actions.delete_contact(self.ctx.wb, contact_id, self.ctx.clock)
        self.contactsChanged.emit()

    def import_vcard(self) -> None:
        name, _ = file_dialogs.VCARDS.getOpenFileName(
            self,
            self.tr("Import contacts from vCard"),
            str(Path.home()),
            self.tr("vCard files (*.vcf *.vcard);;All files (*)"),
        )
        if name:
            self.import_vcard_file(Path(name))

    def import_vcard_file(self, path: Path) -> target_actions.VCardImport | None:
        if self.account_id is None:
            return None
        try:
            with undoable(self.ctx, self.tr("Import contacts from vCard")):
                result = target_actions.import_vcards(self.ctx.wb, self.account_id, path, self.ctx.clock)
        except VCardError as exc:
            labels.warn(self, self.tr("Cannot import contacts"), str(exc))
            return None
        self.contactsChanged.emit()
        lines = [self.tr("%n contact(s) added.", "", result.created)]
        if result.already_there:
            lines.append(
                self.tr("Already on this account (same email): {0}").format(", ".join(result.already_there))
            )
        if result.problems:
            lines.append(self.tr("Not everything could be read:"))
            lines += [f"• {p.describe()}" for p in result.problems[:MAX_LISTED_PROBLEMS]]
            if len(result.problems) > MAX_LISTED_PROBLEMS:
                lines.append(self.tr("… and %n more.", "", len(result.problems) - MAX_LISTED_PROBLEMS))
        labels.inform(self, self.tr("vCard import"), "\n".join(lines))
        return result
