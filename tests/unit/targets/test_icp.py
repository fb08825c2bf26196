"""ICP criteria, weights and the fit score."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from workbench.domain import Account, CheckState
from workbench.services.targets import icp
from workbench.services.targets.accounts import AccountInput, create_account
from workbench.store import Workbench

STATES = st.sampled_from([CheckState.MET, CheckState.NOT_MET, CheckState.UNKNOWN])
WEIGHTS = st.floats(min_value=-5, max_value=1e6) | st.sampled_from([0.0, math.nan, math.inf, -math.inf])


@st.composite
def profiles(draw: st.DrawFn) -> tuple[list[CheckState], list[float]]:
    n = draw(st.integers(min_value=0, max_value=12))
    weights = draw(st.lists(WEIGHTS, min_size=n, max_size=n))
    states = draw(st.lists(STATES, min_size=n, max_size=n))
    return states, weights


@given(profiles())
def test_fit_is_bounded_and_research_adds_up(profile: tuple[list[CheckState], list[float]]) -> None:
    states, weights = profile
    fit = icp.fit_of(states, weights)
    assert 0.0 <= fit.score <= 100.0
    assert 0.0 <= fit.research_left <= 100.0
    assert fit.score <= fit.potential <= 100.0
    assert fit.total == len(states)
    if states and all(s == CheckState.MET for s in states):
        assert fit.score == pytest.approx(100.0, abs=0.1)
    if all(s != CheckState.MET for s in states):
        assert fit.score == 0.0


@given(profiles(), st.data())
def test_fit_never_falls_when_a_criterion_becomes_met(
    profile: tuple[list[CheckState], list[float]], data: st.DataObject
) -> None:
    states, weights = profile
    if not states:
        return
    i = data.draw(st.integers(min_value=0, max_value=len(states) - 1))
    before = icp.fit_of(states, weights)
    after = icp.fit_of([*states[:i], CheckState.MET, *states[i + 1 :]], weights)
    assert after.score >= before.score
    assert after.met >= before.met


def test_weights_are_normalised_and_never_divided_by_zero() -> None:
    shares, note = icp.normalise([3, 1])
    assert shares == (0.75, 0.25) and note == ""
    shares, note = icp.normalise([0, 0, 0])
    assert shares == pytest.approx((1 / 3, 1 / 3, 1 / 3)) and "counts the same" in note
    shares, note = icp.normalise([-2, 2, math.nan, math.inf])
    assert shares == (0.0, 1.0, 0.0, 0.0) and "count as 0" in note
    assert icp.normalise([]) == ((), "")
    assert icp.fit_of([], []).score == 0.0


def test_fit_arithmetic_with_weights() -> None:
    fit = icp.fit_of([CheckState.MET, CheckState.NOT_MET, CheckState.UNKNOWN], [3, 2, 5])
    assert fit.score == 30.0
    assert fit.research_left == 50.0
    assert fit.potential == 80.0
    assert (fit.met, fit.not_met, fit.unknown) == (1, 1, 1)


def test_criteria_crud_and_cached_fit(wb: Workbench) -> None:
    with wb.session() as s:
        defaults = icp.list_criteria(s)
        assert len(defaults) == 5  # seeded with a new file
        icp.save_criteria(s, [icp.CriterionEdit(None, "Big", 3), icp.CriterionEdit(None, "Near", 1)])
        big, near = icp.list_criteria(s)
        account = create_account(s, AccountInput("Acme", "acme.com", is_target=True))
        assert s.get(Account, account).fit_score is None  # nothing judged yet: not assessed
        fit = icp.set_check(s, account, big.id, CheckState.MET, "2,000 staff on LinkedIn")
        assert fit.score == 75.0 and fit.research_left == 25.0
        assert s.get(Account, account).fit_score == 75.0
        icp.set_check(s, account, near.id, CheckState.NOT_MET)
        lines = icp.checklist(s, account)
        assert [(line.criterion.name, line.state, line.evidence) for line in lines] == [
            ("Big", CheckState.MET, "2,000 staff on LinkedIn"),
            ("Near", CheckState.NOT_MET, ""),
        ]
        # A weight change re-scores every account.
        icp.update_criterion(s, near.id, weight=3)
        assert s.get(Account, account).fit_score == 50.0
        # Retiring a criterion drops it from the score.
        icp.delete_criterion(s, near.id)
        assert s.get(Account, account).fit_score == 100.0
        assert [c.name for c in icp.list_criteria(s)] == ["Big"]


def test_zero_weights_still_score(wb: Workbench) -> None:
    with wb.session() as s:
        icp.save_criteria(s, [icp.CriterionEdit(None, "A", 0), icp.CriterionEdit(None, "B", 0)])
        a, _b = icp.list_criteria(s)
        account = create_account(s, AccountInput("Acme"))
        assert icp.set_check(s, account, a.id, CheckState.MET).score == 50.0
        weighting = icp.weighting(s)
        assert weighting.shares == (0.5, 0.5) and weighting.note


def test_bad_criteria_are_refused(wb: Workbench) -> None:
    with wb.session() as s:
        with pytest.raises(icp.IcpError, match="name"):
            icp.add_criterion(s, "   ")
        with pytest.raises(icp.IcpError, match="weight"):
            icp.add_criterion(s, "Big", -1)
        with pytest.raises(icp.IcpError, match="weight"):
            icp.save_criteria(s, [icp.CriterionEdit(None, "Big", math.nan)])
        with pytest.raises(icp.IcpError):
            icp.set_check(s, 12345, 1, CheckState.MET)
    with wb.reading() as s:
        assert len(s.exec(select(Account)).all()) == 0


def test_reorder_and_add(wb: Workbench) -> None:
    with wb.session() as s:
        icp.save_criteria(s, [icp.CriterionEdit(None, "One", 1), icp.CriterionEdit(None, "Two", 1)])
        new_id = icp.add_criterion(s, "Three", 2, "hiring SDRs")
        ids = [c.id for c in icp.list_criteria(s)]
        assert ids[-1] == new_id
        icp.reorder_criteria(s, list(reversed(ids)))
        assert [c.name for c in icp.list_criteria(s)] == ["Three", "Two", "One"]
        assert icp.weighting(s).share_of(new_id) == 0.5
