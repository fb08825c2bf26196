"""who a lost deal was lost to (issue 17: closing a deal closes its work)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 08:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        # Existing deals were lost to nobody in particular: the empty text.
        batch_op.add_column(
            sa.Column(
                "lost_to", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False, server_default=""
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.drop_column("lost_to")
