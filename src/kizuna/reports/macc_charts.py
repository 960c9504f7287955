"""The MACC of a plan and its model-derived marginal cost curve, as Plotly figure dicts.

The classic MACC comes from ``macc_table(plan)``: one bar per measure, as wide as its
annual abatement potential (tCO2e/yr) and as high as its levelised cost of abatement
(currency/tCO2e). The model-derived curve comes from ``macc_sweep(plan, ambitions)``:
the abatement the least-cost roadmap reaches in the first target year against the
shadow price of that milestone, one point per ambition.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kizuna.reports.figures import Figure, base_layout, sector_colours
from kizuna.reports.formatting import EmissionUnit, format_cost, format_emissions, pick_unit
from kizuna.reports.plan_data import (
    MISSED_COLOUR,
    PLAN_COLOUR,
    TableLike,
    finite,
    records,
    value_format,
)


def macc_figure(
    macc: TableLike,
    currency: str,
    unit: EmissionUnit | None = None,
    needed_tco2e: Mapping[int, float] | None = None,
) -> Figure:
    """The classic MACC: one bar per measure, as wide as its annual abatement potential
    (tCO2e/yr, drawn in `unit`) and as high as its levelised cost of abatement (`currency`
    per tCO2e), sorted by cost and coloured by sector. Measures without abatement are left
    out. `needed_tco2e` ({year: tCO2e/yr}) draws the abatement each target year needs.
    """
    rows = [
        r
        for r in records(macc)
        if finite(r.get("lcoa")) is not None and (finite(r["abatement_tco2e_per_year"]) or 0) > 0
    ]
    rows.sort(key=lambda r: float(r["lcoa"]))
    total = sum(float(r["abatement_tco2e_per_year"]) for r in rows)
    needed = dict(needed_tco2e or {})
    unit = unit or pick_unit([total, *needed.values()])
    fmt = value_format(unit)
    colours = sector_colours(list(dict.fromkeys(r["sector"] for r in rows)))
    left = 0.0
    bars: dict[str, dict[str, Any]] = {}
    for r in rows:
        width = float(r["abatement_tco2e_per_year"])
        trace = bars.setdefault(
            r["sector"],
            {
                "type": "bar",
                "name": r["sector"],
                "x": [],
                "y": [],
                "width": [],
                "customdata": [],
                "marker": {"color": colours[r["sector"]], "line": {"color": "#ffffff", "width": 1}},
                "hovertemplate": "<b>%{customdata[0]}</b> (%{customdata[1]})<br>"
                f"LCOA: %{{customdata[3]}} {currency}/tCO2e<br>"
                f"potential: %{{customdata[2]:{fmt}}} {unit.label}/yr<extra></extra>",
            },
        )
        trace["x"].append(unit.convert(left + width / 2))
        trace["y"].append(float(r["lcoa"]))
        trace["width"].append(unit.convert(width))
        trace["customdata"].append(
            [r["name"], r["measure"], unit.convert(width), format_cost(float(r["lcoa"]))]
        )
        left += width
    layout = base_layout(
        f"Levelised cost of abatement ({currency}/tCO2e)",
        barmode="overlay",
        xaxis={
            "title": {"text": f"Annual abatement potential ({unit.label}/yr)"},
            "tickformat": ",",
            "gridcolor": "#f0f2f4",
        },
    )
    layout["yaxis"]["zerolinewidth"] = 2
    # above the plot, growing upwards: Plotly widens the top margin for a second row
    layout["legend"] = {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"}
    costs = [float(r["lcoa"]) for r in rows]
    top, bottom = axis_top(costs), -axis_top([-c for c in costs])
    low, high = min(0.0, bottom), max(0.0, top)
    span = high - low or 1.0
    cost_range = [low - (0.08 if low < 0 else 0.05) * span, high + 0.08 * span]
    layout["yaxis"]["range"] = cost_range
    x_max = max(total, 1e-9)
    x_max = max([x_max, *(v for v in needed.values() if v <= 2 * x_max)])
    layout["xaxis"]["range"] = [0, 1.03 * unit.convert(x_max)]
    layout["annotations"] = [
        _cut_label(unit.convert(left + w / 2), cost, cost_range)
        for left, w, cost in _bar_spans(rows)
        if not cost_range[0] <= cost <= cost_range[1]
    ]
    lines = _needed_traces(needed, unit, cost_range, 1.03 * x_max)
    return {"data": list(bars.values()) + lines, "layout": layout}


def _cut_label(x: float, cost: float, cost_range: list[float]) -> dict[str, Any]:
    """The cost of a bar cut by the axis, written at the edge it crosses."""
    above = cost > cost_range[1]
    return {
        "x": x,
        "y": cost_range[1] if above else cost_range[0],
        "xref": "x",
        "yref": "y",
        "yanchor": "top" if above else "bottom",
        "showarrow": False,
        "text": f"{'▲' if above else '▼'} {cost:,.0f}",
        "font": {"size": 11},
        "bgcolor": "rgba(255,255,255,0.85)",
    }


def axis_top(costs: Sequence[float], ratio: float = 4.0) -> float:
    """The top of the cost axis (currency/tCO2e): the highest cost, unless it is more than
    `ratio` times the next one; then the axis stops at 1.2 x the next, and so on for at
    most a quarter of the bars, so that a few very costly measures do not flatten the rest.
    (The bottom is the same rule on the negated costs.)"""
    positive = sorted((c for c in costs if c > 0), reverse=True)
    top = positive[0] if positive else 0.0
    for k in range(1, min(len(positive), max(1, len(costs) // 4) + 1)):
        if positive[k - 1] <= ratio * positive[k]:
            break
        top = 1.2 * positive[k]
    return top


def _bar_spans(rows: Sequence[Mapping[str, Any]]) -> list[tuple[float, float, float]]:
    """(left edge, width, cost) of each bar, in tCO2e/yr and currency/tCO2e."""
    spans, left = [], 0.0
    for r in rows:
        width = float(r["abatement_tco2e_per_year"])
        spans.append((left, width, float(r["lcoa"])))
        left += width
    return spans


def _needed_traces(
    needed: Mapping[int, float], unit: EmissionUnit, cost_range: list[float], x_max: float
) -> list[dict[str, Any]]:
    """A dashed vertical line at the abatement each target year needs (BAU - cap, tCO2e/yr),
    named in the legend; a need beyond `x_max` (tCO2e/yr) stays in the legend only, so that
    a far target does not squeeze the curve."""
    dashes = ("dash", "dot", "dashdot", "longdash")
    return [
        {
            "type": "scatter",
            "mode": "lines",
            "name": f"{year} needs {format_emissions(value, unit)} {unit.label}/yr"
            + (" (beyond the curve)" if value > x_max else ""),
            "x": [unit.convert(value)] * 2,
            "y": cost_range,
            "line": {"color": MISSED_COLOUR, "width": 1.5, "dash": dashes[k % len(dashes)]},
            "hoverinfo": "name",
        }
        for k, (year, value) in enumerate(sorted(needed.items()))
    ]


def sweep_figure(sweep: TableLike, currency: str, unit: EmissionUnit | None = None) -> Figure:
    """The model-derived curve of ``macc_sweep``: abatement reached in the first target year
    (tCO2e/yr, drawn in `unit`) against that milestone's marginal cost (`currency`/tCO2e),
    one point per ambition. Ambitions whose milestone is missed are named in a note, not
    drawn: their marginal cost is the plan's penalty, not a cost of abatement.
    """
    rows = records(sweep)
    met = [
        r
        for r in rows
        if finite(r.get("marginal_cost")) is not None
        and (finite(r.get("gap_tco2e")) or 0.0) <= 1e-6 * max(1.0, float(r["abatement_tco2e"]))
    ]
    missed = [r for r in rows if r not in met]
    unit = unit or pick_unit(float(r["abatement_tco2e"]) for r in rows)
    fmt = value_format(unit)
    year = rows[0]["year"] if rows else ""
    trace = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": "Least-cost plan",
        "x": [unit.convert(float(r["abatement_tco2e"])) for r in met],
        "y": [float(r["marginal_cost"]) for r in met],
        "customdata": [[100 * float(r["ambition"]), float(r["npv"])] for r in met],
        "line": {"color": PLAN_COLOUR, "width": 2, "shape": "vh"},
        "marker": {"size": 8, "color": PLAN_COLOUR},
        "hovertemplate": "Ambition %{customdata[0]:.0f} % of the targets<br>"
        f"abatement {year}: %{{x:{fmt}}} {unit.label}<br>"
        f"marginal cost: %{{y:,.0f}} {currency}/tCO2e<br>"
        f"NPV: %{{customdata[1]:,.0f}} {currency}<extra></extra>",
    }
    layout = base_layout(
        f"Marginal cost ({currency}/tCO2e)",
        xaxis={
            "title": {"text": f"Abatement in {year} ({unit.label}/yr)"},
            "tickformat": ",",
            "rangemode": "tozero",
            "gridcolor": "#f0f2f4",
        },
        showlegend=False,
    )
    if missed:
        lowest = min(100 * float(r["ambition"]) for r in missed)
        layout["annotations"] = [
            {
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 1.01,
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "align": "left",
                "text": f"From {lowest:.0f} % of the targets the {year} milestone is missed "
                "(not drawn: its marginal cost is the penalty)",
                "font": {"color": MISSED_COLOUR, "size": 12},
            }
        ]
        layout["margin"] = {**layout["margin"], "t": 30}
    return {"data": [trace], "layout": layout}
