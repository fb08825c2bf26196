"""Type-ahead over leads, contacts, accounts and opportunities: the quick log's "who"
field and the base of global search.

How it stays within a keystroke (P4: ≤ 30 ms p95 on a million leads):

* **Leads** (up to millions) are found through the FTS5 index in ``store/fulltext.py``:
  every typed word is a word prefix of name, company, email or phone; newest first,
  at most :data:`CANDIDATES` per keystroke.
* **Contacts, accounts, opportunities** (up to ~100k each) — and leads too on a team
  database, which has no FTS5 index — have no full-text index in the file; they are
  copied once into an in-memory FTS5 index (``store/memory_fts.py``), built on first
  use or ahead of time off the UI thread (:meth:`Lookup.warm`).
  :meth:`Lookup.mark_dirty` + the next search fold in only the rows changed since, so
  it is never rebuilt per keystroke.
* **Fuzzy**: a word that is no prefix of any known word is corrected against the
  in-memory index's vocabulary with rapidfuzz ("schmit" → "schmidt", "schmitt") and
  the corrections are searched in both places. All candidates (at most a few dozen
  of each) are ranked with rapidfuzz against name, company, email and phone.

Words of one letter do not fetch candidates (they would match half the file); they
still narrow the candidates the longer words found.

Each match shown also carries what tells two people of the same name apart (issue 22):
the status (a deal's stage and amount) and the next open follow-up, read after ranking
for the few results only, in one query per kind by primary key — a lead's and an
account's from their touch column, a contact's and a deal's by an indexed subquery per
row, never a query per match.
:func:`tie_count` says when the best matches score the same, so Enter cannot pick one.
"""

from __future__ import annotations

import bisect
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import Connection, bindparam, func, literal, null, select

from workbench.domain import Account, Contact, FollowUp, Lead, Opportunity, PipelineStage, table_of
from workbench.services.records import RecordKind, RecordRef
from workbench.store import Workbench
from workbench.store.fulltext import lead_candidates
from workbench.store.memory_fts import MemoryFts
from workbench.store.sql_functions import unindexed

#: Leads fetched from the full-text index per keystroke, before ranking.
CANDIDATES = 40
#: Contacts, accounts and opportunities fetched from the in-memory index per keystroke.
MEMORY_CANDIDATES = 40
#: Vocabulary corrections tried per misspelt word.
CORRECTIONS = 4
FUZZY_CUTOFF = 78

ALL_KINDS: tuple[RecordKind, ...] = (
    RecordKind.LEAD,
    RecordKind.CONTACT,
    RecordKind.ACCOUNT,
    RecordKind.OPPORTUNITY,
)
_KIND_ORDER = {kind: i for i, kind in enumerate(ALL_KINDS)}
_KIND_CODE = {RecordKind.LEAD: 0, RecordKind.CONTACT: 1, RecordKind.ACCOUNT: 2, RecordKind.OPPORTUNITY: 3}
_CODE_KIND = {code: kind for kind, code in _KIND_CODE.items()}
_WORD = re.compile(r"\w+", re.UNICODE)
_DIGITS = re.compile(r"\D+")
_MAX_CHAR = "\U0010ffff"

_L: Any = table_of(Lead).c
_C: Any = table_of(Contact).c
_AC: Any = table_of(Account).c
_O: Any = table_of(Opportunity).c
_COLUMNS: dict[RecordKind, Any] = {
    RecordKind.LEAD: _L,
    RecordKind.CONTACT: _C,
    RecordKind.ACCOUNT: _AC,
    RecordKind.OPPORTUNITY: _O,
}


@dataclass(frozen=True)
class Match:
    ref: RecordRef
    name: str
    company: str = ""
    email: str = ""
    phone: str = ""
    score: float = 0.0
    #: A lead's or an account's status, a deal's stage name ("" for a contact).
    status: str = ""
    #: A deal's amount and currency (None for the other kinds).
    amount: float | None = None
    currency: str = ""
    #: When the record's next open follow-up is due (None: none planned).
    next_followup: datetime | None = None

    @property
    def kind(self) -> RecordKind:
        return self.ref.kind


