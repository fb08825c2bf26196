"""The Manager view's lower half: one rep's (or the team's) figures, drill-down and what changed.

Tabs: open pipeline by stage, conversion by kind and source, touches per week, the
rep's opportunities (read from their file in a worker when asked for), and what
changed between two of the rep's files. Everything here only reads files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.services.manager.rollup import RepFigures, Rollup
from workbench.services.tables import ColumnKind
from workbench.ui.common import format as fmt
from workbench.ui.common.area_base import empty_state
from workbench.ui.common.column_fit import fit_columns
from workbench.ui.common.widgets import configure_big_table
from workbench.ui.common.workers import Job, start
from workbench.ui.manager.figures import STYLE_TOTAL, FiguresModel

K = ColumnKind

STAGE_COLUMNS = [("Stage", K.TEXT), ("Open deals", K.NUMBER), ("Amount", K.MONEY), ("Weighted", K.MONEY)]
CONVERSION_COLUMNS = [
    ("By", K.TEXT),
    ("Group", K.TEXT),
    ("Leads", K.NUMBER),
    ("Opportunities", K.NUMBER),
    ("Won", K.NUMBER),
    ("Lead → opportunity", K.PERCENT),
    ("95 % interval", K.TEXT),
    ("Opportunity → won", K.PERCENT),
    ("95 % interval ", K.TEXT),
]
#: A group with fewer leads is greyed, as in Insights (insights.min_group_leads).
STYLE_SMALL = "muted"
WEEK_COLUMNS = [("Week of", K.DATE), ("Touches", K.NUMBER)]
OPPORTUNITY_COLUMNS = [
    ("Opportunity", K.TEXT),
    ("Account", K.TEXT),
    ("Stage", K.TEXT),
    ("Outcome", K.TEXT),
    ("Amount", K.MONEY),
    ("Currency", K.TEXT),
    ("Probability", K.PERCENT),
    ("Weighted", K.MONEY),
    ("Expected close", K.DATE),
    ("Next step", K.TEXT),
    ("Last touch", K.DATETIME),
    ("Kind", K.TEXT),
    ("Source", K.TEXT),
    ("Closed", K.DATETIME),
    ("Close reason", K.TEXT),
    ("Reason list", K.TEXT),
]
#: How the pipeline file's reason lists read in the drill-down.
REASON_LISTS = {"won": "won reasons", "lost": "lost reasons"}
CHANGE_COLUMNS = [
    ("Change", K.TEXT),
    ("Opportunity", K.TEXT),
    ("Account", K.TEXT),
    ("Before", K.TEXT),
    ("After", K.TEXT),
]
CHANGE_WORDS = {
    "new": "New",
    "closed": "Closed",
    "reopened": "Reopened",
    "removed": "Removed",
    "stage": "Stage move",
    "slipped": "Close date slipped",
    "amount": "Amount changed",
}


def table_view(model: FiguresModel, parent: QWidget, widths: list[int] | None = None) -> QTableView:
    view = QTableView(parent)
    configure_big_table(view)
    view.setModel(model)
    for i, width in enumerate(widths or []):
        view.setColumnWidth(i, width)
    fit_columns(view, widths=widths or ())
    return view


def min_group_leads() -> int:
    from workbench.services.insights import common  # noqa: F401  (registers the default)
    from workbench.services.settings import values as settings

    return int(settings.DEFAULTS.get("insights.min_group_leads", 20) or 20)


def interval_text(successes: int, trials: int) -> str:
    """The rate's 95 % Wilson interval, "34–100 %" (Insights' own, over the file's counts)."""
    from workbench.services.insights.wilson import wilson_interval

    if trials <= 0 or not 0 <= successes <= trials:
        return "—"
    bounds = wilson_interval(successes, trials)
    if bounds is None:
        return "—"
    return f"{bounds[0] * 100:.0f}–{bounds[1] * 100:.0f} %"


def _open_first(row: Any) -> tuple[int, Any]:
    """Open deals first (what a manager acts on), then the closed ones, newest first."""
    closed = getattr(row, "closed_at", None)
    return (0, "") if row.outcome == "open" else (1, -closed.timestamp() if closed else 0)


def _shown(value: Any) -> Any:
    if isinstance(value, float):  # an amount (the only numbers what-changed compares)
        return fmt.money_text(value)
    return "" if value is None else value


