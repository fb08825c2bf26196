"""Targets area."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from workbench.ui.context import AppContext
from workbench.ui.views.base import Area, empty_state, simple_area_layout


class TargetsArea(Area):
    title = "Targets"
    needs_workbench = True

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = simple_area_layout(self)
        layout.addWidget(
            empty_state(
                self.tr("Your target accounts: the short list of companies that fit your sweet spot."),
                self,
            )
        )
