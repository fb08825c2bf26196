"""Ids for rows a bulk insert writes with explicit primary keys.

Bulk writers that must know a row's id before inserting it (the importer names rows
by id while it de-duplicates) reserve them here. A SQLite file has one writer (the
file lock), so the ids after the highest one are free; a PostgreSQL server may have
several, so ids come from the table's own sequence, which also keeps the sequence
ahead of the rows.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table, func, select, text


def reserve_ids(conn: Connection, table: Table, count: int) -> list[int]:
    """``count`` unused ids of ``table`` (ascending), for this transaction's inserts."""
    if count <= 0:
        return []
    if conn.dialect.name == "postgresql":
        sequence = conn.execute(
            text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
        ).scalar_one()
        rows = conn.execute(
            text("SELECT nextval(CAST(:sequence AS regclass)) FROM generate_series(1, :count)"),
            {"sequence": sequence, "count": count},
        )
        return sorted(int(i) for i in rows.scalars())
    highest = conn.execute(select(func.max(table.c.id))).scalar_one_or_none()
    start = int(highest or 0) + 1
    return list(range(start, start + count))


__all__ = ["reserve_ids"]
