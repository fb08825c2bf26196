"""stage history links (next_stage_id, seconds_in_stage) and Insights' covering indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 16:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from workbench.store import stage_links

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stage_change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_stage_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("seconds_in_stage", sa.Integer(), nullable=True))
    # Every existing history gets its links before the indexes are built over them.
    stage_links.relink(op.get_bind())
    with op.batch_alter_table("stage_change", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stage_change_flow", ["to_stage_id", "next_stage_id", "opportunity_id"], unique=False
        )
        batch_op.create_index(
            "ix_stage_change_stay", ["to_stage_id", "seconds_in_stage", "opportunity_id", "at"], unique=False
        )
        batch_op.create_index(
            "ix_stage_change_entry", ["from_stage_id", "at", "opportunity_id"], unique=False
        )

    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.create_index("ix_account_id_industry", ["id", "industry"], unique=False)
    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.create_index(
            "ix_opportunity_conversion", ["deleted_at", "id", "origin_lead_id", "outcome"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.drop_index("ix_opportunity_conversion")
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_index("ix_account_id_industry")
    with op.batch_alter_table("stage_change", schema=None) as batch_op:
        batch_op.drop_index("ix_stage_change_entry")
        batch_op.drop_index("ix_stage_change_stay")
        batch_op.drop_index("ix_stage_change_flow")
        batch_op.drop_column("seconds_in_stage")
        batch_op.drop_column("next_stage_id")
