"""Team mode: one PostgreSQL database for a whole sales team, each rep's rows guarded
by the database itself (row-level security; see
:mod:`workbench.store.backends.postgres_team`).

The administrator (a role that owns the database) runs :func:`init_team` once — schema,
roles, policies — and :func:`add_member` for each rep and manager; each gets a login
role and a generated password that is shown once and stored nowhere in clear (the
server keeps a SCRAM verifier; the rep's app asks for it or keeps it in the system
keyring). Moving a rep's local file in and out is :mod:`workbench.services.team.sync`;
the manager's live figures are :mod:`workbench.services.manager.team_rollup`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, update

from workbench.domain import Account, table_of
from workbench.store import StoreError, Workbench
from workbench.store.backends import postgres_team
from workbench.store.backends.postgres_team import Member, TeamRoles

__all__ = [
    "Member",
    "NewMember",
    "TeamError",
    "TeamInfo",
    "add_member",
    "find_member",
    "init_team",
    "members",
    "ping",
    "share_account",
    "team_info",
    "whoami",
]

PASSWORD_BYTES = 18


class TeamError(StoreError):
    """Team mode cannot do what was asked; the message says why and what to do."""


@dataclass(frozen=True)
class TeamInfo:
    location: str
    roles: TeamRoles
    members: list[Member]

    def as_dict(self) -> dict[str, Any]:
        return {
            "db": self.location,
            "reps_role": self.roles.reps,
            "managers_role": self.roles.managers,
            "members": [{"role": m.role, "name": m.name, "manager": m.manager} for m in self.members],
        }


@dataclass(frozen=True)
class NewMember:
    member: Member
    #: Shown once to whoever added the member; never stored by the app.
    password: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "role": self.member.role,
            "name": self.member.name,
            "manager": self.member.manager,
            "password": self.password,
        }


def require_team_database(wb: Workbench) -> None:
    if wb.dialect != "postgresql":
        raise TeamError(
            f"{wb.location} is a workbench file; team mode needs a PostgreSQL database "
            "(--db postgresql+psycopg://user@host/database)."
        )


def _admin(conn: Connection, location: str) -> None:
    if not postgres_team.can_administer(conn):
        raise TeamError(
            f"The login {postgres_team.current_role(conn)!r} does not own the team database {location}; "
            "run this as the role that ran `workbench team init`."
        )


def init_team(wb: Workbench) -> TeamInfo:
    """Schema (already migrated by opening ``wb``), group roles, policies and grants —
    idempotent, so running it again after an upgrade refreshes the policies."""
    require_team_database(wb)
    with wb.engine.begin() as conn:
        _admin(conn, wb.location)
        try:
            postgres_team.install(conn)
        except Exception as exc:
            if getattr(getattr(exc, "orig", None), "sqlstate", "") == "42501":
                raise TeamError(
                    f"The login cannot create roles on this server: {exc.orig}. "  # type: ignore[attr-defined]
                    "Run `team init` as a role with CREATEROLE that owns the database."
                ) from exc
            raise
    return team_info(wb)


def team_info(wb: Workbench) -> TeamInfo:
    require_team_database(wb)
    with wb.engine.connect() as conn:
        return TeamInfo(wb.location, postgres_team.team_roles(conn), postgres_team.members(conn))


def members(wb: Workbench) -> list[Member]:
    if wb.dialect != "postgresql":
        return []
    with wb.engine.connect() as conn:
        return postgres_team.members(conn)


def add_member(wb: Workbench, name: str, *, manager: bool = False, role: str | None = None) -> NewMember:
    """A login role for a rep (or a manager) named ``name``, with a generated password."""
    require_team_database(wb)
    name = " ".join(name.split())
    if not name:
        raise TeamError("Give the rep's name.")
    member = Member(postgres_team.role_name(role or name), name, manager)
    password = secrets.token_urlsafe(PASSWORD_BYTES)
    with wb.engine.begin() as conn:
        _admin(conn, wb.location)
        if not postgres_team.is_installed(conn):
            raise TeamError(f"{wb.location} is not set up for a team yet: run `workbench team init` first.")
        if any(m.name.casefold() == name.casefold() for m in postgres_team.members(conn)):
            raise TeamError(f"{name} is already a member of this team.")
        postgres_team.create_member(conn, member, password)
    return NewMember(member, password)


def find_member(wb: Workbench, who: str) -> Member:
    """The member called ``who`` (their name or their role, any case)."""
    wanted = " ".join(who.split()).casefold()
    for member in members(wb):
        if wanted in (member.name.casefold(), member.role.casefold()):
            return member
    raise TeamError(f"Nobody called {who!r} is in the team at {wb.location}; add them with `team add-rep`.")


def whoami(wb: Workbench) -> Member | None:
    """The member this connection logged in as (None for the administrator or a file)."""
    if wb.dialect != "postgresql":
        return None
    with wb.engine.connect() as conn:
        role = postgres_team.current_role(conn)
        return next((m for m in postgres_team.members(conn) if m.role == role), None)


def share_account(wb: Workbench, account_id: int, shared: bool = True) -> bool:
    """Let teammates read (not change) one of the rep's accounts; False when the account
    is not the rep's to share (or does not exist)."""
    table = table_of(Account)
    with wb.session() as session:
        result = session.execute(
            update(table).where(table.c.id == account_id, table.c.deleted_at.is_(None)).values(shared=shared)
        )
        return bool(getattr(result, "rowcount", 0))


def ping(wb: Workbench) -> None:
    """Reach the database once (raises when it is out of reach): the banner's retry."""
    from sqlalchemy import select

    with wb.engine.connect() as conn:
        conn.execute(select(1)).scalar_one()
