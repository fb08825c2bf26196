"""Schema migrations with Alembic, run at open inside one transaction.

Revision ids are zero-padded numbers ("0001", "0002"…); the number is also written into
SQLite's ``user_version`` so a file can be recognised — and a newer one refused —
without importing Alembic (which keeps start-up lean). On PostgreSQL the number is
read from Alembic's own ``alembic_version`` table.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine

from workbench.store.sqlite_file import set_user_version

#: The schema this version of the app writes. A test keeps it equal to Alembic's head.
SCHEMA_VERSION = 10

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None) -> object:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = alembic_config()
    assert isinstance(cfg, Config)
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def upgrade(engine: Engine, target: str = "head") -> None:
    """Bring the schema to ``target`` in one transaction: all of it, or none of it."""
    with engine.begin() as conn:
        upgrade_on(conn, target)


def upgrade_on(conn: Connection, target: str = "head") -> None:
    """Run the migrations on ``conn`` inside its open transaction (the caller commits)."""
    from alembic import command
    from alembic.config import Config

    cfg = alembic_config(conn)
    assert isinstance(cfg, Config)
    command.upgrade(cfg, target)
    revision = head_revision() if target == "head" else target
    if conn.dialect.name == "sqlite":
        set_user_version(conn, int(revision))
