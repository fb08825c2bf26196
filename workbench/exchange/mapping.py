"""Which column of an imported file goes into which field of a lead.

:func:`guess_mapping` knows the headers that Salesforce, HubSpot and Pipedrive exports,
webinar tools (Zoom, GoTo, ON24) and trade-show badge scanners write, in English and
a few other languages, with their usual decorations ("Person - Email - Work", "User
Name (Original Name)", "E-Mail-Adresse"). The rep corrects what it got wrong and may
save the result as a named preset: a plain ``{header: field}`` dict that
:func:`apply_preset` lays over the guesses of a later file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from enum import StrEnum
from functools import lru_cache

from rapidfuzz import fuzz, process

from workbench.domain.enums import LeadKind
from workbench.domain.normalize import strip_accents


class Field(StrEnum):
    """Where a column's values go."""

    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    FULL_NAME = "full_name"  # split into first and last
    COMPANY = "company"
    TITLE = "title"
    EMAIL = "email"
    PHONE = "phone"
    MOBILE = "mobile"  # used as the phone when there is no other
    WEBSITE = "website"  # links the lead to an account; kept in notes
    SOURCE = "source"
    CAMPAIGN = "campaign"
    KIND = "kind"
    RECEIVED_AT = "received_at"
    COUNTRY = "country"  # decides how the row's phone is read; kept in notes
    # A company list's columns (imported as accounts; on a lead, kept in its notes).
    INDUSTRY = "industry"
    EMPLOYEES = "employees"
    REGION = "region"
    NOTES = "notes"
    IGNORE = "ignore"


#: Human names of the fields (the UI translates them).
FIELD_LABELS: dict[Field, str] = {
    Field.FIRST_NAME: "First name",
    Field.LAST_NAME: "Last name",
    Field.FULL_NAME: "Full name (split)",
    Field.COMPANY: "Company",
    Field.TITLE: "Job title",
    Field.EMAIL: "Email",
    Field.PHONE: "Phone",
    Field.MOBILE: "Mobile phone",
    Field.WEBSITE: "Website / domain",
    Field.SOURCE: "Lead source",
    Field.CAMPAIGN: "Campaign",
    Field.KIND: "Kind (inbound/target/referral)",
    Field.RECEIVED_AT: "Received (date)",
    Field.COUNTRY: "Country (reads the phone)",
    Field.INDUSTRY: "Industry (accounts)",
    Field.EMPLOYEES: "Employees (accounts)",
    Field.REGION: "Region (accounts)",
    Field.NOTES: "Notes",
    Field.IGNORE: "Ignore",
}

#: Fields that several columns may feed (their values are joined).
MULTI_COLUMN = frozenset({Field.NOTES, Field.IGNORE})


def _names(text: str) -> tuple[str, ...]:
    return tuple(" ".join(name.split()) for name in text.split("|"))


