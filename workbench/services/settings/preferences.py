"""The rep-facing settings the Settings dialog edits: what each one may hold, checked
before anything is written (one transaction for the whole dialog).

The values live in the workbench file (:mod:`workbench.services.settings.values`), so a
rep's setup travels with it. Services that own a setting register its default in
``settings.DEFAULTS`` when imported; :func:`read` imports them first so every key has
its default here too.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workbench.services.settings import values as settings
from workbench.store import Workbench

APPEARANCE_KEY = "appearance.theme"
APPEARANCES = ("system", "light", "dark")

settings.DEFAULTS.update({APPEARANCE_KEY: "system"})

#: Modules that add their settings' defaults to ``settings.DEFAULTS`` when imported.
DEFAULT_OWNERS = (
    "workbench.services.safety.backups",
    "workbench.services.pipeline.stages",
    "workbench.services.settings.reasons",
    "workbench.services.insights.common",
)


class PreferenceError(ValueError):
    """A value that cannot be saved; the message names the setting."""


@dataclass(frozen=True)
class Bounds:
    minimum: int
    maximum: int
    what: str


#: Whole-number settings and their sensible ranges (the dialog's spin boxes use them too).
NUMBERS: dict[str, Bounds] = {
    "goals.touches_per_day": Bounds(1, 1000, "Touches a day"),
    "goals.touches_per_week": Bounds(1, 5000, "Touches a week"),
    "targets.goal": Bounds(1, 500, "Target accounts on the list"),
    "targets.good_fit": Bounds(1, 100, "Good fit from"),
    "targets.untouched_days": Bounds(1, 365, "Target untouched after"),
    "leads.stale_days_new": Bounds(1, 365, "New lead stale after"),
    "leads.stale_days_working": Bounds(1, 365, "Working lead stale after"),
    "leads.nurture_days": Bounds(1, 730, "Nurture for"),
    "pipeline.stale_days": Bounds(1, 365, "Opportunity stale after"),
    "pipeline.board_closed_days": Bounds(1, 365, "Won and lost on the board for"),
    "insights.min_group_leads": Bounds(1, 100000, "Meaningful group from"),
    "backup.interval_minutes": Bounds(5, 24 * 60, "Back up every"),
    "backup.keep_last": Bounds(1, 200, "Keep the newest"),
    "backup.daily_days": Bounds(0, 365, "Keep one a day for"),
    "backup.weekly_weeks": Bounds(0, 520, "Keep one a week for"),
    "backup.monthly_months": Bounds(0, 240, "Keep one a month for"),
}
TEXTS = ("profile.rep_name", "profile.currency", "profile.phone_region", APPEARANCE_KEY)
MAX_NAME = 120


def load_defaults() -> None:
    for module in DEFAULT_OWNERS:
        importlib.import_module(module)


def read(wb: Workbench) -> dict[str, Any]:
    """Every setting with its current value (defaults for those never changed)."""
    load_defaults()
    return settings.read_all(wb)


def phone_regions() -> list[str]:
    """The regions phone numbers can be read for (ISO 3166 codes), sorted."""
    import phonenumbers  # imported when needed: start-up stays lean (P2)

    return sorted(phonenumbers.SUPPORTED_REGIONS)


#: The default region when the computer's locale names no country phone numbers know.
FALLBACK_REGION = "US"


def region_choices(locale_name: str = "en") -> list[tuple[str, str]]:
    """``(code, "Netherlands (NL)")`` for every region phones can be read for, named in
    the rep's language by CLDR (babel) and sorted by that name. The *default region*
    reads a number typed without ``+country`` (a lead's own country column wins)."""
    from babel import Locale, UnknownLocaleError

    try:
        names = Locale.parse(locale_name or "en").territories
    except (UnknownLocaleError, ValueError):
        names = Locale("en").territories
    choices = [(code, f"{names[code]} ({code})" if code in names else code) for code in phone_regions()]
    choices.sort(key=lambda item: item[1].casefold())
    return choices


def region_of_locale(locale_name: str) -> str:
    """The default region a computer's locale suggests ("nl_BE" → "BE"); the fallback
    when it names no country (C, POSIX, a bare language) or one phones do not know."""
    import phonenumbers

    text = locale_name.split(".")[0].split("@")[0].replace("-", "_")
    parts = [p for p in text.split("_")[1:] if len(p) == 2 and p.isalpha()]
    code = parts[-1].upper() if parts else ""
    return code if code in phonenumbers.SUPPORTED_REGIONS else FALLBACK_REGION


def check(key: str, value: Any) -> Any:
    """``value`` as it will be stored; :class:`PreferenceError` when it cannot be."""
    if key in NUMBERS:
        bounds = NUMBERS[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise PreferenceError(f"{bounds.what}: a whole number, please.")
        if not bounds.minimum <= value <= bounds.maximum:
            raise PreferenceError(f"{bounds.what}: between {bounds.minimum} and {bounds.maximum}.")
        return value
    text = " ".join(str(value if value is not None else "").split())
    if key == "profile.rep_name":
        if len(text) > MAX_NAME:
            raise PreferenceError(f"Your name: at most {MAX_NAME} characters.")
        return text
    if key == "profile.currency":
        code = text.upper()
        if len(code) != 3 or not code.isascii() or not code.isalpha():
            raise PreferenceError("Currency: a three-letter code such as USD or EUR.")
        return code
    if key == "profile.phone_region":
        import phonenumbers

        region = text.upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise PreferenceError(
                f"Default region: {text or '(empty)'} is not a country code phone numbers know."
            )
        return region
    if key == APPEARANCE_KEY:
        if text not in APPEARANCES:
            raise PreferenceError("Appearance: system, light or dark.")
        return text
    raise PreferenceError(f"{key} is not a setting this dialog edits.")


def save(wb: Workbench, values: Mapping[str, Any]) -> dict[str, Any]:
    """Check every value, then write them all in one transaction. Returns what was
    stored (cleaned). Nothing is written when one value is refused."""
    cleaned = {key: check(key, value) for key, value in values.items()}
    week = cleaned.get("goals.touches_per_week")
    day = cleaned.get("goals.touches_per_day")
    if week is not None and day is not None and week < day:
        raise PreferenceError("Touches a week: at least as many as touches a day.")
    if cleaned:
        settings.write_many(wb, cleaned)
    return cleaned
