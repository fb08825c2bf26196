"""vCard files as cards of properties: streamed, bounded, decoded property by property.

The file is read in chunks, never whole, and every limit is checked while reading, so a
hostile file (one 40 MB line, two million folded lines) costs a few MB and seconds:

* a physical or unfolded line longer than :data:`MAX_LINE_BYTES` drops that property
  (the rest of the line is skipped unread);
* a card bigger than :data:`MAX_CARD_BYTES` is skipped; more than :data:`MAX_CARDS`
  cards, more than :data:`MAX_LINES` lines or a file over :data:`MAX_FILE_BYTES` is
  refused whole (:class:`VCardError`), before anything is written.

Each content line (RFC 6350 §3.3: ``[group.]name *(;param) : value``) is parsed on its
own, in linear time (vobject's line expression backtracks for minutes on a line with
many parameters), and a line that does not parse, names an unknown charset or holds
bytes its encoding cannot read drops only that property, with a :class:`LineProblem`.
Values are decoded per property: vCard 2.1 quoted-printable (soft line breaks keep the
next line as it is, spaces included) and base64, then the ``CHARSET`` parameter, else
UTF-8, else the file's legacy encoding (cp1252 unless the cards declare or the text
shows another). Text escapes are left for :mod:`workbench.exchange.vcard` to decode,
because structured values (``N``, ``ORG``) split on unescaped semicolons first.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import quopri
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

#: Bigger files are refused: a vCard export of a whole phone book is a few MB.
MAX_FILE_BYTES = 50 * 1024 * 1024
#: A longer line (physical, or a property unfolded) is dropped; photos are skipped unread.
MAX_LINE_BYTES = 1024 * 1024
#: A card holding more text than this (photos not counted) is skipped.
MAX_CARD_BYTES = 4 * 1024 * 1024
#: More cards than this in one file are refused: no account has that many people.
MAX_CARDS = 100_000
#: More physical lines than this are refused (a 50 MB phone book has under a million).
MAX_LINES = 5_000_000
#: More parameters than this on one property drop it.
MAX_PARAMS = 64
#: The file is read in chunks of this size.
CHUNK_BYTES = 256 * 1024
#: The encoding of a file that is not UTF-8 is judged from its first this many bytes.
SAMPLE_BYTES = 256 * 1024
#: Below this size a guess at the encoding is no better than cp1252.
GUESS_MIN_BYTES = 4096
#: Binary properties, skipped unread.
BINARY_PROPERTIES = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})

_NAME = re.compile(r"(?:([A-Za-z0-9-]+)\.)?([A-Za-z0-9-]+)\Z")
_PARAM_NAME = re.compile(r"[A-Za-z0-9-]+\Z")

#: ``progress(bytes_read, total_bytes)``; False means stop (the rep pressed Cancel).
Progress = Callable[[int, int], bool]


class VCardError(ValueError):
    """The file cannot be read as vCards at all; nothing was imported."""


class ReadCancelled(Exception):
    """The progress callback asked to stop; nothing was imported."""


def megabytes(size: int) -> str:
    return f"{size / 1_048_576:g} MB"


@dataclass(frozen=True)
class LineProblem:
    """A property left out of its card, and why (in words a rep can act on)."""

    line: int
    property: str  # the property's name as far as it could be read, else ""
    reason: str


@dataclass(frozen=True)
class Property:
    line: int
    name: str  # upper case, group removed: ``item1.EMAIL`` → ``EMAIL``
    params: dict[str, tuple[str, ...]]  # upper-case keys; vCard 2.1 bare words under TYPE
    value: str  # decoded text, escapes still in place

    def has(self, key: str, word: str) -> bool:
        return any(word.casefold() == v.casefold() for v in self.params.get(key, ()))


@dataclass
class Card:
    number: int  # 1-based position in the file
    line: int  # where its BEGIN:VCARD is
    properties: list[Property] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)
    complete: bool = False  # it had its END:VCARD line
    too_big: bool = False  # skipped whole: over MAX_CARD_BYTES


# --- physical lines ---------------------------------------------------------------------------
#: A physical line: (line number, bytes without the break, longer than MAX_LINE_BYTES).
#: A line over the limit keeps only its first bytes (enough for its property's name).
_Raw = tuple[int, bytes, bool]


def _utf16_as_utf8(chunks: Iterator[bytes]) -> Iterator[bytes]:
    decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")
    for chunk in chunks:
        yield decoder.decode(chunk).encode("utf-8")
    yield decoder.decode(b"", final=True).encode("utf-8")


def _chunks(stream: BinaryIO, first: bytes) -> Iterator[bytes]:
    yield first
    while chunk := stream.read(CHUNK_BYTES):
        yield chunk


def _physical(chunks: Iterator[bytes], newline: bytes) -> Iterator[_Raw]:
    """Lines in bounded memory (a chunk and one line), complete lines of a chunk in one
    tight loop: two million short lines are a few seconds."""
    pending = b""  # the start of the line the previous chunk left open
    dropping = False  # that line is already over the limit
    number = 0
    for chunk in chunks:
        parts = chunk.replace(b"\x00", b"").split(newline)
        tail = parts.pop()
        if parts:
            head = pending if dropping else pending + parts[0]
            number += 1
            yield _line(number, head, dropping)
            for part in parts[1:]:
                number += 1
                if len(part) > MAX_LINE_BYTES:
                    yield number, part[:512], True
                else:
                    yield number, part.rstrip(b"\r"), False
            if number > MAX_LINES:
                raise VCardError(f"The file has more than {MAX_LINES:,} lines; it is not a contact list.")
            pending, dropping = tail, False
        elif not dropping:
            pending += tail
        if not dropping and len(pending) > MAX_LINE_BYTES:
            pending, dropping = pending[:512], True
    if pending or dropping:
        yield _line(number + 1, pending, dropping)


def _line(number: int, data: bytes, dropping: bool) -> _Raw:
    if dropping or len(data) > MAX_LINE_BYTES:
        return number, data[:512], True
    return number, data.rstrip(b"\r"), False


# --- logical lines (unfolded) -------------------------------------------------------------------
@dataclass
class _Logical:
    line: int
    parts: list[bytes]
    size: int
    quoted_printable: bool
    too_long: bool = False

    def add(self, data: bytes) -> None:
        if self.too_long:
            return
        self.size += len(data)
        if self.size > MAX_LINE_BYTES:
            self.too_long = True
            self.parts = self.parts[:1]
        else:
            self.parts.append(data)

    @property
    def data(self) -> bytes:
        return b"".join(self.parts)


def _head_of(data: bytes) -> bytes:
    return split_line(data)[0]


def _property_name(head: bytes) -> str:
    name = head.split(b";", 1)[0].rpartition(b".")[2].strip()
    return name.decode("latin-1").upper()[:40]


def _logical(raws: Iterator[_Raw]) -> Iterator[_Logical]:
    """Unfold folded lines (a leading space or tab) and quoted-printable soft breaks (a
    line ending in ``=``: the next line follows as it is); skip binary properties."""
    current: _Logical | None = None
    in_binary = False
    for number, data, too_long in raws:
        if current is not None and current.quoted_printable and _soft_break(current):
            current.parts[-1] = current.parts[-1][:-1]
            current.size -= 1
            current.add(data)
            current.too_long = current.too_long or too_long
            continue
        if data[:1] in (b" ", b"\t"):
            if current is not None and not current.too_long:
                current.add(data[1:])
                current.too_long = current.too_long or too_long
            continue
        if not data.strip():
            in_binary = False
            continue
        if in_binary and b":" not in data:
            continue  # vCard 2.1 base64 data running on without indentation
        if current is not None:
            yield current
            current = None
        head = _head_of(data)
        in_binary = _property_name(head) in BINARY_PROPERTIES
        if in_binary:
            continue
        current = _Logical(number, [data], len(data), b"QUOTED-PRINTABLE" in head.upper(), too_long)
    if current is not None:
        yield current


def _soft_break(logical: _Logical) -> bool:
    return not logical.too_long and logical.parts[-1].endswith(b"=")


# --- parsing one content line ----------------------------------------------------------------------
def split_line(data: bytes) -> tuple[bytes, bytes]:
    """(name and parameters, value) at the first colon outside double quotes."""
    colon = data.find(b":")
    if colon < 0:
        return data, b""
    if data.find(b'"', 0, colon) < 0:
        return data[:colon], data[colon + 1 :]
    quoted = False
    for i, byte in enumerate(data):
        if byte == 0x22:  # "
            quoted = not quoted
        elif byte == 0x3A and not quoted:  # :
            return data[:i], data[i + 1 :]
    return data, b""


def _split_params(head: str) -> list[str] | None:
    """``EMAIL;TYPE="a,b";PREF=1`` → ``["EMAIL", 'TYPE="a,b"', "PREF=1"]``; None when a
    quote is left open."""
    parts: list[str] = []
    start = 0
    quoted = False
    for i, ch in enumerate(head):
        if ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted:
            parts.append(head[start:i])
            start = i + 1
    if quoted:
        return None
    parts.append(head[start:])
    return parts


def _param_values(text: str) -> tuple[str, ...]:
    values: list[str] = []
    for piece in re.findall(r'"[^"]*"|[^,]+', text):
        piece = piece.strip()
        values.append(piece[1:-1] if piece.startswith('"') else piece)
    return tuple(v for v in values if v)


@dataclass
class _Decoder:
    """How a file's bytes become text."""

    legacy: str = "cp1252"  # for lines that are not UTF-8
    utf8_file: bool = True  # the file looked like UTF-8: a later line that is not is told

    def text(self, data: bytes, charset: str, name: str, line: int) -> tuple[str, LineProblem | None]:
        if charset:
            try:
                return data.decode(charset), None
            except LookupError:
                pass  # an unknown charset: read the bytes as the rest of the file
            except UnicodeDecodeError:
                if charset.replace("-", "").replace("_", "").lower() != "utf8":
                    return "", LineProblem(line, name, f"the value is not valid {charset} text")
        try:
            return data.decode("utf-8"), None
        except UnicodeDecodeError:
            pass
        try:
            text = data.decode(self.legacy)
        except UnicodeDecodeError:
            return "", LineProblem(line, name, "the value holds bytes that are not text")
        if not self.utf8_file:
            return text, None
        return text, LineProblem(
            line, name, f"kept, but it held a byte that is not UTF-8, read as {self.legacy}: “{text[:60]}”"
        )


