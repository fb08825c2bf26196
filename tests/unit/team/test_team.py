"""Team mode on a real PostgreSQL: roles, row-level security proven with hand-written
SQL, push/pull by UUID, the live manager rollup equal to the file rollup, migrations
on both databases, and the CLI."""

from __future__ import annotations

import itertools
import json
import math
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.engine import make_url

from tests.support import pipeline_data
from tests.support.postgres_cluster import Cluster
from workbench.cli import main
from workbench.domain import Account, Activity, Lead, Opportunity, PipelineStage, StageChange, table_of
from workbench.domain.enums import DEFAULT_STAGES
from workbench.services.clock import fixed_clock
from workbench.services.manager.export import export_pipeline
from workbench.services.manager.rollup import RepFigures, roll_up
from workbench.services.manager.team_rollup import live_rollup
from workbench.services.team import members as team
from workbench.services.team import sync as team_sync
from workbench.store import NewerSchemaError, PasswordRequiredError, StoreError, Workbench, open_workbench
from workbench.store.backends.postgres_team import role_name, scram_verifier

NOW = pipeline_data.NOW  # the small demo's anchor too
_numbers = itertools.count(1)
L: Any = table_of(Lead).c
A: Any = table_of(Account).c


@dataclass
class Team:
    cluster: Cluster
    name: str
    admin: Workbench

    def url(self, new: team.NewMember | None = None, *, password: str | None = None) -> str:
        if new is None:
            return self.cluster.url(self.name)
        return self.cluster.url(self.name, user=new.member.role, password=password or new.password)

    def login(self, new: team.NewMember) -> Workbench:
        return open_workbench(self.url(new))

    def raw(self, new: team.NewMember) -> Any:
        """A plain psycopg connection as the member: hand-written SQL, no app code."""
        import psycopg

        return psycopg.connect(
            host="127.0.0.1",
            port=self.cluster.port,
            dbname=self.name,
            user=new.member.role,
            password=new.password,
        )


def _new_team(cluster: Cluster, template: str) -> Team:
    name = f"team_{next(_numbers)}"
    cluster.create_database(name, template=template)
    admin = open_workbench(cluster.url(name))
    team.init_team(admin)
    return Team(cluster, name, admin)


@pytest.fixture
def team_db(pg_cluster: Cluster, _pg_template: str) -> Iterator[Team]:
    t = _new_team(pg_cluster, _pg_template)
    try:
        yield t
    finally:
        t.admin.close()
        pg_cluster.drop_team(t.name)


@dataclass
class Populated:
    team: Team
    ana: team.NewMember
    ben: team.NewMember
    meg: team.NewMember
    ana_file: Path
    ben_file: Path


@pytest.fixture(scope="module")
def populated(
    pg_cluster: Cluster,
    _pg_template: str,
    _small_demo_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Populated]:
    """Ana pushed the small demo, Ben the hand-built pipeline workbench (his Acme shared);
    Meg manages. Tests read it; writes they try are rolled back or refused."""
    t = _new_team(pg_cluster, _pg_template)
    try:
        ana = team.add_member(t.admin, "Ana Rep")
        ben = team.add_member(t.admin, "Ben Rep")
        meg = team.add_member(t.admin, "Meg Manager", manager=True)
        ben_file = tmp_path_factory.mktemp("ben") / "ben.db"
        with open_workbench(ben_file) as wb:
            pipeline_data.build(wb, rep="Ben Rep")
            with wb.session() as s:
                s.execute(update(table_of(Account)).where(A.name == "Acme").values(shared=True))
        team_sync.push(_small_demo_template, t.admin, "Ana Rep")
        team_sync.push(ben_file, t.admin, "ben_rep")
        yield Populated(t, ana, ben, meg, _small_demo_template, ben_file)
    finally:
        t.admin.close()
        pg_cluster.drop_team(t.name)


def _count(conn: Any, sql: str, *params: Any) -> int:
    return int(conn.execute(sql, params).fetchone()[0])


# --- no server needed ---------------------------------------------------------------------------
def test_role_names_and_scram_verifiers() -> None:
    assert role_name("Dana  Demo") == "dana_demo"
    assert role_name("Łukasz Nowak-Smith") == "ukasz_nowak_smith"
    assert role_name("007 Bond") == "r_007_bond"
    with pytest.raises(StoreError):
        role_name("!!!")
    verifier = scram_verifier("secret", salt=b"0123456789abcdef")
    assert verifier.startswith("SCRAM-SHA-256$4096:MDEyMzQ1Njc4OWFiY2RlZg==$")
    assert "secret" not in verifier


