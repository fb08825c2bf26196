"""The workbench file: creation, PRAGMAs, migrations, refusals, lock."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlmodel import select

from workbench.domain import Lead
from workbench.store import (
    FileInUseError,
    NewerSchemaError,
    NotAWorkbenchError,
    migrate,
    open_workbench,
)
from workbench.store.sqlite_file import APPLICATION_ID, pragma


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_file_is_migrated_to_head_and_reopens(db_path: Path) -> None:
    with open_workbench(db_path) as wb:
        assert wb.created
        names = set(inspect(wb.engine).get_table_names())
        assert {"lead", "account", "opportunity", "activity", "follow_up", "stage_change"} <= names
        with wb.session() as s:
            s.add(Lead(name="Ana Müller", company="Łódź Logistics"))
    with open_workbench(db_path) as wb:
        assert not wb.created
        with wb.reading() as s:
            lead = s.exec(select(Lead)).one()
            assert lead.company == "Łódź Logistics"
            assert len(lead.uuid) == 36


def test_schema_version_matches_alembic_head() -> None:
    assert int(migrate.head_revision()) == migrate.SCHEMA_VERSION


def test_migrated_schema_matches_the_models(db_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    with open_workbench(db_path) as wb, wb.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_name": lambda name, kind, _p: not str(name).startswith("lead_fts")}
        )
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_pragmas_and_file_mode(db_path: Path) -> None:
    with open_workbench(db_path) as wb:
        assert pragma(wb.engine, "journal_mode") == "wal"
        assert pragma(wb.engine, "foreign_keys") == 1
        assert pragma(wb.engine, "synchronous") == 1  # NORMAL
        assert pragma(wb.engine, "busy_timeout") >= 1000
        assert pragma(wb.engine, "application_id") == APPLICATION_ID
    if os.name == "posix":
        assert (db_path.stat().st_mode & 0o777) == 0o600


def test_newer_file_is_refused_and_unchanged(db_path: Path) -> None:
    open_workbench(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {migrate.SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    before = digest(db_path)
    with pytest.raises(NewerSchemaError, match="newer version"):
        open_workbench(db_path)
    assert digest(db_path) == before


@pytest.mark.parametrize(
    "content",
    [b"hello, this is a text file\n", b"", b"\x00\xff" * 3000],
    ids=["text", "empty", "binary"],
)
def test_non_sqlite_file_is_refused_and_unchanged(db_path: Path, content: bytes) -> None:
    db_path.write_bytes(content)
    with pytest.raises(NotAWorkbenchError, match="not a Prospecting Workbench file"):
        open_workbench(db_path)
    assert db_path.read_bytes() == content


def test_foreign_sqlite_file_is_refused_and_unchanged(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.execute("INSERT INTO songs VALUES ('x')")
    conn.commit()
    conn.close()
    before = digest(db_path)
    with pytest.raises(NotAWorkbenchError, match="another program"):
        open_workbench(db_path)
    assert digest(db_path) == before


def test_second_writer_is_refused(db_path: Path) -> None:
    first = open_workbench(db_path)
    try:
        with pytest.raises(FileInUseError, match="already open"):
            open_workbench(db_path)
    finally:
        first.close()
    open_workbench(db_path).close()


def test_lock_held_by_another_process_then_recovered_after_crash(db_path: Path) -> None:
    open_workbench(db_path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys
                from workbench.store import open_workbench
                wb = open_workbench({str(db_path)!r})
                print("locked", flush=True)
                sys.stdin.read()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(FileInUseError, match=f"pid {holder.pid}"):
            open_workbench(db_path)
    finally:
        holder.kill()  # a crash: no clean release, the lock file stays behind
        holder.wait()
        for pipe in (holder.stdin, holder.stdout):
            if pipe is not None:
                pipe.close()
    assert (db_path.parent / (db_path.name + ".lock")).exists()
    with open_workbench(db_path) as wb:  # stale lock recovered
        assert wb.lock is not None and wb.lock.held


def test_readonly_open_does_not_need_the_lock(db_path: Path) -> None:
    with open_workbench(db_path), open_workbench(db_path, readonly=True) as reader:
        assert reader.readonly