def parse_property(logical: _Logical, decoder: _Decoder) -> tuple[Property | None, LineProblem | None]:
    """One unfolded line as a property, or why it was left out (never an exception)."""
    data = logical.data
    head_bytes, value_bytes = split_line(data)
    name_guess = _property_name(head_bytes)
    if logical.too_long:
        return None, LineProblem(
            logical.line, name_guess, f"line {logical.line} is longer than {megabytes(MAX_LINE_BYTES)}"
        )
    if b":" not in data:
        return None, LineProblem(logical.line, "", f"“{_shown(data)}” is not a vCard property (no colon)")
    try:
        head = head_bytes.decode("ascii")
    except UnicodeDecodeError:
        return None, LineProblem(logical.line, name_guess, "the property name holds bytes that are not text")
    parts = _split_params(head)
    if parts is None:
        return None, LineProblem(logical.line, name_guess, "a parameter's quote is never closed")
    found = _NAME.match(parts[0].strip())
    if found is None:
        return None, LineProblem(logical.line, name_guess, f"“{_shown(head_bytes)}” is not a property name")
    name = found.group(2).upper()
    if len(parts) - 1 > MAX_PARAMS:
        return None, LineProblem(logical.line, name, f"more than {MAX_PARAMS} parameters")
    params: dict[str, tuple[str, ...]] = {}
    for part in parts[1:]:
        key, eq, raw_values = part.partition("=")
        key = key.strip().upper()
        if not _PARAM_NAME.match(key):
            return None, LineProblem(logical.line, name, f"the parameter “{part[:60]}” is malformed")
        if not eq:
            key, raw_values = _bare_param(key)
        values = _param_values(raw_values)
        params[key] = params.get(key, ()) + values
    charset = next(iter(params.get("CHARSET", ())), "")
    encoding = {v.upper() for v in params.get("ENCODING", ())}
    raw_value = value_bytes
    if encoding & {"QUOTED-PRINTABLE"}:
        raw_value = quopri.decodestring(value_bytes)
    elif encoding & {"B", "BASE64"}:
        try:
            raw_value = base64.b64decode(value_bytes, validate=False)
        except (binascii.Error, ValueError):
            return None, LineProblem(logical.line, name, "the base64 value cannot be decoded")
    text, problem = decoder.text(raw_value, charset, name, logical.line)
    if problem is not None and not text:
        return None, problem
    return Property(logical.line, name, params, text.replace("\x00", "")), problem


