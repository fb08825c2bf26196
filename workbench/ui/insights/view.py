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
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
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
from workbench.ui.insights.tabs import ConversionTab, FunnelTab, SpeedTab

log = logging.getLogger(__name__)

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
        self.tabs = QTabWidget(self)
        self.conversion = ConversionTab(self.tabs)
        self.speed = SpeedTab(self.tabs)
        self.funnel = FunnelTab(self.tabs)
        self.activity = ActivityTab(self.tabs)
        self.pipeline = PipelineTab(self.tabs)
        self.lost = LostReasonsTab(self.tabs)
        self.quota = QuotaTab(self.tabs)
        from workbench.ui.insights.sequences_tab import SequencesTab

        self.sequences = SequencesTab(self.tabs)
        self.tabs.addTab(self.conversion, self.tr("&Conversion"))
        self.tabs.addTab(self.speed, self.tr("&Speed to lead"))
        self.tabs.addTab(self.funnel, self.tr("&Funnel"))
        self.tabs.addTab(self.activity, self.tr("&Activity"))
        self.tabs.addTab(self.pipeline, self.tr("Pipe&line"))
        self.tabs.addTab(self.lost, self.tr("Lost &reasons"))
        self.tabs.addTab(self.quota, self.tr("&Quota"))
        self.tabs.addTab(self.sequences, self.tr("Seq&uences"))
        layout.addWidget(self.tabs, 1)
        self.quota.quotaChanged.connect(self._save_quota)
        self.preset.setCurrentIndex(PRESETS.index(DEFAULT_PRESET))
        self._apply_preset()
        self.preset.currentIndexChanged.connect(lambda _i: self._on_preset())
        self.last_result: dict[str, Any] | None = None
        self._job: workers.Job | None = None
        self._again = False
        self._started = 0.0

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
        tabs = (self.conversion, self.speed, self.funnel, self.activity, self.pipeline, self.lost, self.quota)
        for tab in tabs:
            tab.show_result(result)
        self.sequences.show_result(result)
        self.populated.emit()

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
