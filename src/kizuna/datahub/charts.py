"""Plotly figures of the data hub, as plain JSON-ready dicts (see `kizuna.reports.figures`).

- `time_series_figure`: one line per series (a meter type, a sensor, a district) over time.
- `choropleth_figure`: districts of a GeoJSON coloured by a value. The polygons are drawn
  as filled ``scatter`` traces on longitude/latitude axes (the y axis scaled by
  1 / cos(latitude), an equirectangular view, true to shape at city scale), so the map
  needs no base map, no tiles and no topojson download: it works offline. A colour bar
  comes from one invisible marker trace; each district's colour is interpolated on
  `COLOUR_SCALE` between the smallest and largest value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from kizuna.errors import InputError, Location
from kizuna.reports.figures import EXTRA_COLOURS, Figure, base_layout

#: Light to dark blue-green (ColorBrewer YlGnBu, 5 classes), stops at 0, 0.25, ... 1.
COLOUR_SCALE = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
NO_DATA = "#d5d8dc"


def time_series_figure(
    frame: pd.DataFrame,
    *,
    time: str,
    value: str,
    unit: str,
    group: str | None = None,
    max_series: int = 12,
) -> Figure:
    """Lines of `value` (in `unit`) over `time`, one per value of `group` (largest first,
    at most `max_series`; the rest summed into "other")."""
    missing = [c for c in (time, value, group) if c and c not in frame.columns]
    if missing:
        raise InputError(
            f"no column {', '.join(repr(c) for c in missing)} to chart",
            where=Location(column=missing[0]),
            hint=f"the columns are {', '.join(map(str, frame.columns))}",
        )
    data = frame[[c for c in (time, value, group) if c]].dropna(subset=[time])
    data = data.assign(**{time: pd.to_datetime(data[time], utc=True, format="mixed")})
    if group is None:
        groups: list[tuple[str, pd.DataFrame]] = [(value, data)]
    else:
        order = data.groupby(group)[value].sum().sort_values(ascending=False).index.tolist()
        keep = order[:max_series]
        groups = [(str(g), data[data[group] == g]) for g in keep]
        rest = data[~data[group].isin(keep)]
        if not rest.empty:
            groups.append(("other", rest.groupby(time, as_index=False)[value].sum()))
    traces = []
    for k, (name, rows) in enumerate(groups):
        rows = rows.sort_values(time)
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": name,
                "x": [t.isoformat() for t in rows[time]],
                "y": [None if pd.isna(v) else float(v) for v in rows[value]],
                "line": {"color": EXTRA_COLOURS[k % len(EXTRA_COLOURS)], "width": 2},
                "hovertemplate": f"{name}<br>%{{x}}<br>%{{y:,.3~f}} {unit}<extra></extra>",
            }
        )
    layout = base_layout(unit, xaxis={"type": "date", "gridcolor": "#e5e8eb"})
    return {"data": traces, "layout": layout}


def _colour(share: float) -> str:
    """The colour at `share` (0..1) of `COLOUR_SCALE`, linearly between its stops."""
    share = min(max(share, 0.0), 1.0)
    position = share * (len(COLOUR_SCALE) - 1)
    low = min(int(position), len(COLOUR_SCALE) - 2)
    t = position - low
    a, b = COLOUR_SCALE[low], COLOUR_SCALE[low + 1]
    rgb = [round(int(a[i : i + 2], 16) * (1 - t) + int(b[i : i + 2], 16) * t) for i in (1, 3, 5)]
    return "#" + "".join(f"{c:02x}" for c in rgb)


def _rings(geometry: Mapping[str, Any]) -> list[list[list[float]]]:
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    if kind == "Polygon":
        return list(coords)
    if kind == "MultiPolygon":
        return [ring for polygon in coords for ring in polygon]
    if kind == "GeometryCollection":
        return [r for g in geometry.get("geometries") or [] for r in _rings(g)]
    return []


def feature_key(feature: Mapping[str, Any], key: str) -> str | None:
    """The key of a feature: ``id``, or ``properties.<name>``."""
    if key == "id":
        value = feature.get("id")
    else:
        value = (feature.get("properties") or {}).get(key.removeprefix("properties."))
    return None if value is None else str(value)


def choropleth_figure(
    geojson: Mapping[str, Any],
    values: Mapping[str, float],
    *,
    unit: str,
    key: str = "id",
    label: str | None = None,
) -> Figure:
    """Districts of `geojson` (Polygons, MultiPolygons) coloured by `values` (feature key ->
    value in `unit`); `key` is ``id`` or ``properties.<name>``, `label` the property shown
    as the district's name. Districts without a value are grey."""
    features = [f for f in geojson.get("features") or [] if isinstance(f, Mapping)]
    if not features:
        raise InputError(
            "the GeoJSON has no features to draw",
            where=Location(field="features"),
            hint="give a FeatureCollection of district polygons",
        )
    known = [float(v) for v in values.values() if v is not None and not math.isnan(float(v))]
    low, high = (min(known), max(known)) if known else (0.0, 1.0)
    span = high - low or 1.0
    traces: list[dict[str, Any]] = []
    lats: list[float] = []
    for feature in features:
        name_key = feature_key(feature, key)
        rings = _rings(feature.get("geometry") or {})
        if not rings:
            continue
        xs: list[float | None] = []
        ys: list[float | None] = []
        for ring in rings:
            xs.extend([p[0] for p in ring] + [None])
            ys.extend([p[1] for p in ring] + [None])
            lats.extend(p[1] for p in ring)
        value = values.get(name_key) if name_key is not None else None
        shown = (feature.get("properties") or {}).get(label) if label else None
        name = str(shown or name_key or "")
        filled = value is not None and not math.isnan(float(value))
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": xs,
                "y": ys,
                "fill": "toself",
                "fillcolor": _colour((float(value) - low) / span) if filled else NO_DATA,
                "line": {"color": "#ffffff", "width": 1},
                "name": name,
                "showlegend": False,
                "hoveron": "fills",
                "text": f"{name}: {float(value):,.4g} {unit}" if filled else f"{name}: no data",
                "hoverinfo": "text",
            }
        )
    traces.append(_colour_bar(low, high, unit))
    mid = float(np.mean(lats)) if lats else 0.0
    layout = base_layout(
        "",
        xaxis={"visible": False},
        yaxis={
            "visible": False,
            "scaleanchor": "x",
            "scaleratio": 1 / max(math.cos(math.radians(mid)), 0.1),
        },
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        showlegend=False,
    )
    return {"data": traces, "layout": layout}


def _colour_bar(low: float, high: float, unit: str) -> dict[str, Any]:
    """An invisible marker trace whose colour bar shows `COLOUR_SCALE` from `low` to `high`."""
    stops = [[i / (len(COLOUR_SCALE) - 1), c] for i, c in enumerate(COLOUR_SCALE)]
    return {
        "type": "scatter",
        "mode": "markers",
        "x": [None],
        "y": [None],
        "hoverinfo": "skip",
        "showlegend": False,
        "marker": {
            "color": [low, high],
            "cmin": low,
            "cmax": high,
            "colorscale": stops,
            "showscale": True,
            "colorbar": {"title": {"text": unit}, "thickness": 14},
            "size": 0,
        },
    }
