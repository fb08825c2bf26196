"""The areas of the main window, in navigation order. Each is created lazily on first view."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from workbench.ui.common.area_base import Area


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
    AreaEntry("today", "Today", "workbench.ui.today.view", "TodayArea", "Ctrl+1"),
    AreaEntry("targets", "Targets", "workbench.ui.targets.view", "TargetsArea", "Ctrl+2"),
    AreaEntry("leads", "Leads", "workbench.ui.leads.view", "LeadsArea", "Ctrl+3"),
    AreaEntry("pipeline", "Pipeline", "workbench.ui.pipeline.view", "PipelineArea", "Ctrl+4"),
    AreaEntry("insights", "Insights", "workbench.ui.insights.view", "InsightsArea", "Ctrl+5"),
    AreaEntry("manager", "Manager", "workbench.ui.manager.view", "ManagerArea", "Ctrl+6"),
    AreaEntry("sequences", "Sequences", "workbench.ui.sequences.view", "SequencesArea", "Ctrl+7"),
)


#: Modules with an ``install_actions(window)`` function for window-wide actions that
#: must work from every area (quick log, new lead, global search…). Installed when the
#: main window is built; keep these modules light to import (start-up time, P2).
GLOBAL_ACTIONS: tuple[str, ...] = (
    "workbench.ui.safety.actions",
    "workbench.ui.imports.actions",
    "workbench.ui.shell.help_actions",
    "workbench.ui.search.actions",
    "workbench.ui.leads.actions",
    "workbench.ui.pipeline.actions",
    "workbench.ui.manager.export_actions",
    "workbench.ui.targets.menu",
    "workbench.ui.outreach.actions",
    "workbench.ui.settings.actions",
    "workbench.ui.team.actions",
)
