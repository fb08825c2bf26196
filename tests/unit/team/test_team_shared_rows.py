"""Team mode, issue 19 case 2: no DELETE or UPDATE a rep can run on the shared tables
changes another rep's rows (a cascade does not pass row-level security), and every
change to the shared configuration is recorded with the login that made it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.support import pipeline_data
from tests.support.postgres_cluster import Cluster
from tests.unit.team.test_team import Team, _new_team
from workbench.services.team import members as team
from workbench.services.team import sync as team_sync
from workbench.store import open_workbench
from workbench.store.backends.postgres_team import CHILD_TABLES, OWNED_TABLES, SHARED_DELETABLE, SHARED_TABLES


@pytest.fixture
def two_reps(pg_cluster: Cluster, _pg_template: str, tmp_path: Path) -> Iterator[tuple[Team, Any, Any]]:
    t = _new_team(pg_cluster, _pg_template)
    try:
        ana = team.add_member(t.admin, "Ana Rep")
        ben = team.add_member(t.admin, "Ben Rep")
        ben_file = tmp_path / "ben.db"
        with open_workbench(ben_file) as wb:
            pipeline_data.build(wb, rep="Ben Rep")
        team_sync.push(ben_file, t.admin, "ben_rep")
        with t.raw(ben) as conn:  # Ben judges his account on every criterion, and imports
            conn.execute(
                "INSERT INTO account_check (account_id, criterion_id, state, evidence, updated_at) "
                "SELECT a.id, c.id, 'met', 'seen', now() FROM account a CROSS JOIN icp_criterion c "
                "WHERE a.owner = current_user ON CONFLICT DO NOTHING"
            )
            batch = conn.execute(
                "INSERT INTO import_batch (uuid, file_name, file_hash, file_size, started_at, rows, "
                "inserted, merged, skipped, rejected, status, options) VALUES ('b-ben', 'ben.csv', 'h', 1, "
                "now(), 1, 0, 1, 0, 0, 'done', '{}') RETURNING id"
            ).fetchone()[0]
            conn.execute(
                "INSERT INTO import_merge (batch_id, lead_id, before_json) "
                "SELECT %s, id, '{}' FROM lead WHERE owner = current_user",
                (batch,),
            )
            conn.commit()
        yield t, ana, ben
    finally:
        t.admin.close()
        pg_cluster.drop_team(t.name)


def _fingerprint(t: Team) -> dict[str, tuple[int, str]]:
    """Every rep-owned and history row, as the tables' owner sees them: count and hash."""
    out = {}
    with psycopg.connect(t.cluster.dsn(t.name)) as conn:
        for table in (*OWNED_TABLES, *(c[0] for c in CHILD_TABLES)):
            rows = conn.execute(f"SELECT to_jsonb(x)::text FROM {table} x ORDER BY id").fetchall()
            digest = hashlib.sha256("\n".join(r[0] for r in rows).encode()).hexdigest()
            out[table] = (len(rows), digest)
    return out


def test_no_rep_statement_on_a_shared_table_changes_another_reps_rows(
    two_reps: tuple[Team, Any, Any],
) -> None:
    t, ana, _ben = two_reps
    before = _fingerprint(t)
    assert before["account_check"][0] > 0 and before["import_merge"][0] > 0
    refused = []
    with t.raw(ana) as conn:
        for table in SHARED_TABLES:
            columns = [
                r[0]
                for r in conn.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s", (table,)
                ).fetchall()
            ]
            statements = [f"DELETE FROM {table}", f"TRUNCATE {table}", f"TRUNCATE {table} CASCADE"]
            statements += [f"UPDATE {table} SET {c} = {c}" for c in columns]
            if "id" in columns:
                statements.append(f"UPDATE {table} SET id = id + 1000000")
            for sql in statements:
                try:
                    with conn.transaction():
                        conn.execute(sql)
                except psycopg.Error:
                    refused.append(sql)
        conn.commit()
    # Deleting shared rows is refused outright (but a sequence's steps, which no owned row
    # points at); renumbering referenced ones by the FK.
    assert {f"DELETE FROM {t_}" for t_ in SHARED_TABLES if t_ not in SHARED_DELETABLE} <= set(refused)
    assert "UPDATE icp_criterion SET id = id + 1000000" in refused
    assert _fingerprint(t) == before


def test_every_change_to_shared_configuration_names_who_made_it(two_reps: tuple[Team, Any, Any]) -> None:
    t, ana, ben = two_reps
    with t.raw(ana) as conn:
        conn.execute("UPDATE pipeline_stage SET name = name || ' (renamed)' WHERE position = 1")
        conn.execute("UPDATE icp_criterion SET weight = weight + 1")
        conn.commit()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO shared_change (who, table_name, operation) "
                "VALUES ('ben_rep', 'setting', 'UPDATE')"
            )
        conn.rollback()
        for sql in ("DELETE FROM shared_change", "UPDATE shared_change SET who = 'ben_rep'"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
            conn.rollback()
    with t.raw(ben) as conn:
        log = conn.execute(
            "SELECT who, table_name, operation FROM shared_change WHERE who = 'ana_rep'"
        ).fetchall()
    assert ("ana_rep", "pipeline_stage", "UPDATE") in log
    assert ("ana_rep", "icp_criterion", "UPDATE") in log
    # and Ben's own import batch was recorded as his
    with t.raw(ben) as conn:
        mine = conn.execute(
            "SELECT who FROM shared_change WHERE table_name = 'import_batch' AND operation = 'INSERT'"
        ).fetchall()
    assert mine == [("ben_rep",)]
