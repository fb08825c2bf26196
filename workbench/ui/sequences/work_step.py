"""Doing one due sequence step (from its line on Today): the quick log with the step's
channel and person filled in (saving completes the step and schedules the next); an
email step first opens the rep's mail program with the template filled (``mailto:``) —
or copies it — and then asks to log it as sent. Missing merge values are shown before
anything opens. :func:`call_step` is the same for C on a call step: the ``tel:`` link
first."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from workbench.services.sequences.due import DueStep, Email, email_for
from workbench.ui.common.context import AppContext
from workbench.ui.outreach import actions


def mailto_url(mail: Email) -> QUrl:
    query = f"subject={quote(mail.subject.text)}&body={quote(mail.body.text)}"
    return QUrl(f"mailto:{quote(mail.to, safe='@')}?{query}", QUrl.ParsingMode.TolerantMode)


def ask_how_to_send(parent: QWidget, mail: Email) -> str:
    """ "open", "copy" or "" (cancel). A seam tests answer."""
    box = QMessageBox(parent)
    box.setWindowTitle(parent.tr("Send the email"))
    text = parent.tr("To: {0}\nSubject: {1}").format(mail.to, mail.subject.text)
    if mail.missing:
        text += "\n\n" + parent.tr("No value for: {0} — left as {{…}} so you can fill it in.").format(
            ", ".join(mail.missing)
        )
    box.setText(text)
    box.setDetailedText(mail.body.text)
    open_button = box.addButton(parent.tr("&Open in mail program"), QMessageBox.ButtonRole.AcceptRole)
    copy_button = box.addButton(parent.tr("&Copy text"), QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(open_button)
    box.exec()
    clicked = box.clickedButton()
    return "open" if clicked is open_button else "copy" if clicked is copy_button else ""


def work_step(ctx: AppContext, parent: QWidget, step: DueStep, completes: tuple[int, ...] = ()) -> Any:
    """Open what doing ``step`` needs; returns the quick log dialog (None when cancelled).
    ``completes``: follow-ups the same log ticks off (the line's own)."""
    note = step.instructions
    if step.channel == "email":
        mail = email_for(ctx.wb, step)
        how = ask_how_to_send(parent, mail)
        if not how:
            return None
        if how == "open":
            actions.url_opener(mailto_url(mail))
        else:
            QGuiApplication.clipboard().setText(f"{mail.subject.text}\n\n{mail.body.text}")
        if not actions.ask_to_log(parent, "email"):
            return None
        note = parent.tr("Sent: {0}").format(mail.subject.text)
    return _log_step(ctx, parent, step, note, completes)


def call_step(ctx: AppContext, parent: QWidget, step: DueStep, completes: tuple[int, ...] = ()) -> Any:
    """A call step: dial (``tel:``), then the quick log that does the step."""
    target = "".join(step.phone.split())
    if not actions.url_opener(QUrl(f"tel:{target}")):
        QMessageBox.information(
            parent,
            parent.tr("No program for this link"),
            parent.tr("No program on this computer handles tel links. You can still log it."),
        )
    if not actions.ask_to_log(parent, "call"):
        return None
    return _log_step(ctx, parent, step, step.instructions, completes)


def _log_step(ctx: AppContext, parent: QWidget, step: DueStep, note: str, completes: tuple[int, ...]) -> Any:
    return actions.open_quick_log(
        ctx,
        parent,
        target=step.ref,
        channel=step.log_channel,
        completes=completes,
        sequence_step=step.enrolment_id,
        step_label=f"{step.label} — {step.instructions}".rstrip(" —"),
        note=note,
    )
