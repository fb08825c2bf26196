"""A table narrower than its columns hides the least important ones instead of
scrolling sideways, and brings them back as it widens."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from workbench.ui.common.column_fit import fit_columns

KEYS = ["name", "title", "source", "status", "age"]


def _table(qtbot: QtBot) -> QTableView:
    model = QStandardItemModel(3, len(KEYS))
    model.setHorizontalHeaderLabels([k.title() for k in KEYS])
    view = QTableView()
    view.setModel(model)
    view.horizontalHeader().setStretchLastSection(True)
    qtbot.addWidget(view)
    return view


def test_columns_hide_by_priority_and_come_back(qtbot: QtBot) -> None:
    view = _table(qtbot)
    fitter = fit_columns(view, ("name", "status", "age"), KEYS, [150, 150, 150, 100, 100])
    view.resize(420, 200)
    view.show()
    qtbot.waitExposed(view)
    header = view.horizontalHeader()
    qtbot.waitUntil(lambda: header.isSectionHidden(1) and header.isSectionHidden(2))
    assert [header.isSectionHidden(c) for c in range(5)] == [False, True, True, False, False]
    assert not view.horizontalScrollBar().isVisible()
    assert "Title, Source" in header.toolTip()
    view.resize(900, 200)
    qtbot.waitUntil(lambda: not any(header.isSectionHidden(c) for c in range(5)))
    assert header.toolTip() == ""
    view.resize(420, 200)
    qtbot.waitUntil(lambda: header.isSectionHidden(1))
    fitter.pin(2)  # "Show Source" from the header's menu
    assert not header.isSectionHidden(2) and header.isSectionHidden(1)
    assert fitter.hidden_columns() == [1, 4]  # age gives way to the pinned column
    assert view.model().headerData(2, Qt.Orientation.Horizontal) == "Source"
