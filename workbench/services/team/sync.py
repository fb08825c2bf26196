"""Moving a rep's work between a local workbench file and the team database.

**Push** (file → team) copies every lead, account, contact, opportunity (with its stage
history), activity, follow-up and sequence enrolment (with its history) of a file into
the team database as the rep's rows, in one transaction. Records are matched by UUID,
so pushing the same file again updates what is there and adds only what is new — never
a duplicate; integer ids differ between databases and every link is translated through
the UUIDs. Stages, ICP criteria and lead sources are matched by name (added to the
team's when missing); so are sequences — shared templates: the team's steps stand, a
sequence the team lacks comes with its steps. A record whose UUID a teammate already
owns is left alone and counted as skipped. Push adds and updates; it never deletes on
the server (trashed records travel as trashed).

**Pull** (team → new file) makes a local workbench of one rep's own rows (and the
accounts they point to) for working offline, with the team's stages, criteria, sources,
sequences and settings; ids are kept, so the file is the team database's rows, filtered.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, func, insert, or_, select, union, update
from sqlmodel import SQLModel

from workbench.domain import new_uuid
from workbench.services.team.members import TeamError, find_member, members, require_team_database
from workbench.store import Workbench, open_workbench, stage_links
from workbench.store.backends import postgres_team

BATCH = 5000


@dataclass(frozen=True)
class Copy:
    """How one table travels: which columns point to which table, which links wait for
    a second pass (they point forward: a contact's origin lead is copied after it), and
    the key rows are matched by."""

    table: str
    refs: Mapping[str, str | None] = field(default_factory=dict)
    later: Mapping[str, str] = field(default_factory=dict)
    key: tuple[str, ...] = ("uuid",)


#: Parents before children; ``None`` drops a link that does not travel (import history).
PLAN: tuple[Copy, ...] = (
    Copy("account"),
    Copy("contact", {"account_id": "account"}, later={"origin_lead_id": "lead"}),
    Copy(
        "opportunity",
        {"account_id": "account", "contact_id": "contact", "stage_id": "pipeline_stage"},
        later={"origin_lead_id": "lead"},
    ),
    Copy(
        "lead",
        {
            "account_id": "account",
            "contact_id": "contact",
            "opportunity_id": "opportunity",
            "import_batch_id": None,
        },
    ),
    Copy(
        "stage_change",
        {
            "opportunity_id": "opportunity",
            "from_stage_id": "pipeline_stage",
            "to_stage_id": "pipeline_stage",
            "next_stage_id": "pipeline_stage",
        },
    ),
    Copy(
        "activity",
        {
            "lead_id": "lead",
            "contact_id": "contact",
            "account_id": "account",
            "opportunity_id": "opportunity",
        },
    ),
    Copy(
        "follow_up",
        {
            "lead_id": "lead",
            "contact_id": "contact",
            "account_id": "account",
            "opportunity_id": "opportunity",
            "activity_id": "activity",
        },
    ),
    Copy(
        "account_check",
        {"account_id": "account", "criterion_id": "icp_criterion"},
        key=("account_id", "criterion_id"),
    ),
    Copy("account_event", {"account_id": "account"}),
    Copy(
        "enrolment",
        {
            "sequence_id": "outreach_sequence",
            "lead_id": "lead",
            "contact_id": "contact",
            "account_id": "account",
        },
    ),
    Copy("enrolment_event", {"enrolment_id": "enrolment", "activity_id": "activity"}),
)
#: The team's configuration, copied whole into a pulled file (a sequence before its steps).
CONFIG_TABLES = (
    "pipeline_stage",
    "lead_source",
    "icp_criterion",
    "setting",
    "outreach_sequence",
    "sequence_step",
)


@dataclass
class SyncResult:
    source: str
    target: str
    rep: str
    written: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.source,
            "to": self.target,
            "rep": self.rep,
            "written": dict(self.written),
            "skipped": {k: v for k, v in self.skipped.items() if v},
            "seconds": round(self.seconds, 3),
        }


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def _batches(conn: Connection, stmt: Any) -> Iterator[list[dict[str, Any]]]:
    result = conn.execution_options(yield_per=BATCH).execute(stmt)
    try:
        for part in result.mappings().partitions(BATCH):
            yield [dict(r) for r in part]
    finally:
        result.close()


# --- push ---------------------------------------------------------------------------------
def push(source: Path | str, team: Workbench, rep: str) -> SyncResult:
    """Copy the workbench file ``source`` into ``team`` as ``rep``'s rows (idempotent)."""
    require_team_database(team)
    started = time.perf_counter()
    member = find_member(team, rep)
    if member.manager:
        raise TeamError(f"{member.name} is a manager; push a rep's file (managers read, they own no rows).")
    local = open_workbench(Path(source).expanduser(), create=False, readonly=True)
    result = SyncResult(local.location, team.location, member.name)
    try:
        with local.engine.connect() as src, team.engine.begin() as dst:
            me = postgres_team.current_role(dst)
            if me != member.role and not postgres_team.can_administer(dst):
                raise TeamError(f"Logged in as {me!r}: you can push only your own file, not {member.name}'s.")
            ids: dict[str, dict[int, int]] = {
                "pipeline_stage": _match_by_name(src, dst, "pipeline_stage"),
                "icp_criterion": _match_by_name(src, dst, "icp_criterion"),
                "outreach_sequence": _match_sequences(src, dst),
            }
            _add_missing_sources(src, dst)
            pending: list[tuple[str, int, str, int]] = []
            for copy in PLAN:
                ids[copy.table] = _push_table(src, dst, copy, member.role, ids, pending, result)
            _second_pass(dst, pending, ids)
            # The links travelled with the rows; relinking makes them true whatever the
            # team held of these histories before.
            stage_links.relink(dst, ids["opportunity"].values())
    finally:
        local.close()
    result.seconds = time.perf_counter() - started
    return result


def _push_table(
    src: Connection,
    dst: Connection,
    copy: Copy,
    owner: str,
    ids: dict[str, dict[int, int]],
    pending: list[tuple[str, int, str, int]],
    result: SyncResult,
) -> dict[int, int]:
    table = _table(copy.table)
    owned = "owner" in table.c
    mapped: dict[int, int] = {}
    written = skipped = 0
    for rows in _batches(src, select(table).order_by(table.c.id)):
        out: list[dict[str, Any]] = []
        source_ids: list[int] = []
        for row in rows:
            source_id = int(row.pop("id"))
            if not _translate(row, copy, table, ids):
                skipped += 1
                continue
            for column in copy.later:
                if row[column] is not None:
                    pending.append((copy.table, source_id, column, int(row[column])))
                row[column] = None
            if owned:
                row["owner"] = owner
            out.append(row)
            source_ids.append(source_id)
        returned = postgres_team.upsert(dst, table, out, copy.key, guard_owner=owned)
        by_key = {tuple(r[1:]): int(r[0]) for r in returned}
        for source_id, row in zip(source_ids, out, strict=True):
            team_id = by_key.get(tuple(row[k] for k in copy.key))
            if team_id is not None:
                mapped[source_id] = team_id
        written += len(returned)
        skipped += len(out) - len(returned)
    result.written[copy.table] = written
    result.skipped[copy.table] = skipped
    return mapped


def _translate(row: dict[str, Any], copy: Copy, table: Table, ids: Mapping[str, Mapping[int, int]]) -> bool:
    """Rewrite the row's links into team ids; False when a required link has no target."""
    for column, target in copy.refs.items():
        value = row.get(column)
        if value is None:
            continue
        new = None if target is None else ids.get(target, {}).get(int(value))
        if new is None and not table.c[column].nullable:
            return False
        row[column] = new
    return True


def _second_pass(
    dst: Connection, pending: list[tuple[str, int, str, int]], ids: dict[str, dict[int, int]]
) -> None:
    plan = {c.table: c for c in PLAN}
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for table_name, source_id, column, value in pending:
        team_id = ids[table_name].get(source_id)
        target = ids[plan[table_name].later[column]].get(value)
        if team_id is not None and target is not None:
            groups.setdefault((table_name, column), []).append({"row_id": team_id, "value": target})
    for (table_name, column), params in groups.items():
        table = _table(table_name)
        stmt = update(table).where(table.c.id == bindparam("row_id")).values({column: bindparam("value")})
        dst.execute(stmt, params)


def _match_by_name(src: Connection, dst: Connection, table_name: str) -> dict[int, int]:
    """Source ids → team ids of stages or ICP criteria with the same name (added when the
    team has none of that name)."""
    table = _table(table_name)
    team = {
        str(name).casefold(): int(i)
        for i, name in dst.execute(select(table.c.id, table.c.name).order_by(table.c.id))
    }
    mapping: dict[int, int] = {}
    position = int(dst.execute(select(func.coalesce(func.max(table.c.position), -1))).scalar_one())
    for row in src.execute(select(table).order_by(table.c.position, table.c.id)).mappings():
        key = str(row["name"]).casefold()
        if key not in team:
            position += 1
            values = {k: v for k, v in row.items() if k != "id"} | {"uuid": new_uuid(), "position": position}
            team[key] = int(dst.execute(insert(table).values(values).returning(table.c.id)).scalar_one())
        mapping[int(row["id"])] = team[key]
    return mapping


def _match_sequences(src: Connection, dst: Connection) -> dict[int, int]:
    """Source ids → team ids of the sequences with the same name; a sequence the team
    has none of is added with its steps (the team's own steps are never rewritten: the
    templates are shared, a rep's copy does not overrule them)."""
    table, steps = _table("outreach_sequence"), _table("sequence_step")
    team = {
        str(name).casefold(): int(i)
        # A live sequence wins over a deleted one of the same name (it comes last).
        for i, name in dst.execute(
            select(table.c.id, table.c.name).order_by(table.c.deleted_at.is_(None), table.c.id)
        )
    }
    position = int(dst.execute(select(func.coalesce(func.max(table.c.position), -1))).scalar_one())
    mapping: dict[int, int] = {}
    for row in src.execute(select(table).order_by(table.c.position, table.c.id)).mappings():
        key = str(row["name"]).casefold()
        if key not in team:
            position += 1
            values = {k: v for k, v in row.items() if k != "id"} | {"uuid": new_uuid(), "position": position}
            team[key] = int(dst.execute(insert(table).values(values).returning(table.c.id)).scalar_one())
            own_steps = src.execute(select(steps).where(steps.c.sequence_id == row["id"])).mappings()
            copied = [
                {k: v for k, v in step.items() if k != "id"} | {"uuid": new_uuid(), "sequence_id": team[key]}
                for step in own_steps
            ]
            if copied:
                dst.execute(insert(steps), copied)
        mapping[int(row["id"])] = team[key]
    return mapping


def _add_missing_sources(src: Connection, dst: Connection) -> None:
    table = _table("lead_source")
    known = {str(n).casefold() for n in dst.execute(select(table.c.name)).scalars()}
    position = int(dst.execute(select(func.coalesce(func.max(table.c.position), -1))).scalar_one())
    for row in src.execute(select(table).order_by(table.c.position)).mappings():
        if str(row["name"]).casefold() not in known:
            position += 1
            dst.execute(insert(table).values(name=row["name"], position=position, active=row["active"]))
            known.add(str(row["name"]).casefold())


# --- pull ---------------------------------------------------------------------------------
def pull(team: Workbench, dest: Path | str, *, rep: str | None = None) -> SyncResult:
    """A new workbench file ``dest`` holding one rep's rows of ``team`` (the logged-in
    rep's, or ``rep``'s when the administrator pulls)."""
    require_team_database(team)
    started = time.perf_counter()
    dest = Path(dest).expanduser()
    if dest.exists():
        raise TeamError(
            f"{dest} already exists; pull into a new file (existing files are never overwritten)."
        )
    with team.engine.connect() as conn:
        me = postgres_team.current_role(conn)
        admin = postgres_team.can_administer(conn)
    if rep is not None:
        member = find_member(team, rep)
        if member.role != me and not admin:
            raise TeamError(f"Logged in as {me!r}: you can pull only your own rows.")
    else:
        mine = [m for m in members(team) if m.role == me]
        if not mine:
            raise TeamError(f"{me!r} is not a rep of this team; say whose rows to pull with --rep NAME.")
        member = mine[0]
    result = SyncResult(team.location, str(dest), member.name)
    local = open_workbench(dest)
    try:
        with local.engine.begin() as dst, team.engine.connect() as src:
            kept: dict[str, set[int]] = {}
            for name in reversed(CONFIG_TABLES):  # the new file's defaults, steps first
                dst.execute(delete(_table(name)))
            for name in CONFIG_TABLES:
                kept[name] = _copy_rows(src, dst, select(_table(name)), name, {}, kept, result)
            _pull_rows(src, dst, member.role, kept, result)
    except BaseException:
        local.close()
        for suffix in ("", "-wal", "-shm", ".lock"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(str(dest) + suffix)
        raise
    local.close()
    result.seconds = time.perf_counter() - started
    return result


def _pull_rows(
    src: Connection, dst: Connection, role: str, kept: dict[str, set[int]], result: SyncResult
) -> None:
    account = _table("account")
    linked = union(
        *(
            select(_table(t).c.account_id).where(
                _table(t).c.owner == role, _table(t).c.account_id.is_not(None)
            )
            for t in ("contact", "lead", "opportunity", "activity", "follow_up", "enrolment")
        )
    ).subquery()
    for copy in PLAN:
        table = _table(copy.table)
        if copy.table == "account":
            # The rep's accounts, and teammates' shared ones the rep's records point to.
            where = or_(account.c.owner == role, account.c.id.in_(select(linked.c.account_id)))
        elif "owner" in table.c:
            where = table.c.owner == role
        else:  # history rows of the records that came along
            parent_column, parent = next(iter(copy.refs.items()))
            assert parent is not None
            where = table.c[parent_column].in_(sorted(kept[parent]))
        refs = {**copy.refs, **copy.later}
        stmt = select(table).where(where).order_by(table.c.id)
        kept[copy.table] = _copy_rows(src, dst, stmt, copy.table, refs, kept, result)
    # Links that point forward (a contact's origin lead) were copied as they were; empty
    # those whose target stayed behind.
    for copy in PLAN:
        table = _table(copy.table)
        for column, target in copy.later.items():
            dst.execute(
                update(table)
                .where(table.c[column].is_not(None), table.c[column].not_in(select(_table(target).c.id)))
                .values({column: None})
            )


def _copy_rows(
    src: Connection,
    dst: Connection,
    stmt: Any,
    name: str,
    refs: Mapping[str, str | None],
    kept: Mapping[str, set[int]],
    result: SyncResult,
) -> set[int]:
    """Rows of ``stmt`` into the same table of ``dst``, ids kept. A link to a row that
    did not come along is emptied (the row is left out when the link is required); a
    link to a table not copied yet is kept as it is (see :func:`_pull_rows`)."""
    table = _table(name)
    copied: set[int] = set()
    written = skipped = 0
    for rows in _batches(src, stmt):
        out = []
        for row in rows:
            if _keep_links(row, refs, kept, table):
                out.append(row)
                if "id" in row:
                    copied.add(int(row["id"]))
            else:
                skipped += 1
        if out:
            dst.execute(insert(table), out)
            written += len(out)
    result.written[name] = written
    result.skipped[name] = skipped
    return copied


def _keep_links(
    row: dict[str, Any], refs: Mapping[str, str | None], kept: Mapping[str, set[int]], table: Table
) -> bool:
    for column, target in refs.items():
        value = row.get(column)
        if value is None or (target is not None and target not in kept):
            continue
        if target is None or int(value) not in kept[target]:
            if not table.c[column].nullable:
                return False
            row[column] = None
    return True


__all__ = ["PLAN", "SyncResult", "pull", "push"]
