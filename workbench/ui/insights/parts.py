"""Building blocks of the Insights tabs: a titled table with its CSV export, and a slot
that holds the current chart.

A table shows formatted values through :class:`SmallRowsModel`; its CSV export writes
the raw numbers (rates as fractions, intervals as two columns) through
:func:`workbench.exchange.csv_safe.write_csv`, which neutralises text a spreadsheet
would run as a formula.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.exchange.csv_safe import write_csv
from workbench.services.tables import ColumnKind
from workbench.ui.common import file_dialogs
from workbench.ui.common.column_fit import fit_columns
from workbench.ui.common.small_rows import SmallRowsModel
from workbench.ui.common.widgets import configure_big_table

Header = tuple[str, ColumnKind]


def ask_csv_path(parent: QWidget, suggested: str) -> Path | None:
    """Where to save a CSV file; None when the rep cancels. Tests replace this function."""
    name, _ = file_dialogs.EXPORTS.getSaveFileName(
        parent,
        parent.tr("Export as CSV"),
        str(Path.home() / suggested),
        parent.tr("CSV files (*.csv)"),
    )
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".csv" else path.with_suffix(".csv")


class RatesModel(SmallRowsModel):
    """Rates to one decimal ("5.8 %"): conversion rates of a few percent need it."""

    def __init__(self, headers: Sequence[Header], parent: Any = None) -> None:
        super().__init__(headers, parent)
        self._kinds = [kind for _title, kind in headers]
        self._values: list[tuple[Any, ...]] = []

    def set_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        self._values = [tuple(r) for r in rows]
        super().set_rows(rows)

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and index.isValid()
            and 0 <= index.row() < len(self._values)
            and 0 <= index.column() < len(self._kinds)
            and self._kinds[index.column()] is ColumnKind.PERCENT
        ):
            value = self._values[index.row()][index.column() + 2]
            return "" if value is None else percent(float(value))
        return super().data(index, role)


class ReportTable(QWidget):
    """A caption, a small read-only table and an "Export CSV…" button."""

    def __init__(
        self,
        caption: str,
        file_stem: str,
        headers: Sequence[Header],
        parent: QWidget | None = None,
        *,
        first_width: int = 200,
    ) -> None:
        super().__init__(parent)
        self.file_stem = file_stem
        self._csv_header: list[str] = []
        self._csv_rows: list[Sequence[Any]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.caption = QLabel(caption, self)
        self.caption.setObjectName("sectionCaption")
        font = self.caption.font()
        font.setBold(True)
        self.caption.setFont(font)
        self.export_button = QPushButton(self.tr("Export CSV…"), self)
        self.export_button.setToolTip(self.tr("Save this table as a CSV file"))
        self.export_button.clicked.connect(self.export_csv)
        top.addWidget(self.caption, 1)
        top.addWidget(self.export_button)
        layout.addLayout(top)
        self.model = RatesModel(headers, self)
        self.view = QTableView(self)
        configure_big_table(self.view)
        self.view.setSortingEnabled(False)
        self.view.setModel(self.model)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSortIndicatorShown(False)
        # A text column last (a note) takes the spare width; numbers stay near their labels.
        header.setStretchLastSection(bool(headers) and headers[-1][1] is ColumnKind.TEXT)
        # Few rows and known columns: size to the headers' text, never to the rows.
        metrics = self.view.fontMetrics()
        widths = []
        for column, (title, _kind) in enumerate(headers):
            width = max(metrics.horizontalAdvance(title) + 24, first_width if column == 0 else 90)
            self.view.setColumnWidth(column, width)
            widths.append(width)
        fit_columns(self.view, widths=widths)
        layout.addWidget(self.view, 1)

    def set_rows(
        self,
        rows: Sequence[tuple[str, Sequence[Any]]],
        csv_header: Sequence[str],
        csv_rows: Sequence[Sequence[Any]],
    ) -> None:
        """``rows`` are (style, values) for the screen; ``csv_rows`` the raw values to export."""
        self.model.set_rows([(i, style, *values) for i, (style, values) in enumerate(rows)])
        self._csv_header = list(csv_header)
        self._csv_rows = [list(r) for r in csv_rows]
        self.export_button.setEnabled(bool(self._csv_rows))

    @property
    def csv_rows(self) -> list[Sequence[Any]]:
        return list(self._csv_rows)

    def export_csv(self) -> Path | None:
        path = ask_csv_path(self, f"{self.file_stem}.csv")
        if path is None:
            return None
        try:
            write_csv(path, self._csv_header, self._csv_rows)
        except OSError as exc:
            QMessageBox.warning(
                self,
                self.tr("Export failed"),
                self.tr("The file could not be written: {0}").format(exc.strerror or str(exc)),
            )
            return None
        window = self.window()
        status = getattr(window, "statusBar", None)
        if callable(status):
            status().showMessage(self.tr("Saved {0}").format(path.name), 5000)
        return path


class ChartSlot(QWidget):
    """Holds one chart at a time; :meth:`show_chart` replaces it (charts are rebuilt per result)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.chart: QWidget | None = None

    def show_chart(self, build: Callable[[QWidget], QWidget]) -> None:
        if self.chart is not None:
            self._layout.removeWidget(self.chart)
            self.chart.deleteLater()
        self.chart = build(self)
        self._layout.addWidget(self.chart)


def headline(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.15)
    label.setFont(font)
    return label


def explanation(parent: QWidget, text: str) -> QLabel:
    """One plain line beside a figure that looks like it contradicts another, saying
    what each counts (found by tests through the object name)."""
    label = QLabel(text, parent)
    label.setObjectName("insightsExplanation")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def _pct_number(value: float) -> str:
    return QLocale().toString(value * 100, "f", 1)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{_pct_number(value)} %"


def interval_text(ci: Sequence[float] | None) -> str:
    return "" if not ci else f"{_pct_number(ci[0])}–{_pct_number(ci[1])} %"


def ci_parts(ci: Sequence[float] | None) -> tuple[float | None, float | None]:
    return (None, None) if not ci else (ci[0], ci[1])
