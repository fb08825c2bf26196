"""The type-ahead "who" field: a line edit with a list of matches under it.

One :class:`~workbench.services.search.lookup.Lookup` per open workbench is shared by every
field (quick log, linking an activity, global search) through :func:`shared_lookup`;
it is warmed on a worker thread shortly after start, kept current by the context's
change signal, and dropped when another file is opened.

Keys, with the focus staying in the line edit: Down/Up move through the matches,
Enter picks the highlighted one (the first when none is), typing again un-picks. Each
match shows what tells two people of one name apart — company, status (a deal's stage
and amount) and next follow-up — and when the best matches tie on what was typed (two
"Daniel Lee"), Enter picks nothing until Down/Up chose one: a hint says so.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from workbench.services.records import RecordKind
from workbench.services.search.lookup import Lookup, Match, tie_count
from workbench.ui.common import format as fmt
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.workers import Job, start

_Index = QModelIndex | QPersistentModelIndex
RESULTS = 7


def kind_label(kind: RecordKind) -> str:
    from PySide6.QtCore import QCoreApplication

    return {
        RecordKind.LEAD: QCoreApplication.translate("Lookup", "lead"),
        RecordKind.CONTACT: QCoreApplication.translate("Lookup", "contact"),
        RecordKind.ACCOUNT: QCoreApplication.translate("Lookup", "account"),
        RecordKind.OPPORTUNITY: QCoreApplication.translate("Lookup", "opportunity"),
    }[kind]


def status_label(status: str) -> str:
    """A lead's or an account's status in the rep's words; a deal's stage name as it is."""
    from PySide6.QtCore import QCoreApplication

    tr = QCoreApplication.translate
    words = {
        "new": tr("Lookup", "new"),
        "working": tr("Lookup", "working"),
        "nurture": tr("Lookup", "nurture"),
        "qualified": tr("Lookup", "qualified"),
        "disqualified": tr("Lookup", "disqualified"),
        "converted": tr("Lookup", "converted"),
        "researching": tr("Lookup", "researching"),
        "contacted": tr("Lookup", "contacted"),
        "engaged": tr("Lookup", "engaged"),
        "opportunity": tr("Lookup", "opportunity"),
        "parked": tr("Lookup", "parked"),
    }
    return words.get(status, status)


def match_facts(match: Match) -> str:
    """Status (a deal's stage and amount) and next follow-up: "working · follow-up 3/12/2026"."""
    from PySide6.QtCore import QCoreApplication

    parts = [status_label(match.status)] if match.status else []
    if match.amount is not None:
        parts.append(fmt.money_text(match.amount, match.currency))
    if match.next_followup is not None:
        day = match.next_followup.astimezone().date()  # the local day
        parts.append(QCoreApplication.translate("Lookup", "follow-up {0}").format(fmt.date_text(day)))
    else:
        parts.append(QCoreApplication.translate("Lookup", "no follow-up"))
    return " · ".join(parts)


def match_text(match: Match) -> str:
    parts = [match.name]
    if match.company and match.company != match.name:
        parts.append(match.company)
    contact = match.email or match.phone
    if contact:
        parts.append(contact)
    return f"{' · '.join(parts)}  — {kind_label(match.kind)} · {match_facts(match)}"


def tie_text(matches: list[Match], tied: int) -> str:
    """ "2 people match — choose with ↓/↑" (records when an account or a deal is among them)."""
    from PySide6.QtCore import QCoreApplication

    people = all(m.kind in (RecordKind.LEAD, RecordKind.CONTACT) for m in matches[:tied])
    if people:
        return QCoreApplication.translate("Lookup", "%n people match — choose with ↓/↑", "", tied)
    return QCoreApplication.translate("Lookup", "%n records match — choose with ↓/↑", "", tied)


class _LookupHolder(QObject):
    """The shared lookup of one context, and its warm-up."""

    ready = Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.lookup: Lookup | None = None
        self._job: Job | None = None
        ctx.changed.connect(self._changed)
        ctx.workbenchReplaced.connect(self._replaced)

    def get(self) -> Lookup:
        if self.lookup is None or self.lookup.wb is not self.ctx.wb:
            self.lookup = Lookup(self.ctx.wb)
        return self.lookup

    def warm(self) -> None:
        if not self.ctx.has_workbench or self._job is not None:
            return
        lookup = self.get()
        if lookup.ready:
            return
        job = Job(lambda _report: lookup.warm())
        self._job = job

        def done(_result: object) -> None:
            self._job = None
            self.ready.emit()

        job.signals.finished.connect(done)
        job.signals.failed.connect(lambda _exc: setattr(self, "_job", None))
        start(job)

    @property
    def warming(self) -> bool:
        return self._job is not None

    def _changed(self, topic: str) -> None:
        if self.lookup is not None and topic in (
            Topic.LEADS,
            Topic.ACCOUNTS,
            Topic.OPPORTUNITIES,
            Topic.ALL,
            getattr(Topic, "CONTACTS", "contacts"),
        ):
            self.lookup.mark_dirty()

    def _replaced(self) -> None:
        if self.lookup is not None and self._job is None:
            self.lookup.close()
        self.lookup = None


def lookup_holder(ctx: AppContext) -> _LookupHolder:
    holder = getattr(ctx, "_lookup_holder", None)
    if not isinstance(holder, _LookupHolder):
        holder = _LookupHolder(ctx)
        ctx._lookup_holder = holder  # type: ignore[attr-defined]
    return holder


def shared_lookup(ctx: AppContext) -> Lookup:
    """The lookup over ``ctx``'s open workbench (for global search as well)."""
    return lookup_holder(ctx).get()


class MatchModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.matches: list[Match] = []

    def set_matches(self, matches: list[Match]) -> None:
        self.beginResetModel()
        self.matches = list(matches)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.matches)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.matches):
            return None
        match = self.matches[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return match_text(match)
        if role == Qt.ItemDataRole.UserRole:
            return match
        return None


class LookupField(QWidget):
    """Type a name, company, email or phone; pick a record. ``picked`` carries the
    :class:`Match` (or None when the text was changed after a pick)."""

    picked = Signal(object)
    searched = Signal(int)
    #: Down/Up moved the highlight (the row now highlighted).
    highlighted = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, debounce_ms: int = 30) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.current: Match | None = None
        self._setting_text = False
        #: Down/Up chose among the matches since the last search (a tie may be picked).
        self._moved = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(self.tr("Type a name, company, email or phone…"))
        self.edit.setClearButtonEnabled(True)
        self.model = MatchModel(self)
        self.results = QListView(self)
        self.results.setModel(self.model)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setUniformItemSizes(True)
        row_height = self.results.fontMetrics().height() + 6
        self.results.setFixedHeight(row_height * RESULTS + 4)
        self.results.hide()
        self.tie_hint = QLabel(self)
        self.tie_hint.setObjectName("hint")
        self.tie_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.tie_hint.hide()
        layout.addWidget(self.edit)
        layout.addWidget(self.results)
        layout.addWidget(self.tie_hint)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self.search_now)
        self.edit.textEdited.connect(self._edited)
        self.edit.installEventFilter(self)
        self.results.clicked.connect(lambda index: self.pick(index.row()))
        holder = lookup_holder(ctx)
        holder.ready.connect(self._index_ready)
        holder.warm()

    # --- typing ---------------------------------------------------------------------------
    def _edited(self, _text: str) -> None:
        if self.current is not None:
            self.current = None
            self.picked.emit(None)
        self._timer.start()

    def search_now(self) -> None:
        self._timer.stop()
        text = self.edit.text()
        holder = lookup_holder(self.ctx)
        matches = holder.get().search(text, RESULTS, wait=not holder.warming) if text.strip() else []
        self.model.set_matches(matches)
        self._moved = False
        self.results.setVisible(bool(matches))
        if matches:
            self.results.setCurrentIndex(self.model.index(0))
        self._show_tie()
        self.searched.emit(len(matches))

    @property
    def tied(self) -> int:
        """How many best matches tie while none is chosen with Down/Up (0: Enter may pick)."""
        if self.current is not None or self._moved or not self.results.isVisible():
            return 0
        return tie_count(self.model.matches)

    def _show_tie(self) -> None:
        tied = self.tied
        self.tie_hint.setText(tie_text(self.model.matches, tied) if tied else "")
        self.tie_hint.setVisible(bool(tied))

    def _index_ready(self) -> None:
        if self.current is None and self.edit.text().strip():
            self.search_now()

    @property
    def choosing(self) -> bool:
        """Whether Enter picks a match (rather than meaning "save")."""
        return self.current is None and self.results.isVisible() and self.model.rowCount() > 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.model.rowCount():
                if self._timer.isActive():
                    self.search_now()
                step = 1 if key == Qt.Key.Key_Down else -1
                row = max(0, min(self.model.rowCount() - 1, self.results.currentIndex().row() + step))
                self.results.setCurrentIndex(self.model.index(row))
                self.results.show()
                self._moved = True
                self._show_tie()
                self.highlighted.emit(row)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self._timer.isActive():
                    self.search_now()
                if self.choosing:
                    if self.tied:  # the same score for two people: the rep chooses, not the order
                        self._show_tie()
                        return True
                    self.pick(max(self.results.currentIndex().row(), 0))
                    return True
        return super().eventFilter(watched, event)

    # --- picking ------------------------------------------------------------------------
    def pick(self, row: int) -> None:
        if not 0 <= row < len(self.model.matches):
            return
        self.set_match(self.model.matches[row])

    def set_match(self, match: Match | None) -> None:
        self.current = match
        self.edit.setText(match_text(match) if match else "")
        self.results.hide()
        self._show_tie()
        self.picked.emit(match)

    def clear(self) -> None:
        self.set_match(None)
        self.model.set_matches([])