#: Header spellings seen in real exports, normalised by :func:`header_key`.
SYNONYMS: dict[Field, tuple[str, ...]] = {
    Field.FIRST_NAME: _names(
        """first name | firstname | first | given name | forename | fname | first nm | vorname | prenom |
        nombre | nome | voornaam | imie"""
    ),
    Field.LAST_NAME: _names(
        """last name | lastname | last | surname | family name | lname | last nm | nachname | nom | nom de
        famille | apellido | apellidos | cognome | achternaam | nazwisko"""
    ),
    Field.FULL_NAME: _names(
        """full name | name | contact name | lead name | person name | attendee name | registrant name |
        visitor name | display name | user name | contact | person | attendee | contact person | person
        name full | lead | prospect name | customer name | nom complet | nombre completo"""
    ),
    Field.COMPANY: _names(
        """company | company name | account | account name | company account | organization | organisation
        | organization name | organisation name | org | org name | employer | business name | associated
        company | company organization | firma | unternehmen | societe | entreprise | empresa | azienda
        | bedrijf | firm"""
    ),
    Field.TITLE: _names(
        """title | job title | jobtitle | position | job position | role | job role | designation | job |
        occupation | berufsbezeichnung | position titel | poste | fonction | cargo | puesto"""
    ),
    Field.EMAIL: _names(
        """email | email address | e mail | e mail address | mail | work email | business email | primary
        email | email 1 | emails | email work | contact email | mail address | email adresse | adresse
        email | correo | correo electronico"""
    ),
    Field.PHONE: _names(
        """phone | phone number | telephone | telephone number | tel | work phone | business phone | office
        phone | direct phone | direct dial | phone 1 | phones | phone work | landline | contact number |
        telefon | telefono | telefoonnummer | numero de telephone"""
    ),
    Field.MOBILE: _names(
        """mobile | mobile phone | mobile phone number | mobile number | cell | cell phone | cellphone |
        phone mobile | handy | mobil | movil | portable"""
    ),
    Field.WEBSITE: _names(
        """website | web site | website url | website domain | url | company website | web | domain |
        company domain | company domain name | homepage | webseite | site web"""
    ),
    Field.SOURCE: _names(
        """lead source | source | original source | original source type | source type | lead origin | how
        did you hear about us | channel | utm source | quelle | origen | fuente"""
    ),
    Field.CAMPAIGN: _names(
        """campaign | campaign name | primary campaign source | first campaign | utm campaign | webinar |
        webinar name | webinar title | event | event name | trade show | show | kampagne | campagne |
        campana"""
    ),
    Field.KIND: _names("""lead kind | kind | lead type | lead category | inbound outbound"""),
    Field.RECEIVED_AT: _names(
        """create date | created date | created | created at | date created | creation date | created on |
        lead created date | lead created | became a lead date | received | received at | received date |
        registration date | registration time | registered | registered at | scan date | scan time |
        scanned at | date scanned | capture date | add time | added | date added | timestamp | submitted
        at | submission date | join time | date | erstellt am | date de creation | fecha de creacion |
        order date | purchase date | signup date | sign up date | date registered | lead date | submitted |
        submitted on | created time | creation time | first seen"""
    ),
    Field.COUNTRY: _names(
        """country | country region | country name | country code | nation | land | pays | pais | paese"""
    ),
    Field.INDUSTRY: _names(
        """industry | industries | sector | vertical | industry sector | branche | industrie | secteur |
        sector industrial | settore"""
    ),
    Field.EMPLOYEES: _names(
        """employees | number of employees | no of employees | num employees | employee count | employee
        size | company size | size | headcount | head count | staff | fte | mitarbeiter | anzahl mitarbeiter
        | effectif | employes | empleados | werknemers | medewerkers"""
    ),
    Field.REGION: _names(
        """region | sales region | territory | state | state region | province | county | headquarters |
        hq | hq location | headquarters location | bundesland | provincie"""
    ),
    Field.NOTES: _names(
        """notes | note | description | comments | comment | remarks | lead notes | questions | question |
        message | your message | additional information | notizen | bemerkungen | commentaires | notas"""
    ),
    # "reason" is the column rejected-row files add; fixing and re-importing them
    # must not put it in the notes.
    Field.IGNORE: ("ignore", "reason"),
}

#: Words that name the record rather than the field ("Lead Email", "Attendee First Name").
_ENTITY_WORDS = frozenset(
    "lead leads contact contacts person people attendee attendees registrant visitor prospect customer "
    "member user primary your my the".split()
)
#: Qualifiers after the field ("Email - Work", "Phone (Other)").
_TRAILING_WORDS = frozenset("work home other office main primary 1 2 3 value".split())
_ORG_WORDS = frozenset("organization organisation org company account".split())
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")

_EXACT: dict[str, Field] = {}
for _field, _spellings in SYNONYMS.items():
    for _name in _spellings:
        _EXACT.setdefault(_name, _field)
_KEYS = list(_EXACT)


class MappingError(ValueError):
    """A mapping that cannot be used (unknown field, bad JSON, nothing to import)."""


def header_key(header: str) -> str:
    """``"E-Mail Address (Work)"`` → ``"email address"``: case, accents, punctuation and
    bracketed remarks ignored."""
    text = strip_accents(header).casefold()
    text = _PARENS.sub(" ", text).replace("e-mail", "email")
    return " ".join(_NON_ALNUM.sub(" ", text).split())


def _undecorated(words: list[str]) -> list[str]:
    """The header with record words in front and qualifiers behind taken off, from
    the fewest to the most ("Lead Lead Origin" → "lead origin" before "origin"; a
    qualifier that is itself a field name, "Contact - Work", keeps "contact")."""
    lead = 0
    while lead < len(words) - 1 and words[lead] in _ENTITY_WORDS:
        lead += 1
    tail = len(words)
    while tail > 1 and words[tail - 1] in _TRAILING_WORDS:
        tail -= 1
    candidates: list[str] = []
    for start in range(lead + 1):
        for end in range(len(words), tail - 1, -1):
            if start < end:
                candidates.append(" ".join(words[start:end]))
    return candidates


