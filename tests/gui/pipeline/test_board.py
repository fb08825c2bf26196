from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from workbench.domain import CloseReason, Lead, StageKind
from workbench.domain.normalize import company_norm, email_domain, email_norm
from workbench.services.clock import fixed_clock
from workbench.services.pipeline import convert
from workbench.services.pipeline import stages as pipeline
from workbench.services.pipeline.board import board
from workbench.store import Workbench
from workbench.ui.common import format as fmt
from workbench.ui.common.context import AppContext
from workbench.ui.pipeline import moves as pipeline_moves
from workbench.ui.pipeline.board import BoardView
from workbench.ui.pipeline.board_model import MIME_TYPE, BoardModel, decode_ids
from workbench.ui.pipeline.close_opportunity import CloseAnswer

NOW = datetime(2026, 3, 20, 10, 0, tzinfo=UTC)
MOVE = Qt.DropAction.MoveAction


def make_opportunities(
    wb: Workbench, companies: tuple[str, ...] = ("Acme", "Globex", "Initech")
) -> list[int]:
    ids = []
    for company in companies:
        email = f"ana@{company.lower()}.com"
        with wb.session() as s:
            lead = Lead(
                name=f"Ana of {company}",
                company=company,
                company_norm=company_norm(company),
                email=email,
                email_norm=email_norm(email),
                email_domain=email_domain(email),
            )
            s.add(lead)
            s.flush()
            assert lead.id is not None
            lead_id = lead.id
        result = convert.convert_lead(
            wb, lead_id, amount=1000, next_step="call", clock=fixed_clock(NOW - timedelta(days=3))
        )
        ids.append(result.opportunity_id)
    return ids


def stages(wb: Workbench) -> dict[str, int]:
    return {s.name: s.id for s in pipeline.list_stages(wb)}


def stage_of(wb: Workbench, opportunity_id: int) -> int:
    return pipeline.get_opportunity(wb, opportunity_id).stage_id


@pytest.fixture
def view(qtbot: QtBot, wb: Workbench) -> BoardView:
    make_opportunities(wb)
    widget = BoardView(AppContext(wb, fixed_clock(NOW)))
    qtbot.addWidget(widget)
    widget.reload()
    widget.resize(1600, 600)
    return widget


def test_model_passes_qtmodeltester(qtmodeltester: Any, view: BoardView, wb: Workbench) -> None:
    qtmodeltester.check(view.model)
    empty = BoardModel()
    qtmodeltester.check(empty)
    empty.set_board(board(wb, clock=fixed_clock(NOW)))
    qtmodeltester.check(empty)


def test_columns_show_count_and_total(view: BoardView) -> None:
    first = view.columns[0]
    assert first.stage.name == "Discovery"
    # The total in the locale's grouping with its currency ("$3,000" in en-US and under C).
    assert "3 deals" in first.totals.text() and fmt.money_text(3000, "USD") in first.totals.text()
    assert [c.stage.name for c in view.columns][-2:] == ["Won", "Lost"]
    assert view.model.rowCount(first.cards.rootIndex()) == 3


def test_drop_with_real_mime_data_moves_and_records(qtbot: QtBot, view: BoardView, wb: Workbench) -> None:
    ids = stages(wb)
    opp = view.model.columns[0].cards[0].id
    mime = view.model.mimeData([view.model.card_index(opp)])
    assert mime.hasFormat(MIME_TYPE) and decode_ids(mime) == [opp]
    target = view.model.stage_index(ids["Proposal"])
    assert view.model.canDropMimeData(mime, MOVE, -1, -1, target)
    with qtbot.waitSignal(view.moved, timeout=2000) as moved:
        assert view.model.dropMimeData(mime, MOVE, -1, -1, target)
    assert moved.args == [opp]
    assert stage_of(wb, opp) == ids["Proposal"]
    history = pipeline.history(wb, opp)
    assert [(h.from_stage_id, h.to_stage_id) for h in history][-1] == (ids["Discovery"], ids["Proposal"])
    assert view.model.stage_of_card(opp).id == ids["Proposal"]  # type: ignore[union-attr]
    assert view.current_id() == opp  # the moved card stays selected


