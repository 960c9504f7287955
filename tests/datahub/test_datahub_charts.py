"""Charts of the data hub: time series and an offline GeoJSON choropleth, as plain dicts."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from kizuna.datahub.charts import COLOUR_SCALE, NO_DATA, choropleth_figure, time_series_figure
from kizuna.errors import InputError

DISTRICTS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "id": "a",
            "properties": {"name": "Naka"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[139.6, 35.4], [139.7, 35.4], [139.7, 35.5], [139.6, 35.4]]],
            },
        },
        {
            "type": "Feature",
            "id": "b",
            "properties": {"name": "Nishi"},
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": [
                    [[[139.5, 35.4], [139.6, 35.4], [139.6, 35.5], [139.5, 35.4]]],
                    [[[139.4, 35.4], [139.45, 35.4], [139.45, 35.45], [139.4, 35.4]]],
                ],
            },
        },
        {
            "type": "Feature",
            "id": "c",
            "properties": {"name": "Kita"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[139.6, 35.5], [139.7, 35.5], [139.7, 35.6], [139.6, 35.5]]],
            },
        },
    ],
}


def test_time_series_has_one_line_per_group() -> None:
    frame = pd.DataFrame(
        {
            "month": ["2024-01-01", "2024-02-01"] * 2,
            "type": ["residential", "residential", "commercial", "commercial"],
            "kwh": [558.0, 522.0, 1488.0, 1392.0],
        }
    )
    figure = time_series_figure(frame, time="month", value="kwh", unit="kWh", group="type")
    assert [t["name"] for t in figure["data"]] == ["commercial", "residential"]
    assert figure["data"][0]["y"] == [1488.0, 1392.0]
    assert figure["data"][0]["x"][0].startswith("2024-01-01")
    assert figure["layout"]["yaxis"]["title"]["text"] == "kWh"
    json.dumps(figure)
    with pytest.raises(InputError, match="no column 'power'"):
        time_series_figure(frame, time="month", value="power", unit="kW")


def test_choropleth_colours_districts_by_value_and_draws_offline() -> None:
    """Values 10 (Naka, the lowest: first colour), 30 (Nishi, the highest: last colour);
    Kita has none (grey). Nishi's two polygons are one trace, split by a None."""
    figure = choropleth_figure(DISTRICTS, {"a": 10.0, "b": 30.0}, unit="tCO2e", label="name")
    naka, nishi, kita, bar = figure["data"]
    assert naka["fillcolor"] == COLOUR_SCALE[0]
    assert nishi["fillcolor"] == COLOUR_SCALE[-1]
    assert kita["fillcolor"] == NO_DATA
    assert nishi["x"].count(None) == 2
    assert nishi["text"] == "Nishi: 30 tCO2e"
    assert bar["marker"]["cmin"] == 10.0
    assert bar["marker"]["cmax"] == 30.0
    assert all(t["type"] == "scatter" for t in figure["data"])  # no geo trace: no topojson
    assert figure["layout"]["yaxis"]["scaleanchor"] == "x"
    assert json.dumps(figure)


def test_choropleth_by_a_property_key() -> None:
    figure = choropleth_figure(DISTRICTS, {"Kita": 5.0}, unit="t", key="properties.name")
    assert figure["data"][2]["fillcolor"] == COLOUR_SCALE[0]
    with pytest.raises(InputError, match="no features"):
        choropleth_figure({"type": "FeatureCollection", "features": []}, {}, unit="t")
