"""People from vCard files (``.vcf``) as phones, mail programs and CRMs write them.

Tolerant per property: :mod:`workbench.exchange.vcard_lines` streams the file as cards
of properties, and a property that cannot be read is left out of its card with a
:class:`CardProblem` naming the card and the property — the card itself is kept while
it has a name, an email or a phone. Handles vCard 2.1 (quoted-printable, bare type
parameters, ``CHARSET``), 3.0 (RFC 2426) and 4.0 (RFC 6350: ``tel:`` URIs with
extensions, ``PREF=1``), folded lines, and files in UTF-8, UTF-16 or cp1252. Text values
are unescaped per RFC 6350 §3.4 (``\\,`` ``\\;`` ``\\n`` ``\\\\``; a stray ``\\:``, which
some writers put into URLs, is a colon).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from workbench.exchange.special_files import special_reason
from workbench.exchange.vcard_lines import (
    MAX_CARD_BYTES,
    MAX_FILE_BYTES,
    MAX_LINE_BYTES,
    Card,
    Progress,
    Property,
    ReadCancelled,
    VCardError,
    cards,
    megabytes,
)

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_LINE_BYTES",
    "CardProblem",
    "ReadCancelled",
    "VCardError",
    "VCardFile",
    "VCardPerson",
    "read_vcard_file",
    "read_vcards",
]

#: At most this many problems are kept for the report; the rest are counted.
MAX_PROBLEMS = 1000
#: Escapes of RFC 6350 §3.4 and RFC 2426 §4, plus the stray ``\:`` of some writers.
_ESCAPES = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\", ":": ":"}


@dataclass(frozen=True)
class VCardPerson:
    first_name: str = ""
    last_name: str = ""
    title: str = ""
    organisation: str = ""
    department: str = ""  # ORG's units: ``ORG:IBM;Accounting`` → "Accounting"
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()  # "+1-555-555-5555 ext. 102" for a tel: URI with ;ext=
    urls: tuple[str, ...] = ()
    note: str = ""
    card: int = 0  # 1-based position of the card in the file

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def email(self) -> str:
        return self.emails[0] if self.emails else ""

    @property
    def phone(self) -> str:
        return self.phones[0] if self.phones else ""

    @property
    def linkedin_url(self) -> str:
        return next((u for u in self.urls if "linkedin." in u.casefold()), "")


@dataclass(frozen=True)
class CardProblem:
    """A card that was skipped, or a property left out of a card that was imported."""

    number: int  # 1-based position of the card in the file
    line: int  # line of the file where the card (or the property) begins
    name: str  # the card's name as far as it could be read, for the rep to recognise it
    reason: str
    imported: bool = False  # the card was imported without this property
    property: str = ""  # the property left out ("" for the card as a whole)

    def describe(self) -> str:
        who = f" ({self.name})" if self.name else ""
        if not self.imported:
            return f"Card {self.number}{who}, line {self.line}: skipped: {self.reason}"
        what = f"{self.property} left out" if self.property else "read in part"
        if self.reason.startswith("kept,"):
            what, reason = f"{self.property}", self.reason
        else:
            reason = self.reason
        return f"Card {self.number}{who}, line {self.line}: {what}: {reason}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "card": self.number,
            "name": self.name,
            "line": self.line,
            "property": self.property,
            "reason": self.reason,
            "card_skipped": not self.imported,
        }


@dataclass(frozen=True)
class VCardFile:
    people: list[VCardPerson]
    problems: list[CardProblem]
    cards: int = 0
    more_problems: int = 0  # problems beyond MAX_PROBLEMS, counted only

    @property
    def skipped(self) -> list[CardProblem]:
        return [p for p in self.problems if not p.imported]


# --- values ----------------------------------------------------------------------------------
def unescape(text: str) -> str:
    """``\\,`` ``\\;`` ``\\:`` ``\\\\`` and ``\\n`` decoded; any other backslash is kept
    (``C:\\temp`` in a note stays as typed)."""
    if "\\" not in text:
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPES:
            out.append(_ESCAPES[text[i + 1]])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def split_structured(text: str) -> list[str]:
    """The components of a structured value (``N``, ``ORG``) at unescaped semicolons."""
    parts: list[str] = []
    start = 0
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == ";":
            parts.append(unescape(text[start:i]))
            start = i + 1
        i += 1
    parts.append(unescape(text[start:]))
    return parts


def _clean(text: str) -> str:
    return " ".join(text.split())


def _tel(prop: Property) -> str:
    """A phone as the rep reads it: a ``tel:`` URI's number, and its extension kept as
    "ext. 102" (RFC 3966 ``;ext=``); other URI parameters (``phone-context``) dropped."""
    value = unescape(prop.value).strip()
    if value.casefold().startswith("tel:") or prop.has("VALUE", "uri"):
        body = unquote(value[4:] if value.casefold().startswith("tel:") else value)
        number, *params = body.split(";")
        ext = next((p.partition("=")[2] for p in params if p.casefold().startswith("ext=")), "")
        return _clean(f"{number} ext. {ext}" if ext.strip() else number)
    return _clean(value)


def _preferred_first(props: Sequence[Property]) -> list[Property]:
    def rank(prop: Property) -> int:
        return 0 if prop.has("TYPE", "pref") or "PREF" in prop.params else 1

    return sorted(props, key=rank)


def _split(full: str) -> tuple[str, str]:
    from workbench.domain.normalize import split_full_name

    return split_full_name(full) if full else ("", "")


def _person(card: Card) -> VCardPerson:
    by_name: dict[str, list[Property]] = {}
    for prop in card.properties:
        by_name.setdefault(prop.name, []).append(prop)

    def first(name: str) -> str:
        found = by_name.get(name)
        return _clean(unescape(found[0].value)) if found else ""

    given = family = ""
    if "N" in by_name:
        parts = [*split_structured(by_name["N"][0].value), "", "", ""]
        family = _clean(parts[0])
        given = _clean(f"{parts[1]} {parts[2]}")
    if not (given or family):
        given, family = _split(first("FN"))
    emails = [
        _clean(unescape(p.value)).removeprefix("mailto:") for p in _preferred_first(by_name.get("EMAIL", []))
    ]
    phones = [_tel(p) for p in _preferred_first(by_name.get("TEL", []))]
    urls = [_clean(unescape(p.value)) for p in (*by_name.get("URL", []), *by_name.get("X-SOCIALPROFILE", []))]
    organisation = department = ""
    if "ORG" in by_name:
        org = [_clean(p) for p in split_structured(by_name["ORG"][0].value)]
        organisation = org[0]
        department = " / ".join(p for p in org[1:] if p)
    notes = (
        unescape(p.value).replace("\r\n", "\n").replace("\r", "\n").strip() for p in by_name.get("NOTE", [])
    )
    return VCardPerson(
        first_name=given,
        last_name=family,
        title=first("TITLE") or first("ROLE"),
        organisation=organisation,
        department=department,
        emails=tuple(dict.fromkeys(e for e in emails if e)),
        phones=tuple(dict.fromkeys(p for p in phones if p)),
        urls=tuple(u for u in urls if u),
        note="\n".join(n for n in notes if n),
        card=card.number,
    )


# --- the file -----------------------------------------------------------------------------------
class _Collector:
    def __init__(self) -> None:
        self.people: list[VCardPerson] = []
        self.problems: list[CardProblem] = []
        self.more = 0
        self.cards = 0

    def problem(self, problem: CardProblem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.more += 1

    def take(self, card: Card) -> None:
        self.cards += 1
        if card.too_big:
            self.problem(
                CardProblem(
                    card.number, card.line, "", f"the card is larger than {megabytes(MAX_CARD_BYTES)}"
                )
            )
            return
        person = _person(card)
        name = person.name or _name_hint(card)
        if not (person.name or person.emails or person.phones):
            reason = "no name, email or phone"
            if card.problems:
                left_out = ", ".join(dict.fromkeys(p.property or "a line" for p in card.problems))
                reason += f" that could be read ({left_out} left out)"
            self.problem(CardProblem(card.number, card.line, name, reason))
            return
        self.people.append(person)
        for p in card.problems:
            self.problem(CardProblem(card.number, p.line, name, p.reason, imported=True, property=p.property))
        if not card.complete:
            self.problem(
                CardProblem(card.number, card.line, name, "the card has no END:VCARD line", imported=True)
            )


def _name_hint(card: Card) -> str:
    return next((_clean(unescape(p.value))[:80] for p in card.properties if p.name == "FN"), "")


def _read(stream: Any, size: int, progress: Progress | None) -> VCardFile:
    collector = _Collector()
    for card in cards(stream, size, progress):
        collector.take(card)
    if collector.cards == 0:
        raise VCardError("The file holds no vCards (no BEGIN:VCARD line).")
    return VCardFile(collector.people, collector.problems, collector.cards, collector.more)


def read_vcards(data: bytes | str) -> VCardFile:
    """Every person the text holds, and every card or property that could not be read."""
    import io

    raw = data.encode("utf-8") if isinstance(data, str) else data
    return _read(io.BytesIO(raw), len(raw), None)


def read_vcard_file(path: Path, progress: Progress | None = None) -> VCardFile:
    """The people of a ``.vcf`` file, read streaming. Raises :class:`VCardError` (the
    file is missing, special, too big, not vCards) or :class:`ReadCancelled`."""
    special = special_reason(path)
    if special is not None:
        raise VCardError(f"{path.name} {special}.")
    try:
        with path.open("rb") as stream:
            size = path.stat().st_size
            try:
                return _read(stream, size, progress)
            except VCardError as exc:
                raise VCardError(f"{path.name}: {exc}") from None
    except OSError as exc:
        raise VCardError(f"Cannot read {path.name}: {exc.strerror or exc}.") from exc
