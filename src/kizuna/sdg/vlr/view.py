"""Everything a VLR shows, computed from a CITY_DIR, in the order of the UN DESA Global
Guiding Elements for Voluntary Local Reviews (2020).

Sections (narrative: Markdown the city writes in ``narrative/<lang>/``; computed: by Kizuna):

 1. Opening statement (narrative ``opening``)
 2. Highlights (computed key figures and the goal wheel, then narrative ``highlights``)
 3. City profile (computed facts of city.yaml, then narrative ``profile``)
 4. Methodology and stakeholder engagement (computed method summary, narrative
    ``methodology``)
 5. Policy and enabling environment (narrative ``policy``)
 6. Goal-by-goal review (computed per goal and indicator; narrative ``goals/<n>``)
 7. Leave no one behind (computed from the disaggregations, narrative ``lnob``)
 8. Means of implementation and budget (computed from city.yaml ``budget`` and the plan,
    narrative ``means``)
 9. The climate plan (computed from the plan, linked to SDGs 7, 11 and 13, narrative
    ``climate``)
10. Conclusions and next steps (narrative ``conclusions``)
11. Statistical annex (computed: indicators, sources, metadata, data gaps)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from markupsafe import Markup

import kizuna
from kizuna.reports.figures import Figure
from kizuna.sdg.aggregate import Assessment, assess_indicators
from kizuna.sdg.charts import goal_wheel_figure, status_label
from kizuna.sdg.climate import ghg_indicator, ghg_per_capita_frame
from kizuna.sdg.goals import goals
from kizuna.sdg.i18n import gettext
from kizuna.sdg.opensdg import IndicatorData
from kizuna.sdg.progress import STATUSES
from kizuna.sdg.vlr.citydir import CityDir, as_text, goal_narrative, narrative
from kizuna.sdg.vlr.climate_section import ClimateView, climate_view, observed_emissions
from kizuna.sdg.vlr.indicators import (
    BreakdownRow,
    GoalView,
    breakdown_rows,
    footnote,
    goal_views,
)
from kizuna.sdg.vlr.narrative import render_markdown
from kizuna.sdg.vlr.svg import goal_wheel_svg

#: Section ids and English titles, in report order.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("opening", "Opening statement"),
    ("highlights", "Highlights"),
    ("profile", "City profile"),
    ("methodology", "Methodology and stakeholder engagement"),
    ("policy", "Policy and enabling environment"),
    ("goals", "Goal-by-goal review"),
    ("lnob", "Leave no one behind"),
    ("means", "Means of implementation and budget"),
    ("climate", "The climate plan"),
    ("conclusions", "Conclusions and next steps"),
    ("annex", "Statistical annex"),
)
#: An indicator whose latest year is older than this many years before the report is a gap.
STALE_YEARS = 5


@dataclass
class Narrative:
    """A narrative section rendered to HTML, and whether it is the English fallback."""

    html: Markup
    fallback: bool = False


@dataclass
class AnnexRow:
    """One indicator of the statistical annex."""

    id: str
    number: str
    name: str
    unit: str
    years: str
    points: int
    status_label: str
    global_indicators: str
    sources: list[dict[str, Any]]
    reporting_status: str
    footnote: str


@dataclass
class VlrView:
    """The whole report in one language (`lang`), ready for the template."""

    lang: str
    city: str
    title: str
    report_year: int
    generated: str
    kizuna_version: str
    sections: list[tuple[str, str]]
    narratives: dict[str, Narrative]
    cards: list[tuple[str, str, str]]
    status_counts: dict[str, int]
    wheel: Figure
    wheel_svg: str
    goal_statuses: dict[int, str]
    facts: list[dict[str, Any]]
    method: list[str]
    goals: list[GoalView]
    goals_without_data: list[tuple[int, str]]
    goal_narratives: dict[int, Narrative]
    breakdowns: list[BreakdownRow]
    budget: list[dict[str, Any]]
    climate: ClimateView | None
    annex: list[AnnexRow]
    sources: list[dict[str, Any]]
    gaps: list[str]
    framework_source: str
    assessment: Assessment = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The computed content as JSON (what a platform stores with a report version)."""
        return {
            "lang": self.lang,
            "city": self.city,
            "title": self.title,
            "report_year": self.report_year,
            "generated": self.generated,
            "status_counts": self.status_counts,
            "goal_statuses": {str(k): v for k, v in self.goal_statuses.items()},
            "assessment": self.assessment.to_dict(),
            "climate": self.climate.progress.to_dict() if self.climate else None,
            "gaps": self.gaps,
        }


