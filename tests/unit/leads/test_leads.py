"""Leads as typed: validation that never blocks, refusal of empty leads, account links, undo snapshots."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from workbench.domain import Account, Answer, Lead
from workbench.services.clock import fixed_clock
from workbench.services.leads import accounts as lead_accounts
from workbench.services.leads import edit as leads
from workbench.services.leads.edit import LeadFields, LeadRefused
from workbench.services.leads.qualification import QUESTIONS, Qualification
from workbench.store import Workbench

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CLOCK = fixed_clock(NOW)


def _account(wb: Workbench, name: str, domain: str = "") -> int:
    from workbench.domain.normalize import company_norm

    with wb.session() as s:
        acc = Account(name=name, name_norm=company_norm(name), domain=domain)
        s.add(acc)
        s.flush()
        assert acc.id is not None
        return acc.id


def test_create_derives_normalised_columns(wb: Workbench) -> None:
    lead_id = leads.create_lead(
        wb,
        LeadFields(
            name="  Ana María López ",
            company="Acme, Inc.",
            email="Ana.Lopez@ACME.com ",
            phone="(415) 555-0132",
            source="webinar",
        ),
        clock=CLOCK,
    )
    with wb.reading() as s:
        lead = s.get(Lead, lead_id)
        assert lead is not None
        assert (lead.name, lead.first_name, lead.last_name) == ("Ana María López", "Ana María", "López")
        assert lead.company_norm == "acme"
        assert lead.email_norm == "ana.lopez@acme.com"
        assert lead.email_domain == "acme.com"
        assert lead.phone_e164 == "+14155550132"
        assert lead.status == "new"
        assert lead.received_at == NOW


def test_invalid_email_and_phone_are_problems_but_the_lead_is_saved(wb: Workbench) -> None:
    values = LeadFields(name="Bo", email="bo@@nowhere", phone="call me maybe")
    problems = leads.field_problems(values)
    assert set(problems) == {"email", "phone"}
    lead_id = leads.create_lead(wb, values, clock=CLOCK)
    detail = leads.lead_detail(wb, lead_id)
    assert detail is not None
    assert detail.fields.email == "bo@@nowhere"  # kept as pasted
    assert detail.fields.phone == "call me maybe"
    assert detail.phone_e164 == ""
    assert set(detail.problems) == {"email", "phone"}


def test_empty_name_and_company_is_refused(wb: Workbench) -> None:
    with pytest.raises(LeadRefused, match="name or a company"):
        leads.create_lead(wb, LeadFields(name="  ", company="", email="x@y.com"), clock=CLOCK)
    # a company alone is fine, and so is a name alone
    leads.create_lead(wb, LeadFields(company="Acme"), clock=CLOCK)
    leads.create_lead(wb, LeadFields(name="Ana"), clock=CLOCK)
    lead_id = leads.create_lead(wb, LeadFields(name="Ana"), clock=CLOCK)
    with pytest.raises(LeadRefused):
        leads.update_lead(wb, lead_id, LeadFields(), clock=CLOCK)
    with wb.reading() as s:
        assert len(s.exec(select(Lead)).all()) == 3


def test_lead_links_to_account_by_domain_then_by_name(wb: Workbench) -> None:
    acme = _account(wb, "Acme Corporation", "acme.com")
    globex = _account(wb, "Globex GmbH")
    by_domain = leads.create_lead(wb, LeadFields(name="Ana", email="ana@acme.com"), clock=CLOCK)
    by_name = leads.create_lead(wb, LeadFields(name="Hank", company="GLOBEX"), clock=CLOCK)
    free_mail = leads.create_lead(wb, LeadFields(name="Jo", email="jo@gmail.com"), clock=CLOCK)
    details = {i: leads.lead_detail(wb, i) for i in (by_domain, by_name, free_mail)}
    assert details[by_domain] is not None and details[by_domain].account_id == acme  # type: ignore[union-attr]
    assert details[by_domain].account_name == "Acme Corporation"  # type: ignore[union-attr]
    assert details[by_name].account_id == globex  # type: ignore[union-attr]
    assert details[free_mail].account_id is None  # type: ignore[union-attr]


def test_link_and_unlink_by_hand_is_kept(wb: Workbench) -> None:
    acme = _account(wb, "Acme", "acme.com")
    other = _account(wb, "Other Co")
    lead_id = leads.create_lead(wb, LeadFields(name="Ana", email="ana@acme.com"), clock=CLOCK)
    lead_accounts.link(wb, lead_id, None)
    # saving unrelated edits does not re-link an account the rep removed
    leads.update_lead(wb, lead_id, LeadFields(name="Ana B", email="ana@acme.com"), clock=CLOCK)
    assert leads.lead_detail(wb, lead_id).account_id is None  # type: ignore[union-attr]
    suggestions = lead_accounts.suggestions(wb, lead_id)
    assert [(c.id, c.reason) for c in suggestions] == [(acme, lead_accounts.BY_DOMAIN)]
    lead_accounts.link(wb, lead_id, other)
    assert leads.lead_detail(wb, lead_id).account_id == other  # type: ignore[union-attr]
    assert [c.id for c in lead_accounts.search_accounts(wb, "oth")] == [other]
    with pytest.raises(ValueError):
        lead_accounts.link(wb, lead_id, 9999)


def test_qualification_checklist_and_score(wb: Workbench) -> None:
    q = Qualification(
        answers={"budget": Answer.YES, "authority": Answer.NO, "need": Answer.YES},
        notes={"budget": " 50k approved ", "need": "churn on spreadsheets"},
    )
    assert q.score.yes == 2 and q.score.no == 1 and q.score.unknown == 2
    assert q.score.completeness == pytest.approx(0.4)
    lead_id = leads.create_lead(wb, LeadFields(name="Ana"), qualification=q, clock=CLOCK)
    stored = leads.lead_detail(wb, lead_id)
    assert stored is not None
    assert stored.qualification.answer("budget") is Answer.YES
    assert stored.qualification.note("budget") == "50k approved"
    assert stored.qualification.answer("timeline") is Answer.UNKNOWN
    full = Qualification(answers=dict.fromkeys(QUESTIONS, Answer.YES))
    leads.update_lead(wb, lead_id, stored.fields, qualification=full, clock=CLOCK)
    assert leads.lead_detail(wb, lead_id).qualification.score.completeness == 1.0  # type: ignore[union-attr]


def test_snapshot_restores_an_edit(wb: Workbench) -> None:
    lead_id = leads.create_lead(wb, LeadFields(name="Ana", company="Acme", email="ana@acme.com"), clock=CLOCK)
    before = leads.snapshot(wb, [lead_id])
    leads.update_lead(
        wb, lead_id, LeadFields(name="Bob", company="Initech", email="bob@initech.com"), clock=CLOCK
    )
    assert leads.lead_detail(wb, lead_id).fields.name == "Bob"  # type: ignore[union-attr]
    leads.restore_snapshot(wb, before, clock=CLOCK)
    restored = leads.lead_detail(wb, lead_id)
    assert restored is not None
    assert (restored.fields.name, restored.fields.company, restored.fields.email) == (
        "Ana",
        "Acme",
        "ana@acme.com",
    )
    with wb.reading() as s:
        lead = s.get(Lead, lead_id)
        assert lead is not None and lead.email_domain == "acme.com" and lead.company_norm == "acme"


def test_sources_come_from_the_editable_list(wb: Workbench) -> None:
    assert leads.sources(wb)[:3] == ["web form", "content download", "webinar"]
