"""SQL functions that each database spells differently, as SQLAlchemy constructs.

Services write ``epoch_seconds(column)`` and stay portable; how it is spelled for
SQLite (dates stored as ISO text) or PostgreSQL (``timestamptz``) is decided here, at
compile time.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, Float, literal_column
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction


class epoch_seconds(GenericFunction[float]):
    """Seconds since 1970-01-01 UTC of a datetime column, as a float."""

    type = Float()
    inherit_cache = True


@compiles(epoch_seconds)
def _epoch_default(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    return f"EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})"


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    # julianday() reads the stored "YYYY-MM-DD HH:MM:SS.ffffff" text (UTC) with its
    # fraction, and exists in every SQLite (unixepoch() only since 3.38).
    return f"((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0)"


class week_start(GenericFunction[Any]):
    """The Monday (UTC) of the week a datetime column falls in, as a date — SQLite gives
    "YYYY-MM-DD" text, PostgreSQL a date; :func:`as_date` reads either."""

    type = Date()
    inherit_cache = True


@compiles(week_start)
def _week_default(element: week_start, compiler: Any, **kw: Any) -> str:
    return f"CAST(date_trunc('week', {compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC') AS DATE)"


@compiles(week_start, "sqlite")
def _week_sqlite(element: week_start, compiler: Any, **kw: Any) -> str:
    # 'weekday 0' moves forward to Sunday (staying on a Sunday); six days back is Monday.
    return f"date({compiler.process(element.clauses, **kw)}, 'weekday 0', '-6 days')"


def as_date(value: Any) -> date:
    """A date from what :class:`week_start` returned on either database."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


class unindexed(GenericFunction[Any]):
    """The column itself, but not to be answered through an index.

    SQLite's planner, without statistics, likes a range on ``received_at`` so much that
    it reads every lead of the range from the table instead of walking a covering index
    that starts with the group column. A unary ``+`` is SQLite's documented way to take
    one term out of index selection; other databases get the bare column.
    """

    inherit_cache = True

    def __init__(self, column: Any) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(unindexed)
def _unindexed_default(element: unindexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: Any, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


def null_order(expr: Any, descending: bool, dialect: str) -> Any:
    """``expr`` ascending or descending with empty values where SQLite puts them: first
    going up, last going down ("never touched" sorts before "touched long ago").

    SQLite does that by itself (NULL is the smallest value) and is left as it is, so its
    planner still walks indexes; PostgreSQL puts NULLs the other way round unless told."""
    ordered = expr.desc() if descending else expr.asc()
    if dialect == "sqlite":
        return ordered
    return ordered.nulls_last() if descending else ordered.nulls_first()


def literal_limit(n: int) -> Any:
    """A LIMIT/OFFSET written into the SQL instead of bound: SQLite's planner only trusts
    a literal LIMIT to pick an index that filters *and* orders (a bound one made it scan
    the whole received_at index for a chip with no matches: seconds instead of ms)."""
    return literal_column(str(int(n)))


def prefer_index(stmt: Any, table: Any, index: str) -> Any:
    """``stmt`` reading ``table`` through ``index`` on SQLite (``INDEXED BY``); other
    databases get ``stmt`` unchanged.

    For lookups by primary key that need one narrow column of a wide row: SQLite's
    planner always reads the row itself, while a covering index with the key first
    answers from a much smaller b-tree."""
    return stmt.with_hint(table, f"INDEXED BY {index}", dialect_name="sqlite")


def _sqlite_from_hint(_compiler: Any, _table: Any, text: str) -> str:
    return text


# SQLAlchemy's SQLite compiler drops table hints (it renders none of its own); rendered
# as given, ``with_hint(..., dialect_name="sqlite")`` spells SQLite's INDEXED BY.
SQLiteCompiler.get_from_hint_text = _sqlite_from_hint  # type: ignore[method-assign,assignment]
