"""Window-wide pipeline actions: Leads → Convert lead… (Ctrl+Shift+O) converts the lead
selected in the Leads area into an opportunity, after the rep confirms the plan;
Pipeline → New opportunity on a target account… opens one the rep found themselves."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from workbench.ui.common.context import Topic
from workbench.ui.common.undo import undoable

if TYPE_CHECKING:
    from workbench.services.pipeline.convert import ConversionPlan
    from workbench.ui.pipeline.convert_lead import ConvertOptions
    from workbench.ui.pipeline.new_opportunity import NewOpportunity

# The services and dialogs behind these actions are imported when an action runs, not
# when the menus are built: the main window's start-up stays lean (P2).

#: O for opportunity (Ctrl+Shift+C is "Add contact" in the Targets area).
CONVERT_SHORTCUT = "Ctrl+Shift+O"


def selected_lead_ids(window: Any) -> list[int]:
    """The leads selected in the Leads area (none when it was never shown)."""
    area = window.area("leads")
    for name in ("selected_lead_ids", "selected_ids"):
        method = getattr(area, name, None)
        if callable(method):
            return [int(i) for i in method()]
    return []


def _ask_convert(parent: Any, plan: ConversionPlan) -> ConvertOptions | None:
    from workbench.ui.pipeline.convert_lead import ConvertLeadDialog

    return ConvertLeadDialog.ask(parent, plan)


def _ask_new(*args: Any) -> NewOpportunity | None:
    from workbench.ui.pipeline.new_opportunity import NewOpportunityDialog

    return NewOpportunityDialog.ask(*args)


def _warn(window: Any, title: str, exc: Exception) -> bool:
    from workbench.ui.pipeline import moves as pipeline_moves

    return pipeline_moves.warn(window, title, exc)


class PipelineActions(QObject):
    #: Asks the rep to confirm the plan (None: cancelled). Tests replace it.
    ask: Callable[..., ConvertOptions | None] = staticmethod(_ask_convert)
    #: Asks for a new opportunity on a target account (None: cancelled). Tests replace it.
    ask_new: Callable[..., NewOpportunity | None] = staticmethod(_ask_new)

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = window.ctx
        self.convert_action = window.add_action(
            "Leads", "&Convert lead…", self.convert_selected, CONVERT_SHORTCUT
        )
        self.convert_action.setStatusTip(self.tr("Turn the selected lead into an opportunity"))
        self.new_action = window.add_action(
            "Pipeline", "New opportunity on a &target account…", lambda: self.new_for_account()
        )

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 8000)

    def convert_selected(self) -> int | None:
        if not self.ctx.has_workbench:
            return None
        ids = selected_lead_ids(self.window)
        if len(ids) != 1:
            self._say(self.tr("Select one lead in Leads (Ctrl+3), then convert it with Ctrl+Shift+O."))
            return None
        return self.convert(ids[0])

    def convert(self, lead_id: int) -> int | None:
        """Plan, ask, convert; the new opportunity's id, or None when cancelled or refused."""
        from workbench.services.pipeline import convert

        title = self.tr("Cannot convert the lead")
        try:
            plan = convert.plan_conversion(self.ctx.wb, lead_id, clock=self.ctx.clock)
        except Exception as exc:
            if not _warn(self.window, title, exc):
                raise
            return None
        options = self.ask(self.window, plan)
        if options is None:
            return None
        try:
            if options.into is not None:
                joined = next((d.name for d in plan.open_deals if d.id == options.into), options.name)
                text = self.tr("Add lead to “{0}”").format(joined)
            else:
                text = self.tr("Convert lead into “{0}”").format(options.name)
            with undoable(self.ctx, text):
                result = convert.convert_lead(
                    self.ctx.wb,
                    lead_id,
                    name=options.name,
                    amount=options.amount,
                    currency=options.currency,
                    stage_id=options.stage_id,
                    expected_close=options.expected_close,
                    next_step=options.next_step,
                    next_step_due=options.next_step_due,
                    into=options.into,
                    clock=self.ctx.clock,
                )
        except Exception as exc:
            if not _warn(self.window, title, exc):
                raise
            return None
        for topic in (Topic.LEADS, Topic.ACCOUNTS, Topic.OPPORTUNITIES):
            self.ctx.notify(topic)
        self._say(
            self.tr("Converted “{0}” into an opportunity — see Pipeline (Ctrl+4).").format(options.name)
        )
        return result.opportunity_id

    def new_for_account(self, account_id: int | None = None) -> int | None:
        """Ask, then open an opportunity (kind "target") on a target account; its id or None."""
        if not self.ctx.has_workbench:
            return None
        from workbench.services.pipeline import convert
        from workbench.services.pipeline import stages as pipeline
        from workbench.services.settings import values as settings

        wb = self.ctx.wb
        accounts = convert.target_account_options(wb)
        if not accounts:
            self._say(self.tr("Add target accounts first (Targets, Ctrl+2)."))
            return None
        currency = str(settings.read(wb, "profile.currency") or "USD")
        answer = self.ask_new(self.window, accounts, pipeline.list_stages(wb), currency, account_id)
        if answer is None:
            return None
        try:
            with undoable(self.ctx, self.tr("New opportunity “{0}”").format(answer.name)):
                opportunity_id = convert.create_from_account(
                    wb,
                    answer.account_id,
                    name=answer.name,
                    amount=answer.amount,
                    currency=answer.currency,
                    stage_id=answer.stage_id,
                    contact_id=answer.contact_id,
                    expected_close=answer.expected_close,
                    next_step=answer.next_step,
                    next_step_due=answer.next_step_due,
                    clock=self.ctx.clock,
                )
        except Exception as exc:
            if not _warn(self.window, self.tr("Cannot create the opportunity"), exc):
                raise
            return None
        for topic in (Topic.ACCOUNTS, Topic.OPPORTUNITIES):
            self.ctx.notify(topic)
        self._say(self.tr("Opened “{0}” — see Pipeline (Ctrl+4).").format(answer.name))
        return opportunity_id


def install_actions(window: Any) -> PipelineActions:
    actions = PipelineActions(window)
    window.pipeline_actions = actions
    return actions
