"""Whether two people are the same — the one set of rules (issue 18) the leads area,
contacts and the import all use — and finding leads that are, while the rep types.

Duplicates by evidence:

1. the same normalised email is the same person (:data:`SAME`);
2. two *different* valid emails are different people — colleagues at one company share
   a domain and often a first name (Catherine Summers and Catherine Myers) — unless
   the rep merges them by hand;
3. without an email on one side, a *possible* duplicate (:data:`POSSIBLE`) needs the
   same E.164 phone, or the same company (a non-free email domain or the normalised
   company name) **and** a similar *full* name: first and last name both present on
   both sides, the whole names similar (rapidfuzz ``token_set_ratio`` ≥
   :data:`NAME_SIMILARITY`) and the first and last names each alike (≥
   :data:`PART_SIMILARITY`), accents and order ignored ("López, Ana" = "Ana López");
4. anything else is different.

Possible duplicates are for the rep to review; the import keeps both by default.
Candidates are read through the indexed columns ``email_norm``, ``email_domain``,
``company_norm`` and ``phone_e164`` (a bounded number per key), and only those few are
compared. The import's bulk de-duplication reuses :func:`verdict` and :class:`Person`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import Connection, select

from workbench.domain import Lead, table_of
from workbench.domain.normalize import (
    check_phone,
    company_norm,
    email_domain,
    email_norm,
    is_free_mail,
    person_key,
    split_full_name,
)
from workbench.store import Workbench

#: Minimum rapidfuzz token_set_ratio (0–100) for two full names to count as alike …
NAME_SIMILARITY = 85.0
#: … when their first names, and their last names, are each at least this alike.
PART_SIMILARITY = 75.0
#: At most this many candidates are read per company key (a big company has many leads).
CANDIDATES_PER_KEY = 200

L: Any = table_of(Lead).c

SAME_EMAIL = "same email"
SIMILAR_FULL_NAME = "same company, similar full name"
SAME_PHONE = "same phone"


class Verdict(StrEnum):
    SAME = "same"  # the same person: skip or merge as the rep chose
    POSSIBLE = "possible"  # maybe the same: shown for review, kept by default
    DIFFERENT = "different"


@dataclass(frozen=True, slots=True)
class Person:
    """What the rules compare of one person, normalised."""

    email: str = ""  # email_norm of a valid address, else ""
    domain: str = ""  # the company's email domain (never free mail), else ""
    company: str = ""  # company_norm
    first: str = ""  # person_key of the first name(s)
    last: str = ""  # person_key of the last name
    phone: str = ""  # E.164, else ""


def person_of(
    *,
    name: str = "",
    first: str = "",
    last: str = "",
    company: str = "",
    email: str = "",
    phone: str = "",
    phone_region: str = "US",
    e164: str | None = None,
) -> Person:
    """A :class:`Person` from what was typed or stored (``e164`` when already known)."""
    if not (first.strip() or last.strip()):
        first, last = split_full_name(name)
    domain = email_domain(email)
    if e164 is None:
        checked = check_phone(phone, phone_region) if phone.strip() else None
        e164 = checked.value if checked is not None and not checked.problem else ""
    return Person(
        email=email_norm(email) if "@" in email else "",
        domain="" if is_free_mail(domain) else domain,
        company=company_norm(company) if company.strip() else "",
        first=person_key(first),
        last=person_key(last),
        phone=e164,
    )


def full_name_score(a: Person, b: Person) -> float:
    """0–100: how alike two full names are — the whole names' similarity when the
    first names and the last names are each alike too (in the better order); 0 when
    either side lacks a first or a last name, or one part differs (Catherine Summers
    and Catherine Myers share a first name: 88 as a whole, but 67 for the last name)."""
    if not (a.first and a.last and b.first and b.last):
        return 0.0

    def parts(f1: str, l1: str, f2: str, l2: str) -> float:
        return min(fuzz.token_set_ratio(f1, f2), fuzz.token_set_ratio(l1, l2))

    if (
        max(parts(a.first, a.last, b.first, b.last), parts(a.first, a.last, b.last, b.first))
        < PART_SIMILARITY
    ):
        return 0.0
    return float(fuzz.token_set_ratio(f"{a.first} {a.last}", f"{b.first} {b.last}"))


def verdict(a: Person, b: Person) -> tuple[Verdict, str, float]:
    """The rules of the module docstring: verdict, reason and score (100 = certain)."""
    if a.email and b.email:
        if a.email == b.email:
            return Verdict.SAME, SAME_EMAIL, 100.0
        return Verdict.DIFFERENT, "", 0.0
    if a.phone and a.phone == b.phone:
        return Verdict.POSSIBLE, SAME_PHONE, 100.0
    same_company = bool(a.domain and a.domain == b.domain) or bool(a.company and a.company == b.company)
    if same_company:
        score = full_name_score(a, b)
        if score >= NAME_SIMILARITY:
            return Verdict.POSSIBLE, SIMILAR_FULL_NAME, score
    return Verdict.DIFFERENT, "", 0.0


@dataclass(frozen=True)
class Probe:
    """The normalised keys of a lead being typed."""

    person: Person

    @property
    def email_norm(self) -> str:
        return self.person.email


def probe_of(
    *, name: str = "", company: str = "", email: str = "", phone: str = "", phone_region: str = "US"
) -> Probe:
    return Probe(person_of(name=name, company=company, email=email, phone=phone, phone_region=phone_region))


@dataclass(frozen=True)
class DuplicateMatch:
    lead_id: int
    name: str
    company: str
    email: str
    status: str
    reason: str
    #: 100 for the same email or phone; the full-name similarity otherwise.
    score: float
    #: SAME or POSSIBLE.
    verdict: Verdict = Verdict.SAME


def find_in(
    conn: Connection, probe: Probe, *, exclude_id: int | None = None, limit: int = 5
) -> list[DuplicateMatch]:
    """Live leads that are or may be the person of ``probe``, surest first."""
    me = probe.person
    found: dict[int, DuplicateMatch] = {}
    cols = (L.id, L.name, L.first_name, L.last_name, L.company, L.email, L.email_norm, L.phone_e164, L.status)
    live = L.deleted_at.is_(None)
    keys: list[tuple[Any, int]] = []
    if me.email:
        keys.append((L.email_norm == me.email, limit))
    if me.phone:
        keys.append((L.phone_e164 == me.phone, limit))
    if me.first and me.last:
        if me.domain:
            keys.append((L.email_domain == me.domain, CANDIDATES_PER_KEY))
        if me.company:
            keys.append((L.company_norm == me.company, CANDIDATES_PER_KEY))
    for key, bound in keys:
        stmt = select(*cols).where(key, live).limit(bound)
        for lead_id, name, first, last, company, email, e_norm, e164, status in conn.execute(stmt):
            if lead_id == exclude_id or lead_id in found:
                continue
            # The stored email_norm is empty for an invalid address (kept as typed).
            names = (first or "", last or "") if (first or last) else split_full_name(name or "")
            other = Person(
                email=e_norm or "",
                domain=_domain(e_norm or ""),
                company=company_norm(company) if (company or "").strip() else "",
                first=person_key(names[0]),
                last=person_key(names[1]),
                phone=e164 or "",
            )
            judged, reason, score = verdict(me, other)
            if judged is not Verdict.DIFFERENT:
                found[lead_id] = DuplicateMatch(lead_id, name, company, email, status, reason, score, judged)
    ranked: Sequence[DuplicateMatch] = sorted(
        found.values(), key=lambda m: (m.verdict is not Verdict.SAME, -m.score, m.lead_id)
    )
    return list(ranked[:limit])


def _domain(email: str) -> str:
    domain = email_domain(email)
    return "" if is_free_mail(domain) else domain


def find_duplicates(
    wb: Workbench,
    *,
    name: str = "",
    company: str = "",
    email: str = "",
    phone: str = "",
    phone_region: str = "US",
    exclude_id: int | None = None,
    limit: int = 5,
) -> list[DuplicateMatch]:
    """Leads that are, or may be, the same person as the one described (as typed)."""
    probe = probe_of(name=name, company=company, email=email, phone=phone, phone_region=phone_region)
    me = probe.person
    if not (me.email or me.phone or (me.first and me.last)):
        return []
    with wb.engine.connect() as conn:
        return find_in(conn, probe, exclude_id=exclude_id, limit=limit)
