"""The reasons a rep picks from: why a lead is disqualified, why a deal was won or lost.

The built-in reasons are enums (:class:`DisqualifyReason`, :class:`CloseReason`) and
stay valid forever, so every stored value, the CLI and old pipeline files keep their
meaning. What the pickers *show* is a list in the settings — the enum values by
default — which the rep may reorder, shorten or extend with their own words (at most
:data:`MAX_LENGTH` characters, the width of the stored column). "other" always asks
for a note.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlmodel import Session

from workbench.domain import CloseReason, DisqualifyReason
from workbench.services.settings import values as settings
from workbench.store import Workbench

DISQUALIFY_KEY = "leads.disqualify_reasons"
#: The reasons a deal is lost (the key predates won reasons having their own list).
CLOSE_KEY = "pipeline.close_reasons"
WON_KEY = "pipeline.won_reasons"
#: Why deals are won: never the loss reasons. A file from before keeps its won deals'
#: text reasons; its picker starts from these.
WON_DEFAULTS = ("price", "product fit", "relationship", "timing", "champion", "other")
MAX_LENGTH = 40
MAX_REASONS = 30
OTHER = "other"

settings.DEFAULTS.update(
    {
        DISQUALIFY_KEY: [r.value for r in DisqualifyReason],
        CLOSE_KEY: [r.value for r in CloseReason],
        WON_KEY: list(WON_DEFAULTS),
    }
)


class ReasonError(ValueError):
    """A reason list that cannot be used; the message says why."""


def clean(values: Iterable[object]) -> list[str]:
    """The list as it will be stored: words trimmed, duplicates (any case) dropped.
    Raises :class:`ReasonError` for an empty list, a reason too long or too many."""
    seen: set[str] = set()
    result: list[str] = []
    for value in values:
        text = " ".join(str(value).split())
        if not text or text.casefold() in seen:
            continue
        if len(text) > MAX_LENGTH:
            raise ReasonError(f"“{text[:20]}…” is too long: a reason has at most {MAX_LENGTH} characters.")
        seen.add(text.casefold())
        result.append(text)
    if not result:
        raise ReasonError("Keep at least one reason.")
    if len(result) > MAX_REASONS:
        raise ReasonError(
            f"At most {MAX_REASONS} reasons: a picker longer than that is no quicker than typing."
        )
    return result


def _stored(value: object, default: Sequence[str]) -> list[str]:
    try:
        return clean(value) if isinstance(value, list) else list(default)
    except ReasonError:
        return list(default)  # a broken setting must not leave the picker empty


def disqualify_reasons_in(session: Session) -> list[str]:
    return _stored(settings.get(session, DISQUALIFY_KEY), settings.DEFAULTS[DISQUALIFY_KEY])


def close_reasons_in(session: Session) -> list[str]:
    return _stored(settings.get(session, CLOSE_KEY), settings.DEFAULTS[CLOSE_KEY])


def won_reasons_in(session: Session) -> list[str]:
    return _stored(settings.get(session, WON_KEY), settings.DEFAULTS[WON_KEY])


def won_reasons(wb: Workbench) -> list[str]:
    with wb.reading() as session:
        return won_reasons_in(session)


def disqualify_reasons(wb: Workbench) -> list[str]:
    with wb.reading() as session:
        return disqualify_reasons_in(session)


def close_reasons(wb: Workbench) -> list[str]:
    with wb.reading() as session:
        return close_reasons_in(session)


WON_LIST = "won"
LOST_LIST = "lost"


def lists_in(session: Session) -> dict[str, frozenset[str]]:
    """Each list's reasons (built-in and the rep's), case-folded: what :func:`list_of` reads."""
    won = (*WON_DEFAULTS, *won_reasons_in(session))
    lost = (*(r.value for r in CloseReason), *close_reasons_in(session))
    return {
        WON_LIST: frozenset(r.casefold() for r in won),
        LOST_LIST: frozenset(r.casefold() for r in lost),
    }


def list_of(reason: str, outcome: str, lists: dict[str, frozenset[str]]) -> str:
    """Which list a closed deal's ``reason`` came from: "won" or "lost", "" when it is on
    neither (an open deal, or a reason since removed from its list).

    The deal's own outcome's list first — price, timing and other are on both — so a
    won deal's reason reads "won" unless only the loss list has it (a file from before
    the lists were separate kept its won deals' text reasons)."""
    text = " ".join(str(reason or "").split()).casefold()
    if not text or outcome not in (WON_LIST, LOST_LIST):
        return ""
    order = (WON_LIST, LOST_LIST) if outcome == WON_LIST else (LOST_LIST, WON_LIST)
    return next((name for name in order if text in lists[name]), "")


def accepted(reason: str, shown: Sequence[str], builtin: Iterable[str]) -> str | None:
    """``reason`` as it is stored when it is a built-in or a listed one (any case),
    else None."""
    text = " ".join(str(reason or "").split())
    if not text:
        return None
    for known in (*builtin, *shown):
        if known.casefold() == text.casefold():
            return known
    return None


def shown_lists_in(session: Session) -> dict[str, list[str]]:
    """The two lists a closed deal's reason comes from, as the pickers show them."""
    return {WON_LIST: won_reasons_in(session), LOST_LIST: close_reasons_in(session)}


def check_close_reason(session: Session, reason: str, outcome: str) -> str:
    """``reason`` as stored for a deal closed as ``outcome`` ("won" or "lost"): it must
    be on that outcome's own list. :class:`ReasonError` names the list — and the field's
    limit, or the other list when the reason is on that one."""
    text = " ".join(str(reason or "").split())
    shown = shown_lists_in(session)
    builtin = {WON_LIST: WON_DEFAULTS, LOST_LIST: tuple(r.value for r in CloseReason)}
    choices = ", ".join(shown[outcome])
    if not text:
        raise ReasonError(f"Give a reason from the {outcome} list: {choices}.")
    if len(text) > MAX_LENGTH:
        raise ReasonError(f"A reason has at most {MAX_LENGTH} characters ({len(text)} given).")
    known = accepted(text, shown[outcome], builtin[outcome])
    if known is not None:
        return known
    other = LOST_LIST if outcome == WON_LIST else WON_LIST
    if accepted(text, shown[other], builtin[other]) is not None:
        raise ReasonError(
            f"“{text}” is on the {other} list, not the {outcome} list; a {outcome} deal's reason is one of: "
            f"{choices}."
        )
    raise ReasonError(
        f"“{text}” is not on the {outcome} list ({choices}); add it there first (Settings → Reasons)."
    )