def test_drop_on_a_card_means_its_stage_and_same_stage_is_refused(
    qtbot: QtBot, view: BoardView, wb: Workbench
) -> None:
    ids = stages(wb)
    first, second, _ = [c.id for c in view.model.columns[0].cards]
    pipeline.move_to_stage(wb, second, ids["Solution"], clock=fixed_clock(NOW))
    view.reload()
    mime = view.model.mimeData([view.model.card_index(first)])
    same = view.model.stage_index(ids["Discovery"])
    assert not view.model.canDropMimeData(mime, MOVE, -1, -1, same)
    assert not view.model.dropMimeData(mime, MOVE, -1, -1, same)
    on_card = view.model.card_index(second)
    with qtbot.waitSignal(view.moved, timeout=2000):
        assert view.model.dropMimeData(mime, MOVE, 0, 0, on_card)
    assert stage_of(wb, first) == ids["Solution"]


def test_foreign_mime_data_is_refused(view: BoardView, wb: Workbench) -> None:
    foreign = QMimeData()
    foreign.setText("1")
    target = view.model.stage_index(stages(wb)["Proposal"])
    assert not view.model.canDropMimeData(foreign, MOVE, -1, -1, target)
    assert not view.model.dropMimeData(foreign, MOVE, -1, -1, target)
    broken = QMimeData()
    broken.setData(MIME_TYPE, b"not json")
    assert not view.model.dropMimeData(broken, MOVE, -1, -1, target)


def test_drop_event_on_a_column_goes_through_qt_drop_handling(
    qtbot: QtBot, view: BoardView, wb: Workbench
) -> None:
    """The drop a real drag ends with: a QDropEvent on the target column's viewport."""
    ids = stages(wb)
    view.show()
    qtbot.waitExposed(view)
    opp = view.model.columns[0].cards[0].id
    mime = view.model.mimeData([view.model.card_index(opp)])
    target = view.column_for_stage(ids["Qualified"])
    assert target is not None
    viewport = target.cards.viewport()
    where = QPointF(viewport.rect().center())
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(where, MOVE, mime, buttons, modifiers)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    hover = QDragMoveEvent(where, MOVE, mime, buttons, modifiers)
    QApplication.sendEvent(viewport, hover)
    assert hover.isAccepted()  # the column says it takes this card
    with qtbot.waitSignal(view.moved, timeout=2000):
        QApplication.sendEvent(viewport, QDropEvent(where, MOVE, mime, buttons, modifiers))
    assert stage_of(wb, opp) == ids["Qualified"]

    # Hovering the card's own column is refused: nothing to move there.
    own = view.column_for_stage(ids["Qualified"])
    assert own is not None
    mime = view.model.mimeData([view.model.card_index(opp)])
    own_viewport = own.cards.viewport()
    QApplication.sendEvent(own_viewport, QDragEnterEvent(where, MOVE, mime, buttons, modifiers))
    hover = QDragMoveEvent(where, MOVE, mime, buttons, modifiers)
    QApplication.sendEvent(own_viewport, hover)
    assert not hover.isAccepted()


def test_drop_on_lost_asks_and_cancelling_leaves_the_card(
    qtbot: QtBot, view: BoardView, wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = stages(wb)
    opp = view.model.columns[0].cards[0].id
    asked: list[dict[str, Any]] = []

    def cancel(parent: object, **kwargs: Any) -> None:
        asked.append(kwargs)
        return None

    monkeypatch.setattr(pipeline_moves, "ask_close", cancel)
    mime = view.model.mimeData([view.model.card_index(opp)])
    assert view.model.dropMimeData(mime, MOVE, -1, -1, view.model.stage_index(ids["Lost"]))
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=2000)
    assert asked[0]["outcome"] is StageKind.LOST
    assert stage_of(wb, opp) == ids["Discovery"]
    assert view.model.stage_of_card(opp).id == ids["Discovery"]  # type: ignore[union-attr]
    assert len(pipeline.history(wb, opp)) == 1

    answer = CloseAnswer(CloseReason.COMPETITOR, "went with BigCo", None, False)
    monkeypatch.setattr(pipeline_moves, "ask_close", lambda parent, **kw: answer)
    with qtbot.waitSignal(view.moved, timeout=2000):
        view.model.dropMimeData(mime, MOVE, -1, -1, view.model.stage_index(ids["Lost"]))
    got = pipeline.get_opportunity(wb, opp)
    assert (got.outcome, got.close_reason, got.close_note) == ("lost", "competitor", "went with BigCo")
    lost_column = view.column_for_stage(ids["Lost"])
    assert lost_column is not None and view.model.rowCount(lost_column.cards.rootIndex()) == 1


