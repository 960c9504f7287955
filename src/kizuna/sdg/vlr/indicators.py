"""The goal-by-goal review and the "leave no one behind" view of a VLR, from the assessment.

For each goal with data: its status and score, its targets, and per indicator a trend chart
(the series its progress is measured on, and the breakdowns of its first disaggregation),
the status, the trend in words (growth per year against the growth the target needs) and
its series table. Leave no one behind: every single breakdown of every indicator (a group
such as "Elderly households"), assessed like its indicator (`kizuna.sdg.series.breakdown_table`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kizuna.errors import InputError
from kizuna.reports.figures import EXTRA_COLOURS, Figure
from kizuna.sdg.aggregate import Assessment, IndicatorResult
from kizuna.sdg.charts import TrendLine, indicator_trend_figure, status_label
from kizuna.sdg.framework import Framework
from kizuna.sdg.goals import Goal, goal
from kizuna.sdg.i18n import gettext
from kizuna.sdg.local import LocalIndicator
from kizuna.sdg.opensdg import IndicatorData, disaggregation_columns
from kizuna.sdg.progress import SeriesProgress, assess_frame
from kizuna.sdg.series import breakdown_table, progress_enabled, progress_options, select_rows
from kizuna.sdg.vlr.svg import trend_svg


@dataclass
class IndicatorView:
    """One indicator as the review shows it (values in the indicator's unit)."""

    id: str
    number: str
    name: str
    unit: str
    status: str
    status_label: str
    score: float | None
    trend: str
    global_indicators: list[str]
    targets: list[str]
    series: list[dict[str, Any]]
    chart: Figure
    svg: str
    sources: list[str]
    footnote: str
    first_year: int | None
    last_year: int | None
    points: int
    manual: bool = False


@dataclass
class GoalView:
    """One goal of the review: status, targets (number, title) and its indicators."""

    goal: Goal
    short: str
    title: str
    status: str
    status_label: str
    score: float | None
    targets: list[tuple[str, str | None, str]] = field(default_factory=list)
    indicators: list[IndicatorView] = field(default_factory=list)


@dataclass
class BreakdownRow:
    """One group of a breakdown (Leave no one behind), assessed like its indicator."""

    indicator: str
    name: str
    field: str
    group: str
    unit: str
    base_year: int | None
    base_value: float | None
    current_year: int | None
    current_value: float | None
    change_percent: float | None
    status: str
    status_label: str


def format_value(value: float | None) -> str:
    """A value as the review writes it: thousands separators from 10,000, else four
    significant digits; an en dash for None."""
    if value is None:
        return "–"
    if abs(value) >= 1e4:
        return f"{value:,.0f}"
    return f"{value:,.4g}"


def _growth(s: SeriesProgress) -> float | None:
    if None in (s.base_value, s.current_value, s.base_year, s.current_year):
        return None
    years = float(s.current_year) - float(s.base_year)  # type: ignore[arg-type]
    if years < 1 or not s.base_value or (s.current_value or 0) / s.base_value <= 0:
        return None
    return (s.current_value / s.base_value) ** (1 / years) - 1  # type: ignore[operator]


def trend_text(s: SeriesProgress, lang: str) -> str:
    """The trend of a series in words: its growth per year since the base year, which
    direction is better, and the growth its target needs."""
    growth = _growth(s)
    if growth is None:
        if s.status == "target_achieved":
            return gettext(lang, "The target is met.")
        return gettext(lang, "Not enough data to measure a trend (two years from the base year).")
    better = (
        gettext(lang, "higher is better") if s.direction > 0 else gettext(lang, "lower is better")
    )
    text = gettext(
        lang,
        "%(growth)s per year from %(base)s to %(current)s (%(better)s).",
        growth=f"{growth * 100:+.1f} %",
        base=int(s.base_year or 0),
        current=int(s.current_year or 0),
        better=better,
    )
    if s.target is not None and s.target_year and s.base_value and s.target / s.base_value > 0:
        span = s.target_year - (s.base_year or 0)
        if span > 0:
            needed = (max(s.target, 0.001) / s.base_value) ** (1 / span) - 1
            text += " " + gettext(
                lang,
                "Reaching %(target)s by %(year)s needs %(needed)s per year.",
                target=format_value(s.target),
                year=int(s.target_year),
                needed=f"{needed * 100:+.1f} %",
            )
    return text


def data_label(local: LocalIndicator, text: str, lang: str) -> str:
    """A label from the data (series, unit, breakdown, group) in `lang`: the indicator's own
    ``kizuna.labels_ja``, else the SDG catalogue (common units), else `text`."""
    if lang != "ja" or not text:
        return text
    return local.labels_ja.get(text) or gettext(lang, text)


def series_label(result: IndicatorResult, tag: str, lang: str) -> str:
    """A series tag (``1-2-2-a / Protection rate (persons) / Percent``) shown without the
    indicator's id and with its parts in `lang`; the indicator's name for the headline."""
    parts = tag.split(" / ")[1:]
    if not parts:
        return result.indicator.name_in(lang)
    return " / ".join(data_label(result.indicator, p, lang) for p in parts)


def _lines(item: IndicatorData, result: IndicatorResult, colour: str, lang: str) -> list[TrendLine]:
    options = progress_options(item) if progress_enabled(item) else [{}]
    lines = []
    for k, option in enumerate(options):
        try:
            rows = select_rows(item, option)
        except InputError:  # a series that cannot be picked is not drawn
            continue
        tag = result.series[k].series if k < len(result.series) else item.id
        lines.append(
            TrendLine(
                series_label(result, tag, lang),
                rows["year"].tolist(),
                rows["value"].tolist(),
                colour,
            )
        )
    columns = disaggregation_columns(item.frame)
    if columns:
        first = options[0]
        base = {k: v for k, v in first.items() if k != "disaggregation"}
        groups = item.frame[columns[0]].dropna().unique().tolist()
        for i, group in enumerate(groups[:6]):
            option = {**base, "disaggregation": [{"field": columns[0], "value": group}]}
            try:
                rows = select_rows(item, option)
            except InputError:
                continue
            if not rows.empty:
                lines.append(
                    TrendLine(
                        data_label(result.indicator, str(group), lang),
                        rows["year"].tolist(),
                        rows["value"].tolist(),
                        EXTRA_COLOURS[i % len(EXTRA_COLOURS)],
                        dash=True,
                    )
                )
    return lines


def footnote(item: IndicatorData, lang: str) -> str:
    """The indicator's data footnote in `lang` (``kizuna.footnote_ja`` for Japanese, the
    config's ``data_footnote`` otherwise)."""
    if lang == "ja" and item.kizuna.get("footnote_ja"):
        return str(item.kizuna["footnote_ja"])
    return str(item.config.get("data_footnote") or "")


def indicator_view(
    item: IndicatorData, result: IndicatorResult, framework: Framework, lang: str
) -> IndicatorView:
    """The view of one indicator (names in `lang`)."""
    local = result.indicator
    first_goal = goal(local.goals[0]) if local.goals else None
    colour = first_goal.colour if first_goal else "#1b4f72"
    lines = _lines(item, result, colour, lang)
    headline = result.series[0] if result.series else None
    target = (
        (float(headline.target_year), float(headline.target))
        if headline and headline.target is not None and headline.target_year
        else None
    )
    unit = data_label(local, local.unit or "", lang)
    years = item.frame["Year"].astype(str).str.slice(0, 4).astype(int)
    name = local.name_in(lang)
    series_rows = [
        {
            "series": series_label(result, s.series, lang),
            "base": (s.base_year, s.base_value),
            "current": (s.current_year, s.current_value),
            "target": (s.target_year, s.target) if s.target is not None else None,
            "direction": s.direction,
            "progress_value": s.progress_value,
            "score": s.score,
            "status": s.status,
            "status_label": status_label(s.status, lang),
        }
        for s in result.series
    ]
    return IndicatorView(
        id=item.id,
        number=local.number,
        name=name,
        unit=unit,
        status=result.status,
        status_label=status_label(result.status, lang),
        score=result.score,
        trend=" ".join(trend_text(s, lang) for s in result.series[:1]),
        global_indicators=list(local.global_indicators),
        targets=list(local.targets),
        series=series_rows,
        chart=indicator_trend_figure(
            lines, unit, target, headline.base_year if headline else None, lang
        ),
        svg=trend_svg(lines, unit, target, lang, title=name),
        sources=list(local.sources),
        footnote=footnote(item, lang),
        first_year=int(years.min()) if len(years) else None,
        last_year=int(years.max()) if len(years) else None,
        points=int(item.frame["Value"].notna().sum()),
        manual=result.manual,
    )


def goal_views(
    items: list[IndicatorData], assessment: Assessment, framework: Framework, lang: str
) -> list[GoalView]:
    """One view per goal that has data, in goal order; an indicator informing several goals
    appears under each."""
    by_id = {item.id: item for item in items}
    views: dict[int, GoalView] = {}
    for number, group in sorted(assessment.goals.items()):
        g = goal(number)
        targets = [
            (t, framework.target_title(t, lang), status_label(r.status, lang))
            for t, r in assessment.targets.items()
            if t.split(".")[0] == str(number)
        ]
        views[number] = GoalView(
            g,
            g.short_name(lang),
            g.title_in(lang),
            group.status,
            status_label(group.status, lang),
            group.score,
            targets,
        )
    for result in assessment.indicators:
        view = indicator_view(by_id[result.id], result, framework, lang)
        for number in result.indicator.goals:
            if number in views:
                views[number].indicators.append(view)
    return list(views.values())


def breakdown_rows(
    items: list[IndicatorData], assessment: Assessment, lang: str
) -> list[BreakdownRow]:
    """Every single breakdown of every indicator, assessed (Leave no one behind)."""
    locals_ = {r.id: r.indicator for r in assessment.indicators}
    tables = [breakdown_table(item) for item in items]
    tables = [t for t in tables if not t.empty]
    if not tables:
        return []
    done = assess_frame(pd.concat(tables, ignore_index=True))
    units = {item.id: item for item in items}
    out = []
    for row in done.to_dict("records"):
        base, current = row["base_value"], row["current_value"]
        change = (
            (current / base - 1) * 100
            if base and not np.isnan(base) and not np.isnan(current)
            else None
        )
        item = units[row["indicator"]]
        local = locals_[row["indicator"]]
        out.append(
            BreakdownRow(
                indicator=row["indicator"],
                name=local.name_in(lang),
                field=data_label(local, str(row["field"]), lang),
                group=data_label(local, str(row["group"]), lang),
                unit=data_label(local, _unit_of(item, row["series"]), lang),
                base_year=None if np.isnan(row["base_year"]) else int(row["base_year"]),
                base_value=None if np.isnan(base) else float(base),
                current_year=None if np.isnan(row["current_year"]) else int(row["current_year"]),
                current_value=None if np.isnan(current) else float(current),
                change_percent=change,
                status=str(row["status"]),
                status_label=status_label(str(row["status"]), lang),
            )
        )
    return out


def _unit_of(item: IndicatorData, tag: str) -> str:
    """The Units value in a series tag (``1-2-2-a / Households / Households / ...``), else the
    config's computation units."""
    if "Units" in item.frame:
        units = set(item.frame["Units"].dropna().unique().tolist())
        for part in tag.split(" / ")[1:]:
            if part in units:
                return part
    return str(item.config.get("computation_units") or "")
