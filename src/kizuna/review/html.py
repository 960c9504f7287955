"""A review's charts and tables as one standalone HTML file that opens offline.

Plotly.js is inlined from the installed ``plotly`` Python package (as in
`kizuna.reports.plan_report`); nothing is loaded from any server.
"""

from __future__ import annotations

import html
import json
from functools import cache
from pathlib import Path

import pandas as pd

from kizuna.reports.figures import Figure, plotly_js_path

Section = tuple[str, Figure | None, pd.DataFrame | None]

_STYLE = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; margin: 2rem;
       color: #1c2733; max-width: 1100px; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; font-size: 0.85rem; margin-top: 0.5rem; }
th, td { border-bottom: 1px solid #e5e8eb; padding: 0.25rem 0.6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.chart { width: 100%; min-height: 380px; }
p.note { color: #566573; font-size: 0.85rem; }
"""


@cache
def _plotly() -> str:
    return plotly_js_path().read_text(encoding="utf-8").replace("</script", "<\\/script")


def render_review(title: str, sections: list[Section], notes: list[str] | None = None) -> str:
    """HTML text: a title, then per section a heading, a chart and a table."""
    parts = [f"<h1>{html.escape(title)}</h1>"]
    parts += [f'<p class="note">{html.escape(n)}</p>' for n in notes or []]
    for k, (heading, figure, table) in enumerate(sections):
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        if figure is not None:
            payload = json.dumps(figure, ensure_ascii=False).replace("</", "<\\/")
            parts.append(
                f'<div class="chart" id="chart-{k}"></div><script>Plotly.newPlot("chart-{k}", '
                f"{payload}.data, {payload}.layout, {{responsive: true, displaylogo: false}});"
                "</script>"
            )
        if table is not None:
            parts.append(
                table.to_html(
                    float_format=lambda v: f"{v:,.3g}" if abs(v) < 10 else f"{v:,.0f}",
                    border=0,
                    na_rep="–",
                )
            )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style>"
        f"<script>{_plotly()}</script></head><body>{''.join(parts)}</body></html>"
    )


def write_review(
    path: Path, title: str, sections: list[Section], notes: list[str] | None = None
) -> Path:
    """Write `render_review` to `path` (its folder made if missing); returns `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_review(title, sections, notes), encoding="utf-8")
    return path
