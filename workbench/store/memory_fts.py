"""A word-prefix index kept in memory, in SQLite's FTS5 — for type-ahead over tables
that have no full-text index in the file (contacts, accounts, opportunities).

Why SQLite and not Python dicts: a few hundred thousand rows of words as Python
objects cost seconds to build, over a hundred megabytes and long garbage-collector
pauses for the whole app; FTS5 in an in-memory database builds in C, answers a prefix
query in well under a millisecond and is invisible to the collector. It is fed from
any database through plain rows, so it works the same whatever the file's engine.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from typing import Any

_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")
_WORD = re.compile(r"\w+", re.UNICODE)


class MemoryFts:
    """Rows of text columns under an integer key; :meth:`match` finds keys by word
    prefixes. Thread-safe (one lock around one private connection)."""

    def __init__(self, columns: Sequence[str]) -> None:
        if not columns or not all(_IDENT.match(c) for c in columns):
            raise ValueError("column names must be plain identifiers")
        self.columns = tuple(columns)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(":memory:", check_same_thread=False)
        self._conn.execute(
            f"CREATE VIRTUAL TABLE words USING fts5({', '.join(self.columns)}, "
            # detail=none: prefix matching needs no positions, and the index builds faster.
            "tokenize='unicode61 remove_diacritics 2', prefix='2 3', detail=none, columnsize=0)"
        )
        placeholders = ", ".join("?" for _ in range(len(self.columns) + 1))
        self._insert = f"INSERT INTO words(rowid, {', '.join(self.columns)}) VALUES ({placeholders})"

    def upsert(self, rows: Iterable[Sequence[Any]], *, new: bool = False) -> int:
        """Insert or replace rows given as ``(key, text, text, …)``; returns how many.
        ``new=True`` promises the keys are not there yet (a first load skips the deletes)."""
        batch = [(int(r[0]), *("" if v is None else str(v) for v in r[1:])) for r in rows]
        if not batch:
            return 0
        with self._lock:
            if not new:
                self._conn.executemany("DELETE FROM words WHERE rowid = ?", [(r[0],) for r in batch])
            self._conn.executemany(self._insert, batch)
            self._conn.commit()
        return len(batch)

    def delete(self, keys: Iterable[int]) -> None:
        with self._lock:
            self._conn.executemany("DELETE FROM words WHERE rowid = ?", [(int(k),) for k in keys])
            self._conn.commit()

    def match(self, groups: Sequence[Sequence[str]], limit: int) -> list[int]:
        """Keys whose text has, for every group, a word starting with one of its words."""
        clean = [[w for term in g for w in _WORD.findall(term.casefold())] for g in groups]
        clean = [g for g in clean if g]
        if not clean or limit <= 0:
            return []
        query = " AND ".join("(" + " OR ".join(f'"{w}"*' for w in g) + ")" for g in clean)
        with self._lock:
            rows = self._conn.execute("SELECT rowid FROM words WHERE words MATCH ? LIMIT ?", (query, limit))
            return [int(r[0]) for r in rows]

    def vocabulary(self) -> list[str]:
        """Every distinct word, sorted (for spelling corrections)."""
        with self._lock:
            self._conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS vocab USING fts5vocab(words, 'row')")
            return [str(r[0]) for r in self._conn.execute("SELECT term FROM vocab ORDER BY term")]

    def __len__(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM words").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()
