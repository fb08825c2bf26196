"""What a brand-new workbench starts with: pipeline stages, lead sources, ICP criteria,
the two default sequences.

The rows are the domain's defaults; the store writes them when it creates a file or a
team schema, so no caller can forget them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import Connection, column, insert, table
from sqlmodel import Session, select
from sqlmodel.sql.sqltypes import UTCDateTime

from workbench.domain import (
    IcpCriterion,
    LeadSource,
    PipelineStage,
    new_uuid,
)
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
    seed_sequences(session.connection())


def seed_sequences(conn: Connection) -> None:
    """The two default sequences, when the file has none (a new file, or one upgraded by
    migration 0007). Core, so the migration can call it too."""
    # Spelled out column by column (not the models' tables): a later migration that adds a
    # column must not change what this one, run on an old file, writes.
    sequences = table(
        "outreach_sequence",
        *(column(c) for c in ("id", "uuid", "name", "description", "position", "stop_outcomes")),
        column("created_at", UTCDateTime()),
        column("updated_at", UTCDateTime()),
    )
    steps = table(
        "sequence_step",
        *(
            column(c)
            for c in (
                "uuid",
                "sequence_id",
                "position",
                "channel",
                "wait_days",
                "instructions",
                "subject",
                "body",
            )
        ),
    )
    if conn.execute(select(sequences.c.id).limit(1)).first() is not None:
        return
    now = datetime.now(UTC)
    for position, (name, description, items) in enumerate(DEFAULT_SEQUENCES):
        sequence_id = conn.execute(
            insert(sequences)
            .values(
                uuid=new_uuid(),
                created_at=now,
                updated_at=now,
                name=name,
                description=description,
                position=position,
                stop_outcomes=json.dumps(list(DEFAULT_STOP_OUTCOMES)),
            )
            .returning(sequences.c.id)
        ).scalar_one()
        conn.execute(
            insert(steps),
            [
                {
                    "uuid": new_uuid(),
                    "sequence_id": sequence_id,
                    "position": index,
                    "channel": channel,
                    "wait_days": wait,
                    "instructions": instructions,
                    "subject": subject,
                    "body": body,
                }
                for index, (channel, wait, instructions, subject, body) in enumerate(items)
            ],
        )
