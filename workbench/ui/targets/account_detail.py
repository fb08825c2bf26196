"""One account in full: who they are, why them and why now, the ICP checklist, the buying
team, what happened (timeline), opportunities, the leads linked to it, and its history
on the target list.

Everything is read in one service call (:func:`target_actions.account_view`); every
change is one service call and then :attr:`AccountDetailView.accountChanged`.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import AccountStatus, BuyingRole
from workbench.services.records import RecordKind, RecordRef
from workbench.services.tables import ColumnKind
from workbench.services.targets import actions as target_actions
from workbench.services.targets.accounts import AccountError
from workbench.services.targets.actions import AccountView
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.plain import esc, plain, web_link
from workbench.ui.common.plural import plural
from workbench.ui.common.small_table import SmallTable
from workbench.ui.common.undo import undoable
from workbench.ui.outreach.timeline import TimelineWidget
from workbench.ui.targets import labels
from workbench.ui.targets.account_contacts import AccountContacts
from workbench.ui.targets.icp_checklist import IcpChecklist


class NoteEdit(QPlainTextEdit):
    """A multi-line field saved when the rep leaves it (Tab moves on)."""

    editingFinished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setFixedHeight(self.fontMetrics().height() * 4 + 12)
        self._saved = ""

    def set_saved_text(self, text: str) -> None:
        """Show the stored text, unless the rep is in the middle of changing it."""
        if self.hasFocus() and self.is_modified():
            self._saved = text
            return
        self._saved = text
        self.setPlainText(text)

    def is_modified(self) -> bool:
        return self.toPlainText().strip() != self._saved.strip()

    def mark_saved(self) -> None:
        self._saved = self.toPlainText()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if self.is_modified():
            self.editingFinished.emit()


class AccountDetailView(QWidget):
    """Shows one account. :attr:`accountChanged` after any change made here;
    :attr:`openAccount` when the rep asks to look at another account."""

    accountChanged = Signal(int)
    openAccount = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id: int | None = None
        self._scope_contact: int | None = None
        self.view: AccountView | None = None
        self._loading = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.placeholder = QLabel(
            self.tr("Pick an account on the left to see its checklist, buying team and timeline."), self
        )
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setObjectName("emptyState")
        outer.addWidget(self.placeholder)
        self.scroller = QScrollArea(self)
        self.scroller.setWidgetResizable(True)
        outer.addWidget(self.scroller, 1)
        body = QWidget(self.scroller)
        self.scroller.setWidget(body)
        layout = QVBoxLayout(body)
        self._build_header(body, layout)
        layout.addWidget(self._heading(self.tr("Pain hypothesis — why them, why now"), body))
        self.pain_edit = NoteEdit(body)
        self.pain_edit.setPlaceholderText(self.tr("What problem do they have that you solve, and why now?"))
        self.pain_edit.editingFinished.connect(self._save_notes)
        layout.addWidget(self.pain_edit)
        layout.addWidget(self._heading(self.tr("Notes"), body))
        self.notes_edit = NoteEdit(body)
        self.notes_edit.editingFinished.connect(self._save_notes)
        layout.addWidget(self.notes_edit)
        layout.addWidget(self._heading(self.tr("ICP checklist"), body))
        self.checklist = IcpChecklist(ctx, body)
        self.checklist.checkChanged.connect(self._changed_here)
        layout.addWidget(self.checklist)
        layout.addWidget(self._heading(self.tr("Contacts and buying team"), body))
        self.contacts = AccountContacts(ctx, body)
        self.contacts.contactsChanged.connect(self._changed_and_reload)
        layout.addWidget(self.contacts)
        scope_row = QHBoxLayout()
        scope_row.addWidget(self._heading(self.tr("Timeline"), body))
        # Whose timeline: the whole account, or one contact (picking a contact in the
        # list above picks it here too).
        self.timeline_scope = QComboBox(body)
        self.timeline_scope.setAccessibleName(self.tr("Whose timeline"))
        self.timeline_scope.setToolTip(
            self.tr("The whole account's timeline, or one contact's (select a contact above)")
        )
        self.timeline_scope.currentIndexChanged.connect(lambda _i: self._show_timeline())
        scope_row.addWidget(self.timeline_scope, 0, Qt.AlignmentFlag.AlignBottom)
        scope_row.addStretch(1)
        layout.addLayout(scope_row)
        self.contacts.table.selectionModel().currentChanged.connect(self._contact_picked)
        self.timeline = TimelineWidget(ctx, body)
        layout.addWidget(self.timeline)
        layout.addWidget(self._heading(self.tr("Opportunities"), body))
        self.opportunities = SmallTable(
            [
                (self.tr("Opportunity"), ColumnKind.TEXT),
                (self.tr("Stage"), ColumnKind.TEXT),
                (self.tr("Amount"), ColumnKind.MONEY),
                (self.tr("Outcome"), ColumnKind.TEXT),
                (self.tr("Expected close"), ColumnKind.DATE),
            ],
            self.tr("No opportunities yet."),
            body,
            max_rows=5,
            widths=(160, 100, 90, 70),
        )
        layout.addWidget(self.opportunities)
        layout.addWidget(self._heading(self.tr("Linked leads"), body))
        self.leads = SmallTable(
            [
                (self.tr("Lead"), ColumnKind.TEXT),
                (self.tr("Email"), ColumnKind.TEXT),
                (self.tr("Status"), ColumnKind.TEXT),
                (self.tr("Source"), ColumnKind.TEXT),
                (self.tr("Received"), ColumnKind.DATETIME),
            ],
            self.tr("No leads linked. Leads whose email domain or company matches this account are linked."),
            body,
            max_rows=6,
            widths=(130, 170, 80, 90),
        )
        layout.addWidget(self.leads)
        lead_row = QHBoxLayout()
        self.lead_contact_button = QPushButton(self.tr("Make &contact from lead"), body)
        self.lead_contact_button.setToolTip(
            self.tr("Add the selected lead's person to this account's contacts")
        )
        self.lead_contact_button.clicked.connect(self.contact_from_selected_lead)
        lead_row.addWidget(self.lead_contact_button)
        lead_row.addStretch(1)
        layout.addLayout(lead_row)
        layout.addWidget(self._heading(self.tr("History on the target list"), body))
        self.history = SmallTable(
            [
                (self.tr("When"), ColumnKind.DATETIME),
                (self.tr("Change"), ColumnKind.TEXT),
                (self.tr("Reason"), ColumnKind.TEXT),
            ],
            self.tr("Not on the target list yet."),
            body,
            max_rows=5,
            widths=(125, 200),
        )
        layout.addWidget(self.history)
        layout.addStretch(1)
        self.setMinimumWidth(380)
        self.scroller.hide()

    def _heading(self, text: str, parent: QWidget) -> QLabel:
        label = QLabel(f"<b>{text}</b>", parent)
        label.setContentsMargins(0, 8, 0, 0)
        return label

    def _build_header(self, body: QWidget, layout: QVBoxLayout) -> None:
        self.name_label = plain(QLabel(body))
        self.name_label.setObjectName("areaTitle")
        self.name_label.setWordWrap(True)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.name_label)
        self.facts_label = QLabel(body)
        self.facts_label.setWordWrap(True)
        self.facts_label.setOpenExternalLinks(True)
        self.facts_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.facts_label)
        self.state_label = plain(QLabel(body))
        self.state_label.setWordWrap(True)
        layout.addWidget(self.state_label)
        row = QHBoxLayout()
        self.edit_button = QPushButton(self.tr("&Edit…"), body)
        self.edit_button.setToolTip(self.tr("Edit name, website, industry, size, region and tier (F2)"))
        self.status_combo = QComboBox(body)
        self.status_combo.setAccessibleName(self.tr("Status"))
        for status in AccountStatus:
            if status is not AccountStatus.PARKED:
                self.status_combo.addItem(labels.status_label(status), status.value)
        self.park_button = QPushButton(body)
        self.target_button = QPushButton(body)
        row.addWidget(self.edit_button)
        row.addWidget(QLabel(self.tr("Status:"), body))
        row.addWidget(self.status_combo)
        row.addWidget(self.park_button)
        row.addStretch(1)
        row.addWidget(self.target_button)
        layout.addLayout(row)
        self.edit_button.clicked.connect(self.edit_account)
        self.status_combo.currentIndexChanged.connect(self._status_picked)
        self.park_button.clicked.connect(self.toggle_park)
        self.target_button.clicked.connect(self.toggle_target)

    # --- showing --------------------------------------------------------------------------
    def show_account(self, account_id: int | None) -> None:
        if account_id != self.account_id:
            self._scope_contact = None
        self.account_id = account_id
        self.reload()

    def reload(self) -> None:
        if self.account_id is None or not self.ctx.has_workbench:
            self.view = None
            self.scroller.hide()
            self.placeholder.show()
            return
        try:
            view = target_actions.account_view(self.ctx.wb, self.account_id)
        except AccountError:
            self.account_id = None
            self.reload()
            return
        self.view = view
        self._loading = True
        try:
            self._fill(view)
        finally:
            self._loading = False
        self.placeholder.hide()
        self.scroller.show()
        self._fit_width()

    def _fit_width(self) -> None:
        """Never narrower than the filled body: its buttons and fields would be cut off
        behind a horizontal scroll bar."""
        body = self.scroller.widget()
        if body is None:
            return
        needed = (
            body.minimumSizeHint().width()
            + self.scroller.verticalScrollBar().sizeHint().width()
            + 2 * self.scroller.frameWidth()
        )
        if needed > self.minimumWidth():
            self.setMinimumWidth(needed)

    def _fill(self, view: AccountView) -> None:
        a = view.account
        self.name_label.setText(a.name)
        facts = []
        # Rich text for the website's link: every fact is escaped, and the link goes only
        # to a validated http(s) website (an imported "website" can be anything).
        if a.domain:
            facts.append(web_link(a.website, a.domain, a.domain))
        if a.industry:
            facts.append(esc(a.industry))
        if a.employees is not None:
            facts.append(esc(plural("%n employee(s)", a.employees)))
        if a.region:
            facts.append(esc(a.region))
        self.facts_label.setText(" · ".join(facts) or self.tr("No website, industry, size or region yet."))
        state = [self.tr("Tier {0}").format(a.tier) if a.tier else self.tr("No tier")]
        state.append(labels.status_label(a.status))
        if a.status == AccountStatus.PARKED and a.park_reason:
            state.append(self.tr("parked because: {0}").format(a.park_reason))
        if not a.is_target:
            state.append(self.tr("not on the target list"))
        self.state_label.setText(" · ".join(state))
        parked = a.status == AccountStatus.PARKED
        self.status_combo.setEnabled(not parked and a.is_target)
        index = self.status_combo.findData(a.status)
        self.status_combo.setCurrentIndex(index if index >= 0 else 0)
        self.park_button.setText(self.tr("Un&park") if parked else self.tr("&Park…"))
        self.park_button.setEnabled(a.is_target)
        self.target_button.setText(
            self.tr("Take off target list…") if a.is_target else self.tr("Make a &target")
        )
        self.pain_edit.set_saved_text(a.pain_hypothesis)
        self.notes_edit.set_saved_text(a.notes)
        self.checklist.show_checks(a.id, view.checklist, view.fit, view.weighting_note)
        self.contacts.show_contacts(a.id, a.name, view.contacts, view.team)
        self._fill_timeline(view)
        self.opportunities.set_rows(
            [
                (
                    o.id,
                    o.outcome if o.outcome != "open" else "",
                    o.name,
                    o.stage,
                    o.amount,
                    o.outcome,
                    o.expected_close,
                )
                for o in view.opportunities
            ]
        )
        self.leads.set_rows(
            [
                (lead.id, "", lead.name, lead.email, lead.status, lead.source, lead.received_at)
                for lead in view.leads
            ]
        )
        self.lead_contact_button.setEnabled(bool(view.leads))
        self.history.set_rows(
            [
                (i, "", e.at, labels.event_text(e.what, e.old, e.new), e.reason)
                for i, e in enumerate(view.history)
            ]
        )

    def _fill_timeline(self, view: AccountView) -> None:
        wanted = self._scope_contact
        if wanted not in {c.id for c in view.contacts}:
            wanted = None
        self.timeline_scope.blockSignals(True)
        try:
            self.timeline_scope.clear()
            self.timeline_scope.addItem(self.tr("Whole account"), None)
            for c in view.contacts:
                role = "" if c.buying_role in ("", BuyingRole.UNKNOWN) else labels.role_label(c.buying_role)
                name = c.name or c.email or self.tr("(no name)")
                self.timeline_scope.addItem(f"{name} · {role}" if role else name, c.id)
            self.timeline_scope.setCurrentIndex(max(self.timeline_scope.findData(wanted), 0))
        finally:
            self.timeline_scope.blockSignals(False)
        self.timeline_scope.setEnabled(bool(view.contacts))
        self._show_timeline()

    def _show_timeline(self) -> None:
        if self.account_id is None:
            return
        contact_id = self.timeline_scope.currentData()
        self._scope_contact = contact_id if isinstance(contact_id, int) else None
        if self._scope_contact is None:
            self.timeline.show_record(RecordRef(RecordKind.ACCOUNT, self.account_id))
        else:
            self.timeline.show_record(RecordRef(RecordKind.CONTACT, self._scope_contact))

    def _contact_picked(self, current: QModelIndex, _previous: QModelIndex) -> None:
        contact_id = self.contacts.model.row_id(current.row()) if current.isValid() else None
        if contact_id is not None:
            self.show_contact(contact_id)

    def show_contact(self, contact_id: int) -> bool:
        """Show one contact's timeline (the contact must be on the shown account)."""
        index = self.timeline_scope.findData(contact_id)
        if index < 0:
            return False
        self.timeline_scope.setCurrentIndex(index)
        row = self.contacts.model.row_of_id(contact_id)
        if row is not None and self.contacts.table.currentIndex().row() != row:
            self.contacts.table.selectRow(row)
        return True

    # --- changes -----------------------------------------------------------------------------
    def _changed_here(self) -> None:
        if self.account_id is not None:
            self.accountChanged.emit(self.account_id)
            self.ctx.notify(Topic.ACCOUNTS)

    def _changed_and_reload(self) -> None:
        self._changed_here()
        self.reload()

    def _save_notes(self) -> None:
        if self.account_id is None or self._loading:
            return
        with undoable(self.ctx, self.tr("Edit account notes")):
            target_actions.set_notes(
                self.ctx.wb,
                self.account_id,
                pain_hypothesis=self.pain_edit.toPlainText(),
                notes=self.notes_edit.toPlainText(),
            )
        self.pain_edit.mark_saved()
        self.notes_edit.mark_saved()
        self._changed_here()

    def _status_picked(self, _index: int) -> None:
        if self._loading or self.account_id is None:
            return
        with undoable(self.ctx, self.tr("Change account status")):
            target_actions.set_status(
                self.ctx.wb, self.account_id, str(self.status_combo.currentData()), clock=self.ctx.clock
            )
        self._changed_and_reload()

    def edit_account(self) -> None:
        if self.account_id is None:
            return
        from workbench.ui.targets.account_edit import AccountEditDialog

        saved, open_other = AccountEditDialog.ask(self.ctx, self, account_id=self.account_id)
        if saved is not None:
            self._changed_and_reload()
        elif open_other is not None:
            self.openAccount.emit(open_other)

    def toggle_park(self) -> None:
        if self.view is None or self.account_id is None:
            return
        if self.view.account.status == AccountStatus.PARKED:
            with undoable(self.ctx, self.tr("Unpark {0}").format(self.view.account.name)):
                target_actions.unpark(self.ctx.wb, self.account_id, self.ctx.clock)
        else:
            reason = labels.ask_reason(
                self,
                self.tr("Park {0}").format(self.view.account.name),
                self.tr("Why park it? (it stays on the list, greyed, and stops counting)"),
            )
            if reason is None:
                return
            with undoable(self.ctx, self.tr("Park {0}").format(self.view.account.name)):
                target_actions.park(self.ctx.wb, self.account_id, reason, self.ctx.clock)
        self._changed_and_reload()

    def toggle_target(self) -> None:
        if self.view is None or self.account_id is None:
            return
        if self.view.account.is_target:
            reason = labels.ask_reason(
                self,
                self.tr("Take {0} off the target list").format(self.view.account.name),
                self.tr("Why? (it stays an account, with its contacts and history)"),
                required=False,
            )
            if reason is None:
                return
            with undoable(self.ctx, self.tr("Take {0} off the target list").format(self.view.account.name)):
                target_actions.demote(self.ctx.wb, self.account_id, reason, self.ctx.clock)
        else:
            with undoable(self.ctx, self.tr("Put {0} on the target list").format(self.view.account.name)):
                target_actions.promote(self.ctx.wb, self.account_id, clock=self.ctx.clock)
        self._changed_and_reload()

    def contact_from_selected_lead(self) -> None:
        lead_id = self.leads.current_id() or self.leads.model.row_id(0)
        if lead_id is None:
            return
        with undoable(self.ctx, self.tr("Contact from lead")):
            result = target_actions.contact_from_lead(self.ctx.wb, lead_id, clock=self.ctx.clock)
        if not result.created:
            labels.inform(
                self, self.tr("Contact from lead"), self.tr("This lead's person is already a contact here.")
            )
        self._changed_and_reload()
