"""Enrol people in a sequence: one lead or contact, a selection in Leads, or a target
account's whole buying team. Someone already in a sequence: asks to replace. Some who
cannot be enrolled (trashed, disqualified, no email for an email step): says who and
why, and offers to enrol the others. Undoable (Ctrl+Z takes the enrolment back)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QMessageBox, QVBoxLayout, QWidget

from workbench.services.records import RecordRef
from workbench.services.sequences import enrol, templates
from workbench.services.sequences.enrol import EnrolResult, NeedsReplace, Refused
from workbench.services.sequences.templates import SequenceError
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.plural import plural


class EnrolCommand(QUndoCommand):
    """An enrolment already written when pushed; undo removes it (and revives replaced ones)."""

    def __init__(
        self, ctx: AppContext, result: EnrolResult, text: str, redo_args: tuple[object, ...]
    ) -> None:
        super().__init__(text)
        self.ctx, self.result, self.redo_args = ctx, result, redo_args
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        sequence_id, refs = self.redo_args
        assert isinstance(sequence_id, int) and isinstance(refs, list)
        self.result = enrol.enrol(
            self.ctx.wb, sequence_id, refs, now=self.ctx.clock(), replace=True, skip_refused=True
        )
        _notify(self.ctx)

    def undo(self) -> None:
        enrol.undo_enrol(self.ctx.wb, self.result, now=self.ctx.clock())
        _notify(self.ctx)


def _notify(ctx: AppContext) -> None:
    for topic in (Topic.SEQUENCES, Topic.ACTIVITIES):
        ctx.notify(topic)


class EnrolDialog(QDialog):
    """Pick the sequence (↑/↓), Enter enrols."""

    def __init__(
        self, ctx: AppContext, refs: Sequence[RecordRef], who: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.refs = list(refs)
        self.enrolled: EnrolResult | None = None
        self.setWindowTitle(self.tr("Enrol in a sequence"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Enrol {0} in:").format(who), self))
        self.combo = QComboBox(self)
        self.sequences = templates.list_sequences(ctx.wb, include_retired=False)
        for info in self.sequences:
            self.combo.addItem(
                self.tr("{0} — {1} over {2}").format(
                    info.name,
                    plural("%n step(s)", len(info.steps)),
                    plural("%n working day(s)", info.total_days),
                ),
                info.id,
            )
        layout.addWidget(self.combo)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.enrol)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if not self.sequences:
            self.message.setText(self.tr("No sequence to enrol in: create one on the Sequences page."))
        self.combo.setFocus()

    @property
    def sequence_id(self) -> int | None:
        value = self.combo.currentData()
        return int(value) if value is not None else None

    def enrol(self) -> None:
        sequence_id = self.sequence_id
        if sequence_id is None:
            return
        replace = skip = False
        while True:
            try:
                result = enrol.enrol(
                    self.ctx.wb,
                    sequence_id,
                    self.refs,
                    now=self.ctx.clock(),
                    replace=replace,
                    skip_refused=skip,
                )
            except NeedsReplace as exc:
                if not self.ask(self.tr("Replace their sequence?"), str(exc)):
                    return
                replace = True
            except Refused as exc:
                if not exc.enrollable or not self.ask(
                    self.tr("Enrol the others?"),
                    self.tr("{0}\n\nEnrol the other {1}?").format(exc, exc.enrollable),
                ):
                    self.message.setText(str(exc))
                    return
                skip = True
            except SequenceError as exc:
                self.message.setText(str(exc))
                return
            else:
                break
        self.enrolled = result
        name = self.combo.currentText().split(" — ")[0]
        text = self.tr("Enrol {0} in {1}").format(len(result.enrolled), name)
        self.ctx.undo_stack.push(EnrolCommand(self.ctx, result, text, (sequence_id, self.refs)))
        _notify(self.ctx)
        self.accept()

    # A seam tests answer.
    def ask(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes


def enrol_people(ctx: AppContext, parent: QWidget, refs: Sequence[RecordRef], who: str) -> EnrolDialog | None:
    """Open the enrol dialog (modal-less, like the quick log); None without a workbench."""
    if not ctx.has_workbench or not refs:
        return None
    dialog = EnrolDialog(ctx, refs, who, parent)
    dialog.open()
    return dialog
