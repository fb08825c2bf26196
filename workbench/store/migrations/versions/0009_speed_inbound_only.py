"""speed-to-lead is measured for inbound and referral leads only (issue 22)

A lead the rep sourced (kind ``target``: cold calls, bought lists) has no "speed" to
measure; files written before kept one on such leads, which Insights then counted.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 13:05:00
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The kinds of domain.enums.SPEED_TO_LEAD_KINDS, spelled out: a migration keeps the
    # rule of its day even if the code's rule changes later.
    op.execute(
        "UPDATE lead SET speed_to_lead_s = NULL "
        "WHERE speed_to_lead_s IS NOT NULL AND kind NOT IN ('inbound', 'referral')"
    )


def downgrade() -> None:
    # The removed figures were never meaningful; a downgrade has nothing to bring back.
    pass
