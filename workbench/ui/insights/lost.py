"""The Lost reasons tab: why deals were lost in the period, and to which competitors."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from workbench.services.tables import ColumnKind
from workbench.ui.common.plural import plural
from workbench.ui.insights.parts import ReportTable, headline
from workbench.ui.insights.tabs import splitter, tab_layout

TEXT, NUMBER = ColumnKind.TEXT, ColumnKind.NUMBER


class LostReasonsTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = tab_layout(self)
        self.summary = headline(self)
        layout.addWidget(self.summary)
        self.by_reason = ReportTable(
            self.tr("By reason"),
            "insights-lost-reasons",
            [(self.tr("Reason"), TEXT), (self.tr("Lost to"), TEXT), (self.tr("Deals"), NUMBER)],
            self,
        )
        self.by_competitor = ReportTable(
            self.tr("By competitor"),
            "insights-lost-to",
            [(self.tr("Competitor"), TEXT), (self.tr("Deals"), NUMBER)],
            self,
        )
        layout.addWidget(splitter(self, self.by_reason, self.by_competitor), 1)

    def show_result(self, result: dict[str, Any]) -> None:
        lost = result.get("lost_reasons") or {"lost": 0, "reasons": [], "competitors": []}
        self.summary.setText(plural("%n deal(s) lost in this period.", int(lost["lost"])))
        rows, csv = [], []
        for entry in lost["reasons"]:
            words = entry["reason"][:1].upper() + entry["reason"][1:]  # stored lowercase
            named = ", ".join(f"{c['name']} ({c['count']})" for c in entry["lost_to"])
            rows.append(("", (words, named, entry["count"])))
            csv.append((entry["reason"], named, entry["count"]))
        self.by_reason.set_rows(rows, ("reason", "lost_to", "deals"), csv)
        competitors = lost["competitors"]
        self.by_competitor.set_rows(
            [("", (c["name"], c["count"])) for c in competitors],
            ("competitor", "deals"),
            [(c["name"], c["count"]) for c in competitors],
        )
