"""Insights area: which leads become opportunities and deals, where deals stall, and what
the quota takes — with charts, tables and CSV exports.

The numbers come from :func:`workbench.services.insights.stats.compute_stats` (the same
dict ``workbench stats --json`` prints), computed on the thread pool so the window stays
responsive on a large file; the tabs only draw what it returns.
"""

from __future__ import annotations

import logging
import time
from datetime import date, timedelta
from typing import Any, TypeVar

from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.services.insights.common import Period
from workbench.services.insights.quota import Quota, quarter_of
from workbench.services.insights.stats import compute_stats, save_quota
from workbench.ui.common import workers
from workbench.ui.common.area_base import Area, empty_state, simple_area_layout
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.date_edit import DateEdit
from workbench.ui.common.undo import undoable
from workbench.ui.insights.activity import ActivityTab, PipelineTab
from workbench.ui.insights.lost import LostReasonsTab
from workbench.ui.insights.quota import QuotaTab
from workbench.ui.insights.sequences_tab import SequencesTab
from workbench.ui.insights.tabs import ConversionTab, FunnelTab, SpeedTab

log = logging.getLogger(__name__)

_T = TypeVar("_T", bound=QWidget)
#: The tabs, in their order on screen.
_TAB_CLASSES: tuple[type[QWidget], ...] = (
    ConversionTab,
    SpeedTab,
    FunnelTab,
    ActivityTab,
    PipelineTab,
    LostReasonsTab,
    QuotaTab,
    SequencesTab,
)

#: Period choices: key → (first day, last day) from today; None means no limit.
PRESETS = (
    "last_30",
    "last_90",
    "this_quarter",
    "last_quarter",
    "last_12_months",
    "this_year",
    "all",
    "custom",
)
DEFAULT_PRESET = "last_12_months"


