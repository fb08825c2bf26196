"""An imported file read in chunks: the lead and the account import both hold one chunk
of rows at a time (bounded memory however long the file), look up its duplicates in a
few queries and write it with one ``executemany``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

#: Rows per chunk: large enough that a chunk's lookups are a few queries, small enough
#: that a million-row file never holds more than this many.
CHUNK_ROWS = 2000

_T = TypeVar("_T")


def in_chunks(rows: Iterable[_T], size: int = CHUNK_ROWS) -> Iterator[list[_T]]:
    """``rows`` in lists of ``size`` (the last one shorter)."""
    chunk: list[_T] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
