from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from workbench.domain.normalize import (
    check_email,
    check_phone,
    company_norm,
    domain_of,
    email_domain,
    split_full_name,
)


def test_company_names_compare_without_legal_form_case_or_accents() -> None:
    assert company_norm("Acme, Inc.") == company_norm("ACME") == "acme"
    assert company_norm("Müller GmbH") == company_norm("Muller") == "muller"
    assert company_norm("Łódź Logistics S.A.") == "lodz logistics"


def test_email_syntax_and_domain() -> None:
    assert check_email("Ana@Example.com").problem == ""
    assert check_email("ana@@example").problem
    assert check_email("").value == ""
    assert email_domain(" Ana@Sub.Example.COM ") == "sub.example.com"


def test_phone_to_e164_where_possible() -> None:
    assert check_phone("(415) 555-2671").value == "+14155552671"
    assert check_phone("+49 30 123456").value.startswith("+4930")
    bad = check_phone("call me maybe")
    assert bad.problem and bad.value == "call me maybe"


def test_domain_of_urls_and_emails() -> None:
    assert domain_of("https://www.Acme.com/about") == "acme.com"
    assert domain_of("acme.io") == "acme.io"
    assert domain_of("jo@acme.io") == "acme.io"
    assert domain_of("") == ""


def test_split_full_name() -> None:
    assert split_full_name("Ana María López") == ("Ana María", "López")
    assert split_full_name("López, Ana") == ("Ana", "López")
    assert split_full_name("Cher") == ("Cher", "")


@given(st.text(max_size=40))
def test_company_norm_is_idempotent(name: str) -> None:
    assert company_norm(company_norm(name)) == company_norm(name)
