"""Building the two frames of an `InventoryBook` from per-row arrays and coded columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray

from kizuna.inventory.book import ENTRY_COLUMNS
from kizuna.inventory.columns import CodedColumn, combine_codes, dense_codes
from kizuna.reference.gpc import gpc_taxonomy

#: Entry kinds; `entries_frame` takes them as int8 codes into this tuple.
KINDS: tuple[str, ...] = ("activity", "emission", "notation")


def entries_frame(
    *,
    city: CodedColumn,
    year: np.ndarray,
    ref_code: np.ndarray,
    gas: CodedColumn,
    kind: np.ndarray,
    mass_t: np.ndarray,
    co2e_t: np.ndarray,
    notation_key: ExtensionArray,
    explanation: ExtensionArray,
    description: ExtensionArray,
    source: ExtensionArray,
    rows: np.ndarray,
) -> pd.DataFrame:
    """`InventoryBook.entries`: `ENTRY_COLUMNS` with the dtypes `kizuna.inventory.book` gives.

    `ref_code` indexes the GPC taxonomy and `kind` indexes `KINDS`. City, gas and
    kind become categoricals of the values used, sorted (a missing gas is NaN).
    """
    data = {
        "city": city.categorical(),
        "year": np.asarray(year, dtype=np.int64),
        "gpc_ref": pd.Categorical.from_codes(
            np.asarray(ref_code, dtype=np.int64), categories=gpc_taxonomy().index, validate=False
        ),
        "gas": gas.categorical(),
        "kind": CodedColumn(kind, np.array(KINDS, dtype=object)).categorical(),
        "mass_t": mass_t,
        "co2e_t": co2e_t,
        "notation_key": notation_key,
        "explanation": explanation,
        "description": description,
        "source": source,
        "row": np.asarray(rows, dtype=np.int64),
    }
    return pd.DataFrame({c: data[c] for c in ENTRY_COLUMNS}, copy=False)


def meta_frame(
    city: pd.Categorical, year: np.ndarray, population: pd.Series | None
) -> pd.DataFrame:
    """`InventoryBook.meta`: one row per (city, year) of the rows given, sorted.

    ``population`` is the first number the rows of a city-year give in `population`
    (text that is not a number counts as blank), NaN if none does.
    """
    n = len(year)
    y0 = int(year.min()) if n else 0
    year_code, years = dense_codes(year - y0, int(year.max()) - y0 + 1 if n else 1)
    city_code = np.asarray(city.codes, dtype=np.int64)
    group, (city_of, year_of) = combine_codes(
        [city_code, year_code], [len(city.categories), len(years)]
    )
    pop = np.full(len(city_of), np.nan)
    if population is not None:
        values = pd.to_numeric(population, errors="coerce").to_numpy(float, na_value=np.nan)
        given = np.flatnonzero(~np.isnan(values))
        first = np.full(len(city_of), n, dtype=np.int64)
        np.minimum.at(first, group[given], given)
        has = first < n
        pop[has] = values[first[has]]
    index = pd.MultiIndex.from_arrays(
        [city.categories.take(city_of), years[year_of] + y0], names=["city", "year"]
    )
    return pd.DataFrame({"population": pop}, index=index)
