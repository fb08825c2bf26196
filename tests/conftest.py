"""Shared fixtures: every test gets its own data folder and real SQLite files in tmp_path.

The service tests listed in :data:`BOTH_BACKENDS` run twice: on a SQLite file and on a
database of a throwaway PostgreSQL cluster (``[postgres]`` in the test id, marked
``postgres``; skipped with the reason when the server binaries are missing). A test
about files (backups, locks, file modes, FTS5) stays SQLite-only: it takes ``db_path``
itself, reads ``wb.path``, or is marked ``sqlite_only``.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import inspect
import itertools
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from workbench.store import Workbench, open_workbench

if TYPE_CHECKING:
    from tests.support.postgres_cluster import Cluster


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every platformdirs folder at tmp_path: tests never touch the real profile."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("WORKBENCH_HOME", str(home))
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "workbench.db"


#: Service test modules whose ``wb`` tests run on SQLite and on PostgreSQL.
BOTH_BACKENDS = frozenset(
    {
        "test_accounts",
        "test_convert",
        "test_export",
        "test_global_search",
        "test_icp",
        "test_ics",
        "test_import",
        "test_import_accounts",
        "test_import_dedupe",
        "test_import_undo",
        "test_insights",
        "test_insights_pipeline",
        "test_lost_reasons",
        "test_journal",
        "test_closing",
        "test_convert_into",
        "test_leads",
        "test_leads_duplicates",
        "test_leads_table",
        "test_leads_triage",
        "test_lookup",
        "test_next_step",
        "test_outreach",
        "test_pipeline",
        "test_pipeline_board",
        "test_rollup",
        "test_rollup_stats",
        "test_sequence_stats",
        "test_sequences",
        "test_stage_links",
        "test_targets",
        "test_targets_contacts",
        "test_today",
        "test_touches",
        "test_trash",
        "test_team",
        "test_team_template",
    }
)


#: …and of those, the ones that also run logged in as a rep of a team database, with
#: row-level security on: the services that write must work within a rep's rights. (All
#: of BOTH_BACKENDS pass this way too; these keep `make test` short.)
AS_A_REP = frozenset(
    {
        "test_accounts",
        "test_convert",
        "test_closing",
        "test_convert_into",
        "test_icp",
        "test_import_accounts",
        "test_import_undo",
        "test_journal",
        "test_leads",
        "test_leads_triage",
        "test_lookup",
        "test_outreach",
        "test_pipeline",
        "test_sequences",
        "test_targets_contacts",
        "test_today",
        "test_trash",
        "test_team_template",
    }
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "wb" not in metafunc.fixturenames or metafunc.module.__name__.rsplit(".", 1)[-1] not in BOTH_BACKENDS:
        return
    own_args = inspect.signature(metafunc.function).parameters
    if (
        "db_path" in own_args
        or metafunc.definition.get_closest_marker("sqlite_only") is not None
        # hands the file to the CLI or another process: about files, so SQLite only
        or "wb.path" in inspect.getsource(metafunc.function)
    ):
        return
    backends = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
    if metafunc.module.__name__.rsplit(".", 1)[-1] in AS_A_REP:
        backends.append(pytest.param("postgres-rep", marks=pytest.mark.postgres))
    metafunc.parametrize("wb", backends, indirect=True)


def pytest_report_header(config: pytest.Config) -> str:
    from tests.support.postgres_cluster import find_binaries, missing_reason

    found = find_binaries()
    if found is None:
        return missing_reason()
    return f"PostgreSQL server binaries: {found} (service tests also run on PostgreSQL)"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say at the end of every run (quiet ones too) when the PostgreSQL half did not run."""
    from tests.support.postgres_cluster import find_binaries, missing_reason

    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "postgres" in r.keywords]
    if find_binaries() is None and skipped:
        terminalreporter.write_line(
            f"{len(skipped)} test(s) on PostgreSQL skipped — {missing_reason()}", yellow=True
        )


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A throwaway PostgreSQL cluster on loopback for the whole session."""
    from tests.support.postgres_cluster import find_binaries, missing_reason, remove_cluster, start_cluster

    if find_binaries() is None:
        pytest.skip(missing_reason())
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        remove_cluster(cluster)


@pytest.fixture(scope="session")
def _pg_template(pg_cluster: Cluster) -> str:
    """A migrated, seeded database that each test's database is copied from (copying
    takes a tenth of a second; migrating takes a second or more)."""
    name = "wb_template"
    pg_cluster.create_database(name)
    open_workbench(pg_cluster.url(name)).close()
    return name


@pytest.fixture
def pg_url(pg_cluster: Cluster, _pg_template: str) -> Iterator[str]:
    """The superuser URL of a fresh team database (schema and defaults, no rows)."""
    name = f"wb_{next(_pg_numbers)}"
    url = pg_cluster.create_database(name, template=_pg_template)
    try:
        yield url
    finally:
        pg_cluster.drop_database(name)


_pg_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def _pg_team_template(pg_cluster: Cluster, _pg_template: str) -> str:
    """The template set up for a team (roles, policies): databases copied from it share
    its group roles, so a test only adds a rep."""
    from workbench.services.team.members import init_team

    name = "wb_team_template"
    pg_cluster.create_database(name, template=_pg_template)
    with open_workbench(pg_cluster.url(name)) as admin:
        init_team(admin)
    return name


@pytest.fixture
def pg_rep_url(pg_cluster: Cluster, _pg_team_template: str) -> Iterator[str]:
    """A fresh team database and the URL of a rep's login to it (row-level security on)."""
    import psycopg

    from workbench.store.backends.postgres_team import scram_verifier

    number = next(_pg_numbers)
    name, role, password = f"wb_{number}", f"rep_{number}", f"pw-{number}"
    pg_cluster.create_database(name, template=_pg_team_template)
    with psycopg.connect(pg_cluster.dsn(name), autocommit=True) as conn:
        verifier = scram_verifier(password)
        group = f"{_pg_team_template}_reps"
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{verifier}' IN ROLE {group}".encode())
        conn.execute("INSERT INTO team_member (role, name) VALUES (%s, %s)", (role, f"Rep {number}"))
    try:
        yield pg_cluster.url(name, user=role, password=password)
    finally:
        pg_cluster.drop_database(name)
        with psycopg.connect(pg_cluster.dsn(), autocommit=True) as conn:
            conn.execute(f"DROP ROLE IF EXISTS {role}".encode())


