"""Insights' Sequences tab: for the chosen period, one sequence beside another, and its
steps — the figures of ``compute_stats``'s ``sequences`` section (the same the CLI's
``workbench stats --json`` prints), drawn by the Sequences page's own panel."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from workbench.ui.sequences.stats_panel import StatsPanel


class SequencesTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.choice = QComboBox(self)
        label = QLabel(self.tr("Se&quence"), self)
        label.setBuddy(self.choice)
        top.addWidget(label)
        top.addWidget(self.choice, 1)
        layout.addLayout(top)
        self.panel = StatsPanel(None, self)
        layout.addWidget(self.panel, 1)
        self.choice.currentIndexChanged.connect(lambda _i: self.panel.show_uuid(self.choice.currentData()))

    def show_result(self, result: dict[str, Any]) -> None:
        section = result.get("sequences") or {"sequences": []}
        keep = self.choice.currentData()
        self.choice.blockSignals(True)
        self.choice.clear()
        for row in section["sequences"]:
            self.choice.addItem(row["name"], row["uuid"])
        self.choice.setCurrentIndex(max(self.choice.findData(keep), 0))
        self.choice.blockSignals(False)
        self.panel.set_result(section)
        self.panel.show_uuid(self.choice.currentData())