def preset_days(key: str, today: date) -> tuple[date | None, date | None]:
    if key == "last_30":
        return today - timedelta(days=29), today
    if key == "last_90":
        return today - timedelta(days=89), today
    if key == "this_quarter":
        return quarter_of(today)
    if key == "last_quarter":
        return quarter_of(quarter_of(today)[0] - timedelta(days=1))
    if key == "last_12_months":
        return today - timedelta(days=364), today
    if key == "this_year":
        return date(today.year, 1, 1), today
    return None, None


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class InsightsArea(Area):
    title = "Insights"
    needs_workbench = True
    topics = (Topic.LEADS, Topic.ACTIVITIES, Topic.OPPORTUNITIES, Topic.SETTINGS, Topic.ACCOUNTS)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = simple_area_layout(self)
        bar = QHBoxLayout()
        heading = QLabel(self.tr("Insights"), self)
        heading.setObjectName("areaTitle")
        bar.addWidget(heading)
        bar.addSpacing(16)
        period_label = QLabel(self.tr("&Period:"), self)
        bar.addWidget(period_label)
        self.preset = QComboBox(self)
        period_label.setBuddy(self.preset)
        names = {
            "last_30": self.tr("Last 30 days"),
            "last_90": self.tr("Last 90 days"),
            "this_quarter": self.tr("This quarter"),
            "last_quarter": self.tr("Last quarter"),
            "last_12_months": self.tr("Last 12 months"),
            "this_year": self.tr("This year"),
            "all": self.tr("All time"),
            "custom": self.tr("Custom…"),
        }
        for key in PRESETS:
            self.preset.addItem(names[key], key)
        today = ctx.clock().astimezone().date()
        self.first_day = DateEdit(_qdate(today - timedelta(days=89)), self)
        self.last_day = DateEdit(_qdate(today), self)
        for edit in (self.first_day, self.last_day):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self._on_custom_dates)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.refresh_button.setToolTip(self.tr("Compute again (F5)"))
        self.refresh_button.clicked.connect(self.reload)
        self.status = QLabel(self)
        self.status.setObjectName("insightsStatus")
        bar.addWidget(self.preset)
        bar.addWidget(self.first_day)
        bar.addWidget(QLabel("–", self))
        bar.addWidget(self.last_day)
        bar.addWidget(self.refresh_button)
        bar.addStretch(1)
        bar.addWidget(self.status)
        layout.addLayout(bar)
        self.empty = empty_state(
            self.tr(
                "Nothing to measure yet. As leads arrive, get touched and become opportunities, this page "
                "shows which kinds, sources and campaigns convert, how fast you reach new leads, where deals "
                "stall, and what your quota takes."
            ),
            self,
        )
        self.empty.hide()
        layout.addWidget(self.empty)
        self.last_result: dict[str, Any] | None = None
        self.tabs = QTabWidget(self)
        # Each tab is built when first shown (or in an idle turn after the first result):
        # building all eight at once stopped the UI for ~150 ms on the first visit.
        self._pages: dict[type[QWidget], QWidget] = {}
        self._holders: list[tuple[type[QWidget], QWidget]] = []
        titles = (
            self.tr("&Conversion"),
            self.tr("&Speed to lead"),
            self.tr("&Funnel"),
            self.tr("&Activity"),
            self.tr("Pipe&line"),
            self.tr("Lost &reasons"),
            self.tr("&Quota"),
            self.tr("Seq&uences"),
        )
        for cls, title in zip(_TAB_CLASSES, titles, strict=True):
            holder = QWidget(self.tabs)
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self._holders.append((cls, holder))
            self.tabs.addTab(holder, title)
        self.tabs.currentChanged.connect(lambda index: self._page_at(index))
        layout.addWidget(self.tabs, 1)
        self.preset.setCurrentIndex(PRESETS.index(DEFAULT_PRESET))
        self._apply_preset()
        self.preset.currentIndexChanged.connect(lambda _i: self._on_preset())
        self._page_at(self.tabs.currentIndex())
        self._job: workers.Job | None = None
        self._again = False
        self._started = 0.0

    # --- tabs, built on first use ------------------------------------------------
    def _page_at(self, index: int) -> QWidget | None:
        if not 0 <= index < len(self._holders):
            return None
        cls, holder = self._holders[index]
        page = self._pages.get(cls)
        if page is None:
            page = cls(holder)
            layout = holder.layout()
            assert layout is not None
            layout.addWidget(page)
            self._pages[cls] = page
            if isinstance(page, QuotaTab):
                page.quotaChanged.connect(self._save_quota)
            if self.last_result is not None:
                page.show_result(self.last_result)  # type: ignore[attr-defined]
        return page

    def _page(self, cls: type[_T]) -> _T:
        index = _TAB_CLASSES.index(cls)
        page = self._page_at(index)
        assert isinstance(page, cls)
        return page

    def show_tab(self, page: QWidget) -> None:
        """Bring the tab holding ``page`` to the front."""
        for cls, holder in self._holders:
            if self._pages.get(cls) is page:
                self.tabs.setCurrentWidget(holder)
                return
        raise ValueError("not a tab of this area")

    def _build_next_page(self) -> None:
        """Build one tab not yet shown (one per event-loop turn, after a result)."""
        for index, (cls, _holder) in enumerate(self._holders):
            if cls not in self._pages:
                self._page_at(index)
                QTimer.singleShot(0, self._build_next_page)
                return

    @property
    def conversion(self) -> ConversionTab:
        return self._page(ConversionTab)

    @property
    def speed(self) -> SpeedTab:
        return self._page(SpeedTab)

    @property
    def funnel(self) -> FunnelTab:
        return self._page(FunnelTab)

    @property
    def activity(self) -> ActivityTab:
        return self._page(ActivityTab)

    @property
    def pipeline(self) -> PipelineTab:
        return self._page(PipelineTab)

    @property
    def lost(self) -> LostReasonsTab:
        return self._page(LostReasonsTab)

    @property
    def quota(self) -> QuotaTab:
        return self._page(QuotaTab)

    @property
    def sequences(self) -> SequencesTab:
        return self._page(SequencesTab)

    def install_actions(self, window: object) -> None:
        add_action = getattr(window, "add_action", None)
        if callable(add_action):
            add_action("View", "Refresh &Insights", self._refresh_if_visible, "F5")

    def _refresh_if_visible(self) -> None:
        if self.isVisible():
            self.reload()

    # --- period ----------------------------------------------------------------
    def _apply_preset(self) -> None:
        key = str(self.preset.currentData())
        custom = key == "custom"
        for edit in (self.first_day, self.last_day):
            edit.setEnabled(custom)
        if not custom:
            first, last = preset_days(key, self.ctx.clock().astimezone().date())
            for edit, day in ((self.first_day, first), (self.last_day, last)):
                edit.blockSignals(True)
                edit.setVisible(day is not None)
                if day is not None:
                    edit.setDate(_qdate(day))
                edit.blockSignals(False)

    def _on_preset(self) -> None:
        self._apply_preset()
        self.reload()

    def _on_custom_dates(self) -> None:
        if str(self.preset.currentData()) == "custom":
            self.reload()

    def period(self) -> Period:
        key = str(self.preset.currentData())
        if key == "all":
            return Period()
        first, last = _pydate(self.first_day.date()), _pydate(self.last_day.date())
        if last < first:
            first, last = last, first
        return Period.from_dates(first, last)

    def set_preset(self, key: str) -> None:
        self.preset.setCurrentIndex(PRESETS.index(key))

    # --- computing -------------------------------------------------------------
    def reload(self) -> None:
        if not self.ctx.has_workbench:
            return
        if self._job is not None:
            self._again = True  # the result in flight is for older settings
            return
        wb, clock, period = self.ctx.wb, self.ctx.clock, self.period()
        self.status.setText(self.tr("Computing…"))
        self._started = time.perf_counter()
        job = workers.Job(lambda _report: compute_stats(wb, period, clock=clock))
        job.signals.finished.connect(self._on_result)
        job.signals.failed.connect(self._on_failed)
        self._job = workers.start(job)

    def _finish_job(self) -> bool:
        """Clear the running job; True when another run was asked for meanwhile."""
        self._job = None
        again, self._again = self._again, False
        if again:
            self.reload()
        return again

    def _on_result(self, result: object) -> None:
        if self._finish_job():
            return
        assert isinstance(result, dict)
        self.last_result = result
        elapsed = (time.perf_counter() - self._started) * 1000
        self.status.setText(self.tr("Computed in {0} ms").format(f"{elapsed:,.0f}"))
        self.empty.setVisible(_is_empty(result))
        for page in self._pages.values():
            page.show_result(result)  # type: ignore[attr-defined]
        self.populated.emit()
        QTimer.singleShot(0, self._build_next_page)

    def _on_failed(self, error: object) -> None:
        if self._finish_job():
            return
        log.error("insights failed: %r", error)
        self.status.setText(self.tr("Could not compute the insights: {0}").format(error))
        self.populated.emit()

    def _save_quota(self, value: object) -> None:
        assert value is None or isinstance(value, Quota)
        with undoable(self.ctx, self.tr("Set the quota"), Topic.SETTINGS):
            save_quota(self.ctx.wb, value)
        self.reload()


def _is_empty(result: dict[str, Any]) -> bool:
    return (
        result["conversion"]["total"]["leads"] == 0
        and result["pipeline"]["open_count"] == 0
        and result["activity"]["touches"] == 0
        and not any(stage["entered"] for stage in result["funnel"])
    )
