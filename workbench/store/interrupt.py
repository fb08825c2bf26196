"""Stopping a long statement when the rep presses Cancel.

A full ``integrity_check`` of a 2 GB file runs for a minute inside one SQLite opcode,
where a progress handler is never called (SQLite before 3.43). ``sqlite3_interrupt``
is the one way in, and it may be called from any thread: :func:`interrupt_when` runs
a small watcher thread that asks ``stop()`` every few tens of milliseconds and
interrupts the connection once it says so. A PostgreSQL connection is cancelled the
same way (``cancel()``), so callers need not know the backend.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy.exc import DBAPIError

from workbench.store.errors import StoreError

#: How often the watcher asks whether to stop (the rep's Cancel takes effect within this).
POLL_SECONDS = 0.05


class OperationCancelled(StoreError):
    """The rep cancelled; the statement was stopped and nothing was changed."""

    def __init__(self, what: str = "The operation") -> None:
        super().__init__(f"{what} was cancelled.")


def dbapi_of(conn: Any) -> Any:
    """The driver's connection under a SQLAlchemy ``Connection`` (or the argument itself)."""
    inner = getattr(conn, "connection", None)
    return getattr(inner, "dbapi_connection", None) or conn


@contextlib.contextmanager
def interrupt_when(conn: Any, stop: Callable[[], bool] | None, what: str = "The operation") -> Iterator[None]:
    """Run the block; once ``stop()`` returns True, interrupt ``conn``'s running
    statement and raise :class:`OperationCancelled` (also when the block ended first)."""
    if stop is None:
        yield
        return
    if stop():  # pressed before this step began
        raise OperationCancelled(what)
    dbapi = dbapi_of(conn)
    halt = getattr(dbapi, "interrupt", None) or getattr(dbapi, "cancel", None)
    done = threading.Event()
    fired = threading.Event()

    def watch() -> None:
        while not done.wait(POLL_SECONDS):
            if stop():
                fired.set()
                if halt is not None:
                    with contextlib.suppress(Exception):  # a connection closing under us
                        halt()
                return

    watcher = threading.Thread(target=watch, name="workbench-interrupt", daemon=True)
    watcher.start()
    try:
        yield
    except (sqlite3.Error, DBAPIError) as exc:
        if fired.is_set() or stop():
            raise OperationCancelled(what) from exc
        raise
    finally:
        done.set()
        watcher.join()
    if fired.is_set():
        raise OperationCancelled(what)
