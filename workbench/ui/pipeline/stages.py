"""Pipeline stages: rename, reorder, default probability, days until a deal is stale.

Every change is saved at once through :mod:`workbench.services.pipeline.stages`. Renaming
keeps history (changes point at the stage, not its name); a stage can only be removed
once no opportunity is in it. :class:`StagesEditor` can be embedded in a settings
dialog; :class:`StagesDialog` shows it on its own (Pipeline → Edit stages…).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.services.pipeline import stages as pipeline
from workbench.services.pipeline.stages import Stage
from workbench.services.settings import values as settings
from workbench.services.tables import ColumnKind
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.small_table import SmallTable
from workbench.ui.common.undo import undoable
from workbench.ui.pipeline import moves


def ask_name(parent: QWidget, title: str, label: str) -> str | None:
    """Asks for a stage name (tests replace this function)."""
    text, ok = QInputDialog.getText(parent, title, label)
    return text if ok else None


class StagesEditor(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.stages: list[Stage] = []
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.table = SmallTable(
            [
                (self.tr("Stage"), ColumnKind.TEXT),
                (self.tr("Probability"), ColumnKind.PERCENT),
                (self.tr("Stale after (days)"), ColumnKind.TEXT),
                (self.tr("Kind"), ColumnKind.TEXT),
            ],
            self.tr("No stages."),
            self,
            max_rows=12,
            widths=(150, 80, 120),
        )
        self.table.view.selectionModel().currentRowChanged.connect(lambda *_a: self._show_current())
        left.addWidget(self.table)
        moves_row = QHBoxLayout()
        self.up_button = QPushButton(self.tr("Move &up"), self)
        self.down_button = QPushButton(self.tr("Move &down"), self)
        self.add_button = QPushButton(self.tr("&Add stage…"), self)
        self.remove_button = QPushButton(self.tr("&Remove"), self)
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button.clicked.connect(lambda: self.move_current(1))
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove_current)
        for button in (self.up_button, self.down_button, self.add_button, self.remove_button):
            moves_row.addWidget(button)
        left.addLayout(moves_row)
        layout.addLayout(left, 2)

        form = QFormLayout()
        self.name = QLineEdit(self)
        self.name.editingFinished.connect(self._rename)
        form.addRow(self.tr("&Name:"), self.name)
        self.probability = QSpinBox(self)
        self.probability.setRange(0, 100)
        self.probability.setSuffix(" %")
        self.probability.editingFinished.connect(self._set_probability)
        form.addRow(self.tr("&Probability:"), self.probability)
        self.stale_days = QSpinBox(self)
        self.stale_days.setRange(0, 3650)
        self.stale_days.editingFinished.connect(self._set_stale_days)
        form.addRow(self.tr("&Stale after:"), self.stale_days)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        note = QLabel(
            self.tr(
                "Renaming keeps the history of every deal. Won and Lost always close the "
                "pipeline. “Stale after” 0 uses the general setting."
            ),
            self,
        )
        note.setWordWrap(True)
        note.setObjectName("hint")
        form.addRow(note)
        layout.addLayout(form, 1)
        self.reload()

    # --- showing --------------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else self.current_id()
        self.stages = pipeline.list_stages(self.ctx.wb)
        default_days = int(settings.read(self.ctx.wb, "pipeline.stale_days"))
        kinds = {"open": self.tr("open"), "won": self.tr("won"), "lost": self.tr("lost")}
        self.table.set_rows(
            [
                (
                    s.id,
                    "",
                    s.name,
                    s.probability,
                    self._stale_text(s, default_days),
                    kinds.get(s.kind.value, s.kind.value),
                )
                for s in self.stages
            ]
        )
        row = next((i for i, s in enumerate(self.stages) if s.id == keep), 0)
        if self.stages:
            self.table.view.selectRow(row)
        self._show_current()

    def _stale_text(self, stage: Stage, default_days: int) -> str:
        if not stage.is_open:
            return ""
        if stage.stale_days:
            return str(stage.stale_days)
        return self.tr("{0} (default)").format(default_days)

    def current(self) -> Stage | None:
        stage_id = self.table.current_id()
        return next((s for s in self.stages if s.id == stage_id), None)

    def current_id(self) -> int | None:
        return self.table.current_id()

    def _show_current(self) -> None:
        stage = self.current()
        for widget in (self.name, self.probability, self.up_button, self.down_button, self.remove_button):
            widget.setEnabled(stage is not None)
        if stage is None:
            return
        self.name.setText(stage.name)
        self.probability.setValue(round(stage.probability * 100))
        self.stale_days.setValue(stage.stale_days or 0)
        self.stale_days.setEnabled(stage.is_open)
        self.up_button.setEnabled(stage.is_open)
        self.down_button.setEnabled(stage.is_open)

    # --- changes ---------------------------------------------------------------------------
    def _apply(self, change: Callable[[], object], stage_id: int | None) -> bool:
        try:
            with undoable(self.ctx, self.tr("Change the pipeline stages")):
                change()
        except pipeline.PipelineError as exc:
            self.error.setText(str(exc))
            self.reload(stage_id)
            return False
        except Exception as exc:
            if not moves.warn(self, self.tr("Cannot change the stages"), exc):
                raise
            return False
        self.error.clear()
        self.reload(stage_id)
        self.ctx.notify(Topic.SETTINGS)
        self.changed.emit()
        return True

    def _rename(self) -> None:
        stage = self.current()
        if stage is not None and self.name.text().strip() != stage.name:
            self._apply(lambda: pipeline.rename_stage(self.ctx.wb, stage.id, self.name.text()), stage.id)

    def _set_probability(self) -> None:
        stage = self.current()
        value = self.probability.value() / 100
        if stage is not None and abs(value - stage.probability) > 1e-9:
            self._apply(lambda: pipeline.set_stage_probability(self.ctx.wb, stage.id, value), stage.id)

    def _set_stale_days(self) -> None:
        stage = self.current()
        days = self.stale_days.value() or None
        if stage is not None and days != stage.stale_days:
            self._apply(lambda: pipeline.set_stage_stale_days(self.ctx.wb, stage.id, days), stage.id)

    def move_current(self, step: int) -> bool:
        stage = self.current()
        if stage is None:
            return False
        ids = [s.id for s in self.stages]
        at = ids.index(stage.id)
        to = at + step
        if not 0 <= to < len(ids) or not self.stages[to].is_open:
            return False
        ids[at], ids[to] = ids[to], ids[at]
        return self._apply(lambda: pipeline.reorder_stages(self.ctx.wb, ids), stage.id)

    def add(self) -> bool:
        name = ask_name(self, self.tr("Add a stage"), self.tr("Name of the new stage:"))
        if not name:
            return False
        open_stages = [s for s in self.stages if s.is_open]
        probability = open_stages[-1].probability if open_stages else 0.5
        added: list[Stage] = []
        ok = self._apply(lambda: added.append(pipeline.add_stage(self.ctx.wb, name, probability)), None)
        if ok and added:
            self.reload(added[0].id)
        return ok

    def remove_current(self) -> bool:
        stage = self.current()
        if stage is None:
            return False
        return self._apply(lambda: pipeline.remove_stage(self.ctx.wb, stage.id), None)


class StagesDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Pipeline stages"))
        self.resize(720, 420)
        layout = QVBoxLayout(self)
        self.editor = StagesEditor(ctx, self)
        layout.addWidget(self.editor)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
