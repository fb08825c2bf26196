"""The Insights charts, drawn with QtCharts (PySide6-Addons).

Imported only by the Insights area, which the main window loads the first time it is
shown, so QtCharts never slows the app's start. Every builder takes plain data that a
table next to it shows too, and returns a ``QChartView``; none reads the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QCoreApplication, QEvent, QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

#: Bars of groups too small to be meaningful are drawn in this muted colour.
MUTED = QColor("#9aa3ad")
ACCENT = QColor("#3b73d9")
GOOD = QColor("#2e7d32")
BAD = QColor("#c62828")
WHISKER = QColor("#30343b")
WHISKER_ON_DARK = QColor("#e6e7ea")
#: At most this many categories are drawn; the table beside a chart lists them all.
MAX_BARS = 12


def tr(text: str) -> str:
    return QCoreApplication.translate("Insights", text)


def _is_dark() -> bool:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return False
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def follow_palette(chart: QChart, palette: QPalette | None = None) -> None:
    """Paint ``chart`` in the app's palette: its background is the card's (base), its
    title, labels and legend the text colour, its grid the mid tone. Series keep their
    own colours. Called when built and again whenever the palette changes (light ↔ dark
    after the file's appearance setting or the desktop's switch)."""
    app = QApplication.instance()
    if palette is None:
        palette = app.palette() if isinstance(app, QApplication) else QPalette()
    text = palette.color(QPalette.ColorRole.Text)
    chart.setBackgroundBrush(palette.brush(QPalette.ColorRole.Base))
    chart.setPlotAreaBackgroundVisible(False)
    chart.setTitleBrush(text)
    chart.legend().setLabelColor(text)
    for axis in chart.axes():
        axis.setLabelsColor(text)
        axis.setTitleBrush(text)
        axis.setGridLineColor(palette.color(QPalette.ColorRole.Mid))
        axis.setLinePenColor(palette.color(QPalette.ColorRole.Mid))


class ThemedChartView(QChartView):
    """A chart view that repaints its chart in the new palette when it changes."""

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            follow_palette(self.chart())


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTheme(QChart.ChartTheme.ChartThemeDark if _is_dark() else QChart.ChartTheme.ChartThemeLight)
    chart.setTitle(title)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def _view(chart: QChart, parent: QWidget | None) -> QChartView:
    follow_palette(chart)  # the axes exist by now
    view = ThemedChartView(chart, parent)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(240)
    view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    return view


def _short(label: str, width: int = 16) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def _value_axis(chart: QChart, maximum: float, fmt: str, alignment: Qt.AlignmentFlag) -> QValueAxis:
    axis = QValueAxis()
    axis.setRange(0.0, maximum if maximum > 0 else 1.0)
    axis.setLabelFormat(fmt)
    axis.applyNiceNumbers()
    chart.addAxis(axis, alignment)
    return axis


@dataclass(frozen=True)
class RatePoint:
    """One group's rate with its interval, as the conversion chart draws it."""

    label: str
    rate: float | None
    low: float | None
    high: float | None
    meaningful: bool


def conversion_chart(title: str, points: Sequence[RatePoint], parent: QWidget | None = None) -> QChartView:
    """Rate bars (muted when the group is too small) with 95 % interval whiskers."""
    chart = _chart(title)
    shown = list(points)[:MAX_BARS]
    solid = QBarSet(tr("Lead → opportunity"))
    small = QBarSet(tr("Too few leads"))
    solid.setColor(ACCENT)
    small.setColor(MUTED)
    for p in shown:
        value = (p.rate or 0.0) * 100
        solid.append(value if p.meaningful else 0.0)
        small.append(0.0 if p.meaningful else value)
    bars = QStackedBarSeries()
    bars.append(solid)
    bars.append(small)
    bars.setBarWidth(0.5)
    chart.addSeries(bars)
    if all(p.meaningful for p in shown):
        for marker in chart.legend().markers(bars):
            if marker.label() == small.label():
                marker.setVisible(False)
    categories = QBarCategoryAxis()
    categories.append([_short(p.label) for p in shown] or [""])
    chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
    bars.attachAxis(categories)
    top = max([(p.high or 0.0) * 100 for p in shown] + [1.0])
    values = _value_axis(chart, min(100.0, top * 1.1), "%.0f %%", Qt.AlignmentFlag.AlignLeft)
    bars.attachAxis(values)
    pen = QPen(WHISKER_ON_DARK if _is_dark() else WHISKER)
    pen.setWidthF(1.6)
    for i, p in enumerate(shown):
        if p.low is None or p.high is None:
            continue
        low, high = p.low * 100, p.high * 100
        whisker = QLineSeries()
        # Cap, stem, cap: one polyline per group.
        for x, y in (
            (i - 0.12, low),
            (i + 0.12, low),
            (i, low),
            (i, high),
            (i - 0.12, high),
            (i + 0.12, high),
        ):
            whisker.append(QPointF(x, y))
        whisker.setPen(pen)
        chart.addSeries(whisker)
        whisker.attachAxis(categories)
        whisker.attachAxis(values)
        for marker in chart.legend().markers(whisker):
            marker.setVisible(False)
    return _view(chart, parent)


