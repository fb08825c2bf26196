from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import col, func, select

from workbench.domain import (
    Account,
    AccountEvent,
    Activity,
    Contact,
    FollowUp,
    Lead,
    Opportunity,
    StageChange,
)
from workbench.domain.normalize import company_norm, email_domain, email_norm
from workbench.services.clock import fixed_clock
from workbench.services.pipeline import convert
from workbench.services.pipeline import stages as pipeline
from workbench.store import Workbench

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOW = fixed_clock(T0 + timedelta(days=5))


def add_lead(wb: Workbench, name: str, company: str, email: str, **extra: object) -> int:
    with wb.session() as s:
        lead = Lead(
            name=name,
            company=company,
            company_norm=company_norm(company),
            email=email,
            email_norm=email_norm(email),
            email_domain=email_domain(email),
            received_at=T0,
            **extra,  # type: ignore[arg-type]
        )
        s.add(lead)
        s.flush()
        assert lead.id is not None
        return lead.id


def count(wb: Workbench, model: type) -> int:
    with wb.reading() as s:
        return int(s.exec(select(func.count()).select_from(model)).one())


def test_conversion_creates_account_contact_and_opportunity_keeping_attribution(wb: Workbench) -> None:
    lead_id = add_lead(
        wb, "Ana López", "Acme, Inc.", "ana@acme.com", kind="inbound", source="webinar", campaign="Q1 webinar"
    )
    plan = convert.plan_conversion(wb, lead_id)
    assert plan.account is not None and plan.account.created and plan.account.name == "Acme, Inc."
    assert plan.contact is not None and plan.contact.created and plan.contact.name == "Ana López"
    assert plan.stage.name == "Discovery"
    assert count(wb, Account) == 0  # planning writes nothing

    result = convert.convert_lead(wb, lead_id, amount=12000, clock=NOW)
    assert result.account_created and result.contact_created
    with wb.reading() as s:
        opp = s.get(Opportunity, result.opportunity_id)
        assert opp is not None
        assert (opp.kind, opp.source, opp.campaign) == ("inbound", "webinar", "Q1 webinar")
        assert opp.lead_received_at == T0
        assert opp.origin_lead_id == lead_id
        assert opp.amount == 12000 and opp.currency == "USD"
        lead = s.get(Lead, lead_id)
        assert lead is not None
        assert lead.status == "converted" and lead.opportunity_id == opp.id
        assert lead.account_id == result.account_id and lead.contact_id == result.contact_id
        account = s.get(Account, result.account_id)
        assert account is not None
        assert account.domain == "acme.com" and account.name_norm == "acme"
        assert account.status == "opportunity"
        contact = s.get(Contact, result.contact_id)
        assert contact is not None and contact.account_id == account.id and contact.origin_lead_id == lead_id
        changes = list(s.exec(select(StageChange)))
        assert len(changes) == 1
        assert changes[0].from_stage_id is None and changes[0].to_stage_id == opp.stage_id
        assert changes[0].at == NOW()
        assert s.exec(select(AccountEvent)).one().new == "opportunity"


def test_two_leads_of_one_company_end_in_one_account(wb: Workbench) -> None:
    first = add_lead(wb, "Ana López", "Acme Inc", "ana@acme.com")
    second = add_lead(wb, "Bo Berg", "ACME", "bo@acme.com")
    third = add_lead(wb, "Cy Chan", "Acme Corporation", "cy@gmail.com")  # free mail: matched by name
    r1 = convert.convert_lead(wb, first, clock=NOW)
    plan = convert.plan_conversion(wb, second)
    assert plan.account is not None and plan.account.id == r1.account_id
    assert plan.account.reason == convert.MATCH_DOMAIN and plan.account.detail == "acme.com"
    r2 = convert.convert_lead(wb, second, clock=NOW)
    r3 = convert.convert_lead(wb, third, clock=NOW)
    assert r1.account_id == r2.account_id == r3.account_id
    assert not r2.account_created and not r3.account_created
    assert count(wb, Account) == 1
    assert count(wb, Contact) == 3
    assert count(wb, Opportunity) == 3


