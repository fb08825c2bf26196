"""The tabs of the Insights area. Each shows one section of the stats dict
(:func:`workbench.services.insights.stats.compute_stats`) as a chart where a picture
reads faster, and always as a table with a CSV export. Conversion, speed-to-lead and
the funnel are here; activity and pipeline in :mod:`insights_activity`."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from workbench.services.insights.common import NONE_KEY
from workbench.services.tables import ColumnKind
from workbench.ui.common import charts
from workbench.ui.common import format as fmt
from workbench.ui.common.plural import plural
from workbench.ui.insights.parts import (
    ChartSlot,
    ReportTable,
    ci_parts,
    explanation,
    headline,
    interval_text,
    percent,
)
from workbench.ui.leads.labels import kind_label

TEXT, NUMBER, PERCENT, DURATION = ColumnKind.TEXT, ColumnKind.NUMBER, ColumnKind.PERCENT, ColumnKind.DURATION
HOUR = 3600.0


def splitter(parent: QWidget, *widgets: QWidget) -> QSplitter:
    splitter = QSplitter(Qt.Orientation.Vertical, parent)
    splitter.setChildrenCollapsible(False)
    for w in widgets:
        splitter.addWidget(w)
    return splitter


def tab_layout(widget: QWidget) -> QVBoxLayout:
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(8, 8, 8, 8)
    return layout


def _seconds(value_hours: float | None) -> float | None:
    return None if value_hours is None else value_hours * HOUR


class ConversionTab(QWidget):
    """Lead → opportunity → won by kind, source, campaign or industry."""

    DIMENSIONS = ("kind", "source", "campaign", "industry")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = tab_layout(self)
        bar = QHBoxLayout()
        self.summary = headline(self)
        self.dimension = QComboBox(self)
        for key, title in zip(
            self.DIMENSIONS,
            (self.tr("By kind"), self.tr("By source"), self.tr("By campaign"), self.tr("By industry")),
            strict=True,
        ):
            self.dimension.addItem(title, key)
        self.dimension.setCurrentIndex(1)
        self.dimension.currentIndexChanged.connect(lambda _i: self._fill())
        bar.addWidget(self.summary, 1)
        bar.addWidget(QLabel(self.tr("Split:"), self))
        bar.addWidget(self.dimension)
        layout.addLayout(bar)
        self.cohort_note = explanation(
            self,
            self.tr(
                "Opportunities here are those of the leads received in the period; Activity's “New "
                "opportunities” counts the opportunities created in the period, whenever their lead came."
            ),
        )
        self.won_note = explanation(
            self,
            self.tr(
                "Opportunity → won divides the won by all these opportunities, open ones included; "
                "Win rate (closed) divides them by the won and lost only."
            ),
        )
        layout.addWidget(self.cohort_note)
        layout.addWidget(self.won_note)
        self.chart = ChartSlot(self)
        self.table = ReportTable(
            self.tr("Conversion of the leads received in the period"),
            "insights-conversion",
            [
                (self.tr("Group"), TEXT),
                (self.tr("Leads"), NUMBER),
                (self.tr("Opportunities"), NUMBER),
                (self.tr("Won"), NUMBER),
                (self.tr("Lead → opportunity"), PERCENT),
                (self.tr("95 % interval"), TEXT),
                (self.tr("Opportunity → won"), PERCENT),
                (self.tr("Win rate (closed)"), PERCENT),
                (self.tr("Note"), TEXT),
            ],
            self,
        )
        layout.addWidget(splitter(self, self.chart, self.table), 1)
        self._result: dict[str, Any] | None = None

    def label(self, dimension: str, key: str) -> str:
        if key == NONE_KEY:
            return self.tr("(none)")
        return kind_label(key) if dimension == "kind" else key

    def show_result(self, result: dict[str, Any]) -> None:
        self._result = result["conversion"]
        total = self._result["total"]
        self.summary.setText(
            self.tr("{0} → {1} → {2} won.  Lead → opportunity {3} ({4}).").format(
                plural("%n lead(s)", int(total["leads"])),
                plural("%n opportunity(ies)", int(total["opportunities"])),
                fmt.display(NUMBER, total["won"]),
                percent(total["lead_to_opportunity"]),
                interval_text(total["lead_to_opportunity_ci"]) or "—",
            )
        )
        self._fill()

    def _fill(self) -> None:
        if self._result is None:
            return
        dimension = str(self.dimension.currentData())
        groups: dict[str, dict[str, Any]] = self._result[f"by_{dimension}"]
        min_leads = int(self._result["min_group_leads"])
        rows: list[tuple[str, tuple[Any, ...]]] = []
        csv_rows: list[tuple[Any, ...]] = []
        points: list[charts.RatePoint] = []
        for key, g in groups.items():
            name = self.label(dimension, key)
            note = (
                ""
                if g["meaningful"]
                else self.tr("fewer than {0} leads: not yet meaningful").format(min_leads)
            )
            rows.append(
                (
                    "" if g["meaningful"] else "muted",
                    (
                        name,
                        g["leads"],
                        g["opportunities"],
                        g["won"],
                        g["lead_to_opportunity"],
                        interval_text(g["lead_to_opportunity_ci"]),
                        g["opportunity_to_won"],
                        g["win_rate"],
                        note,
                    ),
                )
            )
            low, high = ci_parts(g["lead_to_opportunity_ci"])
            csv_rows.append(
                (
                    key,
                    g["leads"],
                    g["opportunities"],
                    g["won"],
                    g["lost"],
                    g["lead_to_opportunity"],
                    low,
                    high,
                    g["opportunity_to_won"],
                    g["win_rate"],
                    g["meaningful"],
                )
            )
            points.append(charts.RatePoint(name, g["lead_to_opportunity"], low, high, bool(g["meaningful"])))
        self.table.file_stem = f"insights-conversion-by-{dimension}"
        self.table.set_rows(
            rows,
            (
                dimension,
                "leads",
                "opportunities",
                "won",
                "lost",
                "lead_to_opportunity",
                "lead_to_opportunity_ci_low",
                "lead_to_opportunity_ci_high",
                "opportunity_to_won",
                "win_rate",
                "meaningful",
            ),
            csv_rows,
        )
        noun = {
            "kind": self.tr("kind"),
            "source": self.tr("source"),
            "campaign": self.tr("campaign"),
            "industry": self.tr("industry"),
        }[dimension]
        title = self.tr("Lead → opportunity by {0}, with 95 % intervals").format(noun)
        self.chart.show_chart(lambda parent: charts.conversion_chart(title, points, parent))


class SpeedTab(QWidget):
    """Speed-to-lead: the histogram, medians by source, and fast vs slow first touch."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = tab_layout(self)
        self.summary = headline(self)
        layout.addWidget(self.summary)
        self.scope = explanation(self, "")
        self.scope.setObjectName("speedScope")
        layout.addWidget(self.scope)
        self.chart = ChartSlot(self)
        self.by_source = ReportTable(
            self.tr("By source"),
            "insights-speed-by-source",
            [
                (self.tr("Source"), TEXT),
                (self.tr("Touched"), NUMBER),
                (self.tr("Never touched"), NUMBER),
                (self.tr("Median speed"), DURATION),
                (self.tr("Within 1 h"), NUMBER),
            ],
            self,
        )
        self.fast_vs_slow = ReportTable(
            self.tr("Does a fast first touch convert better?"),
            "insights-first-touch-conversion",
            [
                (self.tr("First touch"), TEXT),
                (self.tr("Leads"), NUMBER),
                (self.tr("Opportunities"), NUMBER),
                (self.tr("Won"), NUMBER),
                (self.tr("Lead → opportunity"), PERCENT),
                (self.tr("95 % interval"), TEXT),
            ],
            self,
        )
        layout.addWidget(splitter(self, self.chart, self.by_source, self.fast_vs_slow), 1)

    def show_result(self, result: dict[str, Any]) -> None:
        speed = result["speed_to_lead_hours"]
        median = _seconds(speed["median"])
        self.summary.setText(
            self.tr("Median speed-to-lead {0} over {1}; {2} never touched.").format(
                fmt.duration_text(median) if median is not None else "—",
                plural("%n touched lead(s)", int(speed["touched"])),
                fmt.display(NUMBER, speed["untouched"]),
            )
        )
        self.scope.setText(
            plural(
                "Speed-to-lead counts inbound and referral leads only; %n cold/list lead(s) left out.",
                int(speed.get("left_out", 0)),
            )
        )
        labels = [b["label"] for b in speed["histogram"]] + [self.tr("never")]
        counts = [int(b["leads"]) for b in speed["histogram"]] + [int(speed["untouched"])]
        self.chart.show_chart(
            lambda parent: charts.histogram_chart(
                self.tr("Hours from arrival to first touch"), labels, counts, parent
            )
        )
        rows: list[tuple[str, tuple[Any, ...]]] = []
        csv_rows: list[tuple[Any, ...]] = []
        for key, s in speed["by_source"].items():
            within = sum(int(b["leads"]) for b in s["histogram"][:2])
            name = self.tr("(none)") if key == NONE_KEY else key
            rows.append(("", (name, s["touched"], s["untouched"], _seconds(s["median"]), within)))
            csv_rows.append((key, s["touched"], s["untouched"], s["median"], within))
        self.by_source.set_rows(
            rows, ("source", "touched", "untouched", "median_hours", "touched_within_hour"), csv_rows
        )
        names = {
            "within_hour": self.tr("Within 1 hour"),
            "later": self.tr("Later"),
            "never": self.tr("Never"),
        }
        rows = []
        csv_rows = []
        for key, g in speed["conversion_by_first_touch"].items():
            rows.append(
                (
                    "" if g["meaningful"] else "muted",
                    (
                        names.get(key, key),
                        g["leads"],
                        g["opportunities"],
                        g["won"],
                        g["lead_to_opportunity"],
                        interval_text(g["lead_to_opportunity_ci"]),
                    ),
                )
            )
            low, high = ci_parts(g["lead_to_opportunity_ci"])
            csv_rows.append(
                (key, g["leads"], g["opportunities"], g["won"], g["lead_to_opportunity"], low, high)
            )
        self.fast_vs_slow.set_rows(
            rows,
            ("first_touch", "leads", "opportunities", "won", "lead_to_opportunity", "ci_low", "ci_high"),
            csv_rows,
        )


