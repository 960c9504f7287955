"""Standing against peers: percentile ranks by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kizuna.network import Registry, find_peers, standing, standing_among_peers
from kizuna.network.benchmarking import percentile_rank


def test_percentile_rank_by_hand() -> None:
    """x = 3 among (1, 2, 3, 5): 2 below, 1 equal -> 100 x (2 + 0.5) / 4 = 62.5."""
    assert percentile_rank(3.0, np.array([1, 2, 3, 5])) == 62.5
    assert percentile_rank(0.0, np.array([1, 2])) == 0.0
    assert percentile_rank(9.0, np.array([1, 2])) == 100.0


def test_standing_among_peers(registry: Registry) -> None:
    """Alpha (5.0 t/cap) against Beta 5.0, Gamma 10.0, Epsilon 5.0, Zeta 2.0 (Delta has no
    emissions): below 1, equal 2 -> 100 x (1 + 1) / 4 = 50; median of (2, 5, 5, 10) = 5."""
    rows = [1, 2, 3, 4, 5]
    table = {s.metric: s for s in standing(registry, 0, rows)}
    e = table["emissions_per_capita"]
    assert e.value == pytest.approx(5.0)
    assert e.peers == 4
    assert e.percentile == pytest.approx(50.0)
    assert e.median == pytest.approx(5.0)
    indicators = pd.DataFrame({"7.2.1": [0.3, 0.1, 0.2, np.nan, 0.5, 0.4]})
    ind = {s.metric: s for s in standing(registry, 0, rows, indicators=indicators)}
    assert ind["indicator:7.2.1"].percentile == pytest.approx(50.0)  # 0.1, 0.2 below; 0.5, 0.4
    result = find_peers(registry, "Alpha", k=5, dimensions="size")
    assert {s.metric for s in standing_among_peers(registry, result)} == set(table)