def test_keyboard_moves_with_ctrl_arrows(
    qtbot: QtBot, view: BoardView, wb: Workbench, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = stages(wb)
    opp = view.model.columns[0].cards[0].id
    assert view.select(opp)
    column = view.column_for_stage(ids["Discovery"])
    assert column is not None
    with qtbot.waitSignal(view.moved, timeout=2000):
        qtbot.keyClick(column.cards, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert stage_of(wb, opp) == ids["Qualified"]
    column = view.column_for_stage(ids["Qualified"])
    assert column is not None and view.current_id() == opp
    with qtbot.waitSignal(view.moved, timeout=2000):
        qtbot.keyClick(column.cards, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert stage_of(wb, opp) == ids["Discovery"]

    # Ctrl+Right from the last open stage asks for the reason of the win.
    pipeline.move_to_stage(wb, opp, ids["Negotiation"], clock=fixed_clock(NOW))
    view.reload()
    view.select(opp)
    answer = CloseAnswer(CloseReason.PRICE, "", None, False)
    monkeypatch.setattr(pipeline_moves, "ask_close", lambda parent, **kw: answer)
    column = view.column_for_stage(ids["Negotiation"])
    assert column is not None
    with qtbot.waitSignal(view.moved, timeout=2000):
        qtbot.keyClick(column.cards, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert pipeline.get_opportunity(wb, opp).outcome == "won"

    # Ctrl+Left on a won card reopens it where it was.
    column = view.column_for_stage(ids["Won"])
    assert column is not None
    with qtbot.waitSignal(view.moved, timeout=2000):
        qtbot.keyClick(column.cards, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    got = pipeline.get_opportunity(wb, opp)
    assert got.outcome == "open" and got.stage_id == ids["Negotiation"]
    assert pipeline.history(wb, opp)[-1].note == pipeline.NOTE_REOPENED


def test_stale_and_stepless_cards_stand_out(qtbot: QtBot, wb: Workbench) -> None:
    ids = make_opportunities(wb, ("Acme", "Globex"))
    pipeline.update_opportunity(wb, ids[1], next_step="")
    later = NOW + timedelta(days=60)
    widget = BoardView(AppContext(wb, fixed_clock(later)))
    qtbot.addWidget(widget)
    widget.reload()
    cards = {c.id: c for c in widget.model.columns[0].cards}
    assert cards[ids[0]].stale and cards[ids[1]].stale
    pipeline.update_opportunity(wb, ids[0], next_step="demo")
    fresh = BoardView(AppContext(wb, fixed_clock(NOW)))
    qtbot.addWidget(fresh)
    fresh.reload()
    cards = {c.id: c for c in fresh.model.columns[0].cards}
    assert not cards[ids[0]].stale and not cards[ids[0]].no_next_step
    assert cards[ids[1]].no_next_step
    tooltip = fresh.model.data(fresh.model.card_index(ids[1]), Qt.ItemDataRole.ToolTipRole)
    assert "No next step" in tooltip
    fresh.show()
    qtbot.waitExposed(fresh)
    fresh.grab()  # paints every card through the delegate without errors
    assert fresh.columns[0].totals.text().startswith("2 deals")


def test_plain_arrows_walk_between_columns(qtbot: QtBot, view: BoardView, wb: Workbench) -> None:
    ids = stages(wb)
    first, second, _ = [c.id for c in view.model.columns[0].cards]
    pipeline.move_to_stage(wb, second, ids["Proposal"], clock=fixed_clock(NOW))
    view.reload()
    view.show()
    qtbot.waitExposed(view)
    view.select(first)
    start = view.column_for_stage(ids["Discovery"])
    assert start is not None
    qtbot.keyClick(start.cards, Qt.Key.Key_Right)
    assert view.current_id() == second  # skipped the empty columns
    assert stage_of(wb, first) == ids["Discovery"]  # nothing moved
