"""The Quota tab: the rep types a quota and its period; the math comes from their own rates."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.services.insights.quota import Quota, quarter_of
from workbench.services.pipeline.stages import PipelineError, parse_amount
from workbench.services.tables import ColumnKind
from workbench.ui.common import format as fmt
from workbench.ui.common.date_edit import DateEdit
from workbench.ui.insights.parts import ReportTable, explanation, headline, percent


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class QuotaTab(QWidget):
    """Emits ``quotaChanged(Quota | None)`` when the rep saves or clears the quota."""

    quotaChanged = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        form = QFormLayout()
        self.amount = QLineEdit(self)
        self.amount.setPlaceholderText(self.tr("for example 250000"))
        self.amount.setMaximumWidth(260)
        self.amount.returnPressed.connect(self.save)
        first, last = quarter_of(date.today())
        self.first_day = DateEdit(_qdate(first), self)
        self.last_day = DateEdit(_qdate(last), self)
        for edit in (self.first_day, self.last_day):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(fmt.date_format())
        dates = QHBoxLayout()
        dates.addWidget(self.first_day)
        dates.addWidget(QLabel("–", self))
        dates.addWidget(self.last_day)
        dates.addStretch(1)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Do the math"), self)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.clear_button = QPushButton(self.tr("Clear quota"), self)
        self.clear_button.clicked.connect(self.clear)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        form.addRow(self.tr("&Quota:"), self.amount)
        form.addRow(self.tr("Quota period:"), dates)
        form.addRow("", buttons)
        layout.addLayout(form)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()
        layout.addWidget(self.error)
        self.summary = headline(self)
        layout.addWidget(self.summary)
        self.table = ReportTable(
            self.tr("What the quota takes, from your own numbers"),
            "insights-quota",
            [(self.tr("Figure"), ColumnKind.TEXT), (self.tr("Value"), ColumnKind.TEXT)],
            self,
            first_width=340,
        )
        self.needed_note = explanation(
            self,
            self.tr(
                "“Opportunities needed” is everything still to win at your win rate; “More "
                "opportunities needed to close the gap” is what your weighted open pipeline leaves over."
            ),
        )
        layout.addWidget(self.needed_note)
        layout.addWidget(self.table, 1)
        self.table.hide()
        self.needed_note.hide()
        layout.addStretch(0)

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def save(self) -> None:
        text = self.amount.text().strip()
        if not text:
            self.clear()
            return
        try:
            amount = parse_amount(text)
        except PipelineError as exc:
            self._show_error(str(exc))
            return
        first, last = _pydate(self.first_day.date()), _pydate(self.last_day.date())
        if amount <= 0:
            self._show_error(self.tr("The quota must be more than zero."))
            return
        if last < first:
            self._show_error(self.tr("The quota period ends before it starts."))
            return
        self._show_error("")
        self.quotaChanged.emit(Quota(amount, first, last))

    def clear(self) -> None:
        self.amount.clear()
        self._show_error("")
        self.quotaChanged.emit(None)

    def show_result(self, result: dict[str, Any]) -> None:
        q = result["quota"]
        currency = str(result.get("currency") or "")
        if q is None:
            self.summary.setText(
                self.tr(
                    "Type your quota and its period: the workbench works back from your own win rate, "
                    "deal size and conversion to the opportunities, leads and weekly touches it needs."
                )
            )
            self.table.set_rows([], ("figure", "value"), [])
            self.table.hide()
            self.needed_note.hide()
            return
        self.table.show()
        self.needed_note.show()
        if not self.amount.hasFocus():
            self.amount.setText(f"{q['quota']:.0f}")
            self.first_day.setDate(_qdate(date.fromisoformat(q["from"])))
            self.last_day.setDate(_qdate(date.fromisoformat(q["to"])))

        def money(value: float | None) -> str:
            return "—" if value is None else fmt.money_text(value, currency)

        def count(value: float | None, digits: int = 0) -> str:
            return "—" if value is None else f"{value:,.{digits}f}"

        gap = float(q["gap"])
        if gap > 0:
            self.summary.setText(
                self.tr(
                    "Your weighted pipeline for the period falls {0} short: about {1} more opportunities."
                ).format(
                    money(gap),
                    "—"
                    if q["extra_opportunities_needed"] is None
                    else count(q["extra_opportunities_needed"]),
                )
            )
        else:
            self.summary.setText(
                self.tr("Your weighted pipeline for the period covers the rest of the quota.")
            )
        figures: list[tuple[str, str, Any]] = [
            ("quota", self.tr("Quota"), money(q["quota"])),
            ("won_so_far", self.tr("Won so far in the period"), money(q["won_so_far"])),
            ("remaining", self.tr("Still to win"), money(q["remaining"])),
            ("win_rate", self.tr("Your win rate (closed deals)"), percent(q["win_rate"])),
            ("average_deal", self.tr("Your average won deal"), money(q["average_deal"])),
            (
                "lead_to_opportunity",
                self.tr("Your lead → opportunity rate"),
                percent(q["lead_to_opportunity"]),
            ),
            (
                "touches_per_opportunity",
                self.tr("Your touches per opportunity"),
                count(q["touches_per_opportunity"], 1),
            ),
            ("deals_needed", self.tr("Deals needed"), count(q["deals_needed"])),
            ("opportunities_needed", self.tr("Opportunities needed"), count(q["opportunities_needed"])),
            ("leads_needed", self.tr("Leads needed"), count(q["leads_needed"])),
            ("touches_needed", self.tr("Touches needed"), count(q["touches_needed"])),
            (
                "touches_per_week_needed",
                self.tr("Touches per week needed ({0} weeks left)").format(count(q["weeks_left"], 1)),
                count(_ceil(q["touches_per_week_needed"])),
            ),
            ("pipeline_amount", self.tr("Open pipeline closing in the period"), money(q["pipeline_amount"])),
            ("pipeline_weighted", self.tr("…weighted by probability"), money(q["pipeline_weighted"])),
            (
                "coverage",
                self.tr("Pipeline coverage of what is still to win"),
                "—" if q["coverage"] is None else f"{q['coverage']:.1f}×",
            ),
            ("gap", self.tr("Gap to the weighted pipeline"), money(max(gap, 0.0))),
            (
                "extra_opportunities_needed",
                self.tr("More opportunities needed to close the gap"),
                count(q["extra_opportunities_needed"]),
            ),
        ]
        self.table.set_rows(
            [("", (label, text)) for _key, label, text in figures],
            ("figure", "value"),
            [(key, q[key]) for key, _label, _text in figures],
        )


def _ceil(value: float | None) -> float | None:
    return None if value is None else float(math.ceil(value))
