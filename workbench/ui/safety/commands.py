"""Undoable changes made from the trash: restoring records (and putting them back)."""

from __future__ import annotations

from collections.abc import Sequence

from workbench.services.safety import trash
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.undo import ServiceCommand, push


def restore_from_trash(ctx: AppContext, text: str, kind: str, ids: Sequence[int]) -> None:
    wb, chosen = ctx.wb, list(ids)

    def do() -> list[int]:
        trash.restore(wb, kind, chosen)
        return chosen

    push(ServiceCommand(ctx, text, do, Topic.ALL), ctx)
