"""Integrity of a workbench: the database's own checks (SQLite's integrity and foreign
key checks on a file; a server checks every write itself) plus record counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import DatabaseError

from workbench.domain import Account, Activity, Contact, FollowUp, Lead, Opportunity, table_of
from workbench.services.plurals import counted
from workbench.store import Workbench
from workbench.store.failures import sqlite_reason
from workbench.store.interrupt import OperationCancelled, interrupt_when

__all__ = ["IntegrityReport", "OperationCancelled", "check_file"]


@dataclass
class IntegrityReport:
    path: str
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "ok": self.ok, "problems": self.problems, "counts": self.counts}

    def lines(self) -> list[str]:
        head = f"{self.path}: " + ("ok" if self.ok else counted(len(self.problems), "problem", "problems"))
        body = [f"  {p}" for p in self.problems]
        body += [f"  {name}: {n}" for name, n in self.counts.items()]
        return [head, *body]


def check_file(
    wb: Workbench, *, full: bool = True, stop: Callable[[], bool] | None = None
) -> IntegrityReport:
    """The database's checks and the live record counts. ``stop`` is asked while the
    checks run (a full check of a big file takes a minute); once it returns True the
    running statement is interrupted and :class:`OperationCancelled` raised."""
    report = IntegrityReport(wb.location)
    with wb.engine.connect() as conn, interrupt_when(conn, stop, "The file check"):
        # On a damaged b-tree or payload page SQLite's check itself can stop with
        # "malformed": that is a finding to list, not a crash.
        try:
            report.problems.extend(wb.integrity_problems(conn, full=full))
        except DatabaseError as exc:
            conn.rollback()
            report.problems.append(f"the check stopped on damage: {sqlite_reason(exc)}")
        for model in (Account, Contact, Lead, Activity, FollowUp, Opportunity):
            table = table_of(model)
            try:
                n = conn.execute(select(func.count()).select_from(table).where(table.c.deleted_at.is_(None)))
                report.counts[table.name] = int(n.scalar_one())
            except DatabaseError as exc:
                conn.rollback()
                report.problems.append(f"the {table.name} table cannot be read: {sqlite_reason(exc)}")
    return report
