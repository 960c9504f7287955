"""Where a city stands against its peers: percentiles on emissions, sector shares, indicators.

For a metric with the city's value x and the peers' values v_1..v_n (peers lacking the metric
left out), the percentile rank is

    P = 100 x (#{v_i < x} + 0.5 x #{v_i = x}) / n

(0: lowest of the group, 100: highest), shown with the peers' median and quartiles (linear
interpolation, numpy's default). Indicator progress comes from outside the registry (the SDG
module or the city): a table with one row per city (registry row numbers as index) and one
column per indicator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kizuna.network.peers import PeerResult
from kizuna.network.profiles import SECTORS
from kizuna.network.registry import Registry

METRICS: dict[str, tuple[str, str]] = {
    "emissions_per_capita": ("emissions per capita", "tCO2e/person"),
    **{col: (f"{sector} share", "fraction") for sector, col in SECTORS.items()},
}


@dataclass(frozen=True)
class Standing:
    metric: str
    label: str
    unit: str
    value: float | None
    peers: int  # peers with the metric
    median: float | None
    p25: float | None
    p75: float | None
    percentile: float | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def percentile_rank(value: float, others: np.ndarray) -> float:
    """P of the module docstring."""
    others = np.asarray(others, dtype=float)
    return float(100.0 * ((others < value).sum() + 0.5 * (others == value).sum()) / others.size)


def standing(
    registry: Registry,
    row: int,
    peer_rows: list[int] | np.ndarray,
    *,
    indicators: pd.DataFrame | None = None,
) -> list[Standing]:
    """The city's standing on every metric it has, against the given peer rows."""
    peer_rows = np.asarray(peer_rows, dtype=int)
    table = registry.frame[list(METRICS)]
    columns: list[tuple[str, str, str, pd.Series]] = [
        (m, label, unit, table[m]) for m, (label, unit) in METRICS.items()
    ]
    if indicators is not None:
        columns += [
            (f"indicator:{c}", f"indicator {c}", "as given", indicators[c])
            for c in indicators.columns
        ]
    out = []
    for metric, label, unit, series in columns:
        values = series.reindex(range(len(registry))).to_numpy(dtype=float, na_value=np.nan)
        x = values[row]
        others = values[peer_rows]
        others = others[np.isfinite(others)]
        if not np.isfinite(x) or others.size == 0:
            out.append(
                Standing(
                    metric,
                    label,
                    unit,
                    None if not np.isfinite(x) else float(x),
                    int(others.size),
                    None,
                    None,
                    None,
                    None,
                )
            )
            continue
        q25, q50, q75 = np.percentile(others, [25, 50, 75])
        out.append(
            Standing(
                metric,
                label,
                unit,
                float(x),
                int(others.size),
                float(q50),
                float(q25),
                float(q75),
                percentile_rank(x, others),
            )
        )
    return out


def standing_among_peers(
    registry: Registry, result: PeerResult, *, indicators: pd.DataFrame | None = None
) -> list[Standing]:
    """`standing` against the peers of a `find_peers` result."""
    row = (
        registry.resolve(f"geonames:{result.geonameid}")
        if result.geonameid
        else registry.resolve(f"{result.city}, {result.country}")
    )
    return standing(registry, row, [p.row for p in result.peers], indicators=indicators)
