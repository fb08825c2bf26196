"""Alembic environment: always run programmatically on a connection the store hands over."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import workbench.domain.models  # noqa: F401  (registers the tables on the metadata)

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the store runs migrations
    raise RuntimeError("workbench migrations run through workbench.store.migrate only")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
    compare_type=True,
    # The FTS5 index is SQLite-only and made by hand in store/fulltext.py.
    include_name=lambda name, _kind, _parent: not str(name).startswith("lead_fts"),
    transaction_per_migration=False,
)
context.run_migrations()
