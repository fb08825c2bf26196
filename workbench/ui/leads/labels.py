"""The rep-facing words for lead vocabularies (stored values stay plain English keys),
and the one "discard what you typed?" question every lead dialog asks."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from workbench.domain import Answer, DisqualifyReason, LeadKind, LeadStatus


def _tr(text: str) -> str:
    return QCoreApplication.translate("leads", text)


def status_label(status: str) -> str:
    return {
        LeadStatus.NEW.value: _tr("New"),
        LeadStatus.WORKING.value: _tr("Working"),
        LeadStatus.NURTURE.value: _tr("Nurture"),
        LeadStatus.QUALIFIED.value: _tr("Qualified"),
        LeadStatus.DISQUALIFIED.value: _tr("Disqualified"),
        LeadStatus.CONVERTED.value: _tr("Converted"),
    }.get(status, status)


def kind_label(kind: str) -> str:
    return {
        LeadKind.INBOUND.value: _tr("Inbound"),
        LeadKind.TARGET.value: _tr("Target (rep-sourced)"),
        LeadKind.REFERRAL.value: _tr("Referral"),
    }.get(kind, kind)


def reason_label(reason: str) -> str:
    return {
        DisqualifyReason.STUDENT.value: _tr("Student"),
        DisqualifyReason.WRONG_MARKET.value: _tr("Wrong market"),
        DisqualifyReason.EXISTING_CUSTOMER.value: _tr("Existing customer"),
        DisqualifyReason.DUPLICATE.value: _tr("Duplicate"),
        DisqualifyReason.NO_BUDGET.value: _tr("No budget"),
        DisqualifyReason.NO_RESPONSE.value: _tr("No response"),
        DisqualifyReason.OTHER.value: _tr("Other"),
    }.get(reason, reason)


def answer_label(answer: str) -> str:
    return {
        Answer.YES.value: _tr("Yes"),
        Answer.NO.value: _tr("No"),
        Answer.UNKNOWN.value: _tr("Unknown"),
    }.get(answer, answer)


def question_label(key: str) -> str:
    return {
        "budget": _tr("Budget"),
        "authority": _tr("Authority"),
        "need": _tr("Need"),
        "timeline": _tr("Timeline"),
        "asked": _tr("Asked for contact"),
    }.get(key, key)


def confirm_discard(parent: QWidget | None) -> bool:
    """Ask before throwing away what the rep typed (tests replace this function)."""
    answer = QMessageBox.question(
        parent,
        _tr("Discard what you typed?"),
        _tr("You typed something that is not saved. Close and discard it?"),
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Discard
