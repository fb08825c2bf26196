"""Undoable lead changes: each command does its work through a service and undoes it
through another, so Ctrl+Z puts the file back exactly as it was."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtGui import QUndoCommand

from workbench.services import lead_accounts, lead_triage, leads, trash
from workbench.services.lead_triage import TriageResult
from workbench.services.leads import LeadFields
from workbench.services.qualification import Qualification
from workbench.ui.context import AppContext, Topic

State = TypeVar("State")


class ServiceCommand(QUndoCommand, Generic[State]):
    """``do()`` changes the file and returns what ``undo(state)`` needs to put it back."""

    def __init__(
        self,
        ctx: AppContext,
        text: str,
        do: Callable[[], State],
        undo: Callable[[State], Any],
        topic: str = Topic.LEADS,
    ) -> None:
        super().__init__(text)
        self.ctx = ctx
        self._do = do
        self._undo = undo
        self._topic = topic
        self.state: State | None = None

    def redo(self) -> None:
        self.state = self._do()
        self.ctx.notify(self._topic)

    def undo(self) -> None:
        if self.state is not None:
            self._undo(self.state)
        self.ctx.notify(self._topic)


def push(command: QUndoCommand, ctx: AppContext) -> None:
    ctx.undo_stack.push(command)


# --- triage -------------------------------------------------------------------------------
def triage(ctx: AppContext, text: str, change: Callable[[], TriageResult]) -> ServiceCommand[TriageResult]:
    """Run a triage change (already validated) as one undoable step."""
    wb = ctx.wb

    def undo(result: TriageResult) -> None:
        lead_triage.restore(wb, result.before)

    command: ServiceCommand[TriageResult] = ServiceCommand(ctx, text, change, undo)
    push(command, ctx)
    return command


# --- trash -------------------------------------------------------------------------------
def delete_leads(ctx: AppContext, text: str, lead_ids: Sequence[int]) -> None:
    wb, ids = ctx.wb, list(lead_ids)

    def do() -> list[int]:
        trash.delete(wb, "lead", ids, clock=ctx.clock)
        return ids

    push(ServiceCommand(ctx, text, do, lambda done: trash.restore(wb, "lead", done), Topic.ALL), ctx)


def restore_from_trash(ctx: AppContext, text: str, kind: str, ids: Sequence[int]) -> None:
    wb, chosen = ctx.wb, list(ids)

    def do() -> list[int]:
        trash.restore(wb, kind, chosen)
        return chosen

    push(
        ServiceCommand(ctx, text, do, lambda done: trash.delete(wb, kind, done, clock=ctx.clock), Topic.ALL),
        ctx,
    )


# --- edits -------------------------------------------------------------------------------
def edit_lead(
    ctx: AppContext, text: str, lead_id: int, values: LeadFields, qualification: Qualification
) -> None:
    """Save the detail pane's edits (validated by the caller) as one undoable step."""
    wb = ctx.wb

    def do() -> list[leads.LeadSnapshot]:
        before = leads.snapshot(wb, [lead_id])
        leads.update_lead(wb, lead_id, values, qualification=qualification, clock=ctx.clock)
        return before

    push(
        ServiceCommand(ctx, text, do, lambda before: leads.restore_snapshot(wb, before, clock=ctx.clock)), ctx
    )


def link_account(ctx: AppContext, text: str, lead_id: int, account_id: int | None) -> None:
    wb = ctx.wb

    def do() -> list[leads.LeadSnapshot]:
        before = leads.snapshot(wb, [lead_id])
        lead_accounts.link(wb, lead_id, account_id, clock=ctx.clock)
        return before

    push(
        ServiceCommand(ctx, text, do, lambda before: leads.restore_snapshot(wb, before, clock=ctx.clock)), ctx
    )
