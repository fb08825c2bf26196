"""Duplicates by evidence (issue 18): the one set of rules, and the leads area's use of it.

Changed on purpose by issue 18: two leads with *different* valid emails at one
company are no longer duplicates, whatever their names (``test_different_emails_…``
replaced the old same-domain-similar-name test)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from workbench.services.clock import fixed_clock
from workbench.services.leads import edit as leads
from workbench.services.leads.duplicates import (
    SAME_EMAIL,
    SAME_PHONE,
    SIMILAR_FULL_NAME,
    Verdict,
    find_duplicates,
    person_of,
    verdict,
)
from workbench.services.leads.edit import LeadFields
from workbench.services.safety import trash
from workbench.store import Workbench

CLOCK = fixed_clock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
S, P, D = Verdict.SAME, Verdict.POSSIBLE, Verdict.DIFFERENT

# (name, company, email, phone) for each side, and the expected verdict.
PAIRS: list[tuple[tuple[str, str, str, str], tuple[str, str, str, str], Verdict]] = [
    # the same email is the same person, whatever else differs
    (("Ana López", "Acme", "ana@acme.com", ""), ("Someone Else", "Other", "ANA@acme.com ", ""), S),
    (("Ana", "", "ana@gmail.com", ""), ("Ana L.", "", "ana@gmail.com", ""), S),
    (("", "Acme", "info@acme.com", ""), ("", "Acme", "Info@Acme.com", ""), S),
    # two different valid emails are different people (colleagues, namesakes)
    (
        ("Catherine Summers", "Acme Corp", "csummers@acme.com", ""),
        ("Catherine Myers", "Acme Corp", "cmyers@acme.com", ""),
        D,
    ),
    (("Daniel Levy", "Acme Corp", "dlevy@acme.com", ""), ("Daniel Lee", "Acme Corp", "dlee@acme.com", ""), D),
    (("Ana López", "Acme", "ana@acme.com", ""), ("Lopez, Ana", "Acme", "a.lopez@acme.com", ""), D),
    (
        ("Ana López", "Acme", "ana@acme.com", "+14155550100"),
        ("Ana López", "Acme", "ana.lopez@acme.com", "+14155550100"),
        D,
    ),
    (("John Smith", "Acme", "john@acme.com", ""), ("John Smith", "Acme", "jsmith@acme.com", ""), D),
    # one side without an email: same company and a similar full name
    (
        ("Catherine Summers", "Acme Corp", "csummers@acme.com", ""),
        ("Catherine Summers", "ACME Corp.", "", ""),
        P,
    ),
    (("Ana López", "Acme", "", ""), ("Lopez, Ana", "Acme Inc", "", ""), P),
    (("Ana López", "Acme", "", ""), ("López Ana", "Acme", "", ""), P),  # order forgiven
    (("José Müller", "Acme", "", ""), ("Jose Muller", "Acme", "", ""), P),  # accents forgiven
    (("Ana Lopez", "ACME Inc.", "", ""), ("Ana Lopes", "Acme", "", ""), P),  # a typo
    (("Ana María López", "Acme", "", ""), ("Ana López", "Acme", "", ""), P),  # a middle name
    (("Jonathan Smith", "Acme", "jsmith@acme.com", ""), ("Jonathon Smith", "", "", ""), D),  # no company
    (("Ana López", "Acme", "ana@acme.com", ""), ("Ana Lopez", "", "ana.lopez@gmail.com", ""), D),
    # ... but not a shared first name, or half a name
    (("Catherine Summers", "Acme Corp", "", ""), ("Catherine Myers", "Acme Corp", "", ""), D),
    (("Daniel Levy", "Acme Corp", "", ""), ("Daniel Lee", "Acme Corp", "", ""), D),
    (("Daniel", "Acme", "", ""), ("Daniel", "Acme", "", ""), D),  # first names only
    (("Daniel", "Acme", "", ""), ("Daniel Levy", "Acme", "", ""), D),
    (("Levy", "Acme", "", ""), ("Daniel Levy", "Acme", "", ""), D),
    (("Maria Garcia", "Acme", "", ""), ("Mario Garcia", "Acme", "", ""), P),  # one letter: for review
    (("Maria Garcia", "Acme", "", ""), ("Marta Gomez", "Acme", "", ""), D),
    (("Li Wei", "Acme", "", ""), ("Li Na", "Acme", "", ""), D),
    (("Sam Lee", "Acme", "", ""), ("Sam Leen", "Acme", "", ""), P),  # a typo in a short name
    # same name at different companies (or none) is not evidence
    (("Ana López", "Acme", "", ""), ("Ana López", "Globex", "", ""), D),
    (("Ana López", "", "", ""), ("Ana López", "", "", ""), D),
    (("Ana López", "", "ana@acme.com", ""), ("Ana López", "Globex", "", ""), D),
    # the company may come from the email's domain, never from free mail
    (("Ana López", "", "ana@acme.com", ""), ("Ana Lopez", "Acme", "", ""), D),
    (("Ana López", "", "ana@acme.com", ""), ("Lopez, Ana", "", "", ""), D),
    (("Ana López", "", "ana.lopez@gmail.com", ""), ("Ana López", "", "", ""), D),
    # the same E.164 phone, without an email on one side
    (("Ana López", "Acme", "", "+1 415 555 0100"), ("A. Lopez", "", "", "(415) 555-0100"), P),
    (("Ana López", "Acme", "ana@acme.com", "+14155550100"), ("Front desk", "Acme", "", "415-555-0100"), P),
    (("Ana López", "Acme", "", "+14155550100"), ("Ana López", "Globex", "", "+14155550101"), D),
    # a phone that is not a valid number is no evidence
    (("Ana", "", "", "999-4445"), ("Bob", "", "", "999-4445"), D),
]


def _person(side: tuple[str, str, str, str]):  # type: ignore[no-untyped-def]
    name, company, email, phone = side
    return person_of(name=name, company=company, email=email, phone=phone)


@pytest.mark.parametrize(("a", "b", "expected"), PAIRS, ids=[f"{a[0]}|{b[0]}" for a, b, _e in PAIRS])
def test_verdict_table(a: tuple[str, str, str, str], b: tuple[str, str, str, str], expected: Verdict) -> None:
    assert verdict(_person(a), _person(b))[0] is expected
    assert verdict(_person(b), _person(a))[0] is expected  # symmetric


def test_the_table_is_big_enough() -> None:
    assert len(PAIRS) >= 30
    assert {e for _a, _b, e in PAIRS} == {S, P, D}


def _add(wb: Workbench, **kw: str) -> int:
    return leads.create_lead(wb, LeadFields(**kw), clock=CLOCK)


def test_same_email_any_case(wb: Workbench) -> None:
    ana = _add(wb, name="Ana López", company="Acme", email="ana@acme.com")
    found = find_duplicates(wb, name="Someone Else", email="  ANA@Acme.COM")
    assert [(m.lead_id, m.reason, m.score, m.verdict) for m in found] == [(ana, SAME_EMAIL, 100.0, S)]


def test_different_emails_at_one_company_are_different_people(wb: Workbench) -> None:
    _add(wb, name="Ana López", company="Acme", email="ana@acme.com")
    _add(wb, name="Catherine Summers", company="Acme Corp", email="csummers@acme.com")
    assert find_duplicates(wb, name="Lopez, Ana", email="a.lopez@acme.com") == []
    assert find_duplicates(wb, name="Catherine Myers", company="Acme Corp", email="cmyers@acme.com") == []


def test_without_email_same_domain_and_similar_full_name_is_possible(wb: Workbench) -> None:
    ana = _add(wb, name="Ana López", company="Acme", email="ana@acme.com")
    _add(wb, name="Bruno Díaz", company="Acme", email="bruno@acme.com")
    found = find_duplicates(wb, name="Lopez, Ana", company="Acme")
    assert [(m.lead_id, m.reason, m.verdict) for m in found] == [(ana, SIMILAR_FULL_NAME, P)]
    assert found[0].score >= 85


def test_same_company_name_and_similar_name_without_email(wb: Workbench) -> None:
    ana = _add(wb, name="Ana Lopez", company="ACME Inc.")
    assert [m.lead_id for m in find_duplicates(wb, name="Ana Lopes", company="Acme")] == [ana]
    assert find_duplicates(wb, name="Carla Ruiz", company="Acme") == []
    assert find_duplicates(wb, name="Ana", company="Acme") == []  # half a name is no evidence


def test_same_phone_is_possible(wb: Workbench) -> None:
    ana = _add(wb, name="Ana López", company="Acme", phone="+1 415 555 0100")
    found = find_duplicates(wb, name="Reception", phone="(415) 555-0100")
    assert [(m.lead_id, m.reason, m.verdict) for m in found] == [(ana, SAME_PHONE, P)]


def test_free_mail_domain_is_not_a_company(wb: Workbench) -> None:
    _add(wb, name="Ana Lopez", email="ana.lopez@gmail.com")
    assert find_duplicates(wb, name="Ana Lopez", email="other.ana@gmail.com") == []


def test_the_lead_itself_and_trashed_leads_are_not_duplicates(wb: Workbench) -> None:
    ana = _add(wb, name="Ana", email="ana@acme.com")
    assert find_duplicates(wb, email="ana@acme.com", exclude_id=ana) == []
    trash.delete(wb, "lead", [ana], clock=CLOCK)
    assert find_duplicates(wb, email="ana@acme.com") == []


def test_nothing_typed_finds_nothing(wb: Workbench) -> None:
    _add(wb, name="Ana", company="Acme")
    assert find_duplicates(wb) == []
    assert find_duplicates(wb, company="Acme") == []  # a colleague is not a duplicate
