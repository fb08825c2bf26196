"""Team mode's roles, row-level security and members on a PostgreSQL team database.

Who may see what is the database's business, not the app's: each rep logs in as a role
of their own, and policies on every rep-owned table let a rep read and write only rows
whose ``owner`` is that role — whatever SQL they type. Roles live on the whole server,
so the two group roles carry the database's name:

* ``<db>_reps`` — members read/write their own leads, accounts, contacts, activities,
  follow-ups, opportunities and sequence enrolments (plus the history rows under them),
  and read accounts marked ``shared`` by a teammate; the team's configuration (stages,
  sources, ICP criteria, sequences, settings) and import history are read and edited
  together — but never *deleted* by a rep (the app retires such rows; a ``DELETE`` would
  cascade into every rep's checks and merges, and a cascade does not pass row-level
  security), and every change is recorded in ``shared_change`` with the login that made it.
* ``<db>_managers`` — members read every row of the team; they write nothing.

New rows get their owner from the login (a ``BEFORE INSERT`` trigger fills an empty
``owner`` with ``current_user``), so the app's services need not know about teams.
The role that runs :func:`install` owns the tables and is not bound by the policies
(it administers the team: ``team init``, ``add-rep``, ``push`` of someone's file).
Everything here is idempotent: running it again after an upgrade refreshes it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from workbench.store.errors import StoreError

#: Tables with an ``owner`` column: a rep's own rows.
OWNED_TABLES = ("account", "contact", "lead", "opportunity", "activity", "follow_up", "enrolment")
#: Tables whose rows belong to a row of an owned table: (table, its column, parent table).
CHILD_TABLES = (
    ("account_check", "account_id", "account"),
    ("account_event", "account_id", "account"),
    ("stage_change", "opportunity_id", "opportunity"),
    ("import_merge", "lead_id", "lead"),
    ("enrolment_event", "enrolment_id", "enrolment"),
)
#: The team's shared configuration and import history: read and edited together.
SHARED_TABLES = (
    "setting",
    "lead_source",
    "pipeline_stage",
    "icp_criterion",
    "import_batch",
    "outreach_sequence",
    "sequence_step",
)
#: Shared rows that no owned row points at: editing a sequence rewrites its steps, so
#: reps may delete them (still recorded in the change log, and no cascade leaves them).
SHARED_DELETABLE = ("sequence_step",)
MEMBER_TABLE = "team_member"
#: Who changed the shared configuration, when, and how (one row per changed row).
CHANGE_TABLE = "shared_change"
#: The login, as the policies compare it with ``owner``. ``current_user`` is of type
#: ``name``, whose collation ("C") is not the column's: compared as it is, no index on
#: ``owner`` can answer the policy, and every query of a rep read the whole team's rows
#: (75,000 activities to find a rep's 1,500 — as slow as the manager's). Equality is the
#: same in either collation.
ME = '(current_user::text COLLATE "default")'
#: PostgreSQL truncates identifiers at 63 bytes.
MAX_IDENTIFIER = 63
SCRAM_ITERATIONS = 4096


@dataclass(frozen=True)
class TeamRoles:
    reps: str
    managers: str


@dataclass(frozen=True)
class Member:
    role: str
    name: str
    manager: bool


def role_name(text_: str) -> str:
    """A login role for a person's name: lower-case letters, digits and ``_``."""
    folded = re.sub(r"[^a-z0-9]+", "_", text_.casefold()).strip("_")
    if not folded:
        raise StoreError(f"{text_!r} gives no usable role name; pass one with --role.")
    if folded[0].isdigit():
        folded = "r_" + folded
    return folded[:MAX_IDENTIFIER]


def team_roles(conn: Connection) -> TeamRoles:
    database = str(conn.execute(text("SELECT current_database()")).scalar_one())
    base = re.sub(r"[^a-z0-9]+", "_", database.casefold()).strip("_") or "team"
    if len(base) > MAX_IDENTIFIER - len("_managers"):
        digest = hashlib.sha1(database.encode()).hexdigest()[:8]
        base = base[: MAX_IDENTIFIER - len("_managers") - 9] + "_" + digest
    return TeamRoles(reps=f"{base}_reps", managers=f"{base}_managers")


def _q(conn: Connection, name: str) -> str:
    return str(conn.dialect.identifier_preparer.quote(name))


def role_exists(conn: Connection, name: str) -> bool:
    return bool(conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first())


def is_installed(conn: Connection) -> bool:
    return bool(conn.execute(text("SELECT to_regclass('team_member') IS NOT NULL")).scalar())


