"""Undoable lead changes: each command does its work through a service; the store's
journal of what it wrote puts the file back exactly as it was on Ctrl+Z."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from workbench.services.leads import accounts as lead_accounts
from workbench.services.leads import edit as leads
from workbench.services.leads.edit import LeadFields
from workbench.services.leads.qualification import Qualification
from workbench.services.leads.triage import TriageResult
from workbench.services.safety import trash
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.undo import ServiceCommand, push


# --- triage -------------------------------------------------------------------------------
def triage(
    ctx: AppContext, text: str, change: Callable[[], TriageResult], topic: str = Topic.LEADS
) -> ServiceCommand[TriageResult]:
    """Run a triage change (already validated) as one undoable step; ``topic`` is what
    it changed (all, when a nurture note went on the timelines too)."""
    command: ServiceCommand[TriageResult] = ServiceCommand(ctx, text, change, topic)
    push(command, ctx)
    return command


# --- trash -------------------------------------------------------------------------------
def delete_leads(ctx: AppContext, text: str, lead_ids: Sequence[int]) -> None:
    wb, ids = ctx.wb, list(lead_ids)

    def do() -> list[int]:
        trash.delete(wb, "lead", ids, clock=ctx.clock)
        return ids

    push(ServiceCommand(ctx, text, do, Topic.ALL), ctx)


# --- edits -------------------------------------------------------------------------------
def edit_lead(
    ctx: AppContext, text: str, lead_id: int, values: LeadFields, qualification: Qualification
) -> None:
    """Save the detail pane's edits (validated by the caller) as one undoable step."""
    wb = ctx.wb

    def do() -> None:
        leads.update_lead(wb, lead_id, values, qualification=qualification, clock=ctx.clock)

    push(ServiceCommand(ctx, text, do), ctx)


def link_account(ctx: AppContext, text: str, lead_id: int, account_id: int | None) -> None:
    wb = ctx.wb

    def do() -> None:
        lead_accounts.link(wb, lead_id, account_id, clock=ctx.clock)

    push(ServiceCommand(ctx, text, do), ctx)
