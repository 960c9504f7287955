"""The dimensions peers are compared on, as normalised feature matrices of a registry.

| dimension   | registry columns                      | transform x        |
|-------------|---------------------------------------|--------------------|
| `size`      | population                            | log10              |
| `density`   | density_per_km2 (people per km2)      | log10              |
| `income`    | gdp_per_capita                        | log10              |
| `emissions` | emissions_per_capita (tCO2e/person)   | log10 (>= 0.01)    |
| `sectors`   | the five GPC sector shares            | none (fractions)   |
| `ambition`  | ambition_pct_per_year (% per year)    | none               |
| `climate`   | climate_zone (Köppen-Geiger code)     | categorical        |

A numeric column is standardised over the registry, z = (x - mean) / sd (both over the cities
that have it), so one unit of distance is one standard deviation whatever the dimension. A
dimension with several columns (the sector mix) takes the mean of its columns' squared
differences, so it counts as one dimension. Climate has no scale: the distance is 0 for the
same code, 0.5 for the same first two letters (``Cfa``/``Cfb``), 1 for the same main group
(``Cfa``/``Csa``) and 1.5 otherwise. Sizes are log-scaled because cities' populations,
densities and incomes span orders of magnitude; ratios, not differences, make cities alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from kizuna.errors import InputError
from kizuna.network.profiles import SECTORS

#: Distances between climate codes: same code, same two letters, same group, other.
CLIMATE_DISTANCES = (0.0, 0.5, 1.0, 1.5)
#: Floor of emissions per capita before the log (tCO2e per person).
EMISSIONS_FLOOR = 0.01


@dataclass(frozen=True)
class Dimension:
    name: str
    columns: tuple[str, ...]
    log: bool = False
    categorical: bool = False


DIMENSIONS: dict[str, Dimension] = {
    "size": Dimension("size", ("population",), log=True),
    "density": Dimension("density", ("density_per_km2",), log=True),
    "income": Dimension("income", ("gdp_per_capita",), log=True),
    "climate": Dimension("climate", ("climate_zone",), categorical=True),
    "emissions": Dimension("emissions", ("emissions_per_capita",), log=True),
    "sectors": Dimension("sectors", tuple(SECTORS.values())),
    "ambition": Dimension("ambition", ("ambition_pct_per_year",)),
}
DEFAULT_DIMENSIONS = tuple(DIMENSIONS)


def parse_dimensions(text: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """``"size,climate"`` (or a list) -> validated dimension names; None -> all of them."""
    if text is None:
        return DEFAULT_DIMENSIONS
    names = [t.strip() for t in (text.split(",") if isinstance(text, str) else text)]
    names = [n for n in names if n]
    unknown = [n for n in names if n not in DIMENSIONS]
    if unknown or not names:
        raise InputError(
            f"unknown peer dimensions {unknown}" if unknown else "no peer dimension given",
            hint=f"choose from {', '.join(DIMENSIONS)}",
        )
    return tuple(dict.fromkeys(names))


class Features:
    """The registry's features, standardised once and kept as arrays for fast queries.

    ``values[d]`` is an (n, k) float array of standardised values (NaN where missing) for a
    numeric dimension; ``climate`` holds the codes as three integer arrays (full code, first
    two letters, first letter; -1 where missing).
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self.n = len(frame)
        self.geonameid = frame["geonameid"].to_numpy(dtype=float, na_value=np.nan)
        self.labels = {  # identity columns as object arrays: cheap to index per peer
            c: frame[c].astype(object).where(frame[c].notna(), None).to_numpy()
            for c in ("name", "country", "admin1")
        }
        self.values: dict[str, np.ndarray] = {}
        self.raw: dict[str, np.ndarray] = {}
        for dim in DIMENSIONS.values():
            if dim.categorical:
                continue
            x = frame[list(dim.columns)].to_numpy(dtype=float, na_value=np.nan).copy()
            self.raw[dim.name] = x.copy()
            if dim.name == "emissions":
                x = np.maximum(x, EMISSIONS_FLOOR)
            if dim.log:
                with np.errstate(divide="ignore", invalid="ignore"):
                    x = np.where(x > 0, np.log10(x), np.nan)
            mean = _nanmean(x)
            sd = _nansd(x)
            self.values[dim.name] = (x - mean) / sd
        codes = frame["climate_zone"].astype(object).where(frame["climate_zone"].notna(), None)
        self.climate_codes = codes.to_numpy()
        self.climate = tuple(
            _category_codes(codes.map(lambda c, k=k: c[:k] if isinstance(c, str) else None))
            for k in (3, 2, 1)
        )

    @cached_property
    def known(self) -> dict[str, np.ndarray]:
        """Per dimension, which rows have it (bool arrays)."""
        out = {d: ~np.isnan(v[:, 0]) for d, v in self.values.items()}
        out["climate"] = self.climate[0] >= 0
        return out

    def distances(self, row: int, dims: tuple[str, ...]) -> dict[str, np.ndarray]:
        """Per dimension, the distance of every row to `row` (NaN where either lacks it).

        Numeric: d = sqrt(mean over the dimension's columns of (z_i - z_q)^2), in standard
        deviations. Climate: `CLIMATE_DISTANCES`.
        """
        out: dict[str, np.ndarray] = {}
        for d in dims:
            if d == "climate":
                full, two, one = self.climate
                if full[row] < 0:
                    out[d] = np.full(self.n, np.nan)
                    continue
                dist = np.select(
                    [full == full[row], two == two[row], one == one[row]],
                    CLIMATE_DISTANCES[:3],
                    CLIMATE_DISTANCES[3],
                )
                out[d] = np.where(full >= 0, dist, np.nan)
                continue
            z = self.values[d]
            if z.shape[1] == 1:
                out[d] = np.abs(z[:, 0] - z[row, 0])
                continue
            diff = z - z[row]
            out[d] = np.sqrt(np.einsum("ij,ij->i", diff, diff) / z.shape[1])
        return out


def _nanmean(x: np.ndarray) -> np.ndarray:
    counts = np.sum(~np.isnan(x), axis=0)
    sums = np.nansum(x, axis=0)
    return np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)


def _nansd(x: np.ndarray) -> np.ndarray:
    """Standard deviation per column over the known values; 1 where fewer than 2 or zero."""
    counts = np.sum(~np.isnan(x), axis=0)
    mean = _nanmean(x)
    dev = np.where(np.isnan(x), 0.0, x - mean)
    var = np.divide((dev * dev).sum(axis=0), counts - 1, out=np.zeros(x.shape[1]), where=counts > 1)
    sd = np.sqrt(var)
    return np.where(sd > 0, sd, 1.0)


def _category_codes(values: pd.Series) -> np.ndarray:
    codes, _ = pd.factorize(values, use_na_sentinel=True)
    return codes.astype(np.int32)
