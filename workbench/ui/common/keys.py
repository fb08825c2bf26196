"""The single keys of the app, one meaning each wherever they work.

Single keys act on the list that has the focus (never while the rep types in a field).
This table is the one place they are defined: the menus' single-key actions, Today's
and the timelines' key handlers and the shortcut sheet (Ctrl+/) all read it, and a
test checks that no key has two meanings. Add a key here, then use :func:`sequence`
or :func:`qt_keys`.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence


@dataclass(frozen=True)
class SingleKey:
    key: str  # QKeySequence's portable text
    meaning: str
    where: str


KEYS: dict[str, SingleKey] = {
    "open": SingleKey("Return", "Open the line (its record; on a timeline, the entry)", "Today, timelines"),
    "log": SingleKey("L", "Log a touch (a follow-up's: ticks it off)", "Today, Leads, timelines"),
    "call": SingleKey("C", "Call: open the tel: link, then log it", "Today"),
    "email": SingleKey("E", "Email: open the mailto: link, then log it", "Today"),
    "done": SingleKey("Space", "Mark the follow-up done", "Today, timelines"),
    "snooze": SingleKey("S", "Snooze the follow-up one working day", "Today, timelines"),
    "reschedule": SingleKey("R", "Reschedule the follow-up", "timelines"),
    "skip": SingleKey("X", "Skip the sequence step (it stays in the enrolment's history)", "Today"),
    "working": SingleKey("W", "Mark working", "Leads"),
    "nurture": SingleKey("N", "Nurture until…", "Leads"),
    "qualified": SingleKey("Q", "Mark qualified", "Leads"),
    "qualify_anyway": SingleKey(
        "Shift+Q", "Mark qualified without asking about unanswered questions", "Leads"
    ),
    "disqualify": SingleKey("D", "Disqualify…", "Leads"),
    "reopen": SingleKey("Shift+N", "Back to new", "Leads"),
    "link": SingleKey("A", "Link to account…", "Leads"),
    "trash": SingleKey("Del", "Move to trash", "Leads, Targets, timelines"),
    "filter": SingleKey("/", "Filter the list", "Leads, Targets"),
}

#: The property a menu action made from this table carries (its key's id).
KEY_PROPERTY = "singleKey"


def sequence(name: str) -> QKeySequence:
    return QKeySequence(KEYS[name].key)


def qt_keys(name: str) -> tuple[Qt.Key, ...]:
    """The Qt keys of a one-key entry (Return also answers to the keypad's Enter)."""
    key = sequence(name)[0].key()  # type: ignore[index]  # the stubs miss __getitem__
    return (key, Qt.Key.Key_Enter) if key == Qt.Key.Key_Return else (key,)


def handlers(table: dict[str, object]) -> dict[Qt.Key, object]:
    """``{"log": slot, …}`` → ``{Qt.Key.Key_L: slot, …}`` for a keyPressEvent."""
    return {key: slot for name, slot in table.items() for key in qt_keys(name)}
