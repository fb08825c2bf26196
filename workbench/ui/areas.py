"""The areas of the main window, in navigation order. Each is created lazily on first view."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from workbench.ui.views.base import Area


@dataclass(frozen=True)
class AreaEntry:
    key: str
    title: str
    module: str
    cls: str
    shortcut: str

    def load(self) -> type[Area]:
        area_cls: type[Area] = getattr(importlib.import_module(self.module), self.cls)
        assert issubclass(area_cls, Area)
        return area_cls


AREAS: tuple[AreaEntry, ...] = (
    AreaEntry("today", "Today", "workbench.ui.views.today", "TodayArea", "Ctrl+1"),
    AreaEntry("targets", "Targets", "workbench.ui.views.targets", "TargetsArea", "Ctrl+2"),
    AreaEntry("leads", "Leads", "workbench.ui.views.leads", "LeadsArea", "Ctrl+3"),
    AreaEntry("pipeline", "Pipeline", "workbench.ui.views.pipeline", "PipelineArea", "Ctrl+4"),
    AreaEntry("insights", "Insights", "workbench.ui.views.insights", "InsightsArea", "Ctrl+5"),
    AreaEntry("manager", "Manager", "workbench.ui.views.manager", "ManagerArea", "Ctrl+6"),
)


#: Modules with an ``install_actions(window)`` function for window-wide actions that
#: must work from every area (quick log, new lead, global search…). Installed when the
#: main window is built; keep these modules light to import (start-up time, P2).
GLOBAL_ACTIONS: tuple[str, ...] = (
    "workbench.ui.safety_actions",
    "workbench.ui.import_actions",
    "workbench.ui.help_actions",
    "workbench.ui.search_actions",
    "workbench.ui.lead_actions",
    "workbench.ui.pipeline_actions",
    "workbench.ui.export_actions",
    "workbench.ui.targets_menu",
    "workbench.ui.outreach_actions",
    "workbench.ui.settings_actions",
    "workbench.ui.team_actions",
)