def histogram_chart(
    title: str, labels: Sequence[str], counts: Sequence[int], parent: QWidget | None = None
) -> QChartView:
    chart = _chart(title)
    bars = QBarSet(tr("Leads"))
    bars.setColor(ACCENT)
    for n in counts:
        bars.append(float(n))
    series = QBarSeries()
    series.append(bars)
    series.setBarWidth(0.8)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append(list(labels))
    chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(categories)
    series.attachAxis(
        _value_axis(chart, float(max(counts, default=0)) * 1.1, "%.0f", Qt.AlignmentFlag.AlignLeft)
    )
    chart.legend().setVisible(False)
    return _view(chart, parent)


@dataclass(frozen=True)
class FunnelStep:
    stage: str
    entered: int
    advanced: int
    lost: int
    worst: bool


def funnel_chart(title: str, steps: Sequence[FunnelStep], parent: QWidget | None = None) -> QChartView:
    """Horizontal bars per stage, first stage on top: entered, advanced, lost there."""
    chart = _chart(title)
    ordered = list(reversed(steps))  # a horizontal category axis draws its first entry at the bottom
    sets = []
    for name, colour, values in (
        (tr("Lost there"), BAD, [s.lost for s in ordered]),
        (tr("Advanced"), GOOD, [s.advanced for s in ordered]),
        (tr("Entered"), ACCENT, [s.entered for s in ordered]),
    ):
        bar_set = QBarSet(name)
        bar_set.setColor(colour)
        for v in values:
            bar_set.append(float(v))
        sets.append(bar_set)
    series = QHorizontalBarSeries()
    for bar_set in sets:
        series.append(bar_set)
    series.setBarWidth(0.8)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append([("⚠ " if s.worst else "") + _short(s.stage, 18) for s in ordered] or [""])
    # A left category axis is given too little width for its labels and elides every
    # one of them to "…" at the area's usual size; the names are short already.
    categories.setTruncateLabels(False)
    chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories)
    top = float(max((s.entered for s in steps), default=0))
    series.attachAxis(_value_axis(chart, top * 1.1, "%.0f", Qt.AlignmentFlag.AlignBottom))
    return _view(chart, parent)


def amounts_chart(
    title: str,
    labels: Sequence[str],
    series_values: Sequence[tuple[str, Sequence[float]]],
    parent: QWidget | None = None,
    goal: float | None = None,
) -> QChartView:
    """Grouped bars per category (pipeline by month: open and weighted; touches per
    week), with an optional goal line. Large amounts are drawn in thousands or
    millions, said in the axis title, so the axis labels stay short."""
    chart = _chart(title)
    top = max([goal or 0.0] + [float(v) for _name, values in series_values for v in values])
    factor, unit = 1.0, ""
    if top >= 100_000_000:
        factor, unit = 1_000_000.0, tr("millions")
    elif top >= 100_000:
        factor, unit = 1_000.0, tr("thousands")
    series = QBarSeries()
    colours = (ACCENT, GOOD, MUTED)
    for i, (name, values) in enumerate(series_values):
        bar_set = QBarSet(name)
        bar_set.setColor(colours[i % len(colours)])
        for v in values:
            bar_set.append(float(v) / factor)
        series.append(bar_set)
    series.setBarWidth(0.8)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append(list(labels) or [""])
    chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(categories)
    values_axis = _value_axis(chart, top / factor * 1.1, "%.0f", Qt.AlignmentFlag.AlignLeft)
    if unit:
        values_axis.setTitleText(unit)
    series.attachAxis(values_axis)
    if goal is not None and labels:
        line = QLineSeries()
        line.setName(tr("Goal"))
        pen = QPen(BAD)
        pen.setWidthF(2.0)
        pen.setStyle(Qt.PenStyle.DashLine)
        line.setPen(pen)
        line.append(QPointF(-0.5, goal / factor))
        line.append(QPointF(len(labels) - 0.5, goal / factor))
        chart.addSeries(line)
        line.attachAxis(categories)
        line.attachAxis(values_axis)
    return _view(chart, parent)
