"""The list pages of the Settings dialog: lead sources, disqualify and won/lost
reasons, ICP criteria and pipeline stages (the last two embed the editors the
Targets and Pipeline menus open on their own)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import CloseReason, DisqualifyReason
from workbench.services.settings import lead_sources, reasons
from workbench.services.settings import values as settings
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.settings.base import SettingsPage

ID_ROLE = Qt.ItemDataRole.UserRole
ORIGINAL_ROLE = Qt.ItemDataRole.UserRole + 1


class NameListEditor(QWidget):
    """A short list of names to add to, rename (F2 or double-click), remove (Del) and
    reorder (Alt+Up/Down). Each line may carry an id and the name it was read with."""

    edited = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, reset: Callable[[], list[str]] | None = None
    ) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget(self)
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("&Add"), self)
        self.remove_button = QPushButton(self.tr("&Remove"), self)
        self.up_button = QPushButton(self.tr("Move &up"), self)
        self.down_button = QPushButton(self.tr("Move do&wn"), self)
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        self.reset_button: QPushButton | None = None
        self._reset = reset
        if reset is not None:
            buttons.addStretch(1)
            self.reset_button = QPushButton(self.tr("Built-in &list"), self)
            self.reset_button.setAutoDefault(False)
            self.reset_button.setToolTip(self.tr("Back to the reasons the app comes with"))
            self.reset_button.clicked.connect(self.reset)
            buttons.addWidget(self.reset_button)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove_current)
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button.clicked.connect(lambda: self.move_current(1))
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.list, self.remove_current)
        QShortcut(QKeySequence("Alt+Up"), self.list, lambda: self.move_current(-1))
        QShortcut(QKeySequence("Alt+Down"), self.list, lambda: self.move_current(1))
        self.list.itemChanged.connect(lambda _item: self.edited.emit())

    def set_items(self, rows: Sequence[tuple[str, object, str]]) -> None:
        """(shown name, id or None, original name) per line."""
        self.list.blockSignals(True)
        self.list.clear()
        for name, item_id, original in rows:
            self._append(name, item_id, original)
        self.list.blockSignals(False)
        if self.list.count():
            self.list.setCurrentRow(0)

    def _append(self, name: str, item_id: object = None, original: str = "") -> QListWidgetItem:
        item = QListWidgetItem(name, self.list)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        item.setData(ID_ROLE, item_id)
        item.setData(ORIGINAL_ROLE, original)
        return item

    def items(self) -> list[tuple[str, object, str]]:
        rows = []
        for row in range(self.list.count()):
            item = self.list.item(row)
            rows.append((item.text(), item.data(ID_ROLE), str(item.data(ORIGINAL_ROLE) or "")))
        return rows

    def names(self) -> list[str]:
        return [name for name, _id, _original in self.items()]

    def add(self, name: str = "") -> QListWidgetItem:
        item = self._append(name or self.tr("New entry"))
        self.list.setCurrentItem(item)
        self.list.editItem(item)
        self.edited.emit()
        return item

    def remove_current(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self.edited.emit()

    def move_current(self, step: int) -> None:
        row = self.list.currentRow()
        to = row + step
        if row < 0 or not 0 <= to < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(to, item)
        self.list.setCurrentRow(to)
        self.edited.emit()

    def reset(self) -> None:
        if self._reset is not None:
            self.set_items([(name, None, "") for name in self._reset()])
            self.edited.emit()


class SourcesPage(SettingsPage):
    topics = (Topic.SETTINGS, Topic.LEADS)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Where leads come from, in the order the pickers list them. Renaming a source renames "
                "it on its leads and deals too; a removed source is only hidden — leads keep it."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.editor = NameListEditor(self)
        layout.addWidget(self.editor, 1)
        self.result = QLabel(self)
        layout.addWidget(self.result)
        self._loaded: list[tuple[str, object, str]] = []
        self.reload()

    def page_title(self) -> str:
        return self.tr("Lead sources")

    def reload(self) -> None:
        rows = [(s.name, s.id, s.original) for s in lead_sources.list_sources(self.ctx.wb)]
        self.editor.set_items(rows)
        self._loaded = self.editor.items()

    def is_dirty(self) -> bool:
        return self.editor.items() != self._loaded

    def save(self) -> None:
        rows = [
            lead_sources.SourceRow(int(i) if isinstance(i, int) else None, name, original)
            for name, i, original in self.editor.items()
        ]
        renamed = lead_sources.save_sources(self.ctx.wb, rows)
        if renamed:
            self.result.setText(self.tr("%n lead(s) and deal(s) follow the new names.", "", renamed))
        self.reload()


def _disqualify_label(value: str) -> str:
    from workbench.ui.leads.labels import reason_label

    return reason_label(value)


class ReasonsPage(SettingsPage):
    """The lists the disqualify and won/lost pickers show. Built-in reasons are shown
    by their words and stored by their value, so renaming "Wrong market" back and forth
    never creates a second reason."""

    topics = (Topic.SETTINGS,)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        from workbench.ui.pipeline.close_opportunity import reason_text, won_labels

        self._disqualify_words = _disqualify_label
        self._close_words: Callable[[str], str] = lambda value: reason_text(self, value)
        self._won_words: Callable[[str], str] = lambda value: won_labels(self).get(value, value)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "The reasons you pick from when you disqualify a lead (keys 1–9) and when a deal is won "
                "or lost. Reorder, remove or add your own; what is already recorded keeps its reason. "
                "“Other” always asks for a note."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(QLabel(self.tr("<b>Disqualify a lead</b>"), self))
        self.disqualify_list = NameListEditor(
            self, reset=lambda: [self._disqualify_words(r.value) for r in DisqualifyReason]
        )
        left.addWidget(self.disqualify_list)
        # Two columns, won above lost: three list editors side by side were 1,300 px
        # wide and pushed the dialog's buttons off a 1366 × 768 screen.
        right.addWidget(QLabel(self.tr("<b>Deal won</b>"), self))
        self.won_list = NameListEditor(self, reset=lambda: [self._won_words(r) for r in reasons.WON_DEFAULTS])
        right.addWidget(self.won_list)
        right.addWidget(QLabel(self.tr("<b>Deal lost</b>"), self))
        self.close_list = NameListEditor(
            self, reset=lambda: [self._close_words(r.value) for r in CloseReason]
        )
        right.addWidget(self.close_list)
        row.addLayout(left)
        row.addLayout(right)
        layout.addLayout(row, 1)
        self._loaded: tuple[list[str], ...] = ()
        self.reload()

    def page_title(self) -> str:
        return self.tr("Reasons")

    def reload(self) -> None:
        self.disqualify_list.set_items(
            [(self._disqualify_words(v), None, v) for v in reasons.disqualify_reasons(self.ctx.wb)]
        )
        self.close_list.set_items(
            [(self._close_words(v), None, v) for v in reasons.close_reasons(self.ctx.wb)]
        )
        self.won_list.set_items([(self._won_words(v), None, v) for v in reasons.won_reasons(self.ctx.wb)])
        self._loaded = self._names()

    def _names(self) -> tuple[list[str], ...]:
        return (self.disqualify_list.names(), self.close_list.names(), self.won_list.names())

    def is_dirty(self) -> bool:
        return self._names() != self._loaded

    @staticmethod
    def _stored(names: list[str], builtin: Sequence[str], words: Callable[[str], str]) -> list[str]:
        by_words = {words(value).casefold(): value for value in builtin}
        by_words.update({value.casefold(): value for value in builtin})
        return [by_words.get(" ".join(n.split()).casefold(), n) for n in names]

    def won_values(self) -> list[str]:
        return self._stored(self.won_list.names(), reasons.WON_DEFAULTS, self._won_words)

    def values(self) -> tuple[list[str], list[str]]:
        """The lists as they will be stored (built-in words mapped back to their values)."""
        disqualify = self._stored(
            self.disqualify_list.names(), [r.value for r in DisqualifyReason], self._disqualify_words
        )
        close = self._stored(self.close_list.names(), [r.value for r in CloseReason], self._close_words)
        return disqualify, close

    def save(self) -> None:
        disqualify, close = self.values()
        try:
            cleaned = {
                reasons.DISQUALIFY_KEY: reasons.clean(disqualify),
                reasons.CLOSE_KEY: reasons.clean(close),
                reasons.WON_KEY: reasons.clean(self.won_values()),
            }
        except reasons.ReasonError as exc:
            raise ValueError(self.tr("Reasons: {0}").format(exc)) from exc
        settings.write_many(self.ctx.wb, cleaned)
        self.reload()


class CriteriaPage(SettingsPage):
    topics = (Topic.SETTINGS, Topic.ACCOUNTS)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        from workbench.ui.targets.icp_criteria import IcpCriteriaEditor

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.editor = IcpCriteriaEditor(ctx, self)
        layout.addWidget(self.editor)

    def page_title(self) -> str:
        return self.tr("ICP criteria")

    def is_dirty(self) -> bool:
        return self.editor.is_dirty()

    def save(self) -> None:
        # The editor notifies the areas itself; IcpError is a ValueError with a message.
        self.editor.save()

    def reload(self) -> None:
        self.editor.load()


class StagesPage(SettingsPage):
    topics = ()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        from workbench.ui.pipeline.stages import StagesEditor

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        note = QLabel(
            self.tr("The steps a deal goes through. Changes here are saved as you make them."), self
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.editor = StagesEditor(ctx, self)
        layout.addWidget(self.editor, 1)

    def page_title(self) -> str:
        return self.tr("Pipeline stages")

    def reload(self) -> None:
        self.editor.reload()
