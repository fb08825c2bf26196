"""Opening any record in its area: a lead in Leads, an account (or a contact, in its
account with the contact's timeline) in Targets, an opportunity in Pipeline. Today and
global search share it."""

from __future__ import annotations

from typing import Any

from workbench.services.records import RecordKind, RecordRef, account_of_contact
from workbench.ui.common.context import AppContext

#: The area that shows each kind of record, and the methods that select one there
#: (tried in order; the first that exists and does not return False wins).
RECORD_AREAS: dict[RecordKind, tuple[str, tuple[str, ...]]] = {
    RecordKind.LEAD: ("leads", ("open_record", "open_lead")),
    RecordKind.ACCOUNT: ("targets", ("open_record", "open_account", "select_account")),
    RecordKind.CONTACT: ("targets", ("open_record", "open_account", "select_account")),
    RecordKind.OPPORTUNITY: ("pipeline", ("open_record", "open_detail")),
}


def open_record(window: Any, ctx: AppContext, ref: RecordRef) -> bool:
    """Show ``ref`` in its area of ``window``; True when the area found it."""
    target = ref
    if ref.kind is RecordKind.CONTACT:
        area = window.show_area("targets") if callable(getattr(window, "show_area", None)) else None
        open_contact = getattr(area, "open_contact", None)
        if callable(open_contact) and open_contact(ref.id):
            return True  # the contact's account, showing the contact's timeline
        account_id = account_of_contact(ctx.wb, ref.id)
        if account_id is None:
            return False
        target = RecordRef(RecordKind.ACCOUNT, account_id)
    area_key, methods = RECORD_AREAS[target.kind]
    show_area = getattr(window, "show_area", None)
    if not callable(show_area):
        return False
    area = show_area(area_key)
    for name in methods:
        method = getattr(area, name, None)
        if callable(method) and method(target.id) is not False:
            return True
    return False
