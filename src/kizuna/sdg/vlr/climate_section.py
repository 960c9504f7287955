"""The climate plan in a VLR: milestones, progress, measures and the SDGs 7, 11 and 13.

The plan of the CITY_DIR is optimised with `kizuna.planning.optimise`; its observed
emissions come from the city's emissions indicator (city.yaml ``climate``), converted to
tCO2e. What is shown: the milestones (cap, planned emissions, gap), the progress of the
observed emissions towards the first milestone (`kizuna.sdg.climate.plan_progress`, Open
SDG method), the trajectory chart, the measures with the SDGs they serve, the renewable
generation the roadmap adds (SDG 7) and the green investment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kizuna.planning import Plan, PlanResult, optimise
from kizuna.reports.figures import Figure
from kizuna.reports.formatting import EmissionUnit, MoneyUnit, pick_money_unit, pick_unit
from kizuna.reports.i18n import translate_figure
from kizuna.reports.plan_charts import trajectory_figure
from kizuna.sdg.charts import status_label
from kizuna.sdg.climate import PlanProgress, plan_progress
from kizuna.sdg.i18n import gettext, translations
from kizuna.sdg.opensdg import IndicatorData
from kizuna.sdg.series import select_rows
from kizuna.sdg.vlr.svg import trajectory_svg

#: The goals a climate plan speaks to directly.
CLIMATE_GOALS = (7, 11, 13)


@dataclass
class ClimateView:
    """What the climate-plan section shows (emissions shown in `unit`, money in `money`)."""

    city: str
    currency: str
    unit: EmissionUnit
    progress: PlanProgress
    progress_label: str
    milestones: list[dict[str, Any]]
    measures: list[dict[str, Any]]
    measures_by_goal: dict[int, list[str]]
    renewable_mwh: dict[int, float]
    green_investment: float
    npv: float
    money: MoneyUnit
    chart: Figure
    svg: str
    status: str
    start_year: int
    end_year: int
    notes: list[str] = field(default_factory=list)


def observed_emissions(
    items: list[IndicatorData], indicator_id: str, tco2e_per_unit: float
) -> dict[int, float]:
    """tCO2e by year from the headline series of the city's emissions indicator."""
    item = next((i for i in items if i.id == indicator_id), None)
    if item is None:
        return {}
    options = item.config.get("progress_calculation_options") or [{}]
    rows = select_rows(item, {k: v for k, v in options[0].items() if k in ("series", "unit")})
    return {
        int(y): float(v) * tco2e_per_unit for y, v in zip(rows["year"], rows["value"], strict=True)
    }


def climate_view(
    plan: Plan,
    items: list[IndicatorData],
    indicator_id: str,
    tco2e_per_unit: float,
    lang: str,
    result: PlanResult | None = None,
) -> ClimateView:
    """The climate section of `plan` (optimised here unless `result` is given)."""
    result = result or optimise(plan)
    observed = observed_emissions(items, indicator_id, tco2e_per_unit)
    progress = plan_progress(plan, result, observed)
    values = [*result.bau.values(), *observed.values(), progress.base_emissions_tco2e]
    unit = pick_unit(values)
    names = translations(lang)
    data = result.to_dict()
    for measure in data["measures"]:
        measure["name"] = names.gettext(measure["name"])
    chart = translate_figure(trajectory_figure(data, unit), names)
    milestones = [
        (m["year"], m["cap_tco2e"], m["met"]) for m in progress.milestones if m["sector"] is None
    ]
    svg = trajectory_svg(
        {progress.base_year: progress.base_emissions_tco2e, **result.bau},
        {progress.base_year: progress.base_emissions_tco2e, **result.emissions},
        observed,
        milestones,
        unit.label,
        unit.tco2e,
        lang,
    )
    by_goal: dict[int, list[str]] = {g: [] for g in CLIMATE_GOALS}
    for measure in progress.measures:
        for g in measure["sdgs"]:
            by_goal.setdefault(int(g), []).append(names.gettext(measure["name"]))
    money = pick_money_unit([result.green_investment, result.npv], plan.currency)
    notes = []
    if progress.progress is None:
        notes.append(
            gettext(lang, "No observed emissions after the base year: progress is not assessed.")
        )
    status = progress.progress.status if progress.progress else "not_available"
    return ClimateView(
        city=plan.city,
        currency=plan.currency,
        unit=unit,
        progress=progress,
        progress_label=status_label(status, lang),
        milestones=progress.milestones,
        measures=[{**m, "name": names.gettext(m["name"])} for m in progress.measures],
        measures_by_goal=dict(sorted(by_goal.items())),
        renewable_mwh=progress.renewable_mwh,
        green_investment=result.green_investment,
        npv=result.npv,
        money=money,
        chart=chart,
        svg=svg,
        status=status,
        start_year=plan.start_year,
        end_year=plan.end_year,
        notes=notes,
    )
