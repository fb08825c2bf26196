"""Window-wide outreach actions: Quick log (Ctrl+L, also from the tray), export of
open follow-ups to a calendar file, and ``tel:``/``mailto:`` links that offer to log
the call or email they start.

Other widgets open the quick log through :func:`open_quick_log` and contact links
through :func:`open_contact_link`, so every entry point behaves the same.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMenu, QMessageBox, QSystemTrayIcon, QWidget

from workbench.services.records import RecordRef
from workbench.ui.common import file_dialogs
from workbench.ui.common.context import AppContext

if TYPE_CHECKING:
    from workbench.services.search.lookup import Match  # rapidfuzz and the index: loaded when first used

#: How a URL is handed to the system (the tests replace it; nothing really opens).
url_opener: Callable[[QUrl], bool] = QDesktopServices.openUrl

#: Delay before the type-ahead index is built in the background after start.
WARM_DELAY_MS = 1500


def open_quick_log(
    ctx: AppContext,
    parent: QWidget | None = None,
    *,
    target: RecordRef | Match | None = None,
    channel: str | None = None,
    completes: tuple[int, ...] = (),
    **step: Any,
) -> Any:
    """Show a quick-log window (not modal: the rep can look things up meanwhile).
    ``step``: ``sequence_step``, ``step_label``, ``note`` when it does a sequence's step."""
    from workbench.ui.outreach.quick_log import QuickLogDialog

    if not ctx.has_workbench:
        return None
    dialog = QuickLogDialog(ctx, parent, target=target, channel=channel, completes=completes, **step)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def ask_to_log(parent: QWidget, channel: str) -> bool:
    """After a link opened the phone or mail program: log it now? (A seam tests answer.)"""
    text = parent.tr("Log this call now?") if channel == "call" else parent.tr("Log this email now?")
    answer = QMessageBox.question(
        parent,
        parent.tr("Log it?"),
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    return answer == QMessageBox.StandardButton.Yes


def open_contact_link(ctx: AppContext, parent: QWidget, url: str, target: RecordRef | None) -> Any:
    """Open a ``tel:``/``mailto:`` link with the system's handler, then offer to log it.
    Any other link just opens. Returns the quick-log dialog when one was opened."""
    qurl = QUrl(url)
    opened = url_opener(qurl)
    scheme = qurl.scheme().casefold()
    channel = {"tel": "call", "callto": "call", "sip": "call", "mailto": "email"}.get(scheme)
    if channel is None:
        return None
    if not opened:
        QMessageBox.information(
            parent,
            parent.tr("No program for this link"),
            parent.tr("No program on this computer handles {0} links. You can still log it.").format(scheme),
        )
    if ask_to_log(parent, channel):
        return open_quick_log(ctx, parent, target=target, channel=channel)
    return None


class OutreachActions(QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.ctx: AppContext = window.ctx
        window.add_action("Outreach", "Quick &log…", self.quick_log, "Ctrl+L")
        window.add_action("Outreach", "Export follow-ups to &calendar…", self.export_calendar, "Ctrl+Shift+F")
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self._make_tray()
        QTimer.singleShot(WARM_DELAY_MS, self._warm)
        self.ctx.workbenchReplaced.connect(lambda: QTimer.singleShot(WARM_DELAY_MS, self._warm))

    def _warm(self) -> None:
        from workbench.ui.common.lookup_field import lookup_holder

        if self.ctx.has_workbench:
            lookup_holder(self.ctx).warm()

    def _make_tray(self) -> None:
        tray = QSystemTrayIcon(self.window.windowIcon(), self)
        tray.setToolTip(self.tr("Prospecting Workbench"))
        menu = QMenu(self.window)
        menu.addAction(self.tr("Quick log…"), self.quick_log)
        menu.addAction(self.tr("Show the workbench"), self._show_window)
        tray.setContextMenu(menu)
        tray.activated.connect(self._tray_activated)
        tray.show()
        self.tray = tray

    def _tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.quick_log()

    def _show_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def quick_log(self) -> Any:
        return open_quick_log(self.ctx, self.window)

    def export_calendar(self) -> None:
        from workbench.services.outreach.followups import export_ics

        if not self.ctx.has_workbench:
            return
        name, _ = file_dialogs.CALENDARS.getSaveFileName(
            self.window,
            self.tr("Export open follow-ups"),
            str(Path.home() / "follow-ups.ics"),
            self.tr("Calendar files (*.ics)"),
        )
        if not name:
            return
        path = Path(name if name.endswith(".ics") else f"{name}.ics")
        try:
            count = export_ics(self.ctx.wb, path, now=self.ctx.clock())
        except OSError as exc:
            QMessageBox.warning(self.window, self.tr("Export failed"), str(exc))
            return
        self.window.statusBar().showMessage(
            self.tr(
                "Exported %n open follow-up(s) to {0}. Export again any time: your calendar updates them.",
                "",
                count,
            ).format(path.name),
            10_000,
        )


def install_actions(window: Any) -> None:
    window.outreach = OutreachActions(window)


__all__ = ["OutreachActions", "ask_to_log", "install_actions", "open_contact_link", "open_quick_log"]
