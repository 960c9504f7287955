"""Plotly figures of SDG progress as plain dicts (see `kizuna.reports.figures`).

- `goal_wheel_figure`: the 17 goals around a circle, the outer ring coloured by each goal's
  progress status, the inner ring in the goal's official colour with its number;
- `indicator_trend_figure`: an indicator's series over the years, with the base year, the
  target (where there is one) and the latest value marked;
- `status_bar_figure`: how many indicators have each status.

Every text is written in the language of `lang` (``en`` or ``ja``, `kizuna.sdg.i18n`).
The VLR's PDF draws the same content as static SVG (`kizuna.sdg.vlr.svg`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kizuna.reports.figures import FONT, Figure, base_layout
from kizuna.sdg.goals import goals
from kizuna.sdg.i18n import gettext
from kizuna.sdg.progress import STATUS_COLOURS, STATUS_LABELS, STATUSES

SEGMENT = 360.0 / 17


def status_label(status: str, lang: str = "en") -> str:
    """A status's label in `lang`."""
    return gettext(lang, STATUS_LABELS.get(status, status))


def goal_wheel_figure(statuses: Mapping[int, str], lang: str = "en") -> Figure:
    """The goal wheel: goal n at angle (n - 1) x 360/17 clockwise from the top; the outer
    ring's colour is the status of the goal (`statuses`: goal number -> status name; missing
    goals are not available), the inner ring the goal's own colour."""
    numbers = [g.number for g in goals()]
    theta = [(n - 1) * SEGMENT for n in numbers]
    status = [statuses.get(n, "not_available") for n in numbers]
    hover = [
        f"{gettext(lang, 'Goal %(number)s', number=g.number)}: {g.short_name(lang)}<br>"
        f"{status_label(s, lang)}"
        for g, s in zip(goals(), status, strict=True)
    ]
    common = {
        "type": "barpolar",
        "theta": theta,
        "width": [SEGMENT * 0.96] * 17,
        "hovertemplate": "%{customdata}<extra></extra>",
        "customdata": hover,
        "showlegend": False,
    }
    data: list[dict[str, Any]] = [
        {
            **common,
            "name": gettext(lang, "Progress status"),
            "r": [0.38] * 17,
            "base": [0.62] * 17,
            "marker": {
                "color": [STATUS_COLOURS[s] for s in status],
                "line": {"color": "#fff", "width": 1},
            },
        },
        {
            **common,
            "name": gettext(lang, "Goals"),
            "r": [0.3] * 17,
            "base": [0.3] * 17,
            "marker": {"color": [g.colour for g in goals()], "line": {"color": "#fff", "width": 1}},
        },
        {
            "type": "scatterpolar",
            "mode": "text",
            "r": [0.45] * 17,
            "theta": theta,
            "text": [str(n) for n in numbers],
            "textfont": {"color": "#fff", "size": 14, "family": FONT["family"]},
            "hoverinfo": "skip",
            "showlegend": False,
        },
    ]
    for s in STATUSES:
        data.append(
            {
                "type": "scatterpolar",
                "mode": "markers",
                "r": [None],
                "theta": [None],
                "name": status_label(s, lang),
                "marker": {"color": STATUS_COLOURS[s], "symbol": "square", "size": 12},
                "hoverinfo": "skip",
            }
        )
    layout = {
        "font": FONT,
        "margin": {"l": 20, "r": 20, "t": 20, "b": 20},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "showlegend": True,
        "legend": {"orientation": "v", "x": 1.02, "y": 0.5},
        "polar": {
            "barmode": "overlay",
            "hole": 0.0,
            "bgcolor": "rgba(0,0,0,0)",
            "angularaxis": {"rotation": 90, "direction": "clockwise", "visible": False},
            "radialaxis": {"visible": False, "range": [0, 1]},
        },
    }
    return {"data": data, "layout": layout}


@dataclass(frozen=True)
class TrendLine:
    """One line of a trend chart: a name, years and values (None for a gap), a colour."""

    name: str
    years: Sequence[float]
    values: Sequence[float | None]
    colour: str
    dash: bool = False


def indicator_trend_figure(
    lines: Sequence[TrendLine],
    unit: str = "",
    target: tuple[float, float] | None = None,
    base_year: float | None = None,
    lang: str = "en",
) -> Figure:
    """Lines of an indicator's series by year; `target` (year, value) drawn as a diamond,
    `base_year` as a dotted vertical line. The y axis is titled with the `unit`."""
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": line.name,
            "x": list(line.years),
            "y": list(line.values),
            "line": {"color": line.colour, "width": 2.5, "dash": "dot" if line.dash else "solid"},
            "marker": {"size": 7},
            "hovertemplate": "%{x}: %{y:,.4~g}<extra>" + line.name + "</extra>",
        }
        for line in lines
    ]
    if target is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": gettext(lang, "Target"),
                "x": [target[0]],
                "y": [target[1]],
                "marker": {"symbol": "diamond", "size": 13, "color": "#1c2733"},
                "hovertemplate": gettext(lang, "Target") + " %{x}: %{y:,.4~g}<extra></extra>",
            }
        )
    layout = base_layout(unit, xaxis={"title": {"text": gettext(lang, "Year")}, "tickformat": "d"})
    if base_year is not None:
        layout["shapes"] = [
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": base_year,
                "x1": base_year,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#8895a3", "dash": "dot", "width": 1},
            }
        ]
    return {"data": data, "layout": layout}


def status_bar_figure(counts: Mapping[str, int], lang: str = "en") -> Figure:
    """One horizontal bar per status: how many indicators have it."""
    shown = [s for s in STATUSES if counts.get(s)]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": [status_label(s, lang) for s in shown],
            "x": [counts[s] for s in shown],
            "marker": {"color": [STATUS_COLOURS[s] for s in shown]},
            "hovertemplate": "%{y}: %{x}<extra></extra>",
            "showlegend": False,
        }
    ]
    layout = base_layout("", xaxis={"title": {"text": gettext(lang, "Indicators")}, "dtick": 1})
    layout["yaxis"]["autorange"] = "reversed"
    return {"data": data, "layout": layout}
