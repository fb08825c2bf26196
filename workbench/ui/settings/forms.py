"""The form pages of the Settings dialog: you and your goals, reminders (stale
thresholds), backups, appearance, and the next-step rules of the quick log."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.domain import Channel, Outcome
from workbench.services.outreach import next_step
from workbench.services.settings import preferences
from workbench.services.settings import values as settings
from workbench.ui.common.context import AppContext, Topic
from workbench.ui.outreach.icons import channel_label, outcome_label
from workbench.ui.settings.base import PreferenceForm, SettingsPage


class ProfilePage(PreferenceForm):
    topics = (Topic.SETTINGS, Topic.ALL)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.intro(
            self.tr(
                "Your name goes on the pipeline files you export. The goals drive the "
                "progress bars on Today and the targets list."
            )
        )
        self.name = self.text(
            "profile.rep_name", self.tr("Your &name:"), self.tr("As your manager knows you")
        )
        regions = preferences.region_choices(QLocale().name())
        self.region = self.choice("profile.phone_region", self.tr("Default &region:"), regions)
        self.region.setToolTip(
            self.tr(
                "Phone numbers typed without a +country code are read as numbers of this country "
                "(an imported lead's own country column comes first)."
            )
        )
        self.currency = self.text("profile.currency", self.tr("&Currency:"), "USD")
        self.currency.setMaxLength(3)
        self.currency.setMaximumWidth(self.currency.fontMetrics().horizontalAdvance("WWWW") + 24)
        self.number(
            "goals.touches_per_day", self.tr("&Touches a day:"), hint=self.tr("Calls, emails, meetings")
        )
        self.number("goals.touches_per_week", self.tr("Touches a &week:"))
        self.number("targets.goal", self.tr("Target &accounts on your list:"))
        self.number(
            "targets.good_fit",
            self.tr("&Good fit from:"),
            self.tr(" points"),
            self.tr("An account with at least this ICP fit score counts as a good fit."),
        )
        self.load_values(preferences.read(ctx.wb))

    def page_title(self) -> str:
        return self.tr("You and your goals")


class RemindersPage(PreferenceForm):
    topics = (Topic.SETTINGS, Topic.LEADS, Topic.ACCOUNTS, Topic.OPPORTUNITIES)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.intro(
            self.tr(
                "When a record needs you: leads and deals untouched this long are marked stale, "
                "and target accounts untouched this long show on Today."
            )
        )
        days = self.tr(" days")
        self.number("leads.stale_days_new", self.tr("A &new lead is stale after:"), days)
        self.number("leads.stale_days_working", self.tr("A &working lead is stale after:"), days)
        self.number("leads.nurture_days", self.tr("Nurture for (&default):"), days)
        self.number("targets.untouched_days", self.tr("A &target is untouched after:"), days)
        self.number(
            "pipeline.stale_days",
            self.tr("An &opportunity is stale after:"),
            days,
            self.tr("Each stage may set its own number (Pipeline stages)."),
        )
        self.number("pipeline.board_closed_days", self.tr("Won and lost stay on the &board for:"), days)
        self.number(
            "insights.min_group_leads",
            self.tr("Insights: a group is &meaningful from:"),
            self.tr(" leads"),
        )
        self.load_values(preferences.read(ctx.wb))

    def page_title(self) -> str:
        return self.tr("Reminders")


class BackupPage(PreferenceForm):
    topics = (Topic.SETTINGS,)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        from workbench.services.safety.backups import folder_for

        self.intro(
            self.tr(
                "While the app runs it backs the file up when it changed, and thins old copies: "
                "the newest ones, then one a day, a week and a month. Backups live in {0}."
            ).format(folder_for(ctx.wb))
        )
        self.number("backup.interval_minutes", self.tr("Back up &every:"), self.tr(" minutes"))
        self.number("backup.keep_last", self.tr("Keep the &newest:"), self.tr(" backups"))
        self.number("backup.daily_days", self.tr("Keep one a &day for:"), self.tr(" days"))
        self.number("backup.weekly_weeks", self.tr("Keep one a &week for:"), self.tr(" weeks"))
        self.number("backup.monthly_months", self.tr("Keep one a &month for:"), self.tr(" months"))
        self.load_values(preferences.read(ctx.wb))

    def page_title(self) -> str:
        return self.tr("Backups")


class AppearancePage(PreferenceForm):
    topics = ()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.intro(self.tr("Light or dark. “Like the system” follows your desktop as it switches."))
        self.theme = self.choice(
            preferences.APPEARANCE_KEY,
            self.tr("&Appearance:"),
            [("system", self.tr("Like the system")), ("light", self.tr("Light")), ("dark", self.tr("Dark"))],
        )
        self.load_values(preferences.read(ctx.wb))

    def page_title(self) -> str:
        return self.tr("Appearance")


class NextStepsPage(SettingsPage):
    """Per outcome: the follow-up the quick log proposes, its channel, and after how
    many working days (or none)."""

    topics = (Topic.SETTINGS,)
    NONE = -1

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        outer = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "After you log a touch, the quick log proposes the next one from its outcome — "
                "pre-filled, never forced. Days are working days; “ask” points at the date field "
                "instead (a meeting's date is something you know)."
            ),
            self,
        )
        intro.setWordWrap(True)
        outer.addWidget(intro)
        grid = QGridLayout()
        for column, text in enumerate(
            (self.tr("After"), self.tr("Propose"), self.tr("By"), self.tr("In"), self.tr("Ask date"))
        ):
            header = QLabel(f"<b>{text}</b>", self)
            grid.addWidget(header, 0, column)
        self.rows: dict[str, tuple[QLineEdit, QComboBox, QSpinBox, QCheckBox]] = {}
        for row, outcome in enumerate(Outcome, start=1):
            grid.addWidget(QLabel(outcome_label(outcome.value), self), row, 0)
            title = QLineEdit(self)
            channel = QComboBox(self)
            for value in Channel:
                channel.addItem(channel_label(value.value), value.value)
            days = QSpinBox(self)
            days.setRange(self.NONE, 365)
            days.setSpecialValueText(self.tr("no next step"))
            days.setSuffix(self.tr(" working days"))
            ask = QCheckBox(self)
            for column, widget in enumerate((title, channel, days, ask), start=1):
                grid.addWidget(widget, row, column)
            self.rows[outcome.value] = (title, channel, days, ask)
        grid.setColumnStretch(1, 1)
        outer.addLayout(grid)
        outer.addStretch(1)
        self._loaded: dict[str, Any] = {}
        self.reload()

    def page_title(self) -> str:
        return self.tr("Next steps")

    def reload(self) -> None:
        rules = next_step.rules_from(settings.read(self.ctx.wb, next_step.SETTING_KEY))
        for outcome, (title, channel, days, ask) in self.rows.items():
            rule = rules[outcome]
            title.setText(rule.title)
            channel.setCurrentIndex(max(channel.findData(rule.channel), 0))
            days.setValue(self.NONE if rule.business_days is None else rule.business_days)
            ask.setChecked(rule.ask_date)
        self._loaded = self.value()

    def value(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for outcome, (title, channel, days, ask) in self.rows.items():
            result[outcome] = {
                "title": title.text().strip(),
                "channel": channel.currentData(),
                "business_days": None if days.value() == self.NONE else days.value(),
                "ask_date": ask.isChecked(),
            }
        return result

    def is_dirty(self) -> bool:
        return self.value() != self._loaded

    def save(self) -> None:
        value = self.value()
        empty = [
            outcome_label(o)
            for o, rule in value.items()
            if rule["business_days"] is not None and not rule["title"]
        ]
        if empty:
            raise ValueError(
                self.tr("Next steps: give “{0}” a title, or choose “no next step”.").format(empty[0])
            )
        problems = next_step.validate(value)
        if problems:
            raise ValueError(self.tr("Next steps: {0}.").format(problems[0]))
        settings.write(self.ctx.wb, next_step.SETTING_KEY, value)
        self._loaded = value
