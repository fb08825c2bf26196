"""Accounts: domain normalisation, duplicate checks, and leads linked by domain or company."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from workbench.domain import Account, AccountEvent, Lead
from workbench.domain.normalize import company_norm, email_domain
from workbench.services.targets import accounts
from workbench.services.targets.accounts import AccountError, AccountInput, DuplicateAccount
from workbench.store import Workbench


def add_lead(s: Session, name: str, email: str = "", company: str = "", account_id: int | None = None) -> int:
    lead = Lead(
        name=name,
        email=email,
        email_norm=email.casefold(),
        email_domain=email_domain(email),
        company=company,
        company_norm=company_norm(company) if company else "",
        account_id=account_id,
    )
    s.add(lead)
    s.flush()
    assert lead.id is not None
    return lead.id


@pytest.mark.parametrize(
    ("typed", "domain"),
    [
        ("https://www.Acme.com/about", "acme.com"),
        ("ACME.com", "acme.com"),
        ("  www.acme.co.uk ", "acme.co.uk"),
        ("http://shop.acme.de:8080/x?y=1", "shop.acme.de"),
        ("sales@acme.io", "acme.io"),
        ("münchen-bau.de", "münchen-bau.de"),
        ("", ""),
    ],
)
def test_domains_are_normalised(typed: str, domain: str) -> None:
    assert accounts.normalise_domain(typed) == domain


@pytest.mark.parametrize("typed", ["not a domain", "acme", "http://[::1", "acme..com", "http://"])
def test_bad_domains_are_refused_with_a_message(typed: str) -> None:
    with pytest.raises(AccountError, match="domain"):
        accounts.normalise_domain(typed)


def test_duplicate_domain_or_name_asks_before_creating(wb: Workbench) -> None:
    with wb.session() as s:
        first = accounts.create_account(s, AccountInput("Acme, Inc.", "https://www.acme.com"))
        with pytest.raises(DuplicateAccount) as caught:
            accounts.create_account(s, AccountInput("Acme Widgets", "acme.com/contact"))
        assert [(m.id, m.reason) for m in caught.value.matches] == [(first, "same domain")]
        with pytest.raises(DuplicateAccount) as caught:
            accounts.create_account(s, AccountInput("ACME Corporation"))
        assert caught.value.matches[0].reason == "same name"
        # The rep said "create anyway".
        second = accounts.create_account(s, AccountInput("ACME Corporation"), allow_duplicate=True)
        assert second != first
    with wb.reading() as s:
        assert len(s.exec(select(Account)).all()) == 2


def test_edit_keeps_its_own_domain_without_asking(wb: Workbench) -> None:
    with wb.session() as s:
        a = accounts.create_account(s, AccountInput("Acme", "acme.com"))
        b = accounts.create_account(s, AccountInput("Globex", "globex.com"))
        accounts.update_account(s, a, AccountInput("Acme", "acme.com", industry="Logistics"))
        with pytest.raises(DuplicateAccount):
            accounts.update_account(s, b, AccountInput("Globex", "www.acme.com"))
        detail = accounts.get_account(s, a)
        assert detail.industry == "Logistics" and detail.domain == "acme.com"


def test_empty_name_and_negative_size_are_refused(wb: Workbench) -> None:
    with wb.session() as s:
        with pytest.raises(AccountError, match="name"):
            accounts.create_account(s, AccountInput("   ", "acme.com"))
        with pytest.raises(AccountError, match="negative"):
            accounts.create_account(s, AccountInput("Acme", employees=-3))


def test_new_account_links_matching_leads_by_domain_and_company(wb: Workbench) -> None:
    with wb.session() as s:
        by_domain = add_lead(s, "Ana", "ana@acme.com", "ACME Holdings")
        by_company = add_lead(s, "Bo", "bo@gmail.com", "Acme Inc.")
        free_mail_only = add_lead(s, "Cy", "cy@gmail.com", "Someone Else")
        other = accounts.create_account(s, AccountInput("Other Co"))
        by_hand = add_lead(s, "Di", "di@acme.com", "Acme", account_id=other)
        acme = accounts.create_account(s, AccountInput("Acme", "www.acme.com"))
        assert {lead.id for lead in accounts.linked_leads(s, acme)} == {by_domain, by_company}
        assert s.get(Lead, free_mail_only).account_id is None
        assert s.get(Lead, by_hand).account_id == other  # linked by hand: never moved
        # A free-mail domain on an account never pulls in every gmail lead.
        gmail = accounts.create_account(s, AccountInput("Gmail fans", "gmail.com"))
        assert s.get(Lead, free_mail_only).account_id is None
        assert accounts.linked_leads(s, gmail) == []


def test_account_for_a_lead(wb: Workbench) -> None:
    with wb.session() as s:
        acme = accounts.create_account(s, AccountInput("Acme GmbH", "acme.de"))
        assert accounts.account_for(s, email="x@ACME.de") == acme
        assert accounts.account_for(s, email="x@gmail.com", company="acme") == acme
        assert accounts.account_for(s, email="x@gmail.com", company="Initech") is None
        assert accounts.account_for(s) is None


def test_renaming_an_account_links_leads_of_the_new_name(wb: Workbench) -> None:
    with wb.session() as s:
        acc = accounts.create_account(s, AccountInput("Initech"))
        lead = add_lead(s, "Peter", "peter@initrode.com", "Initrode")
        accounts.update_account(s, acc, AccountInput("Initrode", "initrode.com"))
        assert s.get(Lead, lead).account_id == acc
        accounts.link_lead(s, lead, None)
        assert s.get(Lead, lead).account_id is None
        with pytest.raises(AccountError):
            accounts.link_lead(s, lead, 999)


def test_promotion_through_the_dialog_is_recorded(wb: Workbench) -> None:
    with wb.session() as s:
        acc = accounts.create_account(s, AccountInput("Acme", "acme.com"))
        accounts.update_account(s, acc, AccountInput("Acme", "acme.com", tier="A", is_target=True))
        accounts.update_account(s, acc, AccountInput("Acme", "acme.com", tier="B", is_target=True))
        events = s.exec(select(AccountEvent).order_by(AccountEvent.id)).all()
        assert [(e.what, e.old, e.new) for e in events] == [("promoted", "", "A"), ("tier", "A", "B")]
        assert s.get(Account, acc).target_since is not None


def test_search_puts_accounts_with_most_leads_first(wb: Workbench) -> None:
    with wb.session() as s:
        quiet = accounts.create_account(s, AccountInput("Acme Quiet", "quiet.com"))
        busy = accounts.create_account(s, AccountInput("Acme Busy", "busy.com"))
        for i in range(3):
            add_lead(s, f"L{i}", f"l{i}@busy.com", account_id=busy)
        add_lead(s, "Q", "q@quiet.com", account_id=quiet)
        add_lead(s, "Z", "z@quiet.com", account_id=quiet)
        trashed = s.get(Lead, add_lead(s, "Trashed", "t@quiet.com", account_id=quiet))
        assert trashed is not None
        trashed.deleted_at = trashed.created_at  # in the trash: does not count
        s.add(trashed)
        s.flush()
        found = accounts.search_accounts(s, "acme")
        assert [a.id for a in found] == [busy, quiet]
        assert found[0].leads == 3
        assert accounts.search_accounts(s, "busy.c")[0].id == busy
        assert accounts.search_accounts(s, "100%") == []
