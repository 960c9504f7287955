"""Real city data sets read into registry columns: CDP 2021 emissions and targets, Carbon Monitor.

The files are read where they are (never copied). Each reader gives one row per city of the
source, in registry columns plus the keys to join on (``name``, ``country``, optional
``admin1``, ``latitude``/``longitude``, ``locode``); `kizuna.network.joins.match_rows` puts
them on registry rows and says how many matched and how.

- CDP 2021 city-wide emissions (CDP Open Data Portal; "This data was collected in partnership
  by CDP and ICLEI - Local Governments for Sustainability"): self-reported, unverified. The
  file's GPC BASIC/BASIC+ columns are empty, so the total used is scope 1 excluding
  grid-supplied energy generation + scope 2 (the two "Total emissions (excluding generation of
  grid-supplied energy)" columns), or the TOTAL Scope 1 + TOTAL Scope 2 columns where only
  those are given; scope 3 is left out (its column mixes BASIC waste with BASIC+ items). The
  year is the first calendar year of the accounting period. The city's reported population
  and land area replace GeoNames' population (they describe the same boundary as the
  emissions); populations under 1,000 are entry errors (La Paz reports 798) and are dropped.
- CDP 2021 city emissions reduction targets (same portal and citation): the clean city
  ``name`` and ISO3 country of every account, and each city's ambition: the highest
  100 x reduction / (target year - base year) among its city-wide base-year targets
  ("Base year emissions (absolute) target", all inventory sources).
- Carbon Monitor Cities v0325 (Huo et al. 2022, Sci Data 9, 533,
  doi:10.1038/s41597-022-01657-z, CC BY 4.0): annual CO2 by city and GPC number, computed with
  `kizuna.inventory` (mapping ``carbon-monitor``); the latest year's territorial total (all
  five sectors) and the GPC sector shares. Carbon Monitor has no population: per capita figures
  divide by the registry's (GeoNames) population, whose boundary may differ from the
  modelled area.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from kizuna.errors import InputError
from kizuna.inventory import compute, read_inventory_file
from kizuna.inventory.mappings import CARBON_MONITOR
from kizuna.network.countries import iso2_from_iso3, iso2_from_name
from kizuna.network.profiles import SECTORS, sector_shares

CDP_CITATION = (
    "CDP Open Data Portal, 2021 City-wide Emissions and 2021 City Emissions Reduction Targets; "
    "this data was collected in partnership by CDP and ICLEI - Local Governments for "
    "Sustainability"
)
CARBON_MONITOR_CITATION = (
    "Huo et al. (2022), Carbon Monitor Cities, Sci Data 9, 533, "
    "doi:10.1038/s41597-022-01657-z, CC BY 4.0"
)
MIN_POPULATION = 1000

_CDP_DIRECT = (
    "Direct emissions (metric tonnes CO2e) for Total emissions (excluding generation of "
    "grid-supplied energy)"
)
_CDP_INDIRECT = (
    "Indirect emissions from use of grid supplied energy (metric tonnes CO2e) for Total "
    "Emissions (excluding generation of grid-supplied energy)"
)
_CDP_SCOPE1 = "TOTAL Scope 1 Emissions (metric tonnes CO2e)"
_CDP_SCOPE2 = "TOTAL Scope 2 emissions (metric tonnes CO2e)"
_CDP_NEEDED = ("Account Number", "Organization", "City", "Country", _CDP_DIRECT, _CDP_INDIRECT)


def _read_csv(path: str | Path, needed: tuple[str, ...], what: str) -> pd.DataFrame:
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file", hint=f"give the path of the {what} CSV")
    frame = pd.read_csv(path, low_memory=False)
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise InputError(
            f"{path.name}: not a {what} file (missing columns {missing})",
            hint=f"give the {what} CSV as downloaded",
        )
    return frame


def read_cdp_targets(path: str | Path) -> pd.DataFrame:
    """One row per CDP account: ``cdp_account``, ``name``, ``country`` (ISO2), ``admin1``
    (the US/Canadian state in names such as "Indianapolis, IN") and the ambition columns
    (``ambition_pct_per_year``, ``target_year``, ``target_reduction``, ``target_base_year``;
    NaN where the city has no city-wide base-year target)."""
    raw = _read_csv(
        path,
        (
            "Account.Number",
            "name",
            "iso",
            "Type.of.target",
            "Sector",
            "Base.year",
            "Percentage.reduction.target",
            "Target.year",
        ),
        "CDP city emissions reduction targets",
    )
    names = raw.drop_duplicates("Account.Number").set_index("Account.Number")
    out = pd.DataFrame(index=names.index)
    out.index.name = "cdp_account"
    split = names["name"].astype(str).str.extract(r"^(?P<name>.*?)(?:,\s*(?P<admin1>[A-Z]{2}))?$")
    out["name"] = split["name"].map(clean_organisation)
    out["admin1"] = split["admin1"]
    out["country"] = names["iso"].map(iso2_from_iso3)
    city_wide = raw[
        (raw["Type.of.target"] == "Base year emissions (absolute) target")
        & (raw["Sector"] == "All emissions sources included in city inventory")
    ].copy()
    base = pd.to_numeric(city_wide["Base.year"], errors="coerce")
    year = pd.to_numeric(city_wide["Target.year"], errors="coerce")
    pct = pd.to_numeric(city_wide["Percentage.reduction.target"], errors="coerce")
    ok = base.notna() & year.notna() & pct.between(0, 100) & (year > base)
    city_wide = city_wide[ok].assign(
        rate=100 * (pct[ok] / 100) / (year[ok] - base[ok]),
        base=base[ok],
        year=year[ok],
        reduction=pct[ok] / 100,
    )
    best = city_wide.sort_values("rate", ascending=False).drop_duplicates("Account.Number")
    best = best.set_index("Account.Number")
    out["ambition_pct_per_year"] = best["rate"]
    out["target_year"] = best["year"]
    out["target_reduction"] = best["reduction"]
    out["target_base_year"] = best["base"]
    return out.reset_index()


def read_cdp_emissions(path: str | Path, targets: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per CDP account with its emissions (see the module docstring) in registry
    columns, plus ``name``, ``country``, ``admin1``, ``latitude``, ``longitude``.

    Names come from `targets` (`read_cdp_targets`, whose ``name`` column is clean) when given,
    else from the ``City`` column or a cleaned ``Organization`` ("City of Richmond, BC" ->
    "Richmond")."""
    raw = _read_csv(path, _CDP_NEEDED, "CDP 2021 city-wide emissions")
    out = pd.DataFrame({"cdp_account": raw["Account Number"].astype("Int64")})
    cleaned = raw["City"].where(raw["City"].notna(), raw["Organization"].map(clean_organisation))
    cleaned = cleaned.astype(str).str.replace(r"\s*\(.*\)$", "", regex=True)
    out["name"] = cleaned.str.strip()
    out["admin1"] = raw["Organization"].astype(str).str.extract(r",\s*([A-Z]{2})$")[0]
    out["country"] = raw["Country"].map(iso2_from_name)
    if targets is not None:
        known = targets.set_index("cdp_account")
        account = out["cdp_account"]
        clean_name = account.map(known["name"])
        out["name"] = clean_name.where(clean_name.notna(), out["name"])
        country = account.map(known["country"])
        out["country"] = country.where(country.notna(), out["country"])
        admin1 = account.map(known["admin1"])
        out["admin1"] = admin1.where(admin1.notna(), out["admin1"])
    point = raw["City Location"].astype(str).str.extract(r"POINT \(([-\d.]+) ([-\d.]+)\)")
    out["longitude"] = pd.to_numeric(point[0], errors="coerce")
    out["latitude"] = pd.to_numeric(point[1], errors="coerce")
    direct = pd.to_numeric(raw[_CDP_DIRECT], errors="coerce")
    indirect = pd.to_numeric(raw[_CDP_INDIRECT], errors="coerce")
    scope1 = pd.to_numeric(raw.get(_CDP_SCOPE1), errors="coerce")
    scope2 = pd.to_numeric(raw.get(_CDP_SCOPE2), errors="coerce")
    by_columns = direct.fillna(0) + indirect.fillna(0)
    by_totals = scope1.fillna(0) + scope2.fillna(0)
    emissions = np.where(direct.notna(), by_columns, np.where(scope1.notna(), by_totals, np.nan))
    out["emissions_tco2e"] = np.where(emissions > 0, emissions, np.nan)
    out["emissions_year"] = pd.to_numeric(
        raw.get("Accounting year", pd.Series(dtype=str)).astype(str).str[:4], errors="coerce"
    ).astype("Int64")
    out["emissions_basis"] = np.where(
        direct.notna(),
        "CDP 2021: scope 1 (excl. grid-supplied energy generation) + scope 2, tCO2e",
        np.where(scope1.notna(), "CDP 2021: total scope 1 + total scope 2, tCO2e", None),
    )
    out.loc[out["emissions_tco2e"].isna(), ["emissions_basis", "emissions_year"]] = None
    out["emissions_source"] = np.where(out["emissions_tco2e"].notna(), "CDP 2021", None)
    population = pd.to_numeric(raw.get("Population"), errors="coerce")
    out["population"] = population.where(population >= MIN_POPULATION)
    out["population_year"] = (
        pd.to_numeric(raw.get("Population Year"), errors="coerce")
        .where(out["population"].notna())
        .astype("Int64")
    )
    area = pd.to_numeric(raw.get("Land area (in square km)"), errors="coerce")
    out["area_km2"] = area.where(area > 0)
    return out


