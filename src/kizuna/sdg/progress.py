"""Progress towards the SDGs: the method of Statistics Canada, as built into Open SDG (2.4).

For one series with a base value y0 in year t0 and a current value yi in year ti (the latest
year with data), the compound annual growth rate is

    CAGR = (yi / y0)^(1 / (ti - t0)) - 1

(a base value of 0 is replaced by 0.001, as is a target of 0; at least two years of data,
ti - t0 >= 1; the values must not change sign, and all-negative series have their desired
direction flipped by s = -1 when y0 < 0, else s = +1). With d = +1 when higher is better and
-1 when lower is better:

With a target yT in year tT (method 2):
    CAGR_T = (yT / y0)^(1 / (tT - t0)) - 1
    R = s d CAGR / |CAGR_T|                          (the progress value)
    "target achieved" when yi already meets yT (yi >= yT for d = +1, yi <= yT for d = -1)
    status: R >= 0.95 substantial, 0.6 <= R < 0.95 moderate, 0 <= R < 0.6 limited,
            R < 0 deterioration
    score:  min(7.1429 R - 4.2857, 5) for R >= 0.6, max(4.1667 R - 2.5, -5) below;
            5 when the target is achieved

Without a target (method 1), the progress value is P = s d CAGR and its thresholds 0.015 C,
0.005 C and 0 give the status (substantial, moderate, limited, below 0 deterioration). C
scales them for a natural limit yL (C = 1 without one); with b = |y0|, L = |yL|:
    C = 1 - (b / L)^4.44           for b <= L     (approaching a maximum)
    C = 1 - ((2L - b) / L)^4.44    for L < b < 2L (approaching a minimum: reflected)
    C = 1                          for b >= 2L
and the score is piecewise linear, from -5 at P = -0.02 to +5 at P = 0.02 C:
    max(125 P - 2.5, -5)           for P < 0
    500 P / C - 2.5                for 0 <= P < 0.005 C
    250 P / C - 1.25               for 0.005 C <= P < 0.015 C
    min(500 P / C - 5, 5)          for P >= 0.015 C
    5                              for P >= 0 when C = 0 (the base value is at the limit)

Sources: Statistics Canada, "Progress Measurement Methodology for the Sustainable
Development Goals" (Open SDG documentation, docs/progress-methodology.md,
https://open-sdg.readthedocs.io/en/latest/progress/), and Open SDG's sdg-build
``sdg/ProgressMeasure.py`` (``SeriesProgress``: ``get_score``, ``get_progress_thresholds``,
``methodology_1`` and ``methodology_2``), whose coefficients are used as published
(7.1429, 4.2857, 4.1667; 4.44 for C). Everything here is vectorised over series with numpy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kizuna.errors import InputError

#: Status names, in the order of their integer codes.
STATUSES: tuple[str, ...] = (
    "target_achieved",
    "substantial_progress",
    "moderate_progress",
    "limited_progress",
    "deterioration",
    "not_available",
)
TARGET_ACHIEVED, SUBSTANTIAL, MODERATE, LIMITED, DETERIORATION, NOT_AVAILABLE = range(6)
STATUS_NAMES = np.array(STATUSES, dtype=object)

#: English labels of the statuses (reports translate them).
STATUS_LABELS: dict[str, str] = {
    "target_achieved": "Target achieved",
    "substantial_progress": "Substantial progress",
    "moderate_progress": "Moderate progress",
    "limited_progress": "Limited progress",
    "deterioration": "Deterioration",
    "not_available": "Not available",
}
#: Colours of the statuses (green to red, as Statistics Canada's gauges; grey for none).
STATUS_COLOURS: dict[str, str] = {
    "target_achieved": "#1b5e20",
    "substantial_progress": "#3b9b3b",
    "moderate_progress": "#e9b600",
    "limited_progress": "#ef7d00",
    "deterioration": "#c62828",
    "not_available": "#a3acb6",
}

DEFAULT_BASE_YEAR = 2015
DEFAULT_TARGET_YEAR = 2030
ZERO_REPLACEMENT = 0.001
LIMIT_EXPONENT = 4.44
#: Thresholds of the progress value: (substantial, moderate, limited), per method.
TARGET_THRESHOLDS = (0.95, 0.6, 0.0)
GROWTH_THRESHOLDS = (0.015, 0.005, 0.0)


@dataclass(frozen=True)
class ProgressArrays:
    """The assessment of n series: `progress_value` (R with a target, P without; NaN when
    the series cannot be assessed), `score` in [-5, 5] (NaN when not available), `status`
    codes (indices into `STATUSES`), `target_achieved` and the limit coefficient C."""

    progress_value: np.ndarray
    score: np.ndarray
    status: np.ndarray
    target_achieved: np.ndarray
    coefficient: np.ndarray

    def status_names(self) -> np.ndarray:
        """The statuses as names (``substantial_progress``, ...)."""
        return STATUS_NAMES[self.status]

    def __len__(self) -> int:
        return int(self.score.size)


def _floats(value: Any, n: int, name: str) -> np.ndarray:
    if value is None:
        return np.full(n, np.nan)
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return np.full(n, float(array))
    if array.shape != (n,):
        raise InputError(f"{name}: expected {n} values, got {array.shape}")
    return array


def assess_arrays(
    base_value: Any,
    base_year: Any,
    current_value: Any,
    current_year: Any,
    direction: Any,
    target: Any = None,
    target_year: Any = DEFAULT_TARGET_YEAR,
    limit: Any = None,
) -> ProgressArrays:
    """Assess n series at once (see the module docstring for the equations).

    Every argument is an array of n values or a scalar for all: values in the indicator's
    unit, years as numbers, `direction` +1 (higher is better) or -1 (lower is better),
    `target` NaN (or None) for a series without a target, `limit` NaN (or None) for a
    series without a natural limit (ignored with a target). A series that cannot be
    assessed (fewer than two years, a sign change, a missing value, a target of the other
    sign than the base value, a target year not after the base year) has status
    ``not_available`` and NaN score, unless its current value already meets its target,
    which is ``target_achieved`` with score 5 as in Open SDG.
    """
    n = int(np.broadcast(*[np.asarray(a) for a in (base_value, current_value, direction)]).size)
    y0 = _floats(base_value, n, "base_value")
    t0 = _floats(base_year, n, "base_year")
    yi = _floats(current_value, n, "current_value")
    ti = _floats(current_year, n, "current_year")
    d = _floats(direction, n, "direction")
    target_in = _floats(target, n, "target")
    tt = _floats(target_year, n, "target_year")
    limit_in = _floats(limit, n, "limit")
    if not np.isin(d, (-1.0, 1.0)).all():
        bad = np.unique(d[~np.isin(d, (-1.0, 1.0))])[:5]
        raise InputError(
            f"direction must be 1 (higher is better) or -1 (lower is better), not {bad.tolist()}"
        )
    has_target = ~np.isnan(target_in)
    yt = np.where(target_in == 0, ZERO_REPLACEMENT, target_in)
    achieved = has_target & (((d < 0) & (yi <= yt)) | ((d > 0) & (yi >= yt)))
    sign = np.where(y0 < 0, -1.0, 1.0)
    base = np.where(y0 == 0, ZERO_REPLACEMENT, y0)  # replaced before the sign check
    valid = (
        np.isfinite(y0)
        & np.isfinite(yi)
        & np.isfinite(t0)
        & np.isfinite(ti)
        & (ti - t0 >= 1)
        & ~((base > 0) & (yi < 0))
        & ~((base < 0) & (yi > 0))
        & ~(has_target & ~(tt - t0 > 0))
        & ~(has_target & (yt / base < 0))
    )
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        cagr = (yi / base) ** (1.0 / (ti - t0)) - 1.0
        cagr_t = (yt / base) ** (1.0 / (tt - t0)) - 1.0
        ratio = sign * d * cagr / np.abs(cagr_t)
        growth = sign * d * cagr
        coefficient = _limit_coefficient(y0, limit_in, has_target)
        value = np.where(has_target, ratio, growth)
        value = np.where(valid & ~np.isnan(value), value, np.nan)
        score = np.where(has_target, _target_score(value), _growth_score(value, coefficient))
    status = status_from_value(value, has_target, coefficient, achieved)
    score = np.where(achieved, 5.0, np.where(np.isnan(value), np.nan, score))
    return ProgressArrays(value, score, status, achieved, coefficient)


def status_from_value(
    value: Any, has_target: Any, coefficient: Any = 1.0, target_achieved: Any = False
) -> np.ndarray:
    """Status codes of progress values: with a target, R >= 0.95 substantial, >= 0.6
    moderate, >= 0 limited, below deterioration; without one, P against 0.015 C, 0.005 C and
    0. NaN is not available; `target_achieved` overrides."""
    v = np.atleast_1d(np.asarray(value, dtype=float))
    t = np.broadcast_to(np.asarray(has_target, dtype=bool), v.shape)
    c = np.broadcast_to(np.asarray(coefficient, dtype=float), v.shape)
    achieved = np.broadcast_to(np.asarray(target_achieved, dtype=bool), v.shape)
    high = np.where(t, TARGET_THRESHOLDS[0], GROWTH_THRESHOLDS[0] * c)
    mid = np.where(t, TARGET_THRESHOLDS[1], GROWTH_THRESHOLDS[1] * c)
    return np.select(
        [achieved, np.isnan(v), v >= high, v >= mid, v >= 0.0],
        [TARGET_ACHIEVED, NOT_AVAILABLE, SUBSTANTIAL, MODERATE, LIMITED],
        default=DETERIORATION,
    ).astype(np.int8)


def _limit_coefficient(y0: np.ndarray, limit: np.ndarray, has_target: np.ndarray) -> np.ndarray:
    """C for series without a target that have a limit (1 elsewhere)."""
    b, lim = np.abs(y0), np.abs(limit)
    below = 1.0 - (b / lim) ** LIMIT_EXPONENT
    reflected = 1.0 - ((2.0 * lim - b) / lim) ** LIMIT_EXPONENT
    c = np.where(b >= 2.0 * lim, 1.0, np.where(b <= lim, below, reflected))
    return np.where(np.isnan(limit) | has_target | np.isnan(y0), 1.0, c)


def _target_score(r: np.ndarray) -> np.ndarray:
    return np.where(
        r >= TARGET_THRESHOLDS[1],
        np.minimum(7.1429 * r - 4.2857, 5.0),
        np.maximum(4.1667 * r - 2.5, -5.0),
    )


def _growth_score(p: np.ndarray, c: np.ndarray) -> np.ndarray:
    return np.select(
        [p < 0.0, c == 0.0, p >= GROWTH_THRESHOLDS[0] * c, p >= GROWTH_THRESHOLDS[1] * c],
        [
            np.maximum(125.0 * p - 2.5, -5.0),
            5.0,
            np.minimum(500.0 * p / c - 5.0, 5.0),
            250.0 * p / c - 1.25,
        ],
        default=500.0 * p / c - 2.5,
    )


def status_from_score(score: Any, target_achieved: Any = False) -> np.ndarray:
    """Status codes from scores (the bands [2.5, 5] substantial, [0, 2.5) moderate,
    [-2.5, 0) limited, [-5, -2.5) deterioration; NaN not available), ``target_achieved``
    where `target_achieved` is true (all of an aggregate's series met their targets)."""
    s = np.atleast_1d(np.asarray(score, dtype=float))
    achieved = np.broadcast_to(np.asarray(target_achieved, dtype=bool), s.shape)
    return np.select(
        [achieved, np.isnan(s), s >= 2.5, s >= 0.0, s >= -2.5],
        [TARGET_ACHIEVED, NOT_AVAILABLE, SUBSTANTIAL, MODERATE, LIMITED],
        default=DETERIORATION,
    ).astype(np.int8)


def status_name_from_score(score: float | None, target_achieved: bool = False) -> str:
    """One status name from one score (None or NaN: not available)."""
    value = np.nan if score is None else score
    return str(STATUSES[int(status_from_score(value, target_achieved)[0])])


@dataclass(frozen=True)
class SeriesProgress:
    """The assessment of one series, with its inputs (years, values in the series' unit)."""

    series: str
    base_year: float | None
    base_value: float | None
    current_year: float | None
    current_value: float | None
    direction: int
    target: float | None
    target_year: float | None
    limit: float | None
    progress_value: float | None
    score: float | None
    status: str
    coefficient: float = 1.0

    @property
    def target_achieved(self) -> bool:
        """True when the current value meets the target."""
        return self.status == "target_achieved"

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``kizuna sdg progress --format json`` (one list item)."""
        return {
            "series": self.series,
            "base_year": _int_or_none(self.base_year),
            "base_value": self.base_value,
            "current_year": _int_or_none(self.current_year),
            "current_value": self.current_value,
            "direction": self.direction,
            "target": self.target,
            "target_year": _int_or_none(self.target_year) if self.target is not None else None,
            "limit": self.limit,
            "progress_value": self.progress_value,
            "score": self.score,
            "status": self.status,
        }


def _int_or_none(value: float | None) -> int | None:
    return None if value is None else int(value)


def _finite_or_none(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def assess_series(
    base_value: float,
    base_year: float,
    current_value: float,
    current_year: float,
    direction: int,
    target: float | None = None,
    target_year: float = DEFAULT_TARGET_YEAR,
    limit: float | None = None,
    series: str = "",
) -> SeriesProgress:
    """Assess one series (a convenience over `assess_arrays`)."""
    frame = pd.DataFrame(
        {
            "series": [series],
            "base_value": [base_value],
            "base_year": [base_year],
            "current_value": [current_value],
            "current_year": [current_year],
            "direction": [direction],
            "target": [np.nan if target is None else target],
            "target_year": [target_year],
            "limit": [np.nan if limit is None else limit],
        }
    )
    return series_results(frame)[0]


#: Columns of a series table (`assess_frame`, ``kizuna sdg progress --series-csv``).
SERIES_COLUMNS = (
    "series",
    "base_year",
    "base_value",
    "current_year",
    "current_value",
    "direction",
    "target",
    "target_year",
    "limit",
)


def assess_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` (columns `SERIES_COLUMNS`; `target`, `target_year` (default 2030) and
    `limit` optional, blank meaning none) with ``progress_value``, ``score``, ``status``
    and ``coefficient`` columns added."""
    missing = [
        c
        for c in ("base_year", "base_value", "current_year", "current_value", "direction")
        if c not in frame.columns
    ]
    if missing:
        raise InputError(
            f"series table lacks columns {missing}",
            hint="columns: " + ", ".join(SERIES_COLUMNS) + " (target, target_year, limit optional)",
        )
    target_year = frame.get("target_year", DEFAULT_TARGET_YEAR)
    if isinstance(target_year, pd.Series):
        target_year = target_year.fillna(DEFAULT_TARGET_YEAR)
    result = assess_arrays(
        frame["base_value"].to_numpy(float),
        frame["base_year"].to_numpy(float),
        frame["current_value"].to_numpy(float),
        frame["current_year"].to_numpy(float),
        frame["direction"].to_numpy(float),
        frame["target"].to_numpy(float) if "target" in frame else None,
        np.asarray(target_year, dtype=float),
        frame["limit"].to_numpy(float) if "limit" in frame else None,
    )
    out = frame.copy()
    out["progress_value"] = result.progress_value
    out["score"] = result.score
    out["status"] = result.status_names()
    out["coefficient"] = result.coefficient
    return out


def series_results(frame: pd.DataFrame) -> list[SeriesProgress]:
    """`SeriesProgress` records of the series in `frame` (columns as `assess_frame`)."""
    return assessed_records(assess_frame(frame))


def assessed_records(done: pd.DataFrame) -> list[SeriesProgress]:
    """`SeriesProgress` records of a frame `assess_frame` returned."""
    names = done["series"] if "series" in done else pd.Series(range(1, len(done) + 1))
    out = []
    for i, row in enumerate(done.to_dict("records")):
        target = row.get("target")
        has_target = target is not None and not pd.isna(target)
        limit = row.get("limit")
        out.append(
            SeriesProgress(
                series=str(names.iloc[i]),
                base_year=_finite_or_none(row["base_year"]),
                base_value=_finite_or_none(row["base_value"]),
                current_year=_finite_or_none(row["current_year"]),
                current_value=_finite_or_none(row["current_value"]),
                direction=int(row["direction"]),
                target=float(target) if has_target else None,
                target_year=_finite_or_none(row.get("target_year", DEFAULT_TARGET_YEAR))
                if has_target
                else None,
                limit=None if limit is None or pd.isna(limit) or has_target else float(limit),
                progress_value=_finite_or_none(row["progress_value"]),
                score=_finite_or_none(row["score"]),
                status=str(row["status"]),
                coefficient=float(row["coefficient"]),
            )
        )
    return out
