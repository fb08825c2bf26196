"""One row of an imported file turned into the columns of a lead, with its problems.

A row is **rejected** (written to the rejected-rows file with the reason, ready to fix
and import again) when it cannot become a sound lead: it has neither a name nor a
company, its date cannot be read, or it has more values than the file has columns
(its values have shifted). Everything else is **imported with a warning**, like the
leads area keeps what a rep pastes: an email or phone that does not check out is kept
as typed (and not used to match duplicates), a short row's missing cells are empty,
an unknown kind falls back to the file's default.

Per-row work is kept small because a file may have a million rows: the column
positions are resolved once, and the expensive normalisers (email-validator,
phonenumbers, company keys, dates) are cached on their text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from enum import StrEnum
from typing import Any, NamedTuple

from workbench.domain.enums import LeadKind
from workbench.domain.normalize import (
    check_email,
    check_phone,
    company_norm,
    domain_of,
    email_domain,
    email_norm,
    full_name,
    is_free_mail,
    person_key,
    region_of_country,
    split_full_name,
)
from workbench.exchange.csv_safe import restore
from workbench.exchange.dates import DateError, DateOrder, parse_date
from workbench.exchange.mapping import Field, parse_kind
from workbench.exchange.readers import SourceRow
from workbench.services.imports.dedupe import Keys

#: Longest text kept in the short columns (the lead table's declared lengths).
MAX_LENGTHS = {"name": 300, "company": 300, "title": 300, "source": 120, "campaign": 200}


class Unmapped(StrEnum):
    """What happens to the values of columns mapped to no field."""

    NOTES = "notes"  # kept in the lead's notes as "Header: value"
    IGNORE = "ignore"


@dataclass(frozen=True)
class FileSettings:
    """Choices that hold for the whole file."""

    kind: str | None = None  # set for every row (the file's column is then not read)
    source: str | None = None
    campaign: str | None = None
    unmapped: Unmapped = Unmapped.NOTES
    phone_region: str = "US"
    date_order: DateOrder = DateOrder.MDY
    #: Time zone of dates written without one; None = this computer's.
    timezone: tzinfo | None = None
    #: Whether a row shorter than the header is worth a warning (CSV: yes;
    #: spreadsheets leave trailing empty cells out).
    warn_short_rows: bool = True


class Prepared(NamedTuple):
    number: int
    #: Lead columns (without ids, timestamps and links); None when rejected.
    values: dict[str, Any] | None
    keys: Keys
    #: Domain to link an account by (company domain of the email, else the website).
    link_domain: str
    #: Warnings, or the reasons of a rejection.
    problems: tuple[str, ...]
    #: The file's column of each problem ("" when it is about the whole row).
    columns: tuple[str, ...] = ()

    @property
    def rejected(self) -> bool:
        return self.values is None


_NO_KEYS = Keys()
_ACCOUNT_FIELDS = {Field.INDUSTRY, Field.EMPLOYEES, Field.REGION}
_LABEL_FIELDS = {"name": Field.LAST_NAME, "company": Field.COMPANY, "title": Field.TITLE}


class RowPreparer:
    """Turns the rows of one file into lead columns, with the file's mapping and settings."""

    def __init__(
        self,
        headers: Sequence[str],
        mapping: Sequence[Field | None],
        settings: FileSettings,
        now: datetime,
    ) -> None:
        self.width = len(headers)
        self.headers = list(headers)
        self.settings = settings
        self.now = now
        first: dict[Field, int] = {}
        notes: list[int] = []
        for index, field in enumerate(mapping):
            if field is None or field is Field.IGNORE:
                continue
            if field is Field.NOTES:
                notes.append(index)
            else:
                first.setdefault(field, index)
        self._col = first
        self._notes = notes
        # A company list's columns have no place on a lead: kept as "Header: value" too.
        kept = _ACCOUNT_FIELDS if settings.unmapped is Unmapped.IGNORE else {None, *_ACCOUNT_FIELDS}
        self._unmapped = [
            (i, h) for i, h in enumerate(headers) if (mapping[i] if i < len(mapping) else None) in kept
        ]
        kind = settings.kind.strip().casefold() if settings.kind else ""
        if kind and kind not in {k.value for k in LeadKind}:
            parsed = parse_kind(kind)
            if parsed is None:
                raise ValueError(f"{settings.kind!r} is not a kind of lead (inbound, target or referral)")
            kind = parsed.value
        self._kind = kind
        self._source = (settings.source or "").strip()[: MAX_LENGTHS["source"]]
        self._campaign = (settings.campaign or "").strip()[: MAX_LENGTHS["campaign"]]

    def header(self, field: Field) -> str:
        """The file's column mapped to ``field`` ("" when none is)."""
        index = self._col.get(field)
        return self.headers[index] if index is not None and index < len(self.headers) else ""

    def _cell(self, values: list[str], field: Field) -> str:
        index = self._col.get(field)
        if index is None or index >= len(values):
            return ""
        return _clean(values[index])

    def peek(self, row: SourceRow) -> tuple[str, str, str]:
        """Name, company and email of a row as written (to show a rejected row)."""
        values = row.values
        name = full_name(self._cell(values, Field.FIRST_NAME), self._cell(values, Field.LAST_NAME))
        return (
            name or self._cell(values, Field.FULL_NAME),
            self._cell(values, Field.COMPANY),
            self._cell(values, Field.EMAIL),
        )

    def prepare(self, row: SourceRow) -> Prepared:
        if row.error:
            return Prepared(row.number, None, _NO_KEYS, "", (f"the row cannot be read: {row.error}",))
        values = row.values
        problems: list[str] = []
        where: list[str] = []  # the column of each problem
        count = len(values)
        if count > self.width and any(v.strip() for v in values[self.width :]):
            return Prepared(
                row.number,
                None,
                _NO_KEYS,
                "",
                (f"the row has {count} values but the file has {self.width} columns (values shifted?)",),
            )
        if count < self.width and self.settings.warn_short_rows:
            problems.append(f"the row has only {count} of {self.width} columns")
            where.append("")
        if row.warning:
            problems.append(row.warning)
            where.append("")
        cell = self._cell
        first, last = cell(values, Field.FIRST_NAME), cell(values, Field.LAST_NAME)
        if not first and not last:
            first, last = split_full_name(cell(values, Field.FULL_NAME))
        name = full_name(first, last)
        company = cell(values, Field.COMPANY)
        rejections: list[str] = []
        rejected_at: list[str] = []
        if not name and not company:
            rejections.append("no name and no company")
            rejected_at.append("")

        received = self.now
        date_text = cell(values, Field.RECEIVED_AT)
        if date_text:
            try:
                parsed = parse_date(date_text, self.settings.date_order)
            except DateError as exc:
                rejections.append(f"the date {date_text!r} cannot be read ({exc})")
                rejected_at.append(self.header(Field.RECEIVED_AT))
            else:
                received = (
                    parsed.astimezone(UTC)
                    if parsed.tzinfo is not None or self.settings.timezone is None
                    else parsed.replace(tzinfo=self.settings.timezone).astimezone(UTC)
                )
        if rejections:
            return Prepared(row.number, None, _NO_KEYS, "", tuple(rejections), tuple(rejected_at))

        email = cell(values, Field.EMAIL)
        email_key = domain = ""
        if email:
            checked = check_email(email)
            if checked.problem:
                problems.append(f"email {email!r} kept as typed: {checked.problem}")
                where.append(self.header(Field.EMAIL))
            else:
                email = checked.value
                email_key = email_norm(email)
                domain = email_domain(email)
        phone = cell(values, Field.PHONE) or cell(values, Field.MOBILE)
        country = cell(values, Field.COUNTRY)
        e164 = ""
        if phone:
            # The row's own country reads its phone; else the rep's default region.
            region = (region_of_country(country) if country else "") or self.settings.phone_region
            checked_phone = check_phone(phone, region)
            if checked_phone.problem:
                # Kept as typed, never a made-up E.164 (issue 18: "999-4445" became +19994445).
                problems.append(f"phone {phone!r} kept as typed: {checked_phone.problem} for {region}")
                where.append(self.header(Field.PHONE) or self.header(Field.MOBILE))
            else:
                e164 = checked_phone.value
        company_domain = "" if is_free_mail(domain) else domain
        website = cell(values, Field.WEBSITE)
        if not company_domain and website:
            company_domain = domain_of(website)
        kind = self._kind
        if not kind:
            kind_text = cell(values, Field.KIND)
            parsed_kind = parse_kind(kind_text) if kind_text else None
            if kind_text and parsed_kind is None:
                problems.append(f"kind {kind_text!r} is not inbound, target or referral; inbound used")
                where.append(self.header(Field.KIND))
            kind = (parsed_kind or LeadKind.INBOUND).value

        notes: list[str] = []
        for index in self._notes:
            if index < count and (text := _clean(values[index])):
                notes.append(text)
        if website:
            notes.append(f"Website: {website}")
        if country:
            notes.append(f"Country: {country}")
        for index, header in self._unmapped:
            if index < count and (text := _clean(values[index])):
                notes.append(f"{header}: {text}")

        title = cell(values, Field.TITLE)
        source = self._source or cell(values, Field.SOURCE)
        campaign = self._campaign or cell(values, Field.CAMPAIGN)
        for label, text in (("name", name), ("company", company), ("title", title)):
            if len(text) > MAX_LENGTHS[label]:
                problems.append(f"{label} cut to {MAX_LENGTHS[label]} characters")
                where.append(self.header(_LABEL_FIELDS[label]) or self.header(Field.FULL_NAME))
        name, company, title = name[:300], company[:300], title[:300]
        company_key = company_norm(company) if company else ""
        lead = {
            "first_name": first,
            "last_name": last,
            "name": name,
            "company": company,
            "company_norm": company_key,
            "title": title,
            "email": email,
            "email_norm": email_key,
            "email_domain": domain,
            "phone": phone,
            "phone_e164": e164,
            "kind": kind,
            "source": source[: MAX_LENGTHS["source"]],
            "campaign": campaign[: MAX_LENGTHS["campaign"]],
            "received_at": received,
            "notes": "\n".join(notes),
        }
        keys = Keys(
            email_key,
            company_domain,
            company_key,
            person_key(name) if name else "",
            person_key(first),
            person_key(last),
            e164,
        )
        return Prepared(row.number, lead, keys, company_domain, tuple(problems), tuple(where))


def _clean(text: str) -> str:
    """A cell's text: trimmed, without NUL bytes, and without the quote a spreadsheet
    export puts before text that starts like a formula."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    text = text.strip()
    if text[:1] == "'":
        text = restore(text)
    return text


__all__ = ["MAX_LENGTHS", "FileSettings", "Prepared", "RowPreparer", "Unmapped"]