def clean_organisation(name: object) -> str:
    """A city name from a CDP organisation name ("City Government of Makati" -> "Makati")."""
    text = str(name).strip()
    text = re.sub(r",\s*[A-Z]{2}$", "", text)
    text = re.split(r",|\s+-\s+", text)[0]  # "General Alvear, Buenos Aires", "Karsiyaka - Izmir"
    text = re.sub(
        r"^(City and County of|City Government of|City of|Town of|Municipality of|"
        r"Municipalidad de|Municipalidad Distrital de|Prefeitura( Municipal)? de|Comune di|"
        r"Ville de|Ayuntamiento de|Ayuntamiento|Gobierno Municipal de|Alcaldía de)\s+",
        "",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(
        r"\s+(Metropolitan Government|City Government|City Council|Municipal Council|"
        r"Municipality|Municipal Government|Borough Council|Borough|Council|City|Town|"
        r"kommun|Kommune|Regency|Shire)$",
        "",
        text,
        flags=re.IGNORECASE,
    )
    return text.strip()


def read_carbon_monitor(path: str | Path) -> pd.DataFrame:
    """One row per Carbon Monitor city (UN/LOCODE): ``name``, ``country``, ``locode`` and the
    latest year's CO2 (``emissions_tco2e``, territorial) with its GPC sector shares."""
    raw = _read_csv(path, ("city_name", "locode", "year", "emissions_value"), "Carbon Monitor")
    names = raw.drop_duplicates("locode").set_index("locode")["city_name"]
    results = compute(read_inventory_file(path, columns=CARBON_MONITOR))
    latest: dict[str, object] = {}
    for r in results:  # one result per city-year (about 2,400), not per row
        if r.city not in latest or r.year > latest[r.city].year:  # type: ignore[attr-defined]
            latest[r.city] = r
    records = []
    for locode, r in latest.items():
        shares = sector_shares(r.by_sector)  # type: ignore[attr-defined]
        records.append(
            {
                "locode": locode,
                "name": names.get(locode),
                "country": str(locode)[:2],
                "emissions_tco2e": r.totals["territorial"],  # type: ignore[attr-defined]
                "emissions_year": r.year,  # type: ignore[attr-defined]
                **{col: shares.get(s, np.nan) for s, col in SECTORS.items()},
            }
        )
    out = pd.DataFrame.from_records(records)
    out["emissions_year"] = out["emissions_year"].astype("Int64")
    out["emissions_basis"] = "Carbon Monitor Cities v0325: CO2, territorial (five sectors), tCO2"
    out["emissions_source"] = "Carbon Monitor Cities"
    return out
