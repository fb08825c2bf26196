"""Leads as the rep types them: create, read for the detail pane, edit, snapshot for undo.

What a rep types is kept as typed; the normalised forms (``email_norm``,
``email_domain``, ``company_norm``, ``phone_e164``) are derived here, in one place,
with the shared rules of :mod:`workbench.domain.normalize`. An invalid email or phone
is a *problem shown on the field*, never a reason to refuse the lead (reps paste what
they have); a lead with neither a name nor a company is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from workbench.domain import Lead as LeadRow
from workbench.domain import LeadKind, LeadSource, LeadStatus, new_uuid, table_of
from workbench.domain.enums import SPEED_TO_LEAD_KINDS
from workbench.domain.normalize import (
    check_email,
    check_phone,
    company_norm,
    email_domain,
    email_norm,
    split_full_name,
)
from workbench.services.clock import Clock, system_clock
from workbench.services.leads import accounts as lead_accounts
from workbench.services.leads.qualification import Qualification, from_columns
from workbench.services.settings import values as settings
from workbench.store import Workbench

L: Any = table_of(LeadRow).c


class LeadRefused(ValueError):
    """The lead cannot be saved as it is; the message says why, in the rep's words."""


@dataclass(frozen=True)
class LeadFields:
    """The fields a rep edits on a lead."""

    name: str = ""
    company: str = ""
    title: str = ""
    email: str = ""
    phone: str = ""
    kind: str = LeadKind.INBOUND.value
    source: str = ""
    campaign: str = ""
    notes: str = ""

    def stripped(self) -> LeadFields:
        values = {f.name: str(getattr(self, f.name)).strip() for f in fields(self)}
        values["notes"] = self.notes.rstrip()
        return LeadFields(**values)

    def is_blank(self) -> bool:
        return not any(str(getattr(self, f.name)).strip() for f in fields(self) if f.name != "kind")


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(LeadFields))


def field_problems(values: LeadFields, *, phone_region: str = "US") -> dict[str, str]:
    """Problems to show next to fields (field name → message); none of them blocks saving."""
    problems: dict[str, str] = {}
    email = check_email(values.email)
    if email.problem:
        problems["email"] = email.problem
    phone = check_phone(values.phone, phone_region)
    if phone.problem:
        problems["phone"] = phone.problem
    return problems


def refusal(values: LeadFields) -> str:
    """Why these fields cannot be saved ("" when they can)."""
    if not values.name.strip() and not values.company.strip():
        return "A lead needs a name or a company."
    if values.kind not in {k.value for k in LeadKind}:
        return f"Unknown kind of lead: {values.kind!r}."
    return ""


def phone_e164(phone: str, region: str = "US") -> str:
    """E.164 form when the number parses, else empty (the typed text is kept separately)."""
    checked = check_phone(phone, region)
    return "" if checked.problem else checked.value


def _columns(values: LeadFields, region: str) -> dict[str, Any]:
    first, last = split_full_name(values.name)
    return {
        "name": values.name,
        "first_name": first,
        "last_name": last,
        "company": values.company,
        "company_norm": company_norm(values.company) if values.company else "",
        "title": values.title,
        "email": values.email,
        "email_norm": email_norm(values.email),
        "email_domain": email_domain(values.email),
        "phone": values.phone,
        "phone_e164": phone_e164(values.phone, region),
        "kind": values.kind,
        "source": values.source,
        "campaign": values.campaign,
        "notes": values.notes,
    }


def phone_region(wb: Workbench) -> str:
    return str(settings.read(wb, "profile.phone_region") or "US")


def create_lead(
    wb: Workbench,
    values: LeadFields,
    *,
    qualification: Qualification | None = None,
    received_at: datetime | None = None,
    clock: Clock = system_clock,
) -> int:
    """Save a new lead; links it to its account when exactly one matches. Returns its id."""
    values = values.stripped()
    reason = refusal(values)
    if reason:
        raise LeadRefused(reason)
    now = clock()
    region = phone_region(wb)
    row = _columns(values, region)
    row.update(qualification.columns() if qualification else {})
    row.update(
        uuid=new_uuid(),
        created_at=now,
        updated_at=now,
        received_at=received_at or now,
        status=LeadStatus.NEW.value,
    )
    with wb.engine.begin() as conn:
        row["account_id"] = lead_accounts.auto_account_id(conn, email=values.email, company=values.company)
        result = conn.execute(insert(table_of(LeadRow)).values(**row))
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])


def update_lead(
    wb: Workbench,
    lead_id: int,
    values: LeadFields,
    *,
    qualification: Qualification | None = None,
    clock: Clock = system_clock,
) -> None:
    """Save edits; re-matches the account only when email or company changed and the
    lead has none linked (a hand-made link or unlink is left alone otherwise)."""
    values = values.stripped()
    reason = refusal(values)
    if reason:
        raise LeadRefused(reason)
    region = phone_region(wb)
    row = _columns(values, region)
    if qualification is not None:
        row.update(qualification.columns())
    row["updated_at"] = clock()
    with wb.engine.begin() as conn:
        old = conn.execute(select(L.email, L.company, L.account_id).where(L.id == lead_id)).first()
        if old is None:
            raise LeadRefused("This lead no longer exists.")
        moved = (
            email_norm(old.email or "") != email_norm(values.email) or (old.company or "") != values.company
        )
        if moved and old.account_id is None:
            row["account_id"] = lead_accounts.auto_account_id(
                conn, email=values.email, company=values.company
            )
        conn.execute(update(table_of(LeadRow)).where(L.id == lead_id).values(**row))
        _respeed(conn, lead_id)


