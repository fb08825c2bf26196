"""An account's ICP checklist: each criterion met / not met / unknown, with its evidence.

Every change is saved at once (one service call per change) and the fit line above
the list follows: the score, how much research is left, and the best the account
can still reach.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from workbench.domain import CheckState
from workbench.services.targets import actions as target_actions
from workbench.services.targets import icp
from workbench.ui.common.context import AppContext
from workbench.ui.common.undo import undoable
from workbench.ui.targets import labels


class IcpChecklist(QWidget):
    #: The account's fit score changed (the list and grid show it).
    checkChanged = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id: int | None = None
        self._loading = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.fit_label = QLabel(self)
        self.fit_label.setObjectName("fitLine")
        layout.addWidget(self.fit_label)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #b35c00")
        layout.addWidget(self.note)
        self.grid_host = QWidget(self)
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setColumnStretch(2, 1)
        layout.addWidget(self.grid_host)
        self.combos: dict[int, QComboBox] = {}
        self.evidence: dict[int, QLineEdit] = {}

    def show_checks(self, account_id: int, lines: list[icp.Check], fit: icp.Fit, note: str) -> None:
        self._loading = True
        try:
            same = account_id == self.account_id and [c.criterion.id for c in lines] == list(self.combos)
            self.account_id = account_id
            if same:
                # Update in place: rebuilding would take the focus from the rep's keyboard.
                for line in lines:
                    combo = self.combos[line.criterion.id]
                    combo.setCurrentIndex(combo.findData(line.state.value))
                    evidence = self.evidence[line.criterion.id]
                    if not evidence.isModified():
                        _show_start(evidence, line.evidence)
                self._show_fit(fit)
                return
            while self.grid.count():
                item = self.grid.takeAt(0)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.hide()
                    widget.deleteLater()
            self.combos.clear()
            self.evidence.clear()
            if not lines:
                empty = QLabel(self.tr("No ICP criteria yet: add them with Targets → ICP criteria…"), self)
                empty.setWordWrap(True)
                self.grid.addWidget(empty, 0, 0, 1, 3)
            for row, line in enumerate(lines):
                cid = line.criterion.id
                name = QLabel(line.criterion.name, self.grid_host)
                name.setToolTip(
                    self.tr("Counts for {0:.0f} % of the fit score").format(line.share * 100)
                    + (f"\n{line.criterion.description}" if line.criterion.description else "")
                )
                combo = QComboBox(self.grid_host)
                for state in CheckState:
                    combo.addItem(labels.check_label(state), state.value)
                combo.setCurrentIndex(combo.findData(line.state.value))
                combo.setAccessibleName(line.criterion.name)
                name.setBuddy(combo)
                evidence = QLineEdit(self.grid_host)
                _show_start(evidence, line.evidence)
                evidence.setPlaceholderText(self.tr("Evidence (where you saw it)"))
                combo.currentIndexChanged.connect(lambda _i, c=cid: self._state_changed(c))
                evidence.editingFinished.connect(lambda c=cid: self._evidence_changed(c))
                self.grid.addWidget(name, row, 0)
                self.grid.addWidget(combo, row, 1)
                self.grid.addWidget(evidence, row, 2)
                self.combos[cid] = combo
                self.evidence[cid] = evidence
            self._show_fit(fit)
            self.note.setText(labels.weighting_note(note))
            self.note.setVisible(bool(note))
        finally:
            self._loading = False

    def _show_fit(self, fit: icp.Fit) -> None:
        if fit.total == 0:
            self.fit_label.setText("")
            return
        if fit.met + fit.not_met == 0:
            text = self.tr("<b>Fit: not assessed yet</b> — every criterion is still unknown")
        else:
            text = self.tr("<b>Fit {0:.0f}</b> of 100").format(fit.score)
            if fit.unknown:
                text += self.tr(" · research left {0:.0f} % ({1} unknown) · could reach {2:.0f}").format(
                    fit.research_left, fit.unknown, fit.potential
                )
        self.fit_label.setText(text)

    def set_state(self, criterion_id: int, state: CheckState) -> None:
        combo = self.combos[criterion_id]
        combo.setCurrentIndex(combo.findData(state.value))

    def _state_changed(self, criterion_id: int) -> None:
        self._save(criterion_id)

    def _evidence_changed(self, criterion_id: int) -> None:
        if self.evidence[criterion_id].isModified():
            self.evidence[criterion_id].setModified(False)
            self._save(criterion_id)

    def _save(self, criterion_id: int) -> None:
        if self._loading or self.account_id is None:
            return
        state = str(self.combos[criterion_id].currentData())
        with undoable(self.ctx, self.tr("Judge an ICP criterion")):
            fit = target_actions.set_check(
                self.ctx.wb,
                self.account_id,
                criterion_id,
                state,
                self.evidence[criterion_id].text(),
                self.ctx.clock,
            )
        self._show_fit(fit)
        self.checkChanged.emit()


def _show_start(field: QLineEdit, text: str) -> None:
    """Show a long evidence from its start (a line edit shows its end after setText),
    and all of it on hover."""
    field.setText(text)
    field.setCursorPosition(0)
    field.setToolTip(text)