@lru_cache(maxsize=4096)
def guess_field(header: str) -> tuple[Field | None, int]:
    """The field a header most likely means, with a confidence from 0 to 100."""
    key = header_key(header)
    if not key:
        return None, 0
    if key in _EXACT:
        return _EXACT[key], 100
    words = key.split()
    # "Organization - Name", "Company: Name" (Pipedrive, Dynamics)
    if len(words) >= 2 and words[0] in _ORG_WORDS and words[1] == "name":
        return Field.COMPANY, 95
    candidates = _undecorated(words)
    for candidate in candidates:
        if candidate in _EXACT:
            return _EXACT[candidate], 95
    stripped = candidates[-1] if candidates else key
    found = process.extractOne(stripped, _KEYS, scorer=fuzz.ratio, score_cutoff=88)
    if found is not None:
        name, score, _index = found
        return _EXACT[name], int(score) - 5
    return None, 0


ColumnMapping = list[Field | None]

#: Fields an identifier column must never feed (issue 18: "Organization Id" became the
#: company "FAB0d41d5b5d22c", "Attendee #" the person's name).
PERSON_FIELDS = frozenset(
    {
        Field.FIRST_NAME,
        Field.LAST_NAME,
        Field.FULL_NAME,
        Field.COMPANY,
        Field.EMAIL,
        Field.PHONE,
        Field.MOBILE,
    }
)
_ID_HEADER = re.compile(
    r"#|(?:^|[\s_.\-])(?:id|ids|uuid|guid|key)\s*$|^(?:record|row)\s*(?:no|num)", re.IGNORECASE
)
_CAMEL_ID = re.compile(r"[a-z](?:Id|ID|Uuid|UUID)$")  # "leadId", "contactID"
_UUID_VALUE = re.compile(
    r"^\{?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\}?$"
)
_HASH_VALUE = re.compile(r"^(?=[^\s]*\d)(?=[^\s]*[A-Za-z])[0-9A-Za-z_\-]{12,}$")
#: Headers of a company list's columns (a list of accounts, no people in it).
_COMPANY_COLUMNS = frozenset(
    _names(
        """industry | sector | employees | number of employees | employee count | company size | size |
        headcount | revenue | annual revenue | founded | year founded | headquarters | hq"""
    )
)
#: Fields that describe a company; with a company column and no person column, a file
#: is a company list (issue 18: offered as accounts).
COMPANY_FIELDS = frozenset({Field.WEBSITE, Field.INDUSTRY, Field.EMPLOYEES, Field.REGION, Field.COUNTRY})
#: Columns only a person has ("Phone" may be a company's switchboard).
PERSON_ONLY_FIELDS = frozenset(
    {Field.FIRST_NAME, Field.LAST_NAME, Field.FULL_NAME, Field.EMAIL, Field.TITLE, Field.MOBILE}
)


def is_identifier_header(header: str) -> bool:
    """``Organization Id``, ``organization_id``, ``Attendee #``, ``Record ID``, ``leadId``."""
    text = header.strip()
    return bool(_ID_HEADER.search(text) or _CAMEL_ID.search(text))


def looks_like_identifiers(values: Sequence[str]) -> bool:
    """Most of a column's sampled values are UUIDs or hash-like codes (letters and
    digits, no spaces, 12 or more) — record keys, not names."""
    present = [v.strip() for v in values if v and v.strip()]
    if len(present) < 2:
        return False
    keys = sum(1 for v in present if "@" not in v and (_UUID_VALUE.match(v) or _HASH_VALUE.match(v)))
    return keys >= 0.8 * len(present)


def guess_mapping(headers: Sequence[str], samples: Sequence[Sequence[str]] = ()) -> ColumnMapping:
    """One field (or ``None``) per column. A field that several columns claim goes to
    the most confident (then the leftmost); the others stay unmapped. Identifier
    columns (by header, or by the ``samples`` rows' values) never map to a person,
    company, email or phone field; their values stay in the notes like any unmapped
    column's. In a list of companies (industry, size… and no person columns) "Name"
    is the company."""
    guesses = [guess_field(h) for h in headers]
    for index, (field, _score) in enumerate(guesses):
        if field not in PERSON_FIELDS:
            continue
        column = [row[index] for row in samples if index < len(row)]
        if is_identifier_header(headers[index]) or looks_like_identifiers(column):
            guesses[index] = (None, 0)
    fields = {f for f, _score in guesses}
    keys = {header_key(h) for h in headers}
    if (
        Field.COMPANY not in fields
        and not fields & {Field.FIRST_NAME, Field.LAST_NAME, Field.EMAIL, Field.TITLE}
        and (keys & _COMPANY_COLUMNS or fields & {Field.INDUSTRY, Field.EMPLOYEES})
    ):
        guesses = [(Field.COMPANY, s) if f is Field.FULL_NAME else (f, s) for f, s in guesses]
    best: dict[Field, tuple[int, int]] = {}
    for index, (field, score) in enumerate(guesses):
        if field is None or field in MULTI_COLUMN:
            continue
        if field not in best or score > best[field][0]:
            best[field] = (score, index)
    mapping: ColumnMapping = []
    for index, (field, _score) in enumerate(guesses):
        if field is None:
            mapping.append(None)
        elif field in MULTI_COLUMN or best[field][1] == index:
            mapping.append(field)
        else:
            mapping.append(None)
    return mapping