def _respeed(conn: Connection, lead_id: int) -> None:
    """Speed-to-lead again after an edit of the kind: a target (cold or list) lead has
    none, an inbound or referral one has its first touch − arrival (the rule of
    ``services/outreach/touches.py``, which keeps the column on every touch)."""
    got = conn.execute(
        select(L.kind, L.received_at, L.first_touch_at, L.speed_to_lead_s).where(L.id == lead_id)
    ).first()
    if got is None:
        return
    kind, received, first, stored = got
    speed = (
        int((first - received).total_seconds())
        if kind in SPEED_TO_LEAD_KINDS and first is not None and received is not None
        else None
    )
    if speed != stored:
        conn.execute(update(table_of(LeadRow)).where(L.id == lead_id).values(speed_to_lead_s=speed))


@dataclass(frozen=True)
class LeadDetail:
    """Everything the detail pane shows about one lead."""

    id: int
    fields: LeadFields
    qualification: Qualification
    status: str
    disqualify_reason: str
    disqualify_note: str
    nurture_until: date | None
    received_at: datetime
    first_touch_at: datetime | None
    last_touch_at: datetime | None
    next_followup_at: datetime | None
    speed_to_lead_s: int | None
    phone_e164: str
    account_id: int | None
    account_name: str
    opportunity_id: int | None
    deleted: bool
    problems: Mapping[str, str] = field(default_factory=dict)


def _detail(conn: Connection, lead_id: int, region: str) -> LeadDetail | None:
    row = conn.execute(select(table_of(LeadRow)).where(L.id == lead_id)).mappings().first()
    if row is None:
        return None
    values = LeadFields(**{name: row[name] or "" for name in FIELD_NAMES})
    return LeadDetail(
        id=int(row["id"]),
        fields=values,
        qualification=from_columns(dict(row)),
        status=row["status"],
        disqualify_reason=row["disqualify_reason"] or "",
        disqualify_note=row["disqualify_note"] or "",
        nurture_until=row["nurture_until"],
        received_at=row["received_at"],
        first_touch_at=row["first_touch_at"],
        last_touch_at=row["last_touch_at"],
        next_followup_at=row["next_followup_at"],
        speed_to_lead_s=row["speed_to_lead_s"],
        phone_e164=row["phone_e164"] or "",
        account_id=row["account_id"],
        account_name=lead_accounts.account_name(conn, row["account_id"]),
        opportunity_id=row["opportunity_id"],
        deleted=row["deleted_at"] is not None,
        problems=field_problems(values, phone_region=region),
    )


def lead_detail(wb: Workbench, lead_id: int) -> LeadDetail | None:
    region = phone_region(wb)
    with wb.engine.connect() as conn:
        return _detail(conn, lead_id, region)


# --- snapshots for undo ---------------------------------------------------------------
#: Columns an edit in the detail pane may change; undo puts these back.
EDITABLE_COLUMNS: tuple[str, ...] = (
    "name",
    "first_name",
    "last_name",
    "company",
    "company_norm",
    "title",
    "email",
    "email_norm",
    "email_domain",
    "phone",
    "phone_e164",
    "kind",
    "source",
    "campaign",
    "notes",
    "account_id",
    *(
        f"q_{k}{suffix}"
        for k in ("budget", "authority", "need", "timeline", "asked")
        for suffix in ("", "_note")
    ),
)


@dataclass(frozen=True)
class LeadSnapshot:
    lead_id: int
    values: Mapping[str, Any]


def snapshot(wb: Workbench, lead_ids: Iterable[int]) -> list[LeadSnapshot]:
    ids = sorted({int(i) for i in lead_ids})
    if not ids:
        return []
    cols = [L[c] for c in EDITABLE_COLUMNS]
    with wb.engine.connect() as conn:
        rows = conn.execute(select(L.id, *cols).where(L.id.in_(ids))).all()
    return [LeadSnapshot(int(r[0]), dict(zip(EDITABLE_COLUMNS, r[1:], strict=True))) for r in rows]


def restore_snapshot(
    wb: Workbench, snapshots: Iterable[LeadSnapshot], *, clock: Clock = system_clock
) -> None:
    now = clock()
    with wb.engine.begin() as conn:
        for snap in snapshots:
            conn.execute(
                update(table_of(LeadRow)).where(L.id == snap.lead_id).values(**snap.values, updated_at=now)
            )


def with_fields(detail: LeadDetail, **changes: Any) -> LeadFields:
    return replace(detail.fields, **changes)


def sources(wb: Workbench) -> list[str]:
    """Active lead sources in the rep's order (the editable list from settings)."""
    t = table_of(LeadSource).c
    with wb.engine.connect() as conn:
        return [
            str(name)
            for name in conn.execute(
                select(t.name).where(t.active.is_(True)).order_by(t.position, t.name)
            ).scalars()
        ]


def campaigns(wb: Workbench, *, limit: int = 200) -> list[str]:
    """Campaign names already used, for completion (read through the campaign index)."""
    with wb.engine.connect() as conn:
        stmt = (
            select(L.campaign).where(L.campaign != "").group_by(L.campaign).order_by(L.campaign).limit(limit)
        )
        return [str(c) for c in conn.execute(stmt).scalars()]
