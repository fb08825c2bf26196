"""R5, R6 and a locked database: failures give a clear message and leave the workbench intact."""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from tests.support.fill import add_leads, count_leads
from tests.support.tinyfs import tiny_folder
from workbench.services.safety import backups
from workbench.store import StoreError, Workbench, migrate, open_workbench
from workbench.store import backup as backup_mod
from workbench.store.sqlite_file import integrity_problems
from workbench.ui.common.errors import expected_message


def _intact(wb: Workbench, leads: int) -> None:
    with wb.engine.connect() as conn:
        assert integrity_problems(conn) == []
    assert count_leads(wb) == leads


def test_backup_to_a_full_disk(wb: Workbench, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    add_leads(wb, 3000)
    with tiny_folder(tmp_path / "full", 96) as folder:
        if folder is None:  # no mount here: inject the failure in the storage layer
            folder = tmp_path / "full"

            def broken(source: Path, target: Path, progress: object) -> None:
                target.write_bytes(b"partial")
                raise OSError(errno.ENOSPC, "No space left on device")

            monkeypatch.setattr(backup_mod, "_copy", broken)
        with pytest.raises(StoreError, match="disk is full"):
            backups.back_up(wb, to=folder)
        assert list(folder.iterdir()) == []  # no half-written backup left behind
    _intact(wb, 3000)


def test_backup_to_a_read_only_folder(wb: Workbench, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    add_leads(wb, 10)
    with tiny_folder(tmp_path / "ro", 512, readonly=True) as folder:
        if folder is None:
            folder = tmp_path / "ro"
            monkeypatch.setattr(
                backup_mod,
                "_copy",
                lambda *a: (_ for _ in ()).throw(OSError(errno.EROFS, "Read-only file system")),
            )
        with pytest.raises(StoreError, match="read-only"):
            backups.back_up(wb, to=folder)
        assert list(folder.iterdir()) == []
    _intact(wb, 10)


def test_saving_on_a_full_disk_rolls_back_and_keeps_earlier_work(tmp_path: Path) -> None:
    with tiny_folder(tmp_path / "disk", 1024) as folder:
        if folder is None:
            pytest.skip("cannot mount a size-limited folder on this machine")
        wb = open_workbench(folder / "w.db")
        try:
            add_leads(wb, 50)
            with pytest.raises(OperationalError) as info:
                add_leads(wb, 20_000, "Too many")
            assert expected_message(info.value) is not None
            assert "disk is full" in (expected_message(info.value) or "")
            _intact(wb, 50)
        finally:
            wb.close()


def test_locked_database_waits_then_says_so(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("workbench.store.sqlite_file.BUSY_TIMEOUT_MS", 300)
    with open_workbench(db_path) as wb:
        other = sqlite3.connect(db_path, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            with pytest.raises(OperationalError) as info:
                add_leads(wb, 1)
            assert "another program is writing" in (expected_message(info.value) or "").lower()
        finally:
            other.execute("ROLLBACK")
            other.close()
        add_leads(wb, 1)  # once the other writer is gone, the same save works
        assert count_leads(wb) == 1


FAILING_MIGRATION = '''
"""a migration that fails halfway"""
import sqlalchemy as sa
from alembic import op

revision = "{next:04d}"
down_revision = "{current:04d}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("INSERT INTO half_done (id) VALUES (1)")
    with op.batch_alter_table("lead") as batch:
        batch.add_column(sa.Column("score", sa.Integer, nullable=True))
    raise RuntimeError("simulated failure in the middle of a migration")


def downgrade() -> None:
    pass
'''


def test_failed_migration_rolls_back_and_old_version_still_opens(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_workbench(db_path) as wb:
        add_leads(wb, 7)
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts)
    current = migrate.SCHEMA_VERSION
    migration = FAILING_MIGRATION.replace("{next:04d}", f"{current + 1:04d}").replace(
        "{current:04d}", f"{current:04d}"
    )
    (scripts / "versions" / f"{current + 1:04d}_fails.py").write_text(migration)
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    monkeypatch.setattr(migrate, "SCHEMA_VERSION", current + 1)
    with pytest.raises(RuntimeError, match="simulated failure"):
        open_workbench(db_path)
    before = [
        p for p in (tmp_path / "home" / "backups" / db_path.stem).glob(f"*before-migration-v{current}.db")
    ]
    assert len(before) == 1  # the pre-migration backup exists
    monkeypatch.undo()
    with open_workbench(db_path) as wb:  # "the old version" opens it, unchanged
        _intact(wb, 7)
        with wb.engine.connect() as conn:
            tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
            cols = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(lead)")}
            version = conn.exec_driver_sql("PRAGMA user_version").scalar()
        assert "half_done" not in tables and "score" not in cols and version == current


def test_import_onto_a_full_disk_leaves_the_workbench_as_it_was(tmp_path: Path) -> None:
    from workbench.services.imports.run import run_import

    with tiny_folder(tmp_path / "disk", 1536) as folder:
        if folder is None:
            pytest.skip("cannot mount a size-limited folder on this machine")
        wb = open_workbench(folder / "w.db")
        try:
            add_leads(wb, 20)
            source = tmp_path / "big.csv"
            with source.open("w", encoding="utf-8") as fh:
                fh.write("First Name,Last Name,Company,Email,Notes\n")
                for i in range(20_000):
                    fh.write(f"Ana{i},Müller,Company {i},ana{i}@firm{i}.example,{'x' * 60}\n")
            with pytest.raises((OperationalError, StoreError, OSError)) as info:
                run_import(wb, source)
            assert expected_message(info.value) is not None
            _intact(wb, 20)
        finally:
            wb.close()
