"""Plotly figures of a GPC inventory, as plain JSON-ready dicts (see `kizuna.reports.figures`).

Emissions are given in tCO2e and drawn in the `EmissionUnit` passed in (the
axis title names it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kizuna.reference.gpc import SECTOR_ORDER
from kizuna.reports.figures import Figure, base_layout
from kizuna.reports.formatting import EmissionUnit, decimals_for

#: Reporting levels shown on the pages, with their display names.
LEVEL_LABELS: dict[str, str] = {
    "basic": "BASIC",
    "basic_plus": "BASIC+",
    "basic_plus_s3": "BASIC+ and other scope 3",
    "territorial": "Territorial",
}
SCOPE_COLOURS = {"1": "#1b4f72", "2": "#5dade2", "3": "#e59866"}
LEVEL_COLOURS = {"basic": "#1b4f72", "basic_plus": "#239b56", "territorial": "#7d3c98"}
#: Dash and marker per level, so that equal totals stay visible and colour is not the only cue.
LEVEL_STYLES = {
    "basic": ("solid", "circle"),
    "basic_plus": ("dash", "diamond"),
    "territorial": ("dot", "square"),
}


def _layout(unit: EmissionUnit, **extra: Any) -> dict[str, Any]:
    return base_layout(unit.label, **extra)


def sector_scope_figure(
    by_sector_scope: Mapping[str, Mapping[str, float]], unit: EmissionUnit
) -> Figure:
    """Stacked bars of emissions (tCO2e by sector and scope, drawn in `unit`): one bar per
    GPC sector (in GPC order), one colour per scope."""
    sectors = [s for s in SECTOR_ORDER if s in by_sector_scope]
    sectors += sorted(set(by_sector_scope) - set(sectors))
    fmt = ",.2f" if decimals_for(unit) else ",.0f"
    data = []
    for scope in ("1", "2", "3"):
        values = [unit.convert(by_sector_scope[s].get(scope, 0.0)) for s in sectors]
        hover = f"%{{x}}<br>Scope {scope}: %{{y:{fmt}}} {unit.label}<extra></extra>"
        if not any(values):
            continue
        data.append(
            {
                "type": "bar",
                "name": f"Scope {scope}",
                "x": sectors,
                "y": values,
                "marker": {"color": SCOPE_COLOURS[scope]},
                "hovertemplate": hover,
            }
        )
    layout = _layout(unit, barmode="stack", bargap=0.35)
    layout["legend"]["traceorder"] = "normal"
    return {"data": data, "layout": layout}


def totals_figure(
    totals_by_year: Sequence[tuple[int, Mapping[str, float]]], unit: EmissionUnit
) -> Figure:
    """Lines of the BASIC, BASIC+ and territorial totals (tCO2e, drawn in `unit`) across
    inventory years."""
    years = [year for year, _ in totals_by_year]
    fmt = ",.2f" if decimals_for(unit) else ",.0f"
    data = []
    for level, colour in LEVEL_COLOURS.items():
        label = LEVEL_LABELS[level]
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": label,
                "x": years,
                "y": [unit.convert(totals.get(level, 0.0)) for _, totals in totals_by_year],
                "line": {"color": colour, "width": 2, "dash": LEVEL_STYLES[level][0]},
                "marker": {"size": 9, "symbol": LEVEL_STYLES[level][1]},
                "hovertemplate": f"{label} %{{x}}: %{{y:{fmt}}} {unit.label}<extra></extra>",
            }
        )
    layout = _layout(unit, xaxis={"tickvals": years, "tickformat": "d", "title": {"text": "Year"}})
    layout["yaxis"]["rangemode"] = "tozero"
    return {"data": data, "layout": layout}