def _bare_param(word: str) -> tuple[str, str]:
    """vCard 2.1's bare parameters: ``TEL;WORK;VOICE``, ``NOTE;QUOTED-PRINTABLE``."""
    if word in ("QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT", "B"):
        return "ENCODING", word
    return "TYPE", word


def _shown(data: bytes) -> str:
    return " ".join(data[:80].decode("utf-8", errors="replace").split())


# --- cards --------------------------------------------------------------------------------------
def _word(logical: _Logical) -> bytes:
    return logical.parts[0].strip().upper() if len(logical.parts) == 1 else b""


def cards(stream: BinaryIO, size: int, progress: Progress | None = None) -> Iterator[Card]:
    """The cards of a binary stream of ``size`` bytes, one at a time.

    Raises :class:`VCardError` when the file is not vCard text or breaks a file-wide
    limit, :class:`ReadCancelled` when ``progress`` returns False."""
    if size > MAX_FILE_BYTES:
        raise VCardError(
            f"The file is {megabytes(size)}; vCard files up to {megabytes(MAX_FILE_BYTES)} can be imported."
        )
    first = stream.read(SAMPLE_BYTES)
    decoder = _Decoder()
    chunks: Iterator[bytes]
    if first.startswith((b"\xff\xfe", b"\xfe\xff")):
        chunks = _utf16_as_utf8(_chunks(stream, first))
    else:
        if b"\x00" in first[:4096]:
            raise VCardError("The file is not a text file.")
        first = first.removeprefix(b"\xef\xbb\xbf")
        decoder = _judge_encoding(first, complete=len(first) < SAMPLE_BYTES)
        chunks = _chunks(stream, first)
    newline = b"\n" if b"\n" in first or b"\r" not in first else b"\r"
    yield from _cards_of(_logical(_physical(_counted(chunks, size, progress), newline)), decoder)


