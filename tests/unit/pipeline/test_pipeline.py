from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from workbench.domain import Opportunity, StageChange, StageKind
from workbench.services.clock import fixed_clock
from workbench.services.pipeline import stages as pipeline
from workbench.store import Workbench

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def stage_ids(wb: Workbench) -> dict[str, int]:
    return {s.name: s.id for s in pipeline.list_stages(wb)}


def new_opportunity(wb: Workbench, name: str = "Acme deal", amount: float = 1000) -> int:
    ids = stage_ids(wb)
    with wb.session() as s:
        opp = Opportunity(
            name=name, amount=amount, stage_id=ids["Discovery"], created_at=T0, stage_entered_at=T0
        )
        s.add(opp)
        s.flush()
        pipeline.record_entry(s, opp, pipeline.NOTE_CREATED)
        assert opp.id is not None
        return opp.id


def rows(wb: Workbench, opp_id: int) -> list[tuple[int | None, int, datetime, str]]:
    return [(c.from_stage_id, c.to_stage_id, c.at, c.note) for c in pipeline.history(wb, opp_id)]


def test_default_stages_with_probabilities(wb: Workbench) -> None:
    stages = pipeline.list_stages(wb)
    assert [(s.name, s.probability) for s in stages] == [
        ("Discovery", 0.10),
        ("Qualified", 0.25),
        ("Solution", 0.40),
        ("Proposal", 0.60),
        ("Negotiation", 0.80),
        ("Won", 1.0),
        ("Lost", 0.0),
    ]
    assert [s.kind for s in stages][-2:] == [StageKind.WON, StageKind.LOST]


def test_moves_win_and_reopen_are_all_recorded(wb: Workbench) -> None:
    ids = stage_ids(wb)
    opp_id = new_opportunity(wb)
    assert pipeline.move_to_stage(wb, opp_id, ids["Qualified"], clock=fixed_clock(at(3)))
    assert not pipeline.move_to_stage(wb, opp_id, ids["Qualified"], clock=fixed_clock(at(4)))  # no-op
    pipeline.update_opportunity(wb, opp_id, probability=0.5, clock=fixed_clock(at(4)))
    assert pipeline.move_to_stage(wb, opp_id, ids["Proposal"], clock=fixed_clock(at(10)))
    opp = pipeline.get_opportunity(wb, opp_id)
    assert opp.probability is None  # the new stage's default applies again
    assert opp.stage_entered_at == at(10)

    with pytest.raises(pipeline.ReasonRequired):
        pipeline.close(wb, opp_id, StageKind.WON, None, clock=fixed_clock(at(12)))
    assert pipeline.close(wb, opp_id, StageKind.WON, "price", note="cheapest", clock=fixed_clock(at(12)))
    opp = pipeline.get_opportunity(wb, opp_id)
    assert (opp.outcome, opp.close_reason, opp.close_note, opp.closed_at) == (
        "won",
        "price",
        "cheapest",
        at(12),
    )

    assert pipeline.reopen(wb, opp_id, clock=fixed_clock(at(15)))
    opp = pipeline.get_opportunity(wb, opp_id)
    assert opp.outcome == "open" and opp.closed_at is None and opp.close_reason == ""
    assert opp.stage_id == ids["Proposal"]  # back where it was closed from
    assert not pipeline.reopen(wb, opp_id, clock=fixed_clock(at(16)))  # already open

    assert rows(wb, opp_id) == [
        (None, ids["Discovery"], T0, "created"),
        (ids["Discovery"], ids["Qualified"], at(3), ""),
        (ids["Qualified"], ids["Proposal"], at(10), ""),
        (ids["Proposal"], ids["Won"], at(12), "price"),
        (ids["Won"], ids["Proposal"], at(15), "reopened"),
    ]


