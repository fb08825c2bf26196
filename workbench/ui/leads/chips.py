"""The row of filter chips above the leads table: status, kind, source and attention flags.

Chips within one group combine with OR ("new or working"), groups with AND. The bar
only reports a plain dict (the ``chips`` of :class:`~workbench.services.tables.TableQuery`);
the SQL lives in :mod:`workbench.services.leads.table`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFrame, QLayout, QMenu, QToolButton, QWidget

from workbench.domain import LeadKind, LeadStatus
from workbench.ui.common.flow_layout import FlowLayout
from workbench.ui.common.sql_table import STYLE_COLOURS
from workbench.ui.leads.labels import kind_label, status_label

FLAGS: tuple[str, ...] = ("stale", "untouched", "revisit")

CHIP_STYLE = """
QToolButton#chip { border: 1px solid palette(mid); border-radius: 10px; padding: 2px 9px; }
QToolButton#chip:checked { background: palette(highlight); color: palette(highlighted-text);
                           border-color: palette(highlight); }
"""


class ChipBar(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(CHIP_STYLE)
        # Wraps onto a second line when narrow (at 200 % the chips are wider than a
        # 1080p screen's 960 logical pixels; one row would push the window off it).
        row = FlowLayout(self, spacing=4)
        self._groups: dict[str, dict[str, QToolButton]] = {"status": {}, "kind": {}}
        self._flags: dict[str, QToolButton] = {}
        flag_texts = {
            "stale": (self.tr("Stale"), self.tr("No touch for longer than your stale limits (Settings)")),
            "untouched": (self.tr("Untouched"), self.tr("New leads nobody has called or written to yet")),
            "revisit": (self.tr("Revisit due"), self.tr("Nurture leads whose revisit date has come")),
        }
        mark_of = {"stale": "stale", "untouched": "untouched", "revisit": "due"}
        for flag in FLAGS:
            text, tip = flag_texts[flag]
            chip = self._chip(row, text, tip)
            # Coloured like the rows they find, so the chips double as the legend.
            colour = STYLE_COLOURS.get(mark_of[flag], "")
            chip.setStyleSheet(f"QToolButton#chip:!checked {{ color: {colour}; font-weight: 600; }}")
            self._flags[flag] = chip
        row.addWidget(self._separator())
        for status in LeadStatus:
            self._groups["status"][status.value] = self._chip(row, status_label(status.value))
        row.addWidget(self._separator())
        for kind in LeadKind:
            self._groups["kind"][kind.value] = self._chip(row, kind_label(kind.value).split(" (")[0])
        row.addWidget(self._separator())
        self.source_button = QToolButton(self)
        self.source_button.setText(self.tr("Source"))
        self.source_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.source_menu = QMenu(self.source_button)
        self.source_button.setMenu(self.source_menu)
        row.addWidget(self.source_button)
        self._sources: dict[str, QAction] = {}
        self.clear_button = QToolButton(self)
        self.clear_button.setText(self.tr("Clear filters"))
        self.clear_button.clicked.connect(self.clear)
        row.addWidget(self.clear_button)
        self._quiet = False

    def _chip(self, row: QLayout, text: str, tip: str = "") -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setCheckable(True)
        button.setAutoRaise(False)
        button.setObjectName("chip")
        if tip:
            button.setToolTip(tip)
        button.toggled.connect(self._emit)
        row.addWidget(button)
        return button

    def _separator(self) -> QFrame:
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.VLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        # As tall as a chip: a wrapping layout gives each item its own size hint.
        line.setFixedHeight(next(iter(self._flags.values())).sizeHint().height())
        return line

    def _emit(self) -> None:
        if not self._quiet:
            self._update_source_text()
            self.changed.emit()

    def set_sources(self, sources: Iterable[str]) -> None:
        """The source choices (the rep's editable list), keeping what is checked."""
        checked = {s for s, a in self._sources.items() if a.isChecked()}
        self.source_menu.clear()
        self._sources.clear()
        for source in [*sources, *sorted(checked)]:
            if source in self._sources:
                continue
            action = self.source_menu.addAction(source)
            action.setCheckable(True)
            action.setChecked(source in checked)
            action.toggled.connect(self._emit)
            self._sources[source] = action
        self._update_source_text()

    def _update_source_text(self) -> None:
        chosen = [s for s, a in self._sources.items() if a.isChecked()]
        if not chosen:
            self.source_button.setText(self.tr("Source: all"))
        elif len(chosen) == 1:
            self.source_button.setText(self.tr("Source: {0}").format(chosen[0]))
        else:
            self.source_button.setText(self.tr("Source: %n chosen", "", len(chosen)))

    def chip(self, group: str, value: str) -> QToolButton:
        """The button of one chip (``group`` is status, kind or flag)."""
        if group == "flag":
            return self._flags[value]
        return self._groups[group][value]

    def source_action(self, source: str) -> QAction:
        return self._sources[source]

    # --- state -----------------------------------------------------------------------
    def chips(self) -> dict[str, Any]:
        chips: dict[str, Any] = {}
        for group, buttons in self._groups.items():
            values = [v for v, b in buttons.items() if b.isChecked()]
            if values:
                chips[group] = values
        sources = [s for s, a in self._sources.items() if a.isChecked()]
        if sources:
            chips["source"] = sources
        for flag, button in self._flags.items():
            if button.isChecked():
                chips[flag] = True
        return chips

    def set_chips(self, chips: Mapping[str, Any]) -> None:
        self._quiet = True
        try:
            for group, buttons in self._groups.items():
                wanted = set(chips.get(group) or ())
                for value, button in buttons.items():
                    button.setChecked(value in wanted)
            wanted_sources = [str(s) for s in chips.get("source") or ()]
            self.set_sources([*self._sources, *wanted_sources])
            for source, action in self._sources.items():
                action.setChecked(source in wanted_sources)
            for flag, button in self._flags.items():
                button.setChecked(bool(chips.get(flag)))
        finally:
            self._quiet = False
        self._update_source_text()

    def clear(self) -> None:
        self.set_chips({})
        self.changed.emit()
