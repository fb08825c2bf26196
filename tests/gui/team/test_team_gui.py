"""Team mode in the window, on a real PostgreSQL: the connection drops while a note is
being saved (banner, the note stays, saving again works), the login dialog asks until
the password is right and remembers it in the keyring, and every area opens as a rep
and as a manager (who may not write) without an error."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QThreadPool
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.engine import make_url

from tests.support.postgres_cluster import Cluster
from tests.support.tcp_proxy import TcpProxy
from workbench.domain import Activity
from workbench.services.clock import fixed_clock
from workbench.services.team import members as team
from workbench.store import open_workbench
from workbench.ui.common.context import AppContext
from workbench.ui.common.errors import CONNECTION_LOST, expected_message
from workbench.ui.outreach import actions as outreach_actions
from workbench.ui.shell.areas import AREAS
from workbench.ui.shell.crash import CrashHandler
from workbench.ui.shell.main_window import MainWindow
from workbench.ui.team.login import LoginAnswer, TeamLoginDialog, open_team

pytestmark = [pytest.mark.postgres, pytest.mark.qt_log_ignore("does not support raise")]
NOW = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)
_numbers = itertools.count(1)


def _settle(qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0, timeout=30_000)
    qtbot.wait(50)


@pytest.fixture
def team_url(pg_cluster: Cluster, _pg_template: str) -> Iterator[str]:
    name = f"gui_team_{next(_numbers)}"
    url = pg_cluster.create_database(name, template=_pg_template)
    try:
        yield url
    finally:
        pg_cluster.drop_team(name)


def _window(qtbot: QtBot, url: str) -> MainWindow:
    ctx = AppContext(open_workbench(url), fixed_clock(NOW))
    win = MainWindow(ctx, start_area="today")
    qtbot.addWidget(win)
    win.show()
    _settle(qtbot)
    return win


def test_a_lost_connection_shows_a_banner_and_the_note_waits_to_be_saved(
    qtbot: QtBot, team_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = make_url(team_url)
    proxy = TcpProxy(url.port or 5432)
    boxes: list[str] = []
    monkeypatch.setattr(
        "workbench.ui.shell.crash.QMessageBox.warning", lambda *args: boxes.append(str(args[-1]))
    )
    try:
        win = _window(qtbot, url.set(port=proxy.port).render_as_string(hide_password=False))
        assert "(team)" in win.windowTitle() and "@" in win.file_label.text()
        banner = win.team_actions.banner  # type: ignore[attr-defined]
        dialog = outreach_actions.open_quick_log(win.ctx, win)
        _settle(qtbot)
        dialog.note_edit.setFocus()
        qtbot.keyClicks(dialog.note_edit, "Called about the renewal")

        proxy.cut()
        with qtbot.capture_exceptions() as caught:
            qtbot.keyClick(dialog.note_edit, Qt.Key.Key_Return)
        assert caught, "saving without a connection must fail"
        exc_type, exc, tb = caught[0]
        assert expected_message(exc) == CONNECTION_LOST
        CrashHandler(tmp_path / "crash.log").handle(exc_type, exc, tb)  # what the app's hook does
        assert banner.isVisible() and not boxes
        assert dialog.isVisible() and dialog.note_edit.toPlainText() == "Called about the renewal"

        proxy.restore()
        banner.retry()
        qtbot.waitUntil(lambda: not banner.isVisible(), timeout=20_000)
        with qtbot.waitSignal(dialog.logged, timeout=20_000):
            qtbot.keyClick(dialog.note_edit, Qt.Key.Key_Return)
        with win.ctx.wb.reading() as s:
            assert s.execute(select(Activity.note)).scalars().all() == ["Called about the renewal"]
        _settle(qtbot)
        win.ctx.replace_workbench(None)
    finally:
        proxy.close()


def test_the_login_asks_until_the_password_is_right_and_can_remember_it(
    team_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]
        items: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.items.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.items[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.items.pop((service, username), None)

    with open_workbench(team_url) as admin:
        team.init_team(admin)
        rep = team.add_member(admin, f"Gui Rep {next(_numbers)}")
    bare = make_url(team_url).set(username=rep.member.role)
    bare_url = bare.render_as_string(hide_password=False).replace(f":{bare.password}@", "@")
    answers = [LoginAnswer(bare_url, "wrong", False), LoginAnswer(bare_url, rep.password, True)]
    problems: list[str] = []

    def ask(_cls: Any, _parent: Any, url: str = "", problem: str = "") -> LoginAnswer | None:
        assert ":" not in url.split("@")[0].split("//")[1]  # the address shown carries no password
        problems.append(problem)
        return answers.pop(0) if answers else None

    monkeypatch.setattr(TeamLoginDialog, "ask", classmethod(ask))
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        wb = open_team(None, bare_url)
        assert wb is not None and problems[0] == "" and "refused" in problems[1]
        wb.close()
        assert rep.password in MemoryKeyring.items.values()
        again = open_team(None, bare_url)  # the keyring answers now: nothing asked
        assert again is not None and len(problems) == 2
        again.close()
    finally:
        keyring.set_keyring(previous)


@pytest.mark.parametrize("manager", [False, True], ids=["rep", "manager"])
def test_every_area_opens_on_a_team_database(
    qtbot: QtBot, team_url: str, small_demo: Path, manager: bool
) -> None:
    from workbench.services.team import sync as team_sync

    with open_workbench(team_url) as admin:
        team.init_team(admin)
        n = next(_numbers)
        rep = team.add_member(admin, f"Area Rep {n}")
        boss = team.add_member(admin, f"Area Boss {n}", manager=True)
        team_sync.push(small_demo, admin, rep.member.name)
    who = boss if manager else rep
    login = make_url(team_url).set(username=who.member.role, password=who.password)
    win = _window(qtbot, login.render_as_string(hide_password=False))
    for entry in AREAS:
        win.show_area(entry.key)
        _settle(qtbot)
    manager_area: Any = win.show_area("manager")
    assert manager_area.team_button.isVisible()
    # shown on a team database, the Manager view computed the live figures by itself
    qtbot.waitUntil(lambda: manager_area.live_from is not None, timeout=30_000)
    _settle(qtbot)
    job = manager_area.load_team()  # the button: computed afresh
    assert job is not None
    with qtbot.waitSignal(job.signals.finished, timeout=30_000):
        pass
    names = [manager_area.rep_model.row_values(r)[0] for r in range(manager_area.rep_model.rowCount())]
    assert names[0] == rep.member.name and len(names) == 2  # the rep, then the team
    manager_area.select_rep(rep.member.name)
    assert "live from the team database" in manager_area.detail_title.text()
    _settle(qtbot)
    win.ctx.replace_workbench(None)
