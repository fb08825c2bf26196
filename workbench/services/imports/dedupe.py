"""De-duplication for bulk imports: the rules of :mod:`workbench.services.leads.duplicates`
(:func:`~workbench.services.leads.duplicates.verdict`), made to scale to a million rows
against a million stored leads.

* the same email (``email_norm``) is the same person;
* without an email on one side, the same E.164 phone, or the same company (email
  domain when not free mail, or the website's domain, or the normalised company name)
  and a similar *full* name, is a *possible* duplicate — the rep reviews it and both
  are kept by default; two different emails never match.

How it scales (blocking): rows arrive in chunks. For each chunk, :meth:`prefetch`
reads the stored candidates with a few indexed ``IN (…)`` queries — by email, by
phone, by domain, by company key — bounded per key. Name candidates are kept in
memory per *block* (a domain or company key) — a crowded block divided by the initial
of the name's first word in alphabetical order — so each row is compared with a few
dozen names, never with the whole file. Names are stored compactly (about 45 bytes
each), so the cache holds the candidates of a million-lead workbench and is not
re-read chunk after chunk. Rows that the import adds are registered with :meth:`add`,
so later rows of the same file find them too; earlier chunks are already in the
database, where the next chunk's queries see them (same transaction).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from rapidfuzz import fuzz, process
from sqlalchemy import Connection, case, func, or_, select

from workbench.domain import Lead, table_of
from workbench.domain.normalize import person_key, split_full_name
from workbench.services.leads.duplicates import (
    NAME_SIMILARITY,
    SAME_EMAIL,
    SAME_PHONE,
    SIMILAR_FULL_NAME,
    Person,
    Verdict,
    full_name_score,
)
from workbench.store.sql_functions import unindexed

L: Any = table_of(Lead).c

#: Stored candidates read per block key (newest first): a company with thousands of
#: leads must not make every row of the file slow.
CANDIDATES_PER_KEY = 500
#: Candidates cached across chunks: once this many more were read or added since the
#: cache was last rebuilt, it is dropped and rebuilt with what the next chunk needs.
#: Counting from the rebuild (not from zero) matters: when every chunk touches most
#: keys (a file of a few thousand companies), a rebuild alone reads more than the limit,
#: and dropping it again at the next chunk re-read the whole table per chunk. Two
#: million names take about 90 MB, so a million-row import is not re-read at all.
CACHE_LIMIT = 2_000_000
#: Keys per ``IN (…)`` query (SQLite's default limit on variables is far above).
_IN_CHUNK = 900
#: Whole-name similarity below which a candidate is not looked at more closely (the
#: rule itself then asks first and last name to be similar each).
_PREFILTER = NAME_SIMILARITY - 25
_SEP = "\t"


@dataclass(frozen=True, slots=True)
class Keys:
    """The normalised keys of one row, as de-duplication sees it."""

    email: str = ""  # email_norm of a valid address, else ""
    domain: str = ""  # company domain (never free mail), else ""
    company: str = ""  # company_norm
    person: str = ""  # person_key of the full name
    first: str = ""  # person_key of the first name
    last: str = ""  # person_key of the last name
    phone: str = ""  # E.164 of a valid number, else ""

    @property
    def full(self) -> bool:
        """Both a first and a last name: only then can a name be evidence."""
        return bool(self.first and self.last)


class Match(NamedTuple):
    lead_id: int
    reason: str
    score: float
    verdict: Verdict = Verdict.SAME


def initial(person: str) -> str:
    """The sub-block of a name: the first letter of its alphabetically first word, so
    "Ana López" and "López Ana" land together."""
    words = person.split()
    return min(words)[:1] if words else ""


def _name_of(first: str, last: str) -> str:
    return f"{first}{_SEP}{last}"


#: A block of up to this many names is compared whole; a larger one is divided by
#: initial, so a row of a crowded domain meets a few dozen names, not hundreds.
_FLAT = 64


class _Block:
    """Names of one domain or company. A *group* is ``[names joined by "\n", ids]``, an
    id negative when that lead has an email: two objects per group and none per name,
    since a million-row import keeps millions of names (one ``str`` each took 130 bytes
    a name, and the cache had to be dropped and re-read as the file grew). One group
    while the block is small, one per initial once it is larger than :data:`_FLAT`."""

    __slots__ = ("divided", "groups", "size")

    def __init__(self) -> None:
        self.groups: dict[str, list[Any]] = {}
        self.size = 0
        self.divided = False

    def add(self, first: str, last: str, lead_id: int, has_email: bool) -> None:
        if not self.divided and self.size >= _FLAT:
            self._divide()
        self._put("" if not self.divided else initial(f"{first} {last}"), _name_of(first, last),
                  -lead_id if has_email else lead_id)  # fmt: skip
        self.size += 1

    def _put(self, key: str, name: str, entry: int) -> None:
        group = self.groups.get(key)
        if group is None:
            self.groups[key] = [name, array("q", (entry,))]
        else:
            group[0] = f"{group[0]}\n{name}"
            group[1].append(entry)

    def _divide(self) -> None:
        self.divided = True
        flat = self.groups.pop("", None)
        if flat is not None:
            for name, entry in zip(flat[0].split("\n"), flat[1], strict=True):
                self._put(initial(name.replace(_SEP, " ")), name, entry)

    def best(self, keys: Keys) -> tuple[int, float] | None:
        group = self.groups.get(initial(keys.person) if self.divided else "")
        if not group:
            return None
        names: list[str] = group[0].split("\n")
        ids: array[int] = group[1]
        me = Person(first=keys.first, last=keys.last)
        best: tuple[int, float] | None = None
        for _name, _score, index in process.extract(
            _name_of(keys.first, keys.last),
            names,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=_PREFILTER,
            limit=8,
        ):
            entry = ids[index]
            if keys.email and entry < 0:
                continue  # two different emails: different people
            first, _sep, last = names[index].partition(_SEP)
            score = full_name_score(me, Person(first=first, last=last))
            if score >= NAME_SIMILARITY and (best is None or score > best[1]):
                best = abs(entry), score
        return best


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(values)
    for start in range(0, len(items), _IN_CHUNK):
        yield items[start : start + _IN_CHUNK]


class DuplicateIndex:
    """Finds the lead (stored, or added earlier by this import) a row is or may be."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._emails: dict[str, int] = {}
        #: E.164 → (lead id, whether that lead has an email).
        self._phones: dict[str, tuple[int, bool]] = {}
        self._blocks: dict[tuple[str, str], _Block] = {}
        self._cached = 0
        self._after_rebuild = 0

    # --- reading candidates -------------------------------------------------------------
    def prefetch(self, rows: Sequence[Keys]) -> None:
        """Read the stored candidates of a chunk of rows (call before :meth:`find`)."""
        self._emails = {}
        self._phones = {}
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
        phones = {k.phone for k in rows if k.phone}
        no_email = or_(L.email_norm.is_(None), L.email_norm == "")
        for part in _chunks(phones):
            # One row per number, counted in SQL: a shared switchboard number is on
            # thousands of leads, and reading each of them into Python for every chunk
            # made a million-row import slow down as the file grew.
            stmt = (
                select(L.phone_e164, func.min(case((no_email, L.id))), func.min(L.id))
                .where(L.phone_e164.in_(part), unindexed(L.deleted_at).is_(None))
                .group_by(L.phone_e164)
            )
            for phone, without_email, lowest in self._conn.execute(stmt):
                if without_email is not None:
                    self._phone_seen(phone, int(without_email), False)
                else:
                    self._phone_seen(phone, int(lowest), True)
        with_person = [k for k in rows if k.full]
        domains = {k.domain for k in with_person if k.domain and ("d", k.domain) not in self._blocks}
        companies = {k.company for k in with_person if k.company and ("c", k.company) not in self._blocks}
        self._fetch_blocks("d", L.email_domain, domains)
        self._fetch_blocks("c", L.company_norm, companies)
        if rebuild:
            self._after_rebuild = self._cached

    def _phone_seen(self, phone: str, lead_id: int, has_email: bool) -> None:
        known = self._phones.get(phone)
        # A lead without an email is the better candidate (it can match any row).
        if known is None or (known[1] and not has_email) or (known[1] == has_email and lead_id < known[0]):
            self._phones[phone] = (lead_id, has_email)

    def _fetch_blocks(self, kind: str, column: Any, keys: set[str]) -> None:
        for key in keys:
            self._blocks[(kind, key)] = _Block()
        for part in _chunks(keys):
            # Newest first, so the leads this import added in earlier chunks are among
            # the candidates kept for a crowded key.
            stmt = (
                select(column, L.id, L.first_name, L.last_name, L.name, L.email_norm, L.deleted_at)
                .where(column.in_(part))
                .order_by(column, L.id.desc())
            )
            for key, lead_id, first, last, name, email, deleted_at in self._conn.execute(stmt):
                block = self._blocks[(kind, key)]
                if deleted_at is not None or block.size >= CANDIDATES_PER_KEY:
                    continue
                if not (first or last):
                    first, last = split_full_name(name or "")
                first, last = person_key(first or ""), person_key(last or "")
                if first and last:
                    block.add(first, last, int(lead_id), bool(email))
                    self._cached += 1

    # --- matching -----------------------------------------------------------------------
    def find(self, keys: Keys) -> Match | None:
        if keys.email:
            lead_id = self._emails.get(keys.email)
            if lead_id is not None:
                return Match(lead_id, SAME_EMAIL, 100.0, Verdict.SAME)
        if keys.phone:
            found_phone = self._phones.get(keys.phone)
            if found_phone is not None and not (keys.email and found_phone[1]):
                return Match(found_phone[0], SAME_PHONE, 100.0, Verdict.POSSIBLE)
        if not keys.full:
            return None
        best: tuple[int, float] | None = None
        for block_key in (("d", keys.domain), ("c", keys.company)):
            if not block_key[1]:
                continue
            block = self._blocks.get(block_key)
            if block is None:
                continue
            found = block.best(keys)
            if found is not None and (best is None or found[1] > best[1]):
                best = found
        if best is None:
            return None
        return Match(best[0], SIMILAR_FULL_NAME, best[1], Verdict.POSSIBLE)

    def add(self, keys: Keys, lead_id: int) -> None:
        """Register a lead this import adds, so later rows match it."""
        if keys.email:
            self._emails.setdefault(keys.email, lead_id)
        if keys.phone:
            self._phone_seen(keys.phone, lead_id, bool(keys.email))
        if not keys.full:
            return
        for block_key in (("d", keys.domain), ("c", keys.company)):
            if block_key[1]:
                # Prefetch made the block of every row of the chunk, so it is there; a
                # block made here would hide the stored candidates it never read.
                block = self._blocks.get(block_key)
                if block is not None:
                    block.add(keys.first, keys.last, lead_id, bool(keys.email))
                    self._cached += 1


__all__ = ["CANDIDATES_PER_KEY", "DuplicateIndex", "Keys", "Match", "initial"]
