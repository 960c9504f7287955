"""The SDG figures (Plotly dicts), their static SVG versions and the safe Markdown."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from kizuna.reports.svg_charts import Line, Marker, Segment, line_chart, nice_ticks, ring_chart
from kizuna.sdg.charts import (
    TrendLine,
    goal_wheel_figure,
    indicator_trend_figure,
    status_bar_figure,
)
from kizuna.sdg.goals import goal
from kizuna.sdg.progress import STATUS_COLOURS
from kizuna.sdg.vlr.narrative import render_markdown
from kizuna.sdg.vlr.svg import goal_wheel_svg

SVG = "{http://www.w3.org/2000/svg}"


def test_goal_wheel_colours_by_status() -> None:
    """17 segments; the outer ring takes the status colour, the inner one the goal's; goals
    without a status are grey; labels in Japanese with lang='ja'."""
    fig = goal_wheel_figure({13: "deterioration", 7: "substantial_progress"}, lang="ja")
    outer, inner, text = fig["data"][:3]
    assert len(outer["theta"]) == 17
    assert outer["theta"][0] == 0
    assert outer["marker"]["color"][12] == STATUS_COLOURS["deterioration"]
    assert outer["marker"]["color"][6] == STATUS_COLOURS["substantial_progress"]
    assert outer["marker"]["color"][0] == STATUS_COLOURS["not_available"]
    assert inner["marker"]["color"][12] == goal(13).colour
    assert text["text"][0] == "1"
    assert "気候変動に具体的な対策を" in outer["customdata"][12]
    assert "後退" in outer["customdata"][12]
    assert fig["layout"]["polar"]["barmode"] == "overlay"
    json.dumps(fig)  # plain JSON


def test_trend_and_status_figures() -> None:
    fig = indicator_trend_figure(
        [TrendLine("Total", [2015, 2020], [10.0, 8.0], "#3F7E44")], "MtCO2e", (2030, 5.0), 2015
    )
    assert fig["data"][1]["x"] == [2030]
    assert fig["data"][1]["marker"]["symbol"] == "diamond"
    assert fig["layout"]["yaxis"]["title"]["text"] == "MtCO2e"
    assert fig["layout"]["shapes"][0]["x0"] == 2015
    bars = status_bar_figure({"deterioration": 2, "moderate_progress": 1})
    assert bars["data"][0]["x"] == [1, 2]


def test_svg_charts_are_valid_svg() -> None:
    """Well-formed SVG with escaped texts; the wheel has 17 inner and 17 outer segments."""
    chart = line_chart(
        [
            Line("A & <B>", [2015, 2020], [1.0, None], "#000"),
            Line("C", [2015, 2020], [2.0, 3.0], "#111"),
        ],
        markers=[Marker(2030, 0.5, "Target")],
        y_title="t",
    )
    root = ET.fromstring(chart)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "A & <B>" in texts
    assert "Target" in texts
    assert "2015" in texts
    wheel = ET.fromstring(goal_wheel_svg({1: "limited_progress"}))
    paths = list(wheel.iter(f"{SVG}path"))
    assert len(paths) == 34
    assert paths[1].get("fill") == STATUS_COLOURS["limited_progress"]
    assert paths[0].get("fill") == goal(1).colour
    ring = ET.fromstring(ring_chart([Segment("1", "#fff", "#000")]))
    assert ring.tag == f"{SVG}svg"
    assert nice_ticks(0, 97) == [0, 20, 40, 60, 80, 100]


def test_markdown_is_rendered_without_raw_html() -> None:
    """Raw HTML is escaped, javascript: links are not made, headings move under the section."""
    html = str(
        render_markdown(
            "# Title\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n"
            "|a|b|\n|-|-|\n|1|2|"
        )
    )
    assert "<h3>Title</h3>" in html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert "<table>" in html
    assert str(render_markdown(None)) == ""
