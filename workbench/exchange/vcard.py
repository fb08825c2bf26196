"""Reading people from vCard files (``.vcf``) as phones, mail programs and CRMs write them.

Tolerant by design: the file is split into cards first, and each card is parsed on its
own with ``vobject``, so one broken card never costs the others. A card with a few
unreadable lines is imported without them (and reported); a card that cannot be read
at all, or has no name, email or phone, is listed with the reason. Handles vCard 2.1
(quoted-printable with soft line breaks, bare type parameters, ``CHARSET``), 3.0 and
4.0 (``tel:`` URIs, ``PREF=1``), folded lines, and files in UTF-8, UTF-16 or cp1252.
"""

from __future__ import annotations

import codecs
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import vobject

from workbench.exchange.special_files import special_reason

#: Bigger files are refused: a vCard export of a whole phone book is a few MB.
MAX_BYTES = 50 * 1024 * 1024
#: Below this size a guess at the encoding is no better than cp1252.
GUESS_MIN_BYTES = 4096
#: Properties whose commas separate values (everything else keeps its commas).
LIST_PROPERTIES = frozenset({"CATEGORIES", "NICKNAME"})
#: Binary properties, skipped unread.
BINARY_PROPERTIES = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})


class VCardError(ValueError):
    """The file cannot be read as vCards at all; nothing was imported."""


@dataclass(frozen=True)
class VCardPerson:
    first_name: str = ""
    last_name: str = ""
    title: str = ""
    organisation: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    note: str = ""

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
    """One card that was skipped, or imported without some of its lines."""

    number: int  # 1-based position of the card in the file
    line: int  # line of the file where the card begins
    name: str  # the card's FN as far as it could be seen, for the rep to recognise it
    reason: str
    imported: bool = False

    def describe(self) -> str:
        who = f" ({self.name})" if self.name else ""
        verb = "imported without some lines" if self.imported else "skipped"
        return f"Card {self.number}{who}, line {self.line}: {verb}: {self.reason}"


@dataclass(frozen=True)
class VCardFile:
    people: list[VCardPerson]
    problems: list[CardProblem]

    @property
    def skipped(self) -> list[CardProblem]:
        return [p for p in self.problems if not p.imported]


# --- text ------------------------------------------------------------------------------
def decode(data: bytes) -> str:
    """vCard bytes as text: a BOM, else UTF-8, else the ``CHARSET`` the cards declare,
    else a guess from ``charset-normalizer`` on files long enough to guess from, else
    cp1252 (what Outlook on Windows writes)."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data)
    if declared:
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
    if len(data) >= GUESS_MIN_BYTES:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        # Short Western names fit several code pages equally; cp1252 wins those ties.
        if best is not None and "cp1252" not in best.could_be_from_charset:
            try:
                return data.decode(best.encoding)
            except (UnicodeDecodeError, LookupError):
                pass
    return data.decode("cp1252", errors="replace")


def _declared_charset(data: bytes) -> str:
    """The one CHARSET parameter the cards use, if they agree on one (vCard 2.1)."""
    found: set[str] = set()
    for raw in data.split(b"\n"):
        head = raw.partition(b":")[0].decode("ascii", errors="ignore").upper()
        for param in head.split(";")[1:]:
            key, _, value = param.partition("=")
            if key.strip() == "CHARSET" and value.strip():
                found.add(value.strip().strip('"'))
    if len(found) != 1:
        return ""
    name = found.pop()
    try:
        codecs.lookup(name)
    except LookupError:
        return ""
    return name


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").split("\n")


def _split_line(line: str) -> tuple[str, str]:
    """(name and parameters, value) at the first colon outside double quotes."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            return line[:i], line[i + 1 :]
    return line, ""


def _property(head: str) -> str:
    """``item1.EMAIL;TYPE=work`` → ``EMAIL``."""
    return head.split(";")[0].rpartition(".")[2].strip().upper()


def _is_quoted_printable(head: str) -> bool:
    return "QUOTED-PRINTABLE" in head.upper()


