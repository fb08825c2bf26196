"""The Wilson score interval: an honest range for a rate measured on few cases.

A rate of 2 out of 4 and one of 200 out of 400 are both 50 %, but only the second
says much. The Wilson interval (Wilson 1927; recommended over the plain "Wald"
interval by Newcombe 1998 and by Brown, Cai & DasGupta 2001) stays inside [0, 1]
and behaves at 0 and at n, which is where small sales numbers live.
"""

from __future__ import annotations

import math

#: The two-sided 95 % quantile of the standard normal distribution.
Z95 = 1.959963984540054


def wilson_interval(successes: int, trials: int, z: float = Z95) -> tuple[float, float] | None:
    """The (low, high) bounds for ``successes / trials``; ``None`` when there were no trials."""
    if trials <= 0:
        return None
    if successes < 0 or successes > trials:
        raise ValueError(f"{successes} successes out of {trials} trials is not a rate")
    p = successes / trials
    z2 = z * z
    denominator = 1.0 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half = (z / denominator) * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    # Clamp rounding noise: at 0 and n the bounds are exactly 0 and 1.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return low, high


def rate(successes: int, trials: int) -> float | None:
    """``successes / trials``, or ``None`` when there is nothing to divide by."""
    return successes / trials if trials > 0 else None


def ratio(numerator: float, denominator: float) -> float | None:
    """A plain ratio (touches per meeting…), ``None`` when the denominator is zero."""
    return numerator / denominator if denominator else None
