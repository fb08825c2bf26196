"""The Wilson score interval against published values (Newcombe 1998, Table I, method 3)."""

from __future__ import annotations

import pytest

from workbench.services.insights.wilson import rate, ratio, wilson_interval


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_known_values(successes: int, trials: int, low: float, high: float) -> None:
    interval = wilson_interval(successes, trials)
    assert interval is not None
    assert interval[0] == pytest.approx(low, abs=5e-5)
    assert interval[1] == pytest.approx(high, abs=5e-5)


def test_the_ends_are_exact_and_the_interval_holds_the_rate() -> None:
    assert wilson_interval(0, 10) == (0.0, pytest.approx(0.2775, abs=5e-5))
    assert wilson_interval(10, 10) == (pytest.approx(0.7225, abs=5e-5), 1.0)
    for n in (1, 2, 4, 40, 400):
        for k in range(n + 1):
            interval = wilson_interval(k, n)
            assert interval is not None
            assert 0.0 <= interval[0] <= k / n <= interval[1] <= 1.0


def test_small_samples_get_wider_intervals() -> None:
    small = wilson_interval(2, 4)
    big = wilson_interval(200, 400)
    assert small is not None and big is not None
    assert small[1] - small[0] > 3 * (big[1] - big[0])


def test_zero_denominator_has_no_interval_and_no_rate() -> None:
    assert wilson_interval(0, 0) is None
    assert rate(0, 0) is None
    assert ratio(5, 0) is None
    assert ratio(5, 2) == 2.5


def test_impossible_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        wilson_interval(5, 3)
