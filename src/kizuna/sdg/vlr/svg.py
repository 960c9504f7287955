"""The VLR's charts as static SVG for the PDF (WeasyPrint runs no JavaScript): the goal wheel,
an indicator's trend and the plan's trajectory, from the same data as their Plotly versions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kizuna.reports.svg_charts import Line, Marker, Segment, line_chart, ring_chart
from kizuna.sdg.charts import TrendLine, status_label
from kizuna.sdg.goals import goals
from kizuna.sdg.i18n import gettext
from kizuna.sdg.progress import STATUS_COLOURS


def goal_wheel_svg(statuses: Mapping[int, str], lang: str = "en", size: int = 300) -> str:
    """The 17 goals in their colours (inner ring, numbered) ringed by their status colours."""
    segments = [
        Segment(
            str(g.number),
            g.colour,
            STATUS_COLOURS[statuses.get(g.number, "not_available")],
            f"{g.number} {g.short_name(lang)}: "
            f"{status_label(statuses.get(g.number, 'not_available'), lang)}",
        )
        for g in goals()
    ]
    return ring_chart(segments, size=size, title=gettext(lang, "Progress by goal"))


def trend_svg(
    lines: Sequence[TrendLine],
    unit: str,
    target: tuple[float, float] | None,
    lang: str = "en",
    title: str = "",
) -> str:
    """An indicator's series by year with its target as a diamond."""
    markers = [Marker(target[0], target[1], gettext(lang, "Target"))] if target else []
    return line_chart(
        [Line(t.name, t.years, t.values, t.colour, t.dash) for t in lines],
        markers=markers,
        y_title=unit,
        height=250,
        title=title,
    )


def trajectory_svg(
    bau: Mapping[int, float],
    planned: Mapping[int, float],
    observed: Mapping[int, float],
    milestones: Sequence[tuple[int, float, bool]],
    unit_label: str,
    scale: float,
    lang: str = "en",
) -> str:
    """BAU, planned and observed emissions (tCO2e / `scale`, in `unit_label`) with the
    milestone caps (met: green circle, missed: red cross)."""
    lines = [
        Line(
            gettext(lang, "Business as usual"),
            list(bau),
            [v / scale for v in bau.values()],
            "#8895a3",
            dash=True,
        ),
        Line(
            gettext(lang, "Planned emissions"),
            list(planned),
            [v / scale for v in planned.values()],
            "#1b4f72",
        ),
    ]
    if observed:
        lines.append(
            Line(
                gettext(lang, "Observed emissions"),
                list(observed),
                [v / scale for v in observed.values()],
                "#3f7e44",
            )
        )
    markers = [
        Marker(
            year,
            cap / scale,
            gettext(lang, "Milestone met") if met else gettext(lang, "Milestone missed"),
            "#1d6b35" if met else "#a12b1c",
            "circle" if met else "cross",
        )
        for year, cap, met in milestones
    ]
    return line_chart(
        lines,
        markers=markers,
        y_title=unit_label,
        height=300,
        y_from_zero=True,
        title=gettext(lang, "Emissions by year"),
    )