def with_computed_indicators(city: CityDir) -> list[IndicatorData]:
    """The city's indicators plus those Kizuna computes (GHG per capita, city.yaml
    ``climate.per_capita``)."""
    items = list(city.indicators)
    climate = city.config.climate
    if climate and climate.per_capita and not any(i.id == climate.per_capita.id for i in items):
        spec = climate.per_capita
        emissions = observed_emissions(items, climate.emissions_indicator, climate.tco2e_per_unit)
        frame = ghg_per_capita_frame(emissions, spec.population)
        if not frame.empty:
            item = ghg_indicator(
                spec.id,
                frame,
                name=spec.name,
                name_ja=spec.name_ja,
                base_year=int(frame["Year"].min()),
            )
            item.config["kizuna"]["sources"] = list(spec.sources)
            note = (
                "Computed by Kizuna: the city's total emissions (%(indicator)s) divided by the "
                "population of the same year."
            )
            item.config["data_footnote"] = gettext(
                "en", note, indicator=climate.emissions_indicator
            )
            item.config["kizuna"]["footnote_ja"] = gettext(
                "ja", note, indicator=climate.emissions_indicator
            )
            items.append(item)
    return items


def _narratives(city: CityDir, lang: str) -> dict[str, Narrative]:
    out = {}
    for section, _ in SECTIONS:
        text, fallback = narrative(city, section, lang)
        if text:
            out[section] = Narrative(render_markdown(text), fallback)
    return out


def _sources(city: CityDir) -> list[dict[str, Any]]:
    return [s.model_dump() for s in city.config.sources]


def _cards(
    assessment: Assessment, climate: ClimateView | None, lang: str
) -> list[tuple[str, str, str]]:
    counts = assessment.status_counts()
    assessed = sum(v for k, v in counts.items() if k != "not_available")
    good = counts["target_achieved"] + counts["substantial_progress"]
    cards = [
        (
            gettext(lang, "Indicators"),
            f"{len(assessment.indicators)}",
            gettext(lang, "%(n)s with a progress status", n=assessed),
        ),
        (
            gettext(lang, "Goals with data"),
            f"{len(assessment.goals)} / 17",
            gettext(lang, "goals informed by at least one indicator"),
        ),
        (
            gettext(lang, "On track"),
            f"{good}",
            gettext(lang, "indicators with substantial progress or the target achieved"),
        ),
    ]
    if climate and climate.progress.progress:
        p = climate.progress.progress
        change = (p.current_value or 0) / climate.progress.base_emissions_tco2e - 1
        cards.append(
            (
                gettext(lang, "GHG emissions"),
                f"{change * 100:+.0f} %",
                gettext(
                    lang,
                    "%(year)s against %(base)s: %(status)s",
                    year=int(p.current_year or 0),
                    base=climate.progress.base_year,
                    status=status_label(p.status, lang),
                ),
            )
        )
    return cards


def _annex(
    city: CityDir, items: list[IndicatorData], assessment: Assessment, lang: str
) -> list[AnnexRow]:
    rows = []
    by_id = {i.id: i for i in items}
    for result in assessment.indicators:
        item = by_id[result.id]
        years = item.frame["Year"].astype(str)
        cited = []
        for source_id in result.indicator.sources:
            found = city.source(source_id)
            cited.append(found.model_dump() if found else {"id": source_id, "title": source_id})
        rows.append(
            AnnexRow(
                id=result.id,
                number=result.indicator.number,
                name=result.indicator.name_in(lang),
                unit=result.indicator.unit or "",
                years=f"{years.min()}–{years.max()}" if len(years) else "",
                points=int(item.frame["Value"].notna().sum()),
                status_label=status_label(result.status, lang),
                global_indicators=", ".join(result.indicator.global_indicators),
                sources=cited,
                reporting_status=str(item.config.get("reporting_status") or ""),
                footnote=footnote(item, lang),
            )
        )
    return rows