def test_existing_account_and_contact_are_reused(wb: Workbench) -> None:
    with wb.session() as s:
        target = Account(name="Globex Corporation", name_norm="globex", domain="globex.io", is_target=True)
        s.add(target)
        s.flush()
        contact = Contact(
            account_id=target.id, name="Hank Scorpio", email="Hank@Globex.io", email_norm="hank@globex.io"
        )
        s.add(contact)
        s.flush()
        target_id, contact_id = target.id, contact.id
    lead_id = add_lead(wb, "Hank Scorpio", "Globex", "hank@globex.io")
    plan = convert.plan_conversion(wb, lead_id)
    assert (
        plan.contact is not None
        and plan.contact.id == contact_id
        and plan.contact.reason == convert.MATCH_EMAIL
    )
    assert (
        plan.account is not None
        and plan.account.id == target_id
        and plan.account.reason == convert.MATCH_CONTACT
    )
    result = convert.convert_lead(wb, lead_id, clock=NOW)
    assert (result.account_id, result.contact_id) == (target_id, contact_id)
    assert not result.account_created and not result.contact_created
    assert count(wb, Account) == 1 and count(wb, Contact) == 1


def test_free_mail_domain_never_matches_an_account(wb: Workbench) -> None:
    with wb.session() as s:
        s.add(Account(name="Gmail fans", name_norm="gmail fans", domain="gmail.com"))
    lead_id = add_lead(wb, "Pat Doe", "Initech", "pat@gmail.com")
    plan = convert.plan_conversion(wb, lead_id)
    assert plan.account is not None and plan.account.created and plan.account.name == "Initech"
    result = convert.convert_lead(wb, lead_id, clock=NOW)
    with wb.reading() as s:
        account = s.get(Account, result.account_id)
        assert account is not None and account.domain == ""  # a free-mail domain is no company's domain


def test_same_name_contact_in_the_matched_account_is_reused(wb: Workbench) -> None:
    with wb.session() as s:
        acc = Account(name="Umbrella", name_norm="umbrella", domain="umbrella.com")
        s.add(acc)
        s.flush()
        s.add(Contact(account_id=acc.id, name="Alice Abernathy"))
    lead_id = add_lead(wb, "alice abernathy", "Umbrella", "alice@umbrella.com")
    plan = convert.plan_conversion(wb, lead_id)
    assert plan.contact is not None and plan.contact.reason == convert.MATCH_NAME
    convert.convert_lead(wb, lead_id, clock=NOW)
    assert count(wb, Contact) == 1


def test_trashed_records_are_not_matched(wb: Workbench) -> None:
    with wb.session() as s:
        s.add(Account(name="Acme", name_norm="acme", domain="acme.com", deleted_at=T0))
    lead_id = add_lead(wb, "Ana", "Acme", "ana@acme.com")
    assert convert.plan_conversion(wb, lead_id).account.created  # type: ignore[union-attr]


def test_converting_twice_is_refused_and_writes_nothing(wb: Workbench) -> None:
    lead_id = add_lead(wb, "Ana", "Acme", "ana@acme.com")
    convert.convert_lead(wb, lead_id, clock=NOW)
    with pytest.raises(convert.ConversionError, match="already converted"):
        convert.convert_lead(wb, lead_id, clock=NOW)
    with pytest.raises(convert.ConversionError):
        convert.plan_conversion(wb, lead_id)
    assert count(wb, Opportunity) == 1


@pytest.mark.parametrize("amount", [-1.0, float("nan"), float("inf")])
def test_bad_amounts_are_refused_before_anything_is_written(wb: Workbench, amount: float) -> None:
    lead_id = add_lead(wb, "Ana", "Acme", "ana@acme.com")
    with pytest.raises(pipeline.InvalidAmount):
        convert.convert_lead(wb, lead_id, amount=amount, clock=NOW)
    assert count(wb, Opportunity) == 0 and count(wb, Account) == 0
    with wb.reading() as s:
        lead = s.get(Lead, lead_id)
        assert lead is not None and lead.status == "new"


