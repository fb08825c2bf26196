"""The sequence editor: name, description, stop outcomes and the ordered steps (channel,
wait in working days, instructions; an email step's subject and body with merge fields).
Alt+Up / Alt+Down move the current step; the whole draft is checked by the service when
saved, and a refusal (unknown merge field, negative wait, no steps) is shown with the
dialog left as typed — nothing is lost."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import Outcome, StepChannel
from workbench.domain.sequence_defaults import DEFAULT_STOP_OUTCOMES
from workbench.services.sequences import templates
from workbench.services.sequences.merge import FIELDS
from workbench.services.sequences.templates import SequenceDraft, SequenceError, StepDraft
from workbench.ui.common.context import AppContext


class StepList(QListWidget):
    """The steps; Alt+Up / Alt+Down move the current one."""

    def __init__(self, editor: SequenceEditor) -> None:
        super().__init__(editor)
        self.editor = editor

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.AltModifier and event.key() in (
            Qt.Key.Key_Up,
            Qt.Key.Key_Down,
        ):
            self.editor.move_step(-1 if event.key() == Qt.Key.Key_Up else 1)
            event.accept()
            return
        super().keyPressEvent(event)


class SequenceEditor(QDialog):
    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, sequence_id: int | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.sequence_id = sequence_id
        self.saved_id: int | None = None
        self.before: SequenceDraft | None = None
        self.steps: list[StepDraft] = []
        self._loading = False
        self.setWindowTitle(self.tr("Edit sequence") if sequence_id else self.tr("New sequence"))
        self._build()
        draft = (
            templates.get_sequence(ctx.wb, sequence_id).draft()
            if sequence_id is not None
            else SequenceDraft("", (StepDraft("call", 0),))
        )
        self.name_edit.setText(draft.name)
        self.description_edit.setText(draft.description)
        for outcome, box in self.stop_boxes.items():
            box.setChecked(outcome in draft.stop_outcomes)
        self.steps = list(draft.steps)
        self._fill_list(0)
        self.name_edit.setFocus()
        # Fits 1366×768 with room for the taskbar.
        self.resize(860, 600)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name_edit = QLineEdit(self)
        self.description_edit = QLineEdit(self)
        form.addRow(self.tr("&Name"), self.name_edit)
        form.addRow(self.tr("&Description"), self.description_edit)
        stops = QGridLayout()
        self.stop_boxes: dict[str, QCheckBox] = {}
        for n, outcome in enumerate(Outcome):
            box = QCheckBox(str(outcome), self)
            box.setChecked(outcome in DEFAULT_STOP_OUTCOMES)
            self.stop_boxes[str(outcome)] = box
            stops.addWidget(box, n // 4, n % 4)
        form.addRow(self.tr("Stops on"), stops)
        layout.addLayout(form)
        body = QHBoxLayout()
        left = QVBoxLayout()
        self.step_list = StepList(self)
        self.step_list.currentRowChanged.connect(self._show_step)
        left.addWidget(self.step_list, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("&Add step"), self)
        self.remove_button = QPushButton(self.tr("&Remove"), self)
        self.up_button = QPushButton(self.tr("Up"), self)
        self.down_button = QPushButton(self.tr("Down"), self)
        self.up_button.setToolTip(self.tr("Move the step up (Alt+Up)"))
        self.down_button.setToolTip(self.tr("Move the step down (Alt+Down)"))
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        left.addLayout(buttons)
        body.addLayout(left, 2)
        self.add_button.clicked.connect(self.add_step)
        self.remove_button.clicked.connect(self.remove_step)
        self.up_button.clicked.connect(lambda: self.move_step(-1))
        self.down_button.clicked.connect(lambda: self.move_step(1))
        step_form = QFormLayout()
        self.channel_combo = QComboBox(self)
        for channel in StepChannel:
            self.channel_combo.addItem(str(channel).capitalize(), str(channel))
        self.wait_spin = QSpinBox(self)
        self.wait_spin.setRange(0, templates.MAX_WAIT)
        # The suffix follows the number: "1 working day", "2 working days" (Qt's plural forms).
        self.wait_spin.valueChanged.connect(
            lambda n: self.wait_spin.setSuffix(self.tr(" working day(s) after the previous step", "", n))
        )
        self.wait_spin.setSuffix(
            self.tr(" working day(s) after the previous step", "", self.wait_spin.value())
        )
        self.instructions_edit = QLineEdit(self)
        self.subject_edit = QLineEdit(self)
        self.body_edit = QPlainTextEdit(self)
        self.body_edit.setTabChangesFocus(True)
        step_form.addRow(self.tr("&Channel"), self.channel_combo)
        step_form.addRow(self.tr("&Wait"), self.wait_spin)
        step_form.addRow(self.tr("&Instructions"), self.instructions_edit)
        step_form.addRow(self.tr("&Subject"), self.subject_edit)
        step_form.addRow(self.tr("&Body"), self.body_edit)
        fields = QLabel(self.tr("Merge fields: ") + " ".join("{" + f + "}" for f in FIELDS), self)
        fields.setWordWrap(True)
        fields.setObjectName("hint")
        step_form.addRow("", fields)
        body.addLayout(step_form, 3)
        layout.addLayout(body, 1)
        for signal in (
            self.channel_combo.currentIndexChanged,
            self.wait_spin.valueChanged,
            self.instructions_edit.textChanged,
            self.subject_edit.textChanged,
            self.body_edit.textChanged,
        ):
            signal.connect(self._step_edited)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        layout.addWidget(self.message)
        buttons_box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons_box.accepted.connect(self.save)
        buttons_box.rejected.connect(self.reject)
        layout.addWidget(buttons_box)

    # --- steps ---------------------------------------------------------------------------
    def _label(self, number: int, step: StepDraft) -> str:
        text = f"{number}. {step.channel.capitalize()} +{step.wait_days}d"
        detail = step.subject if step.channel == StepChannel.EMAIL else step.instructions
        return f"{text} — {detail}" if detail else text

    def _fill_list(self, current: int) -> None:
        self._loading = True
        self.step_list.clear()
        for n, step in enumerate(self.steps, start=1):
            self.step_list.addItem(self._label(n, step))
        self._loading = False
        if self.steps:
            self.step_list.setCurrentRow(max(0, min(current, len(self.steps) - 1)))
        self._show_step(self.step_list.currentRow())

    def _show_step(self, row: int) -> None:
        if self._loading:
            return
        enabled = 0 <= row < len(self.steps)
        for widget in (
            self.channel_combo,
            self.wait_spin,
            self.instructions_edit,
            self.subject_edit,
            self.body_edit,
        ):
            widget.setEnabled(enabled)
        if not enabled:
            return
        step = self.steps[row]
        self._loading = True
        self.channel_combo.setCurrentIndex(max(0, self.channel_combo.findData(step.channel)))
        self.wait_spin.setValue(max(0, step.wait_days))
        self.instructions_edit.setText(step.instructions)
        self.subject_edit.setText(step.subject)
        self.body_edit.setPlainText(step.body)
        self._loading = False
        email = step.channel == StepChannel.EMAIL
        self.subject_edit.setEnabled(email)
        self.body_edit.setEnabled(email)

    def _step_edited(self, *_args: object) -> None:
        row = self.step_list.currentRow()
        if self._loading or not 0 <= row < len(self.steps):
            return
        channel = str(self.channel_combo.currentData())
        self.steps[row] = StepDraft(
            channel,
            self.wait_spin.value(),
            self.instructions_edit.text(),
            self.subject_edit.text(),
            self.body_edit.toPlainText(),
        )
        item = self.step_list.item(row)
        if item is not None:
            item.setText(self._label(row + 1, self.steps[row]))
        email = channel == StepChannel.EMAIL
        self.subject_edit.setEnabled(email)
        self.body_edit.setEnabled(email)

    def add_step(self) -> None:
        row = self.step_list.currentRow()
        self.steps.insert(row + 1, StepDraft("call", 1))
        self._fill_list(row + 1)
        self.channel_combo.setFocus()

    def remove_step(self) -> None:
        row = self.step_list.currentRow()
        if 0 <= row < len(self.steps):
            del self.steps[row]
            self._fill_list(row)

    def move_step(self, delta: int) -> None:
        row = self.step_list.currentRow()
        target = row + delta
        if 0 <= row < len(self.steps) and 0 <= target < len(self.steps):
            self.steps[row], self.steps[target] = self.steps[target], self.steps[row]
            self._fill_list(target)

    # --- saving --------------------------------------------------------------------------
    def draft(self) -> SequenceDraft:
        stops = tuple(o for o, box in self.stop_boxes.items() if box.isChecked())
        return SequenceDraft(self.name_edit.text(), tuple(self.steps), self.description_edit.text(), stops)

    def save(self) -> None:
        draft = self.draft()
        now = self.ctx.clock()
        try:
            if self.sequence_id is None:
                self.saved_id = templates.create_sequence(self.ctx.wb, draft, now=now)
            else:
                self.before = templates.update_sequence(self.ctx.wb, self.sequence_id, draft, now=now)
                self.saved_id = self.sequence_id
        except SequenceError as exc:
            self.message.setText(str(exc))
            return
        self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter in a one-line field saves; in the body it is a new line (the widget's own).
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.save()
            return
        super().keyPressEvent(event)
