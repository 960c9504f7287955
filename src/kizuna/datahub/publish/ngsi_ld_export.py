"""NGSI-LD export of a city's emissions and targets, in Smart Data Models types.

- One ``CarbonFootprint`` entity (dataModel.Environment) per inventory year for the BASIC
  total and per GPC sector (its BASIC numbers): ``CO2eq`` in tonnes CO2e,
  ``emissionSource`` the sector, ``emissionDate`` the start of the year, ``tags``,
  ``relatedSource`` (a Relationship to the inventory data set). The schema wants
  ``CO2eq >= 0``; a net negative total (removals larger than emissions) goes into the
  extension attribute ``netCO2eq`` instead.
- One ``KeyPerformanceIndicator`` entity per climate target: ``kpiValue`` is the reduction
  the latest inventory achieved against the base year, in percent (unitCode ``P1``), or the
  latest emissions in tonnes (``TNE``) for a fixed-level target. The target and the
  baseline are **extension attributes**: ``target`` (percent, or tonnes for a level, with
  the sub-property ``targetYear``) and ``baseline`` (tonnes CO2e, with ``baseYear``).

Entities are normalized NGSI-LD (ETSI GS CIM 009) with their ``@context``; unit codes are
UN/CEFACT Common Codes (TNE tonne, P1 percent). `ngsi_ld_entities` validates everything it
returns against the vendored Smart Data Models schemas (`smart_data_models`).
"""

from __future__ import annotations

import re
from typing import Any

from kizuna.datahub.publish.catalogue import PublicUrls
from kizuna.datahub.publish.cities import PublishedCity
from kizuna.datahub.publish.smart_data_models import validate_entities
from kizuna.datahub.publish.targets import LEVEL, sectors_at_level, target_progress

CORE_CONTEXT = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld"
KPI_CONTEXT = (
    "https://raw.githubusercontent.com/smart-data-models/dataModel.KeyPerformanceIndicator/"
    "master/context.jsonld"
)
ENVIRONMENT_CONTEXT = "https://smart-data-models.github.io/dataModel.Environment/context.jsonld"
TONNE = "TNE"
PERCENT = "P1"


def _prop(value: Any, **extra: Any) -> dict[str, Any]:
    return {"type": "Property", "value": value, **extra}


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()


def _address(city: PublishedCity) -> dict[str, Any]:
    value = {"addressLocality": city.name}
    if city.country:
        value["addressCountry"] = city.country
    return _prop(value)


def carbon_footprints(city: PublishedCity, urls: PublicUrls | None = None) -> list[dict[str, Any]]:
    """CarbonFootprint entities: the BASIC total and each sector, per inventory year."""
    urls = urls or PublicUrls()
    related = urls.dataset(city.slug, "ghg-inventory")
    out = []
    for result in sorted(city.results, key=lambda r: r.year):
        items = [("total", "Total (GPC BASIC)", result.totals[LEVEL])]
        items += [(_slug(s), s, v) for s, v in sectors_at_level(result).items()]
        for key, source, tco2e in items:
            entity: dict[str, Any] = {
                "id": f"urn:ngsi-ld:CarbonFootprint:kizuna:{city.slug}:{result.year}:{key}",
                "type": "CarbonFootprint",
                "name": _prop(f"{city.name} {result.year} {source}"),
                "description": _prop(
                    f"Greenhouse gas emissions of {city.name} in {result.year}, {source}, "
                    f"tonnes CO2e (GWP-100 {result.gwp}), from its GPC inventory"
                ),
                "emissionSource": _prop(source),
                "emissionDate": _prop(
                    {"@type": "DateTime", "@value": f"{result.year}-01-01T00:00:00Z"}
                ),
                "tags": _prop(["GPC", "BASIC", result.gwp, "annual"]),
                "address": _address(city),
                "relatedSource": {"type": "Relationship", "object": related},
                "dataProvider": _prop("Kizuna"),
                "source": _prop(related),
            }
            if tco2e >= 0:
                entity["CO2eq"] = _prop(float(tco2e), unitCode=TONNE)
            else:
                entity["netCO2eq"] = _prop(float(tco2e), unitCode=TONNE)
            entity["@context"] = [ENVIRONMENT_CONTEXT, CORE_CONTEXT]
            out.append(entity)
    return out


def kpi_entities(city: PublishedCity, urls: PublicUrls | None = None) -> list[dict[str, Any]]:
    """KeyPerformanceIndicator entities, one per target (see the module docstring)."""
    urls = urls or PublicUrls()
    out = []
    for target in city.targets:
        progress = target_progress(city, target)
        latest = progress["latest_year"]
        fixed = target.type == "fixed_level"
        label = (
            f"emissions at most {progress['target_tco2e']:,.0f} tCO2e in {target.year}"
            if fixed and progress["target_tco2e"] is not None
            else f"-{(progress['reduction'] or 0) * 100:g} % by {target.year}"
            + (f" against {progress['base_year']}" if progress.get("base_year") else "")
        )
        entity: dict[str, Any] = {
            "id": f"urn:ngsi-ld:KeyPerformanceIndicator:kizuna:{city.slug}:target-{target.year}",
            "type": "KeyPerformanceIndicator",
            "name": _prop(f"{city.name} climate target {target.year}"),
            "description": _prop(
                f"Progress of {city.name} toward its target ({label}): "
                + (
                    "latest emissions, tCO2e"
                    if fixed
                    else "reduction of the BASIC total achieved by the latest inventory, percent"
                )
            ),
            "category": _prop(["quantitative", "lagging"]),
            "organization": _prop(city.publisher or city.name),
            "process": _prop("GHG emissions inventory (GPC BASIC)"),
            "businessTarget": _prop(label),
            "calculationFrequency": _prop("yearly"),
            "calculationMethod": _prop("automatic"),
            "calculatedBy": _prop("Kizuna"),
            "calculationFormula": _prop(
                "latest BASIC total" if fixed else "100 x (1 - E(latest) / E(base year))"
            ),
            "address": _address(city),
            "source": _prop(urls.dataset(city.slug, "climate-targets")),
        }
        if latest is not None:
            entity["calculationPeriod"] = _prop(
                {"from": f"{latest}-01-01", "to": f"{latest}-12-31"}
            )
        if fixed and progress["latest_tco2e"] is not None:
            entity["kpiValue"] = _prop(float(progress["latest_tco2e"]), unitCode=TONNE)
        elif progress["achieved_reduction"] is not None:
            entity["kpiValue"] = _prop(
                round(100 * progress["achieved_reduction"], 3), unitCode=PERCENT
            )
        if fixed and progress["target_tco2e"] is not None:
            entity["target"] = _prop(
                progress["target_tco2e"], unitCode=TONNE, targetYear=_prop(target.year)
            )
        elif progress["reduction"] is not None:
            entity["target"] = _prop(
                100 * progress["reduction"], unitCode=PERCENT, targetYear=_prop(target.year)
            )
        if progress["baseline_tco2e"] is not None:
            entity["baseline"] = _prop(
                float(progress["baseline_tco2e"]),
                unitCode=TONNE,
                baseYear=_prop(progress["base_year"]),
            )
        entity["@context"] = [KPI_CONTEXT, CORE_CONTEXT]
        out.append(entity)
    return out


def ngsi_ld_entities(city: PublishedCity, urls: PublicUrls | None = None) -> list[dict[str, Any]]:
    """The KPIs and carbon footprints of `city`, validated against the Smart Data Models."""
    entities = kpi_entities(city, urls) + carbon_footprints(city, urls)
    validate_entities(entities)
    return entities
