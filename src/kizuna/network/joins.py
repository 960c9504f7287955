"""Putting rows of a data set on registry cities, and saying how well that went.

A source row is matched, in this order:

1. by name and country (``name`` against GeoNames names, then alternate names; narrowed to
   ``admin1`` where the source gives one and that leaves a candidate). With coordinates, the
   nearest candidate within `NAME_RADIUS_KM` wins (a name 300 km away is another city);
   without, the most populous.
2. by coordinates: the nearest registry city of the same country within `POINT_RADIUS_KM`.
3. by UN/LOCODE: GeoNames lists IATA codes among a city's alternate names, and the last three
   letters of a UN/LOCODE are very often that code (``JP TYO``, ``KR SEL``); a city of the
   same country carrying that code, in upper case, among its alternate names.

Two source rows that land on the same registry city keep the first (in file order); the
others are counted as duplicates. `MatchReport` gives the match rate and the count per method.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kizuna.network.registry import Registry

NAME_RADIUS_KM = 50.0
POINT_RADIUS_KM = 20.0
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class MatchReport:
    """How the rows of one source were put on registry rows."""

    source: str
    rows: np.ndarray  # registry row per source row; -1 = unmatched or duplicate
    methods: list[str]  # "name", "coordinates", "locode", "duplicate" or "unmatched"
    unmatched: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.methods)

    @property
    def matched(self) -> int:
        return int((self.rows >= 0).sum())

    @property
    def rate(self) -> float:
        """Matched rows / all rows (duplicates count as not matched)."""
        return self.matched / self.total if self.total else 0.0

    @property
    def by_method(self) -> dict[str, int]:
        return dict(pd.Series(self.methods, dtype=object).value_counts().sort_index())

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "rows": self.total,
            "matched": self.matched,
            "rate": self.rate,
            "by_method": {k: int(v) for k, v in self.by_method.items()},
            "unmatched_examples": self.unmatched[:20],
        }


def haversine_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> np.ndarray:
    """Great-circle distance in km (spherical Earth of mean radius 6,371 km)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def match_rows(registry: Registry, source: pd.DataFrame, name: str = "source") -> MatchReport:
    """Registry rows for the rows of `source` (columns ``name``, ``country``; optional
    ``admin1``, ``latitude``, ``longitude``, ``locode``), by the rules of the module docstring.

    One lookup per source row (a binary search in the name index, then a distance over the
    candidates or over one country's cities): a few thousand rows take well under a second.
    """
    frame = registry.frame
    lat = frame["latitude"].to_numpy(dtype=float, na_value=np.nan)
    lon = frame["longitude"].to_numpy(dtype=float, na_value=np.nan)
    country_rows = {c: np.flatnonzero(m) for c, m in _country_masks(frame).items()}
    rows = np.full(len(source), -1, dtype=int)
    methods: list[str] = []
    unmatched: list[str] = []
    seen: set[int] = set()
    columns = {
        c: source[c].tolist() if c in source else [None] * len(source)
        for c in ("name", "country", "admin1", "latitude", "longitude", "locode")
    }
    for i in range(len(source)):
        values = {c: _blank(v[i]) for c, v in columns.items()}
        row, method = _match_one(registry, values, lat, lon, country_rows)
        if row >= 0 and row in seen:
            method, row = "duplicate", -1
        elif row >= 0:
            seen.add(row)
        else:
            unmatched.append(f"{values['name']} ({values['country']})")
        rows[i] = row
        methods.append(method)
    return MatchReport(name, rows, methods, unmatched)


def _match_one(
    registry: Registry,
    v: dict[str, Any],
    lat: np.ndarray,
    lon: np.ndarray,
    country_rows: dict[str, np.ndarray],
) -> tuple[int, str]:
    country = v["country"]
    point = v["latitude"] is not None and v["longitude"] is not None
    if v["name"] and country:
        found = registry.find(v["name"], country, v["admin1"]) if v["admin1"] else np.empty(0)
        if not len(found):
            found = registry.find(v["name"], country)
        if len(found) and point:
            dist = haversine_km(v["latitude"], v["longitude"], lat[found], lon[found])
            best = int(np.argmin(dist))
            if dist[best] <= NAME_RADIUS_KM:
                return int(found[best]), "name"
        elif len(found):
            return int(found[0]), "name"
    if point and country in country_rows:
        cand = country_rows[country]
        dist = haversine_km(v["latitude"], v["longitude"], lat[cand], lon[cand])
        if dist.size and dist.min() <= POINT_RADIUS_KM:
            return int(cand[int(np.argmin(dist))]), "coordinates"
    locode = v["locode"]
    if locode and len(str(locode).replace(" ", "")) == 5:
        code = str(locode).replace(" ", "")[2:]
        for r in registry.find(code, country):
            alternates = registry.alternatenames[int(r)] if registry.alternatenames else ()
            if code in alternates:
                return int(r), "locode"
    return -1, "unmatched"


def _country_masks(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    codes = frame["country"].astype(object).to_numpy()
    return {str(c): codes == c for c in pd.unique(codes) if isinstance(c, str)}


def _blank(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, str) and pd.isna(value):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value
