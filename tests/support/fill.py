"""Quick ways to put rows in a workbench for tests that need volume, not realism."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from workbench.domain import Lead, new_uuid, table_of
from workbench.store import Workbench

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def add_leads(wb: Workbench, n: int, prefix: str = "Lead") -> None:
    rows = [
        {
            "uuid": new_uuid(),
            "name": f"{prefix} {i}",
            "company": f"Company {i % 97}",
            "email": f"{prefix.lower()}{i}@example{i % 97}.com",
            "received_at": T0 + timedelta(minutes=i),
            "created_at": T0,
            "updated_at": T0,
        }
        for i in range(n)
    ]
    with wb.engine.begin() as conn:
        conn.execute(insert(table_of(Lead)), rows)


def count_leads(wb: Workbench) -> int:
    from sqlalchemy import func, select

    with wb.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table_of(Lead))).scalar_one())
