"""First run: no workbench file yet. Offer to start one, to look at the demo, or to begin
by importing a file of leads — never an empty, confusing window."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCommandLinkButton,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.services.settings import preferences
from workbench.ui.common.icons import app_icon


@dataclass(frozen=True)
class WelcomeChoice:
    action: str  # "start", "demo" or "import"
    rep_name: str = ""
    touches_per_day: int = 20
    target_goal: int = 20
    #: The default region phone numbers are read in ("" = leave the setting alone).
    region: str = ""


class WelcomeDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Welcome to Prospecting Workbench"))
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(560)
        self.choice: WelcomeChoice | None = None
        self.pages = QStackedWidget(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

        first = QWidget(self)
        col = QVBoxLayout(first)
        title = QLabel(self.tr("Welcome to Prospecting Workbench"), first)
        title.setObjectName("areaTitle")
        col.addWidget(title)
        intro = QLabel(
            self.tr(
                "Your own prospecting in one place: the short list of companies that fit your sweet spot, "
                "the leads marketing hands you, every call and email, and which of them become deals. "
                "Everything stays in one file on this computer."
            ),
            first,
        )
        intro.setWordWrap(True)
        col.addWidget(intro)
        self.start_button = QCommandLinkButton(
            self.tr("Start my workbench"),
            self.tr("Set your name and goals, then add targets and leads."),
            first,
        )
        self.demo_button = QCommandLinkButton(
            self.tr("Open the demo workbench"),
            self.tr("A year of a realistic rep's work, to look around first. Your own file stays separate."),
            first,
        )
        self.import_button = QCommandLinkButton(
            self.tr("Import leads from a file"),
            self.tr("Start with a CSV or Excel file from your CRM, a webinar or a trade show."),
            first,
        )
        for button in (self.start_button, self.demo_button, self.import_button):
            col.addWidget(button)
        # Asked before any choice: an imported file's phones are read in this region.
        region_row = QFormLayout()
        self.region_combo = QComboBox(first)
        self.region_combo.setObjectName("welcomeRegion")
        for code, name in preferences.region_choices(QLocale().name()):
            self.region_combo.addItem(name, code)
        suggested = preferences.region_of_locale(QLocale().name())
        self.region_combo.setCurrentIndex(max(self.region_combo.findData(suggested), 0))
        self.region_combo.setToolTip(
            self.tr("Phone numbers written without a +country code are read as numbers of this country.")
        )
        region_label = QLabel(self.tr("Your default &region:"), first)
        region_label.setBuddy(self.region_combo)
        region_row.addRow(region_label, self.region_combo)
        col.addLayout(region_row)
        col.addStretch(1)
        self.pages.addWidget(first)

        second = QWidget(self)
        form = QFormLayout(second)
        form.addRow(QLabel(self.tr("A few things so the workbench can track your goals:"), second))
        self.name_edit = QLineEdit(second)
        self.name_edit.setPlaceholderText(self.tr("Your name, as it appears on exports"))
        self.touches_spin = QSpinBox(second)
        self.touches_spin.setRange(1, 500)
        self.touches_spin.setValue(20)
        self.targets_spin = QSpinBox(second)
        self.targets_spin.setRange(1, 500)
        self.targets_spin.setValue(20)
        form.addRow(self.tr("Your name"), self.name_edit)
        form.addRow(self.tr("Touches a day (calls, emails, meetings)"), self.touches_spin)
        form.addRow(self.tr("Target accounts on your list"), self.targets_spin)
        self.pages.addWidget(second)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = self.buttons.addButton(
            self.tr("Create my workbench"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok_button.hide()
        self.buttons.rejected.connect(self.reject)
        self.buttons.accepted.connect(self._create)
        layout.addWidget(self.buttons)

        self.start_button.clicked.connect(self._ask_details)
        self.demo_button.clicked.connect(lambda: self._choose(WelcomeChoice("demo")))
        self.import_button.clicked.connect(
            lambda: self._choose(WelcomeChoice("import", region=self.region()))
        )
        self.start_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _ask_details(self) -> None:
        self.pages.setCurrentIndex(1)
        self.ok_button.show()
        self.ok_button.setDefault(True)
        self.name_edit.setFocus()

    def _create(self) -> None:
        self._choose(
            WelcomeChoice(
                "start",
                rep_name=self.name_edit.text().strip(),
                touches_per_day=self.touches_spin.value(),
                target_goal=self.targets_spin.value(),
                region=self.region(),
            )
        )

    def region(self) -> str:
        return str(self.region_combo.currentData() or "")

    def reject(self) -> None:
        # Esc or Cancel on the name-and-goals page goes back to the three choices;
        # only on the first page does it close the welcome (and the app).
        if self.pages.currentIndex() == 1:
            self.pages.setCurrentIndex(0)
            self.ok_button.hide()
            self.start_button.setFocus()
            return
        super().reject()

    def _choose(self, choice: WelcomeChoice) -> None:
        self.choice = choice
        self.accept()
