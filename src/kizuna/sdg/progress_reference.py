"""The progress method for one series in plain Python, branch by branch as Open SDG writes it.

`kizuna.sdg.progress.assess_arrays` computes the same thing for many series at once with
numpy. This version follows the structure of Open SDG's ``SeriesProgress`` (sdg-build
``sdg/ProgressMeasure.py``) one series at a time, with floats and ``if`` statements: it is
the readable statement of the method, the check of the vectorised code in the tests, and the
per-series baseline of ``benchmarks/sdg.py``. Returns (progress value, score, status), None
for what is not available.
"""

from __future__ import annotations

import math


def assess_one(
    base_value: float,
    base_year: float,
    current_value: float,
    current_year: float,
    direction: int,
    target: float | None = None,
    target_year: float = 2030,
    limit: float | None = None,
) -> tuple[float | None, float | None, str]:
    """(progress value, score, status) of one series (see `kizuna.sdg.progress`)."""
    if target == 0:
        target = 0.001
    achieved = target is not None and (
        (direction == -1 and current_value <= target)
        or (direction == 1 and current_value >= target)
    )
    sign = -1.0 if base_value < 0 else 1.0
    coefficient = 1.0
    high, mid = (0.95, 0.6) if target is not None else (0.015, 0.005)
    if target is None and limit is not None:
        b, lim = abs(base_value), abs(limit)
        if b >= 2 * lim:
            coefficient = 1.0
        elif b <= lim:
            coefficient = 1 - (b / lim) ** 4.44
        else:
            coefficient = 1 - ((2 * lim - b) / lim) ** 4.44
        high, mid = high * coefficient, mid * coefficient
    value = _value(
        base_value, base_year, current_value, current_year, direction, target, target_year, sign
    )
    if achieved:
        return value, 5.0, "target_achieved"
    if value is None:
        return None, None, "not_available"
    if value >= high:
        status = "substantial_progress"
    elif value >= mid:
        status = "moderate_progress"
    elif value >= 0:
        status = "limited_progress"
    else:
        status = "deterioration"
    return value, _score(value, target is not None, coefficient), status


def _value(
    base_value: float,
    base_year: float,
    current_value: float,
    current_year: float,
    direction: int,
    target: float | None,
    target_year: float,
    sign: float,
) -> float | None:
    if any(math.isnan(v) for v in (base_value, base_year, current_value, current_year)):
        return None
    base = 0.001 if base_value == 0 else base_value  # replaced before the sign check
    if (base > 0 > current_value) or (base < 0 < current_value):
        return None
    if current_year - base_year < 1:
        return None
    if target is not None and target_year - base_year <= 0:
        return None
    cagr = (current_value / base) ** (1 / (current_year - base_year)) - 1
    if target is None:
        return sign * direction * cagr
    if target / base < 0:
        return None  # a target of the other sign: no real growth rate reaches it
    required = (target / base) ** (1 / (target_year - base_year)) - 1
    if required == 0:
        return math.copysign(math.inf, sign * direction * cagr) if cagr != 0 else None
    return sign * direction * cagr / abs(required)


def _score(value: float, has_target: bool, coefficient: float) -> float:
    if has_target:
        if value >= 0.6:
            return min(7.1429 * value - 4.2857, 5.0)
        return max(4.1667 * value - 2.5, -5.0)
    if value < 0:
        return max(125 * value - 2.5, -5.0)
    if coefficient == 0:
        return 5.0
    if value >= 0.015 * coefficient:
        return min(500 * value / coefficient - 5, 5.0)
    if value >= 0.005 * coefficient:
        return 250 * value / coefficient - 1.25
    return 500 * value / coefficient - 2.5
