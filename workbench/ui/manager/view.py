"""Manager area: open many reps' pipeline files and see them rolled up, per rep and for the team.

Files come in by dialog, a whole folder, or drag and drop. They are read in a worker
(with progress and Cancel), only ever for reading; each is checked against the
pipeline-file schema, and one that fails is listed with its reason while the others
load. The reps table shows each rep's latest file and the team's total; the tabs
below show the picked rep's (or the team's) pipeline, conversion, touches per week,
opportunities, and what changed between two of their files; the Sequences tab puts
the reps' sequences side by side (rates with their 95 % intervals, greyed where too
few were enrolled to compare).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.services.manager.rollup import MIN_GROUP, RepFigures, Rollup, SequenceFigures, roll_up
from workbench.services.tables import ColumnKind
from workbench.ui.common import file_dialogs
from workbench.ui.common.area_base import Area, empty_state
from workbench.ui.common.context import AppContext
from workbench.ui.common.plain import esc
from workbench.ui.common.workers import Job, start
from workbench.ui.manager.detail import STYLE_SMALL, RepDetail, interval_text, table_view
from workbench.ui.manager.figures import STYLE_REJECTED, STYLE_TOTAL, FiguresModel

K = ColumnKind
REP_COLUMNS = [
    ("Rep", K.TEXT),
    ("Exported", K.DATETIME),
    ("Open deals", K.NUMBER),
    ("Open pipeline", K.MONEY),
    ("Weighted", K.MONEY),
    ("Won", K.NUMBER),
    ("Won amount", K.MONEY),
    ("Lost", K.NUMBER),
    ("Touches", K.NUMBER),
    ("Speed to lead", K.DURATION),
    ("Stale deals", K.NUMBER),
    ("Stale amount", K.MONEY),
    ("Leads", K.NUMBER),
]
FILE_COLUMNS = [
    ("File", K.TEXT),
    ("Status", K.TEXT),
    ("Rep", K.TEXT),
    ("Exported", K.DATETIME),
    ("Reason", K.TEXT),
]
SEQUENCE_COLUMNS = [
    ("Sequence", K.TEXT),
    ("Rep", K.TEXT),
    ("Enrolled", K.NUMBER),
    ("Active", K.NUMBER),
    ("Finished", K.NUMBER),
    ("Reply or meeting", K.PERCENT),
    ("95 % interval", K.TEXT),
    ("Meeting", K.PERCENT),
    ("95 % interval ", K.TEXT),
    ("Not interested", K.NUMBER),
    ("Opportunities", K.NUMBER),
    ("Opportunity rate", K.PERCENT),
    ("95 % interval  ", K.TEXT),
    ("Won", K.NUMBER),
    ("Won rate", K.PERCENT),
    ("95 % interval   ", K.TEXT),
]
FILE_FILTER = "Pipeline files (*.xlsx *.json);;All files (*)"


#: ui.ini key: the files and folders the Manager view had open.
PATHS_KEY = "manager/paths"


def files_loaded(widget: QWidget, files: int, reps: int) -> str:
    return widget.tr("{0} of {1} loaded").format(
        widget.tr("%n file(s)", "", files), widget.tr("%n rep(s)", "", reps)
    )


def remembered_paths() -> list[Path]:
    from workbench.ui.shell.main_window import app_settings

    value = app_settings().value(PATHS_KEY, [])
    items = [value] if isinstance(value, str) else [str(v) for v in value or []]  # type: ignore[attr-defined]
    return [Path(p) for p in items if p]


def remember_paths(paths: list[Path]) -> None:
    from workbench.ui.shell.main_window import app_settings

    unique = list(dict.fromkeys(str(p.resolve()) for p in paths))
    settings = app_settings()
    settings.setValue(PATHS_KEY, unique)
    settings.sync()


def ask_files(parent: QWidget) -> list[Path]:
    """The seam tests replace: files picked in the open dialog."""
    names, _ = file_dialogs.PIPELINE_FILES.getOpenFileNames(
        parent, parent.tr("Add pipeline files"), str(Path.home()), parent.tr(FILE_FILTER)
    )
    return [Path(n) for n in names]


def ask_folder(parent: QWidget) -> Path | None:
    name = file_dialogs.PIPELINE_FILES.getExistingDirectory(
        parent, parent.tr("Add a folder of pipeline files"), str(Path.home())
    )
    return Path(name) if name else None


def ask_rollup_path(parent: QWidget) -> Path | None:
    name, _ = file_dialogs.EXPORTS.getSaveFileName(
        parent,
        parent.tr("Export rollup"),
        str(Path.home() / "team-rollup.xlsx"),
        parent.tr("Spreadsheet (*.xlsx);;CSV (*.csv);;JSON (*.json)"),
    )
    return Path(name) if name else None


class ManagerArea(Area):
    title = "Manager"
    needs_workbench = False

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setAcceptDrops(True)
        self.rollup = Rollup()
        self._known: set[Path] = set()
        self._restored = False
        #: Said once after a start that found some remembered files gone.
        self.restore_note = ""
        self._job: Job | None = None
        self.last_job: Job | None = None
        #: The team database the figures were computed live on (None: files).
        self.live_from: str | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        bar = QHBoxLayout()
        self.add_files_button = QPushButton(self.tr("Add &files…"), self)
        self.add_folder_button = QPushButton(self.tr("Add f&older…"), self)
        self.export_button = QPushButton(self.tr("E&xport rollup…"), self)
        self.clear_button = QPushButton(self.tr("C&lear"), self)
        # On a team database the figures come straight from it, computed with SQL.
        self.team_button = QPushButton(self.tr("Team data&base (live)"), self)
        self.team_button.clicked.connect(self.load_team)
        self.team_button.setVisible(ctx.has_workbench and not ctx.wb.is_file)
        # A bound method: Qt drops the connection when this area is deleted (a lambda
        # outlived the window in tests and touched its deleted button).
        ctx.workbenchReplaced.connect(self._show_team_button)
        self.add_files_button.clicked.connect(self.add_files)
        self.add_folder_button.clicked.connect(self.add_folder)
        self.export_button.clicked.connect(self.export_rollup)
        self.clear_button.clicked.connect(self.clear)
        for button in (
            self.team_button,
            self.add_files_button,
            self.add_folder_button,
            self.export_button,
            self.clear_button,
        ):
            bar.addWidget(button)
        self.status_label = QLabel(self)
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel)
        bar.addSpacing(12)
        bar.addWidget(self.status_label, 1)
        bar.addWidget(self.progress)
        bar.addWidget(self.cancel_button)
        layout.addLayout(bar)

        self.stack = QStackedWidget(self)
        self.empty = empty_state(
            self.tr(
                "Open the pipeline files your reps export (File → Export pipeline… in their app) "
                "and see them rolled up: pipeline by stage, won and lost, conversion by kind and source, "
                "touches per week, speed to lead and stale deals — per rep and for the team.\n\n"
                "Drop files or a folder here, or use Add files… / Add folder…. "
                "Files are only read, never changed."
            ),
            self,
        )
        self.stack.addWidget(self.empty)
        content = QSplitter(Qt.Orientation.Vertical, self)
        self.rep_model = FiguresModel(REP_COLUMNS, self)
        self.rep_view = table_view(
            self.rep_model, content, [170, 130, 80, 120, 120, 60, 110, 60, 80, 100, 80, 110, 80]
        )
        self.rep_view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.rep_view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_selected())
        self.rep_view.doubleClicked.connect(lambda _i: self.drill_down())
        content.addWidget(self.rep_view)
        lower = QTabWidget(content)
        self.detail = RepDetail(lower)
        self.detail.busy.connect(self._detail_busy)
        self.file_model = FiguresModel(FILE_COLUMNS, self)
        self.file_view = table_view(self.file_model, lower, [320, 80, 150, 130, 420])
        self.detail_title = QLabel(self)
        holder = QWidget(lower)
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 6, 0, 0)
        holder_layout.addWidget(self.detail_title)
        holder_layout.addWidget(self.detail, 1)
        self.sequence_model = FiguresModel(SEQUENCE_COLUMNS, self)
        self.sequence_view = table_view(
            self.sequence_model,
            lower,
            # Wide enough for each header whole ("Reply or meeting", "Opportunity rate").
            [170, 150, 70, 60, 70, 125, 90, 80, 90, 110, 100, 120, 90, 60, 80, 90],
        )
        self.sequence_hint = empty_state(
            self.tr(
                "None of the loaded files has sequences. Files exported by an earlier version of "
                "the app do not carry them: ask the rep to export again."
            ),
            lower,
        )
        self.sequence_stack = QStackedWidget(lower)
        self.sequence_stack.addWidget(self.sequence_hint)
        self.sequence_stack.addWidget(self.sequence_view)
        lower.addTab(holder, self.tr("Rep"))
        lower.addTab(self.file_view, self.tr("Files"))
        lower.addTab(self.sequence_stack, self.tr("Sequences"))
        self.lower_tabs = lower
        content.addWidget(lower)
        content.setStretchFactor(0, 2)
        content.setStretchFactor(1, 3)
        self.stack.addWidget(content)
        self.content = content
        layout.addWidget(self.stack, 1)
        self._refresh()

    # --- adding files -------------------------------------------------------------------
    def add_files(self) -> None:
        paths = ask_files(self)
        if paths:
            self.add_paths(paths)

    def add_folder(self) -> None:
        folder = ask_folder(self)
        if folder is not None:
            self.add_paths([folder])

    def add_paths(self, paths: list[Path], *, remember: bool = True) -> Job | None:
        """Load ``paths`` (files or folders) in a worker; already loaded files are skipped.
        The paths are remembered for the next start (``remember``)."""
        if self._job is not None:
            self.status_label.setText(self.tr("Still loading — wait or cancel, then add more."))
            return None
        if remember:
            remember_paths([*remembered_paths(), *paths])
            self.restore_note = ""
        from workbench.services.manager.rollup import collect_paths

        if self.live_from is not None:  # files and live figures are not mixed
            self.live_from = None
            self.rollup = Rollup()
        found, missing = collect_paths(paths)
        new = [p for p in found if p.resolve() not in self._known]
        self.rollup.rejected.extend(r for r in missing if r.path.resolve() not in self._known)
        self._known.update(p.resolve() for p in new)
        self._known.update(r.path.resolve() for r in missing)
        if not new:
            self._refresh()
            if not missing:
                self.status_label.setText(self.tr("No new pipeline files there (.xlsx or .json)."))
            return None
        job = Job(lambda report: roll_up(new, progress=report))
        self._job = job
        self.last_job = job
        self.progress.setRange(0, len(new))
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.status_label.setText(self.tr("Reading %n file(s)…", "", len(new)))
        job.signals.progress.connect(lambda done, total: self.progress.setValue(done))
        job.signals.finished.connect(self._loaded)
        job.signals.failed.connect(self._load_failed)
        return start(job)

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()

    def _show_team_button(self) -> None:
        self.team_button.setVisible(self.ctx.has_workbench and not self.ctx.wb.is_file)

    def load_team(self) -> Job | None:
        """Every rep's figures, computed live on the open team database."""
        if self._job is not None or not self.ctx.has_workbench or self.ctx.wb.is_file:
            return None
        from workbench.services.manager.team_rollup import live_rollup

        wb, clock = self.ctx.wb, self.ctx.clock
        job = Job(lambda _report: live_rollup(wb, clock=clock))
        self._job = job
        self.last_job = job
        self.status_label.setText(self.tr("Computing the team's figures…"))

        def done(result: Rollup) -> None:
            self._job = None
            self.rollup = result
            self.live_from = wb.location
            self._known.clear()
            self._refresh()

        def failed(exc: BaseException) -> None:
            self._job = None
            self.status_label.setText("")
            QMessageBox.warning(
                self,
                self.tr("Manager"),
                self.tr("The team's figures could not be computed: {0}").format(str(exc)),
            )
            self._refresh()

        job.signals.finished.connect(done)
        job.signals.failed.connect(failed)
        return start(job)

    def _loaded(self, result: Rollup) -> None:
        cancelled = self._job is not None and self._job.cancelled
        self._job = None
        self.progress.hide()
        self.cancel_button.hide()
        self.rollup.files.extend(result.files)
        self.rollup.rejected.extend(result.rejected)
        if cancelled:
            # Files not reached may be added again later.
            read = {f.path.resolve() for f in result.files if f.path} | {
                r.path.resolve() for r in result.rejected
            }
            self._known = {p for p in self._known if p in read or self._is_loaded(p)}
        self._refresh()

    def _is_loaded(self, path: Path) -> bool:
        return any(f.path is not None and f.path.resolve() == path for f in self.rollup.files) or any(
            r.path.resolve() == path for r in self.rollup.rejected
        )

    def _load_failed(self, exc: BaseException) -> None:
        self._job = None
        self.progress.hide()
        self.cancel_button.hide()
        QMessageBox.warning(
            self, self.tr("Manager"), self.tr("The files could not be read: {0}").format(str(exc))
        )
        self._refresh()

    def clear(self) -> None:
        if self._job is not None:
            return
        remember_paths([])  # cleared on purpose: nothing comes back at the next start
        self.restore_note = ""
        self.rollup = Rollup()
        self.live_from = None
        self._known.clear()
        self._refresh()

    # --- drag and drop --------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_paths(paths)

    # --- showing ------------------------------------------------------------------------
    def _refresh(self) -> None:
        reps = self.rollup.reps
        team = self.rollup.team
        rows: list[tuple[Any, ...]] = [self._rep_row("", f) for f in reps]
        if team is not None:
            rows.append(self._rep_row(STYLE_TOTAL, team, self.tr("Team (%n rep(s))", "", len(reps))))
        self.rep_model.set_rows(rows)
        files: list[tuple[Any, ...]] = [
            ("", str(f.path), self.tr("loaded"), f.rep, f.exported_at, "") for f in self.rollup.files
        ]
        files += [
            (STYLE_REJECTED, str(r.path), self.tr("rejected"), "", None, r.reason)
            for r in self.rollup.rejected
        ]
        self.file_model.set_rows(files)
        self._fill_sequences()
        rejected = len(self.rollup.rejected)
        self.lower_tabs.setTabText(
            1, self.tr("Files ({0} rejected)").format(rejected) if rejected else self.tr("Files")
        )
        has_any = bool(self.rollup.files or self.rollup.rejected)
        self.stack.setCurrentWidget(self.content if has_any else self.empty)
        self.export_button.setEnabled(bool(self.rollup.files))
        self.clear_button.setEnabled(has_any)
        if has_any and self.live_from is not None:
            self.status_label.setText(
                self.tr("%n rep(s), live from the team database {0}", "", len(reps)).format(self.live_from)
            )
        elif has_any:
            text = files_loaded(self, len(self.rollup.files), len(reps))
            if rejected:
                text += self.tr(" — {0} rejected (see Files)").format(rejected)
            self.status_label.setText(text)
        else:
            self.status_label.clear()
        if self.restore_note:
            text = self.status_label.text()
            self.status_label.setText(f"{text} — {self.restore_note}" if text else self.restore_note)
        if rows:
            self.rep_view.selectRow(len(rows) - 1)  # the team
        self._show_selected()
        if rejected and not self.rollup.files:
            self.lower_tabs.setCurrentIndex(1)

    @staticmethod
    def _rep_row(style: str, f: RepFigures, name: str | None = None) -> tuple[Any, ...]:
        speed = None if f.speed_median_hours is None else f.speed_median_hours * 3600
        return (
            style,
            name or f.rep,
            f.exported_at,
            f.open_count,
            f.open_amount,
            f.weighted_amount,
            f.won_count,
            f.won_amount,
            f.lost_count,
            f.touches,
            speed,
            f.stale_count,
            f.stale_amount,
            f.leads,
        )

    def _fill_sequences(self) -> None:
        """Each sequence name, every rep that has it, then the team's sum (bold)."""
        rows: list[tuple[Any, ...]] = []
        for compared in self.rollup.sequence_comparison():
            for rep, seq in compared.reps:
                # Too few enrolled to compare: shown, with its intervals, but greyed.
                rows.append(
                    self._sequence_row("" if seq.meaningful else STYLE_SMALL, compared.name, rep, seq)
                )
            rows.append(
                self._sequence_row(
                    STYLE_TOTAL,
                    compared.name,
                    self.tr("Team (%n rep(s))", "", len(compared.reps)),
                    compared.team,
                )
            )
        self.sequence_model.set_rows(rows)
        self.sequence_stack.setCurrentWidget(self.sequence_view if rows else self.sequence_hint)
        self.sequence_view.setToolTip(
            self.tr("Rates are of the people enrolled; greyed: fewer than {0} enrolled.").format(MIN_GROUP)
        )

    @staticmethod
    def _sequence_row(style: str, name: str, rep: str, f: SequenceFigures) -> tuple[Any, ...]:
        n = f.enrolled
        r = f.rates()
        return (
            style,
            name,
            rep,
            n,
            f.active,
            f.finished,
            r["reply_rate"],
            interval_text(f.replies, n),
            r["meeting_rate"],
            interval_text(f.meeting_booked, n),
            f.not_interested,
            f.opportunities,
            r["opportunity_rate"],
            interval_text(f.opportunities, n),
            f.won,
            r["won_rate"],
            interval_text(f.won, n),
        )

    def selected_figures(self) -> RepFigures | None:
        index = self.rep_view.currentIndex()
        if not index.isValid():
            return self.rollup.team
        if self.rep_model.row_style(index.row()) == STYLE_TOTAL:
            return self.rollup.team
        name = self.rep_model.row_values(index.row())[0]
        return next((f for f in self.rollup.reps if f.rep == name), None)

    def _show_selected(self) -> None:
        figures = self.selected_figures()
        index = self.rep_view.currentIndex()
        is_team = not index.isValid() or self.rep_model.row_style(index.row()) == STYLE_TOTAL
        if figures is None:
            self.detail_title.clear()
        elif figures.path is None and not is_team:  # a rep's figures computed live
            self.detail_title.setText(
                self.tr("<b>{0}</b> — live from the team database; period {1} to {2}").format(
                    esc(figures.rep), figures.period_from.isoformat(), figures.period_to.isoformat()
                )
            )
        elif figures.path is None:
            self.detail_title.setText(
                self.tr("<b>Team</b> — %n rep(s); period {0} to {1}", "", figures.files).format(
                    figures.period_from.isoformat(), figures.period_to.isoformat()
                )
            )
        else:
            currencies = ", ".join(sorted(figures.currencies))
            self.detail_title.setText(
                self.tr("<b>{0}</b> — {1}; period {2} to {3}; amounts in {4}").format(
                    esc(figures.rep),
                    esc(figures.path.name),
                    figures.period_from.isoformat(),
                    figures.period_to.isoformat(),
                    esc(currencies),
                )
            )
        self.detail.show_figures(self.rollup, figures)

    def select_rep(self, name: str) -> bool:
        for row in range(self.rep_model.rowCount()):
            if self.rep_model.row_values(row)[0] == name:
                self.rep_view.selectRow(row)
                return True
        return False

    def drill_down(self) -> Job | None:
        """Show the picked rep's opportunities."""
        self.lower_tabs.setCurrentIndex(0)
        self.detail.setCurrentWidget(self.detail.opportunity_stack)
        return self.detail.last_job

    def _detail_busy(self, busy: bool) -> None:
        if self._job is not None:
            return
        if busy:
            self.status_label.setText(self.tr("Reading…"))
        else:
            self._refresh_status_only()

    def _refresh_status_only(self) -> None:
        rejected = len(self.rollup.rejected)
        text = files_loaded(self, len(self.rollup.files), len(self.rollup.reps))
        if rejected:
            text += self.tr(" — {0} rejected (see Files)").format(rejected)
        self.status_label.setText(text)

    # --- rollup out ---------------------------------------------------------------------
    def export_rollup(self) -> Job | None:
        if not self.rollup.files:
            return None
        path = ask_rollup_path(self)
        if path is None:
            return None
        if path.suffix.lower() not in (".xlsx", ".csv", ".json"):
            path = path.with_suffix(".xlsx")
        rollup = self.rollup

        def work(_report: Any) -> Path:
            from workbench.services.manager.report import write_rollup

            write_rollup(rollup, path)
            return path

        job = Job(work)
        job.signals.finished.connect(
            lambda p: self.status_label.setText(self.tr("Rollup written to {0}").format(str(p)))
        )
        job.signals.failed.connect(
            lambda exc: QMessageBox.warning(
                self,
                self.tr("Export rollup"),
                self.tr("The rollup could not be written: {0}").format(str(exc)),
            )
        )
        self.last_job = job
        # A few kilobytes per rep: seconds at most, so a line of status rather than a dialog.
        self.status_label.setText(self.tr("Writing the rollup to {0}…").format(path.name))
        return start(job)

    def reload(self) -> None:
        # The files and folders of last time come back first; on a team database an
        # empty Manager view has better to show than how to add files: the team's own
        # figures, computed live.
        if not self.rollup.files and self.live_from is None and not self.rollup.rejected:
            if not self._restored:
                self._restored = True
                if self.restore_paths() is not None:
                    self.populated.emit()
                    return
            self.load_team()
        self.populated.emit()

    def restore_paths(self) -> Job | None:
        """Reload the files and folders the view had open, dropping (and naming) the
        ones no longer there."""
        paths = remembered_paths()
        present = [p for p in paths if p.exists()]
        gone = [p for p in paths if not p.exists()]
        if gone:
            remember_paths(present)
        job = self.add_paths(present, remember=False) if present else None
        if gone:
            note = self.tr("No longer there, dropped from the list: {0}").format(
                ", ".join(p.name for p in gone)
            )
            self.restore_note = note
            self.status_label.setText(note)
        return job
