"""Plotly figures of an optimised plan: the trajectory with abatement wedges, the MACC and the
model-derived marginal cost curve, as plain JSON-ready dicts (see `kizuna.reports.figures`).

Inputs are the shapes `kizuna.planning` produces (see `kizuna.reports.plan_data`): a result
as ``PlanResult.to_dict()`` (or the `PlanResult` itself), the classic MACC as
``macc_table(plan)`` (a DataFrame or its records) and the model-derived curve as
``macc_sweep(plan, ambitions)``. Emissions and abatement arrive in tCO2e (per year) and
each chart draws them in one `EmissionUnit` picked from its largest value; costs are in
the plan currency per tCO2e. The MACC and the curve live in `kizuna.reports.macc_charts`
and are re-exported here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kizuna.reports.figures import Figure, base_layout, sector_colours, shade
from kizuna.reports.formatting import EmissionUnit, pick_unit
from kizuna.reports.macc_charts import macc_figure, sweep_figure
from kizuna.reports.plan_data import (
    BAU_COLOUR,
    MET_COLOUR,
    MISSED_COLOUR,
    PLAN_COLOUR,
    ResultLike,
    by_year,
    hover_text,
    result_dict,
    short_name,
    value_format,
)

__all__ = ["Wedge", "macc_figure", "sweep_figure", "trajectory_figure", "wedges"]

#: Legend entries the trajectory lists beside the plot; more go below it, in columns.
LEGEND_BESIDE_MAX = 18


@dataclass(frozen=True, slots=True)
class Wedge:
    """The abatement of one measure by year (tCO2e), with its sector and colour."""

    measure: str
    name: str
    sector: str
    colour: str
    abatement_tco2e: list[float]


def wedges(result: ResultLike) -> list[Wedge]:
    """The measures that abate anything, by sector (in the baseline's order), then largest
    first; each sector has its colour and its measures lighter shades of it."""
    data = result_dict(result)
    years = list(by_year(data["bau"]))
    sectors = list(data.get("bau_by_sector", {}))
    measures = [m for m in data.get("measures", []) if any(by_year(m["abatement"]).values())]
    sectors += sorted({m["sector"] for m in measures} - set(sectors))
    colours = sector_colours(sectors)
    out: list[Wedge] = []
    for sector in sectors:
        own = [m for m in measures if m["sector"] == sector]
        own.sort(key=lambda m: -sum(by_year(m["abatement"]).values()))
        for k, m in enumerate(own):
            series = by_year(m["abatement"])
            colour = shade(colours[sector], 0.55 * k / max(1, len(own)))
            out.append(
                Wedge(m["id"], m["name"], sector, colour, [series.get(y, 0.0) for y in years])
            )
    return out


def trajectory_figure(result: ResultLike, unit: EmissionUnit | None = None) -> Figure:
    """BAU and planned emissions by year, the abatement of each measure as a wedge stacked
    between them, and the city-wide milestone caps (missed ones in red with their gap).

    The top of the last wedge is the BAU line: BAU - planned = the sum of the wedges.
    Each wedge's `customdata` holds its own abatement (in `unit`), its `y` the stack top.
    """
    data = result_dict(result)
    bau = by_year(data["bau"])
    planned = by_year(data["emissions"])
    years = list(bau)
    unit = unit or pick_unit(bau.values())
    fmt = value_format(unit)
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": "Planned emissions",
            "x": years,
            "y": [unit.convert(planned[y]) for y in years],
            "line": {"color": PLAN_COLOUR, "width": 3},
            "hovertemplate": f"Planned %{{x}}: %{{y:{fmt}}} {unit.label}<extra></extra>",
        }
    ]
    top = [planned[y] for y in years]
    for wedge in wedges(data):
        top = [t + a for t, a in zip(top, wedge.abatement_tco2e, strict=True)]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": short_name(wedge.name),
                "legendgroup": wedge.sector,
                "x": years,
                "y": [unit.convert(t) for t in top],
                "customdata": [unit.convert(a) for a in wedge.abatement_tco2e],
                "fill": "tonexty",
                "fillcolor": wedge.colour,
                "line": {"color": wedge.colour, "width": 0.5},
                "hovertemplate": f"{hover_text(wedge.name)}<br>"
                f"%{{x}}: %{{customdata:{fmt}}} {unit.label} abated<extra></extra>",
            }
        )
    traces.append(
        {
            "type": "scatter",
            "mode": "lines",
            "name": "Business as usual",
            "x": years,
            "y": [unit.convert(bau[y]) for y in years],
            "line": {"color": BAU_COLOUR, "width": 2.5, "dash": "dash"},
            "hovertemplate": f"BAU %{{x}}: %{{y:{fmt}}} {unit.label}<extra></extra>",
        }
    )
    traces += _milestone_traces(data, unit)
    layout = base_layout(
        f"Emissions ({unit.label}/yr)",
        xaxis={
            "title": {"text": "Year"},
            "tickformat": "d",
            "gridcolor": "#f0f2f4",
            "range": [years[0] - 0.4, years[-1] + 0.4] if years else None,
        },
        legend={"orientation": "v", "x": 1.02, "y": 1, "traceorder": "reversed"},
        margin={"l": 70, "r": 10, "t": 10, "b": 50},
    )
    if len(traces) > LEGEND_BESIDE_MAX:
        # too many entries beside the plot: below it (under the axis title), in three
        # columns of 300 px, with the figure made taller by the legend's rows (21 px each)
        plot_px, rows = 360, math.ceil(len(traces) / 3)
        layout["margin"]["b"] = 70 + 21 * rows
        layout["height"] = layout["margin"]["t"] + plot_px + layout["margin"]["b"]
        layout["legend"] = {
            "orientation": "h",
            "x": 0,
            "y": -62 / plot_px,
            "yanchor": "top",
            "traceorder": "reversed",
            "entrywidth": 300,
        }
    layout["yaxis"]["rangemode"] = "tozero"
    return {"data": traces, "layout": layout}


def _milestone_traces(data: Mapping[str, Any], unit: EmissionUnit) -> list[dict[str, Any]]:
    """Markers at the city-wide caps: met ones green, missed ones red with a gap segment."""
    fmt = value_format(unit)
    city = [m for m in data.get("milestones", []) if m.get("sector") is None]
    met = [m for m in city if m["met"]]
    missed = [m for m in city if not m["met"]]
    hover = (
        f"Milestone %{{x}}<br>cap: %{{y:{fmt}}} {unit.label}<br>"
        f"planned: %{{customdata[0]:{fmt}}} {unit.label}<br>"
        f"gap: %{{customdata[1]:{fmt}}} {unit.label}<extra></extra>"
    )
    traces: list[dict[str, Any]] = []
    if missed:
        xs: list[int | None] = []
        ys: list[float | None] = []
        for m in missed:
            xs += [m["year"], m["year"], None]
            ys += [unit.convert(m["cap"]), unit.convert(m["emissions"]), None]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "Gap to milestone",
                "x": xs,
                "y": ys,
                "line": {"color": MISSED_COLOUR, "width": 2},
                "opacity": 0.8,
                "hoverinfo": "skip",
            }
        )
    for name, chosen, colour, symbol in (
        ("Milestone met", met, MET_COLOUR, "diamond"),
        ("Milestone missed", missed, MISSED_COLOUR, "x"),
    ):
        if not chosen:
            continue
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": name,
                "x": [m["year"] for m in chosen],
                "y": [unit.convert(m["cap"]) for m in chosen],
                "customdata": [
                    [unit.convert(m["emissions"]), unit.convert(m["gap"])] for m in chosen
                ],
                "marker": {
                    "color": colour,
                    "symbol": symbol,
                    "size": 9,
                    "line": {"color": "#ffffff", "width": 1},
                },
                "hovertemplate": hover,
            }
        )
    return traces
