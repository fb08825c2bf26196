"""The target list: progress against the goal, untouched targets, promote/park history, the table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from workbench.domain import Account, AccountStatus, Activity, CheckState, Opportunity, PipelineStage
from workbench.services.clock import fixed_clock
from workbench.services.outreach.touches import recompute
from workbench.services.settings import values as settings
from workbench.services.tables import TableQuery
from workbench.services.targets import icp
from workbench.services.targets import target_list as targets
from workbench.services.targets.accounts import AccountError, AccountInput, create_account
from workbench.services.targets.target_list import Engagement, FitBand
from workbench.store import Workbench

NOW = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
clock = fixed_clock(NOW)


def target(s: Session, name: str, tier: str | None = None, **extra: object) -> int:
    return create_account(s, AccountInput(name, tier=tier, is_target=True, **extra), clock=clock)  # type: ignore[arg-type]


def touch(s: Session, account_id: int, days_ago: float) -> None:
    s.add(Activity(channel="call", at=NOW - timedelta(days=days_ago), account_id=account_id))
    s.flush()
    recompute(s, account_ids=[account_id])


def test_progress_against_the_goal_and_untouched(wb: Workbench) -> None:
    settings.write(wb, "targets.goal", 3)
    with wb.session() as s:
        fresh = target(s, "Fresh")
        recent = target(s, "Recent")
        old = target(s, "Old")
        parked = target(s, "Parked")
        create_account(s, AccountInput("Not a target"), clock=clock)
        touch(s, recent, 2)
        touch(s, old, 30)
        targets.park(s, parked, "reorg until Q3", clock=clock)
    with wb.reading() as s:
        summary = targets.summary(s, NOW)
        assert (summary.goal, summary.active, summary.parked) == (3, 3, 1)
        assert summary.reached and summary.progress == 1.0
        assert summary.untouched == 2 and summary.untouched_days == 14
        untouched = targets.untouched_targets(s, NOW)
        assert [(u.id, u.days_since) for u in untouched] == [(fresh, None), (old, 30)]
        assert targets.count_untouched(s, NOW) == 2
        assert targets.untouched_targets(s, NOW + timedelta(days=20))[-1].id == recent


def test_goal_of_zero_is_reached_not_divided(wb: Workbench) -> None:
    settings.write(wb, "targets.goal", 0)
    with wb.reading() as s:
        summary = targets.summary(s, NOW)
    assert summary.progress == 1.0 and summary.reached


def test_promote_demote_park_keep_history(wb: Workbench) -> None:
    later = fixed_clock(NOW + timedelta(hours=1))
    with wb.session() as s:
        acc = create_account(s, AccountInput("Acme", "acme.com"), clock=clock)
        assert targets.promote(s, acc, tier="B", reason="inbound leads keep coming", clock=clock)
        assert not targets.promote(s, acc, clock=clock)  # already a target
        with pytest.raises(AccountError, match="why"):
            targets.park(s, acc, "   ", clock=clock)
        targets.set_status(s, acc, AccountStatus.CONTACTED, clock=clock)
        targets.park(s, acc, "budget frozen", clock=later)
        assert s.get(Account, acc).park_reason == "budget frozen"  # type: ignore[union-attr]
        assert targets.unpark(s, acc, clock=later) == AccountStatus.CONTACTED
        targets.set_tier(s, acc, "A", clock=later)
        assert targets.demote(s, acc, "merged into Globex", clock=later)
        assert not targets.demote(s, acc, clock=later)
        events = targets.history(s, acc)
    assert [(e.what, e.old, e.new, e.reason) for e in reversed(events)] == [
        ("promoted", "", "B", "inbound leads keep coming"),
        ("status", "researching", "contacted", ""),
        ("status", "contacted", "parked", "budget frozen"),
        ("status", "parked", "contacted", ""),
        ("tier", "B", "A", ""),
        ("demoted", "A", "", "merged into Globex"),
    ]


def test_status_only_advances(wb: Workbench) -> None:
    with wb.session() as s:
        acc = target(s, "Acme")
        assert targets.advance_status(s, acc, AccountStatus.ENGAGED, clock=clock)
        assert not targets.advance_status(s, acc, AccountStatus.CONTACTED, clock=clock)
        targets.park(s, acc, "later", clock=clock)
        assert not targets.advance_status(s, acc, AccountStatus.OPPORTUNITY, clock=clock)
        assert s.get(Account, acc).status == AccountStatus.PARKED  # type: ignore[union-attr]


def test_fit_engagement_grid_shows_good_fits_not_engaged(wb: Workbench) -> None:
    with wb.session() as s:
        icp.save_criteria(s, [icp.CriterionEdit(None, "Big", 1), icp.CriterionEdit(None, "Near", 1)])
        big, near = icp.list_criteria(s)
        good_idle = target(s, "Good idle")
        good_busy = target(s, "Good busy")
        poor = target(s, "Poor")
        unknown = target(s, "Unknown")
        for acc in (good_idle, good_busy):
            icp.set_checks(s, acc, {big.id: (CheckState.MET, ""), near.id: (CheckState.MET, "")})
        icp.set_check(s, poor, big.id, CheckState.NOT_MET)
        touch(s, good_busy, 1)
        stage = PipelineStage(name="Qualified")
        s.add(stage)
        s.flush()
        assert stage.id is not None
        s.add(Opportunity(name="Deal", account_id=poor, stage_id=stage.id, amount=5000))
        s.flush()
        cells = targets.fit_engagement(s)
        summary = targets.summary(s, NOW)
        rows = {r.name: r for r in targets.list_targets(s)}
    assert [a.id for a in cells[(FitBand.GOOD, Engagement.NOT_CONTACTED)]] == [good_idle]
    assert [a.id for a in cells[(FitBand.GOOD, Engagement.CONTACTED)]] == [good_busy]
    assert [a.id for a in cells[(FitBand.POOR, Engagement.OPPORTUNITY)]] == [poor]
    assert [a.id for a in cells[(FitBand.UNASSESSED, Engagement.NOT_CONTACTED)]] == [unknown]
    assert summary.good_fit_not_engaged == 1
    assert rows["Poor"].open_pipeline == 5000 and rows["Poor"].unknown == 1
    assert rows["Good idle"].fit_score == 100.0 and rows["Unknown"].fit_score is None


def test_fit_bands_follow_the_setting() -> None:
    assert targets.fit_band(None, 70) is FitBand.UNASSESSED
    assert targets.fit_band(70, 70) is FitBand.GOOD
    assert targets.fit_band(35, 70) is FitBand.MEDIUM
    assert targets.fit_band(34.9, 70) is FitBand.POOR


def test_table_sorts_by_fit_tier_and_last_touch(wb: Workbench) -> None:
    with wb.session() as s:
        icp.save_criteria(s, [icp.CriterionEdit(None, "Big", 1), icp.CriterionEdit(None, "Near", 3)])
        big, near = icp.list_criteria(s)
        a = target(s, "Alpha", "C")
        b = target(s, "Bravo", "A")
        c = target(s, "Charlie", "B")
        icp.set_check(s, a, near.id, CheckState.MET)  # 75
        icp.set_check(s, b, big.id, CheckState.MET)  # 25
        touch(s, b, 1)
        touch(s, c, 40)
        parked = target(s, "Parked")
        targets.park(s, parked, "no budget", clock=clock)
    source = targets.target_table(wb, clock)

    def ids(**query: object) -> list[int]:
        q = TableQuery(**query)  # type: ignore[arg-type]
        return [row[0] for row in source.fetch(q, 0, 50, source.count(q))]

    assert ids(sort_key="fit", descending=True)[:2] == [a, b]
    assert ids(sort_key="tier") == [b, c, a]
    assert ids(sort_key="last_touch", descending=True)[0] == b
    assert parked not in ids()
    assert parked in ids(chips={"parked": True})
    assert set(ids(chips={"untouched": True})) == {a, c}
    assert ids(text="brav") == [b]
    styles = {row[0]: row[1] for row in source.fetch(TableQuery(chips={"parked": True}), 0, 50)}
    assert styles[a] == "untouched" and styles[b] == "" and styles[parked] == "muted"
    headers = [c.title for c in source.columns]
    assert {"Tier", "Fit", "Status", "Contacts", "Last touch", "Next follow-up", "Open pipeline"} <= set(
        headers
    )
