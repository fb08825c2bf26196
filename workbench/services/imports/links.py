"""Linking imported leads to accounts, a chunk of rows at a time.

The rule is the leads area's (:func:`workbench.services.leads.accounts.auto_account_id`):
the only live account whose ``domain`` is the lead's company domain (never free
mail); when no account has that domain, the only one whose ``name_norm`` is the
lead's company key; nothing when the match is ambiguous. Here the accounts of a
whole chunk are read with a few indexed ``IN (…)`` queries and remembered, since an
import repeats the same companies many times.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, select

from workbench.domain import Account, table_of

A: Any = table_of(Account).c

#: Remembered keys before the memory is dropped (and refilled as needed).
CACHE_LIMIT = 200_000
_AMBIGUOUS = -1
_IN_CHUNK = 900


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(values)
    for start in range(0, len(items), _IN_CHUNK):
        yield items[start : start + _IN_CHUNK]


class AccountLinker:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._by_domain: dict[str, int | None] = {}
        self._by_name: dict[str, int | None] = {}

    def _read(self, column: Any, keys: set[str], into: dict[str, int | None]) -> None:
        for key in keys:
            into[key] = None
        for part in _chunks(keys):
            # ``deleted_at`` checked here: in SQL it can lure SQLite onto its index.
            stmt = select(column, A.id, A.deleted_at).where(column.in_(part))
            for key, account_id, deleted_at in self._conn.execute(stmt):
                if deleted_at is None:
                    into[key] = int(account_id) if into[key] is None else _AMBIGUOUS

    def prefetch(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Read the accounts of (domain, company key) pairs not seen yet."""
        if len(self._by_domain) + len(self._by_name) > CACHE_LIMIT:
            self._by_domain.clear()
            self._by_name.clear()
        domains = {d for d, _c in pairs if d and d not in self._by_domain}
        names = {c for _d, c in pairs if c and c not in self._by_name}
        self._read(A.domain, domains, self._by_domain)
        self._read(A.name_norm, names, self._by_name)

    def account_for(self, domain: str, company_key: str) -> int | None:
        if domain:
            found = self._by_domain.get(domain)
            if found is not None:
                return None if found == _AMBIGUOUS else found
        if company_key:
            found = self._by_name.get(company_key)
            if found is not None and found != _AMBIGUOUS:
                return found
        return None


__all__ = ["AccountLinker"]
