"""What every Kizuna chart shares: the figure type, the font and the base layout.

Figures are plain JSON-ready dicts in Plotly's ``{"data": [...], "layout": {...}}``
shape (not ``plotly.graph_objects``): building them is fast, they embed in a page
as JSON, and tests read them like any other data. Pages and reports draw them with
the Plotly.js of the installed ``plotly`` Python package, never from a CDN.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

from kizuna.errors import KizunaError

Figure = dict[str, Any]

FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13}
GRID = "#e5e8eb"
ZERO_LINE = "#aab2bd"

#: One colour per GPC sector (other sectors take `EXTRA_COLOURS` in turn).
SECTOR_COLOURS = {
    "Stationary energy": "#1b4f72",
    "Transportation": "#b9770e",
    "Waste": "#239b56",
    "IPPU": "#7d3c98",
    "AFOLU": "#6e8b3d",
    "Other scope 3": "#7f8c8d",
}
#: No red among them: red marks missed milestones and gaps.
EXTRA_COLOURS = ("#2e86c1", "#16a085", "#8e44ad", "#a04000", "#566573", "#b7950b")


def base_layout(y_title: str, **extra: Any) -> dict[str, Any]:
    """The layout of a Kizuna chart: font, margins, transparent background, legend on top,
    a y axis titled `y_title` (with its unit) and thousands separators, whose margin grows
    to fit long tick labels."""
    layout: dict[str, Any] = {
        "font": FONT,
        "margin": {"l": 70, "r": 20, "t": 10, "b": 60},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "legend": {"orientation": "h", "x": 0, "y": 1.12},
        "yaxis": {
            "title": {"text": y_title},
            "tickformat": ",",
            "gridcolor": GRID,
            "zerolinecolor": ZERO_LINE,
            "automargin": True,
        },
        "hovermode": "closest",
    }
    layout.update(extra)
    return layout


def sector_colours(sectors: list[str]) -> dict[str, str]:
    """A colour for each of `sectors`: the GPC ones fixed, the others from `EXTRA_COLOURS`."""
    out: dict[str, str] = {}
    extra = iter(EXTRA_COLOURS * (1 + len(sectors) // len(EXTRA_COLOURS)))
    for sector in sectors:
        out[sector] = SECTOR_COLOURS.get(sector) or next(extra)
    return out


def shade(colour: str, lightness: float) -> str:
    """`colour` (``#rrggbb``) mixed with white: `lightness` 0 keeps it, 1 gives white."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(c + (255 - c) * lightness) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def plotly_js_path() -> Path:
    """The ``plotly.min.js`` bundled in the installed ``plotly`` Python package."""
    path = Path(str(files("plotly").joinpath("package_data", "plotly.min.js")))
    if not path.is_file():
        raise KizunaError(
            f"Plotly.js not found at {path}",
            hint="reinstall the plotly Python package (pip install --force-reinstall plotly)",
        )
    return path
