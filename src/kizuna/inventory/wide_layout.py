"""The wide layout: one row per city-year, as the C40 GHG Emissions Dashboard data.

Columns: ``city``, ``year`` (``year_calendar`` wins when both exist), optional
``population``, then one column per GPC reference number in tCO2e holding numbers or
notation keys (messy ones such as ``NE; NE`` or ``IE (I.1.1)``).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from kizuna.inventory.book import InventoryBook
from kizuna.inventory.checks import NEGATIVE_HINT, city_year, may_be_negative, suggest_ref
from kizuna.inventory.columns import STR_DTYPE, constant
from kizuna.inventory.entries import entries_frame, meta_frame
from kizuna.inventory.notation import parse_notation
from kizuna.inventory.problems import Problems
from kizuna.inventory.tables import normalise
from kizuna.reference.gpc import gpc_taxonomy
from kizuna.units import CO2E

#: Looks like a GPC reference number (used to reject unknown ones in wide files).
REF_PATTERN = re.compile(r"^(I|II|III|IV|V|VI)\.\d+(\.\d+)?$")


def read_wide(
    frame: pd.DataFrame,
    rows: np.ndarray,
    problems: Problems,
    gwp: str,
    source: str,
    city: str | None,
    year: int | None,
) -> InventoryBook:
    """Check and convert `frame` (column names as in the file) in the wide layout into a book.

    Rows without any value and without a city are skipped. Every cell with a number
    or notation key becomes a CO2e emission or notation entry. Raises `InputError`
    with every problem.
    """
    df = frame.rename(
        columns={c: normalise(c) for c in frame.columns if not REF_PATTERN.match(str(c).strip())}
    )
    if "year_calendar" in df.columns:
        df = df.drop(columns=["year"], errors="ignore").rename(columns={"year_calendar": "year"})
    ref_cols = [c for c in df.columns if REF_PATTERN.match(str(c).strip())]
    taxonomy = gpc_taxonomy()
    unknown = [c for c in ref_cols if str(c).strip() not in taxonomy.index]
    for c in unknown:
        problems.add(
            f"unknown GPC reference number {str(c).strip()!r} as a column",
            None,
            str(c),
            suggest_ref(str(c).strip()),
        )
    ref_cols = [c for c in ref_cols if c not in unknown]
    cells = df[ref_cols]
    empty_row = cells.isna().all(axis=1).to_numpy().copy()
    if "city" in df.columns:
        empty_row &= df["city"].isna().to_numpy()
    df, cells, rows = df[~empty_row], cells[~empty_row], rows[~empty_row]
    cities, years = city_year(df, rows, problems, city, year, source)
    dup = pd.DataFrame({"c": cities.codes, "y": years}).duplicated(keep=False).to_numpy()
    problems.flag(
        dup,
        rows,
        "the same city and year appear on more than one row",
        "keep one row per city-year in the wide layout",
    )

    k = len(ref_cols)
    flat = cells.to_numpy(dtype=object).ravel()  # row-major: row i, column j at i*k + j
    values = pd.to_numeric(pd.Series(flat), errors="coerce").to_numpy(dtype=float)
    text = pd.Series(flat).where(pd.isna(values) & pd.notna(flat)).dropna().astype(str)
    text = text[text.str.strip() != ""]
    parsed = {u: parse_notation(u) for u in pd.unique(text)}
    cell_rows = np.repeat(rows, k)
    cell_refs = np.tile(np.array([str(c).strip() for c in ref_cols], dtype=object), len(df))
    bad = text[text.map(lambda u: parsed[u] is None)]
    for value, group in bad.groupby(bad):
        cols = sorted(set(cell_refs[group.index]))
        problems.add(
            f"{value!r} is neither a number nor a notation key",
            cell_rows[group.index],
            cols[0],
            "write the emissions in tCO2e, or NO, NE, IE or C",
        )
    neg = ~np.isnan(values) & (values < 0)
    neg &= ~may_be_negative(taxonomy.index.get_indexer(cell_refs))
    if neg.any():
        problems.add("negative emissions", cell_rows[neg], cell_refs[neg][0], NEGATIVE_HINT)
    problems.raise_if_any()

    is_value = ~np.isnan(values)
    is_key = np.zeros(len(flat), dtype=bool)
    is_key[text.index.to_numpy()] = True
    keep = is_value | is_key
    key_text = np.full(len(flat), None, dtype=object)
    key_text[text.index.to_numpy()] = text.to_numpy()
    keys = [parsed[t][0] if t is not None else None for t in key_text[keep]]
    expl = [parsed[t][1] if t is not None else "" for t in key_text[keep]]
    row_of_cell = np.repeat(np.arange(len(df)), k)[keep]
    co2e = values[keep]
    n_entries = len(co2e)
    entries = entries_frame(
        city=cities.take(row_of_cell),
        year=years[row_of_cell],
        ref_code=taxonomy.index.get_indexer(cell_refs[keep]),
        gas=constant(CO2E, n_entries),
        kind=np.where(is_value[keep], 1, 2).astype(np.int8),  # emission or notation
        mass_t=co2e,
        co2e_t=co2e.copy(),
        notation_key=pd.array(keys, dtype=STR_DTYPE),
        explanation=pd.array(expl, dtype=STR_DTYPE),
        description=constant("", n_entries).strings(),
        source=constant("", n_entries).strings(),
        rows=cell_rows[keep],
    )
    population = df["population"] if "population" in df.columns else None
    meta = meta_frame(cities.categorical(), years, population)
    return InventoryBook(entries, meta, gwp, source, "wide")
