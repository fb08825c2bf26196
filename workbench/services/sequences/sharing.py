"""Sequences in the team template (:mod:`workbench.exchange.sequence_template`).

Applying matches sequences by name (any case): one the rep has is rewritten with the
template's steps (its live enrolments keep their place), a new one is added, and one
the template lacks is *retired* — never deleted, so its history and enrolments stay."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from workbench.exchange.sequence_template import TemplateSequence, TemplateStep
from workbench.services.sequences import templates
from workbench.services.sequences.templates import SequenceDraft, SequenceError, StepDraft


def as_template(session: Session) -> list[TemplateSequence]:
    return [
        TemplateSequence(
            s.name,
            tuple(TemplateStep(t.channel, t.wait_days, t.instructions, t.subject, t.body) for t in s.steps),
            s.description,
            s.stop_outcomes,
        )
        for s in templates.list_in(session, include_retired=False)
    ]


def _draft(item: TemplateSequence) -> SequenceDraft:
    return SequenceDraft(
        item.name,
        tuple(StepDraft(t.channel, t.wait_days, t.instructions, t.subject, t.body) for t in item.steps),
        item.description,
        item.stop_outcomes,
    )


def apply_in(session: Session, items: list[TemplateSequence], *, now: datetime) -> None:
    """Make this file's sequences the template's (raises :class:`SequenceError` naming
    the sequence when one is no good; the caller's transaction then writes nothing)."""
    for item in items:
        found = templates.problems(_draft(item))
        if found:
            raise SequenceError(f"sequence {item.name!r}: " + "; ".join(found))
    existing = {s.name.casefold(): s for s in templates.list_in(session)}
    wanted = {item.name.casefold() for item in items}
    for position, item in enumerate(items):
        have = existing.get(item.name.casefold())
        if have is None:
            new_id = templates.create_in(session, _draft(item), now=now)
            row = templates.live_row(session, new_id)
        else:
            templates.update_in(session, have.id, _draft(item), now=now)
            row = templates.live_row(session, have.id)
            row.retired_at = None
        row.position = position
        session.add(row)
    for key, info in existing.items():
        if key not in wanted and not info.retired:
            row = templates.live_row(session, info.id)
            row.retired_at = now
            session.add(row)
    session.flush()