@pytest.fixture
def wb(request: pytest.FixtureRequest, db_path: Path) -> Iterator[Workbench]:
    """An empty workbench: a SQLite file in tmp_path, or (param "postgres") a PostgreSQL
    database, or (param "postgres-rep") a team database as one of its reps."""
    backend = getattr(request, "param", "sqlite")
    if backend == "postgres":
        workbench = open_workbench(request.getfixturevalue("pg_url"))
    elif backend == "postgres-rep":
        workbench = open_workbench(request.getfixturevalue("pg_rep_url"))
    else:
        workbench = open_workbench(db_path)
    try:
        yield workbench
    finally:
        workbench.close()


#: "Now" of the shared small demo (a Monday morning), so tests that read it can pin
#: their clock to the same moment.
DEMO_ANCHOR = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DEMO_SEED = 7


@pytest.fixture(scope="session")
def _small_demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from workbench.services.demo import DemoOptions, build_demo

    path = tmp_path_factory.mktemp("demo") / "small-demo.db"
    build_demo(path, DemoOptions(size="small", seed=DEMO_SEED, rep_name="Dana Demo", anchor=DEMO_ANCHOR))
    return path


@pytest.fixture
def demo_anchor() -> datetime:
    return DEMO_ANCHOR


@pytest.fixture
def small_demo(_small_demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of one small demo workbench (built once per test session): one
    rep's year with targets, leads, outreach and opportunities in every stage, as of
    :data:`DEMO_ANCHOR`."""
    path = tmp_path / "small-demo.db"
    shutil.copyfile(_small_demo_template, path)
    return path
