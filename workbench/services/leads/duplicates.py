"""Finding leads that are probably the same person, while the rep types or before a save.

Two rules, cheapest first:

1. the same email address (``email_norm``, exact);
2. the same company — the email's domain when it is not free mail, or the normalised
   company name — **and** a similar person name (rapidfuzz ``token_sort_ratio`` ≥
   :data:`NAME_SIMILARITY`), so "Ana López" at acme.com matches "Lopez, Ana" but not
   her colleague.

Candidates are read through the indexed columns ``email_norm``, ``email_domain`` and
``company_norm`` (a bounded number per key), and only those few are compared fuzzily.
The import's bulk de-duplication and account matching reuse :func:`probe_of` and
:func:`find_in`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import Connection, select

from workbench.domain import Lead, table_of
from workbench.domain.normalize import company_norm, email_domain, email_norm, is_free_mail, person_key
from workbench.store import Workbench

#: Minimum rapidfuzz token_sort_ratio (0–100) for two person names to count as the same.
NAME_SIMILARITY = 85.0
#: At most this many candidates are read per company key (a big company has many leads).
CANDIDATES_PER_KEY = 200

L: Any = table_of(Lead).c

SAME_EMAIL = "same email"
SAME_COMPANY_SIMILAR_NAME = "same company, similar name"


@dataclass(frozen=True)
class Probe:
    """The normalised keys of a lead being typed or imported."""

    email_norm: str = ""
    email_domain: str = ""
    company_norm: str = ""
    person: str = ""


def probe_of(*, name: str = "", company: str = "", email: str = "") -> Probe:
    domain = email_domain(email)
    return Probe(
        email_norm=email_norm(email),
        email_domain="" if is_free_mail(domain) else domain,
        company_norm=company_norm(company) if company.strip() else "",
        person=person_key(name),
    )


@dataclass(frozen=True)
class DuplicateMatch:
    lead_id: int
    name: str
    company: str
    email: str
    status: str
    reason: str
    #: 100 for the same email; the name similarity otherwise.
    score: float


def names_similar(a: str, b: str) -> float:
    """Similarity 0–100 of two person keys (word order ignored)."""
    if not a or not b:
        return 0.0
    return float(fuzz.token_sort_ratio(a, b))


def find_in(
    conn: Connection, probe: Probe, *, exclude_id: int | None = None, limit: int = 5
) -> list[DuplicateMatch]:
    """Live leads that look like ``probe``, best first."""
    found: dict[int, DuplicateMatch] = {}
    cols = (L.id, L.name, L.company, L.email, L.status)
    live = L.deleted_at.is_(None)
    if probe.email_norm:
        stmt = select(*cols).where(L.email_norm == probe.email_norm, live).limit(limit)
        for lead_id, name, company, email, status in conn.execute(stmt):
            if lead_id != exclude_id:
                found[lead_id] = DuplicateMatch(lead_id, name, company, email, status, SAME_EMAIL, 100.0)
    if probe.person:
        keys: list[Any] = []
        if probe.email_domain:
            keys.append(L.email_domain == probe.email_domain)
        if probe.company_norm:
            keys.append(L.company_norm == probe.company_norm)
        for key in keys:
            stmt = select(*cols).where(key, live).limit(CANDIDATES_PER_KEY)
            for lead_id, name, company, email, status in conn.execute(stmt):
                if lead_id == exclude_id or lead_id in found:
                    continue
                score = names_similar(probe.person, person_key(name or ""))
                if score >= NAME_SIMILARITY:
                    found[lead_id] = DuplicateMatch(
                        lead_id, name, company, email, status, SAME_COMPANY_SIMILAR_NAME, score
                    )
    ranked: Sequence[DuplicateMatch] = sorted(found.values(), key=lambda m: (-m.score, m.lead_id))
    return list(ranked[:limit])


def find_duplicates(
    wb: Workbench,
    *,
    name: str = "",
    company: str = "",
    email: str = "",
    exclude_id: int | None = None,
    limit: int = 5,
) -> list[DuplicateMatch]:
    """Leads that are probably the same person as the one described (as typed)."""
    probe = probe_of(name=name, company=company, email=email)
    if not (probe.email_norm or probe.person):
        return []
    with wb.engine.connect() as conn:
        return find_in(conn, probe, exclude_id=exclude_id, limit=limit)