def test_conversion_into_a_chosen_stage_and_closed_stage_refused(wb: Workbench) -> None:
    lead_id = add_lead(wb, "Ana", "Acme", "ana@acme.com")
    stages = pipeline.list_stages(wb)
    won = next(s for s in stages if s.kind == "won")
    with pytest.raises(pipeline.PipelineError, match="open stage"):
        convert.convert_lead(wb, lead_id, stage_id=won.id, clock=NOW)
    proposal = next(s for s in stages if s.name == "Proposal")
    result = convert.convert_lead(wb, lead_id, stage_id=proposal.id, currency="eur", clock=NOW)
    with wb.reading() as s:
        opp = s.get(Opportunity, result.opportunity_id)
        assert opp is not None and opp.stage_id == proposal.id and opp.currency == "EUR"


def test_lead_without_company_or_business_domain_gets_no_account(wb: Workbench) -> None:
    lead_id = add_lead(wb, "Sam Solo", "", "sam@gmail.com")
    plan = convert.plan_conversion(wb, lead_id)
    assert plan.account is None and plan.opportunity_name == "Sam Solo"
    result = convert.convert_lead(wb, lead_id, clock=NOW)
    assert result.account_id is None and count(wb, Account) == 0


def test_activities_and_open_followups_follow_the_conversion(wb: Workbench) -> None:
    lead_id = add_lead(wb, "Ana", "Acme", "ana@acme.com")
    with wb.session() as s:
        s.add(Activity(channel="call", at=T0 + timedelta(hours=1), lead_id=lead_id))
        s.add(FollowUp(title="Send the proposal", due_at=T0 + timedelta(days=7), lead_id=lead_id))
    plan = convert.plan_conversion(wb, lead_id)
    assert plan.next_step == "Send the proposal" and plan.next_step_due == date(2026, 3, 9)
    result = convert.convert_lead(wb, lead_id, next_step=plan.next_step, clock=NOW)
    with wb.reading() as s:
        activity = s.exec(select(Activity)).one()
        assert activity.account_id == result.account_id and activity.contact_id == result.contact_id
        follow_up = s.exec(select(FollowUp)).one()
        assert follow_up.opportunity_id == result.opportunity_id
        account = s.get(Account, result.account_id)
        assert account is not None and account.last_touch_at == T0 + timedelta(hours=1)


def test_opportunity_from_a_target_account(wb: Workbench) -> None:
    with wb.session() as s:
        acc = Account(name="Initech", name_norm="initech", is_target=True, status="engaged")
        s.add(acc)
        s.flush()
        other = Account(name="Other")
        s.add(other)
        s.flush()
        stranger = Contact(account_id=other.id, name="Not theirs")
        s.add(stranger)
        s.flush()
        acc_id, stranger_id = acc.id, stranger.id
    assert acc_id is not None
    with pytest.raises(pipeline.PipelineError, match="does not belong"):
        convert.create_from_account(wb, acc_id, contact_id=stranger_id, clock=NOW)
    opp_id = convert.create_from_account(wb, acc_id, amount=5000, clock=NOW)
    with wb.reading() as s:
        opp = s.get(Opportunity, opp_id)
        assert (
            opp is not None and opp.kind == "target" and opp.name == "Initech" and opp.origin_lead_id is None
        )
        change = s.exec(select(StageChange)).one()
        assert change.from_stage_id is None and change.note == pipeline.NOTE_CREATED
        account = s.get(Account, acc_id)
        assert account is not None and account.status == "opportunity"
        assert s.exec(select(AccountEvent).where(col(AccountEvent.old) == "engaged")).one()


def test_lead_uuid_lookup(wb: Workbench) -> None:
    lead_id = add_lead(wb, "Ana", "Acme", "ana@acme.com")
    with wb.reading() as s:
        lead = s.get(Lead, lead_id)
        assert lead is not None
        uuid = lead.uuid
    assert convert.lead_id_for_uuid(wb, uuid.upper()) == lead_id
    with pytest.raises(pipeline.NotFound):
        convert.lead_id_for_uuid(wb, "no-such-lead")
