"""An account's ICP checklist: each criterion met / not met / unknown, with its evidence.

Every change is saved at once (one undoable service call per change) and the fit line
above the list follows: the score, how much research is left, and the best the account
can still reach.

A criterion the account's facts answer (employees against a size range, industry,
region) shows *From the account's facts* as the first choice of its combo, with the
fact beside it; picking *Met* or *Not met* is the rep's own mark (shown as *Your
mark*), and picking the facts' choice again takes it back. A mark the facts
contradict is flagged in the warning colour ("Marked met, but the account has 25,017
employees").
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from workbench.domain import CheckState
from workbench.services.targets import actions as target_actions
from workbench.services.targets import icp
from workbench.services.targets.icp_facts import INDUSTRY, SIZE, FactJudgement
from workbench.ui.common.context import AppContext
from workbench.ui.common.plural import plural
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
        self.grid.setColumnStretch(0, 2)
        self.grid.setColumnStretch(2, 3)
        layout.addWidget(self.grid_host)
        self.combos: dict[int, QComboBox] = {}
        self.evidence: dict[int, QLineEdit] = {}
        #: Per criterion: whose judgement counts (facts / the rep's mark) and any contradiction.
        self.sources: dict[int, QLabel] = {}
        self._shape: list[tuple[int, bool]] = []

    def show_checks(self, account_id: int, lines: list[icp.Check], fit: icp.Fit, note: str) -> None:
        self._loading = True
        try:
            shape = [(c.criterion.id, c.facts is not None) for c in lines]
            same = account_id == self.account_id and shape == self._shape
            self.account_id = account_id
            self._shape = shape
            if same:
                # Update in place: rebuilding would take the focus from the rep's keyboard.
                for line in lines:
                    combo = self.combos[line.criterion.id]
                    if line.facts is not None:  # the facts may have changed their answer
                        combo.setItemText(0, self._facts_choice(line.facts))
                    combo.setCurrentIndex(combo.findData(line.marked.value))
                    evidence = self.evidence[line.criterion.id]
                    if not evidence.isModified():
                        _show_start(evidence, line.evidence)
                    self._show_source(self.sources[line.criterion.id], line)
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
            self.sources.clear()
            if not lines:
                empty = QLabel(self.tr("No ICP criteria yet: add them with Targets → ICP criteria…"), self)
                empty.setWordWrap(True)
                self.grid.addWidget(empty, 0, 0, 1, 3)
            for index, line in enumerate(lines):
                # Two grid rows a criterion: its name, mark and evidence; beneath the mark,
                # whose judgement counts (a fourth column squeezed the evidence to "E…"
                # and wrapped "From the account's facts" into five lines at 1366 px).
                row = 2 * index
                cid = line.criterion.id
                name = QLabel(line.criterion.name, self.grid_host)
                name.setTextFormat(Qt.TextFormat.PlainText)
                name.setWordWrap(True)  # a long criterion wraps rather than squeeze the evidence
                name.setToolTip(
                    self.tr("Counts for {0:.0f} % of the fit score").format(line.share * 100)
                    + (f"\n{line.criterion.description}" if line.criterion.description else "")
                )
                combo = QComboBox(self.grid_host)
                if line.facts is not None:
                    # No mark of the rep's: the facts' judgement counts (unknown = no mark).
                    combo.addItem(self._facts_choice(line.facts), CheckState.UNKNOWN.value)
                    for state in (CheckState.MET, CheckState.NOT_MET):
                        combo.addItem(labels.check_label(state), state.value)
                else:
                    for state in CheckState:
                        combo.addItem(labels.check_label(state), state.value)
                combo.setCurrentIndex(combo.findData(line.marked.value))
                # As wide as "Not met" and a little: the facts' long choice is elided
                # (the line beneath says it whole) so the evidence keeps its room.
                combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                combo.setMinimumContentsLength(12)
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
                source = QLabel(self.grid_host)
                source.setTextFormat(Qt.TextFormat.PlainText)
                source.setWordWrap(True)
                source.setObjectName("icpJudgedBy")
                self._show_source(source, line)
                self.grid.addWidget(source, row + 1, 1, 1, 2)
                self.combos[cid] = combo
                self.evidence[cid] = evidence
                self.sources[cid] = source
            self._show_fit(fit)
            self.note.setText(labels.weighting_note(note))
            self.note.setVisible(bool(note))
        finally:
            self._loading = False

    def _facts_choice(self, facts: FactJudgement) -> str:
        return self.tr("{0} (from the account's facts)").format(labels.check_label(facts.state))

    def _fact_text(self, facts: FactJudgement) -> str:
        if facts.fact == SIZE:
            return plural("%n employee(s)", int(facts.value))
        if facts.fact == INDUSTRY:
            return self.tr("industry “{0}”").format(facts.value)
        return self.tr("region “{0}”").format(facts.value)

    def _show_source(self, label: QLabel, line: icp.Check) -> None:
        """Whose judgement counts on this line, and a mark the facts contradict."""
        facts = line.facts
        if line.contradicted and facts is not None:
            if facts.fact == SIZE:
                text = self.tr("Marked {0}, but the account has {1}").format(
                    labels.check_label(line.marked).lower(), self._fact_text(facts)
                )
            else:
                text = self.tr("Marked {0}, but the account's {1}").format(
                    labels.check_label(line.marked).lower(), self._fact_text(facts)
                )
            label.setText(text)
            label.setProperty("judgedBy", "contradicted")
            label.setStyleSheet("color: #c62828;")
        elif line.from_facts and facts is not None:
            label.setText(self.tr("From the account's facts: {0}").format(self._fact_text(facts)))
            label.setProperty("judgedBy", "facts")
            label.setStyleSheet("")
        elif line.marked != CheckState.UNKNOWN:
            # Said only where the facts could have judged: elsewhere every mark is the rep's.
            label.setText(
                self.tr("Your mark (the account's facts: {0})").format(self._fact_text(facts))
                if facts is not None
                else ""
            )
            label.setProperty("judgedBy", "rep")
            label.setStyleSheet("")
        else:
            label.setText("")
            label.setProperty("judgedBy", "")
            label.setStyleSheet("")
        label.setVisible(bool(label.text()))

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
        for line in target_actions.checklist(self.ctx.wb, self.account_id):
            label = self.sources.get(line.criterion.id)
            if label is not None:
                self._show_source(label, line)
        self.checkChanged.emit()


def _show_start(field: QLineEdit, text: str) -> None:
    """Show a long evidence from its start (a line edit shows its end after setText),
    and all of it on hover."""
    field.setText(text)
    field.setCursorPosition(0)
    field.setToolTip(text)