def _escape_commas(line: str) -> str:
    """Escape bare commas, which vCard 2.1 and many 3.0 writers leave unescaped: vobject
    would otherwise cut "Met at LogiMAT, booth 4" down to "Met at LogiMAT"."""
    head, value = _split_line(line)
    upper = head.upper()
    if _property(head) in LIST_PROPERTIES or "BASE64" in upper or "ENCODING=B" in upper:
        return line
    out: list[str] = []
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            out.append(value[i : i + 2])
            i += 2
            continue
        out.append("\\," if ch == "," else ch)
        i += 1
    return f"{head}:{''.join(out)}"


def _logical_lines(lines: Sequence[str]) -> list[str]:
    """Unfold folded lines and quoted-printable soft breaks, drop binary properties
    (photos, logos, keys: never used, and the most often broken part of a card)."""
    logical: list[str] = []
    qp_open = False
    in_binary = False
    for raw in lines:
        if logical and qp_open:
            logical[-1] = logical[-1][:-1] + raw.lstrip()
            qp_open = logical[-1].endswith("=")
            continue
        if raw[:1] in (" ", "\t"):
            if logical and not in_binary:
                logical[-1] += raw[1:]
            continue
        if not raw.strip():
            in_binary = False
            continue
        head, _ = _split_line(raw)
        if in_binary and ":" not in raw:
            continue  # vCard 2.1 base64 data running on without indentation
        in_binary = _property(head) in BINARY_PROPERTIES
        if in_binary:
            continue
        logical.append(raw)
        qp_open = _is_quoted_printable(head) and raw.endswith("=")
    return logical


@dataclass(frozen=True)
class _Block:
    number: int
    line: int
    lines: list[str]
    complete: bool


def _blocks(lines: Sequence[str]) -> Iterator[_Block]:
    """The cards of a file, each with the line number it begins on."""
    current: list[str] | None = None
    start = 0
    number = 0
    for index, raw in enumerate(lines, start=1):
        word = raw.strip().upper()
        if word == "BEGIN:VCARD":
            if current is not None:
                yield _Block(number, start, current, complete=False)
            number += 1
            current, start = [], index
        elif word == "END:VCARD" and current is not None:
            yield _Block(number, start, current, complete=True)
            current = None
        elif current is not None:
            current.append(raw)
    if current is not None:
        yield _Block(number, start, current, complete=False)


def _name_hint(lines: Sequence[str]) -> str:
    for line in lines:
        head, sep, value = line.partition(":")
        if sep and head.split(";")[0].strip().upper() == "FN" and "QUOTED-PRINTABLE" not in head.upper():
            return value.strip()[:80]
    return ""


# --- values ------------------------------------------------------------------------------
def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return " ".join(t for t in (_text(v) for v in value) if t)
    return " ".join(str(value).split())


def _params(line: Any) -> set[str]:
    found = {str(p).upper() for p in getattr(line, "singletonparams", [])}
    for key, values in getattr(line, "params", {}).items():
        for value in values:
            for part in str(value).split(","):
                found.add(f"{key.upper()}={part.strip().upper()}")
                if key.upper() == "TYPE":
                    found.add(part.strip().upper())
    return found


def _preferred_first(lines: Sequence[Any]) -> list[Any]:
    def rank(line: Any) -> int:
        params = _params(line)
        return 0 if "PREF" in params or "PREF=1" in params else 1

    return sorted(lines, key=rank)


def _all(card: Any, name: str) -> list[Any]:
    return list(card.contents.get(name.lower(), []))


def _first(card: Any, name: str) -> str:
    lines = _all(card, name)
    return _text(lines[0].value) if lines else ""


