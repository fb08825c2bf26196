"""Dark mode reaches charts and toggle buttons (issue 20): a chart built in light mode
repaints on the dark card when the appearance changes, and a checked toggle button
stands out from an unchecked one in both palettes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QHBoxLayout, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from workbench.ui.common.charts import RatePoint, conversion_chart
from workbench.ui.common.theme import apply_theme, use_appearance


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    yield qapp
    use_appearance(qapp, "system")  # the application outlives this test


def test_a_chart_follows_the_palette_when_it_changes(qtbot: QtBot, app: QApplication) -> None:
    apply_theme(app, "light")
    view = conversion_chart("Lead → opportunity", [RatePoint("webinar", 0.4, 0.2, 0.6, True)])
    qtbot.addWidget(view)
    view.show()
    light_base = app.palette().color(QPalette.ColorRole.Base)
    assert view.chart().backgroundBrush().color() == light_base
    apply_theme(app, "dark")
    dark = app.palette()
    qtbot.waitUntil(lambda: view.chart().backgroundBrush().color() == dark.color(QPalette.ColorRole.Base))
    assert view.chart().titleBrush().color() == dark.color(QPalette.ColorRole.Text)
    for axis in view.chart().axes():
        assert axis.labelsColor() == dark.color(QPalette.ColorRole.Text)
    assert view.chart().legend().labelColor() == dark.color(QPalette.ColorRole.Text)


def _centre(widget: QWidget) -> QColor:
    image = widget.grab().toImage()
    return image.pixelColor(image.width() // 2, 3)


@pytest.mark.parametrize("appearance", ["light", "dark"])
def test_a_checked_toggle_button_stands_out(qtbot: QtBot, app: QApplication, appearance: str) -> None:
    apply_theme(app, appearance)
    row = QWidget()
    layout = QHBoxLayout(row)
    on, off = QPushButton("Call", row), QPushButton("Email", row)
    for button in (on, off):
        button.setCheckable(True)
        layout.addWidget(button)
    on.setChecked(True)
    qtbot.addWidget(row)
    row.show()
    qtbot.waitExposed(row)
    highlight = app.palette().color(QPalette.ColorRole.Highlight)
    checked, unchecked = _centre(on), _centre(off)
    assert abs(checked.lightness() - unchecked.lightness()) > 30 or checked.hue() != unchecked.hue()
    assert abs(checked.red() - highlight.red()) + abs(checked.blue() - highlight.blue()) < 40
