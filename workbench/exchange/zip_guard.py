"""Unpacking an XLSX's zip members without trusting them: the zip-bomb and size rules.

A pipeline file is a zip written by someone else's machine. Every member is
decompressed *streaming*, so memory stays flat, and is stopped as soon as it breaks one
of the rules of :class:`ReadLimits` (checked first against the sizes the zip declares,
then again against the bytes really produced, since a hostile zip can lie):

* **ratio** — a member may unpack to at most ``max_ratio`` × its compressed size (plus
  ``ratio_allowance``). Spreadsheet XML compresses 5–30×; a zip bomb 100–1,000×, so a
  bomb is stopped after a few megabytes instead of after gigabytes;
* **total** — all members together unpack to at most ``max_unpacked_bytes``, far above
  what the largest real pipeline file needs (a sheet at Excel's 1,048,576-row limit is
  about 1 GB of XML) and far below what would take minutes to read.

Damage (truncation, bad CRC, an unknown compression) raises :class:`ZipDamage`.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

MIB = 1024 * 1024
GIB = 1024 * MIB


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """How much one pipeline file may make the reader do."""

    #: Size of the file on disk (a JSON file is parsed whole; a 1M-lead XLSX is ~190 MB).
    max_file_bytes: int = 1 * GIB
    #: All members of an XLSX, decompressed (a 1M-lead export unpacks to about 1.5 GB).
    max_unpacked_bytes: int = 16 * GIB
    #: How much larger than its compressed form one member may unpack (zip-bomb guard).
    max_ratio: int = 200
    #: Unpacked bytes every member may have whatever its ratio (tiny members compress oddly).
    ratio_allowance: int = 16 * MIB
    #: Rows over all tables of one file (each sheet also stays within Excel's 1,048,576).
    max_rows: int = 20_000_000


DEFAULT_LIMITS = ReadLimits()


class ZipRuleBroken(Exception):
    """A member breaks a size rule; the message is the sentence for the manager."""


class ZipDamage(Exception):
    """The zip cannot be read (truncated, bad CRC, unknown compression)."""


def size_text(n: int) -> str:
    if n >= GIB:
        return f"{n / GIB:,.1f} GB"
    return f"{n / MIB:,.0f} MB" if n >= MIB else f"{n:,} bytes"


def member_cap(info: zipfile.ZipInfo, limits: ReadLimits) -> int:
    """The most bytes ``info`` may unpack to under the ratio rule."""
    return limits.max_ratio * info.compress_size + limits.ratio_allowance


def _ratio_message(info: zipfile.ZipInfo, limits: ReadLimits) -> str:
    return (
        f"is a compressed-file bomb: '{info.filename}' unpacks to more than {limits.max_ratio}× "
        f"its {size_text(info.compress_size)} (real workbooks stay far below)"
    )


def _total_message(limits: ReadLimits) -> str:
    return (
        f"unpacks to more than {size_text(limits.max_unpacked_bytes)} "
        "(a compressed-file bomb, or far bigger than a pipeline file)"
    )


class Unpacker:
    """Streams members of one open zip, keeping the running total across members."""

    def __init__(self, archive: zipfile.ZipFile, limits: ReadLimits) -> None:
        self.archive = archive
        self.limits = limits
        self.unpacked = 0
        self.check_declared()

    def check_declared(self) -> None:
        """Refuse at once what the central directory already admits to."""
        total = 0
        for info in self.archive.infolist():
            if info.file_size > member_cap(info, self.limits):
                raise ZipRuleBroken(_ratio_message(info, self.limits))
            total += info.file_size
        if total > self.limits.max_unpacked_bytes:
            raise ZipRuleBroken(_total_message(self.limits))

    def chunks(self, info: zipfile.ZipInfo, size: int = 4 * MIB) -> Iterator[bytes]:
        """The member's bytes, ``size`` at a time, within the rules (CRC checked at the end)."""
        cap = member_cap(info, self.limits)
        produced = 0
        try:
            with self.archive.open(info) as member:
                while chunk := member.read(size):
                    produced += len(chunk)
                    self.unpacked += len(chunk)
                    if produced > cap:
                        raise ZipRuleBroken(_ratio_message(info, self.limits))
                    if self.unpacked > self.limits.max_unpacked_bytes:
                        raise ZipRuleBroken(_total_message(self.limits))
                    yield chunk
        except ZipRuleBroken:
            raise
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise ZipDamage(str(exc)) from None

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """A small member whole (styles, workbook, relationships)."""
        return b"".join(self.chunks(info))

    def check_all(self) -> None:
        """Decompress every member once, counting: bombs, truncation and bad CRCs."""
        for info in self.archive.infolist():
            for _chunk in self.chunks(info):
                pass