def tie_count(matches: Sequence[Match]) -> int:
    """How many of the best matches score the same as the first (0 when fewer than two):
    two "Daniel Lee" typed as "daniel lee" — Enter must not pick one of them blindly."""
    if len(matches) < 2:
        return 0
    top = matches[0].score
    tied = sum(1 for m in matches if m.score == top)
    return tied if tied >= 2 else 0


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case without accents, so "Müller" matches "muller"."""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    # Same folding as the FTS5 tokenizer (unicode61, remove_diacritics 2), so a word
    # typed here is the word the indexes hold.
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def query_words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def _key(kind: RecordKind, record_id: int) -> int:
    return record_id * 4 + _KIND_CODE[kind]


def _unkey(key: int) -> RecordRef:
    return RecordRef(_CODE_KIND[key % 4], key // 4)


class Lookup:
    """Type-ahead over one workbench. Thread-safe: the in-memory index may be built on
    a worker thread while the UI thread searches (which then waits for it once)."""

    def __init__(self, wb: Workbench, kinds: Sequence[RecordKind] = ALL_KINDS) -> None:
        self.wb = wb
        self.kinds = tuple(kinds)
        # Without the file's FTS5 index (a team database on PostgreSQL) leads go into the
        # in-memory index too: a prefix query there beats an ILIKE scan of every lead.
        self._leads_in_memory = RecordKind.LEAD in self.kinds and wb.dialect != "sqlite"
        self._memory: MemoryFts | None = None
        self._vocabulary: list[str] = []
        self._seen_until: datetime | None = None
        self._max_ids: dict[RecordKind, int] = {}
        self._dirty = False
        self._lock = threading.Lock()

    # --- the in-memory index ----------------------------------------------------------
    def warm(self) -> None:
        """Build the in-memory index now (call from a worker to keep the UI responsive)."""
        self._ensure_memory()

    @property
    def ready(self) -> bool:
        return self._memory is not None

    def mark_dirty(self) -> None:
        """Records may have changed: fold the changes in before the next search."""
        self._dirty = True

    def close(self) -> None:
        with self._lock:
            if self._memory is not None:
                self._memory.close()
                self._memory = None

    def _ensure_memory(self) -> MemoryFts:
        with self._lock:
            if self._memory is None:
                memory = MemoryFts(("name", "company", "email", "phone"))
                self._load(memory, since=None)
                self._vocabulary = memory.vocabulary()
                self._memory = memory
                self._dirty = False
            elif self._dirty:
                self._dirty = False
                self._load(self._memory, since=self._seen_until)
            return self._memory

    def _load(self, memory: MemoryFts, since: datetime | None) -> None:
        """Copy live rows changed at or after ``since`` (all when None), or added since
        the last load, into ``memory``, and drop rows trashed since."""
        changed_accounts: list[int] = []
        newest: list[datetime] = [] if since is None else [since]
        with self.wb.engine.connect() as conn:
            for kind, stmt in _sources(self.kinds, leads=self._leads_in_memory):
                columns = _COLUMNS[kind]
                last_id = self._max_ids.get(kind, 0)
                marks = conn.execute(select(func.max(columns.updated_at), func.max(columns.id))).one()
                if since is None:
                    stmt = stmt.where(columns.deleted_at.is_(None))
                else:
                    where = (columns.updated_at >= since) | (columns.id > last_id)
                    if kind is RecordKind.CONTACT and changed_accounts:
                        # A renamed account changes its contacts' company text too.
                        where = where | _C.account_id.in_(changed_accounts[:5000])
                    stmt = stmt.where(where)
                batch: list[tuple[int, str, str, str, str]] = []
                gone: list[int] = []
                for record_id, name, company, email, phone, live in conn.execute(stmt):
                    if since is not None and kind is RecordKind.ACCOUNT:
                        changed_accounts.append(record_id)
                    if live:
                        batch.append((_key(kind, record_id), name, company or "", email or "", phone or ""))
                    else:
                        gone.append(_key(kind, record_id))
                    if len(batch) >= 20000:
                        self._put(memory, batch, since is not None)
                        batch = []
                self._put(memory, batch, since is not None)
                memory.delete(gone)
                self._max_ids[kind] = max(last_id, int(marks[1] or 0))
                if marks[0] is not None:
                    newest.append(marks[0])
        self._seen_until = max(newest, default=None)

    def _put(self, memory: MemoryFts, rows: list[tuple[int, str, str, str, str]], learn: bool) -> None:
        memory.upsert(rows, new=not learn)
        if learn:  # new words become available for spelling corrections
            for row in rows:
                for word in _WORD.findall(fold(" ".join(row[1:]))):
                    at = bisect.bisect_left(self._vocabulary, word)
                    if at == len(self._vocabulary) or self._vocabulary[at] != word:
                        self._vocabulary.insert(at, word)

    # --- search -----------------------------------------------------------------------
    def search(self, text: str, limit: int = 10, *, wait: bool = True) -> list[Match]:
        """The best ``limit`` records for what was typed, best first. With ``wait=False``
        and the in-memory index still being built elsewhere, only leads are searched
        (the caller searches again once :attr:`ready`)."""
        words = query_words(text)
        fetching = [w for w in words if len(w) >= 2]
        if not fetching:
            return []
        memory = None
        if self._wants_memory and (wait or self._memory is not None or not self._lock.locked()):
            memory = self._ensure_memory()
        groups = [[w] for w in fetching]
        with self.wb.engine.connect() as conn:
            found = self._candidates(conn, memory, groups)
            if len(found) < limit:
                corrected = [[w, *self._corrections(w)] for w in fetching]
                if corrected != groups:
                    found += [m for m in self._candidates(conn, memory, corrected) if m not in found]
            refs = _details(conn, found)
            short = [w for w in words if len(w) < 2]
            if short:
                refs = [m for m in refs if _has_word_prefixes(m, short)]
            # Status and next follow-up only for the few shown, not every candidate.
            return _with_facts(conn, _rank(" ".join(words), refs, limit))

    def describe(self, ref: RecordRef) -> Match | None:
        """The match for one live record (a record handed to the quick log), with the
        same facts a search shows; None when it is trashed or gone."""
        with self.wb.engine.connect() as conn:
            found = _with_facts(conn, _details(conn, [ref]))
        return found[0] if found else None

    @property
    def _wants_memory(self) -> bool:
        return self._leads_in_memory or any(k is not RecordKind.LEAD for k in self.kinds)

    def _candidates(
        self, conn: Connection, memory: MemoryFts | None, groups: list[list[str]]
    ) -> list[RecordRef]:
        found: list[RecordRef] = []
        if RecordKind.LEAD in self.kinds and not self._leads_in_memory:
            found += [RecordRef(RecordKind.LEAD, i) for i in lead_candidates(conn, groups, CANDIDATES)]
        if memory is not None:
            limit = MEMORY_CANDIDATES + (CANDIDATES if self._leads_in_memory else 0)
            found += [_unkey(k) for k in memory.match(groups, limit)]
        return found

    def _corrections(self, word: str) -> list[str]:
        """Known words close to a word that is no prefix of any known word."""
        vocabulary = self._vocabulary
        at = bisect.bisect_left(vocabulary, word)
        if len(word) < 3 or (at < len(vocabulary) and vocabulary[at].startswith(word)):
            return []
        # Typos rarely hit the first letter: compare with the words sharing it only.
        lo = bisect.bisect_left(vocabulary, word[0])
        hi = bisect.bisect_left(vocabulary, word[0] + _MAX_CHAR, lo)
        found = process.extract(
            word, vocabulary[lo:hi], scorer=fuzz.ratio, limit=CORRECTIONS, score_cutoff=FUZZY_CUTOFF
        )
        return [term for term, _score, _i in found]


def _sources(kinds: Sequence[RecordKind], *, leads: bool = False) -> list[tuple[RecordKind, Any]]:
    account = table_of(Account)
    sources: list[tuple[RecordKind, Any]] = []
    if leads:
        sources.append(
            (RecordKind.LEAD, select(_L.id, _L.name, _L.company, _L.email, _L.phone, _L.deleted_at.is_(None)))
        )
    if RecordKind.CONTACT in kinds:
        sources.append(
            (
                RecordKind.CONTACT,
                select(_C.id, _C.name, _AC.name, _C.email, _C.phone, _C.deleted_at.is_(None)).select_from(
                    table_of(Contact).outerjoin(account, _AC.id == _C.account_id)
                ),
            )
        )
    if RecordKind.ACCOUNT in kinds:
        # Accounts first among the in-memory kinds so a renamed account's contacts follow.
        sources.insert(
            0,
            (
                RecordKind.ACCOUNT,
                select(_AC.id, _AC.name, literal(""), _AC.domain, literal(""), _AC.deleted_at.is_(None)),
            ),
        )
    if RecordKind.OPPORTUNITY in kinds:
        sources.append(
            (
                RecordKind.OPPORTUNITY,
                select(
                    _O.id, _O.name, _AC.name, literal(""), literal(""), _O.deleted_at.is_(None)
                ).select_from(table_of(Opportunity).outerjoin(account, _AC.id == _O.account_id)),
            )
        )
    return sources


def _details(conn: Connection, refs: list[RecordRef]) -> list[Match]:
    """Name, company, email and phone of each live record among ``refs``, read by key."""
    by_kind: dict[RecordKind, list[int]] = {}
    for ref in refs:
        by_kind.setdefault(ref.kind, []).append(ref.id)
    found: dict[RecordRef, Match] = {}
    for kind, ids in by_kind.items():
        for record_id, name, company, email, phone in conn.execute(_detail_query(kind), {"ids": ids}):
            ref = RecordRef(kind, int(record_id))
            found[ref] = Match(ref, name or company or "", company or "", email or "", phone or "")
    return [found[r] for r in dict.fromkeys(refs) if r in found]


def _with_facts(conn: Connection, matches: list[Match]) -> list[Match]:
    """``matches`` with their status (a deal's stage and amount) and next open follow-up:
    one query per kind by key, for the few matches shown."""
    by_kind: dict[RecordKind, list[int]] = {}
    for match in matches:
        by_kind.setdefault(match.kind, []).append(match.ref.id)
    facts: dict[RecordRef, tuple[str, float | None, str, datetime | None]] = {}
    for kind, ids in by_kind.items():
        for record_id, status, amount, currency, due in conn.execute(_facts_query(kind), {"ids": ids}):
            amount_value = float(amount) if amount is not None else None
            facts[RecordRef(kind, int(record_id))] = (status or "", amount_value, currency or "", _aware(due))
    found = []
    for match in matches:
        if match.ref in facts:
            status, amount, currency, due = facts[match.ref]
            match = replace(match, status=status, amount=amount, currency=currency, next_followup=due)
        found.append(match)
    return found


def _aware(value: Any) -> datetime | None:
    """A stored time as aware UTC (SQLite hands back naive ones; a subquery's MIN() a string)."""
    if value is None:
        return None
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _next_open_followup(link: Any, record_id: Any) -> Any:
    """The soonest open follow-up of one record: a walk of the link column's index (the
    open follow-ups' index would read every open follow-up of the file per match)."""
    f = table_of(FollowUp).c
    return (
        select(func.min(f.due_at))
        .where(link == record_id, unindexed(f.done_at).is_(None), unindexed(f.deleted_at).is_(None))
        .scalar_subquery()
    )


@lru_cache(maxsize=8)
def _detail_query(kind: RecordKind) -> Any:
    """The details of records of ``kind`` whose ids are the ``ids`` parameter — built
    once, so SQLAlchemy compiles it once (a keystroke has no time for compiling)."""
    account = table_of(Account)
    if kind is RecordKind.LEAD:
        stmt = select(_L.id, _L.name, _L.company, _L.email, _L.phone)
    elif kind is RecordKind.CONTACT:
        stmt = select(_C.id, _C.name, _AC.name, _C.email, _C.phone).select_from(
            table_of(Contact).outerjoin(account, _AC.id == _C.account_id)
        )
    elif kind is RecordKind.ACCOUNT:
        stmt = select(_AC.id, _AC.name, literal(""), _AC.domain, literal(""))
    else:
        stmt = select(_O.id, _O.name, _AC.name, literal(""), literal("")).select_from(
            table_of(Opportunity).outerjoin(account, _AC.id == _O.account_id)
        )
    columns = _COLUMNS[kind]
    return stmt.where(columns.id.in_(bindparam("ids", expanding=True)), columns.deleted_at.is_(None))


@lru_cache(maxsize=8)
def _facts_query(kind: RecordKind) -> Any:
    """Status, amount, currency and next open follow-up of records of ``kind`` whose ids
    are the ``ids`` parameter: a lead's and an account's follow-up from their touch
    column, a contact's and a deal's by an indexed subquery."""
    f = table_of(FollowUp).c
    no_amount, no_text = null(), literal("")
    if kind is RecordKind.LEAD:
        stmt = select(_L.id, _L.status, no_amount, no_text, _L.next_followup_at)
    elif kind is RecordKind.CONTACT:
        stmt = select(_C.id, no_text, no_amount, no_text, _next_open_followup(f.contact_id, _C.id))
    elif kind is RecordKind.ACCOUNT:
        stmt = select(_AC.id, _AC.status, no_amount, no_text, _AC.next_followup_at)
    else:
        stage = table_of(PipelineStage)
        stmt = select(
            _O.id, stage.c.name, _O.amount, _O.currency, _next_open_followup(f.opportunity_id, _O.id)
        ).select_from(table_of(Opportunity).outerjoin(stage, stage.c.id == _O.stage_id))
    return stmt.where(_COLUMNS[kind].id.in_(bindparam("ids", expanding=True)))


def _has_word_prefixes(match: Match, words: Iterable[str]) -> bool:
    tokens = query_words(f"{match.name} {match.company} {match.email} {match.phone}")
    return all(any(t.startswith(w) for t in tokens) for w in words)


def _rank(query: str, candidates: list[Match], limit: int) -> list[Match]:
    digits = _DIGITS.sub("", query)
    ranked = []
    for m in candidates:
        name = fold(m.name)
        score = max(
            # A name starting with the typed text scores higher, and higher still when
            # the text is its whole first word(s): "ana" puts Ana López before Anabel.
            fuzz.WRatio(query, name)
            + (8 if name.startswith(query) else 0)
            + (2 if name == query or name.startswith(query + " ") else 0),
            0.9 * fuzz.WRatio(query, fold(m.company)) if m.company else 0,
            0.85 * fuzz.partial_ratio(query, fold(m.email)) if m.email else 0,
            95 if len(digits) >= 3 and digits in _DIGITS.sub("", m.phone) else 0,
        )
        ranked.append(Match(m.ref, m.name, m.company, m.email, m.phone, round(float(score), 1)))
    ranked.sort(key=lambda m: (-m.score, _KIND_ORDER[m.ref.kind], -m.ref.id))
    return ranked[:limit]
