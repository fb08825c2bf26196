"""sequences: templates and their steps (shared), enrolments and their history (owned)

Revision ID: 0007
Revises: 0002
Create Date: 2026-12-03 08:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

from workbench.store.seed import seed_sequences

revision = "0007"
down_revision = "0003"
branch_labels = None
depends_on = None


def _record_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "outreach_sequence",
        *_record_columns(),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("retired_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("stop_outcomes", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outreach_sequence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outreach_sequence_uuid"), ["uuid"], unique=True)
        batch_op.create_index(batch_op.f("ix_outreach_sequence_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_outreach_sequence_name"), ["name"], unique=False)

    op.create_table(
        "sequence_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("sequence_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("wait_days", sa.Integer(), nullable=False),
        sa.Column("instructions", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["sequence_id"], ["outreach_sequence.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid"),
    )
    with op.batch_alter_table("sequence_step", schema=None) as batch_op:
        batch_op.create_index("ix_sequence_step_order", ["sequence_id", "position"], unique=False)

    op.create_table(
        "enrolment",
        *_record_columns(),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("sequence_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("steps_total", sa.Integer(), nullable=False),
        sa.Column("next_due_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("enrolled_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("paused_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("ended_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("stop_reason", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"]),
        sa.ForeignKeyConstraint(["sequence_id"], ["outreach_sequence.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrolment_uuid"), ["uuid"], unique=True)
        batch_op.create_index(batch_op.f("ix_enrolment_deleted_at"), ["deleted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_enrolment_owner"), ["owner"], unique=False)
        batch_op.create_index(batch_op.f("ix_enrolment_account_id"), ["account_id"], unique=False)
        batch_op.create_index("ix_enrolment_due", ["state", "deleted_at", "next_due_at"], unique=False)
        batch_op.create_index("ix_enrolment_lead", ["lead_id", "state"], unique=False)
        batch_op.create_index("ix_enrolment_contact", ["contact_id", "state"], unique=False)
        batch_op.create_index("ix_enrolment_sequence", ["sequence_id", "state"], unique=False)

    op.create_table(
        "enrolment_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("what", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["activity_id"], ["activity.id"]),
        sa.ForeignKeyConstraint(["enrolment_id"], ["enrolment.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uuid"),
    )
    with op.batch_alter_table("enrolment_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrolment_event_enrolment_id"), ["enrolment_id"], unique=False)
    # A file upgraded from an older version gets the two default sequences a new one has.
    seed_sequences(op.get_bind())


def downgrade() -> None:
    op.drop_table("enrolment_event")
    op.drop_table("enrolment")
    op.drop_table("sequence_step")
    op.drop_table("outreach_sequence")