# --- roles, passwords, policies ---------------------------------------------------------------
@pytest.mark.postgres
def test_init_is_idempotent_and_guards_every_rep_table(team_db: Team) -> None:
    info = team.init_team(team_db.admin)  # a second time: refreshes, never fails
    assert info.roles.reps == f"{team_db.name}_reps"
    with team_db.admin.engine.connect() as conn:
        guarded = set(conn.execute(text("SELECT relname FROM pg_class WHERE relrowsecurity")).scalars())
        policies = conn.execute(text("SELECT tablename, count(*) FROM pg_policies GROUP BY tablename")).all()
    assert {"account", "contact", "lead", "opportunity", "activity", "follow_up", "stage_change"} <= guarded
    assert dict(policies)["account"] == 3  # own rows, shared read, manager read


@pytest.mark.postgres
def test_members_get_a_password_shown_once_and_stored_only_hashed(
    team_db: Team, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    dana = team.add_member(team_db.admin, "Dana Demo")
    assert dana.member.role == "dana_demo" and len(dana.password) >= 20
    with team_db.admin.engine.connect() as conn:
        stored = conn.execute(
            text("SELECT rolpassword FROM pg_authid WHERE rolname = 'dana_demo'")
        ).scalar_one()
    assert stored.startswith("SCRAM-SHA-256$") and dana.password not in stored
    with team_db.login(dana) as wb:
        assert team.whoami(wb) == dana.member
        with pytest.raises(team.TeamError, match="does not own"):
            team.add_member(wb, "Sneaky Extra")
    with pytest.raises(PasswordRequiredError) as refused:
        open_workbench(team_db.url(dana, password="wrong"))
    assert refused.value.refused and "wrong" not in str(refused.value)
    bare = team_db.cluster.url(team_db.name, user="dana_demo")
    with pytest.raises(PasswordRequiredError) as asked:
        open_workbench(bare)
    assert not asked.value.refused
    open_workbench(bare, password=dana.password).close()
    with pytest.raises(team.TeamError, match="already a member"):
        team.add_member(team_db.admin, "dana  demo")


@pytest.mark.postgres
def test_a_password_in_the_system_keyring_is_used(team_db: Team) -> None:
    import keyring
    from keyring.backend import KeyringBackend

    from workbench.store.credentials import save_password

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            self.items: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.items.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.items[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.items.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        dana = team.add_member(team_db.admin, "Dana Demo")
        bare = team_db.cluster.url(team_db.name, user=dana.member.role)
        assert save_password(make_url(bare), dana.password)
        with open_workbench(bare) as wb:
            assert wb.location == bare  # never shows the password
    finally:
        keyring.set_keyring(previous)


@pytest.mark.postgres
def test_a_rep_cannot_read_change_or_delete_another_reps_rows_with_any_sql(populated: Populated) -> None:
    t, ana, ben = populated.team, populated.ana, populated.ben
    import psycopg

    with t.raw(ana) as conn:
        assert _count(conn, "SELECT count(*) FROM lead") == _leads_in(populated.ana_file)  # all, only hers
        assert _count(conn, "SELECT count(*) FROM lead WHERE owner <> current_user") == 0
        assert _count(conn, "SELECT count(*) FROM lead WHERE owner = 'ben_rep'") == 0
        assert _count(conn, "SELECT count(*) FROM opportunity WHERE owner = 'ben_rep'") == 0
        assert _count(conn, "SELECT count(*) FROM activity WHERE owner = 'ben_rep'") == 0
        # history rows follow their record
        ben_opps = _ids_of(t, "opportunity", "ben_rep")
        assert _count(conn, "SELECT count(*) FROM stage_change WHERE opportunity_id = ANY(%s)", ben_opps) == 0
        assert conn.execute("UPDATE lead SET name = 'mine now' WHERE owner = 'ben_rep'").rowcount == 0
        assert conn.execute("UPDATE opportunity SET amount = 0 WHERE id = ANY(%s)", (ben_opps,)).rowcount == 0
        assert conn.execute("DELETE FROM activity WHERE owner = 'ben_rep'").rowcount == 0
        assert (
            conn.execute("DELETE FROM stage_change WHERE opportunity_id = ANY(%s)", (ben_opps,)).rowcount == 0
        )
        # a shared account is readable, not writable
        shared = conn.execute("SELECT id, owner FROM account WHERE owner = 'ben_rep'").fetchall()
        assert [r[1] for r in shared] == ["ben_rep"]
        assert conn.execute("UPDATE account SET name = 'x' WHERE id = %s", (shared[0][0],)).rowcount == 0
        assert conn.execute("DELETE FROM account WHERE id = %s", (shared[0][0],)).rowcount == 0
        conn.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO account (uuid, created_at, updated_at, owner, name, name_norm, domain, website, "
                "industry, region, is_target, shared, status, park_reason, pain_hypothesis, notes) VALUES "
                "('x-1', now(), now(), 'ben_rep', 'Planted', '', '', '', '', '', false, false, "
                "'researching', '', '', '')"
            )
        conn.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("UPDATE lead SET owner = 'ben_rep' WHERE id = (SELECT min(id) FROM lead)")
        conn.rollback()
        for sql in (
            "ALTER TABLE lead DISABLE ROW LEVEL SECURITY",
            "SET ROLE ben_rep",
            "INSERT INTO team_member (role, name) VALUES ('ana_rep', 'Boss')",
        ):
            with pytest.raises(psycopg.Error):
                conn.execute(sql)
            conn.rollback()
        # and a row the rep adds is the rep's, whatever owner the SQL left empty
        conn.execute(
            "INSERT INTO account (uuid, created_at, updated_at, owner, name, name_norm, domain, website, "
            "industry, region, is_target, shared, status, park_reason, pain_hypothesis, notes) VALUES "
            "('x-2', now(), now(), '', 'Mine', '', '', '', '', '', false, false, 'researching', '', '', '')"
        )
        assert conn.execute("SELECT owner FROM account WHERE uuid = 'x-2'").fetchone()[0] == "ana_rep"
        conn.rollback()
    with t.raw(ben) as conn:
        assert _count(conn, "SELECT count(*) FROM lead") == 5
        assert _count(conn, "SELECT count(*) FROM account WHERE owner = 'ana_rep'") == 0


def _leads_in(path: Path) -> int:
    with open_workbench(path, readonly=True, create=False) as wb, wb.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table_of(Lead))).scalar_one())


