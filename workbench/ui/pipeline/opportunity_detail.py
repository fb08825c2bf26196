"""One opportunity: its numbers and next step (editable), won/lost/reopen, where it came
from, its stage history and its timeline (the deal's touches and those of the lead it
came from)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import StageKind
from workbench.services.pipeline import stages as pipeline
from workbench.services.pipeline.board import HistoryRow, OpportunityDetail, detail
from workbench.services.pipeline.stages import PipelineError
from workbench.services.records import RecordKind, RecordRef
from workbench.services.tables import ColumnKind
from workbench.ui.common import format as fmt
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.common.money_input import AmountEdit
from workbench.ui.common.plain import esc, plain
from workbench.ui.common.small_table import SmallTable
from workbench.ui.common.undo import undoable
from workbench.ui.outreach.timeline import TimelineWidget
from workbench.ui.pipeline import moves
from workbench.ui.pipeline.close_opportunity import confirm, reason_text
from workbench.ui.pipeline.convert_lead import OptionalDate


class OpportunityDetailView(QWidget):
    """Shows one opportunity; :attr:`closeRequested` when the rep closes the panel."""

    closeRequested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.opportunity_id: int | None = None
        self.info: OpportunityDetail | None = None
        self._loading = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroller = QScrollArea(self)
        scroller.setWidgetResizable(True)
        outer.addWidget(scroller)
        body = QWidget(scroller)
        scroller.setWidget(body)
        layout = QVBoxLayout(body)

        top = QHBoxLayout()
        self.name = QLineEdit(body)
        self.name.setAccessibleName(self.tr("Opportunity name"))
        font = self.name.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.name.setFont(font)
        close = QPushButton(self.tr("Close"), body)
        close.setToolTip(self.tr("Hide the details (Esc)"))
        close.clicked.connect(self.closeRequested)
        top.addWidget(self.name, 1)
        top.addWidget(close)
        layout.addLayout(top)
        self.where = QLabel(body)
        self.where.setWordWrap(True)
        layout.addWidget(self.where)
        self.flags = QLabel(body)
        self.flags.setWordWrap(True)
        layout.addWidget(self.flags)

        self.stage_label = QLabel(body)
        self.stage_label.setWordWrap(True)
        layout.addWidget(self.stage_label)
        stage_row = QHBoxLayout()
        self.won_button = QPushButton(self.tr("Won…"), body)
        self.lost_button = QPushButton(self.tr("Lost…"), body)
        self.reopen_button = QPushButton(self.tr("Reopen"), body)
        self.won_button.setToolTip(self.tr("Mark as won, with the reason (Ctrl+Shift+W)"))
        self.lost_button.setToolTip(self.tr("Mark as lost, with the reason (Ctrl+Shift+L)"))
        self.won_button.clicked.connect(lambda: self.close_as(StageKind.WON))
        self.lost_button.clicked.connect(lambda: self.close_as(StageKind.LOST))
        self.reopen_button.clicked.connect(self.reopen)
        for button in (self.won_button, self.lost_button, self.reopen_button):
            stage_row.addWidget(button)
        stage_row.addStretch(1)
        layout.addLayout(stage_row)

        form = QFormLayout()
        money = QHBoxLayout()
        self.amount = AmountEdit(body)
        self.currency = QLineEdit(body)
        self.currency.setMaxLength(3)
        self.currency.setFixedWidth(self.fontMetrics().horizontalAdvance("WWWW") + 12)
        money.addWidget(self.amount, 1)
        money.addWidget(self.currency)
        amount_label = QLabel(self.tr("&Amount:"), body)
        amount_label.setBuddy(self.amount)
        form.addRow(amount_label, money)
        self.probability = QSpinBox(body)
        self.probability.setRange(-1, 100)
        self.probability.setSuffix(" %")
        form.addRow(self.tr("&Probability:"), self.probability)
        self.expected_close = OptionalDate(self.tr("Expected close"), None, body)
        form.addRow("", self.expected_close)
        self.next_step = QLineEdit(body)
        self.next_step.setPlaceholderText(self.tr("What happens next?"))
        form.addRow(self.tr("&Next step:"), self.next_step)
        self.next_step_due = OptionalDate(self.tr("Due"), None, body)
        form.addRow("", self.next_step_due)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.error = QLabel(body)
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.save_button = QPushButton(self.tr("&Save"), body)
        self.save_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.save_button.setToolTip(self.tr("Save the changes (Ctrl+Enter)"))
        self.save_button.clicked.connect(self.save)
        self.trash_button = QPushButton(self.tr("Move to trash"), body)
        self.trash_button.clicked.connect(self.trash)
        buttons.addWidget(self.error, 1)
        buttons.addWidget(self.trash_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        for edit in (self.name, self.amount, self.currency, self.next_step):
            edit.returnPressed.connect(self.save)

        self.origin = plain(QLabel(body))
        self.origin.setWordWrap(True)
        layout.addWidget(self.origin)
        layout.addWidget(QLabel(self.tr("<b>Stage history</b>"), body))
        self.history = SmallTable(
            [(self.tr("When"), ColumnKind.DATETIME), (self.tr("Change"), ColumnKind.TEXT)],
            self.tr("No stage changes yet."),
            body,
            max_rows=6,
            widths=(130,),
        )
        layout.addWidget(self.history)
        layout.addWidget(QLabel(self.tr("<b>What happened</b>"), body))
        self.timeline = TimelineWidget(ctx, body)
        self.timeline.setMinimumHeight(self.fontMetrics().height() * 14)
        layout.addWidget(self.timeline, 1)
        layout.addStretch(0)
        self.setMinimumWidth(380)

    # --- showing ---------------------------------------------------------------------
    def show_opportunity(self, opportunity_id: int | None) -> None:
        self.opportunity_id = opportunity_id
        self.reload()

    def reload(self) -> None:
        self.error.clear()
        if self.opportunity_id is None:
            self.info = None
            self.setEnabled(False)
            return
        try:
            self.info = detail(self.ctx.wb, self.opportunity_id, clock=self.ctx.clock)
        except pipeline.NotFound:
            self.opportunity_id = None
            self.info = None
            self.setEnabled(False)
            self.closeRequested.emit()
            return
        self.setEnabled(True)
        self._fill(self.info)

    def _fill(self, info: OpportunityDetail) -> None:
        opp = info.opportunity
        self._loading = True
        self.name.setText(opp.name)
        where = [w for w in (info.account_name, info.contact_name) if w]
        self.where.setText(" · ".join(where) or self.tr("No account"))
        flags = []
        if info.stale:
            flags.append(
                self.tr("<span style='color:#b35c00'>Stale: no touch for a while in this stage.</span>")
            )
        if opp.outcome == "open" and not opp.next_step.strip():
            flags.append(self.tr("<span style='color:#8e24aa'>No next step: what happens next?</span>"))
        self.flags.setText("<br>".join(flags))
        self.flags.setVisible(bool(flags))
        stage_text = self.tr("Stage: <b>{0}</b> · in it for {1}").format(
            esc(info.stage.name), fmt.age_text(opp.stage_entered_at, self.ctx.clock())
        )
        if opp.outcome != "open" and opp.closed_at is not None:
            reason = reason_text(self, opp.close_reason)
            stage_text += "<br>" + self.tr("Closed {0} — {1}").format(
                fmt.date_text(opp.closed_at.date()), esc(reason)
            )
            if opp.close_note:
                stage_text += f": {_escape(opp.close_note)}"
        self.stage_label.setText(stage_text)
        is_open = opp.outcome == "open"
        self.won_button.setVisible(is_open)
        self.lost_button.setVisible(is_open)
        self.reopen_button.setVisible(not is_open)
        self.amount.set_amount(opp.amount)
        self.currency.setText(opp.currency)
        self.probability.setSpecialValueText(
            self.tr("Stage default ({0} %)").format(round(info.stage.probability * 100))
        )
        self.probability.setValue(-1 if opp.probability is None else round(opp.probability * 100))
        self._set_date(self.expected_close, opp.expected_close)
        self.next_step.setText(opp.next_step)
        self._set_date(self.next_step_due, opp.next_step_due)
        self.origin.setText(self._origin_text(info))
        self.history.set_rows(
            [(i, "", row.at, self._history_text(row)) for i, row in enumerate(reversed(info.history))]
        )
        self._fill_timeline(info)
        self._loading = False

    def _fill_timeline(self, info: OpportunityDetail) -> None:
        assert info.opportunity.id is not None
        self.timeline.show_record(RecordRef(RecordKind.OPPORTUNITY, info.opportunity.id))

    @staticmethod
    def _set_date(widget: OptionalDate, value: object) -> None:
        if isinstance(value, date):
            widget.edit.setDate(QDate(value.year, value.month, value.day))
        widget.check.setChecked(isinstance(value, date))

    def _origin_text(self, info: OpportunityDetail) -> str:
        opp = info.opportunity
        if opp.origin_lead_id is None:
            return self.tr("Opened by you on a target account ({0}), {1}.").format(
                opp.kind, fmt.date_text(opp.created_at.date())
            )
        parts = [opp.kind, opp.source, opp.campaign]
        text = self.tr("From a lead: {0}").format(" · ".join(p for p in parts if p))  # a plain label
        if opp.lead_received_at is not None:
            text += self.tr(", received {0}").format(fmt.datetime_text(opp.lead_received_at))
        return text + "."

    def _history_text(self, row: HistoryRow) -> str:
        if row.from_stage is None:
            return self.tr("Entered the pipeline in {0}").format(row.to_stage.name)
        if row.is_reopen:
            return self.tr("Reopened: {0} → {1}").format(row.from_stage.name, row.to_stage.name)
        if not row.to_stage.is_open:
            reason = reason_text(self, row.note)
            return self.tr("{0} → {1} ({2})").format(row.from_stage.name, row.to_stage.name, reason)
        return self.tr("{0} → {1}").format(row.from_stage.name, row.to_stage.name)

    # --- actions ------------------------------------------------------------------------
    def save(self) -> bool:
        if self.info is None or self.opportunity_id is None:
            return False
        opp = self.info.opportunity
        try:
            probability = self.probability.value()
            wanted = {
                "name": self.name.text(),
                "amount": self.amount.amount(),
                "currency": self.currency.text(),
                "probability": None if probability < 0 else probability / 100,
                "expected_close": self.expected_close.value(),
                "next_step": self.next_step.text(),
                "next_step_due": self.next_step_due.value(),
            }
            changes = {k: v for k, v in wanted.items() if getattr(opp, k) != v}
            if changes:
                with undoable(self.ctx, self.tr("Edit “{0}”").format(opp.name), Topic.OPPORTUNITIES):
                    pipeline.update_opportunity(
                        self.ctx.wb, self.opportunity_id, clock=self.ctx.clock, **changes
                    )
        except PipelineError as exc:
            self.error.setText(str(exc))
            return False
        except Exception as exc:
            if not moves.warn(self, self.tr("Cannot save"), exc):
                raise
            return False
        self.error.clear()
        if changes:
            self.ctx.notify(Topic.OPPORTUNITIES)
            self.reload()
        return True

    def close_as(self, outcome: StageKind) -> bool:
        if self.opportunity_id is None:
            return False
        stage = next((s for s in pipeline.list_stages(self.ctx.wb) if s.kind is outcome), None)
        if stage is None:
            return False
        changed = moves.move(self, self.ctx, self.opportunity_id, stage)
        self.reload()
        return changed

    def reopen(self) -> bool:
        if self.opportunity_id is None:
            return False
        changed = moves.reopen(self, self.ctx, self.opportunity_id)
        self.reload()
        return changed

    def trash(self) -> bool:
        if self.opportunity_id is None or self.info is None:
            return False
        if not confirm(
            self,
            self.tr("Move to trash?"),
            self.tr("Move “{0}” and its activities to the trash? You can restore it from the trash.").format(
                self.info.opportunity.name
            ),
        ):
            return False
        try:
            text = self.tr("Move “{0}” to the trash").format(self.info.opportunity.name)
            with undoable(self.ctx, text):
                pipeline.trash_opportunity(self.ctx.wb, self.opportunity_id, clock=self.ctx.clock)
        except Exception as exc:
            if not moves.warn(self, self.tr("Cannot move to trash"), exc):
                raise
            return False
        self.opportunity_id = None
        self.info = None
        self.ctx.notify(Topic.OPPORTUNITIES)
        self.closeRequested.emit()
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.closeRequested.emit()
            return
        super().keyPressEvent(event)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
