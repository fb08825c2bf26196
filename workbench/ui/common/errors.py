"""Turning expected failures into clear messages: a locked database, a full disk, a
read-only folder, a damaged file, a team database out of reach or refusing a change.
Anything else is a bug and goes to the crash handler."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.exc import DBAPIError

from workbench.store import StoreError
from workbench.store.failures import failure_message

CONNECTION_LOST = (
    "The connection to the team database was lost. Nothing was saved, and what you typed is "
    "still in the form: save again once the connection is back (the app keeps trying)."
)
NOT_YOURS = (
    "That record belongs to a teammate: you can read it, not change it. Nothing was saved; "
    "your input is still here."
)
READ_ONLY_LOGIN = (
    "Your login may only read this team database (a manager's login reads every rep's rows "
    "and changes none). Nothing was saved."
)

#: Called with a connection failure; True when it was shown (the banner) instead of a box.
ConnectionListener = Callable[[BaseException], bool]
_listeners: list[ConnectionListener] = []


def is_connection_lost(exc: BaseException) -> bool:
    """True when ``exc`` says the database server cannot be reached (a team database:
    the network, the server restarting). SQLite never raises these."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    if orig is None or not type(orig).__module__.startswith("psycopg"):
        return False
    sqlstate = str(getattr(orig, "sqlstate", "") or "")
    return type(orig).__name__ in ("OperationalError", "InterfaceError") and (
        not sqlstate or sqlstate.startswith(("08", "57P"))
    )


def _team_refusal(exc: BaseException) -> str | None:
    orig = getattr(exc, "orig", None)
    if orig is None or not type(orig).__module__.startswith("psycopg"):
        return None
    if str(getattr(orig, "sqlstate", "")) != "42501":  # insufficient_privilege
        return None
    return NOT_YOURS if "row-level security" in str(orig) else READ_ONLY_LOGIN


def expected_message(exc: BaseException) -> str | None:
    """The rep-facing message for an expected failure, or None for a bug."""
    if isinstance(exc, StoreError):
        return str(exc)
    if is_connection_lost(exc):
        return CONNECTION_LOST
    refusal = _team_refusal(exc)
    if refusal is not None:
        return refusal
    return failure_message(exc)  # full, read-only, locked, damaged: the store's one mapping


def on_connection_lost(listener: ConnectionListener) -> None:
    """Let ``listener`` (the window's banner) show connection failures."""
    _listeners.append(listener)


def forget_connection_listener(listener: ConnectionListener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def report_connection_lost(exc: BaseException) -> bool:
    """Hand a connection failure to the banner; False when nobody showed it."""
    if not is_connection_lost(exc):
        return False
    return any(listener(exc) for listener in list(_listeners))