def _ids_of(t: Team, table: str, owner: str) -> list[int]:
    with t.admin.engine.connect() as conn:
        return [
            int(i)
            for i in conn.execute(text(f"SELECT id FROM {table} WHERE owner = :o"), {"o": owner}).scalars()
        ]


@pytest.mark.postgres
def test_a_reps_rows_are_found_through_the_owner_index(populated: Populated) -> None:
    """The policy compares ``owner`` in the column's collation: an index on ``owner``
    can answer it, so a rep's queries read their own rows, not the whole team's."""
    with populated.team.raw(populated.ana) as conn:
        conn.execute("SET enable_seqscan = off")
        for table in ("lead", "activity", "opportunity"):
            plan = "\n".join(r[0] for r in conn.execute(f"EXPLAIN SELECT count(*) FROM {table}".encode()))
            assert f"ix_{table}_owner" in plan and re.search(r"Index Cond: \(+owner\b", plan), plan


@pytest.mark.postgres
def test_a_manager_reads_every_reps_rows_and_writes_none(populated: Populated) -> None:
    import psycopg

    with populated.team.raw(populated.meg) as conn:
        assert _count(conn, "SELECT count(DISTINCT owner) FROM lead") == 2
        assert _count(conn, "SELECT count(*) FROM lead") == _leads_in(populated.ana_file) + 5
        for sql in ("UPDATE lead SET name = 'x'", "DELETE FROM activity", "UPDATE setting SET value = '1'"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
            conn.rollback()


@pytest.mark.postgres
def test_two_reps_saving_at_once_never_wait_for_each_other(populated: Populated) -> None:
    from workbench.services.outreach import log as outreach
    from workbench.services.records import RecordKind, RecordRef

    class Undo(Exception):
        pass

    t = populated.team
    with t.login(populated.ana) as ana_wb, t.login(populated.ben) as ben_wb:
        with ana_wb.reading() as s:
            ana_lead = int(s.execute(select(func.min(L.id))).scalar_one())
        with ben_wb.reading() as s:
            ben_lead = int(s.execute(select(func.min(L.id))).scalar_one())
        saved = threading.Event()

        def ben_saves() -> None:
            target = RecordRef(RecordKind.LEAD, ben_lead)
            outreach.log_activity(ben_wb, outreach.LogEntry(channel="call", target=target), now=NOW)
            saved.set()

        with pytest.raises(Undo), ana_wb.session() as s:
            # Ana's save is half done (rows written and locked, not committed) …
            target = RecordRef(RecordKind.LEAD, ana_lead)
            outreach.log_in(s, outreach.LogEntry(channel="call", target=target), NOW)
            s.flush()
            # … while Ben saves his: he must not wait for her.
            other = threading.Thread(target=ben_saves)
            other.start()
            other.join(timeout=30)
            assert saved.is_set(), "Ben's save waited for Ana's transaction"
            raise Undo


# --- push and pull --------------------------------------------------------------------------------
@pytest.mark.postgres
def test_push_is_idempotent_by_uuid_and_keeps_every_link(team_db: Team, small_demo: Path) -> None:
    team.add_member(team_db.admin, "Pia Push")
    first = team_sync.push(small_demo, team_db.admin, "Pia Push")
    assert first.written["lead"] == _leads_in(small_demo) and not any(first.skipped.values())
    second = team_sync.push(small_demo, team_db.admin, "pia_push")
    assert second.written == first.written  # updated in place
    with (
        team_db.admin.engine.connect() as conn,
        open_workbench(small_demo, readonly=True, create=False) as local,
    ):
        for model in (Lead, Account, Opportunity, Activity, StageChange):
            tab = table_of(model)
            total, distinct = conn.execute(select(func.count(), func.count(tab.c.uuid.distinct()))).one()
            with local.engine.connect() as lc:
                assert total == distinct == lc.execute(select(func.count()).select_from(tab)).scalar_one()
        # links survive the change of integer ids: compare (lead uuid → account uuid, opp uuid)
        with local.engine.connect() as lc:
            assert _links(lc) == _links(conn)
            assert _stage_history(lc) == _stage_history(conn)
    # an edit and a new lead in the file: the next push updates one and adds one
    with open_workbench(small_demo) as local, local.session() as s:
        first_id = s.execute(select(func.min(L.id))).scalar_one()
        s.execute(update(table_of(Lead)).where(L.id == first_id).values(name="Renamed Locally"))
        s.add(Lead(name="Brand New"))
    leads = _leads_in(small_demo)
    team_sync.push(small_demo, team_db.admin, "Pia Push")
    with team_db.admin.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(table_of(Lead))).scalar_one() == leads
        assert (
            conn.execute(select(func.count()).where(L.name.in_(["Renamed Locally", "Brand New"]))).scalar()
            == 2
        )


