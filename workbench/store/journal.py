"""The change journal behind undo: what one user action wrote, row by row, with the
row's image before and after each statement.

While :func:`recording` is active on the calling thread, every INSERT, UPDATE and
DELETE a service sends through the workbench's engine — ORM flush or Core, any table
of the domain — is captured at the Core level: the rows the statement will touch are
read before it runs and read again after. Nothing is special-cased per service, so a
new service's writes are journaled without code of their own (Anki's collection-wide
undo works the same way). Changes are kept per connection until its transaction
commits; a rolled-back transaction leaves nothing in the journal.

:func:`undo` puts the before-images back — but only while every row still equals the
image this action left; :func:`redo` puts the after-images back only while every row
still equals its before-image. A row changed since (another action, the CLI, another
window or a team member) or deleted for good refuses with :class:`UndoConflict`,
which names the record, and nothing is written. Statements are replayed in their
original order (undo: reversed), so foreign keys and unique names hold at every step.

Bookkeeping written outside SQLAlchemy's statement path (the write marker, the
full-text index kept by triggers) is not journaled; the triggers keep the index in
step when the rows are put back.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Delete, Engine, Insert, Table, Update, and_, event, func, select
from sqlmodel import SQLModel

from workbench.store.errors import StoreError

_PENDING = "workbench.journal.pending"
_STATEMENT = "workbench.journal.statement"
#: Columns that name a row for people, in order of preference.
_NAME_COLUMNS = ("name", "title", "subject", "key")
#: Rows one statement may touch and still be journaled (an undo step holds them twice).
ROW_LIMIT = 20_000
_KIND_NAMES = {"follow_up": "follow-up", "stage_change": "stage change", "pipeline_stage": "stage"}


@dataclass(frozen=True)
class RowChange:
    """One row written by one statement: ``before`` None = inserted, ``after`` None = deleted."""

    table: str
    key: tuple[Any, ...]
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None


@dataclass
class Recording:
    """What one action wrote, in the order it was written."""

    changes: list[RowChange] = field(default_factory=list)
    #: A write the journal could not see (raw SQL): undoing this action is refused.
    incomplete: bool = False

    def __bool__(self) -> bool:
        return bool(self.changes) or self.incomplete


class UndoConflict(StoreError):
    """The record an undo (or redo) would put back has changed since; nothing was written."""

    def __init__(self, message: str, record: str) -> None:
        super().__init__(message)
        self.record = record


_active: contextvars.ContextVar[Recording | None] = contextvars.ContextVar("workbench_journal", default=None)


def _tables() -> dict[str, Table]:
    return {name: table for name, table in SQLModel.metadata.tables.items() if table.primary_key.columns}


def _key_where(table: Table, key: Sequence[Any]) -> Any:
    return and_(*(column == value for column, value in zip(table.primary_key.columns, key, strict=True)))


def _key_of(table: Table, row: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(row[column.name] for column in table.primary_key.columns)


def _read(
    conn: Connection, table: Table, where: Any, params: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    result = conn.execute(select(table).where(where), dict(params or {}))
    return [dict(row) for row in result.mappings()]


def _too_many(conn: Connection, table: Table, where: Any, params: Mapping[str, Any]) -> bool:
    counted = select(func.count()).select_from(
        select(table.c[table.primary_key.columns[0].name]).where(where).limit(ROW_LIMIT + 1).subquery()
    )
    return int(conn.execute(counted, dict(params)).scalar() or 0) > ROW_LIMIT


def _param_sets(
    multiparams: Sequence[Mapping[str, Any]], params: Mapping[str, Any]
) -> list[Mapping[str, Any]]:
    return list(multiparams) if multiparams else [params]


# --- capture --------------------------------------------------------------------------------------
@dataclass
class _Statement:
    table: Table
    kind: str
    before: list[dict[str, Any]] = field(default_factory=list)
    max_key: Any = None
    skipped: bool = False


def _before_execute(
    conn: Connection, element: Any, multiparams: Any, params: Any, options: Mapping[str, Any]
) -> None:
    if _active.get() is None or not isinstance(element, Insert | Update | Delete):
        return
    table = _tables().get(getattr(element.table, "name", ""))
    if table is None:
        return
    statement = _Statement(table, type(element).__name__.lower())
    if isinstance(element, Insert):
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and not any(p.get(pk[0].key) is not None for p in _param_sets(multiparams, params)):
            statement.max_key = conn.execute(select(func.max(pk[0]))).scalar()
    else:
        where = element.whereclause if element.whereclause is not None else True
        seen: set[tuple[Any, ...]] = set()
        sets = _param_sets(multiparams, params)
        if len(sets) == 1 and _too_many(conn, table, where, sets[0]):
            # A rename across a million leads: keeping every row twice would cost more
            # than the action; it is not undoable (the history stops there).
            recording = _active.get()
            if recording is not None:
                recording.incomplete = True
            statement.skipped = True
            conn.info.setdefault(_STATEMENT, []).append(statement)
            return
        for param_set in sets:
            for row in _read(conn, table, where, param_set):
                if _key_of(table, row) not in seen:
                    seen.add(_key_of(table, row))
                    statement.before.append(row)
    conn.info.setdefault(_STATEMENT, []).append(statement)


def _after_execute(
    conn: Connection, element: Any, multiparams: Any, params: Any, options: Mapping[str, Any], result: Any
) -> None:
    stack: list[_Statement] = conn.info.get(_STATEMENT) or []
    if _active.get() is None or not isinstance(element, Insert | Update | Delete) or not stack:
        return
    statement = stack.pop()
    if statement.skipped:
        return
    table, pending = statement.table, conn.info.setdefault(_PENDING, [])
    if statement.kind == "insert":
        pk = list(table.primary_key.columns)
        sets = _param_sets(multiparams, params)
        keys = [tuple(p[c.key] for c in pk) for p in sets if all(p.get(c.key) is not None for c in pk)]
        if keys:
            rows = [r for key in keys for r in _read(conn, table, _key_where(table, key))]
        else:
            floor = statement.max_key
            rows = _read(conn, table, pk[0] > floor if floor is not None else True)
        pending.extend(RowChange(table.name, _key_of(table, row), None, row) for row in rows)
        return
    for before in statement.before:
        key = _key_of(table, before)
        now = _read(conn, table, _key_where(table, key))
        after = now[0] if now else None
        if after != before:
            pending.append(RowChange(table.name, key, before, after))


def _before_cursor_execute(
    conn: Connection, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    recording = _active.get()
    if recording is None:
        return
    verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
    compiled = getattr(context, "compiled", None)
    if verb in {"INSERT", "UPDATE", "DELETE", "REPLACE"} and (
        compiled is None or (not compiled.isinsert and not compiled.isupdate and not compiled.isdelete)
    ):
        recording.incomplete = True


def _commit(conn: Connection) -> None:
    pending = conn.info.pop(_PENDING, [])
    recording = _active.get()
    if recording is not None:
        recording.changes.extend(pending)


def _rollback(conn: Connection) -> None:
    conn.info.pop(_PENDING, None)
    conn.info.pop(_STATEMENT, None)


def install(engine: Engine) -> None:
    """Journal the writes of ``engine`` whenever a :func:`recording` is active."""
    event.listen(engine, "before_execute", _before_execute)
    event.listen(engine, "after_execute", _after_execute)
    event.listen(engine, "before_cursor_execute", _before_cursor_execute)
    event.listen(engine, "commit", _commit)
    event.listen(engine, "rollback", _rollback)


@contextlib.contextmanager
def recording() -> Iterator[Recording]:
    """Journal what the block writes (on this thread) into the yielded :class:`Recording`."""
    current = Recording()
    token = _active.set(current)
    try:
        yield current
    finally:
        _active.reset(token)


# --- undo and redo --------------------------------------------------------------------------------
def describe(table: str, row: Mapping[str, Any] | None) -> str:
    """A record as a person would name it: ``lead "Dana Reyes"``."""
    kind = _KIND_NAMES.get(table, table.replace("_", " "))
    if row is None:
        return kind
    for column in _NAME_COLUMNS:
        value = row.get(column)
        if value:
            return f'{kind} "{value}"'
    person = " ".join(str(row.get(c) or "") for c in ("first_name", "last_name")).strip()
    if person:
        return f'{kind} "{person}"'
    return f"{kind} #{row.get('id', '?')}"


def _expected(changes: Sequence[RowChange], *, undoing: bool) -> dict[tuple[str, tuple[Any, ...]], RowChange]:
    """Per row, the change whose image the row must still show: the last one (undo) or the first (redo)."""
    wanted: dict[tuple[str, tuple[Any, ...]], RowChange] = {}
    for change in changes:
        slot = (change.table, change.key)
        if undoing or slot not in wanted:
            wanted[slot] = change
    return wanted


def _check(conn: Connection, changes: Sequence[RowChange], *, undoing: bool) -> None:
    tables = _tables()
    for (name, key), change in _expected(changes, undoing=undoing).items():
        table = tables[name]
        image = change.after if undoing else change.before
        rows = _read(conn, table, _key_where(table, key))
        current = rows[0] if rows else None
        if current == (dict(image) if image is not None else None):
            continue
        record = describe(name, image or change.before or change.after)
        if current is None:
            why = f"The {record} was deleted for good since"
        elif image is None:
            why = f"The {record} was created again since"
        else:
            why = f"The {record} has changed since"
        raise UndoConflict(
            f"{why}, so this cannot be {'undone' if undoing else 'redone'}; nothing was changed.", record
        )


def _put(
    conn: Connection, table: Table, key: tuple[Any, ...], image: Mapping[str, Any] | None, exists: bool
) -> None:
    if image is None:
        conn.execute(table.delete().where(_key_where(table, key)))
    elif exists:
        conn.execute(table.update().where(_key_where(table, key)).values(**image))
    else:
        conn.execute(table.insert().values(**image))


def _replay(engine: Engine, changes: Sequence[RowChange], *, undoing: bool) -> None:
    if _active.get() is not None:
        raise RuntimeError("undo and redo run outside a recording")
    tables = _tables()
    with engine.begin() as conn:
        _check(conn, changes, undoing=undoing)
        for change in reversed(changes) if undoing else changes:
            table = tables[change.table]
            target, source = (change.before, change.after) if undoing else (change.after, change.before)
            _put(conn, table, change.key, target, exists=source is not None)


def undo(engine: Engine, changes: Sequence[RowChange]) -> None:
    """Put the rows back as they were before the action, or raise :class:`UndoConflict`."""
    _replay(engine, changes, undoing=True)


def redo(engine: Engine, changes: Sequence[RowChange]) -> None:
    """Write the action's rows again, or raise :class:`UndoConflict`."""
    _replay(engine, changes, undoing=False)
