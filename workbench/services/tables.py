"""Big tables served a page at a time, sorted and filtered in SQL.

A :class:`SqlTableSource` knows one table view's columns and how to filter it; the
Qt model (``ui/models/sql_table.py``) only asks it for a count and for windows of
rows. Nothing here imports Qt, so the same sources back the CLI's listings and the
benchmarks.

Rows come back as tuples ``(id, style, value, value, …)``: ``style`` is a short tag
computed in SQL (``"stale"``, ``"untouched"``…; empty for none) that the view turns
into colour, so marking rows never costs a Python pass over the table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, select, union_all
from sqlalchemy.sql.elements import KeyedColumnElement

from workbench.store import Workbench
from workbench.store.sql_functions import literal_limit, null_order


class ColumnKind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"
    DATETIME = "datetime"
    DATE = "date"
    AGE = "age"  # a datetime shown as "how long ago"
    DURATION = "duration"  # seconds shown as "2 h 5 min"
    PERCENT = "percent"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    expr: ColumnElement[Any]
    kind: ColumnKind = ColumnKind.TEXT
    sortable: bool = True
    width: int = 120


@dataclass(frozen=True)
class TableQuery:
    """What the rep asked the table to show: free text, chip filters and a sort."""

    text: str = ""
    chips: Mapping[str, Any] = field(default_factory=dict)
    sort_key: str | None = None
    descending: bool = False


TextFilter = Callable[[str, str], ColumnElement[bool] | None]
ChipFilter = Callable[[Mapping[str, Any]], Sequence[ColumnElement[bool]]]


class SqlTableSource:
    """One table view's SQL: base FROM/WHERE, columns, filters, a default sort."""

    def __init__(
        self,
        wb: Workbench,
        *,
        id_column: KeyedColumnElement[Any],
        columns: Sequence[Column],
        base: Callable[[Select[Any]], Select[Any]],
        text_filter: TextFilter | None = None,
        chip_filter: ChipFilter | None = None,
        style: ColumnElement[Any] | None = None,
        default_sort: tuple[str, bool] | None = None,
    ) -> None:
        self.wb = wb
        self.id_column = id_column
        self.columns = list(columns)
        self._base = base
        self._text_filter = text_filter
        self._chip_filter = chip_filter
        self._style = style if style is not None else literal("")
        self._default_sort = default_sort
        self._by_key = {c.key: c for c in self.columns}

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def _where(self, stmt: Select[Any], query: TableQuery) -> Select[Any]:
        stmt = self._base(stmt)
        if query.text.strip() and self._text_filter is not None:
            clause = self._text_filter(self.wb.dialect, query.text)
            if clause is not None:
                stmt = stmt.where(clause)
        if self._chip_filter is not None:
            for clause in self._chip_filter(query.chips):
                stmt = stmt.where(clause)
        return stmt

    def count(self, query: TableQuery) -> int:
        stmt = self._where(select(func.count(self.id_column)), query)
        with self.wb.engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

    def sort_of(self, query: TableQuery) -> tuple[str | None, bool]:
        """The column key the rows are sorted by (None: by id alone) and whether descending."""
        key, descending = query.sort_key, query.descending
        if key is None or key not in self._by_key or not self._by_key[key].sortable:
            key, descending = self._default_sort or (None, False)
        return key, descending

    def _order(self, query: TableQuery, reverse: bool, exprs: Sequence[Any] | None = None) -> list[Any]:
        """ORDER BY terms; ``exprs`` are the row's select list as columns of a subquery
        (id, style, then the columns), to order the merged rows of :meth:`branches`."""
        key, descending = self.sort_of(query)
        desc = descending != reverse
        order: list[Any] = []
        id_expr = self.id_column if exprs is None else exprs[0]
        if key is not None:
            expr = self._by_key[key].expr if exprs is None else exprs[2 + self.column_index(key)]
            order.append(null_order(expr, desc, self.wb.dialect))
        order.append(id_expr.desc() if desc else id_expr.asc())
        return order

    def branches(self, query: TableQuery) -> list[TableQuery]:
        """Queries whose rows together are exactly ``query``'s, each of which an index
        both filters and orders — or none. A filter on several values of an indexed
        column (two statuses) cannot walk one index in order: SQLite sorts every match
        before it can show the first page. Each value alone walks its part of the index
        in order; :meth:`fetch` then merges the parts' first rows (subclasses decide)."""
        return []

    def statement(self, query: TableQuery) -> Select[Any]:
        """Every row of ``query`` in its order, as one statement — for exports that stream."""
        stmt = select(self.id_column, self._style, *(c.expr for c in self.columns))
        return self._where(stmt, query).order_by(*self._order(query, False))

    def fetch(
        self, query: TableQuery, offset: int, limit: int, total: int | None = None
    ) -> list[tuple[Any, ...]]:
        """Rows ``offset … offset+limit`` in the asked order.

        Windows in the second half of the table are read backwards from the end, so
        "jump to the last row" costs the same as showing the first page.
        """
        if limit <= 0:
            return []
        reverse = total is not None and offset > total // 2
        if reverse:
            assert total is not None
            end = min(offset + limit, total)
            skip, take = total - end, end - offset
        else:
            skip, take = offset, limit
        parts = self.branches(query)
        if parts:
            stmt = self._merged(query, parts, reverse, skip, take)
        else:
            stmt = self._where(select(self.id_column, self._style, *(c.expr for c in self.columns)), query)
            stmt = (
                stmt.order_by(*self._order(query, reverse))
                .offset(literal_limit(skip))
                .limit(literal_limit(take))
            )
        with self.wb.engine.connect() as conn:
            rows = [tuple(r) for r in conn.execute(stmt)]
        if reverse:
            rows.reverse()
        return rows

    def _merged(
        self, query: TableQuery, parts: Sequence[TableQuery], reverse: bool, skip: int, take: int
    ) -> Select[Any]:
        """The rows ``skip … skip+take`` of the parts put together: each part's first
        ``skip + take`` rows in order (an index walk each), merged and cut."""
        row = (self.id_column, self._style, *(c.expr for c in self.columns))
        firsts = [
            self._where(select(*row), part)
            .order_by(*self._order(query, reverse))
            .limit(literal_limit(skip + take))
            .subquery()
            for part in parts
        ]
        merged = union_all(*(select(*first.c) for first in firsts)).subquery()
        return (
            select(*merged.c)
            .order_by(*self._order(query, reverse, list(merged.c)))
            .offset(literal_limit(skip))
            .limit(literal_limit(take))
        )