def test_close_date_in_the_past_dates_the_change_but_never_before_the_previous_one(wb: Workbench) -> None:
    ids = stage_ids(wb)
    opp_id = new_opportunity(wb)
    pipeline.move_to_stage(wb, opp_id, ids["Proposal"], clock=fixed_clock(at(5)))
    now = fixed_clock(at(20))
    pipeline.close(wb, opp_id, StageKind.LOST, "competitor", closed_on=date(2026, 3, 12), clock=now)
    opp = pipeline.get_opportunity(wb, opp_id)
    assert opp.closed_at is not None and opp.closed_at.date() == date(2026, 3, 12)
    assert rows(wb, opp_id)[-1][2] == opp.closed_at

    other = new_opportunity(wb, "Other")
    pipeline.move_to_stage(wb, other, ids["Proposal"], clock=fixed_clock(at(5)))
    pipeline.close(wb, other, StageKind.LOST, "timing", closed_on=date(2026, 3, 4), clock=now)
    assert rows(wb, other)[-1][2] == at(5)  # the history stays in time order
    assert pipeline.get_opportunity(wb, other).closed_at.date() == date(2026, 3, 4)  # type: ignore[union-attr]


def test_close_date_before_creation_needs_confirmation_and_future_is_refused(wb: Workbench) -> None:
    opp_id = new_opportunity(wb)
    now = fixed_clock(at(5))
    with pytest.raises(pipeline.CloseDateBeforeCreation):
        pipeline.close(wb, opp_id, StageKind.WON, "price", closed_on=date(2026, 2, 1), clock=now)
    assert pipeline.get_opportunity(wb, opp_id).outcome == "open"
    with pytest.raises(pipeline.PipelineError, match="future"):
        pipeline.close(wb, opp_id, StageKind.WON, "price", closed_on=date(2026, 4, 1), clock=now)
    pipeline.close(
        wb, opp_id, StageKind.WON, "price", closed_on=date(2026, 2, 1), allow_before_creation=True, clock=now
    )
    assert pipeline.get_opportunity(wb, opp_id).outcome == "won"


def test_won_to_lost_correction_and_reopen_from_it(wb: Workbench) -> None:
    ids = stage_ids(wb)
    opp_id = new_opportunity(wb)
    pipeline.move_to_stage(wb, opp_id, ids["Negotiation"], clock=fixed_clock(at(1)))
    pipeline.close(wb, opp_id, StageKind.WON, "price", clock=fixed_clock(at(2)))
    pipeline.close(wb, opp_id, StageKind.LOST, "went silent", clock=fixed_clock(at(3)))
    assert pipeline.get_opportunity(wb, opp_id).close_reason == "went silent"
    pipeline.reopen(wb, opp_id, clock=fixed_clock(at(4)))
    assert pipeline.get_opportunity(wb, opp_id).stage_id == ids["Negotiation"]
    assert [r[:2] for r in rows(wb, opp_id)][-3:] == [
        (ids["Negotiation"], ids["Won"]),
        (ids["Won"], ids["Lost"]),
        (ids["Lost"], ids["Negotiation"]),
    ]


def test_rename_keeps_history_and_reorder_keeps_closed_stages_last(wb: Workbench) -> None:
    ids = stage_ids(wb)
    opp_id = new_opportunity(wb)
    pipeline.move_to_stage(wb, opp_id, ids["Qualified"], clock=fixed_clock(at(1)))
    pipeline.rename_stage(wb, ids["Qualified"], "  Validated   need ")
    with pytest.raises(pipeline.PipelineError, match="already a stage"):
        pipeline.rename_stage(wb, ids["Solution"], "validated NEED")
    with pytest.raises(pipeline.PipelineError, match="needs a name"):
        pipeline.rename_stage(wb, ids["Solution"], "  ")
    names = {s.id: s.name for s in pipeline.list_stages(wb)}
    assert names[rows(wb, opp_id)[-1][1]] == "Validated need"

    order = list(reversed([s.id for s in pipeline.list_stages(wb)]))
    pipeline.reorder_stages(wb, order)
    stages = pipeline.list_stages(wb)
    assert [s.name for s in stages] == [
        "Negotiation",
        "Proposal",
        "Solution",
        "Validated need",
        "Discovery",
        "Lost",
        "Won",
    ]
    assert [s.position for s in stages] == list(range(7))
    with pytest.raises(pipeline.PipelineError):
        pipeline.reorder_stages(wb, order[:-1])


