"""two covering indexes for Today on a big file (issue 21's 150 ms first paint)

The nurture revisits due and the stale open deals were counted by reading thousands
of rows from their tables; these indexes hold all the two counts test.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 13:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_lead_revisit", "lead", ["nurture_until", "status", "deleted_at"], unique=False)
    op.create_index(
        "ix_opportunity_open_quiet",
        "opportunity",
        ["outcome", "deleted_at", "stage_id", "last_touch_at", "stage_entered_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_opportunity_open_quiet", table_name="opportunity")
    op.drop_index("ix_lead_revisit", table_name="lead")
