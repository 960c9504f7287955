"""Peer cities: the k cities most like a given one on chosen dimensions, with the reasons.

For the query city q and every candidate i, over the chosen dimensions j with weights w_j
(`kizuna.network.features` defines the per-dimension distances d_ij):

    m_ij = 1 if both q and i have dimension j, else 0
    D_i  = sqrt( sum_j w_j m_ij d_ij^2 / sum_j w_j m_ij )          (distance on shared dims)
    c_i  = sum_j w_j m_ij / sum_j w_j m_qj                          (coverage, 0..1)
    score_i = c_i / (1 + D_i)                                        (0..1, higher = closer)

Missing features are never imputed: a dimension counts only where both cities have it, and
the coverage factor ranks a candidate that shares fewer of the query's dimensions below one
equally close on all of them. Dimensions the query city lacks are dropped. Candidates with
no shared dimension, or with coverage below `min_coverage`, are left out, and so is the city
itself (its own row, and any row with its GeoNames id). Everything is vectorised over the
registry with numpy: one array expression per dimension, then `argpartition` for the top k.

Filters narrow the candidates first: `region` (GeoNames continent code or name), `country`
(ISO alpha-2 codes) and `size_band` (`SIZE_BANDS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kizuna.errors import InputError
from kizuna.network.features import DIMENSIONS, Features, parse_dimensions
from kizuna.network.profiles import SECTOR_WORDS, SECTORS
from kizuna.network.registry import REGIONS, Registry, fold

#: Population bands, after the OECD classes of functional urban areas (OECD 2012, "Redefining
#: Urban: A New Way to Measure Metropolitan Areas", doi:10.1787/9789264174108-en), applied
#: here to a city's own population; "town" (below 50,000) is ours.
SIZE_BANDS: dict[str, tuple[float, float]] = {
    "town": (0, 50_000),
    "small": (50_000, 200_000),
    "medium": (200_000, 500_000),
    "metropolitan": (500_000, 1_500_000),
    "large-metropolitan": (1_500_000, float("inf")),
}

#: Within these bounds a figure reads as "similar": ratios for log dimensions, absolute
#: differences for sector shares (fraction) and ambition (percent per year).
SIMILAR_RATIO = (0.8, 1.25)
SIMILAR_SHARE = 0.05
SIMILAR_AMBITION = 0.5


@dataclass(frozen=True)
class Component:
    """One dimension of one match: its distance and the two cities' values."""

    dimension: str
    distance: float
    city_value: Any
    peer_value: Any
    similar: bool
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "distance": self.distance,
            "city_value": self.city_value,
            "peer_value": self.peer_value,
            "similar": self.similar,
            "text": self.text,
        }


@dataclass(frozen=True)
class Peer:
    row: int
    name: str
    country: str
    admin1: str | None
    geonameid: int | None
    score: float
    distance: float
    coverage: float
    components: list[Component] = field(default_factory=list)

    @property
    def explanation(self) -> str:
        """The closest dimensions in words, e.g. "same climate zone (Cfa), 1.8x the population"."""
        ordered = sorted(self.components, key=lambda c: c.distance)
        shown = ordered[:4]
        if not any(c.dimension == "size" for c in shown):
            shown += [c for c in ordered if c.dimension == "size"]
        return ", ".join(c.text for c in shown)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "country": self.country,
            "admin1": self.admin1,
            "geonameid": self.geonameid,
            "score": self.score,
            "distance": self.distance,
            "coverage": self.coverage,
            "explanation": self.explanation,
            "components": [c.to_dict() for c in self.components],
        }


@dataclass(frozen=True)
class PeerResult:
    city: str
    country: str
    geonameid: int | None
    dimensions: tuple[str, ...]  # the dimensions asked for
    used: tuple[str, ...]  # those the city has (the others are dropped)
    candidates: int  # rows left after the filters
    peers: list[Peer]

    def to_dict(self) -> dict[str, Any]:
        return {
            "city": self.city,
            "country": self.country,
            "geonameid": self.geonameid,
            "dimensions": list(self.dimensions),
            "dimensions_used": list(self.used),
            "candidates": self.candidates,
            "method": "normalised weighted distance on shared dimensions x coverage "
            "(docs/network.md)",
            "peers": [p.to_dict() for p in self.peers],
        }


def features_of(registry: Registry) -> Features:
    """The registry's feature arrays, built once per registry and kept on it."""
    cached = registry.__dict__.get("_features")
    if cached is None:
        cached = Features(registry.frame)
        registry.__dict__["_features"] = cached
    return cached


