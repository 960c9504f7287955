"""What actually happened: observed emissions by year and sector, and measures delivered.

Emissions come from either file (docs/review.md, "Actuals"):

- an actuals CSV with columns ``year, sector, emissions_tco2e``: one row per year and plan
  sector, or with sector ``total`` (or blank) for the city total only;
- any inventory file `kizuna.inventory` reads (long or wide layout, one or more years): each
  city-year is computed and summed into the plan's sectors the way the base year is
  (`kizuna.planning.baseline.sector_emissions`).

Delivery records are a CSV with columns ``year, measure, installed`` (units installed that
year). Years after the base year are kept; emissions are tCO2e.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kizuna.errors import InputError, Location
from kizuna.inventory import compute, read_inventory_file
from kizuna.planning import Plan
from kizuna.planning.baseline import base_year_emissions, sector_emissions

HINT = "see docs/review.md, 'Actuals'"
TOTAL = "total"


@dataclass(frozen=True)
class Actuals:
    """Observed emissions and deliveries of one city."""

    emissions: pd.DataFrame  # index year, columns the plan's sectors; NaN = not reported
    totals: pd.Series  # index year: the city total (given, or the sum of complete years)
    delivered: pd.DataFrame | None  # index measure id, columns years: units installed
    source: str

    @property
    def years(self) -> list[int]:
        return [int(y) for y in self.totals.dropna().index]

    @property
    def latest_year(self) -> int:
        if not self.years:
            raise InputError(f"{self.source}: no year with a city total", hint=HINT)
        return max(self.years)


def read_actuals(path: str | Path, plan: Plan, *, delivery: str | Path | None = None) -> Actuals:
    """Observed emissions from an actuals CSV or an inventory file, and optional deliveries."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file", hint="check the path")
    simple = False
    if path.suffix.lower() == ".csv":
        header = pd.read_csv(path, nrows=0).columns
        simple = "emissions_tco2e" in [str(c).strip() for c in header]
    if simple:
        frame = pd.read_csv(path, dtype={"sector": str}, keep_default_na=False)
        actuals = actuals_from_frame(frame, plan, path.name)
    else:
        actuals = actuals_from_inventory(path, plan)
    if delivery is not None:
        actuals = with_delivery(actuals, read_delivery(delivery, plan))
    return actuals


def actuals_from_frame(frame: pd.DataFrame, plan: Plan, source: str = "<actuals>") -> Actuals:
    """Actuals from rows of ``year, sector, emissions_tco2e`` (sector ``total`` for the city)."""
    frame = frame.rename(columns=lambda c: str(c).strip())
    missing = {"year", "sector", "emissions_tco2e"} - set(frame.columns)
    if missing:
        raise InputError(f"{source}: missing column(s) {sorted(missing)}", hint=HINT)
    sectors = list(base_year_emissions(plan))
    years = pd.to_numeric(frame["year"], errors="coerce")
    values = pd.to_numeric(frame["emissions_tco2e"], errors="coerce")
    names = frame["sector"].astype(str).str.strip()
    names = names.where(names.str.lower().ne(TOTAL) & names.ne(""), TOTAL)
    for column, bad in (
        ("year", years.isna() | (years != years.round())),
        ("emissions_tco2e", values.isna() | (values < 0)),
        ("sector", ~names.isin([*sectors, TOTAL])),
    ):
        if bad.any():
            rows = [int(i) + 2 for i in np.nonzero(bad.to_numpy())[0][:5]]
            what = {
                "year": "a whole year",
                "emissions_tco2e": "a number of tCO2e >= 0",
                "sector": f"a plan sector ({', '.join(sectors)}) or 'total'",
            }[column]
            raise InputError(
                f"{source}: column {column!r} needs {what}",
                where=[Location(source, row=r, column=column) for r in rows],
                hint=HINT,
            )
    long = pd.DataFrame({"year": years.astype(int), "sector": names, "value": values})
    dupes = long.duplicated(["year", "sector"])
    if dupes.any():
        rows = [int(i) + 2 for i in np.nonzero(dupes.to_numpy())[0][:5]]
        raise InputError(
            f"{source}: a year and sector appear twice",
            where=[Location(source, row=r) for r in rows],
            hint="give one row per year and sector",
        )
    table = long.pivot(index="year", columns="sector", values="value")
    return _build(plan, table, sectors, source)


