"""Plurals through Qt's %n forms (issue 22): "1 lead", "2 leads", "1 working day" — never
"lead(s)". The English forms live in resources/translations/plurals_en.ts, compiled to
the .qm the app loads; every counted message of the GUI must have them."""

from __future__ import annotations

import ast
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from workbench.resources import resource
from workbench.services.clock import fixed_clock
from workbench.services.leads import edit as leads
from workbench.services.leads.edit import LeadFields
from workbench.store import Workbench
from workbench.ui.common.context import AppContext
from workbench.ui.common.plural import plural
from workbench.ui.leads.view import LeadsArea
from workbench.ui.sequences.editor import SequenceEditor
from workbench.ui.shell.main_window import MainWindow

UI = Path(__file__).resolve().parents[3] / "workbench" / "ui"
TS = resource("translations", "plurals_en.ts")
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def counted_messages() -> dict[str, list[str]]:
    """Every ``tr(text, disambiguation, n)`` and ``plural(text, n)`` with a literal text
    in the GUI's code, with where it is."""
    found: dict[str, list[str]] = {}
    for path in sorted(UI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            args = node.args
            counted = (name == "tr" and len(args) >= 3) or (name == "plural" and len(args) >= 2)
            if counted and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                found.setdefault(args[0].value, []).append(f"{path.name}:{node.lineno}")
    return found


def english_forms() -> dict[str, list[str]]:
    root = ET.parse(TS).getroot()
    return {
        str(m.findtext("source")): [str(f.text) for f in m.iter("numerusform")]
        for m in root.iter("message")
        if m.get("numerus") == "yes"
    }


def test_every_counted_message_has_its_english_forms() -> None:
    forms = english_forms()
    missing = {text: where for text, where in counted_messages().items() if text not in forms}
    assert not missing, f"add these to {TS.name} and run `make translations`: {missing}"
    for text, (one, other) in forms.items():
        assert "(s)" not in one + other and "(ies)" not in one + other, text
        assert ("%n" in text) == ("%n" in one) == ("%n" in other), text


def test_the_shipped_qm_is_compiled_from_the_ts(tmp_path: Path) -> None:
    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    if not lrelease.exists():
        pytest.skip("pyside6-lrelease is not installed beside this Python")
    out = tmp_path / "plurals_en.qm"
    subprocess.run([str(lrelease), "-silent", str(TS), "-qm", str(out)], check=True)
    assert out.read_bytes() == resource("translations", "plurals_en.qm").read_bytes()


def test_one_and_two_in_any_widget(qtbot: QtBot) -> None:
    class AnyPanel(QWidget):  # PySide6 names the context after the runtime class
        pass

    panel = AnyPanel()
    qtbot.addWidget(panel)
    assert plural("%n employee(s)", 1) == "1 employee"
    assert plural("%n employee(s)", 25_017) == "25,017 employees"
    assert plural("%n working day(s)", 1) == "1 working day"
    assert plural("%n working day(s)", 2) == "2 working days"
    assert panel.tr("%n lead(s)", "", 1) == "1 lead"
    assert panel.tr("%n lead(s)", "", 2) == "2 leads"
    assert panel.tr("%n activity(ies) and follow-up(s)", "", 2) == "2 activities and follow-ups"


@pytest.fixture
def window(qtbot: QtBot, wb: Workbench) -> Iterator[MainWindow]:
    ctx = AppContext(wb, fixed_clock(NOW))
    win = MainWindow(ctx, start_area="leads")
    qtbot.addWidget(win)
    win.show()
    yield win
    ctx.undo_stack.clear()


def test_the_leads_count_says_1_lead_then_2_leads(qtbot: QtBot, wb: Workbench, window: MainWindow) -> None:
    leads.create_lead(
        wb, LeadFields(name="Ana López", source="webinar"), received_at=NOW - timedelta(hours=1)
    )
    area = window.area("leads")
    assert isinstance(area, LeadsArea)
    area.reload()
    qtbot.waitUntil(lambda: area.count_label.text() == "1 lead")
    leads.create_lead(
        wb, LeadFields(name="Bruno Díaz", source="webinar"), received_at=NOW - timedelta(hours=2)
    )
    area.reload()
    qtbot.waitUntil(lambda: area.count_label.text() == "2 leads")


def test_a_steps_wait_reads_1_working_day_and_2_working_days(qtbot: QtBot, wb: Workbench) -> None:
    ctx = AppContext(wb, fixed_clock(NOW))
    editor = SequenceEditor(ctx)
    qtbot.addWidget(editor)
    editor.show()
    spin = editor.wait_spin
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "1")
    assert spin.value() == 1
    assert spin.text() == "1 working day after the previous step"
    qtbot.keyClick(spin, Qt.Key.Key_Up)
    assert spin.text() == "2 working days after the previous step"
