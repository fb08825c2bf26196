"""What a page of the Settings dialog promises, and the form page most pages are.

A page is a widget with a ``title``; it says whether it holds unsaved changes and
saves them when the dialog's OK or Apply asks (raising ``ValueError`` with a message
for the rep when something cannot be saved). Form pages only *collect* their values
(:meth:`PreferenceForm.changed_values`): the dialog checks and writes the values of
every form page together, so one bad number stops them all before anything is
written.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QSpinBox, QWidget

from workbench.services.settings import preferences
from workbench.ui.common.context import AppContext, Topic


class SettingsPage(QWidget):
    title = "Settings"
    #: What to tell the other areas after a save.
    topics: tuple[str, ...] = (Topic.SETTINGS,)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def page_title(self) -> str:
        return self.tr(self.title)

    def is_dirty(self) -> bool:
        return False

    def save(self) -> None:
        """Write what changed (form pages leave this to the dialog)."""

    def reload(self) -> None:
        """Read the file again (after a team template changed it)."""


class PreferenceForm(SettingsPage):
    """A form of settings from :mod:`workbench.services.settings.preferences`: spin boxes for
    numbers, line edits, combo boxes and check boxes for the rest."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.form = QFormLayout(self)
        self.fields: dict[str, QWidget] = {}
        self._loaded: dict[str, Any] = {}

    # --- building -----------------------------------------------------------------------
    def intro(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setWordWrap(True)
        self.form.addRow(label)
        return label

    def number(self, key: str, label: str, suffix: str = "", hint: str = "") -> QSpinBox:
        bounds = preferences.NUMBERS[key]
        spin = QSpinBox(self)
        spin.setRange(bounds.minimum, bounds.maximum)
        spin.setAccelerated(True)
        spin.setMaximumWidth(220)
        if suffix:
            spin.setSuffix(suffix)
        if hint:
            spin.setToolTip(hint)
        self._add(key, label, spin)
        return spin

    def text(self, key: str, label: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(self)
        edit.setPlaceholderText(placeholder)
        self._add(key, label, edit)
        return edit

    def choice(self, key: str, label: str, items: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox(self)
        for value, shown in items:
            combo.addItem(shown, value)
        self._add(key, label, combo)
        return combo

    def _add(self, key: str, label: str, widget: QWidget) -> None:
        self.fields[key] = widget
        self.form.addRow(label, widget)

    # --- values -------------------------------------------------------------------------
    def load_values(self, values: dict[str, Any]) -> None:
        for key, widget in self.fields.items():
            value = values.get(key)
            if isinstance(widget, QSpinBox):
                widget.setValue(int(value or 0))
            elif isinstance(widget, QLineEdit):
                widget.setText(str(value or ""))
            elif isinstance(widget, QComboBox):
                at = widget.findData(value)
                widget.setCurrentIndex(max(at, 0))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
        self._loaded = self.current_values()

    def current_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, widget in self.fields.items():
            if isinstance(widget, QSpinBox):
                values[key] = widget.value()
            elif isinstance(widget, QLineEdit):
                values[key] = widget.text().strip()
            elif isinstance(widget, QComboBox):
                values[key] = widget.currentData()
            elif isinstance(widget, QCheckBox):
                values[key] = widget.isChecked()
        return values

    def changed_values(self) -> dict[str, Any]:
        return {k: v for k, v in self.current_values().items() if self._loaded.get(k) != v}

    def is_dirty(self) -> bool:
        return bool(self.changed_values())

    def mark_saved(self) -> None:
        self._loaded = self.current_values()

    def reload(self) -> None:
        self.load_values(preferences.read(self.ctx.wb))
