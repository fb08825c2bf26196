"""What works, on the Sequences page: the current sequence beside another one ("compare
with"), and its steps — reached, done, skipped, replies after each. Rates show their
Wilson interval; a sequence or step with fewer enrolments than Insights' minimum group
is greyed like every small sample in Insights."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.services.insights import sequences as sequence_stats
from workbench.services.insights.common import Period
from workbench.services.sequences.templates import SequenceInfo
from workbench.services.settings import values as settings
from workbench.ui.common import workers
from workbench.ui.common.context import AppContext

log = logging.getLogger(__name__)

METRICS = (
    ("enrolled", "Enrolled"),
    ("active", "Active"),
    ("finished", "Finished"),
    ("stopped", "Stopped"),
    ("replied", "Stopped by reply"),
    ("meeting_booked", "Stopped by meeting"),
    ("not_interested", "Stopped: not interested"),
    ("opportunities", "Opportunities"),
    ("won", "Won deals"),
    ("reply_rate", "Reply or meeting rate"),
    ("meeting_rate", "Meeting rate"),
    ("opportunity_rate", "Opportunity rate"),
    ("won_rate", "Won rate"),
    ("most_replies_after_step", "Most replies after step"),
)


def rate_text(value: float | None, ci: Sequence[float] | None) -> str:
    if value is None:
        return "—"
    text = f"{value:.0%}"
    return f"{text} ({ci[0]:.0%}–{ci[1]:.0%})" if ci else text


def cell(row: dict[str, Any] | None, key: str) -> str:
    if row is None:
        return ""
    value = row.get(key)
    if key == "most_replies_after_step" and value == 0:
        return "before step 1"
    if key.endswith("_rate"):
        return rate_text(value, row.get(f"{key}_ci"))
    return "—" if value is None else str(value)


class StatsPanel(QWidget):
    #: The figures asked for by :meth:`set_sequences` are shown (or failed to come).
    computed = Signal()

    def __init__(self, ctx: AppContext | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._generation = 0
        self.result: dict[str, Any] = {"sequences": []}
        self.main_uuid: str | None = None
        self.ids: dict[int, str] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        title = QLabel(self.tr("What works"), self)
        title.setObjectName("heading")
        self.compare = QComboBox(self)
        label = QLabel(self.tr("C&ompare with"), self)
        label.setBuddy(self.compare)
        top.addWidget(title, 1)
        top.addWidget(label)
        top.addWidget(self.compare)
        layout.addLayout(top)
        body = QHBoxLayout()
        self.table = QTreeWidget(self)
        self.table.setRootIsDecorated(False)
        self.table.setColumnCount(3)
        self.steps = QTreeWidget(self)
        self.steps.setRootIsDecorated(False)
        self.steps.setHeaderLabels(
            [
                self.tr(t)
                for t in ("Step", "Channel", "Reached", "Done", "Skipped", "Replied after", "Reply rate")
            ]
        )
        self.table.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for column in range(7):
            self.steps.header().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        body.addWidget(self.table, 1)
        body.addWidget(self.steps, 1)
        layout.addLayout(body, 1)
        self.compare.currentIndexChanged.connect(lambda _i: self._fill())

    def set_sequences(self, items: list[SequenceInfo]) -> None:
        """Recompute for the listed sequences (all time; Insights has the periods), on
        the thread pool: counting every enrolment's outcome took ~40 ms of the UI
        thread on the large file. :attr:`computed` says when the figures are in."""
        self.ids = {s.id: s.uuid for s in items}
        assert self.ctx is not None
        wb = self.ctx.wb
        self._generation += 1
        generation = self._generation

        def compute(_report: object) -> dict[str, Any]:
            with wb.reading() as session:
                min_group = int(settings.get(session, "insights.min_group_leads"))
                return sequence_stats.compute(session, Period(), min_group)

        job = workers.Job(compute)
        job.signals.finished.connect(lambda result: self._computed(generation, result))
        job.signals.failed.connect(lambda error: self._failed(generation, error))
        workers.start(job)

    def _computed(self, generation: int, result: object) -> None:
        if generation != self._generation:
            return  # a newer computation is on its way
        assert isinstance(result, dict)
        self.set_result(result)
        self.computed.emit()

    def _failed(self, generation: int, error: object) -> None:
        if generation != self._generation:
            return
        log.error("sequence statistics failed: %r", error)
        self.computed.emit()

    def set_result(self, result: dict[str, Any]) -> None:
        """Show ``result`` (the ``sequences`` section of the Insights dict)."""
        self.result = result
        keep = self.compare.currentData()
        self.compare.blockSignals(True)
        self.compare.clear()
        self.compare.addItem(self.tr("(none)"), None)
        for row in result["sequences"]:
            self.compare.addItem(row["name"], row["uuid"])
        index = self.compare.findData(keep)
        self.compare.setCurrentIndex(max(index, 0))
        self.compare.blockSignals(False)
        self._fill()

    def show_sequence(self, sequence_id: int) -> None:
        self.show_uuid(self.ids.get(sequence_id))

    def show_uuid(self, uuid: str | None) -> None:
        self.main_uuid = uuid
        self._fill()

    def row(self, uuid: str | None) -> dict[str, Any] | None:
        return next((r for r in self.result["sequences"] if r["uuid"] == uuid), None)

    def _fill(self) -> None:
        main = self.row(self.main_uuid)
        other = self.row(self.compare.currentData())
        self.table.clear()
        self.table.setHeaderLabels(
            [self.tr("Measure"), main["name"] if main else "", other["name"] if other else ""]
        )
        grey = self.palette().placeholderText()
        for key, label in METRICS:
            item = QTreeWidgetItem([self.tr(label), cell(main, key), cell(other, key)])
            for column, row in ((1, main), (2, other)):
                if row is not None and not row["meaningful"]:
                    item.setForeground(column, grey)
                    item.setToolTip(column, self.tr("Few enrolments: read with care"))
            self.table.addTopLevelItem(item)
        self.steps.clear()
        for step in main["steps"] if main else []:
            item = QTreeWidgetItem(
                [
                    str(step["step"]),
                    step["channel"],
                    str(step["reached"]),
                    str(step["done"]),
                    str(step["skipped"]),
                    str(step["replied_after"]),
                    rate_text(step["reply_rate"], step["reply_rate_ci"]),
                ]
            )
            if not step["meaningful"]:
                for column in range(7):
                    item.setForeground(column, grey)
            self.steps.addTopLevelItem(item)