def test_add_remove_and_tune_stages(wb: Workbench) -> None:
    ids = stage_ids(wb)
    demo = pipeline.add_stage(wb, "Demo", 0.5, stale_days=7)
    assert [s.name for s in pipeline.list_stages(wb)][-3:] == ["Demo", "Won", "Lost"]
    pipeline.set_stage_probability(wb, demo.id, 0.55)
    pipeline.set_stage_stale_days(wb, demo.id, None)
    with pytest.raises(pipeline.PipelineError):
        pipeline.set_stage_probability(wb, demo.id, 1.5)
    with pytest.raises(pipeline.PipelineError):
        pipeline.set_stage_stale_days(wb, demo.id, 0)
    got = next(s for s in pipeline.list_stages(wb) if s.id == demo.id)
    assert (got.probability, got.stale_days) == (0.55, None)

    opp_id = new_opportunity(wb)
    pipeline.move_to_stage(wb, opp_id, demo.id, clock=fixed_clock(at(1)))
    with pytest.raises(pipeline.PipelineError, match="still holds 1 opportunity"):
        pipeline.remove_stage(wb, demo.id)
    with pytest.raises(pipeline.PipelineError, match="at least one"):
        pipeline.remove_stage(wb, ids["Won"])
    pipeline.move_to_stage(wb, opp_id, ids["Solution"], clock=fixed_clock(at(2)))
    pipeline.remove_stage(wb, demo.id)
    assert "Demo" not in [s.name for s in pipeline.list_stages(wb)]
    kept = pipeline.list_stages(wb, include_deleted=True)
    assert "Demo" in [s.name for s in kept]  # still there for the history rows
    with wb.reading() as s:
        assert len(list(s.exec(select(StageChange).where(StageChange.to_stage_id == demo.id)))) == 1


@pytest.mark.parametrize(
    ("text", "value"),
    [("12500", 12500.0), ("12,500.50", 12500.5), (" 1 000 ", 1000.0), ("0", 0.0), ("7.25", 7.25)],
)
def test_parse_amount_accepts_numbers(text: str, value: float) -> None:
    assert pipeline.parse_amount(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-5", "negative"),
        ("abc", "not an amount"),
        ("", "not an amount"),
        ("nan", "number"),
        ("1e20", "large"),
    ],
)
def test_parse_amount_refuses_with_a_message(text: str, message: str) -> None:
    with pytest.raises(pipeline.InvalidAmount, match=message):
        pipeline.parse_amount(text)


def test_update_validates_and_trash_hides(wb: Workbench) -> None:
    opp_id = new_opportunity(wb)
    with pytest.raises(pipeline.InvalidAmount):
        pipeline.update_opportunity(wb, opp_id, amount=-3)
    with pytest.raises(pipeline.PipelineError, match="three-letter"):
        pipeline.update_opportunity(wb, opp_id, currency="euro")
    with pytest.raises(TypeError):
        pipeline.update_opportunity(wb, opp_id, outcome="won")
    pipeline.update_opportunity(wb, opp_id, amount=2500, currency="eur", next_step=" Call CFO ")
    opp = pipeline.get_opportunity(wb, opp_id)
    assert (opp.amount, opp.currency, opp.next_step) == (2500, "EUR", "Call CFO")
    pipeline.trash_opportunity(wb, opp_id)
    with pytest.raises(pipeline.NotFound):
        pipeline.get_opportunity(wb, opp_id)
    assert rows(wb, opp_id)  # history stays for a restore
