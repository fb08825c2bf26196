"""Contacts of target accounts: buying roles, the buying team, contacts from leads and vCards."""

from __future__ import annotations

import pytest
from sqlmodel import select

from workbench.domain import BuyingRole, Contact, Lead
from workbench.domain.normalize import company_norm, email_domain
from workbench.exchange.vcard import read_vcards
from workbench.services.targets import contacts
from workbench.services.targets.accounts import AccountInput, create_account
from workbench.services.targets.contacts import ContactError, ContactInput
from workbench.store import Workbench


def test_contact_fields_are_checked_but_never_block(wb: Workbench) -> None:
    with wb.session() as s:
        acc = create_account(s, AccountInput("Acme", "acme.com"))
        data = ContactInput(
            "Ana", "López", "CFO", BuyingRole.DECISION_MAKER, "ana@@acme", "12", account_id=acc
        )
        problems = contacts.check_input(data)
        assert problems.email and problems.phone
        cid = contacts.create_contact(s, data)
        saved = contacts.get_contact(s, cid)
        assert saved.email == "ana@@acme" and saved.phone == "12" and saved.phone_e164 == ""
        contacts.update_contact(
            s, cid, ContactInput("Ana", "López", email="Ana@Acme.com", phone="(202) 555-0143")
        )
        saved = contacts.get_contact(s, cid)
        assert saved.email == "Ana@acme.com" and saved.phone_e164 == "+12025550143"
        assert saved.name == "Ana López"
        with pytest.raises(ContactError, match="name or an email"):
            contacts.create_contact(s, ContactInput(title="CTO", account_id=acc))


def test_buying_team_shows_missing_roles(wb: Workbench) -> None:
    with wb.session() as s:
        acc = create_account(s, AccountInput("Acme", "acme.com"))
        team = contacts.buying_team(s, acc)
        assert len(team.missing) == 5 and not team.complete
        contacts.create_contact(
            s, ContactInput("Dee", "Maker", buying_role=BuyingRole.DECISION_MAKER, account_id=acc)
        )
        champ = contacts.create_contact(
            s, ContactInput("Cham", "Pion", buying_role="champion", account_id=acc)
        )
        contacts.create_contact(s, ContactInput("Un", "Known", account_id=acc))
        team = contacts.buying_team(s, acc)
        assert team.missing == (BuyingRole.INFLUENCER, BuyingRole.USER, BuyingRole.GATEKEEPER)
        assert team.covered == 2
        assert [c.name for c in team.members["unknown"]] == ["Un Known"]
        assert [c.buying_role for c in contacts.list_contacts(s, acc)] == [
            "decision maker",
            "champion",
            "unknown",
        ]
        contacts.delete_contact(s, champ)
        assert BuyingRole.CHAMPION in contacts.buying_team(s, acc).missing
        contacts.restore_contact(s, champ)
        assert BuyingRole.CHAMPION not in contacts.buying_team(s, acc).missing


def test_contact_from_a_lead_reuses_and_links(wb: Workbench) -> None:
    with wb.session() as s:
        acc = create_account(s, AccountInput("Acme", "acme.com"))
        lead = Lead(
            name="Ana López",
            title="VP Sales",
            email="ana@acme.com",
            email_norm="ana@acme.com",
            email_domain="acme.com",
            phone="+1 202 555 0143",
            company="Acme",
            company_norm="acme",
        )
        s.add(lead)
        s.flush()
        assert lead.id is not None
        made = contacts.contact_from_lead(s, lead.id)
        assert made.created and made.account_id == acc
        contact = contacts.get_contact(s, made.contact_id)
        assert (contact.first_name, contact.last_name, contact.title) == ("Ana", "López", "VP Sales")
        assert contact.origin_lead_id == lead.id and contact.phone_e164 == "+12025550143"
        assert s.get(Lead, lead.id).contact_id == made.contact_id  # type: ignore[union-attr]
        again = contacts.contact_from_lead(s, lead.id)
        assert not again.created and again.contact_id == made.contact_id
        assert len(s.exec(select(Contact)).all()) == 1


def test_contact_from_a_lead_can_create_its_account(wb: Workbench) -> None:
    with wb.session() as s:
        lead = Lead(
            name="Bo",
            email="bo@initech.com",
            email_norm="bo@initech.com",
            email_domain=email_domain("bo@initech.com"),
            company="Initech LLC",
            company_norm=company_norm("Initech LLC"),
        )
        s.add(lead)
        s.flush()
        assert lead.id is not None
        made = contacts.contact_from_lead(s, lead.id, create_account=True)
        assert made.account_created and made.account_id is not None
        assert s.get(Lead, lead.id).account_id == made.account_id  # type: ignore[union-attr]


def test_vcard_people_become_contacts_without_duplicates(wb: Workbench) -> None:
    text = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ana López\nN:López;Ana;;;\nORG:Acme\nTITLE:CFO\n"
        "EMAIL;TYPE=WORK:ana@acme.com\nEMAIL:ana.private@example.com\nTEL:+1 202 555 0143\n"
        "TEL;TYPE=CELL:+1 202 555 0199\nURL:https://www.linkedin.com/in/ana\nURL:https://acme.com\n"
        "END:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Bo Berg\nEMAIL:bo@acme.com\nEND:VCARD\n"
    )
    # The card's ORG is another company than the account's: kept in the notes.
    people = [(p.card, contacts.from_vcard(p, "Globex")) for p in read_vcards(text).people]
    assert "Organisation" not in contacts.from_vcard(read_vcards(text).people[0], "Acme Ltd").notes
    with wb.session() as s:
        acc = create_account(s, AccountInput("Globex", "acme.com"))
        contacts.create_contact(s, ContactInput("Bo", "Berg", email="BO@acme.com", account_id=acc))
        result = contacts.create_many(s, acc, people)
        assert len(result.created) == 1 and [o.name for o in result.already_there] == ["Bo Berg"]
        ana = contacts.get_contact(s, result.created[0])
    assert ana.linkedin_url == "https://www.linkedin.com/in/ana"
    assert "ana.private@example.com" in ana.notes and "+1 202 555 0199" in ana.notes
    assert "Organisation: Acme" in ana.notes and "https://acme.com" in ana.notes
