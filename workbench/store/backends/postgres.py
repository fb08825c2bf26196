"""A team database on a PostgreSQL server (psycopg 3).

What a server gives that a file needs code for, and the other way round:

* **Connections**: a small pool (``pool_pre_ping`` replaces connections the server or
  the network dropped, so the next action after an outage simply works again).
* **Migrations**: run in one transaction holding a server-side advisory lock
  (``pg_advisory_xact_lock``), so two copies starting against a fresh or older
  database never migrate it twice; the schema version is Alembic's own
  ``alembic_version`` row. A rep's role may not change the schema: an older database
  is upgraded by whoever administers it (``workbench team init``).
* **No file**: no writer lock (the server serialises writers per row), no file mode, no
  backup API — back a team database up with ``pg_dump`` on the server.
* **Read-only opens** (``workbench stats``…) set ``default_transaction_read_only``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from workbench.store import credentials, migrate
from workbench.store.backends import Backend
from workbench.store.errors import (
    NewerSchemaError,
    PasswordRequiredError,
    ServerUnavailableError,
    StoreError,
)

DRIVER = "postgresql+psycopg"
#: The key of the advisory lock held while the schema is created or migrated ("PWB1").
MIGRATION_LOCK_KEY = 0x50574231
CONNECT_TIMEOUT_S = 10
POOL_SIZE = 4
POOL_OVERFLOW = 4


class PostgresBackend(Backend):
    kind = "postgresql"

    def __init__(self, url: URL, engine: Engine, *, readonly: bool, created: bool) -> None:
        self.url = url
        self.engine = engine
        self.readonly = readonly
        self.created = created
        self.closed = False
        event.listen(engine, "checkin", self._on_checkin)

    def _on_checkin(self, dbapi_conn: Any, _record: Any) -> None:
        # A background job that still held a connection when the workbench was closed
        # hands it back to a pool nobody uses any more: close it now rather than leave
        # an open server connection to the garbage collector.
        if self.closed and dbapi_conn is not None:
            dbapi_conn.close()

    @property
    def location(self) -> str:
        return redacted(self.url)

    @property
    def user(self) -> str:
        return self.url.username or ""

    def integrity_problems(self, conn: Any, *, full: bool = True) -> list[str]:
        # The server enforces keys and constraints on every write; a damaged cluster is
        # the administrator's (amcheck, pg_checksums), not something a rep can act on.
        return []

    def close(self) -> None:
        self.closed = True
        self.engine.dispose()


def parse_url(target: str, password: str | None = None, *, use_keyring: bool = True) -> URL:
    """The URL to connect with: psycopg 3 as the driver, and a password from ``password``
    or the system keyring when the URL carries none (libpq still reads PGPASSWORD and
    ``~/.pgpass`` when neither has one)."""
    try:
        url = make_url(target.strip())
    except ArgumentError as exc:
        raise StoreError(f"{target!r} is not a database URL: {exc}.") from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername=DRIVER)
    if url.drivername != DRIVER:
        raise StoreError(f"Team databases are PostgreSQL: use a {DRIVER}://user@host/database URL.")
    if not url.database:
        raise StoreError(f"{redacted(url)} names no database (…/database at the end).")
    if url.password is None:
        found = password or (credentials.saved_password(url) if use_keyring else None)
        if found:
            url = url.set(password=found)
    return url


def redacted(url: URL) -> str:
    """The URL without its password, for messages, window titles and recent files."""
    bare = URL.create(
        url.drivername,
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    return bare.render_as_string(hide_password=False)


def make_engine(url: URL, *, readonly: bool = False) -> Engine:
    connect_args: dict[str, Any] = {
        "connect_timeout": CONNECT_TIMEOUT_S,
        "application_name": "Prospecting Workbench",
    }
    if readonly:
        connect_args["options"] = "-c default_transaction_read_only=on"
    return create_engine(
        url,
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
        pool_pre_ping=True,
        pool_recycle=1800,
        connect_args=connect_args,
    )


def open_server(target: str, *, create: bool, readonly: bool, password: str | None) -> PostgresBackend:
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise StoreError(
            "Team databases need the PostgreSQL driver: pip install 'prospecting-workbench[team]'."
        ) from exc
    url = parse_url(target, password)
    engine = make_engine(url, readonly=readonly)
    try:
        created = prepare(engine, location=redacted(url), create=create, readonly=readonly)
    except OperationalError as exc:
        engine.dispose()
        raise connection_error(exc, url) from exc
    except BaseException:
        engine.dispose()
        raise
    return PostgresBackend(url, engine, readonly=readonly, created=created)


def schema_version(conn: Any) -> int:
    """Alembic's revision number in this database; 0 when it holds no workbench yet."""
    if not conn.execute(text("SELECT to_regclass('alembic_version') IS NOT NULL")).scalar():
        return 0
    value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return int(value) if value else 0


def prepare(engine: Engine, *, location: str, create: bool, readonly: bool) -> bool:
    """Bring the database to this app's schema; True when it was empty and got created."""
    with engine.connect() as conn:
        version = schema_version(conn)
    if version > migrate.SCHEMA_VERSION:
        raise NewerSchemaError(location, version, migrate.SCHEMA_VERSION)
    if version == migrate.SCHEMA_VERSION:
        return False
    if version == 0 and not create:
        raise StoreError(f"{location} holds no workbench yet; create it with `workbench team init`.")
    if readonly:
        raise StoreError(f"{location} needs its schema upgraded first: run `workbench team init` on it.")
    with engine.begin() as conn:
        # Two copies starting at once: the second waits here, then finds the work done.
        conn.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK_KEY)))
        version = schema_version(conn)
        if version >= migrate.SCHEMA_VERSION:
            return False
        try:
            migrate.upgrade_on(conn)
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", "") == "42501":  # insufficient_privilege
                raise StoreError(
                    f"{location} needs its schema "
                    + ("created" if version == 0 else "upgraded")
                    + " by its administrator (`workbench team init`); this login may not change it."
                ) from exc
            raise
        if version == 0:
            from sqlmodel import Session

            from workbench.store.seed import seed_into

            with Session(bind=conn) as session:
                seed_into(session)
                session.flush()
    return version == 0


def connection_error(exc: OperationalError, url: URL) -> StoreError:
    """The rep-facing error for a failed connection."""
    detail = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
    lowered = detail.lower()
    sqlstate = getattr(exc.orig, "sqlstate", None) or ""
    location = redacted(url)
    user = url.username or ""
    if "no password supplied" in lowered:
        return PasswordRequiredError(location, user, refused=False)
    if sqlstate in ("28P01", "28000") or "password authentication failed" in lowered:
        return PasswordRequiredError(location, user, refused=url.password is not None)
    if sqlstate == "3D000" or ("database" in lowered and "does not exist" in lowered):
        return StoreError(
            f"{location}: the server has no such database. Create it there (createdb), "
            "then run `workbench team init` on it."
        )
    return ServerUnavailableError(location, detail.removeprefix("connection failed: "))