def _links(conn: Any) -> set[tuple[Any, ...]]:
    lead, acc, opp = table_of(Lead).alias(), table_of(Account).alias(), table_of(Opportunity).alias()
    rows = conn.execute(
        select(lead.c.uuid, acc.c.uuid, opp.c.uuid).select_from(
            lead.outerjoin(acc, acc.c.id == lead.c.account_id).outerjoin(
                opp, opp.c.id == lead.c.opportunity_id
            )
        )
    )
    return {tuple(r) for r in rows}


def _stage_history(conn: Any) -> set[tuple[Any, ...]]:
    sc, opp, st = table_of(StageChange), table_of(Opportunity), table_of(PipelineStage)
    rows = conn.execute(
        select(sc.c.uuid, opp.c.uuid, st.c.name).select_from(
            sc.join(opp, opp.c.id == sc.c.opportunity_id).join(st, st.c.id == sc.c.to_stage_id)
        )
    )
    return {tuple(r) for r in rows}


@pytest.mark.postgres
def test_a_push_never_takes_over_a_teammates_records(team_db: Team, small_demo: Path) -> None:
    team.add_member(team_db.admin, "Pia Push")
    team.add_member(team_db.admin, "Paul Push")
    team_sync.push(small_demo, team_db.admin, "Pia Push")
    copied = team_sync.push(small_demo, team_db.admin, "Paul Push")  # the very same UUIDs
    assert copied.written.get("lead", 0) == 0 and copied.skipped["lead"] == _leads_in(small_demo)
    with team_db.admin.engine.connect() as conn:
        assert conn.execute(select(L.owner).distinct()).scalars().all() == ["pia_push"]