def candidate_mask(
    registry: Registry,
    *,
    region: str | list[str] | None = None,
    country: str | list[str] | None = None,
    size_band: str | list[str] | None = None,
) -> np.ndarray:
    """Rows that pass the filters (bool array)."""
    frame = registry.frame
    mask = np.ones(len(frame), dtype=bool)
    if region:
        codes = {_region_code(r) for r in _as_list(region)}
        mask &= frame["region"].isin(codes).to_numpy()
    if country:
        mask &= frame["country"].isin({c.upper() for c in _as_list(country)}).to_numpy()
    if size_band:
        pop = frame["population"].to_numpy(dtype=float, na_value=np.nan)
        band = np.zeros(len(frame), dtype=bool)
        for name in _as_list(size_band):
            if name not in SIZE_BANDS:
                raise InputError(
                    f"unknown size band {name!r}", hint=f"choose from {', '.join(SIZE_BANDS)}"
                )
            lo, hi = SIZE_BANDS[name]
            band |= (pop >= lo) & (pop < hi)
        mask &= band
    return mask


def find_peers(
    registry: Registry,
    city: int | str,
    *,
    k: int = 10,
    dimensions: str | list[str] | tuple[str, ...] | None = None,
    weights: dict[str, float] | None = None,
    region: str | list[str] | None = None,
    country: str | list[str] | None = None,
    size_band: str | list[str] | None = None,
    min_coverage: float = 0.0,
    explain: bool = True,
) -> PeerResult:
    """The `k` cities most similar to `city` (a registry row or a name for `resolve`).

    Scores and the treatment of missing features are in the module docstring. Peers come
    best first; each has its components (distance and values per dimension) and an
    explanation. `explain=False` skips building them (the benchmark's bare ranking).
    """
    if k < 1:
        raise InputError(f"k must be at least 1, not {k}")
    row = registry.resolve(city) if isinstance(city, str) else int(city)
    dims = parse_dimensions(dimensions)
    feats = features_of(registry)
    used, dist, score, distance, coverage, shared = _scores(registry, feats, row, dims, weights)
    frame = registry.frame
    mask = candidate_mask(registry, region=region, country=country, size_band=size_band)
    mask &= (shared > 0) & (coverage >= min_coverage)
    mask[row] = False
    gid = frame["geonameid"].iat[row]
    if gid is not None and not _is_na(gid):
        mask &= feats.geonameid != float(gid)
    candidates = int(mask.sum())
    score = np.where(mask, score, -np.inf)
    top = _top_k(score, min(k, candidates))
    peers = [
        _peer(
            registry,
            feats,
            row,
            int(i),
            used,
            dist,
            float(score[i]),
            float(distance[i]),
            float(coverage[i]),
            explain,
        )
        for i in top
    ]
    return PeerResult(
        city=str(frame["name"].iat[row]),
        country=str(frame["country"].iat[row]),
        geonameid=None if _is_na(gid) else int(gid),
        dimensions=dims,
        used=used,
        candidates=candidates,
        peers=peers,
    )


