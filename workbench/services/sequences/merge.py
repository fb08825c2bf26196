"""Merge fields of email steps: ``{first_name}``, ``{company}``…

A template may use only the fields of :data:`FIELDS` (an unknown one is refused when
the template is saved, so a typo never reaches a prospect). A field with no value for
a person is left visible as ``{field}`` in the rendered text and reported in
``missing``: the rep sees the gap before anything is sent — never a silent blank.
``{{`` and ``}}`` stand for literal braces.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from workbench.domain import Account, Contact, Lead
from workbench.services.settings import values as settings

#: Field → what it is (shown in the template editor).
FIELDS: dict[str, str] = {
    "first_name": "the person's first name",
    "last_name": "the person's last name",
    "name": "the person's full name",
    "title": "the person's job title",
    "company": "the company (the account's name, else the lead's company)",
    "pain_hypothesis": "the account's pain hypothesis",
    "campaign": "the lead's campaign",
    "source": "the lead's source",
    "rep_name": "your name (Settings → Profile)",
}

_FORMATTER = string.Formatter()


class MergeError(ValueError):
    """A template that cannot be rendered (unknown field, stray brace)."""


def fields_in(template: str) -> list[str]:
    """The merge fields ``template`` uses, in order; :class:`MergeError` for a stray brace
    or a field written with a format (``{name:>10}``, ``{name.attr}``)."""
    try:
        parsed = list(_FORMATTER.parse(template))
    except ValueError as exc:
        raise MergeError(
            f"a brace is not closed or not opened ({exc}); write {{{{ or }}}} for a brace"
        ) from exc
    found = []
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if spec or conversion or not field.isidentifier():
            raise MergeError(f"{{{field}}} is not a merge field; use a plain name like {{first_name}}")
        found.append(field)
    return found


def unknown_fields(template: str) -> list[str]:
    """Fields of ``template`` that are not in :data:`FIELDS` (raises for bad syntax)."""
    return [f for f in fields_in(template) if f not in FIELDS]


@dataclass(frozen=True)
class Rendered:
    text: str
    #: Fields the person has no value for (left as ``{field}`` in ``text``).
    missing: tuple[str, ...] = ()


def render(template: str, values: dict[str, str]) -> Rendered:
    """``template`` with ``values`` filled in; a missing or blank value stays visible."""
    parts: list[str] = []
    missing: list[str] = []
    for literal, field, _spec, _conversion in _FORMATTER.parse(template):
        parts.append(literal)
        if field is None:
            continue
        value = (values.get(field) or "").strip()
        if value:
            parts.append(value)
        else:
            parts.append("{" + field + "}")
            if field not in missing:
                missing.append(field)
    return Rendered("".join(parts), tuple(missing))


def values_for(
    session: Session, *, lead_id: int | None = None, contact_id: int | None = None
) -> dict[str, str]:
    """The merge values of a lead or a contact (and its account)."""
    out: dict[str, Any] = {"rep_name": settings.get(session, "profile.rep_name") or ""}
    account: Account | None = None
    if lead_id is not None:
        lead = session.get(Lead, lead_id)
        if lead is not None:
            out.update(
                first_name=lead.first_name,
                last_name=lead.last_name,
                name=lead.name,
                title=lead.title,
                company=lead.company,
                campaign=lead.campaign,
                source=lead.source,
            )
            account = session.get(Account, lead.account_id) if lead.account_id else None
    elif contact_id is not None:
        contact = session.get(Contact, contact_id)
        if contact is not None:
            out.update(
                first_name=contact.first_name,
                last_name=contact.last_name,
                name=contact.name,
                title=contact.title,
            )
            account = session.get(Account, contact.account_id) if contact.account_id else None
    if account is not None:
        out["company"] = account.name or out.get("company", "")
        out["pain_hypothesis"] = account.pain_hypothesis
    return {k: str(v or "") for k, v in out.items()}