def _person(card: Any) -> VCardPerson:
    first = last = ""
    names = _all(card, "n")
    if names:
        value = names[0].value
        first = _text([getattr(value, "given", ""), getattr(value, "additional", "")])
        last = _text(getattr(value, "family", ""))
        if not hasattr(value, "family"):  # a card whose N is not structured
            first, last = _split(_text(value))
    if not (first or last):
        first, last = _split(_first(card, "fn"))
    emails = tuple(
        dict.fromkeys(
            e
            for e in (_text(x.value).removeprefix("mailto:") for x in _preferred_first(_all(card, "email")))
            if e
        )
    )
    phones = tuple(
        dict.fromkeys(
            p for p in (_text(x.value).removeprefix("tel:") for x in _preferred_first(_all(card, "tel"))) if p
        )
    )
    urls = [_text(u.value) for u in _all(card, "url")]
    urls += [_text(u.value) for u in _all(card, "x-socialprofile")]
    organisation = ""
    orgs = _all(card, "org")
    if orgs:
        value = orgs[0].value
        organisation = _text(value[0] if isinstance(value, list) and value else value)
    return VCardPerson(
        first_name=first,
        last_name=last,
        title=_first(card, "title") or _first(card, "role"),
        organisation=organisation,
        emails=emails,
        phones=phones,
        urls=tuple(u for u in urls if u),
        note=_note(card),
    )


def _note(card: Any) -> str:
    lines = _all(card, "note")
    texts = (str(n.value).replace("\r\n", "\n").replace("\r", "\n").strip() for n in lines)
    return "\n".join(t for t in texts if t)


def _split(full: str) -> tuple[str, str]:
    from workbench.domain.normalize import split_full_name

    return split_full_name(full) if full else ("", "")


@contextmanager
def _quiet_vobject() -> Iterator[None]:
    """vobject logs every line it skips; the skipped lines are reported to the rep instead."""
    logger = logging.getLogger("vobject.base")
    before = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(before)


def _parse(block: _Block) -> tuple[VCardPerson | None, str, bool]:
    """(person, problem, partly): strict first; then skipping the unreadable lines."""
    lines = ["BEGIN:VCARD", *(_escape_commas(line) for line in _logical_lines(block.lines)), "END:VCARD"]
    text = "\r\n".join(lines) + "\r\n"
    problem = "" if block.complete else "the card has no END:VCARD line"
    partly = not block.complete
    try:
        card = vobject.readOne(text)
    except Exception as exc:  # vobject raises assorted errors on broken input
        problem = _reason(exc)
        partly = True
        try:
            with _quiet_vobject():
                card = vobject.readOne(text, ignoreUnreadable=True)
        except Exception as exc2:
            return None, _reason(exc2), False
    try:
        person = _person(card)
    except Exception as exc:  # a value vobject accepted but cannot hand out
        return None, _reason(exc), False
    if not (person.name or person.emails or person.phones):
        return None, "no name, email or phone", False
    return person, problem, partly


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    # vobject says "At line N: Failed to parse line: X", counting lines its own way.
    _, marker, line = text.partition("Failed to parse line:")
    if marker:
        return f"unreadable line “{line.strip()[:120]}”"
    return text[:200] or exc.__class__.__name__


def read_vcards(data: bytes | str) -> VCardFile:
    """Every person the text holds, and every card that could not be (fully) read."""
    text = decode(data) if isinstance(data, bytes) else data
    people: list[VCardPerson] = []
    problems: list[CardProblem] = []
    blocks = 0
    for block in _blocks(_lines(text)):
        blocks += 1
        person, problem, partly = _parse(block)
        if person is not None:
            people.append(person)
            if partly:
                problems.append(CardProblem(block.number, block.line, person.name, problem, imported=True))
        else:
            problems.append(CardProblem(block.number, block.line, _name_hint(block.lines), problem))
    if blocks == 0:
        raise VCardError("The file holds no vCards (no BEGIN:VCARD line).")
    return VCardFile(people, problems)


def read_vcard_file(path: Path) -> VCardFile:
    special = special_reason(path)
    if special is not None:
        raise VCardError(f"{path.name} {special}.")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise VCardError(
                f"{path.name} is {size // 1_048_576} MB; vCard files up to 50 MB can be imported."
            )
        data = path.read_bytes()
    except OSError as exc:
        raise VCardError(f"Cannot read {path.name}: {exc.strerror or exc}.") from exc
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise VCardError(f"{path.name} is not a text file.")
    return read_vcards(data)
