"""Undoable steps Today takes on a follow-up (done, snoozed): Ctrl+Z puts the file back."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtGui import QUndoCommand

from workbench.services.outreach import log as outreach
from workbench.ui.common.context import AppContext, Topic


def _notify(ctx: AppContext) -> None:
    # Touch columns of leads, accounts and opportunities move with every follow-up.
    for topic in (Topic.ACTIVITIES, Topic.LEADS, Topic.ACCOUNTS, Topic.OPPORTUNITIES):
        ctx.notify(topic)


class DoneCommand(QUndoCommand):
    def __init__(self, ctx: AppContext, followup_id: int, text: str) -> None:
        super().__init__(text)
        self.ctx, self.followup_id = ctx, followup_id

    def redo(self) -> None:
        outreach.complete_followup(self.ctx.wb, self.followup_id, now=self.ctx.clock())
        _notify(self.ctx)

    def undo(self) -> None:
        outreach.reopen_followup(self.ctx.wb, self.followup_id, now=self.ctx.clock())
        _notify(self.ctx)


class SnoozeCommand(QUndoCommand):
    """Snooze one working day; undo puts the old due time back."""

    def __init__(self, ctx: AppContext, followup_id: int, old_due: datetime, text: str) -> None:
        super().__init__(text)
        self.ctx, self.followup_id, self.old_due = ctx, followup_id, old_due
        self.new_due: datetime | None = None

    def redo(self) -> None:
        self.new_due = outreach.snooze_followup(self.ctx.wb, self.followup_id, now=self.ctx.clock())
        _notify(self.ctx)

    def undo(self) -> None:
        outreach.reschedule_followup(self.ctx.wb, self.followup_id, self.old_due, now=self.ctx.clock())
        _notify(self.ctx)
