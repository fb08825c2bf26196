"""Edits only by intent: a wheel notch over an unfocused combo box in the lead detail
changes nothing in the file; the same notch on a focused one does."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from workbench.domain import Lead
from workbench.services.clock import fixed_clock
from workbench.services.leads import edit as leads
from workbench.services.leads.edit import LeadFields
from workbench.store import Workbench
from workbench.ui.common.context import AppContext
from workbench.ui.leads.view import LeadsArea
from workbench.ui.shell.main_window import MainWindow

from .test_leads_area import NOW


def wheel(widget: QWidget, notches: int = -1) -> None:
    """One notch of a real mouse wheel over the middle of ``widget`` (down = -1)."""
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def source_of(wb: Workbench, lead_id: int) -> str | None:
    with wb.reading() as s:
        lead = s.get(Lead, lead_id)
        assert lead is not None
        return lead.source


def test_the_wheel_over_an_unfocused_source_changes_nothing(qtbot: QtBot, wb: Workbench) -> None:
    lead_id = leads.create_lead(
        wb,
        LeadFields(name="Ana López", company="Acme", source="cold"),
        received_at=NOW,
        clock=fixed_clock(NOW),
    )
    window = MainWindow(AppContext(wb, fixed_clock(NOW)), start_area="leads")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    area = window.area("leads")
    assert isinstance(area, LeadsArea)
    area.table.setFocus()
    area.table.selectRow(0)
    detail = area.detail
    qtbot.waitUntil(lambda: detail.lead_id == lead_id)
    combo = detail.source_combo
    assert combo.currentData() == "cold" and not combo.hasFocus()
    assert combo.focusPolicy() == Qt.FocusPolicy.StrongFocus  # the wheel never gives it focus

    wheel(combo)
    assert combo.currentData() == "cold"
    assert detail.commit_pending()
    assert source_of(wb, lead_id) == "cold"

    combo.setFocus()  # chosen on purpose: now the wheel picks the next source
    qtbot.waitUntil(combo.hasFocus)
    wheel(combo)
    assert combo.currentData() != "cold"
    assert detail.commit_pending()
    assert source_of(wb, lead_id) == combo.currentData()