class RepDetail(QTabWidget):
    """Tabs about the rep picked in the reps table."""

    #: Emitted with True while a file is being read for a drill-down or a comparison.
    busy = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        self.rollup = Rollup()
        self.figures: RepFigures | None = None

        self.stage_model = FiguresModel(STAGE_COLUMNS, self)
        self.stage_view = table_view(self.stage_model, self, [160, 100, 130, 130])
        self.addTab(self.stage_view, self.tr("Pipeline by stage"))

        self.conversion_model = FiguresModel(CONVERSION_COLUMNS, self)
        self.conversion_view = table_view(
            self.conversion_model, self, [70, 160, 70, 100, 60, 130, 100, 130, 100]
        )
        self.addTab(self.conversion_view, self.tr("Conversion"))

        self.week_model = FiguresModel(WEEK_COLUMNS, self)
        self.week_view = table_view(self.week_model, self, [120, 90])
        self.addTab(self.week_view, self.tr("Touches per week"))

        self.opportunity_model = FiguresModel(OPPORTUNITY_COLUMNS, self)
        self.opportunity_view = table_view(
            self.opportunity_model,
            self,
            [220, 170, 100, 70, 100, 60, 80, 100, 110, 180, 130, 70, 100, 130, 130, 100],
        )
        self.opportunity_hint = empty_state(
            self.tr("Pick a rep in the table above to see their opportunities."), self
        )
        self.opportunity_stack = QStackedWidget(self)
        self.opportunity_stack.addWidget(self.opportunity_hint)
        self.opportunity_stack.addWidget(self.opportunity_view)
        self.addTab(self.opportunity_stack, self.tr("Opportunities"))

        changes = QWidget(self)
        column = QVBoxLayout(changes)
        column.setContentsMargins(0, 6, 0, 0)
        row = QHBoxLayout()
        self.older_box = QComboBox(changes)
        self.newer_box = QComboBox(changes)
        row.addWidget(QLabel(self.tr("From:"), changes))
        row.addWidget(self.older_box, 1)
        row.addWidget(QLabel(self.tr("To:"), changes))
        row.addWidget(self.newer_box, 1)
        column.addLayout(row)
        self.change_summary = QLabel(changes)
        self.change_summary.setWordWrap(True)
        column.addWidget(self.change_summary)
        self.change_model = FiguresModel(CHANGE_COLUMNS, self)
        self.change_view = table_view(self.change_model, changes, [150, 220, 170, 140, 140])
        self.change_hint = empty_state(
            self.tr(
                "Load two or more files of the same rep, exported on different days, to see what changed."
            ),
            changes,
        )
        self.change_stack = QStackedWidget(changes)
        self.change_stack.addWidget(self.change_hint)
        self.change_stack.addWidget(self.change_view)
        column.addWidget(self.change_stack, 1)
        self.addTab(changes, self.tr("What changed"))
        self.older_box.currentIndexChanged.connect(self._compare)
        self.newer_box.currentIndexChanged.connect(self._compare)
        self.currentChanged.connect(self._tab_changed)
        self._loaded_opportunities: Path | None = None
        self._jobs: set[Job] = set()
        self.last_job: Job | None = None

    # --- what is shown ------------------------------------------------------------------
    def show_figures(self, rollup: Rollup, figures: RepFigures | None) -> None:
        self.rollup = rollup
        self.figures = figures
        one = sorted(figures.currencies) if figures is not None else []
        for model in (self.stage_model, self.conversion_model, self.week_model, self.opportunity_model):
            model.currency = one[0] if len(one) == 1 else ""
        if figures is None:
            for model in (self.stage_model, self.conversion_model, self.week_model, self.opportunity_model):
                model.set_rows([])
            self._fill_files([])
            return
        stage_rows: list[tuple[Any, ...]] = [
            ("", s.stage, s.count, s.amount, s.weighted) for s in figures.stages
        ]
        stage_rows.append(
            (
                STYLE_TOTAL,
                self.tr("All open"),
                figures.open_count,
                figures.open_amount,
                figures.weighted_amount,
            )
        )
        self.stage_model.set_rows(stage_rows)
        conversion = []
        smallest = min_group_leads()
        for by, groups in ((self.tr("kind"), figures.by_kind), (self.tr("source"), figures.by_source)):
            for name, c in sorted(groups.items()):
                conversion.append(
                    (
                        # Too few leads to compare: shown, with its interval, but greyed.
                        STYLE_SMALL if c.leads < smallest else "",
                        by,
                        name or self.tr("(none)"),
                        c.leads,
                        c.opportunities,
                        c.won,
                        c.lead_to_opportunity,
                        interval_text(c.opportunities, c.leads),
                        c.opportunity_to_won,
                        interval_text(c.won, c.opportunities),
                    )
                )
        self.conversion_model.set_rows(conversion)
        self.week_model.set_rows([("", week, n) for week, n in figures.touches_per_week.items()])
        self._loaded_opportunities = None
        self.opportunity_model.set_rows([])
        self.opportunity_stack.setCurrentWidget(
            self.opportunity_hint if figures.path is None else self.opportunity_view
        )
        self._fill_files(rollup.files_of(figures.rep) if figures.path is not None else [])
        self._tab_changed(self.currentIndex())

    def _fill_files(self, files: list[RepFigures]) -> None:
        for box in (self.older_box, self.newer_box):
            box.blockSignals(True)
            box.clear()
            for f in files:
                stamp = f.exported_at.strftime("%Y-%m-%d %H:%M") if f.exported_at else "?"
                box.addItem(f"{stamp} — {f.path.name if f.path else ''}", str(f.path))
            box.blockSignals(False)
        if len(files) >= 2:
            self.older_box.setCurrentIndex(len(files) - 2)
            self.newer_box.setCurrentIndex(len(files) - 1)
            self.change_stack.setCurrentWidget(self.change_view)
        else:
            self.change_model.set_rows([])
            self.change_summary.clear()
            self.change_hint.setText(self._why_nothing_changed(files))
            self.change_stack.setCurrentWidget(self.change_hint)
        self.older_box.setEnabled(len(files) >= 2)
        self.newer_box.setEnabled(len(files) >= 2)
        if len(files) >= 2 and self.currentWidget() is self.change_stack.parentWidget():
            self._compare()

    def _why_nothing_changed(self, files: list[RepFigures]) -> str:
        figures = self.figures
        if figures is None or figures.path is None:
            return self.tr("Pick a rep in the table above: What changed compares two files of one rep.")
        if len(files) == 1:
            return self.tr(
                "Only one file of {0} is loaded ({1}). What changed compares two exports of the same "
                "rep made on different days: add an older or newer file of {0}."
            ).format(figures.rep, figures.path.name)
        return self.tr(
            "Load two or more files of the same rep, exported on different days, to see what changed."
        )

    def _tab_changed(self, index: int) -> None:
        widget = self.widget(index)
        if widget is self.opportunity_stack:
            self.load_opportunities()
        elif widget is self.change_stack.parentWidget() and self.older_box.count() >= 2:
            self._compare()

    # --- work in the background ---------------------------------------------------------
    def _start(self, work: Any, done: Any) -> Job:
        job = Job(work)
        self._jobs.add(job)
        self.busy.emit(True)

        def finished(result: Any) -> None:
            self._jobs.discard(job)
            self.busy.emit(bool(self._jobs))
            done(result)

        def failed(exc: BaseException) -> None:
            self._jobs.discard(job)
            self.busy.emit(bool(self._jobs))
            self.change_summary.setText(self.tr("The file could not be read: {0}").format(str(exc)))

        job.signals.finished.connect(finished)
        job.signals.failed.connect(failed)
        self.last_job = job
        return start(job)

    def load_opportunities(self) -> Job | None:
        """Drill down: read the shown rep's opportunities from their file."""
        figures = self.figures
        if figures is None or figures.path is None or self._loaded_opportunities == figures.path:
            return None
        path = figures.path
        self._loaded_opportunities = path

        def work(_report: Any) -> list[Any]:
            from workbench.exchange.pipeline_file import read_pipeline_file

            return read_pipeline_file(path, tables=("opportunities",)).rows("opportunities")

        def done(rows: list[Any]) -> None:
            if self.figures is None or self.figures.path != path:
                return  # the manager picked another rep meanwhile
            self.opportunity_model.set_rows(
                [
                    (
                        "stale" if r.stale else (r.outcome if r.outcome != "open" else ""),
                        r.name,
                        r.account,
                        r.stage,
                        r.outcome,
                        r.amount,
                        r.currency,
                        r.probability,
                        r.weighted_amount,
                        r.expected_close,
                        r.next_step,
                        r.last_touch_at,
                        r.kind,
                        r.source,
                        r.closed_at,
                        r.close_reason,
                        self.tr(REASON_LISTS[r.close_reason_list]) if r.close_reason_list else "",
                    )
                    for r in sorted(rows, key=_open_first)
                ]
            )

        return self._start(work, done)

    def _compare(self) -> Job | None:
        older, newer = self.older_box.currentData(), self.newer_box.currentData()
        if not older or not newer:
            return None
        if older == newer:
            self.change_model.set_rows([])
            self.change_summary.setText(self.tr("Pick two different files to compare."))
            return None

        def work(_report: Any) -> Any:
            from workbench.services.manager.changes import what_changed

            return what_changed(Path(older), Path(newer))

        def done(changes: Any) -> None:
            if (self.older_box.currentData(), self.newer_box.currentData()) != (older, newer):
                return
            self.change_model.set_rows(
                [
                    (
                        "",
                        self.tr(CHANGE_WORDS[str(c.kind)]),
                        c.opportunity,
                        c.account,
                        _shown(c.before),
                        _shown(c.after),
                    )
                    for c in changes.changes
                ]
            )
            counts = changes.counts()
            parts = [f"{n} {self.tr(CHANGE_WORDS[k]).lower()}" for k, n in counts.items() if n]
            self.change_summary.setText(
                self.tr("From {0} to {1}: {2}").format(
                    changes.older_at.strftime("%Y-%m-%d"),
                    changes.newer_at.strftime("%Y-%m-%d"),
                    ", ".join(parts) if parts else self.tr("nothing changed"),
                )
            )

        return self._start(work, done)
