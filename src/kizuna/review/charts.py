"""Plotly figures of a review, as plain JSON-ready dicts (see `kizuna.reports.figures`).

Each builder takes a review result (or its ``to_dict()``) and draws emissions in one
display unit picked from the largest value (tCO2e, ktCO2e or MtCO2e):

- `stress_figure`: the city's emissions under each scenario, with the milestone caps;
- `fan_figure`: the Monte Carlo fan (P5-P95, P10-P90, P25-P75 bands, median), the planned
  path and the caps, each labelled with its probability of being met;
- `tornado_figure`: Spearman's rho of the drawn quantities with one outcome;
- `progress_figure`: planned path, actual emissions and the trend to the milestones;
- `replan_figure`: emissions before and after a re-plan, with the actuals;
- `replan_units_figure`: units installed after the actual year, before and after.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kizuna.reports.figures import EXTRA_COLOURS, Figure, base_layout
from kizuna.reports.formatting import EmissionUnit, pick_unit
from kizuna.reports.plan_data import (
    BAU_COLOUR,
    MET_COLOUR,
    MISSED_COLOUR,
    PLAN_COLOUR,
    by_year,
    hover_text,
    value_format,
)

ACTUAL_COLOUR = "#b9770e"
FAN_COLOUR = "28, 39, 51"  # PLAN_COLOUR as r, g, b


def _data(result: Any) -> Mapping[str, Any]:
    return result.to_dict() if hasattr(result, "to_dict") else result


def _year_axis(years: list[int]) -> dict[str, Any]:
    return {
        "title": {"text": "Year"},
        "tickformat": "d",
        "gridcolor": "#f0f2f4",
        "range": [years[0] - 0.4, years[-1] + 0.4] if years else None,
    }


def _caps_trace(
    milestones: list[Mapping[str, Any]], unit: EmissionUnit, hover_extra: str = ""
) -> list[dict[str, Any]]:
    city = [m for m in milestones if m.get("sector") is None]
    if not city:
        return []
    fmt = value_format(unit)
    return [
        {
            "type": "scatter",
            "mode": "markers",
            "name": "Milestone cap",
            "x": [m["year"] for m in city],
            "y": [unit.convert(m["cap"]) for m in city],
            "customdata": [[m.get(hover_extra, 0) if hover_extra else 0] for m in city],
            "marker": {"color": MET_COLOUR, "symbol": "diamond", "size": 9},
            "hovertemplate": f"Cap %{{x}}: %{{y:{fmt}}} {unit.label}"
            + ("<br>probability met: %{customdata[0]:.1%}" if hover_extra == "probability" else "")
            + "<extra></extra>",
        }
    ]


def _line(
    name: str, years: list[int], values: list[float], unit: EmissionUnit, **style: Any
) -> dict:
    fmt = value_format(unit)
    return {
        "type": "scatter",
        "mode": style.pop("mode", "lines"),
        "name": name,
        "x": years,
        "y": [unit.convert(v) for v in values],
        "hovertemplate": f"{hover_text(name)} %{{x}}: %{{y:{fmt}}} {unit.label}<extra></extra>",
        **style,
    }


def stress_figure(stress: Any) -> Figure:
    """City emissions of the fixed roadmap under each scenario, and the milestone caps."""
    data = _data(stress)
    outcomes = data["scenarios"]
    years = list(data["years"])
    unit = pick_unit(v for o in outcomes for v in by_year(o["bau"]).values())
    traces = []
    for k, o in enumerate(outcomes):
        series = by_year(o["emissions"])
        is_plan = o["scenario"] == "plan"
        colour = PLAN_COLOUR if is_plan else EXTRA_COLOURS[(k - 1) % len(EXTRA_COLOURS)]
        traces.append(
            _line(
                o["name"],
                years,
                [series[y] for y in years],
                unit,
                line={
                    "color": colour,
                    "width": 3 if is_plan else 2,
                    "dash": "solid" if is_plan else "dot",
                },
            )
        )
    traces += _caps_trace(outcomes[0]["milestones"], unit)
    layout = base_layout(f"Emissions ({unit.label}/yr)", xaxis=_year_axis(years))
    layout["yaxis"]["rangemode"] = "tozero"
    return {"data": traces, "layout": layout}


def fan_figure(risk: Any) -> Figure:
    """The Monte Carlo fan of city emissions: bands between percentile pairs, the median, the
    planned path and the caps (hover: probability of meeting each)."""
    data = _data(risk)
    fan = data["fan"]
    years = [row["year"] for row in fan]
    unit = pick_unit(row["p95"] for row in fan)
    traces: list[dict[str, Any]] = []
    for low, high, alpha in (("p5", "p95", 0.12), ("p10", "p90", 0.18), ("p25", "p75", 0.28)):
        if low not in fan[0] or high not in fan[0]:
            continue
        traces.append(
            _line(
                high.upper(),
                years,
                [r[high] for r in fan],
                unit,
                line={"width": 0},
                showlegend=False,
            )
        )
        traces.append(
            _line(
                f"{low.upper()}-{high.upper()}",
                years,
                [r[low] for r in fan],
                unit,
                line={"width": 0},
                fill="tonexty",
                fillcolor=f"rgba({FAN_COLOUR}, {alpha})",
            )
        )
    traces.append(
        _line(
            "Median", years, [r["p50"] for r in fan], unit, line={"color": PLAN_COLOUR, "width": 2}
        )
    )
    traces.append(
        _line(
            "Planned",
            years,
            [r["planned"] for r in fan],
            unit,
            line={"color": BAU_COLOUR, "width": 2, "dash": "dash"},
        )
    )
    traces += _caps_trace(data["milestones"], unit, "probability")
    layout = base_layout(f"Emissions ({unit.label}/yr)", xaxis=_year_axis(years))
    layout["yaxis"]["rangemode"] = "tozero"
    return {"data": traces, "layout": layout}


def tornado_figure(risk: Any, outcome: str = "cumulative_emissions", top: int = 15) -> Figure:
    """Horizontal bars: Spearman's rho of the `top` drawn quantities with `outcome` (largest
    |rho| on top); positive rho (the outcome grows with the quantity) in red."""
    data = _data(risk)
    rows = list(data["sensitivity"].get(outcome, []))[:top][::-1]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": outcome,
                "x": [r["rho"] for r in rows],
                "y": [r["uncertainty"] for r in rows],
                "marker": {"color": [MISSED_COLOUR if r["rho"] > 0 else MET_COLOUR for r in rows]},
                "hovertemplate": "%{y}: rho %{x:.2f}<extra></extra>",
            }
        ],
        "layout": base_layout(
            "",
            xaxis={
                "title": {"text": f"Spearman rank correlation with {outcome}"},
                "range": [-1, 1],
                "zerolinecolor": "#aab2bd",
            },
            margin={"l": 260, "r": 20, "t": 10, "b": 50},
            showlegend=False,
            height=max(300, 28 * len(rows) + 80),
        ),
    }


def progress_figure(progress: Any) -> Figure:
    """Planned city path, the actual emissions, and the trend from the latest actual year to
    each future milestone (on track green, off track red)."""
    data = _data(progress)
    planned = by_year(data["planned"])
    actual = by_year(data["actual"])
    years = list(planned)
    unit = pick_unit(list(planned.values()) + list(actual.values()))
    traces = [
        _line(
            "Planned",
            years,
            [planned[y] for y in years],
            unit,
            line={"color": PLAN_COLOUR, "width": 2},
        ),
        _line(
            "Actual",
            list(actual),
            list(actual.values()),
            unit,
            mode="lines+markers",
            line={"color": ACTUAL_COLOUR, "width": 3},
            marker={"size": 7},
        ),
    ]
    latest = data["latest_year"]
    for m in data["milestones"]:
        if m["sector"] is not None or m["projected"] is None:
            continue
        colour = MET_COLOUR if m["status"] == "on_track" else MISSED_COLOUR
        traces.append(
            _line(
                f"Trend to {m['year']} ({m['status'].replace('_', ' ')})",
                [latest, m["year"]],
                [actual[latest], m["projected"]],
                unit,
                line={"color": colour, "dash": "dot", "width": 2},
            )
        )
    traces += _caps_trace(data["milestones"], unit)
    layout = base_layout(f"Emissions ({unit.label}/yr)", xaxis=_year_axis(years))
    layout["yaxis"]["rangemode"] = "tozero"
    return {"data": traces, "layout": layout}


def replan_figure(replan: Any) -> Figure:
    """City emissions before and after a re-plan, with the actual year marked."""
    data = _data(replan)
    before, after = by_year(data["emissions_before"]), by_year(data["emissions_after"])
    years = list(before)
    unit = pick_unit(list(before.values()) + list(after.values()))
    traces = [
        _line(
            "Original roadmap",
            years,
            [before[y] for y in years],
            unit,
            line={"color": BAU_COLOUR, "width": 2, "dash": "dash"},
        ),
        _line(
            "Re-planned (actuals to " + str(data["actual_year"]) + ")",
            years,
            [after[y] for y in years],
            unit,
            line={"color": PLAN_COLOUR, "width": 3},
        ),
    ]
    traces += _caps_trace(data["milestones"], unit)
    layout = base_layout(f"Emissions ({unit.label}/yr)", xaxis=_year_axis(years))
    layout["shapes"] = [
        {
            "type": "line",
            "x0": data["actual_year"],
            "x1": data["actual_year"],
            "yref": "paper",
            "y0": 0,
            "y1": 1,
            "line": {"color": ACTUAL_COLOUR, "dash": "dot"},
        }
    ]
    layout["yaxis"]["rangemode"] = "tozero"
    return {"data": traces, "layout": layout}


def replan_units_figure(replan: Any) -> Figure:
    """Units installed after the actual year per changed measure, before and after."""
    data = _data(replan)
    changes = data["changes"]
    names = [f"{c['measure']} ({c['change']})" for c in changes]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": "Before",
                "y": names,
                "x": [c["units_before"] for c in changes],
                "marker": {"color": BAU_COLOUR},
            },
            {
                "type": "bar",
                "orientation": "h",
                "name": "After",
                "y": names,
                "x": [c["units_after"] for c in changes],
                "marker": {"color": PLAN_COLOUR},
            },
        ],
        "layout": base_layout(
            "",
            barmode="group",
            xaxis={
                "title": {"text": f"Units installed after {data['actual_year']}"},
                "tickformat": ",",
            },
            margin={"l": 260, "r": 20, "t": 30, "b": 50},
            height=max(300, 40 * len(changes) + 100),
        ),
    }
