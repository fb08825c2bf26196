"""The leads table: columns, free-text filter and default order over the ``lead`` table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, case, literal

from workbench.domain import Lead, table_of
from workbench.services.tables import Column, ColumnKind, SqlTableSource
from workbench.store import Workbench
from workbench.store.fulltext import lead_match

L: Any = table_of(Lead).c


def lead_columns() -> list[Column]:
    return [
        Column("name", "Name", L.name, width=170),
        Column("company", "Company", L.company, width=170),
        Column("title", "Title", L.title, width=150),
        Column("kind", "Kind", L.kind, width=70),
        Column("source", "Source", L.source, width=110),
        Column("campaign", "Campaign", L.campaign, width=140),
        Column("received", "Received", L.received_at, ColumnKind.DATETIME, width=120),
        Column("age", "Age", L.received_at, ColumnKind.AGE, width=70),
        Column("status", "Status", L.status, width=90),
        Column("first_touch", "First touch", L.first_touch_at, ColumnKind.DATETIME, width=120),
        Column("speed", "Speed-to-lead", L.speed_to_lead_s, ColumnKind.DURATION, width=100),
        Column("last_touch", "Last touch", L.last_touch_at, ColumnKind.DATETIME, width=120),
        Column("next_followup", "Next follow-up", L.next_followup_at, ColumnKind.DATETIME, width=120),
    ]


def text_filter(dialect: str, text: str) -> ColumnElement[bool] | None:
    return lead_match(dialect, text, L.id, [L.name, L.company, L.email, L.phone])


def _base(stmt: Select[Any]) -> Select[Any]:
    return stmt.select_from(table_of(Lead)).where(L.deleted_at.is_(None))


def _no_chips(chips: Mapping[str, Any]) -> Sequence[ColumnElement[bool]]:
    return []


def lead_table(wb: Workbench) -> SqlTableSource:
    style: ColumnElement[Any] = case(
        (L.first_touch_at.is_(None) & (L.status == "new"), literal("untouched")), else_=literal("")
    )
    return SqlTableSource(
        wb,
        id_column=L.id,
        columns=lead_columns(),
        base=_base,
        text_filter=text_filter,
        chip_filter=_no_chips,
        style=style,
        default_sort=("received", True),
    )