def is_company_list(mapping: Sequence[Field | None]) -> bool:
    """A company column, something about the company, and no column only a person has:
    a list of accounts (a bought list, a CRM's organisations), not of leads."""
    fields = set(mapping)
    return Field.COMPANY in fields and bool(fields & COMPANY_FIELDS) and not fields & PERSON_ONLY_FIELDS


def check_usable_accounts(mapping: Sequence[Field | None]) -> None:
    """Accounts need a company name column."""
    if Field.COMPANY not in set(mapping):
        raise MappingError(
            "no column is mapped to the company, so no account could be made; "
            "map the file's company name column"
        )


def parse_field(name: str) -> Field:
    """A field from its value (``"email"``) or label (``"Email"``)."""
    text = name.strip().casefold()
    for field in Field:
        if text in (field.value, FIELD_LABELS[field].casefold()):
            return field
    raise MappingError(f"{name!r} is not a lead field (use one of: {', '.join(f.value for f in Field)})")


def apply_preset(
    headers: Sequence[str], preset: Mapping[str, str], samples: Sequence[Sequence[str]] = ()
) -> ColumnMapping:
    """Guesses, overridden by a preset's ``{header: field}`` for the headers it names
    (matched exactly first, then by :func:`header_key`)."""
    mapping = guess_mapping(headers, samples)
    by_key = {header_key(h): f for h, f in preset.items()}
    for index, header in enumerate(headers):
        chosen = preset.get(header, by_key.get(header_key(header)))
        if chosen is None:
            continue
        field = parse_field(chosen)
        if field not in MULTI_COLUMN:
            # A field moves to the column the preset names.
            mapping = [None if (f == field and i != index) else f for i, f in enumerate(mapping)]
        mapping[index] = field
    return mapping


def preset_of(headers: Sequence[str], mapping: Sequence[Field | None]) -> dict[str, str]:
    """A mapping as a preset: ``{header: field}`` for every column that has one."""
    return {h: f.value for h, f in zip(headers, mapping, strict=False) if f is not None}


def parse_mapping_json(text: str) -> dict[str, str]:
    """A preset written as JSON (``{"E-mail": "email", "Firma": "company"}``)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MappingError(f"the mapping is not valid JSON ({exc.msg})") from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise MappingError('the mapping must be a JSON object of "header": "field" pairs')
    for value in data.values():
        parse_field(value)
    return dict(data)


def check_usable(mapping: Sequence[Field | None]) -> None:
    """A mapping must give each lead a name or a company."""
    fields = set(mapping)
    if not fields & {Field.FIRST_NAME, Field.LAST_NAME, Field.FULL_NAME, Field.COMPANY}:
        raise MappingError(
            "no column is mapped to a name or a company, so no lead could be made; "
            "map the file's name or company column"
        )


_KIND_WORDS: dict[str, LeadKind] = {
    **dict.fromkeys(
        ("inbound", "in", "marketing", "mql", "inbound lead", "web", "hand raiser"), LeadKind.INBOUND
    ),
    **dict.fromkeys(
        ("target", "outbound", "out", "prospecting", "rep sourced", "sdr", "self sourced", "cold", "abm"),
        LeadKind.TARGET,
    ),
    **dict.fromkeys(("referral", "referred", "partner", "partner referral", "ref"), LeadKind.REFERRAL),
}


def parse_kind(text: str) -> LeadKind | None:
    """``"Outbound"`` → target; ``None`` for words that name no kind."""
    return _KIND_WORDS.get(header_key(text))


__all__ = [
    "COMPANY_FIELDS",
    "FIELD_LABELS",
    "MULTI_COLUMN",
    "SYNONYMS",
    "ColumnMapping",
    "Field",
    "MappingError",
    "apply_preset",
    "check_usable",
    "check_usable_accounts",
    "guess_field",
    "guess_mapping",
    "header_key",
    "is_company_list",
    "is_identifier_header",
    "looks_like_identifiers",
    "parse_field",
    "parse_kind",
    "parse_mapping_json",
    "preset_of",
]
