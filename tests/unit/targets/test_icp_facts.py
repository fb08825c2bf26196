"""The ICP checklist pre-judges what the account's facts answer (issue 22): employees
against a size range, industry, region — the rep's mark overrides, and a mark the facts
contradict is flagged; the cached fit score counts what the checklist shows."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from workbench.domain import Account, CheckState
from workbench.services.targets import icp
from workbench.services.targets.accounts import AccountInput, create_account, update_account
from workbench.services.targets.icp_facts import INDUSTRY, REGION, SIZE, Facts, Rule, judge, rule_of
from workbench.store import Workbench


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("200–2,000 employees", 200, 2000),
        ("500-5000 employees", 500, 5000),
        ("Between 50 and 250 people", 50, 250),
        ("1k–10k employees", 1000, 10000),
        ("1–5k staff", 1000, 5000),
        ("1,000+ employees", 1000, None),
        ("Over 1,000 employees", 1001, None),
        ("At least 50 staff", 50, None),
        ("Under 200 employees", None, 199),
        ("Up to 500 employees", None, 500),
    ],
)
def test_size_criteria_are_read_from_their_text(text: str, low: int | None, high: int | None) -> None:
    assert rule_of(text) == Rule(SIZE, low, high)


def test_industry_and_region_criteria_and_what_stays_with_the_rep() -> None:
    assert rule_of("Industry: software, fintech or insurance") == Rule(
        INDUSTRY, values=("software", "fintech", "insurance")
    )
    assert rule_of("Region: EMEA, North America") == Rule(REGION, values=("EMEA", "North America"))
    # "In our regions" is answered once the description lists them.
    assert rule_of("In our regions") is None
    assert rule_of("In our regions", "EMEA; UK") == Rule(REGION, values=("EMEA", "UK"))
    assert rule_of("Uses a competitor or a spreadsheet today") is None
    assert rule_of("Hiring sales reps (growing team)") is None


def test_facts_judge_or_leave_it_to_the_rep() -> None:
    size = rule_of("200–2,000 employees")
    assert judge(size, Facts(25_017, "", "")) is not None
    assert judge(size, Facts(25_017, "", "")).state == CheckState.NOT_MET  # type: ignore[union-attr]
    assert judge(size, Facts(200, "", "")).state == CheckState.MET  # type: ignore[union-attr]
    assert judge(size, Facts(None, "Software", "EMEA")) is None  # no employee count: the rep decides
    software = rule_of("Industry: software")
    assert judge(software, Facts(None, "Computer Software", "")).state == CheckState.MET  # type: ignore[union-attr]
    assert judge(software, Facts(None, "Retail", "")).state == CheckState.NOT_MET  # type: ignore[union-attr]
    assert judge(software, Facts(None, "", "")) is None


def _setup(s: Session) -> tuple[int, int, int]:
    icp.save_criteria(
        s,
        [
            icp.CriterionEdit(None, "200–2,000 employees", 3),
            icp.CriterionEdit(None, "Uses a spreadsheet today", 1),
        ],
    )
    size, other = icp.list_criteria(s)
    account = create_account(s, AccountInput("Globex", "globex.com", employees=25_017, is_target=True))
    return account, size.id, other.id


def test_a_size_criterion_is_prejudged_from_25017_employees_as_not_met(wb: Workbench) -> None:
    with wb.session() as s:
        account, _size_id, _other = _setup(s)
        size_line, other_line = icp.checklist(s, account)
        assert size_line.state == CheckState.NOT_MET
        assert size_line.from_facts and not size_line.contradicted
        assert size_line.facts is not None and size_line.facts.value == 25_017
        assert other_line.state == CheckState.UNKNOWN and not other_line.from_facts
        # Judged by the facts, so the account is assessed: 0 of 100, a quarter left to research.
        assert s.get(Account, account).fit_score == 0.0  # type: ignore[union-attr]
        assert icp.fit_of_account(s, account).research_left == 25.0


def test_the_reps_mark_overrides_and_a_contradicted_met_is_flagged(wb: Workbench) -> None:
    with wb.session() as s:
        account, size_id, _other = _setup(s)
        fit = icp.set_check(s, account, size_id, CheckState.MET, "They said so on the call")
        line = icp.checklist(s, account)[0]
        assert line.marked == line.state == CheckState.MET  # the rep's mark counts
        assert not line.from_facts and line.contradicted  # …but 25,017 employees say otherwise
        assert fit.score == 75.0 and s.get(Account, account).fit_score == 75.0  # type: ignore[union-attr]
        # Unknown takes the mark back: the facts answer again.
        icp.set_check(s, account, size_id, CheckState.UNKNOWN)
        line = icp.checklist(s, account)[0]
        assert line.from_facts and line.state == CheckState.NOT_MET
        assert line.evidence == "They said so on the call"  # the evidence stays


def test_editing_the_accounts_facts_rejudges_and_rescores(wb: Workbench) -> None:
    with wb.session() as s:
        account, _size, _other = _setup(s)
        assert s.get(Account, account).fit_score == 0.0  # type: ignore[union-attr]
        update_account(s, account, AccountInput("Globex", "globex.com", employees=800, is_target=True))
        assert icp.checklist(s, account)[0].state == CheckState.MET
        assert s.get(Account, account).fit_score == 75.0  # type: ignore[union-attr]
        update_account(s, account, AccountInput("Globex", "globex.com", employees=None, is_target=True))
        assert icp.checklist(s, account)[0].state == CheckState.UNKNOWN
        assert s.get(Account, account).fit_score is None  # type: ignore[union-attr]
