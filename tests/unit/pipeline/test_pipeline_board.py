from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from workbench.domain import Account, Opportunity, StageKind
from workbench.services.clock import fixed_clock
from workbench.services.pipeline import stages as pipeline
from workbench.services.pipeline.board import (
    STYLE_NO_NEXT_STEP,
    STYLE_STALE,
    STYLE_WON,
    board,
    opportunity_table,
    summary,
    table_rows,
)
from workbench.services.settings import values as settings
from workbench.services.tables import TableQuery
from workbench.store import Workbench

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOW = T0 + timedelta(days=30)


def make(wb: Workbench) -> dict[str, int]:
    ids = {s.name: s.id for s in pipeline.list_stages(wb)}
    with wb.session() as s:
        acme = Account(name="Acme")
        s.add(acme)
        s.flush()
        specs = [
            # name, stage, amount, currency, entered, last touch, next step
            ("fresh", "Discovery", 1000, "USD", NOW - timedelta(days=2), None, "call"),
            ("rotting", "Discovery", 2000, "USD", NOW - timedelta(days=25), None, "call"),
            ("touched", "Discovery", 500, "EUR", NOW - timedelta(days=25), NOW - timedelta(days=1), "call"),
            ("no step", "Proposal", 4000, "USD", NOW - timedelta(days=1), None, ""),
        ]
        out: dict[str, int] = {}
        for name, stage, amount, currency, entered, touched, step in specs:
            opp = Opportunity(
                name=name,
                account_id=acme.id,
                amount=amount,
                currency=currency,
                stage_id=ids[stage],
                stage_entered_at=entered,
                last_touch_at=touched,
                next_step=step,
                expected_close=date(2026, 5, 1),
                created_at=T0,
            )
            s.add(opp)
            s.flush()
            assert opp.id is not None
            out[name] = opp.id
        s.add(Opportunity(name="trashed", stage_id=ids["Discovery"], amount=9, deleted_at=T0))
    return out


def test_board_counts_totals_and_flags(wb: Workbench) -> None:
    make(wb)
    data = board(wb, clock=fixed_clock(NOW))
    names = [c.stage.name for c in data.columns]
    assert names == ["Discovery", "Qualified", "Solution", "Proposal", "Negotiation", "Won", "Lost"]
    discovery = data.columns[0]
    assert discovery.count == 3
    assert discovery.totals == {"USD": 3000, "EUR": 500}
    assert discovery.weighted == {"USD": 300, "EUR": 50}
    assert discovery.stale == 1
    flags = {c.name: (c.stale, c.no_next_step) for col in data.columns for c in col.cards}
    assert flags == {
        "fresh": (False, False),
        "rotting": (True, False),
        "touched": (False, False),
        "no step": (False, True),
    }


def test_stage_stale_days_overrides_the_setting(wb: Workbench) -> None:
    make(wb)
    proposal = next(s for s in pipeline.list_stages(wb) if s.name == "Proposal")
    discovery = next(s for s in pipeline.list_stages(wb) if s.name == "Discovery")
    settings.write(wb, "pipeline.stale_days", 40)
    data = board(wb, clock=fixed_clock(NOW))
    assert data.columns[0].stale == 0
    pipeline.set_stage_stale_days(wb, discovery.id, 20)
    pipeline.set_stage_stale_days(wb, proposal.id, 1)  # entered a day ago: not yet
    data = board(wb, clock=fixed_clock(NOW))
    assert data.columns[0].stale == 1
    assert data.column_of(proposal.id).stale == 0  # type: ignore[union-attr]


def test_closed_columns_show_recent_closes_and_summary(wb: Workbench) -> None:
    ids = make(wb)
    pipeline.close(wb, ids["fresh"], StageKind.WON, "price", clock=fixed_clock(NOW - timedelta(days=40)))
    pipeline.close(wb, ids["no step"], StageKind.WON, "timing", clock=fixed_clock(NOW - timedelta(days=1)))
    data = board(wb, clock=fixed_clock(NOW))
    won = data.columns[5]
    assert won.count == 1 and [c.name for c in won.cards] == ["no step"]
    total = summary(wb, clock=fixed_clock(NOW))
    assert total.open_count == 2
    assert total.open_totals == {"USD": 2000, "EUR": 500}
    assert total.stale == 1
    as_dict = total.as_dict()
    assert as_dict["open"]["count"] == 2 and len(as_dict["stages"]) == 7


def test_board_text_filter_and_card_limit(wb: Workbench) -> None:
    make(wb)
    data = board(wb, text="rot", clock=fixed_clock(NOW))
    assert [c.name for col in data.columns for c in col.cards] == ["rotting"]
    data = board(wb, text="acme", clock=fixed_clock(NOW), card_limit=1)
    assert data.columns[0].count == 3 and data.columns[0].hidden == 2


def test_table_source_styles_sort_and_filter(wb: Workbench) -> None:
    ids = make(wb)
    pipeline.close(wb, ids["touched"], StageKind.WON, "price", clock=fixed_clock(NOW))
    source = opportunity_table(wb, fixed_clock(NOW))
    assert source.count(TableQuery()) == 4
    got = {r["name"]: r["style"] for r in table_rows(wb, TableQuery(), fixed_clock(NOW))}
    assert got == {"fresh": "", "rotting": STYLE_STALE, "touched": STYLE_WON, "no step": STYLE_NO_NEXT_STEP}
    open_only = table_rows(wb, TableQuery(chips={"outcome": "open"}, sort_key="amount", descending=True))
    assert [r["name"] for r in open_only] == ["no step", "rotting", "fresh"]
    assert open_only[0]["probability"] == 0.6 and open_only[0]["stage"] == "Proposal"
    assert [r["name"] for r in table_rows(wb, TableQuery(text="rott"))] == ["rotting"]
    assert source.count(TableQuery(text="100%_")) == 0  # LIKE wildcards are literal
