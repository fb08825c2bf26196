"""Duplicate detection: same email; same company (domain or name) and a similar person name."""

from __future__ import annotations

from datetime import UTC, datetime

from workbench.services.clock import fixed_clock
from workbench.services.leads import edit as leads
from workbench.services.leads.duplicates import SAME_COMPANY_SIMILAR_NAME, SAME_EMAIL, find_duplicates
from workbench.services.leads.edit import LeadFields
from workbench.services.safety import trash
from workbench.store import Workbench

CLOCK = fixed_clock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


def _add(wb: Workbench, **kw: str) -> int:
    return leads.create_lead(wb, LeadFields(**kw), clock=CLOCK)


def test_same_email_any_case(wb: Workbench) -> None:
    ana = _add(wb, name="Ana López", company="Acme", email="ana@acme.com")
    found = find_duplicates(wb, name="Someone Else", email="  ANA@Acme.COM")
    assert [(m.lead_id, m.reason, m.score) for m in found] == [(ana, SAME_EMAIL, 100.0)]


def test_same_domain_and_similar_name(wb: Workbench) -> None:
    ana = _add(wb, name="Ana López", company="Acme", email="ana@acme.com")
    _add(wb, name="Bruno Díaz", company="Acme", email="bruno@acme.com")
    found = find_duplicates(wb, name="Lopez, Ana", email="a.lopez@acme.com")
    assert [(m.lead_id, m.reason) for m in found] == [(ana, SAME_COMPANY_SIMILAR_NAME)]
    assert found[0].score >= 85


def test_same_company_name_and_similar_name_without_email(wb: Workbench) -> None:
    ana = _add(wb, name="Ana Lopez", company="ACME Inc.")
    assert [m.lead_id for m in find_duplicates(wb, name="Ana Lopes", company="Acme")] == [ana]
    assert find_duplicates(wb, name="Carla Ruiz", company="Acme") == []


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