def actuals_from_inventory(path: Path, plan: Plan) -> Actuals:
    """Actuals from an inventory file: each city-year summed into the plan's sectors."""
    results = compute(read_inventory_file(path, gwp=plan.baseline.gwp))
    cities = {r.city for r in results}
    if len(cities) > 1:
        results = [r for r in results if r.city.casefold() == plan.city.casefold()]
        if not results:
            raise InputError(
                f"{path.name}: no inventory of {plan.city} (the file has {sorted(cities)})",
                hint="give the city's own inventory, or name the plan's city as in the file",
            )
    sectors = list(base_year_emissions(plan))
    table = pd.DataFrame.from_records(
        [{"year": r.year, **sector_emissions(plan, r)} for r in results]
    ).set_index("year")
    return _build(plan, table.reindex(columns=sectors), sectors, path.name)


def read_delivery(path: str | Path, plan: Plan) -> pd.DataFrame:
    """Units installed by measure (rows) and year (columns) from ``year, measure, installed``."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file", hint="check the path")
    frame = pd.read_csv(path, dtype={"measure": str})
    return delivery_from_frame(frame, plan, path.name)


def delivery_from_frame(
    frame: pd.DataFrame, plan: Plan, source: str = "<delivery>"
) -> pd.DataFrame:
    frame = frame.rename(columns=lambda c: str(c).strip())
    missing = {"year", "measure", "installed"} - set(frame.columns)
    if missing:
        raise InputError(f"{source}: missing column(s) {sorted(missing)}", hint=HINT)
    ids = [m.id for m in plan.measures]
    years = pd.to_numeric(frame["year"], errors="coerce")
    units = pd.to_numeric(frame["installed"], errors="coerce")
    names = frame["measure"].astype(str).str.strip()
    for column, bad, what in (
        (
            "year",
            years.isna() | (years < plan.start_year) | (years > plan.end_year),
            f"a year in {plan.start_year}..{plan.end_year}",
        ),
        ("installed", units.isna() | (units < 0), "units installed >= 0"),
        ("measure", ~names.isin(ids), "a measure id of the plan"),
    ):
        if bad.any():
            rows = [int(i) + 2 for i in np.nonzero(bad.to_numpy())[0][:5]]
            raise InputError(
                f"{source}: column {column!r} needs {what}",
                where=[Location(source, row=r, column=column) for r in rows],
                hint=HINT,
            )
    long = pd.DataFrame({"measure": names, "year": years.astype(int), "installed": units})
    table = long.groupby(["measure", "year"])["installed"].sum().unstack(fill_value=0.0)
    return table.reindex(columns=range(plan.start_year, plan.end_year + 1), fill_value=0.0)


def with_delivery(actuals: Actuals, delivered: pd.DataFrame) -> Actuals:
    return Actuals(actuals.emissions, actuals.totals, delivered, actuals.source)


def sector_table(actuals: Actuals, planned: pd.DataFrame) -> pd.DataFrame:
    """Emissions by year and sector for every year with a city total: reported sectors as
    given; the rest of a given total split over the unreported sectors in proportion to
    `planned` (year x sector, tCO2e) that year."""
    out = actuals.emissions.loc[actuals.years].astype(float).copy()
    for year in out.index:
        row = out.loc[year]
        gap = row.isna()
        if not gap.any():
            continue
        weights = planned.loc[year, gap[gap].index].astype(float)
        rest = max(float(actuals.totals[year]) - float(row[~gap].sum()), 0.0)
        share = weights / weights.sum() if weights.sum() > 0 else 1.0 / len(weights)
        out.loc[year, gap[gap].index] = rest * share
    return out


def _build(plan: Plan, table: pd.DataFrame, sectors: list[str], source: str) -> Actuals:
    table = table[table.index > plan.base_year].sort_index()
    if table.empty:
        raise InputError(
            f"{source}: no emissions after the base year {plan.base_year}",
            hint="actuals are the years since the base year",
        )
    if table.index.max() > plan.end_year:
        raise InputError(f"{source}: years after the plan's end_year {plan.end_year}", hint=HINT)
    given = table[TOTAL] if TOTAL in table.columns else pd.Series(np.nan, index=table.index)
    by_sector = table.reindex(columns=sectors)
    complete = by_sector.notna().all(axis=1)
    totals = given.where(given.notna(), by_sector.sum(axis=1).where(complete))
    return Actuals(by_sector, totals.astype(float), None, source)