@pytest.mark.postgres
def test_pull_copies_own_rows_and_pushing_them_back_changes_nothing(
    populated: Populated, tmp_path: Path
) -> None:
    out = tmp_path / "ben-offline.db"
    with populated.team.login(populated.ben) as wb:
        result = team_sync.pull(wb, out)
        with pytest.raises(team.TeamError, match="only your own"):
            team_sync.pull(wb, tmp_path / "ana.db", rep="Ana Rep")
    assert result.written["lead"] == 5
    with open_workbench(out) as local:
        from workbench.services.safety.integrity import check_file

        assert check_file(local).ok
        with local.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(table_of(Lead))).scalar_one() == 5
            assert set(conn.execute(select(L.owner)).scalars()) == {"ben_rep"}
    with populated.team.admin.engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(table_of(Activity))).scalar_one()
    again = team_sync.push(out, populated.team.admin, "Ben Rep")
    assert not any(again.skipped.values())
    with populated.team.admin.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(table_of(Activity))).scalar_one() == before


# --- the manager's rollup -------------------------------------------------------------------------
def _comparable(f: RepFigures) -> dict[str, Any]:
    data = f.as_dict()
    for key in ("path", "exported_at", "files"):
        data.pop(key)
    return data


def _same(a: Any, b: Any, where: str = "") -> None:
    """Equal, floats to 12 digits (the server may add amounts in another order)."""
    if isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, int | float) and isinstance(b, int | float), where
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9), (where, a, b)
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), (where, a, b)
        for key in a:
            _same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), (where, a, b)
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    else:
        assert a == b, (where, a, b)


@pytest.mark.postgres
def test_live_rollup_equals_the_rollup_of_each_reps_exported_file(
    populated: Populated, tmp_path: Path
) -> None:
    t = populated.team
    clock = fixed_clock(NOW)
    files = []
    for member in (populated.ana, populated.ben):
        with t.login(member) as wb:
            out = tmp_path / f"{member.member.role}.json"
            export_pipeline(wb, out, rep=member.member.name, clock=clock)
            files.append(out)
            own = live_rollup(wb, clock=clock)  # a rep's login: their own line only
            assert [r.rep for r in own.reps] == [member.member.name]
    from_files = roll_up(files)
    with t.login(populated.meg) as wb:
        live = live_rollup(wb, clock=clock)
    assert [r.rep for r in live.reps] == ["Ana Rep", "Ben Rep"]
    assert live.reps[1].open_amount == 12_000  # the hand-built numbers
    for mine, theirs in zip(live.reps, from_files.reps, strict=True):
        _same(_comparable(mine), _comparable(theirs), mine.rep)
    assert live.team is not None and from_files.team is not None
    _same(_comparable(live.team), _comparable(from_files.team), "team")


def test_live_rollup_of_one_workbench_equals_its_file_rollup(wb: Workbench, tmp_path: Path) -> None:
    pipeline_data.build(wb)
    out = tmp_path / "dana.json"
    export_pipeline(wb, out, clock=fixed_clock(NOW))
    live = live_rollup(wb, clock=fixed_clock(NOW))
    _same(_comparable(live.reps[0]), _comparable(roll_up([out]).reps[0]))


def test_sharing_an_account(wb: Workbench) -> None:
    with wb.session() as s:
        account = Account(name="Acme")
        s.add(account)
        s.flush()
        account_id = account.id
    assert account_id is not None
    assert team.share_account(wb, account_id)
    with wb.reading() as s:
        assert s.get(Account, account_id).shared  # type: ignore[union-attr]
    assert team.share_account(wb, account_id, shared=False)
    assert not team.share_account(wb, account_id + 1000)


# --- migrations and opening ---------------------------------------------------------------------
@pytest.mark.postgres
def test_migration_chain_runs_on_postgresql_and_a_newer_schema_is_refused(pg_cluster: Cluster) -> None:
    from alembic import command

    from workbench.store import migrate

    name = f"fresh_{next(_numbers)}"
    url = pg_cluster.create_database(name)
    try:
        with open_workbench(url) as wb:
            assert wb.created and wb.dialect == "postgresql"
            with wb.engine.begin() as conn:
                cfg = migrate.alembic_config(conn)
                command.downgrade(cfg, "base")  # type: ignore[arg-type]
                assert conn.execute(text("SELECT to_regclass('lead')")).scalar() is None
                command.upgrade(cfg, "head")  # type: ignore[arg-type]
                conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(NewerSchemaError, match="newer version"):
            open_workbench(url)
    finally:
        pg_cluster.drop_database(name)


