"""De-duplication for bulk imports: the rules of :mod:`workbench.services.leads.duplicates`,
made to scale to a million rows against a million stored leads.

Same person when (cheapest first):

1. the same email (``email_norm``), or
2. the same company — email domain when not free mail (or the website's domain), or
   the normalised company name — **and** a similar person name (rapidfuzz
   ``token_sort_ratio`` ≥ :data:`~workbench.services.leads.duplicates.NAME_SIMILARITY`).

How it scales (blocking): rows arrive in chunks. For each chunk, :meth:`prefetch`
reads the stored candidates with a few indexed ``IN (…)`` queries — by email, by
domain, by company key — bounded per key. Candidates are kept in memory per *block*
(a domain or company key), sub-divided by the initial of the name's first word in
alphabetical order, so each row is compared fuzzily with a handful of names, never
with the whole file. Rows that the import adds are registered with :meth:`add`, so
later rows of the same file find them too; earlier chunks are already in the
database, where the next chunk's queries see them (same transaction).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from rapidfuzz import fuzz, process
from sqlalchemy import Connection, select

from workbench.domain import Lead, table_of
from workbench.domain.normalize import person_key
from workbench.services.leads.duplicates import NAME_SIMILARITY, SAME_COMPANY_SIMILAR_NAME, SAME_EMAIL

L: Any = table_of(Lead).c

#: Stored candidates read per block key (newest first): a company with thousands of
#: leads must not make every row of the file slow.
CANDIDATES_PER_KEY = 500
#: Candidates cached across chunks: once this many more were read or added since the
#: cache was last rebuilt, it is dropped and rebuilt with what the next chunk needs.
#: Counting from the rebuild (not from zero) matters: when every chunk touches most
#: keys (a file of a few thousand companies), a rebuild alone reads more than the limit,
#: and dropping it again at the next chunk re-read the whole table per chunk.
CACHE_LIMIT = 300_000
#: Keys per ``IN (…)`` query (SQLite's default limit on variables is far above).
_IN_CHUNK = 900


@dataclass(frozen=True, slots=True)
class Keys:
    """The normalised keys of one row, as de-duplication sees it."""

    email: str = ""  # email_norm of a valid address, else ""
    domain: str = ""  # company domain (never free mail), else ""
    company: str = ""  # company_norm
    person: str = ""  # person_key of the full name


class Match(NamedTuple):
    lead_id: int
    reason: str
    score: float


def initial(person: str) -> str:
    """The sub-block of a name: the first letter of its alphabetically first word, so
    "Ana López" and "López Ana" land together."""
    words = person.split()
    return min(words)[:1] if words else ""


class _Block:
    """Names of one domain or company, by initial: parallel lists of names and ids (no
    tuple per candidate), since a million-row import keeps millions of them."""

    __slots__ = ("by_initial", "size")

    def __init__(self) -> None:
        self.by_initial: dict[str, tuple[list[str], array[int]]] = {}
        self.size = 0

    def add(self, person: str, lead_id: int) -> None:
        key = initial(person)
        entries = self.by_initial.get(key)
        if entries is None:
            entries = self.by_initial[key] = ([], array("q"))
        entries[0].append(person)
        entries[1].append(lead_id)
        self.size += 1

    def best(self, person: str) -> tuple[int, float] | None:
        entries = self.by_initial.get(initial(person))
        if not entries:
            return None
        names, ids = entries
        found = process.extractOne(person, names, scorer=fuzz.token_sort_ratio, score_cutoff=NAME_SIMILARITY)
        if found is None:
            return None
        _name, score, index = found
        return ids[index], float(score)


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(values)
    for start in range(0, len(items), _IN_CHUNK):
        yield items[start : start + _IN_CHUNK]


class DuplicateIndex:
    """Finds the lead (stored, or added earlier by this import) a row duplicates."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._emails: dict[str, int] = {}
        self._blocks: dict[tuple[str, str], _Block] = {}
        self._cached = 0
        self._after_rebuild = 0

    # --- reading candidates -------------------------------------------------------------
    def prefetch(self, rows: Sequence[Keys]) -> None:
        """Read the stored candidates of a chunk of rows (call before :meth:`find`)."""
        self._emails = {}
        rebuild = self._cached > self._after_rebuild + CACHE_LIMIT
        if rebuild:
            self._blocks.clear()
            self._cached = 0
        emails = {k.email for k in rows if k.email}
        for part in _chunks(emails):
            # ``deleted_at`` is checked here, not in SQL: with it in the WHERE clause
            # SQLite may walk the deleted_at index over every live lead instead.
            stmt = select(L.email_norm, L.id, L.deleted_at).where(L.email_norm.in_(part))
            for email, lead_id, deleted_at in self._conn.execute(stmt):
                if deleted_at is None:
                    known = self._emails.get(email)
                    self._emails[email] = int(lead_id) if known is None else min(known, int(lead_id))
        with_person = [k for k in rows if k.person]
        domains = {k.domain for k in with_person if k.domain and ("d", k.domain) not in self._blocks}
        companies = {k.company for k in with_person if k.company and ("c", k.company) not in self._blocks}
        self._fetch_blocks("d", L.email_domain, domains)
        self._fetch_blocks("c", L.company_norm, companies)
        if rebuild:
            self._after_rebuild = self._cached

    def _fetch_blocks(self, kind: str, column: Any, keys: set[str]) -> None:
        for key in keys:
            self._blocks[(kind, key)] = _Block()
        for part in _chunks(keys):
            # Newest first, so the leads this import added in earlier chunks are among
            # the candidates kept for a crowded key.
            stmt = (
                select(column, L.id, L.name, L.deleted_at)
                .where(column.in_(part))
                .order_by(column, L.id.desc())
            )
            for key, lead_id, name, deleted_at in self._conn.execute(stmt):
                block = self._blocks[(kind, key)]
                if deleted_at is not None or block.size >= CANDIDATES_PER_KEY:
                    continue
                person = person_key(name or "")
                if person:
                    block.add(person, int(lead_id))
                    self._cached += 1

    # --- matching -----------------------------------------------------------------------
    def find(self, keys: Keys) -> Match | None:
        if keys.email:
            lead_id = self._emails.get(keys.email)
            if lead_id is not None:
                return Match(lead_id, SAME_EMAIL, 100.0)
        if not keys.person:
            return None
        best: tuple[int, float] | None = None
        for block_key in (("d", keys.domain), ("c", keys.company)):
            if not block_key[1]:
                continue
            block = self._blocks.get(block_key)
            if block is None:
                continue
            found = block.best(keys.person)
            if found is not None and (best is None or found[1] > best[1]):
                best = found
        if best is None:
            return None
        return Match(best[0], SAME_COMPANY_SIMILAR_NAME, best[1])

    def add(self, keys: Keys, lead_id: int) -> None:
        """Register a lead this import adds, so later rows match it."""
        if keys.email:
            self._emails.setdefault(keys.email, lead_id)
        if not keys.person:
            return
        for block_key in (("d", keys.domain), ("c", keys.company)):
            if block_key[1]:
                # Prefetch made the block of every row of the chunk, so it is there; a
                # block made here would hide the stored candidates it never read.
                block = self._blocks.get(block_key)
                if block is not None:
                    block.add(keys.person, lead_id)
                    self._cached += 1


__all__ = ["CANDIDATES_PER_KEY", "DuplicateIndex", "Keys", "Match", "initial"]