def _counted(chunks: Iterator[bytes], size: int, progress: Progress | None) -> Iterator[bytes]:
    done = 0
    for chunk in chunks:
        yield chunk
        done += len(chunk)
        if progress is not None and not progress(min(done, size), size):
            raise ReadCancelled
    if progress is not None and not progress(size, size):
        raise ReadCancelled


def _judge_encoding(sample: bytes, *, complete: bool) -> _Decoder:
    """UTF-8 when the sample reads as UTF-8 with at most as many bad bytes as good
    non-ASCII characters (one stray byte in an ORG does not make a UTF-8 file cp1252;
    the line holding it is re-read and told); else the one CHARSET the cards declare,
    else a guess on samples long enough, else cp1252 (what Outlook on Windows writes)."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    text = decoder.decode(sample, final=complete)
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ch > "\x7f") - bad
    if bad == 0 or good >= bad:
        return _Decoder("cp1252", utf8_file=True)
    declared = _declared_charset(sample)
    if declared:
        return _Decoder(declared, utf8_file=False)
    if len(sample) >= GUESS_MIN_BYTES:
        from charset_normalizer import from_bytes

        best = from_bytes(sample).best()
        # Short Western names fit several code pages equally; cp1252 wins those ties.
        if best is not None and "cp1252" not in best.could_be_from_charset:
            return _Decoder(best.encoding, utf8_file=False)
    return _Decoder("cp1252", utf8_file=False)


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


def _cards_of(lines: Iterator[_Logical], decoder: _Decoder) -> Iterator[Card]:
    current: Card | None = None
    size = 0
    number = 0
    for logical in lines:
        word = _word(logical)
        if word == b"BEGIN:VCARD":
            if current is not None:
                yield current
            number += 1
            if number > MAX_CARDS:
                raise VCardError(f"The file holds more than {MAX_CARDS:,} cards; import it in parts.")
            current, size = Card(number, logical.line), 0
            continue
        if current is None:
            continue  # text outside any card
        if word == b"END:VCARD":
            current.complete = True
            yield current
            current = None
            continue
        if current.too_big:
            continue
        size += logical.size
        if size > MAX_CARD_BYTES:
            current.too_big = True
            current.properties.clear()
            current.problems.clear()
            continue
        prop, problem = parse_property(logical, decoder)
        if prop is not None:
            current.properties.append(prop)
        if problem is not None:
            current.problems.append(problem)
    if current is not None:
        yield current
