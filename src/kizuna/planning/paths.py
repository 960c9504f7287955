"""Evaluating driver paths (population, GDP, grid emission factor, ...) on a range of years."""

from __future__ import annotations

import numpy as np

from kizuna.planning.plan import DriverPath


def evaluate(path: DriverPath, years: np.ndarray, base_year: int) -> np.ndarray:
    """Values of `path` in `years`.

    Points: linear interpolation between the given years, flat before the first and
    after the last. Growth form: D(t) = base x (1 + growth)^(t - base_year).
    """
    if path.points is not None:
        xs = np.array(sorted(path.points), dtype=float)
        ys = np.array([path.points[int(x)] for x in xs], dtype=float)
        return np.interp(years.astype(float), xs, ys)
    assert path.base is not None
    return path.base * (1.0 + path.growth) ** (years - base_year)
