"""Lead files as real tools write them, generated in tmp_path (never committed).

Header sets follow the exports of Salesforce, HubSpot and Pipedrive, Zoom webinar
attendee reports and a trade-show badge scanner; each comes with the field every
header should be guessed as (None: not mapped).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from workbench.exchange.mapping import Field

F = Field

CRM_HEADERS: dict[str, list[tuple[str, Field | None]]] = {
    "salesforce": [
        ("Lead ID", None),
        ("First Name", F.FIRST_NAME),
        ("Last Name", F.LAST_NAME),
        ("Title", F.TITLE),
        ("Company / Account", F.COMPANY),
        ("Email", F.EMAIL),
        ("Phone", F.PHONE),
        ("Mobile", F.MOBILE),
        ("Lead Source", F.SOURCE),
        ("Lead Status", None),
        ("Primary Campaign Source", F.CAMPAIGN),
        ("Created Date", F.RECEIVED_AT),
        ("Website", F.WEBSITE),
        ("Description", F.NOTES),
        ("Industry", F.INDUSTRY),  # kept on the lead as "Industry: …"
    ],
    "hubspot": [
        ("Record ID", None),
        ("First Name", F.FIRST_NAME),
        ("Last Name", F.LAST_NAME),
        ("Email", F.EMAIL),
        ("Phone Number", F.PHONE),
        ("Company Name", F.COMPANY),
        ("Job Title", F.TITLE),
        ("Create Date", F.RECEIVED_AT),
        ("Original Source", F.SOURCE),
        ("Original Source Drill-Down 1", None),
        ("Lifecycle Stage", None),
        ("Contact owner", None),
        ("Mobile Phone Number", F.MOBILE),
        ("Website URL", F.WEBSITE),
    ],
    "pipedrive": [
        ("Person - Name", F.FULL_NAME),
        ("Organization - Name", F.COMPANY),
        ("Person - Email - Work", F.EMAIL),
        ("Person - Phone - Work", F.PHONE),
        ("Person - Phone - Mobile", F.MOBILE),
        ("Lead - Source", F.SOURCE),
        ("Lead - Created", F.RECEIVED_AT),
        ("Lead - Owner", None),
    ],
    "zoom_webinar": [
        ("Attended", None),
        ("User Name (Original Name)", F.FULL_NAME),
        ("First Name", F.FIRST_NAME),
        ("Last Name", F.LAST_NAME),
        ("Email", F.EMAIL),
        ("Registration Time", F.RECEIVED_AT),
        ("Approval Status", None),
        ("Join Time", None),  # a second date column: the first one wins
        ("Leave Time", None),
        ("Time in Session (minutes)", None),
        ("Country/Region Name", None),
        ("Organization", F.COMPANY),
        ("Job Title", F.TITLE),
    ],
    "badge_scan": [
        ("Badge ID", None),
        ("Full Name", F.FULL_NAME),
        ("Company", F.COMPANY),
        ("Job Title", F.TITLE),
        ("Email Address", F.EMAIL),
        ("Phone Number", F.PHONE),
        ("Scan Date", F.RECEIVED_AT),
        ("Scanned By", None),
        ("Notes", F.NOTES),
    ],
}

#: One sample row per CRM, in its header order (names that must survive any encoding).
CRM_ROWS: dict[str, list[list[str]]] = {
    "salesforce": [
        ["00Q1", "Jürgen", "Müller", "CEO", "Müller GmbH", "jm@mueller.de", "+49 30 1234567", "", "Web",
         "Open", "Spring Promo", "2024-01-05", "mueller.de", "Met at booth", "Retail"],
        ["00Q2", "José", "Núñez", "CTO", "Café Norte S.A.", "jose@cafenorte.es", "", "", "Webinar",
         "Open", "Spring Promo", "2024-01-06", "", "", ""],
    ],
    "hubspot": [
        ["1", "Jürgen", "Müller", "jm@mueller.de", "+49 30 1234567", "Müller GmbH", "CEO", "2024-01-05 10:00",
         "Organic Search", "google", "lead", "Ann", "", "https://www.mueller.de"],
    ],
    "pipedrive": [
        ["José Núñez", "Café Norte S.A.", "jose@cafenorte.es", "", "+34 600 123 456", "Web", "2024-01-05",
         "Bo"],
    ],
    "zoom_webinar": [
        ["Yes", "Jürgen Müller (JM)", "Jürgen", "Müller", "jm@mueller.de", "Jan 5, 2024 10:02:11",
         "approved", "Jan 6, 2024 09:58", "Jan 6, 2024 10:45", "47", "Germany", "Müller GmbH", "CEO"],
    ],
    "badge_scan": [
        ["B-1", "José Núñez", "Café Norte S.A.", "CTO", "jose@cafenorte.es", "+34 600 123 456",
         "01/05/2024 10:15", "Ann", "Wants a demo"],
    ],
}  # fmt: skip

#: Names that must come out of every encoding that can hold them as they went in.
NAMES_UNICODE = [("Jürgen", "Müller", "Łódź Logistics"), ("José", "Núñez", "Café São Paulo")]
NAMES_WESTERN = [("Jürgen", "Müller", "Bäckerei Größe"), ("José", "Núñez", "Café São Paulo")]

ENCODINGS_UNICODE = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be")
ENCODINGS_WESTERN = ("cp1252", "latin-1")
DELIMITERS = (",", ";", "\t", "|")


def csv_text(rows: Sequence[Sequence[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def write_csv(
    path: Path, rows: Sequence[Sequence[str]], *, delimiter: str = ",", encoding: str = "utf-8"
) -> Path:
    """Rows as CSV bytes in ``encoding`` (``utf-16`` writes a BOM, ``utf-16-le``/``-be`` none)."""
    path.write_bytes(csv_text(rows, delimiter).encode(encoding))
    return path


def leads_file(path: Path, rows: Sequence[Sequence[str]], **kwargs: str) -> Path:
    """A plain lead list: First Name, Last Name, Company, Email, Phone, Create Date."""
    header = ["First Name", "Last Name", "Company", "Email", "Phone", "Create Date"]
    return write_csv(path, [header, *rows], **kwargs)


def write_xlsx(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    first = True
    for name, rows in sheets.items():
        ws = book.active if first else book.create_sheet()
        assert ws is not None
        ws.title = name
        first = False
        for row in rows:
            ws.append(list(row))
    book.save(path)
    return path
