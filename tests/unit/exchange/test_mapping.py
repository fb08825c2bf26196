"""The header guesser: CRM exports, presets, JSON mappings — and hypothesis round trips
of every known header through the decorations real exports add."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.import_files import CRM_HEADERS
from workbench.domain.enums import LeadKind
from workbench.exchange.mapping import (
    FIELD_LABELS,
    SYNONYMS,
    Field,
    MappingError,
    apply_preset,
    check_usable,
    guess_field,
    guess_mapping,
    header_key,
    parse_field,
    parse_kind,
    parse_mapping_json,
    preset_of,
)


@pytest.mark.parametrize("crm", sorted(CRM_HEADERS))
def test_crm_headers_are_guessed(crm: str) -> None:
    headers = [h for h, _f in CRM_HEADERS[crm]]
    expected = [f for _h, f in CRM_HEADERS[crm]]
    assert guess_mapping(headers) == expected


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("E-Mail-Adresse", Field.EMAIL),
        ("Vorname", Field.FIRST_NAME),
        ("Nachname", Field.LAST_NAME),
        ("Firma", Field.COMPANY),
        ("Fist Name", Field.FIRST_NAME),  # a typo
        ("Company Nmae", Field.COMPANY),
        ("Attendee Email", Field.EMAIL),
        ("Lead: Phone (Work)", Field.PHONE),
        ("Became a Lead Date", Field.RECEIVED_AT),
        ("Campaign Name", Field.CAMPAIGN),
        ("Email Opt Out", None),
        ("Lead Status", None),
        ("Annual Revenue", None),
        ("", None),
    ],
)
def test_single_headers(header: str, field: Field | None) -> None:
    assert guess_field(header)[0] == field


def test_the_most_confident_column_wins_a_field() -> None:
    mapping = guess_mapping(["Phone", "Phone Number", "Notes", "Comments", "Fist Name", "First Name"])
    assert mapping == [Field.PHONE, None, Field.NOTES, Field.NOTES, None, Field.FIRST_NAME]


def test_presets_override_guesses_and_move_fields() -> None:
    headers = ["Name", "Organisation", "Mail", "Extra"]
    mapping = apply_preset(headers, {"Extra": "company", "mail": "ignore"})
    assert mapping == [Field.FULL_NAME, None, Field.IGNORE, Field.COMPANY]
    assert preset_of(headers, mapping) == {"Name": "full_name", "Mail": "ignore", "Extra": "company"}
    assert apply_preset(headers, preset_of(headers, mapping)) == mapping
    with pytest.raises(MappingError, match="not a lead field"):
        apply_preset(headers, {"Name": "shoe size"})


def test_json_mappings() -> None:
    assert parse_mapping_json('{"E-mail": "email", "Firma": "Company"}') == {
        "E-mail": "email",
        "Firma": "Company",
    }
    for bad in ("{", "[1, 2]", '{"a": 1}', '{"a": "nope"}'):
        with pytest.raises(MappingError):
            parse_mapping_json(bad)


def test_a_mapping_must_name_a_person_or_company() -> None:
    check_usable([Field.COMPANY])
    check_usable([None, Field.FULL_NAME])
    with pytest.raises(MappingError, match="name or a company"):
        check_usable([Field.EMAIL, Field.PHONE, None])


def test_fields_and_kinds_parse() -> None:
    for field in Field:
        assert parse_field(field.value) is field
        assert parse_field(FIELD_LABELS[field].upper()) is field
    assert parse_kind("Outbound") is LeadKind.TARGET
    assert parse_kind("inbound") is LeadKind.INBOUND
    assert parse_kind("Partner Referral") is LeadKind.REFERRAL
    assert parse_kind("maybe") is None


def test_own_names_round_trip() -> None:
    for field in Field:
        assert guess_field(field.value)[0] is field
        assert guess_field(FIELD_LABELS[field])[0] is field


KNOWN = [(name, field) for field, names in SYNONYMS.items() for name in names]
SEPARATORS = [" ", "_", "-", ".", "  ", " / "]
PREFIXES = ["", "Lead ", "Contact: ", "Attendee - ", "Primary "]
SUFFIXES = ["", " (work)", " - Work", "*", ":", " [required]"]


@st.composite
def decorated(draw: st.DrawFn) -> tuple[str, Field]:
    name, field = draw(st.sampled_from(KNOWN))
    separator = draw(st.sampled_from(SEPARATORS))
    words = name.split()
    case = draw(st.sampled_from([str.upper, str.lower, str.title, lambda s: s]))
    text = (
        draw(st.sampled_from(PREFIXES))
        + separator.join(case(w) for w in words)
        + draw(st.sampled_from(SUFFIXES))
    )
    return text, field


@given(decorated())
def test_round_trip_decorated_headers(case: tuple[str, Field]) -> None:
    header, field = case
    assert guess_field(header)[0] is field, header


@given(st.sampled_from(KNOWN), st.sampled_from([str.upper, str.title]))
def test_accents_and_case_do_not_matter(case: tuple[str, Field], change: object) -> None:
    name, field = case
    assert header_key(change(name)) == name  # type: ignore[operator]
    assert guess_field(change(name))[0] is field  # type: ignore[operator]


# --- issue 18: identifier columns, company lists, received dates ------------------------
def test_identifier_columns_never_feed_a_person_field() -> None:
    from workbench.exchange.mapping import guess_mapping

    headers = ["Organization Id", "organization_id", "Attendee #", "Record ID", "Name", "Email", "leadId"]
    mapping = guess_mapping(headers)
    assert mapping[:4] == [None, None, None, None]
    assert mapping[4:6] == [Field.FULL_NAME, Field.EMAIL] and mapping[6] is None


def test_hash_and_uuid_values_make_an_identifier_column() -> None:
    from workbench.exchange.mapping import guess_mapping, looks_like_identifiers

    headers = ["Company", "Contact", "E-mail"]
    samples = [
        ["FAB0d41d5b5d22c", "Ana López", "ana@acme.com"],
        ["6F94879bDAfE5a6", "Bo Chen", "bo@beta.io"],
        ["5Cef8BFA16c5e3c", "Cy Orr", "cy@corp.com"],
    ]
    assert guess_mapping(headers, samples) == [None, Field.FULL_NAME, Field.EMAIL]
    assert looks_like_identifiers(
        ["3b241101-e2bb-4255-8caf-4136c566a962", "{3B241101-E2BB-4255-8CAF-4136C566A963}"]
    )
    assert not looks_like_identifiers(["Acme", "Beta Corp", "Gamma GmbH"])
    assert not looks_like_identifiers(["ACME2024", "x"])  # one code among names is no identifier column


def test_a_company_list_maps_name_to_the_company() -> None:
    from workbench.exchange.mapping import guess_mapping

    mapping = guess_mapping(
        ["Index", "Organization Id", "Name", "Website", "Country", "Industry", "Number of employees"]
    )
    assert mapping[:4] == [None, None, Field.COMPANY, Field.WEBSITE]
    assert guess_mapping(["Name", "Email", "Industry"])[0] is Field.FULL_NAME  # people: Name is a person


@pytest.mark.parametrize(
    "header",
    ["Create Date", "Created", "Order Date", "Registration Time", "Join Time", "Date Added", "Submitted At"],
)
def test_usual_received_date_columns(header: str) -> None:
    from workbench.exchange.mapping import guess_field

    assert guess_field(header)[0] is Field.RECEIVED_AT
