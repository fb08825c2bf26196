"""The paged SQL table model over the leads of a small demo: Qt's model contract, and
that sorting, filtering and the last row agree with plain SQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from workbench.domain import Lead
from workbench.services.leads.table import lead_table
from workbench.services.tables import TableQuery
from workbench.store import Workbench, open_workbench
from workbench.ui.common.sql_table import ID_ROLE, PAGE_SIZE, RAW_ROLE, SqlTableModel
from workbench.ui.common.widgets import configure_big_table


@pytest.fixture
def demo_wb(small_demo: Path) -> Iterator[Workbench]:
    wb = open_workbench(small_demo)
    try:
        yield wb
    finally:
        wb.close()


@pytest.fixture
def model(demo_wb: Workbench) -> SqlTableModel:
    model = SqlTableModel(lead_table(demo_wb))
    model.refresh()
    return model


def sql(wb: Workbench, statement: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(wb.path)
    try:
        return conn.execute(statement).fetchall()
    finally:
        conn.close()


def column(model: SqlTableModel, key: str) -> int:
    return model.source.column_index(key)


def names(model: SqlTableModel) -> list[str]:
    col = column(model, "name")
    return [str(model.index(row, col).data(RAW_ROLE)) for row in range(model.rowCount())]


def test_model_keeps_the_qt_model_contract(qtmodeltester: Any, model: SqlTableModel) -> None:
    assert model.rowCount() > PAGE_SIZE  # more than one page: paging is exercised
    qtmodeltester.check(model)


def test_model_contract_holds_after_sort_and_filter(qtmodeltester: Any, model: SqlTableModel) -> None:
    model.sort(column(model, "company"), Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    model.set_query(TableQuery(text="an"))
    qtmodeltester.check(model)


def test_sorted_by_name_the_first_row_is_the_minimum(demo_wb: Workbench, model: SqlTableModel) -> None:
    col = column(model, "name")
    model.sort(col, Qt.SortOrder.AscendingOrder)
    lowest = sql(demo_wb, "SELECT name FROM lead WHERE deleted_at IS NULL ORDER BY name, id LIMIT 1")[0][0]
    assert model.index(0, col).data(RAW_ROLE) == lowest
    model.sort(col, Qt.SortOrder.DescendingOrder)
    highest = sql(
        demo_wb, "SELECT name FROM lead WHERE deleted_at IS NULL ORDER BY name DESC, id DESC LIMIT 1"
    )
    assert model.index(0, col).data(RAW_ROLE) == highest[0][0]
    assert model.index(0, col).data(Qt.ItemDataRole.DisplayRole) == highest[0][0]


def test_filter_finds_accented_names_typed_with_or_without_accents(model: SqlTableModel) -> None:
    for typed, expected in (
        ("müller", "Jürgen Müller"),
        ("muller", "Jürgen Müller"),
        ("jose garc", "José García"),
    ):
        model.set_query(TableQuery(text=typed))
        assert expected in names(model), typed
    model.set_query(TableQuery(text="lodz"))
    companies = {model.index(r, column(model, "company")).data(RAW_ROLE) for r in range(model.rowCount())}
    assert "Łódź Logistics Sp. z o.o." in companies
    model.set_query(TableQuery(text="zzqx nobody"))
    assert model.rowCount() == 0


def test_the_last_row_is_the_last_row_of_the_same_sql(demo_wb: Workbench, model: SqlTableModel) -> None:
    last = model.rowCount() - 1
    expected = sql(demo_wb, "SELECT id FROM lead WHERE deleted_at IS NULL ORDER BY received_at DESC, id DESC")
    assert model.rowCount() == len(expected)
    assert model.index(last, 0).data(ID_ROLE) == expected[-1][0]
    assert model.index(0, 0).data(ID_ROLE) == expected[0][0]
    middle = len(expected) // 2 + 7  # read backwards from the end: same rows
    assert model.index(middle, 0).data(ID_ROLE) == expected[middle][0]
    col = column(model, "company")
    model.sort(col, Qt.SortOrder.AscendingOrder)
    by_company = sql(demo_wb, "SELECT id FROM lead WHERE deleted_at IS NULL ORDER BY company, id")
    assert model.index(model.rowCount() - 1, col).data(ID_ROLE) == by_company[-1][0]


def test_view_jumps_to_the_end(qtbot: QtBot, demo_wb: Workbench, model: SqlTableModel) -> None:
    view = QTableView()
    qtbot.addWidget(view)
    configure_big_table(view)
    view.setModel(model)
    view.resize(900, 400)
    view.show()
    qtbot.waitExposed(view)
    view.setFocus()
    view.setCurrentIndex(model.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert view.currentIndex().row() == model.rowCount() - 1
    bottom = view.rowAt(view.viewport().height() - 2)
    assert bottom == model.rowCount() - 1


def test_refresh_shows_a_new_lead_and_announces_the_count(
    qtbot: QtBot, demo_wb: Workbench, model: SqlTableModel
) -> None:
    before = model.rowCount()
    with demo_wb.session() as session:
        session.add(Lead(name="Zoë Newcomer", company="Fresh Co"))
    with qtbot.waitSignal(model.countChanged) as blocker:
        model.refresh()
    assert blocker.args == [before + 1]
    assert model.index(0, column(model, "name")).data(RAW_ROLE) == "Zoë Newcomer"
