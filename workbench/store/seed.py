"""What a brand-new workbench starts with: pipeline stages, lead sources, ICP criteria,
the two default sequences.

The rows are the domain's defaults; the store writes them when it creates a file or a
team schema, so no caller can forget them."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from workbench.domain import IcpCriterion, LeadSource, OutreachSequence, PipelineStage, SequenceStep
from workbench.domain.enums import DEFAULT_ICP_CRITERIA, DEFAULT_SOURCES, DEFAULT_STAGES
from workbench.domain.sequence_defaults import DEFAULT_SEQUENCES, DEFAULT_STOP_OUTCOMES


def seed_into(session: Session) -> None:
    if session.exec(select(PipelineStage)).first() is None:
        for position, (name, probability, kind) in enumerate(DEFAULT_STAGES):
            session.add(PipelineStage(name=name, position=position, probability=probability, kind=kind))
    if session.exec(select(LeadSource)).first() is None:
        for position, name in enumerate(DEFAULT_SOURCES):
            session.add(LeadSource(name=name, position=position))
    if session.exec(select(IcpCriterion)).first() is None:
        for position, (name, weight) in enumerate(DEFAULT_ICP_CRITERIA):
            session.add(IcpCriterion(name=name, weight=weight, position=position))
    if session.exec(select(OutreachSequence)).first() is None:
        for position, (name, description, steps) in enumerate(DEFAULT_SEQUENCES):
            sequence = OutreachSequence(
                name=name,
                description=description,
                position=position,
                stop_outcomes=json.dumps(list(DEFAULT_STOP_OUTCOMES)),
            )
            session.add(sequence)
            session.flush()
            assert sequence.id is not None
            for index, (channel, wait, instructions, subject, body) in enumerate(steps):
                session.add(
                    SequenceStep(
                        sequence_id=sequence.id,
                        position=index,
                        channel=channel,
                        wait_days=wait,
                        instructions=instructions,
                        subject=subject,
                        body=body,
                    )
                )
