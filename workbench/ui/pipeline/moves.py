"""Moving an opportunity from the UI: one path for the board, the table and the detail
panel, so every move to Won or Lost asks for the reason the same way."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from workbench.domain import StageKind
from workbench.services.pipeline import closing
from workbench.services.pipeline import stages as pipeline
from workbench.services.pipeline.stages import PipelineError, Stage
from workbench.services.settings import reasons
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.errors import expected_message
from workbench.ui.common.undo import undoable
from workbench.ui.pipeline.close_opportunity import CloseAnswer, CloseOpportunityDialog

#: Asks why a deal was won or lost; None means cancelled. Tests replace it.
ask_close: Callable[..., CloseAnswer | None] = CloseOpportunityDialog.ask


def tell(parent: QWidget | None, title: str, text: str) -> None:
    """A message the rep must read (tests replace this function)."""
    QMessageBox.warning(parent, title, text)


def warn(parent: QWidget | None, title: str, exc: BaseException) -> bool:
    """Show an expected failure; False when ``exc`` is a bug the caller must re-raise."""
    message = str(exc) if isinstance(exc, PipelineError) else expected_message(exc)
    if message is None:
        return False
    tell(parent, title, message)
    return True


def move(parent: QWidget, ctx: AppContext, opportunity_id: int, stage: Stage) -> bool:
    """Move one opportunity to ``stage``; for Won/Lost ask the reason first. False when
    the rep cancelled, the move was refused, or it was already there."""
    answer: CloseAnswer | None = None
    title = parent.tr("Cannot move the opportunity")
    try:
        opp = pipeline.get_opportunity(ctx.wb, opportunity_id)
        if not stage.is_open:
            if opp.stage_id == stage.id:
                return False
            answer = ask_close(
                parent,
                name=opp.name,
                outcome=stage.kind,
                created_on=opp.created_at.date(),
                reasons=(
                    reasons.won_reasons(ctx.wb)
                    if stage.kind is StageKind.WON
                    else reasons.close_reasons(ctx.wb)
                ),
                work=closing.open_work(ctx.wb, opportunity_id),
                competitors=closing.competitors(ctx.wb),
            )
            if answer is None:
                return False
        if stage.is_open:
            text = parent.tr("Move “{0}” to {1}").format(opp.name, stage.name)
        else:
            text = parent.tr("Mark “{0}” {1}").format(opp.name, stage.name.lower())
        with undoable(ctx, text, Topic.OPPORTUNITIES):
            changed = pipeline.move_to_stage(
                ctx.wb,
                opportunity_id,
                stage.id,
                reason=answer.reason if answer else None,
                note=answer.note if answer else "",
                closed_on=answer.closed_on if answer else None,
                allow_before_creation=answer.allow_before_creation if answer else False,
                finish_work=answer.finish_work if answer else False,
                lost_to=answer.lost_to if answer else "",
                clock=ctx.clock,
            )
    except Exception as exc:
        if not warn(parent, title, exc):
            raise
        return False
    if changed:
        ctx.notify(Topic.OPPORTUNITIES)
        confirm(parent, parent.tr("Moved to {0}.").format(stage.name))
    return changed


def confirm(parent: QWidget, text: str) -> None:
    """Every move says what it did in the window's status bar."""
    window = parent.window()
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, 8000)


def reopen(parent: QWidget, ctx: AppContext, opportunity_id: int) -> bool:
    try:
        name = pipeline.get_opportunity(ctx.wb, opportunity_id).name
        with undoable(ctx, parent.tr("Reopen “{0}”").format(name), Topic.OPPORTUNITIES):
            changed = pipeline.reopen(ctx.wb, opportunity_id, clock=ctx.clock)
    except Exception as exc:
        if not warn(parent, parent.tr("Cannot reopen the opportunity"), exc):
            raise
        return False
    if changed:
        ctx.notify(Topic.OPPORTUNITIES)
        confirm(parent, parent.tr("Reopened."))
    return changed
