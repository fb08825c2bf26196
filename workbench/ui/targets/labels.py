"""The rep-facing words for the target-account vocabularies (stored values stay plain
English keys), and the questions every target dialog asks: discard what you typed?
create a second account like an existing one? why park or demote?

Each question is a module function so tests can answer it without a modal loop.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from workbench.domain import AccountStatus, BuyingRole, CheckState
from workbench.services.targets.accounts import AccountMatch
from workbench.services.targets.target_list import Engagement, FitBand
from workbench.ui.common.widgets import ask_yes_no


def _tr(text: str) -> str:
    return QCoreApplication.translate("targets", text)


def status_label(status: str) -> str:
    return {
        AccountStatus.RESEARCHING.value: _tr("Researching"),
        AccountStatus.CONTACTED.value: _tr("Contacted"),
        AccountStatus.ENGAGED.value: _tr("Engaged"),
        AccountStatus.OPPORTUNITY.value: _tr("Opportunity"),
        AccountStatus.PARKED.value: _tr("Parked"),
    }.get(status, status)


def role_label(role: str) -> str:
    return {
        BuyingRole.DECISION_MAKER.value: _tr("Decision maker"),
        BuyingRole.CHAMPION.value: _tr("Champion"),
        BuyingRole.INFLUENCER.value: _tr("Influencer"),
        BuyingRole.USER.value: _tr("User"),
        BuyingRole.GATEKEEPER.value: _tr("Gatekeeper"),
        BuyingRole.UNKNOWN.value: _tr("Role unknown"),
    }.get(role, role)


def check_label(state: str) -> str:
    return {
        CheckState.MET.value: _tr("Met"),
        CheckState.NOT_MET.value: _tr("Not met"),
        CheckState.UNKNOWN.value: _tr("Unknown"),
    }.get(state, state)


def band_label(band: FitBand) -> str:
    return {
        FitBand.GOOD: _tr("Good fit"),
        FitBand.MEDIUM: _tr("Medium fit"),
        FitBand.POOR: _tr("Poor fit"),
        FitBand.UNASSESSED: _tr("Not assessed"),
    }[band]


def engagement_label(level: Engagement) -> str:
    return {
        Engagement.NOT_CONTACTED: _tr("Not contacted"),
        Engagement.CONTACTED: _tr("Contacted"),
        Engagement.ENGAGED: _tr("Engaged"),
        Engagement.OPPORTUNITY: _tr("Opportunity"),
    }[level]


def weighting_note(note: str) -> str:
    """The ICP service's explanation of how typed weights were normalised, translated."""
    return {
        "No criterion has a positive weight, so each counts the same.": _tr(
            "No criterion has a positive weight, so each counts the same."
        ),
        "Negative or invalid weights count as 0.": _tr("Negative or invalid weights count as 0."),
    }.get(note, note)


def event_text(what: str, old: str, new: str) -> str:
    if what == "promoted":
        return _tr("Made a target") + (f" ({_tr('tier')} {new})" if new else "")
    if what == "demoted":
        return _tr("Taken off the target list")
    if what == "tier":
        return _tr("Tier {0} → {1}").format(old or "–", new or "–")
    if what == "status":
        return _tr("{0} → {1}").format(status_label(old), status_label(new))
    return what


# --- questions (tests replace these) ---------------------------------------------------
def confirm_discard(parent: QWidget | None) -> bool:
    answer = QMessageBox.question(
        parent,
        _tr("Discard what you typed?"),
        _tr("You typed something that is not saved. Close and discard it?"),
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Discard


#: Answers of :func:`ask_duplicate`.
CREATE_ANYWAY, OPEN_EXISTING, GO_BACK = "create", "open", "back"


def ask_duplicate(parent: QWidget | None, matches: Sequence[AccountMatch]) -> str:
    """An account like this exists: create a second one, open the existing one, or go back."""
    reasons = {"same domain": _tr("same domain"), "same name": _tr("same name")}
    lines = "\n".join(
        f"• {m.name}" + (f" ({m.domain})" if m.domain else "") + f" — {reasons.get(m.reason, m.reason)}"
        for m in matches
    )
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(_tr("Account exists"))
    box.setText(_tr("You already have an account like this:") + "\n" + lines)
    box.setInformativeText(_tr("Create a second account anyway?"))
    create = box.addButton(_tr("&Create anyway"), QMessageBox.ButtonRole.AcceptRole)
    open_it = box.addButton(_tr("&Open existing"), QMessageBox.ButtonRole.ActionRole)
    back = box.addButton(_tr("&Go back"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(open_it)
    box.setEscapeButton(back)
    box.exec()
    clicked = box.clickedButton()
    if clicked is create:
        return CREATE_ANYWAY
    if clicked is open_it:
        return OPEN_EXISTING
    return GO_BACK


def ask_reason(parent: QWidget | None, title: str, prompt: str, *, required: bool = True) -> str | None:
    """A short reason; ``None`` when cancelled. Asks again while a required one is empty."""
    while True:
        text, ok = QInputDialog.getText(parent, title, prompt, QLineEdit.EchoMode.Normal, "")
        if not ok:
            return None
        if text.strip() or not required:
            return text.strip()
        QMessageBox.information(parent, title, _tr("A few words are enough, but say why."))


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """A yes/no question, No by default (tests replace this function to answer it)."""
    return ask_yes_no(parent, title, text)


def inform(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def warn(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)