def _gaps(
    city: CityDir, items: list[IndicatorData], assessment: Assessment, lang: str
) -> list[str]:
    gaps = []
    missing = [g.number for g in goals() if g.number not in assessment.goals]
    if missing:
        gaps.append(
            gettext(
                lang, "Goals without any indicator: %(goals)s.", goals=", ".join(map(str, missing))
            )
        )
    for result in assessment.indicators:
        item = next(i for i in items if i.id == result.id)
        years = item.frame["Year"].astype(str).str.slice(0, 4).astype(int)
        last = int(years.max()) if len(years) else None
        if last is not None and last < city.config.report_year - STALE_YEARS:
            gaps.append(
                gettext(
                    lang,
                    "%(id)s %(name)s: the latest value is from %(year)s.",
                    id=result.indicator.number,
                    name=result.indicator.name_in(lang),
                    year=last,
                )
            )
        if result.status == "not_available" and not result.manual:
            gaps.append(
                gettext(
                    lang,
                    "%(id)s %(name)s: progress cannot be assessed (it needs two years of data "
                    "from the base year, of one sign).",
                    id=result.indicator.number,
                    name=result.indicator.name_in(lang),
                )
            )
    framework = city.framework
    if framework.has_targets:
        reported = {n for r in assessment.indicators for n in r.indicator.global_indicators}
        gaps.append(
            gettext(
                lang,
                "Global indicators reported: %(n)s of %(total)s in %(source)s.",
                n=len(reported),
                total=framework.unique_indicator_count(),
                source=framework.source,
            )
        )
    return gaps


def _method(lang: str) -> list[str]:
    return [
        gettext(
            lang,
            "Progress is assessed with the method of Statistics Canada used by Open SDG: the "
            "compound annual growth rate of each series from its base year (2015 unless the "
            "indicator says otherwise) to its latest year.",
        ),
        gettext(
            lang,
            "With a target, the growth is compared with the growth needed to reach the target "
            "in time (substantial progress from 95 %, moderate from 60 %, limited from 0 %); "
            "without one, with fixed growth rates of 1.5 %, 0.5 % and 0 % per year in the "
            "desired direction, reduced near a natural limit.",
        ),
        gettext(
            lang,
            "Each series gets a score from -5 to 5; an indicator's score is the mean of its "
            "series, a target's the mean of its indicators and a goal's the mean of its targets.",
        ),
    ]


def vlr_view(city: CityDir, lang: str = "en", plan_result: Any = None) -> VlrView:
    """The VLR of `city` in `lang` (``en`` or ``ja``). The plan, when there is one, is
    optimised here unless `plan_result` (its `PlanResult`) is given."""
    items = with_computed_indicators(city)
    assessment = assess_indicators(items, city.framework)
    climate = None
    if city.plan is not None:
        spec = city.config.climate
        climate = climate_view(
            city.plan,
            items,
            spec.emissions_indicator if spec else "13-2-2",
            spec.tco2e_per_unit if spec else 1.0,
            lang,
            plan_result,
        )
    statuses = assessment.goal_statuses()
    goal_list = goal_views(items, assessment, city.framework, lang)
    with_data = {v.goal.number for v in goal_list}
    goal_texts = {}
    for g in goals():
        text, fallback = goal_narrative(city, g.number, lang)
        if text:
            goal_texts[g.number] = Narrative(render_markdown(text, shift=3), fallback)
    cfg = city.config
    title = (cfg.title_ja if lang == "ja" else cfg.title) or gettext(
        lang, "%(city)s Voluntary Local Review %(year)s", city=city.name(lang), year=cfg.report_year
    )
    facts = [
        {
            "label": (f.label_ja or f.label) if lang == "ja" else f.label,
            "value": as_text(f.value),
            "unit": (f.unit_ja or f.unit) if lang == "ja" else f.unit,
            "year": f.year,
            "source": f.source,
            "note": f.note,
        }
        for f in cfg.facts
    ]
    budget = [
        {
            "item": (b.item_ja or b.item) if lang == "ja" else b.item,
            "amount": b.amount,
            "currency": b.currency,
            "year": b.year,
            "source": b.source,
        }
        for b in cfg.budget
    ]
    return VlrView(
        lang=lang,
        city=city.name(lang),
        title=title,
        report_year=cfg.report_year,
        generated=date.today().isoformat(),
        kizuna_version=kizuna.__version__,
        sections=[(sid, gettext(lang, name)) for sid, name in SECTIONS],
        narratives=_narratives(city, lang),
        cards=_cards(assessment, climate, lang),
        status_counts={s: assessment.status_counts()[s] for s in STATUSES},
        wheel=goal_wheel_figure(statuses, lang),
        wheel_svg=goal_wheel_svg(statuses, lang),
        goal_statuses=statuses,
        facts=facts,
        method=_method(lang),
        goals=goal_list,
        goals_without_data=[
            (g.number, g.short_name(lang)) for g in goals() if g.number not in with_data
        ],
        goal_narratives=goal_texts,
        breakdowns=breakdown_rows(items, assessment, lang),
        budget=budget,
        climate=climate,
        annex=_annex(city, items, assessment, lang),
        sources=_sources(city),
        gaps=_gaps(city, items, assessment, lang),
        framework_source=gettext(lang, city.framework.source),
        assessment=assessment,
    )
