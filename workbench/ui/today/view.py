"""Today: the start page — the work queue (what to do now, ranked, each record once),
the lines outside it, a look at tomorrow, and how the day's prospecting goal stands.

Each line opens its record (Enter or double-click), its quick log (L), a call (C, the
``tel:`` link) or an email (E, ``mailto:``) in one key; a follow-up is ticked off with
Space or snoozed a working day with S. A due sequence step ("Call · step 3 of 7 · New
inbound") is a line of the queue like the rest: L does it (the quick log with the
step's channel and person; an email step's template in the mail program first,
:mod:`workbench.ui.sequences.work_step`), X skips it. Acting on a line moves the cursor
to the next one and says in the status bar what happened (Ctrl+Z undoes it). Counts in
the section headings are the full numbers; each section lists the first fifty.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QTreeView,
    QWidget,
)

from workbench.services.outreach import log as outreach
from workbench.services.outreach.today import TodayItem, TodayReport, TodaySection, today_report
from workbench.services.records import RecordRef
from workbench.services.sequences import enrol
from workbench.services.sequences.due import DueStep, step_of
from workbench.services.sequences.templates import SequenceError
from workbench.ui.common import format as fmt
from workbench.ui.common import keys
from workbench.ui.common.area_base import Area, empty_state, simple_area_layout
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.undo import undoable

_Index = QModelIndex | QPersistentModelIndex
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
#: Lines shown per section until the rep asks for all (so every section stays in view).
SHOWN_PER_SECTION = 10


def short_age(delta: timedelta) -> str:
    """The biggest whole unit only ("3 d", "5 h", "20 min"): a column of these scans fast."""
    seconds = max(int(delta.total_seconds()), 0)
    if seconds >= 86400:
        return f"{seconds // 86400} d"
    if seconds >= 3600:
        return f"{seconds // 3600} h"
    return f"{seconds // 60} min"


class TodayModel(QAbstractItemModel):
    """Sections (top level) and their items (children). Internal id 0 marks a section;
    ``n + 1`` an item of section ``n``."""

    COLUMNS = 4

    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sections: list[TodaySection] = []
        self.untouched_days = 14
        self.show_all: set[str] = set()

    def set_report(self, report: TodayReport, untouched_days: int) -> None:
        self.beginResetModel()
        self.sections = [s for s in report.sections if s.total]
        self.untouched_days = untouched_days
        self.endResetModel()

    def shown(self, section: TodaySection) -> int:
        """Items listed for ``section`` (the rest behind a "show all" line)."""
        if section.key in self.show_all or len(section.items) <= SHOWN_PER_SECTION + 1:
            return len(section.items)
        return SHOWN_PER_SECTION

    def has_more_line(self, section: TodaySection) -> bool:
        return self.shown(section) < len(section.items)

    def is_more_line(self, index: _Index) -> bool:
        if not index.isValid() or index.internalId() == 0:
            return False
        section = self.sections[int(index.internalId()) - 1]
        return self.has_more_line(section) and index.row() == self.shown(section)

    def expand_section(self, index: _Index) -> None:
        """Show every fetched item of the section the "show all" line ``index`` ends."""
        if self.is_more_line(index):
            row = int(index.internalId()) - 1
            section = self.sections[row]
            parent = self.index(row, 0)
            shown = self.shown(section)
            # The "show all" line becomes the next item, and the rest are inserted after it.
            self.beginInsertRows(parent, shown + 1, len(section.items) - 1)
            self.show_all.add(section.key)
            self.endInsertRows()
            self.dataChanged.emit(self.index(shown, 0, parent), self.index(shown, self.COLUMNS - 1, parent))
            self.dataChanged.emit(parent, parent)

    # --- structure --------------------------------------------------------------------------
    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, child: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not child.isValid() or child.internalId() == 0:
            return QModelIndex()
        return self.createIndex(int(child.internalId()) - 1, 0, 0)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self.sections)
        if parent.internalId() == 0 and parent.column() == 0 and 0 <= parent.row() < len(self.sections):
            section = self.sections[parent.row()]
            return self.shown(section) + (1 if self.has_more_line(section) else 0)
        return 0

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return self.COLUMNS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("What"), self.tr("Details"), self.tr("When"), self.tr("Reach"))[section]
        return None

    def item(self, index: _Index) -> TodayItem | None:
        if not index.isValid() or index.internalId() == 0:
            return None
        section = self.sections[int(index.internalId()) - 1]
        return section.items[index.row()] if 0 <= index.row() < self.shown(section) else None

    # --- content ----------------------------------------------------------------------------
    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            if not 0 <= index.row() < len(self.sections):
                return None
            section = self.sections[index.row()]
            if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
                shown = self.shown(section)
                count = (
                    f"{section.total}"
                    if shown == section.total
                    else self.tr("{0} of {1}").format(shown, section.total)
                )
                return f"{self.section_title(section.key, section)} ({count})"
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            return None
        if self.is_more_line(index):
            section = self.sections[int(index.internalId()) - 1]
            if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
                if section.total <= len(section.items):
                    return self.tr("Show all %n…", "", section.total)
                # Only the first SECTION_LIMIT are loaded: say so rather than promise "all".
                return self.tr("Show the first {0} of {1}…").format(len(section.items), section.total)
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setItalic(True)
                return font
            return None
        item = self.item(index)
        if item is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            label = item.label or self.tr("(no name)")
            return (
                f"{item.rank}. {label}" if item.rank else label,
                self.detail_text(item),
                self.when_text(item),
                " · ".join(p for p in (item.phone, item.email) if p),
            )[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == 3 and (item.phone or item.email):
                return self.tr("C calls {0} · E writes to {1}").format(item.phone or "—", item.email or "—")
            text = self.data(index, Qt.ItemDataRole.DisplayRole)
            return text or None  # long details are elided: the whole text on hover
        if role == Qt.ItemDataRole.ForegroundRole and item.flagged:
            red = item.kind in ("overdue", "stale_opportunities", "sequence_step")
            return QBrush(QColor("#c62828" if red else "#b35c00"))
        if role == Qt.ItemDataRole.FontRole and index.column() == 3 and (item.phone or item.email):
            font = QFont()
            font.setUnderline(True)  # a link: C or E opens it
            return font
        if role == ITEM_ROLE:
            return item
        return None

    def section_title(self, key: str, section: TodaySection | None = None) -> str:
        if key == "overdue" and section is not None:
            steps = any(r.kind == "sequence_step" for r in section.items)
            if steps and all(r.kind == "sequence_step" for r in section.items):
                return self.tr("Overdue sequence steps")
            if steps:
                return self.tr("Overdue follow-ups and sequence steps")
        return {
            "overdue": self.tr("Overdue follow-ups"),
            "due": self.tr("Due today"),
            "new_leads": self.tr("New leads — not touched yet"),
            "nurture": self.tr("Nurture leads to revisit"),
            "stale_opportunities": self.tr("Stale opportunities"),
            "untouched_targets": self.tr(
                "Target accounts untouched for %n day(s) or more", "", self.untouched_days
            ),
            "own_log": self.tr("Your own log — link these to someone"),
            "tomorrow": self.tr("Tomorrow — coming up"),
        }.get(key, key)

    def detail_text(self, item: TodayItem) -> str:
        if item.kind == "untouched_targets":
            return self.tr("Tier {0}").format(item.detail) if item.detail else ""
        if item.step and item.kind != "sequence_step":  # a step riding on the person's line
            return " · ".join(p for p in (item.step, item.detail) if p)
        return item.detail

    def when_text(self, item: TodayItem) -> str:
        now = self.ctx.clock()
        when = item.due
        if item.kind == "sequence_step" and when is not None:  # late once not done on its day
            late = self.tr(" — {0} late").format(short_age(now - when)) if item.flagged else ""
            return fmt.datetime_text(when) + late
        if item.kind in ("overdue", "due", "tomorrow") and item.followup_id is not None and when is not None:
            late = self.tr(" — {0} late").format(short_age(now - when)) if when < now else ""
            return fmt.datetime_text(when) + late
        if item.kind == "new_leads" and when is not None:
            return self.tr("waiting {0}").format(fmt.age_text(when, now))
        if item.kind == "tomorrow" and when is not None:
            return self.tr("revisit {0}").format(fmt.date_text(when.date()))
        if item.kind == "nurture" and when is not None:
            return self.tr("revisit since {0}").format(fmt.date_text(when.date()))
        if item.kind == "stale_opportunities" and when is not None:
            return self.tr("quiet for {0}").format(fmt.age_text(when, now))
        if item.kind == "untouched_targets":
            return (
                self.tr("never touched")
                if when is None
                else self.tr("last touch {0} ago").format(fmt.age_text(when, now))
            )
        return fmt.datetime_text(when) if when is not None else ""


class TodayTree(QTreeView):
    def __init__(self, area: TodayArea) -> None:
        super().__init__(area)
        self.area = area

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            handler = keys.handlers(
                {
                    "open": self.area.open_current,
                    "log": self.area.log_current,
                    "done": self.area.done_current,
                    "snooze": self.area.snooze_current,
                    "call": self.area.call_current,
                    "email": self.area.email_current,
                    "skip": self.area.skip_current,
                }
            ).get(Qt.Key(event.key()))
            if callable(handler):
                handler()
                event.accept()
                return
        super().keyPressEvent(event)


class TodayArea(Area):
    title = "Today"
    needs_workbench = True
    topics = (
        Topic.ACTIVITIES,
        Topic.LEADS,
        Topic.ACCOUNTS,
        Topic.OPPORTUNITIES,
        Topic.SETTINGS,
        Topic.SEQUENCES,
    )
    #: Emitted when a line asks for its record (after the window was told to show it).
    recordRequested = Signal(object)
    #: Emitted each time fresh counts are on screen.
    counted = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.report: TodayReport | None = None
        self._job: Any = None
        self._job_wb: object = None
        self._again = False
        layout = simple_area_layout(self)
        top = QHBoxLayout()
        self.heading = QLabel(self)
        self.heading.setObjectName("heading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.log_button = QPushButton(self.tr("&Log a touch…  (Ctrl+L)"), self)
        self.log_button.clicked.connect(self.log_anything)
        top.addWidget(self.heading, 1)
        top.addWidget(self.log_button)
        layout.addLayout(top)
        goals = QHBoxLayout()
        self.day_bar = QProgressBar(self)
        self.week_bar = QProgressBar(self)
        for bar in (self.day_bar, self.week_bar):
            bar.setTextVisible(True)
            bar.setMinimumWidth(220)
        self.day_label = QLabel(self.tr("Touches today"), self)
        self.week_label = QLabel(self.tr("This week"), self)
        goals.addWidget(self.day_label)
        goals.addWidget(self.day_bar, 1)
        goals.addSpacing(24)
        goals.addWidget(self.week_label)
        goals.addWidget(self.week_bar, 1)
        layout.addLayout(goals)
        self.model = TodayModel(ctx, self)
        self.tree = TodayTree(self)
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setExpandsOnDoubleClick(False)
        self.tree.doubleClicked.connect(lambda _i: self.open_current())
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        # From the font, not pixels: at 150–200 % on a laptop screen fixed 300 + 230
        # pixels left the details column a few letters wide.
        metrics = self.tree.fontMetrics()
        header.resizeSection(0, metrics.averageCharWidth() * 28)
        header.resizeSection(2, metrics.horizontalAdvance("00 00 0000 00:00 — 00 d late") + 24)
        header.resizeSection(3, metrics.averageCharWidth() * 30)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        layout.addWidget(self.tree, 1)
        self.empty = empty_state(
            self.tr(
                "Nothing due, nothing waiting. Log a touch with Ctrl+L, add leads, or pick target "
                "accounts — this page fills with what to do next."
            ),
            self,
        )
        layout.addWidget(self.empty)
        self.hint = QLabel(
            self.tr(
                "Enter opens · L logs a touch (on a sequence step: does it) · C calls · E emails · "
                "Space marks a follow-up done · S snoozes it · X skips a sequence step · Ctrl+Z undoes"
            ),
            self,
        )
        self.hint.setWordWrap(True)
        #: Where the cursor goes after the next count: the line after the one acted on.
        self._advance: tuple[object, int] | None = None
        self.hint.setObjectName("hint")
        layout.addWidget(self.hint)

    # --- filling ----------------------------------------------------------------------------
    def reload(self) -> None:
        """Recount off the UI thread (a few hundred milliseconds on a million leads) and
        show the result when it arrives; a change meanwhile recounts once more."""
        if self._job is not None:
            self._again = True
            return
        from workbench.services.settings import values as settings
        from workbench.ui.common.workers import Job, start

        wb, now = self.ctx.wb, self.ctx.clock()

        def count(_report: object) -> tuple[TodayReport, int]:
            return today_report(wb, now=now), int(settings.read(wb, "targets.untouched_days"))

        job = Job(count)
        self._job, self._job_wb = job, wb
        # Bound methods: Qt drops the connection if this area is gone before the count is.
        job.signals.finished.connect(self._show)
        job.signals.failed.connect(self._failed)
        start(job)

    @property
    def counting(self) -> bool:
        return self._job is not None

    def _finish_job(self) -> bool:
        """Forget the finished job; True when another count was asked for meanwhile."""
        self._job = None
        again, self._again = self._again, False
        if again and self.ctx.has_workbench:
            self.reload()
        return again

    def _failed(self, exc: BaseException) -> None:
        wb = self._job_wb
        if self._finish_job() or not self.ctx.has_workbench or self.ctx.wb is not wb:
            return
        self.heading.setText(self.tr("Today could not be counted: {0}").format(exc))
        self.populated.emit()

    def _show(self, result: tuple[TodayReport, int]) -> None:
        wb = self._job_wb
        if self._finish_job() or not self.ctx.has_workbench or self.ctx.wb is not wb:
            return
        report, untouched_days = result
        self.report = report
        current = self.current_item()
        self.model.set_report(report, untouched_days)
        for row in range(self.model.rowCount()):  # a section's title may use the whole row
            self.tree.setFirstColumnSpanned(row, QModelIndex(), True)
        self.tree.expandAll()
        self.heading.setText(self.tr("Today — {0}").format(fmt.date_text(report.now.astimezone().date())))
        goals = report.goals
        self._bar(self.day_bar, goals.touches_today, goals.goal_day)
        self._bar(self.week_bar, goals.touches_week, goals.goal_week)
        self._update_empty()
        self._restore_current(current)
        self.counted.emit()
        self.populated.emit()

    def _update_empty(self) -> None:
        if self.report is None:
            return
        has_any = bool(self.model.sections)
        self.tree.setVisible(has_any)
        self.empty.setVisible(not has_any)

    def _bar(self, bar: QProgressBar, value: int, goal: int) -> None:
        bar.setRange(0, max(goal, 1))
        bar.setValue(min(value, max(goal, 1)))
        bar.setFormat(self.tr("{0} / {1}").format(value, goal) + (" ✓" if goal and value >= goal else ""))

    def lines(self) -> list[QModelIndex]:
        """Every line under a section heading, top to bottom ("show all" lines too)."""
        found: list[QModelIndex] = []
        for s in range(self.model.rowCount()):
            parent = self.model.index(s, 0)
            found.extend(self.model.index(r, 0, parent) for r in range(self.model.rowCount(parent)))
        return found

    def _restore_current(self, previous: TodayItem | None) -> None:
        """Keep the cursor on its line; after acting on a line, go to the one that
        followed it (or the line now in its place), so the rep works down the queue."""
        lines = self.lines()
        if not lines:
            return
        advance, self._advance = self._advance, None
        wanted = advance[0] if advance is not None else (_key(previous) if previous is not None else None)
        for index in lines:
            item = self.model.item(index)
            if wanted is not None and item is not None and _key(item) == wanted:
                self.tree.setCurrentIndex(index)
                return
        position = advance[1] if advance is not None else 0
        self.tree.setCurrentIndex(lines[min(position, len(lines) - 1)])

    def _advance_past_current(self) -> None:
        """Before acting on the current line: remember the line after it."""
        lines = self.lines()
        current = self.tree.currentIndex().siblingAtColumn(0)
        position = next((n for n, index in enumerate(lines) if index == current), 0)
        following = [self.model.item(i) for i in lines[position + 1 :]]
        after = next((item for item in following if item is not None), None)
        self._advance = (_key(after) if after is not None else None, position)

    def status(self, message: str) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(message, 10_000)

    def main_list(self) -> QWidget | None:
        return self.tree

    def counts(self) -> dict[str, int]:
        return self.report.counts if self.report else {}

    # --- acting on a line ---------------------------------------------------------------------
    def current_item(self) -> TodayItem | None:
        return (
            self.model.item(self.tree.currentIndex().siblingAtColumn(0))
            if self.tree.currentIndex().isValid()
            else None
        )

    def open_current(self) -> None:
        item = self.current_item()
        if item is None:
            index = self.tree.currentIndex().siblingAtColumn(0)
            if self.model.is_more_line(index):
                self.model.expand_section(index)
            elif index.isValid():
                self.tree.setExpanded(index, not self.tree.isExpanded(index))
            return
        if item.kind == "own_log" and item.activity_id is not None:
            self._link_own_log(item.activity_id)
            return
        if item.record is not None:
            self.open_ref(item.record)

    def open_ref(self, ref: RecordRef) -> bool:
        """Show ``ref`` in its area (leads, targets or pipeline; a contact in its account)."""
        from workbench.ui.shell.record_links import open_record

        opened = open_record(self.window(), self.ctx, ref)
        self.recordRequested.emit(ref)
        return opened

    def log_current(self) -> Any:
        from workbench.ui.outreach.actions import open_quick_log

        item = self.current_item()
        if item is None or item.kind == "own_log":
            return self.log_anything()
        completes = (item.followup_id,) if item.followup_id is not None else ()
        if item.enrolment_id is not None:
            from workbench.ui.sequences.work_step import work_step

            step = self._step(item)
            if step is None:
                return None
            return self._follow(item, work_step(self.ctx, self, step, completes))
        return self._follow(item, open_quick_log(self.ctx, self, target=item.record, completes=completes))

    def _step(self, item: TodayItem) -> DueStep | None:
        """The line's step as it is now (another window may have done it meanwhile)."""
        assert item.enrolment_id is not None
        step = step_of(self.ctx.wb, item.enrolment_id, self.ctx.clock())
        if step is None:
            self.status(self.tr("That sequence step is no longer due."))
            self.reload()
        return step

    def _follow(self, item: TodayItem, dialog: Any) -> Any:
        """Once ``dialog`` (a quick log opened from ``item``) saves, move on past the line."""
        if dialog is not None:
            key = _key(item)
            dialog.logged.connect(lambda _logged, k=key: self._logged(k))
        return dialog

    def _logged(self, key: object) -> None:
        """A quick log opened from a line was saved: on to the line after that one."""
        for index in self.lines():
            item = self.model.item(index)
            if item is not None and _key(item) == key:
                self.tree.setCurrentIndex(index)
                self._advance_past_current()
                return

    def call_current(self) -> Any:
        item = self.current_item()
        if item is not None and item.step_channel == "call" and item.phone:
            from workbench.ui.sequences.work_step import call_step

            step = self._step(item)
            completes = (item.followup_id,) if item.followup_id is not None else ()
            return self._follow(item, call_step(self.ctx, self, step, completes)) if step else None
        return self._reach("tel", "phone")

    def email_current(self) -> Any:
        item = self.current_item()
        if item is not None and item.step_channel == "email" and item.email:
            return self.log_current()  # the step's own email: its template in the mail program
        return self._reach("mailto", "email")

    def skip_current(self) -> None:
        item = self.current_item()
        if item is None or item.enrolment_id is None:
            if item is not None:
                self.status(self.tr("Only a sequence step can be skipped."))
            return
        self._advance_past_current()
        try:
            with undoable(self.ctx, self.tr("Skip sequence step of {0}").format(item.label)):
                enrol.skip_step(self.ctx.wb, item.enrolment_id, now=self.ctx.clock())
        except SequenceError as exc:
            self._advance = None
            self.status(str(exc))
            self.reload()
            return
        self.ctx.notify(Topic.SEQUENCES)
        self.status(self.tr("Skipped: {0} — {1}. Ctrl+Z to undo.").format(item.step, item.label))

    def _reach(self, scheme: str, field: str) -> Any:
        from workbench.ui.outreach.actions import open_contact_link

        item = self.current_item()
        if item is None:
            return None
        value = getattr(item, field)
        if not value:
            missing = self.tr("No phone number for {0}.")
            if field == "email":
                missing = self.tr("No email for {0}.")
            self.status(missing.format(item.label))
            return None
        target = "".join(value.split()) if scheme == "tel" else value
        return open_contact_link(self.ctx, self, f"{scheme}:{target}", item.record)

    def log_anything(self) -> Any:
        from workbench.ui.outreach.actions import open_quick_log

        return open_quick_log(self.ctx, self)

    def done_current(self) -> None:
        item = self.current_item()
        if item is None or item.followup_id is None:
            if item is not None and item.enrolment_id is not None:
                self.status(self.tr("A sequence step is done by logging it: L logs it, X skips it."))
            elif item is not None:
                self.status(self.tr("Only a follow-up can be marked done; L logs a touch."))
            return
        self._advance_past_current()
        with undoable(self.ctx, self.tr("Mark follow-up done")):
            outreach.complete_followup(self.ctx.wb, item.followup_id, now=self.ctx.clock())
        self._notify()
        self.status(self.tr("Done: {0}. Ctrl+Z to undo.").format(item.label or item.detail))

    def snooze_current(self) -> None:
        item = self.current_item()
        if item is None or item.followup_id is None or item.due is None:
            if item is not None:
                self.status(self.tr("Only a follow-up can be snoozed."))
            return
        self._advance_past_current()
        with undoable(self.ctx, self.tr("Snooze follow-up")):
            new_due = outreach.snooze_followup(self.ctx.wb, item.followup_id, now=self.ctx.clock())
        self._notify()
        self.status(
            self.tr("Snoozed {0} to {1}. Ctrl+Z to undo.").format(
                item.label or item.detail, fmt.datetime_text(new_due or item.due)
            )
        )

    def _link_own_log(self, activity_id: int) -> None:
        from workbench.services.outreach.timeline import timeline
        from workbench.ui.outreach.activity_edit import ActivityEditDialog

        entry = next(
            (e for e in timeline(self.ctx.wb, None) if e.id == activity_id and not e.is_followup), None
        )
        if entry is not None and ActivityEditDialog.edit(self.ctx, self, entry):
            self._notify()

    def _notify(self) -> None:
        for topic in (Topic.ACTIVITIES, Topic.LEADS, Topic.ACCOUNTS, Topic.OPPORTUNITIES):
            self.ctx.notify(topic)


def _key(item: TodayItem) -> object:
    """A line's identity across counts."""
    return (item.kind, item.record, item.followup_id, item.activity_id, item.enrolment_id)
