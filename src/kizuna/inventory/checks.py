"""Checks shared by the long and the wide layout: city and year, GPC reference numbers, signs."""

from __future__ import annotations

import difflib
from pathlib import Path

import numpy as np
import pandas as pd

from kizuna.inventory.columns import CodedColumn, constant, text_codes
from kizuna.inventory.problems import Problems
from kizuna.reference.gpc import gpc_taxonomy

NEGATIVE_HINT = (
    "only AFOLU (V.*) and other scope 3 (VI.1) may hold net negative values; "
    "elsewhere report emissions as positive numbers"
)


def city_year(
    df: pd.DataFrame,
    rows: np.ndarray,
    problems: Problems,
    city: str | None,
    year: int | None,
    source: str,
) -> tuple[CodedColumn, np.ndarray]:
    """The city and year (int64) of every row of `df`; flags blank cities and bad years.

    `city` and `year` fill blank cells and stand in for absent columns; without
    a city column or `city`, the city is the stem of the `source` file name.
    """
    n = len(df)
    if "city" in df.columns:
        cities = text_codes(df, "city")
        if city is not None:
            cities = cities.map(lambda v: city if v == "" else v)
        problems.flag(
            cities.blank(), rows, "city is missing", "fill the city column or pass --city", "city"
        )
    else:
        cities = constant(city if city is not None else Path(source).stem, n)
    if "year" in df.columns:
        years = pd.to_numeric(df["year"], errors="coerce")
        if year is not None:
            years = years.fillna(year)
        bad = years.isna() | (years != np.floor(years))
        problems.flag(
            bad.to_numpy(),
            rows,
            "year is missing or not a whole number",
            "write the inventory year as a number such as 2019",
            "year",
        )
        year_arr = years.fillna(0).to_numpy().astype(np.int64)
    elif year is not None:
        year_arr = np.full(n, int(year), dtype=np.int64)
    else:
        problems.add("no year column", None, None, "add a 'year' column or pass --year")
        year_arr = np.zeros(n, dtype=np.int64)
    return cities, year_arr


def suggest_ref(ref: str) -> str:
    """The hint for an unknown GPC reference number: close valid numbers, and the valid range."""
    close = difflib.get_close_matches(ref, list(gpc_taxonomy().index), n=3, cutoff=0.5)
    did = f"did you mean {' or '.join(close)}? " if close else ""
    return f"{did}valid numbers run from I.1.1 to VI.1 (GPC v1.1, Table 4.1; docs/formats.md)"


def may_be_negative(ref_code: np.ndarray) -> np.ndarray:
    """Per row: may the value at this reference number be negative (unknown refs, -1: no)."""
    allowed = np.append(gpc_taxonomy()["may_be_negative"].to_numpy(bool), False)
    return allowed[np.asarray(ref_code)]
