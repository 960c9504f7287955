"""The progress method (Open SDG / Statistics Canada): worked examples, edge cases, bands.

Equations (kizuna.sdg.progress): CAGR = (yi / y0)^(1 / (ti - t0)) - 1; with a target
R = d CAGR / |CAGR_T|, score 7.1429 R - 4.2857 (R >= 0.6, at most 5) or 4.1667 R - 2.5
(at least -5); without one P = d CAGR against 0.015 C, 0.005 C and 0, scores piecewise linear.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kizuna.errors import InputError
from kizuna.sdg.progress import (
    STATUSES,
    assess_arrays,
    assess_frame,
    assess_series,
    status_from_score,
    status_from_value,
    status_name_from_score,
)
from kizuna.sdg.progress_reference import assess_one


def test_worked_example_with_target() -> None:
    """14.5 (2015) -> 10.2 (2023), lower is better, target 7.25 in 2030.

    CAGR = (10.2 / 14.5)^(1/8) - 1 = -0.0430175; CAGR_T = 0.5^(1/15) - 1 = -0.0451582;
    R = 0.0430175 / 0.0451582 = 0.9525902 >= 0.95; score = 7.1429 R - 4.2857 = 2.5185564."""
    s = assess_series(14.5, 2015, 10.2, 2023, -1, target=7.25, target_year=2030)
    assert round(s.progress_value, 7) == 0.9525902
    assert round(s.score, 7) == 2.5185564
    assert s.status == "substantial_progress"


def test_worked_example_without_target_with_limit() -> None:
    """90.0 (2015) -> 93.2 (2021), higher is better, no target, limit 100.

    P = (93.2 / 90)^(1/6) - 1 = 0.0058400; C = 1 - 0.9^4.44 = 0.3736216; 0.015 C = 0.0056043
    <= P, so substantial; score = 500 P / C - 5 = 2.8153866."""
    s = assess_series(90.0, 2015, 93.2, 2021, 1, limit=100)
    assert round(s.progress_value, 7) == 0.0058400
    assert round(s.score, 7) == 2.8153866
    assert s.status == "substantial_progress"
    assert s.coefficient == pytest.approx(1 - 0.9**4.44)


def test_zero_base_is_replaced_by_a_thousandth() -> None:
    """Base 0 -> 0.001: P = (2 / 0.001)^(1/5) - 1 = 3.5733 (and the score caps at 5)."""
    s = assess_series(0.0, 2015, 2.0, 2020, 1)
    assert s.progress_value == pytest.approx((2 / 0.001) ** (1 / 5) - 1)
    assert s.score == 5.0


def test_zero_target_is_replaced_by_a_thousandth() -> None:
    """Target 0 -> 0.001: CAGR_T = (0.001 / 10)^(1/15) - 1; CAGR = (5 / 10)^(1/5) - 1;
    R = -CAGR / |CAGR_T| (lower is better)."""
    s = assess_series(10.0, 2015, 5.0, 2020, -1, target=0, target_year=2030)
    expected = -((0.5 ** (1 / 5)) - 1) / abs((0.0001 ** (1 / 15)) - 1)
    assert s.progress_value == pytest.approx(expected)
    assert s.status == "limited_progress"  # R = 0.2869 < 0.6


def test_fewer_than_two_points_is_not_available() -> None:
    """Base and current in the same year: no growth can be measured."""
    s = assess_series(10.0, 2020, 9.0, 2020, -1)
    assert (s.progress_value, s.score, s.status) == (None, None, "not_available")
    nan = assess_series(float("nan"), float("nan"), float("nan"), float("nan"), 1)
    assert nan.status == "not_available"


def test_target_already_achieved_scores_five() -> None:
    """Current 6 <= target 7.25 (lower is better): target achieved, score 5, whatever the trend;
    even with one year of data, as Open SDG does."""
    s = assess_series(8.0, 2015, 6.0, 2020, -1, target=7.25)
    assert (s.score, s.status) == (5.0, "target_achieved")
    one_year = assess_series(6.0, 2020, 6.0, 2020, -1, target=7.25)
    assert (one_year.score, one_year.status) == (5.0, "target_achieved")
    assert one_year.progress_value is None
    higher = assess_series(50, 2015, 100, 2020, 1, target=100)
    assert higher.status == "target_achieved"


def _ratio_series(r: float) -> tuple[float, float, float, float, int]:
    """A series whose R is `r` (to rounding): base 100 in 2015, target 50 in 2030 (lower is
    better), CAGR = r x CAGR_T over 5 years."""
    cagr_t = 0.5 ** (1 / 15) - 1
    current = 100 * (1 + r * cagr_t) ** 5
    return 100.0, 2015.0, current, 2020.0, -1


@pytest.mark.parametrize(
    ("value", "has_target", "status"),
    [
        (0.95, True, "substantial_progress"),
        (0.9499999, True, "moderate_progress"),
        (0.6, True, "moderate_progress"),
        (0.5999999, True, "limited_progress"),
        (0.0, True, "limited_progress"),
        (-1e-9, True, "deterioration"),
        (0.015, False, "substantial_progress"),
        (0.0149999, False, "moderate_progress"),
        (0.005, False, "moderate_progress"),
        (0.0049999, False, "limited_progress"),
        (0.0, False, "limited_progress"),
        (-1e-9, False, "deterioration"),
    ],
)
def test_status_at_each_band_boundary(value: float, has_target: bool, status: str) -> None:
    """Each threshold belongs to the band above it (>=): 0.95, 0.6, 0 for R; 0.015, 0.005, 0
    for P (C = 1)."""
    assert STATUSES[int(status_from_value(value, has_target)[0])] == status


@pytest.mark.parametrize(
    ("r", "status"),
    [
        (0.96, "substantial_progress"),
        (0.7, "moderate_progress"),
        (0.3, "limited_progress"),
        (-0.2, "deterioration"),
    ],
)
def test_target_bands_from_series(r: float, status: str) -> None:
    """Series built to have R = 0.96, 0.7, 0.3, -0.2 get the band of that R."""
    s = assess_series(*_ratio_series(r), target=50.0)
    assert s.progress_value == pytest.approx(r, abs=1e-9)
    assert s.status == status


@pytest.mark.parametrize(
    ("p", "status", "score"),
    [
        (0.016, "substantial_progress", 500 * 0.016 - 5),
        (0.0149, "moderate_progress", 250 * 0.0149 - 1.25),
        (0.0051, "moderate_progress", 250 * 0.0051 - 1.25),
        (0.0049, "limited_progress", 500 * 0.0049 - 2.5),
        (0.0001, "limited_progress", 500 * 0.0001 - 2.5),
        (-0.01, "deterioration", -3.75),
        (0.02, "substantial_progress", 5.0),
    ],
)
def test_growth_bands_and_scores(p: float, status: str, score: float) -> None:
    """Scores without a target (C = 1): 500 P - 5, 250 P - 1.25, 500 P - 2.5, 125 P - 2.5, so
    2.5 at P = 0.015, 0 at 0.005, -2.5 at 0 and -5 at -0.02. Series: 100 in 2015 growing at P
    per year for 4 years (higher is better)."""
    s = assess_series(100.0, 2015, 100 * (1 + p) ** 4, 2019, 1)
    assert s.progress_value == pytest.approx(p, abs=1e-12)
    assert s.status == status
    assert s.score == pytest.approx(score, abs=1e-9)


def test_scores_cap_at_plus_and_minus_five() -> None:
    """R = 3 -> 7.1429 x 3 - 4.2857 = 17.1 -> 5; R = -2 -> 4.1667 x -2 - 2.5 = -10.8 -> -5;
    P = 0.3 -> 5; P = -0.3 -> 125 x -0.3 - 2.5 = -40 -> -5."""
    cases = [
        (assess_series(*_ratio_series(3.0), target=50.0), 5.0),
        (assess_series(*_ratio_series(-2.0), target=50.0), -5.0),
        (assess_series(100, 2015, 130, 2016, 1), 5.0),
        (assess_series(100, 2015, 70, 2016, 1), -5.0),
    ]
    for s, score in cases:
        assert s.score == score


def test_base_at_the_limit_keeps_on_track() -> None:
    """y0 = yL: C = 0, every threshold is 0, so holding the limit (P >= 0) scores 5."""
    s = assess_series(100.0, 2015, 100.0, 2020, 1, limit=100)
    assert s.coefficient == 0.0
    assert (s.score, s.status) == (5.0, "substantial_progress")
    falling = assess_series(100.0, 2015, 99.0, 2020, 1, limit=100)
    assert falling.status == "deterioration"


def test_minimum_limit_is_reflected() -> None:
    """Lower is better towards a minimum 10 from 12: C = 1 - ((2 x 10 - 12) / 10)^4.44
    = 1 - 0.8^4.44; from 25 (>= 2 x 10) C = 1."""
    near = assess_series(12.0, 2015, 11.0, 2020, -1, limit=10)
    assert near.coefficient == pytest.approx(1 - 0.8**4.44)
    far = assess_series(25.0, 2015, 20.0, 2020, -1, limit=10)
    assert far.coefficient == 1.0


def test_negative_series_flip_direction_and_sign_changes_are_not_assessed() -> None:
    """All negative: s = -1; -10 -> -5 with higher better: CAGR = 0.5^(1/5) - 1 < 0 and
    P = s d CAGR = +0.1294 (the value rose towards zero)."""
    s = assess_series(-10.0, 2015, -5.0, 2020, 1)
    assert s.progress_value == pytest.approx(-(0.5 ** (1 / 5) - 1))
    assert assess_series(-10.0, 2015, 5.0, 2020, 1).status == "not_available"


def test_direction_must_be_one_or_minus_one() -> None:
    with pytest.raises(InputError, match="direction"):
        assess_arrays([1.0], [2015], [2.0], [2020], [0])


def test_status_bands_of_scores() -> None:
    """[2.5, 5] substantial, [0, 2.5) moderate, [-2.5, 0) limited, [-5, -2.5) deterioration."""
    scores = [5, 2.5, 2.4999, 0, -0.0001, -2.5, -2.5001, -5, float("nan")]
    names = [STATUSES[i] for i in status_from_score(scores)]
    assert names == [
        "substantial_progress",
        "substantial_progress",
        "moderate_progress",
        "moderate_progress",
        "limited_progress",
        "limited_progress",
        "deterioration",
        "deterioration",
        "not_available",
    ]
    assert status_name_from_score(3.0, target_achieved=True) == "target_achieved"
    assert status_name_from_score(None) == "not_available"


def test_vectorised_matches_the_per_series_reference() -> None:
    """2,000 random series (with and without targets and limits, zeros, negatives, one-year
    series) give the same values, scores and statuses as the plain-Python reference."""
    rng = np.random.default_rng(7)
    n = 2000
    base = rng.choice([0.0, 1.0, 10.0, 50.0, 95.0, -20.0], n) * rng.uniform(0.5, 1.5, n)
    base[rng.random(n) < 0.05] = 0.0
    current = base * rng.uniform(0.5, 1.6, n)
    current[rng.random(n) < 0.03] = -current[rng.random(n) < 0.03].mean()
    base_year = rng.integers(2010, 2020, n).astype(float)
    current_year = base_year + rng.integers(0, 8, n)
    direction = rng.choice([-1, 1], n)
    target = np.where(rng.random(n) < 0.5, base * rng.uniform(0.3, 1.8, n), np.nan)
    target[rng.random(n) < 0.03] = 0.0
    limit = np.where(np.isnan(target) & (rng.random(n) < 0.4), 100.0, np.nan)
    out = assess_arrays(base, base_year, current, current_year, direction, target, 2030, limit)
    for i in range(n):
        value, score, status = assess_one(
            base[i],
            base_year[i],
            current[i],
            current_year[i],
            int(direction[i]),
            None if np.isnan(target[i]) else target[i],
            2030,
            None if np.isnan(limit[i]) else limit[i],
        )
        assert out.status_names()[i] == status, i
        if score is None:
            assert math.isnan(out.score[i])
        else:
            assert out.score[i] == pytest.approx(score, rel=1e-12, abs=1e-12)
        if value is None:
            assert math.isnan(out.progress_value[i])
        elif math.isfinite(value):
            assert out.progress_value[i] == pytest.approx(value, rel=1e-12)


def test_assess_frame_defaults_and_blanks() -> None:
    """target_year defaults to 2030 (blank too); a blank target is no target."""
    frame = pd.DataFrame(
        {
            "series": ["a", "b"],
            "base_year": [2015, 2015],
            "base_value": [14.5, 90.0],
            "current_year": [2023, 2021],
            "current_value": [10.2, 93.2],
            "direction": [-1, 1],
            "target": [7.25, np.nan],
            "target_year": [np.nan, np.nan],
            "limit": [np.nan, 100],
        }
    )
    done = assess_frame(frame)
    assert done["score"].round(7).tolist() == [2.5185564, 2.8153866]
    with pytest.raises(InputError, match="lacks columns"):
        assess_frame(frame.drop(columns=["direction"]))