def install(conn: Connection) -> TeamRoles:
    """Create (or refresh) the group roles, the members table, the owner trigger, the
    policies and the grants. Needs a role that owns the tables and may create roles."""
    roles = team_roles(conn)
    reps, managers = _q(conn, roles.reps), _q(conn, roles.managers)
    for name in (roles.reps, roles.managers):
        if not role_exists(conn, name):
            conn.exec_driver_sql(f"CREATE ROLE {_q(conn, name)} NOLOGIN")
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {MEMBER_TABLE} ("
        " role VARCHAR(63) PRIMARY KEY,"
        " name VARCHAR(300) NOT NULL,"
        " manager BOOLEAN NOT NULL DEFAULT false,"
        " created_at TIMESTAMPTZ NOT NULL DEFAULT now())"
    )
    conn.exec_driver_sql(
        "CREATE OR REPLACE FUNCTION workbench_stamp_owner() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN IF NEW.owner = '' THEN NEW.owner := current_user; END IF; RETURN NEW; END $$"
    )
    conn.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {reps}, {managers}")
    for table in OWNED_TABLES:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS workbench_owner ON {table}")
        conn.exec_driver_sql(
            f"CREATE TRIGGER workbench_owner BEFORE INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION workbench_stamp_owner()"
        )
        _policies(
            conn,
            table,
            [
                f"CREATE POLICY rep_own ON {table} TO {reps} USING (owner = {ME}) WITH CHECK (owner = {ME})",
                f"CREATE POLICY manager_read ON {table} FOR SELECT TO {managers} USING (true)",
            ]
            + (
                [f"CREATE POLICY rep_shared_read ON {table} FOR SELECT TO {reps} USING (shared)"]
                if table == "account"
                else []
            ),
        )
        conn.exec_driver_sql(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {reps}")
    for table, column, parent in CHILD_TABLES:
        # A history row is visible when its parent is (the subquery is itself under the
        # parent's policies) and writable when the parent is the rep's own.
        visible = f"EXISTS (SELECT 1 FROM {parent} p WHERE p.id = {table}.{column})"
        own = f"EXISTS (SELECT 1 FROM {parent} p WHERE p.id = {table}.{column} AND p.owner = {ME})"
        _policies(
            conn,
            table,
            [
                f"CREATE POLICY rep_read ON {table} FOR SELECT TO {reps} USING ({visible})",
                f"CREATE POLICY rep_insert ON {table} FOR INSERT TO {reps} WITH CHECK ({own})",
                f"CREATE POLICY rep_update ON {table} FOR UPDATE TO {reps} USING ({own}) WITH CHECK ({own})",
                f"CREATE POLICY rep_delete ON {table} FOR DELETE TO {reps} USING ({own})",
                f"CREATE POLICY manager_read ON {table} FOR SELECT TO {managers} USING (true)",
            ],
        )
        conn.exec_driver_sql(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {reps}")
    _change_log(conn, reps, managers)
    for table in SHARED_TABLES:
        # No DELETE: shared rows are referenced by every rep's rows (see the docstring).
        rights = "SELECT, INSERT, UPDATE, DELETE" if table in SHARED_DELETABLE else "SELECT, INSERT, UPDATE"
        conn.exec_driver_sql(f"GRANT {rights} ON {table} TO {reps}")
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS workbench_shared_change ON {table}")
        conn.exec_driver_sql(
            f"CREATE TRIGGER workbench_shared_change AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION workbench_record_shared_change()"
        )
    conn.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {managers}")
    conn.exec_driver_sql(f"GRANT SELECT ON {MEMBER_TABLE}, alembic_version TO {reps}")
    conn.exec_driver_sql(f"REVOKE ALL ON {MEMBER_TABLE} FROM PUBLIC")
    conn.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {reps}")
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {reps}, {managers}")
    return roles


def _change_log(conn: Connection, reps: str, managers: str) -> None:
    """The shared configuration's change log: a trigger writes it as the login that made
    the change (not a definer: ``who`` is checked by a policy, so nobody can forge it)."""
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {CHANGE_TABLE} ("
        " id BIGSERIAL PRIMARY KEY,"
        " at TIMESTAMPTZ NOT NULL DEFAULT now(),"
        " who TEXT NOT NULL DEFAULT current_user,"
        " table_name TEXT NOT NULL,"
        " operation TEXT NOT NULL,"
        " row_id BIGINT,"
        " old JSONB,"
        " new JSONB)"
    )
    conn.exec_driver_sql(
        "CREATE OR REPLACE FUNCTION workbench_record_shared_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE o JSONB; n JSONB; BEGIN "
        "IF TG_OP <> 'INSERT' THEN o := to_jsonb(OLD); END IF; "
        "IF TG_OP <> 'DELETE' THEN n := to_jsonb(NEW); END IF; "
        f"INSERT INTO {CHANGE_TABLE} (who, table_name, operation, row_id, old, new) VALUES "
        "(current_user, TG_TABLE_NAME, TG_OP, (COALESCE(n, o)->>'id')::bigint, o, n); "
        "RETURN NULL; END $$"
    )
    _policies(
        conn,
        CHANGE_TABLE,
        [
            f"CREATE POLICY rep_read ON {CHANGE_TABLE} FOR SELECT TO {reps} USING (true)",
            f"CREATE POLICY rep_record ON {CHANGE_TABLE} FOR INSERT TO {reps} WITH CHECK (who = {ME})",
            f"CREATE POLICY manager_read ON {CHANGE_TABLE} FOR SELECT TO {managers} USING (true)",
        ],
    )
    conn.exec_driver_sql(f"GRANT SELECT, INSERT ON {CHANGE_TABLE} TO {reps}")


def _policies(conn: Connection, table: str, statements: list[str]) -> None:
    conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    existing = conn.execute(
        text("SELECT policyname FROM pg_policies WHERE schemaname = current_schema() AND tablename = :t"),
        {"t": table},
    ).scalars()
    for name in list(existing):
        conn.exec_driver_sql(f"DROP POLICY {_q(conn, name)} ON {table}")
    for statement in statements:
        conn.exec_driver_sql(statement)


def scram_verifier(password: str, *, salt: bytes | None = None, iterations: int = SCRAM_ITERATIONS) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (what ``\\password``
    in psql sends): the server never sees — or logs — the password itself."""
    salt = salt if salt is not None else os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode("ascii")

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def create_member(conn: Connection, member: Member, password: str) -> None:
    """A login role for ``member`` in the reps' or the managers' group, and its row in
    the members table."""
    roles = team_roles(conn)
    if role_exists(conn, member.role):
        raise StoreError(
            f"A role called {member.role!r} already exists on this server; choose another with --role."
        )
    group = roles.managers if member.manager else roles.reps
    verifier = scram_verifier(password).replace("'", "''")
    conn.exec_driver_sql(
        f"CREATE ROLE {_q(conn, member.role)} LOGIN PASSWORD '{verifier}' IN ROLE {_q(conn, group)}"
    )
    conn.execute(
        text(f"INSERT INTO {MEMBER_TABLE} (role, name, manager) VALUES (:r, :n, :m)"),
        {"r": member.role, "n": member.name, "m": member.manager},
    )


def members(conn: Connection) -> list[Member]:
    if not is_installed(conn):
        return []
    rows = conn.execute(text(f"SELECT role, name, manager FROM {MEMBER_TABLE} ORDER BY manager, name, role"))
    return [Member(str(r[0]), str(r[1]), bool(r[2])) for r in rows]


def current_role(conn: Connection) -> str:
    return str(conn.execute(text("SELECT current_user")).scalar_one())


def can_administer(conn: Connection) -> bool:
    """True for the tables' owner (or a superuser): the role that runs the team."""
    row = conn.execute(
        text(
            "SELECT pg_has_role(current_user, (SELECT tableowner FROM pg_tables "
            "WHERE schemaname = current_schema() AND tablename = 'lead'), 'USAGE')"
        )
    ).scalar()
    return bool(row)


def set_password(conn: Connection, role: str, password: str) -> None:
    verifier = scram_verifier(password).replace("'", "''")
    conn.exec_driver_sql(f"ALTER ROLE {_q(conn, role)} PASSWORD '{verifier}'")


def describe(conn: Connection) -> dict[str, Any]:
    roles = team_roles(conn)
    return {"reps_role": roles.reps, "managers_role": roles.managers, "installed": is_installed(conn)}


def upsert(
    conn: Connection, table: Any, rows: list[dict[str, Any]], key: tuple[str, ...], *, guard_owner: bool
) -> list[tuple[Any, ...]]:
    """Insert ``rows`` or update the rows with the same ``key``; returns ``(id, *key)`` of
    every row written. With ``guard_owner`` a row another rep owns is left alone (and not
    returned): a push never takes over a teammate's record."""
    if not rows:
        return []
    from sqlalchemy.dialects.postgresql import insert

    base = insert(table)
    changes = {name: base.excluded[name] for name in rows[0] if name not in key}
    where = (table.c.owner == base.excluded.owner) if guard_owner else None
    stmt = base.on_conflict_do_update(index_elements=list(key), set_=changes, where=where).returning(
        table.c.id, *(table.c[k] for k in key)
    )
    return [tuple(r) for r in conn.execute(stmt, rows)]
