"""Plain text is plain (issue 19, case 5): on a workbench whose every name, fact and
note looks like HTML, no label, tooltip or text box of any area or detail renders it
as rich text, and no external link goes anywhere but an http(s) website."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QAbstractButton, QLabel, QTextBrowser, QTextEdit, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from tests.support import pipeline_data
from workbench.domain import Account, Contact, Lead, LeadSource, Opportunity, PipelineStage, table_of
from workbench.services.clock import fixed_clock
from workbench.services.manager.export import export_pipeline
from workbench.services.records import RecordKind, RecordRef
from workbench.services.settings import values as settings
from workbench.store import open_workbench
from workbench.ui.common.context import AppContext
from workbench.ui.shell.areas import AREAS
from workbench.ui.shell.main_window import MainWindow
from workbench.ui.shell.record_links import open_record

pytestmark = pytest.mark.qt_log_ignore("does not support raise")

MARK = "<b>MARK</b><img src='x'>"
LINK = "<a href='file:///etc/passwd'>click</a>"


def _plant(path: Path) -> dict[str, int]:
    with open_workbench(path) as wb:
        ids = pipeline_data.build(wb, rep=f"Rep {MARK}")
        settings.write(wb, "profile.rep_name", f"Rep {MARK}")
        with wb.session() as s:
            s.execute(
                update(table_of(Account)).values(
                    name=Account.name + " " + LINK,
                    industry=MARK,
                    region=MARK,
                    website="file:///etc/passwd",
                    pain_hypothesis=MARK,
                    notes=MARK,
                    park_reason=MARK,
                    is_target=True,
                )
            )
            s.execute(update(table_of(Lead)).values(name=Lead.name + " " + MARK, company=MARK, title=MARK))
            s.execute(update(table_of(Contact)).values(name=Contact.name + " " + MARK, title=MARK))
            s.execute(update(table_of(Opportunity)).values(name=Opportunity.name + " " + MARK))
            s.execute(update(table_of(PipelineStage)).values(name=PipelineStage.name + " " + MARK))
            s.execute(update(table_of(LeadSource)).values(name=LeadSource.name + " " + MARK))
        export_pipeline(wb, path.parent / "rep.json", clock=fixed_clock(pipeline_data.NOW))
    return {
        "leads": next(iter(ids.leads.values())),
        "pipeline": next(iter(ids.opps.values())),
        "targets": next(iter(ids.accounts.values())),
    }


def _settle(qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0, timeout=30_000)
    qtbot.wait(50)


def _renders_rich(text: str, fmt: Qt.TextFormat) -> bool:
    from PySide6.QtGui import Qt as QtGui_Qt

    if fmt == Qt.TextFormat.RichText:
        return True
    if fmt == Qt.TextFormat.PlainText:
        return False
    return bool(QtGui_Qt.mightBeRichText(text))


def _offenders(root: QWidget) -> list[str]:
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        name = f"{type(widget).__name__}({widget.objectName()})"
        tip = widget.toolTip()
        if "MARK" in tip and _renders_rich(tip, Qt.TextFormat.AutoText) and "<b>MARK" in tip:
            found.append(f"tooltip of {name}: {tip!r}")
        if isinstance(widget, QLabel):
            text = widget.text()
            if _renders_rich(text, widget.textFormat()):
                if "<b>MARK" in text or "file:///" in text:
                    found.append(f"{name}: {text!r}")
                if widget.openExternalLinks():
                    links = [part.split("'")[0] for part in text.split("href='")[1:]]
                    links += [part.split('"')[0] for part in text.split('href="')[1:]]
                    found += [
                        f"{name} links to {u}" for u in links if not u.startswith(("http://", "https://"))
                    ]
        elif isinstance(widget, QTextEdit | QTextBrowser):
            doc: QTextDocument = widget.document()
            if "MARK" in doc.toPlainText() and "<b>MARK" not in doc.toPlainText():
                found.append(f"{name} renders {doc.toPlainText()[:80]!r}")
        elif isinstance(widget, QAbstractButton) and "<b>MARK" in widget.text():
            pass  # buttons never render rich text
    return found


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[MainWindow, dict[str, int], Path]]:
    db = tmp_path / "html.db"
    ids = _plant(db)
    ctx = AppContext(open_workbench(db), fixed_clock(pipeline_data.NOW))
    win = MainWindow(ctx, start_area="today")
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    yield win, ids, tmp_path / "rep.json"
    _settle(qtbot)
    ctx.replace_workbench(None)


def test_no_widget_of_any_area_or_detail_renders_user_data_as_html(
    qtbot: QtBot, window: tuple[MainWindow, dict[str, int], Path]
) -> None:
    win, ids, pipeline_file = window
    problems: list[str] = []
    shown: dict[str, int] = {}
    for entry in AREAS:
        area = win.show_area(entry.key)
        _settle(qtbot)
        if entry.key in ids:
            kind = {
                "leads": RecordKind.LEAD,
                "targets": RecordKind.ACCOUNT,
                "pipeline": RecordKind.OPPORTUNITY,
            }
            ref = RecordRef(kind[entry.key], ids[entry.key])
            qtbot.waitUntil(lambda ref=ref: open_record(win, win.ctx, ref), timeout=10_000)
            _settle(qtbot)
        if entry.key == "manager":
            job = area.add_paths([pipeline_file])  # type: ignore[attr-defined]
            assert job is not None
            qtbot.waitUntil(lambda area=area: bool(area.rollup.files), timeout=30_000)  # type: ignore[attr-defined]
            _settle(qtbot)
            assert area.select_rep(f"Rep {MARK}")  # type: ignore[attr-defined]
            _settle(qtbot)
        problems += [f"{entry.key}: {p}" for p in _offenders(area)]
        shown[entry.key] = sum("MARK" in label.text() for label in area.findChildren(QLabel))
    assert not problems, "\n".join(problems)
    # The walk saw the planted text where the records are shown (the test can fail).
    assert all(shown[key] > 0 for key in ("leads", "targets", "pipeline", "manager")), shown