@pytest.mark.postgres
def test_two_copies_opening_a_new_database_at_once_create_it_once(pg_cluster: Cluster) -> None:
    name = f"race_{next(_numbers)}"
    url = pg_cluster.create_database(name)
    opened: list[Workbench] = []
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            opened.append(open_workbench(url))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    try:
        assert not errors and sum(w.created for w in opened) == 1
        with opened[0].engine.connect() as conn:
            stages = conn.execute(select(func.count()).select_from(table_of(PipelineStage))).scalar_one()
        assert stages == len(DEFAULT_STAGES)
    finally:
        for w in opened:
            w.close()
        pg_cluster.drop_database(name)


@pytest.mark.postgres
def test_a_rep_login_cannot_create_or_upgrade_the_schema(team_db: Team, pg_cluster: Cluster) -> None:
    dana = team.add_member(team_db.admin, "Dana Demo")
    name = f"empty_{next(_numbers)}"
    pg_cluster.create_database(name)
    try:
        with pytest.raises(StoreError, match="administrator"):
            open_workbench(pg_cluster.url(name, user=dana.member.role, password=dana.password))
    finally:
        pg_cluster.drop_database(name)


def test_backups_and_file_commands_refuse_a_team_database_clearly(capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql+psycopg://someone@127.0.0.1:1/nowhere"
    assert main(["demo", "--db", url]) == 2
    assert "workbench file" in capsys.readouterr().err
    assert main(["team", "init", "--db", "/tmp/not-a-server.db"]) == 2
    assert "team database" in capsys.readouterr().err


# --- the CLI ------------------------------------------------------------------------------------
@pytest.mark.postgres
def test_cli_team_init_add_push_pull_rollup(
    pg_cluster: Cluster,
    _pg_template: str,
    small_demo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = f"cli_{next(_numbers)}"
    url = pg_cluster.create_database(name, template=_pg_template)
    try:

        def run(*args: str) -> dict[str, Any]:
            assert main(["team", *args, "--db", url, "--json"]) == 0, capsys.readouterr().err
            out = capsys.readouterr().out
            assert out.count("\n") == 1
            result: dict[str, Any] = json.loads(out)
            return result

        assert run("init")["reps_role"] == f"{name}_reps"
        rep = run("add-rep", "Cleo Cli")
        assert rep["role"] == "cleo_cli" and rep["password"]
        run("add-manager", "Max Cli")
        assert [m["name"] for m in run("members")["members"]] == ["Cleo Cli", "Max Cli"]
        leads = _leads_in(small_demo)
        assert run("push", "--from", str(small_demo), "--rep", "Cleo Cli")["written"]["lead"] == leads
        rollup = run("rollup")
        assert [r["rep"] for r in rollup["reps"]] == ["Cleo Cli"] and rollup["team"]["leads"] == leads
        rep_url = pg_cluster.url(name, user="cleo_cli", password=rep["password"])
        assert main(["team", "pull", "--to", str(tmp_path / "mine.db"), "--db", rep_url]) == 0
        monkeypatch.setenv("WORKBENCH_DB_URL", rep_url)  # no --db: the environment names the team database
        assert main(["stats", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["conversion"]["total"]["leads"] == leads
        assert main(["team", "add-rep", "Cleo Cli", "--db", url]) == 2  # already there
        assert "already" in capsys.readouterr().err
    finally:
        pg_cluster.drop_team(name)


@pytest.mark.postgres
def test_everyday_commands_run_on_the_team_database_as_a_rep(
    pg_rep_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rep's commands on a team database (URL from WORKBENCH_DB_URL): each row the
    rep adds is theirs, and every command prints one JSON object."""

    def run(*args: str) -> dict[str, Any]:
        assert main([*args, "--json"]) == 0, capsys.readouterr().err
        out = capsys.readouterr().out
        assert out.count("\n") == 1
        result: dict[str, Any] = json.loads(out)
        return result

    monkeypatch.setenv("WORKBENCH_DB_URL", pg_rep_url)
    leads_csv = tmp_path / "leads.csv"
    leads_csv.write_text(
        "Name,Company,Email\nAna López,Acme,ana@acme.example\nBo Berg,Acme,bo@acme.example\n",
        encoding="utf-8",
    )
    assert run("import", str(leads_csv), "--source", "webinar")["inserted"] == 2
    with open_workbench(pg_rep_url) as wb, wb.reading() as s:
        me = str(s.execute(text("SELECT current_user")).scalar_one())
        uuids = {str(n): str(u) for n, u in s.execute(select(Lead.name, Lead.uuid))}
    logged = run(
        "log", "--lead", uuids["Ana López"], "--channel", "call", "--outcome", "no-answer",
        "--at", "2030-03-02T10:00:00+00:00", "--next", "Call again", "--due", "2030-03-03",
    )  # fmt: skip
    assert logged["followup"]["title"] == "Call again"
    assert run("followups")["open"] == 1
    assert run("convert", uuids["Ana López"], "--amount", "12500")["opportunity"]["amount"] == 12500
    assert run("pipeline")["open"]["count"] == 1
    run("targets")  # the target list answers (empty here)
    run("export", "--out", str(tmp_path / "mine.json"))
    assert (tmp_path / "mine.json").is_file()
    with open_workbench(pg_rep_url) as wb, wb.engine.connect() as conn:
        for table in ("lead", "activity", "follow_up", "opportunity", "account", "contact"):
            owners = set(conn.execute(text(f"SELECT DISTINCT owner FROM {table}")).scalars())
            assert owners == {me}, (table, owners)


def test_a_connection_handed_back_after_close_is_closed(team_db: Team) -> None:
    """A background job may still hold a connection when the window closes its team
    database: handing it back afterwards closes it (no open server connection left to
    the garbage collector, which warns)."""
    wb = open_workbench(team_db.url())
    held = wb.engine.connect()
    raw = held.connection.dbapi_connection
    assert raw is not None
    wb.close()
    assert not raw.closed  # still the job's to use
    held.close()
    assert raw.closed


@pytest.mark.postgres
def test_sequences_are_shared_and_enrolments_owned_by_the_rep(team_db: Team) -> None:
    """Issue 21: both reps use the team's sequences; each sees and changes only their own
    enrolments (and their history rows), whatever SQL they type."""
    from datetime import UTC, datetime

    from workbench.services.records import RecordKind, RecordRef
    from workbench.services.sequences import enrol, templates

    ana, ben = team.add_member(team_db.admin, "Sequence Ana"), team.add_member(team_db.admin, "Sequence Ben")
    now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    with team_db.login(ana) as wb:
        with wb.session() as s:
            lead = Lead(name="Ana's lead", email="a@x.com")
            s.add(lead)
            s.flush()
            lead_id = lead.id
        assert lead_id is not None
        with wb.reading() as s:
            seq = templates.find_in(s, "New inbound")
        assert seq is not None
        (mine,) = enrol.enrol(wb, seq, [RecordRef(RecordKind.LEAD, lead_id)], now=now).enrolled
        enrol.skip_step(wb, mine, now=now)
    with team_db.login(ben) as wb:
        assert [s.name for s in templates.list_sequences(wb)] == ["New inbound", "Target account contact"]
        assert templates.list_sequences(wb)[0].counts == {}  # Ana's enrolment is not his to see
    with team_db.raw(ben) as conn:
        assert _count(conn, "SELECT count(*) FROM enrolment") == 0
        assert _count(conn, "SELECT count(*) FROM enrolment_event") == 0
        assert conn.execute("UPDATE enrolment SET state = 'stopped'").rowcount == 0
        assert conn.execute("DELETE FROM enrolment_event").rowcount == 0
        conn.rollback()
    with team_db.raw(ana) as conn:
        assert _count(conn, "SELECT count(*) FROM enrolment WHERE owner = current_user") == 1
        assert _count(conn, "SELECT count(*) FROM enrolment_event") == 1
    with team_db.admin.engine.connect() as conn:
        guarded = set(conn.execute(text("SELECT relname FROM pg_class WHERE relrowsecurity")).scalars())
    assert {"enrolment", "enrolment_event"} <= guarded


@pytest.mark.postgres
def test_a_reps_enrolments_push_and_pull_and_stay_theirs(team_db: Team, tmp_path: Path) -> None:
    """Issue 21 in team mode: enrolments (with their history) travel with the rep's push
    and pull like the other owned rows; sequences are shared templates matched by name
    (the team's steps stand; one the team lacks comes with its steps); another rep can
    neither see nor change them, and a teammate's push of the same file takes nothing."""
    from datetime import UTC, datetime, timedelta

    from workbench.domain import Enrolment, EnrolmentEvent, OutreachSequence, SequenceStep
    from workbench.services.outreach.log import LogEntry, log_activity
    from workbench.services.records import RecordKind, RecordRef
    from workbench.services.sequences import due, enrol, templates
    from workbench.services.sequences.templates import SequenceDraft, StepDraft

    ana = team.add_member(team_db.admin, "Seq Push Ana")
    ben = team.add_member(team_db.admin, "Seq Push Ben")
    now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    path = tmp_path / "ana.db"
    with open_workbench(path) as local:
        with local.session() as s:
            first, second = Lead(name="Ada Uno", email="ada@x.com"), Lead(name="Bea Dos", email="bea@x.com")
            s.add_all([first, second])
            s.flush()
            refs = [RecordRef(RecordKind.LEAD, int(lead.id or 0)) for lead in (first, second)]
        with local.reading() as s:
            inbound = templates.find_in(s, "New inbound")
        assert inbound is not None
        own = templates.create_sequence(
            local,
            SequenceDraft("Ana's event plan", (StepDraft("call", 0, "ask"), StepDraft("social", 2))),
            now=now,
        )
        (done_one,) = enrol.enrol(local, inbound, refs[:1], now=now).enrolled
        enrol.enrol(local, own, refs[1:], now=now)
        log_activity(local, LogEntry("call", "no answer", target=refs[0], sequence_step=done_one), now=now)

    pushed = team_sync.push(path, team_db.admin, "Seq Push Ana")
    assert pushed.written["enrolment"] == 2 and pushed.written["enrolment_event"] == 1
    again = team_sync.push(path, team_db.admin, "Seq Push Ana")
    assert again.written["enrolment"] == 2 and not any(again.skipped.values())  # updated in place
    with team_db.admin.engine.connect() as conn:
        q, st, e = table_of(OutreachSequence).c, table_of(SequenceStep).c, table_of(Enrolment).c
        names = conn.execute(select(q.name).order_by(q.position)).scalars().all()
        assert names == ["New inbound", "Target account contact", "Ana's event plan"]  # matched, one added
        plan_id = conn.execute(select(q.id).where(q.name == "Ana's event plan")).scalar_one()
        assert conn.execute(
            select(st.channel).where(st.sequence_id == plan_id).order_by(st.position)
        ).scalars().all() == [
            "call",
            "social",
        ]
        rows = conn.execute(
            select(L.name, q.name, e.step, e.owner)
            .join_from(table_of(Enrolment), table_of(Lead), L.id == e.lead_id)
            .join(table_of(OutreachSequence), q.id == e.sequence_id)
            .order_by(L.name)
        ).all()
        assert [tuple(r) for r in rows] == [
            ("Ada Uno", "New inbound", 1, ana.member.role),
            ("Bea Dos", "Ana's event plan", 0, ana.member.role),
        ]
        event = conn.execute(
            select(table_of(EnrolmentEvent)).where(table_of(EnrolmentEvent).c.what == "done")
        ).one()
        activity = conn.execute(select(table_of(Activity).c.id, table_of(Activity).c.owner)).one()
        assert event.activity_id == activity.id and activity.owner == ana.member.role

    # Ben: none of it to see or change, whatever SQL he types; his push of the same file
    # takes nothing over.
    with team_db.raw(ben) as conn:
        assert _count(conn, "SELECT count(*) FROM enrolment") == 0
        assert _count(conn, "SELECT count(*) FROM enrolment_event") == 0
        assert conn.execute("UPDATE enrolment SET state = 'stopped'").rowcount == 0
        conn.rollback()
    taken = team_sync.push(path, team_db.admin, "Seq Push Ben")
    assert taken.written.get("enrolment", 0) == 0 and taken.skipped["enrolment"] == 2
    with team_db.admin.engine.connect() as conn:
        assert set(conn.execute(select(table_of(Enrolment).c.owner)).scalars()) == {ana.member.role}

    # Ana pulls her rows into a new file: the team's sequences (not the new file's own
    # defaults beside them), her enrolments on them, still due where they were.
    out = tmp_path / "ana-offline.db"
    with team_db.login(ana) as wb:
        pulled = team_sync.pull(wb, out)
    assert pulled.written["enrolment"] == 2 and pulled.written["outreach_sequence"] == 3
    with open_workbench(out) as local:
        assert [s.name for s in templates.list_sequences(local)] == [
            "New inbound",
            "Target account contact",
            "Ana's event plan",
        ]
        steps, count = due.due_steps(local, now + timedelta(days=1), UTC)
        assert count == 2
        assert sorted(s.label for s in steps) == [
            "Call · step 1 of 2 · Ana's event plan",
            "Email · step 2 of 5 · New inbound",
        ]
    with team_db.login(ben) as wb, pytest.raises(team.TeamError, match="only your own"):
        team_sync.pull(wb, tmp_path / "ben-takes-ana.db", rep="Seq Push Ana")
