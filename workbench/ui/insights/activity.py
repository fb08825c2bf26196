"""The Activity and Pipeline tabs of the Insights area (see :mod:`insights_tabs`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from workbench.services.tables import ColumnKind
from workbench.ui.common import charts
from workbench.ui.common import format as fmt
from workbench.ui.common.plural import plural
from workbench.ui.insights.parts import ChartSlot, ReportTable, explanation, headline
from workbench.ui.insights.tabs import splitter, tab_layout

TEXT, NUMBER, MONEY = ColumnKind.TEXT, ColumnKind.NUMBER, ColumnKind.MONEY


class ActivityTab(QWidget):
    """Touches per result, and touches per week against the goal."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = tab_layout(self)
        self.opportunities_note = explanation(
            self,
            self.tr(
                "“New opportunities” are those created in the period; Conversion counts the "
                "opportunities of the leads received in the period, whenever they were created."
            ),
        )
        layout.addWidget(self.opportunities_note)
        self.ratios = ReportTable(
            self.tr("Touches it takes"),
            "insights-activity",
            [(self.tr("Figure"), TEXT), (self.tr("Value"), NUMBER)],
            self,
            first_width=300,
        )
        self.chart = ChartSlot(self)
        self.weeks = ReportTable(
            self.tr("Touches per week"),
            "insights-touches-per-week",
            [(self.tr("Week of"), TEXT), (self.tr("Touches"), NUMBER), (self.tr("Goal"), NUMBER)],
            self,
        )
        layout.addWidget(splitter(self, self.ratios, self.chart, self.weeks), 1)

    def show_result(self, result: dict[str, Any]) -> None:
        a = result["activity"]

        figures = [
            ("touches", self.tr("Touches in the period")),
            ("connected_calls", self.tr("Connected calls")),
            ("meetings_booked", self.tr("Meetings booked")),
            ("opportunities", self.tr("New opportunities")),
            ("won", self.tr("Deals won")),
            ("touches_per_connected_call", self.tr("Touches per connected call")),
            ("touches_per_meeting_booked", self.tr("Touches per meeting booked")),
            ("touches_per_opportunity", self.tr("Touches per opportunity")),
            ("touches_per_won", self.tr("Touches per won deal")),
            ("touches_per_week", self.tr("Touches per week (goal {0})").format(a["goal_per_week"])),
        ]
        self.ratios.set_rows(
            [("", (label, a[key])) for key, label in figures],
            ("figure", "value"),
            [(key, a[key]) for key, _label in figures],
        )
        weeks = a["weeks"]
        self.weeks.set_rows(
            [
                ("" if w["touches"] >= w["goal"] else "stale", (w["week_start"], w["touches"], w["goal"]))
                for w in weeks
            ],
            ("week_start", "touches", "goal"),
            [(w["week_start"], w["touches"], w["goal"]) for w in weeks],
        )
        labels = [w["week_start"][5:] for w in weeks]
        values = [float(w["touches"]) for w in weeks]
        goal = float(a["goal_per_week"])
        self.chart.show_chart(
            lambda parent: charts.amounts_chart(
                self.tr("Touches per week against the goal"),
                labels,
                [(self.tr("Touches"), values)],
                parent,
                goal,
            )
        )


class PipelineTab(QWidget):
    """Open and weighted pipeline by expected close month and by stage; stale amount."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = tab_layout(self)
        self.summary = headline(self)
        layout.addWidget(self.summary)
        self.chart = ChartSlot(self)
        columns = [
            (self.tr("Open"), NUMBER),
            (self.tr("Amount"), MONEY),
            (self.tr("Weighted"), MONEY),
        ]
        self.by_month = ReportTable(
            self.tr("By expected close month"),
            "insights-pipeline-by-month",
            [(self.tr("Month"), TEXT), *columns],
            self,
        )
        self.by_stage = ReportTable(
            self.tr("By stage"), "insights-pipeline-by-stage", [(self.tr("Stage"), TEXT), *columns], self
        )
        layout.addWidget(splitter(self, self.chart, self.by_month, self.by_stage), 1)

    def show_result(self, result: dict[str, Any]) -> None:
        p = result["pipeline"]
        currency = str(result.get("currency") or "")
        text = self.tr("Open {0} in {1}; weighted {2}; stale {3} in {4}.").format(
            fmt.money_text(p["open_amount"], currency),
            plural("%n opportunity(ies)", int(p["open_count"])),
            fmt.money_text(p["weighted_amount"], currency),
            fmt.money_text(p["stale_amount"], currency),
            fmt.display(NUMBER, p["stale_count"]),
        )
        if len(p["currencies"]) > 1:
            text += " " + self.tr("Amounts in {0} are added as they are.").format(", ".join(p["currencies"]))
        self.summary.setText(text)
        no_date = self.tr("no date")

        def month_label(month: str) -> str:
            return no_date if month == "no date" else month

        months = p["by_month"]
        self.by_month.set_rows(
            [("", (month_label(m["month"]), m["count"], m["amount"], m["weighted"])) for m in months],
            ("month", "open", "amount", "weighted"),
            [(m["month"], m["count"], m["amount"], m["weighted"]) for m in months],
        )
        stages = p["by_stage"]
        self.by_stage.set_rows(
            [("", (s["stage"], s["count"], s["amount"], s["weighted"])) for s in stages],
            ("stage", "open", "amount", "weighted"),
            [(s["stage"], s["count"], s["amount"], s["weighted"]) for s in stages],
        )
        labels = [month_label(m["month"]) for m in months]
        series = [
            (self.tr("Open"), [float(m["amount"]) for m in months]),
            (self.tr("Weighted"), [float(m["weighted"]) for m in months]),
        ]
        self.chart.show_chart(
            lambda parent: charts.amounts_chart(
                self.tr("Pipeline by expected close month"), labels, series, parent
            )
        )
