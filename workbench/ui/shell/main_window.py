"""The main window: navigation between areas, menus, status bar, remembered geometry."""

from __future__ import annotations

import functools
import importlib
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from workbench.paths import config_dir
from workbench.store import StoreError, Workbench, open_workbench
from workbench.ui.common import file_dialogs, wheel_guard, workers
from workbench.ui.common.area_base import Area
from workbench.ui.common.context import AppContext
from workbench.ui.common.icons import app_icon, icon
from workbench.ui.shell.areas import AREAS, GLOBAL_ACTIONS, AreaEntry

MAX_RECENT = 8
log = logging.getLogger(__name__)


def app_settings() -> QSettings:
    """Per-user UI state (geometry, recent files), kept outside the workbench file."""
    path = config_dir() / "ui.ini"
    return QSettings(str(path), QSettings.Format.IniFormat)


class MainWindow(QMainWindow):
    #: Emitted once, when the first area shown has data from the file.
    ready = Signal()

    def __init__(self, ctx: AppContext, start_area: str = "today") -> None:
        super().__init__()
        self.ctx = ctx
        app = QApplication.instance()
        if isinstance(app, QApplication):
            wheel_guard.install(app)  # the wheel scrolls panes, never edits an unfocused field
        self.setWindowTitle("Prospecting Workbench")
        self.setWindowIcon(app_icon())
        self._areas: dict[str, Area] = {}
        self._entries = {e.key: e for e in AREAS}
        self._menus: dict[str, QMenu] = {}
        self._ready_sent = False
        self._fitted = False

        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.nav = QListWidget(central)
        self.nav.setObjectName("navigation")
        self.nav.setFrameShape(QListWidget.Shape.NoFrame)
        # The column is sized to its widest title below; a scroll bar there only hides the
        # last area's row under it at 1366×768.
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget(central)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        for entry in AREAS:
            item = QListWidgetItem(icon(entry.key), self.tr(entry.title), self.nav)
            item.setData(Qt.ItemDataRole.UserRole, entry.key)
            item.setToolTip(f"{entry.title} ({entry.shortcut})")
        self.fit_navigation()
        self.nav.currentRowChanged.connect(self._on_nav)
        # A click on an area goes on into it; arrowing through the list stays in the list.
        self.nav.itemClicked.connect(
            lambda item: self.show_area(str(item.data(Qt.ItemDataRole.UserRole)), focus=True)
        )
        from workbench.ui.shell.global_keys import WindowKeys

        self.window_keys = WindowKeys(self)

        self.file_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.file_label)
        # The first area starts loading before the menus are built: its queries run on a
        # worker thread while the modules behind the menus import (start-up, P2). Its own
        # actions are installed once the menus exist, so the menu order stays the same.
        self._menus_built = False
        self._waiting_for_menus: list[Area] = []
        # Today is where the rep starts and works through with the keys: its queue has
        # the focus from the start (set again once it shows, _first_populated).
        self._start_key = start_area
        self.show_area(start_area, focus=start_area == "today")
        self._build_menus()
        self._menus_built = True
        for widget in self._waiting_for_menus:
            widget.install_actions(self)
        self._waiting_for_menus.clear()
        self._restore_geometry()
        ctx.workbenchReplaced.connect(self._show_file)
        ctx.workbenchReplaced.connect(self._history_restarts)
        self._show_file()

    # --- menus -----------------------------------------------------------------
    def menu(self, name: str) -> QMenu:
        """The top-level menu called ``name`` ("File", "Edit", "Leads"…), created on demand
        before Help so areas can add their actions."""
        if name not in self._menus:
            menu = QMenu(self.tr(name), self)
            help_menu = self._menus.get("Help")
            if help_menu is not None:
                self.menuBar().insertMenu(help_menu.menuAction(), menu)
            else:
                self.menuBar().addMenu(menu)
            self._menus[name] = menu
        return self._menus[name]

    def add_action(
        self,
        menu: str,
        text: str,
        slot: object,
        shortcut: str | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(self.tr(text), self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.menu(menu).addAction(action)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        # Help exists first so that every menu added later (by areas too) goes before it.
        self._menus["Help"] = self.menuBar().addMenu(self.tr("&Help"))
        # Ctrl+N is "New lead" (the frequent action); a new file gets Ctrl+Shift+N.
        self.add_action("File", "&New workbench…", self.new_file, "Ctrl+Shift+N")
        self.add_action("File", "&Open workbench…", self.open_file, QKeySequence.StandardKey.Open)
        self.recent_menu = self.menu("File").addMenu(self.tr("Open &Recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        undo = self.ctx.undo_stack.createUndoAction(self, self.tr("&Undo"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.ctx.undo_stack.createRedoAction(self, self.tr("&Redo"))
        # Both spellings on every desktop (the platform's own Redo is one or the other).
        redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.menu("Edit").addActions([undo, redo])
        self.addActions([undo, redo])
        for module in GLOBAL_ACTIONS:
            importlib.import_module(module).install_actions(self)
        # Quit last, below what the modules above added to the File menu. Ctrl+Q spelt
        # out: the platform's standard Quit key is empty on some desktops.
        self.menu("File").addSeparator()
        self.add_action("File", "&Quit", self.close, "Ctrl+Q")
        for entry in AREAS:
            self.add_action(
                "View",
                entry.title,
                lambda _c=False, k=entry.key: self.show_area(k, focus=True),
                entry.shortcut,
            )
        self.add_action("Help", "&About Prospecting Workbench", self._about)

    # --- areas -----------------------------------------------------------------
    def area(self, key: str) -> Area:
        if key not in self._areas:
            entry: AreaEntry = self._entries[key]
            widget = entry.load()(self.ctx, self.stack)
            widget.setObjectName(f"area-{key}")
            if self._menus_built:
                widget.install_actions(self)
            else:
                self._waiting_for_menus.append(widget)
            self._areas[key] = widget
            self.stack.addWidget(widget)
        return self._areas[key]

    def show_area(self, key: str, *, focus: bool = False) -> Area:
        """Show the area ``key``; with ``focus`` (Ctrl+1…6, a click in the navigation)
        its main list takes the focus, so its keys work at once and Down moves in it,
        not to the next area."""
        keys = [e.key for e in AREAS]
        if self.nav.currentRow() != keys.index(key):
            self.nav.setCurrentRow(keys.index(key))  # re-enters through _on_nav
        area = self.area(key)
        if focus:
            target = area.main_list()
            if target is not None:
                target.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return area

    def current_area(self) -> Area:
        widget = self.stack.currentWidget()
        assert isinstance(widget, Area)
        return widget

    def _on_nav(self, row: int) -> None:
        if row < 0:
            return
        key = AREAS[row].key
        widget = self.area(key)
        if not self._ready_sent:
            widget.populated.connect(self._first_populated)
        self.stack.setCurrentWidget(widget)
        widget.activate()

    def _first_populated(self) -> None:
        if not self._ready_sent:
            # The first area's list shows only now (Today hides it until counted): the
            # focus goes there unless the rep already put it somewhere.
            area = self.current_area()
            starting = self._start_key == "today" and area is self._areas.get("today")
            target = area.main_list() if starting else None
            focus = QApplication.focusWidget()
            if target is not None and (focus is None or focus is self.nav):
                target.setFocus(Qt.FocusReason.OtherFocusReason)
            self._ready_sent = True
            self.ready.emit()
            self._warm_other_areas()

    def _warm_other_areas(self) -> None:
        """Import the other areas' modules (and the dialogs opened most) in idle
        turns, so their first visit does not wait for imports (issue 11: no stall
        over 100 ms)."""
        from workbench.ui.shell.warm_imports import warm_areas

        modules = [e.module for e in AREAS if e.key not in self._areas]
        modules += [
            "workbench.ui.leads.detail",
            "workbench.ui.targets.account_detail",
            "workbench.ui.pipeline.opportunity_detail",
            "workbench.ui.common.charts",
            "workbench.ui.search.dialog",
            "workbench.ui.outreach.quick_log",
            "workbench.services.safety.backups",
            "phonenumbers",  # the lead detail checks phone numbers (its first use took 30+ ms)
        ]
        # Each area not yet shown is built in an idle turn too (hidden areas only mark
        # themselves stale on changes, so this adds no work later).
        build: list[Callable[[], object]] = [
            functools.partial(self.area, e.key) for e in AREAS if e.key not in self._areas
        ]
        build.append(self._first_reads)
        self.warm_imports = warm_areas(self, modules, build=build)

    def _first_reads(self) -> None:
        """Run the first reads of the areas not visited yet on the thread pool (their
        statements compiled, the file's pages in memory) before the rep clicks on."""
        if not self.ctx.has_workbench:
            return
        reads = [
            read
            for area in self._areas.values()
            if area is not self.current_area() and (read := area.first_reads()) is not None
        ]
        if not reads:
            return

        def run(_report: object) -> None:
            for read in reads:
                try:
                    read()
                except Exception:  # only a warm-up: the visit itself reads and reports
                    log.debug("first read %r failed", read, exc_info=True)

        workers.start(workers.Job(run))

    # --- files -----------------------------------------------------------------
    def _history_restarts(self) -> None:
        # The journal's steps belong to the file as this window last saw it: nothing
        # from before a (re)open can be undone, and the rep is told so rather than
        # finding Undo silently greyed out.
        if self.ctx.has_workbench:
            self.statusBar().showMessage(
                self.tr(
                    "Undo history starts here: changes made before this file was opened cannot be undone."
                ),
                8000,
            )

    def _show_file(self) -> None:
        if self.ctx.has_workbench:
            self._use_currency()
        if self.ctx.has_workbench and not self.ctx.wb.is_file:  # a team database
            location = self.ctx.wb.location
            self.file_label.setText(location)
            self.setWindowTitle(f"{location.rsplit('/', 1)[-1]} ({self.tr('team')}) — Prospecting Workbench")
        elif self.ctx.has_workbench:
            path = self.ctx.wb.path
            self.file_label.setText(str(path))
            self.setWindowTitle(f"{path.name} — Prospecting Workbench")
            remember_recent(path)
        else:
            self.file_label.setText(self.tr("No file open"))

    def _use_currency(self) -> None:
        """Amounts that do not name their currency are in the file's own (Settings)."""
        from workbench.services.settings import values as settings
        from workbench.ui.common import format as fmt

        try:
            fmt.set_default_currency(str(settings.read(self.ctx.wb, "profile.currency")))
        except Exception:  # an unreadable setting must not stop the window: keep the last one
            log.warning("could not read profile.currency", exc_info=True)

    def new_file(self) -> None:
        name, _ = file_dialogs.WORKBENCHES.getSaveFileName(
            self,
            self.tr("New workbench"),
            str(Path.home() / "workbench.db"),
            self.tr("Workbench files (*.db)"),
        )
        if name:
            if Path(name).exists():
                QMessageBox.warning(
                    self,
                    self.tr("File exists"),
                    self.tr("Choose a new file name; existing files are never overwritten."),
                )
                return
            self.switch_to(Path(name))

    def open_file(self) -> None:
        name, _ = file_dialogs.WORKBENCHES.getOpenFileName(
            self,
            self.tr("Open workbench"),
            str(Path.home()),
            self.tr("Workbench files (*.db);;All files (*)"),
        )
        if name:
            self.switch_to(Path(name))

    def switch_to(self, path: Path) -> bool:
        if self.ctx.has_workbench and self.ctx.wb.is_file and self.ctx.wb.path.resolve() == path.resolve():
            return True
        try:
            wb: Workbench = open_workbench(path, create=not path.exists())
        except StoreError as exc:
            QMessageBox.warning(self, self.tr("Cannot open file"), str(exc))
            return False
        self.ctx.replace_workbench(wb)
        self.current_area().activate()
        return True

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        paths = recent_files()
        if not paths:
            self.recent_menu.addAction(self.tr("No recent files")).setEnabled(False)
        for path in paths:
            action = self.recent_menu.addAction(str(path))
            action.triggered.connect(lambda _c=False, p=path: self.switch_to(p))

    def _about(self) -> None:
        from workbench import __version__

        QMessageBox.about(
            self,
            self.tr("About Prospecting Workbench"),
            self.tr(
                "Prospecting Workbench {0}\nYour own prospecting: targets, leads, outreach and pipeline."
            ).format(__version__),
        )

    # --- geometry --------------------------------------------------------------
    def _restore_geometry(self) -> None:
        settings = app_settings()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        self.fit_screen()

    def fit_screen(self) -> None:
        """Keep the window inside the screen's available area (less taskbars and panels):
        a fixed 1280 × 800 put the status bar below a 768-pixel laptop screen, and a
        geometry saved on a bigger monitor must not either."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        room = screen.availableGeometry()
        # The frame (title bar, borders) is not known before the first show: keep room for
        # a usual one then, and fit again once it is shown (showEvent).
        frame_w = self.frameGeometry().width() - self.width() if self.isVisible() else 16
        frame_h = self.frameGeometry().height() - self.height() if self.isVisible() else 40
        width = min(self.width(), room.width() - frame_w)
        height = min(self.height(), room.height() - frame_h)
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
        x = min(max(self.x(), room.left()), room.right() - width - frame_w + 1)
        y = min(max(self.y(), room.top()), room.bottom() - height - frame_h + 1)
        if (x, y) != (self.x(), self.y()):
            self.move(x, y)

    def fit_navigation(self) -> None:
        """The navigation column as wide as its widest item (125–200 %, a translation), at
        least 150. The item's size hint holds its icon, text and the theme's padding;
        the theme's item margin (theme.py) and a little air come on top."""
        self.nav.ensurePolished()  # the theme's style sheet gives the list its larger font
        widest = self.nav.sizeHintForColumn(0)
        self.nav.setFixedWidth(max(150, widest + 2 * 6 + 2 * self.nav.frameWidth() + 8))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            self.fit_navigation()  # again: a theme or font set after construction
            self.fit_screen()

    def closeEvent(self, event: QCloseEvent) -> None:
        settings = app_settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.sync()
        super().closeEvent(event)


def recent_files() -> list[Path]:
    value = app_settings().value("files/recent", [])
    items: list[str] = [value] if isinstance(value, str) else [str(v) for v in value or []]  # type: ignore[attr-defined]
    return [Path(p) for p in items if p and Path(p).exists()]


def remember_recent(path: Path) -> None:
    settings = app_settings()
    items = [str(p) for p in recent_files() if p.resolve() != path.resolve()]
    settings.setValue("files/recent", [str(path.resolve()), *items][:MAX_RECENT])
    settings.sync()