class FunnelTab(QWidget):
    """The stage funnel, worst leak marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = tab_layout(self)
        self.summary = headline(self)
        layout.addWidget(self.summary)
        self.chart = ChartSlot(self)
        self.table = ReportTable(
            self.tr("Stages of the opportunities that entered the pipeline in the period"),
            "insights-funnel",
            [
                (self.tr("Stage"), TEXT),
                (self.tr("Entered"), NUMBER),
                (self.tr("Advanced"), NUMBER),
                (self.tr("Lost there"), NUMBER),
                (self.tr("Moved back"), NUMBER),
                (self.tr("Still there"), NUMBER),
                (self.tr("Advance rate"), PERCENT),
                (self.tr("Loss rate"), PERCENT),
                (self.tr("Median time in stage"), DURATION),
                (self.tr("Per won deal"), NUMBER),
            ],
            self,
        )
        layout.addWidget(splitter(self, self.chart, self.table), 1)

    def show_result(self, result: dict[str, Any]) -> None:
        stages: list[dict[str, Any]] = result["funnel"]
        worst = next((s for s in stages if s["worst_leak"]), None)
        if worst is None:
            self.summary.setText(self.tr("No opportunity was lost from an open stage in the period."))
        else:
            self.summary.setText(
                self.tr("Worst leak: {0} — {1} of {2} opportunities that entered it were lost there.").format(
                    worst["stage"], worst["lost"], worst["entered"]
                )
            )
        rows: list[tuple[str, tuple[Any, ...]]] = []
        csv_rows: list[tuple[Any, ...]] = []
        steps: list[charts.FunnelStep] = []
        for s in stages:
            days = s["median_days_in_stage"]
            rows.append(
                (
                    "overdue" if s["worst_leak"] else ("won" if s["kind"] == "won" else ""),
                    (
                        s["stage"],
                        s["entered"],
                        s["advanced"],
                        s["lost"],
                        s["moved_back"],
                        s["still_here"],
                        s["advance_rate"],
                        s["loss_rate"],
                        days * 86400 if days is not None else None,
                        s["per_won"],
                    ),
                )
            )
            csv_rows.append(
                (
                    s["stage"],
                    s["entered"],
                    s["advanced"],
                    s["lost"],
                    s["moved_back"],
                    s["still_here"],
                    s["advance_rate"],
                    s["loss_rate"],
                    days,
                    s["per_won"],
                    s["worst_leak"],
                )
            )
            steps.append(
                charts.FunnelStep(
                    s["stage"], s["entered"], s["advanced"] or 0, s["lost"] or 0, s["worst_leak"]
                )
            )
        self.table.set_rows(
            rows,
            (
                "stage",
                "entered",
                "advanced",
                "lost",
                "moved_back",
                "still_here",
                "advance_rate",
                "loss_rate",
                "median_days_in_stage",
                "per_won",
                "worst_leak",
            ),
            csv_rows,
        )
        self.chart.show_chart(lambda parent: charts.funnel_chart(self.tr("Stage funnel"), steps, parent))