def _scores(
    registry: Registry,
    feats: Features,
    row: int,
    dims: tuple[str, ...],
    weights: dict[str, float] | None,
) -> tuple[tuple[str, ...], dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Used dimensions, per-dimension distances, and score, D, coverage and shared weight of
    every row against `row` (the equations of the module docstring)."""
    w = {d: float((weights or {}).get(d, 1.0)) for d in dims}
    if any(v < 0 for v in w.values()):
        raise InputError("peer weights must be >= 0")
    used = tuple(d for d in dims if feats.known[d][row] and w[d] > 0)
    if not used:
        raise InputError(
            f"{registry.label(row)} has none of the dimensions {', '.join(dims)}",
            hint="add them to the city's profile (population, area, emissions ...)",
        )
    dist = feats.distances(row, used)
    n = feats.n
    num = np.zeros(n)
    shared = np.zeros(n)
    for d in used:
        known = ~np.isnan(dist[d])
        num += np.where(known, w[d] * dist[d] ** 2, 0.0)
        shared += np.where(known, w[d], 0.0)
    coverage = shared / sum(w[d] for d in used)
    with np.errstate(invalid="ignore", divide="ignore"):
        distance = np.sqrt(num / shared)
    score = np.where(shared > 0, coverage / (1.0 + distance), 0.0)
    return used, dist, score, distance, coverage, shared


def similarity(
    registry: Registry,
    city: int | str,
    rows: np.ndarray | list[int],
    *,
    dimensions: str | list[str] | tuple[str, ...] | None = None,
    weights: dict[str, float] | None = None,
) -> np.ndarray:
    """The peer score (module docstring) of the given rows for `city`; 0 for the city itself
    and for rows sharing no dimension with it."""
    row = registry.resolve(city) if isinstance(city, str) else int(city)
    feats = features_of(registry)
    score = _scores(registry, feats, row, parse_dimensions(dimensions), weights)[2].copy()
    score[row] = 0.0
    return score[np.asarray(rows, dtype=int)]


def _top_k(score: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest scores, best first (ties: lower row first)."""
    if k <= 0:
        return np.empty(0, dtype=int)
    part = np.argpartition(-score, k - 1)[:k] if k < score.size else np.arange(score.size)
    return part[np.lexsort((part, -score[part]))]


def _peer(
    registry: Registry,
    feats: Features,
    q: int,
    i: int,
    used: tuple[str, ...],
    dist: dict[str, np.ndarray],
    score: float,
    distance: float,
    coverage: float,
    explain: bool,
) -> Peer:
    components = []
    if explain:
        for d in used:
            if np.isnan(dist[d][i]):
                continue
            components.append(_component(feats, d, q, i, float(dist[d][i])))
    gid = feats.geonameid[i]
    return Peer(
        row=i,
        name=str(feats.labels["name"][i]),
        country=str(feats.labels["country"][i]),
        admin1=feats.labels["admin1"][i],
        geonameid=None if np.isnan(gid) else int(gid),
        score=score,
        distance=distance,
        coverage=coverage,
        components=components,
    )


def _people(value: float) -> str:
    """3,777,491 -> "3.8 M"; 332,059 -> "332 k"."""
    if value >= 1e6:
        return f"{value / 1e6:.1f} M"
    if value >= 1e4:
        return f"{value / 1e3:.0f} k"
    return f"{value:,.0f}"


_LOG_WORDS = {
    "size": ("population", _people),
    "density": ("density", "{:,.0f}/km2".format),
    "income": ("GDP per capita", "{:,.0f}".format),
    "emissions": ("emissions per capita", "{:.1f} tCO2e".format),
}


def _component(feats: Features, d: str, q: int, i: int, distance: float) -> Component:
    """The words for one dimension of one match (thresholds `SIMILAR_*`)."""
    if d == "climate":
        a, b = feats.climate_codes[q], feats.climate_codes[i]
        if a == b:
            text = f"same climate zone ({b})"
        elif a[:2] == b[:2]:
            text = f"similar climate ({b} vs {a})"
        elif a[0] == b[0]:
            text = f"same climate group ({b} vs {a})"
        else:
            text = f"different climate ({b} vs {a})"
        return Component(d, distance, a, b, a[:2] == b[:2], text)
    raw = feats.raw[d]
    if d == "sectors":
        qa, pa = raw[q], raw[i]
        names = list(SECTORS)
        diff = np.abs(pa - qa)
        close = [j for j in np.argsort(-qa) if diff[j] <= SIMILAR_SHARE]
        j = close[0] if close else int(np.argmax(diff))
        word = SECTOR_WORDS[names[j]]
        if close:
            text = f"similar {word} share ({pa[j]:.0%} vs {qa[j]:.0%})"
        else:
            text = f"{word} share {pa[j]:.0%} vs {qa[j]:.0%}"
        shares_q = {s: float(v) for s, v in zip(names, qa, strict=True)}
        shares_p = {s: float(v) for s, v in zip(names, pa, strict=True)}
        return Component(d, distance, shares_q, shares_p, bool(close), text)
    a, b = float(raw[q, 0]), float(raw[i, 0])
    if d == "ambition":
        similar = abs(b - a) <= SIMILAR_AMBITION
        head = "similar target ambition" if similar else "target ambition"
        return Component(d, distance, a, b, similar, f"{head} ({b:.1f} vs {a:.1f} %/yr)")
    word, fmt = _LOG_WORDS[d]
    ratio = b / a if a else float("inf")
    similar = SIMILAR_RATIO[0] <= ratio <= SIMILAR_RATIO[1]
    text = f"similar {word} ({fmt(b)} vs {fmt(a)})" if similar else f"{ratio:.1f}x the {word}"
    return Component(d, distance, a, b, similar, text)


def _region_code(text: str) -> str:
    code = text.strip().upper()
    if code in REGIONS:
        return code
    for c, name in REGIONS.items():
        if fold(name) == fold(text):
            return c
    raise InputError(
        f"unknown region {text!r}",
        hint="use a continent code or name: " + ", ".join(f"{c} ({n})" for c, n in REGIONS.items()),
    )


def _as_list(value: str | list[str]) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return list(value)


def _is_na(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


__all__ = ["DIMENSIONS", "SIZE_BANDS", "Peer", "PeerResult", "candidate_mask", "find_peers"]
