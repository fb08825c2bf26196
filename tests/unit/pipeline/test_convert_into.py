"""Conversion sees the account's deals: the plan lists them; the lead can join one (its
person on the buying team, no new deal) or start a new one named from the lead."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import func, select

from workbench.cli import main
from workbench.domain import Contact, Lead, Opportunity, StageKind
from workbench.services.outreach.next_step import add_business_days
from workbench.services.pipeline import account_deals, convert
from workbench.services.pipeline import stages as pipeline
from workbench.store import Workbench, open_workbench

from .test_convert import NOW, add_lead


def count_deals(wb: Workbench) -> int:
    with wb.reading() as s:
        return int(s.exec(select(func.count()).select_from(Opportunity)).one())


def acme_with_deal(wb: Workbench) -> int:
    first = add_lead(wb, "Ana López", "Acme", "ana@acme.com")
    return convert.convert_lead(
        wb, first, name="Acme platform", amount=5000, next_step="Demo", clock=NOW
    ).opportunity_id


def test_the_plan_lists_the_accounts_open_deals_and_names_a_new_one_from_the_lead(wb: Workbench) -> None:
    deal = acme_with_deal(wb)
    second = add_lead(wb, "Bo Berg", "Acme", "bo@acme.com", campaign="")
    plan = convert.plan_conversion(wb, second, clock=NOW)
    assert [(d.id, d.name, d.stage, d.amount, d.next_step) for d in plan.open_deals] == [
        (deal, "Acme platform", "Discovery", 5000, "Demo")
    ]
    assert plan.opportunity_name == "Acme — Bo Berg"  # not a bare company name
    # No follow-up on the lead: the first next step follows the next-step rules.
    assert plan.next_step == "Send a recap"
    assert plan.next_step_due == add_business_days(NOW().date(), 1)


def test_a_campaign_names_the_new_deal(wb: Workbench) -> None:
    acme_with_deal(wb)
    lead = add_lead(wb, "Cy Cole", "Acme", "cy@acme.com", campaign="Q2 webinar")
    assert convert.plan_conversion(wb, lead, clock=NOW).opportunity_name == "Acme — Q2 webinar"


def test_joining_a_deal_adds_the_person_and_makes_no_new_deal(wb: Workbench) -> None:
    deal = acme_with_deal(wb)
    second = add_lead(wb, "Bo Berg", "Acme", "bo@acme.com")
    result = convert.convert_lead(wb, second, into=deal, clock=NOW)
    assert result.opportunity_id == deal and count_deals(wb) == 1
    with wb.reading() as s:
        lead = s.get(Lead, second)
        assert lead is not None and (lead.status, lead.opportunity_id) == ("converted", deal)
        contact = s.get(Contact, result.contact_id)
        opp = s.get(Opportunity, deal)
        assert contact is not None and opp is not None
        assert contact.name == "Bo Berg" and contact.account_id == opp.account_id  # on the buying team
    assert len(pipeline.history(wb, deal)) == 1  # no second "converted" entry


def test_joining_a_closed_or_foreign_deal_is_refused_and_writes_nothing(wb: Workbench) -> None:
    deal = acme_with_deal(wb)
    other = convert.convert_lead(
        wb, add_lead(wb, "Di Dunn", "Globex", "di@globex.com"), clock=NOW
    ).opportunity_id
    lead = add_lead(wb, "Bo Berg", "Acme", "bo@acme.com")
    with pytest.raises(pipeline.PipelineError, match="another account"):
        convert.convert_lead(wb, lead, into=other, clock=NOW)
    pipeline.close(wb, deal, StageKind.LOST, "no budget", clock=NOW)
    with pytest.raises(pipeline.PipelineError, match="is closed"):
        convert.convert_lead(wb, lead, into=deal, clock=NOW)
    with wb.reading() as s:
        got = s.get(Lead, lead)
        assert got is not None and got.status == "new"
    assert convert.plan_conversion(wb, lead, clock=NOW).open_deals == []  # closed deals are not offered


def test_cli_convert_into(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with open_workbench(db_path) as wb:
        deal = acme_with_deal(wb)
        deal_uuid = pipeline.get_opportunity(wb, deal).uuid
        lead = add_lead(wb, "Bo Berg", "Acme", "bo@acme.com")
        with wb.reading() as s:
            found = s.get(Lead, lead)
            assert found is not None
            lead_uuid = found.uuid
    assert main(["convert", lead_uuid, "--db", str(db_path), "--into", "0" * 8, "--json"]) == 2
    assert "No opportunity" in capsys.readouterr().err
    assert main(["convert", lead_uuid, "--db", str(db_path), "--into", deal_uuid, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["joined"] is True and out["opportunity"]["uuid"] == deal_uuid
    with open_workbench(db_path) as wb:
        assert count_deals(wb) == 1
        assert account_deals.deal_id_for_uuid(wb, deal_uuid) == deal
