"""Undoable lead changes: each command does its work through a service and undoes it
through another, so Ctrl+Z puts the file back exactly as it was."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from workbench.services.leads import accounts as lead_accounts
from workbench.services.leads import edit as leads
from workbench.services.leads import triage as lead_triage
from workbench.services.leads.edit import LeadFields
from workbench.services.leads.qualification import Qualification
from workbench.services.leads.triage import TriageResult
from workbench.services.safety import trash
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.undo import ServiceCommand, push


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
