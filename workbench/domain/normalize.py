"""Normalising what reps type or paste, so the same person or company matches itself.

Email syntax comes from ``email-validator`` and phone numbers from ``phonenumbers``
(no hand-written patterns). Every function is pure and cheap enough to run per row of
an import; the expensive ones are cached.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

#: Legal-form words dropped when comparing company names ("Acme, Inc." == "ACME").
_LEGAL_FORMS = frozenset(
    """inc incorporated corp corporation co company llc llp lp ltd limited plc gmbh ag kg
    sa sas sarl srl spa bv nv oy ab as aps pty pvt sp zoo kft group holding holdings""".split()
)
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
#: Free-mail domains never link a lead to an account.
FREE_MAIL_DOMAINS = frozenset(
    """gmail.com googlemail.com yahoo.com yahoo.co.uk hotmail.com outlook.com live.com msn.com
    aol.com icloud.com me.com mac.com proton.me protonmail.com gmx.de gmx.net web.de mail.com
    yandex.ru qq.com 163.com hey.com fastmail.com zoho.com""".split()
)


@dataclass(frozen=True)
class Checked:
    """A normalised value, with the problem found (empty when fine)."""

    value: str
    problem: str = ""


def strip_accents(text: str) -> str:
    if text.isascii():
        # Nothing to strip, and most names are ASCII: a de-duplication pass calls this
        # for millions of stored names, where the per-character walk below was half
        # the time.
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ł", "l").replace("Ł", "L")


@lru_cache(maxsize=65536)
def company_norm(name: str) -> str:
    """A comparison key for company names: case, accents, punctuation and legal form ignored."""
    # Dots go first so that "S.A." and "Inc." become the words "sa" and "inc".
    words = _NON_WORD.sub(" ", strip_accents(name).casefold().replace(".", "")).split()
    kept = [w for w in words if w not in _LEGAL_FORMS]
    return " ".join(kept or words)


def person_key(name: str) -> str:
    return " ".join(_NON_WORD.sub(" ", strip_accents(name).casefold()).split())


def email_norm(email: str) -> str:
    """Lower-cased, trimmed email used for exact duplicate matching."""
    return email.strip().casefold()


def email_domain(email: str) -> str:
    _, at, domain = email_norm(email).rpartition("@")
    return domain.strip(".") if at else ""


def is_free_mail(domain: str) -> bool:
    return domain in FREE_MAIL_DOMAINS


@lru_cache(maxsize=65536)
def check_email(email: str) -> Checked:
    """Syntax check only (no DNS: the app makes no network connection)."""
    text = email.strip()
    if not text:
        return Checked("")
    # Imported on first use, like phonenumbers below: together they take a tenth of a
    # second to load, which the app's start-up (P2) should not pay before anyone types.
    from email_validator import EmailNotValidError, validate_email

    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        return Checked(text, str(exc))
    return Checked(result.normalized)


@lru_cache(maxsize=65536)
def check_phone(phone: str, region: str = "US") -> Checked:
    """E.164 when the number is valid for ``region`` (or its own +country code);
    otherwise the text as typed, with why."""
    text = phone.strip()
    if not text:
        return Checked("")
    import phonenumbers

    try:
        parsed = phonenumbers.parse(text, region or None)
    except phonenumbers.NumberParseException as exc:
        return Checked(text, f"not a phone number ({exc})")
    if not phonenumbers.is_possible_number(parsed):
        return Checked(text, "not a possible phone number")
    if not phonenumbers.is_valid_number(parsed):
        # Kept as typed: an E.164 form of a number that no region gives out (issue 18:
        # "999-4445" became +19994445) would be an invented number.
        return Checked(text, "not a valid number")
    return Checked(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


@lru_cache(maxsize=1)
def _regions_by_name() -> dict[str, str]:
    import phonenumbers
    from phonenumbers import geocoder

    names: dict[str, str] = {}
    for region in phonenumbers.SUPPORTED_REGIONS:
        example = phonenumbers.example_number(region)
        if example is not None:
            names[strip_accents(geocoder.country_name_for_number(example, "en")).casefold()] = region
    # Spellings files use that the phone library's English names do not.
    names.update(
        {
            "usa": "US",
            "united states of america": "US",
            "uk": "GB",
            "great britain": "GB",
            "england": "GB",
            "holland": "NL",
            "the netherlands": "NL",
            "deutschland": "DE",
            "belgique": "BE",
            "belgie": "BE",
            "nederland": "NL",
            "espana": "ES",
            "suisse": "CH",
            "schweiz": "CH",
            "osterreich": "AT",
            "italia": "IT",
            "brasil": "BR",
        }
    )
    return names


@lru_cache(maxsize=4096)
def region_of_country(country: str) -> str:
    """A phone region (ISO 3166 alpha-2) from a country as files write it ("Belgium",
    "BE", "be", "België"); "" when it names no country."""
    import phonenumbers

    text = " ".join(strip_accents(country).casefold().replace(".", "").split())
    if len(text) == 2 and text.upper() in phonenumbers.SUPPORTED_REGIONS:
        return text.upper()
    return _regions_by_name().get(text, "")


def domain_of(website_or_domain: str) -> str:
    """``https://www.Acme.com/about`` → ``acme.com``; ``ACME.com`` → ``acme.com``."""
    text = website_or_domain.strip().casefold()
    if not text:
        return ""
    if "@" in text and "/" not in text:
        text = text.rpartition("@")[2]
    if "//" not in text:
        text = "//" + text
    host = urlsplit(text).hostname or ""
    host = host.strip(".")
    if host.startswith("www."):
        host = host[4:]
    return host


def split_full_name(full: str) -> tuple[str, str]:
    """ "Ana María López" → ("Ana María", "López"); "López, Ana" → ("Ana", "López")."""
    text = " ".join(full.split())
    if "," in text:
        last, _, first = text.partition(",")
        return first.strip(), last.strip()
    if " " not in text:
        return text, ""
    first, _, last = text.rpartition(" ")
    return first, last


def full_name(first: str, last: str) -> str:
    return " ".join(p for p in (first.strip(), last.strip()) if p)
