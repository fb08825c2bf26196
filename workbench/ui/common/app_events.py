"""The application's one event filter, shared by everything that must see events of
every widget (the wheel guard, the window's app-wide keys).

Qt calls an application-wide filter for every event of every object, and a filter
written in Python costs a crossing into Python each time: Insights building its tabs
sends about 7,000 events. One filter that looks up the event's type in a small table
costs one such call per event, however many handlers there are; two filters cost two.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject

#: ``handler(watched, event)``; True means "handled: stop here".
Handler = Callable[[QObject, QEvent], bool]


class AppEvents(QObject):
    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self._handlers: dict[QEvent.Type, list[Handler]] = {}
        app.installEventFilter(self)

    def on(self, kind: QEvent.Type, handler: Handler, owner: QObject | None = None) -> None:
        """Call ``handler`` for every ``kind`` event of the application (until ``owner``
        is destroyed, when one is given)."""
        self._handlers.setdefault(kind, []).append(handler)
        if owner is not None:
            owner.destroyed.connect(lambda *_args: self.off(kind, handler))

    def has(self, kind: QEvent.Type, handler: Handler) -> bool:
        return handler in self._handlers.get(kind, ())

    def off(self, kind: QEvent.Type, handler: Handler) -> None:
        handlers = self._handlers.get(kind, [])
        if handler in handlers:
            handlers.remove(handler)
        if not handlers:
            self._handlers.pop(kind, None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        handlers = self._handlers.get(event.type())
        if not handlers:
            return False
        return any(handler(watched, event) for handler in tuple(handlers))


def app_events(app: QCoreApplication | None = None) -> AppEvents | None:
    """The application's filter, installed on first use; None without an application."""
    app = app or QCoreApplication.instance()
    if app is None:
        return None
    existing = app.findChild(AppEvents)
    return existing if isinstance(existing, AppEvents) else AppEvents(app)
