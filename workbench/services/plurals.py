"""Counted words in text the services and the CLI write ("1 lead", "2 leads", "1 working
day"), never "lead(s)": CLDR's plural rule for English through babel (the GUI uses Qt's
``%n`` forms instead, ``ui/common/plural.py``)."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def _rule() -> Any:
    from babel import Locale  # babel on first use: the CLI's start stays lean

    return Locale.parse("en").plural_form


def word(n: int, one: str, other: str) -> str:
    """The word alone in the form ``n`` takes, for a table that lines its numbers up:
    ``word(1, "lead", "leads")`` is "lead"."""
    return one if _rule()(n) == "one" else other


def counted(n: int, one: str, other: str) -> str:
    """``n`` with its word in the form English takes: ``counted(1, "lead", "leads")`` is
    "1 lead", ``counted(25017, "lead", "leads")`` "25,017 leads"."""
    return f"{n:,} {word(n, one, other)}"
