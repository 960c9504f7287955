"""Reading inventories from CSV and Excel files, in the long and the wide layout.

Long layout (one row per entry; see docs/formats.md): ``gpc_ref``, ``gas`` and one of
  - ``activity_value``, ``activity_unit``, ``ef_value``, ``ef_unit``;
  - ``emissions_value``, ``emissions_unit``;
  - ``notation_key`` (NO, NE, IE, C) with ``explanation``;
  optional ``city``, ``year``, ``population``, ``description``, ``source``.

Wide layout (one row per city-year, as the C40 GHG Emissions Dashboard data):
``city``, ``year`` (``year_calendar`` wins when both exist), optional
``population``, then one column per GPC reference number in tCO2e holding
numbers or notation keys.

Every check runs over whole columns; all problems of a file are raised
together as one `InputError`, and nothing partial is returned.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from kizuna.errors import InputError
from kizuna.inventory.book import ENTRY_COLUMNS, InventoryBook
from kizuna.inventory.conversion import factors_by_combination, mass_factor_t, product_factor_t
from kizuna.inventory.mappings import apply_mapping
from kizuna.inventory.notation import parse_notation
from kizuna.inventory.problems import Problems
from kizuna.inventory.tables import load_table, normalise
from kizuna.reference.gpc import gpc_taxonomy
from kizuna.reference.gwp import DEFAULT_GWP, canonical_gas, gwp_values
from kizuna.units import CO2E

#: Looks like a GPC reference number (used to reject unknown ones in wide files).
_REF_PATTERN = re.compile(r"^(I|II|III|IV|V|VI)\.\d+(\.\d+)?$")


def read_inventory_file(
    path: str | Path,
    *,
    gwp: str = DEFAULT_GWP,
    sheet: str | None = None,
    city: str | None = None,
    year: int | None = None,
    columns: Mapping[str, str] | None = None,
) -> InventoryBook:
    """Read an inventory file (CSV or Excel, long or wide layout) into an `InventoryBook`.

    `city` and `year` fill in files that have no such column; `columns` maps
    the file's column names to the layout's (see `kizuna.inventory.mappings`).
    Raises `InputError` naming the file, rows, columns and the fix.
    """
    path = Path(path)
    frame = load_table(path, sheet)
    if columns:
        frame = apply_mapping(frame, columns, path.name)
    return read_inventory_frame(frame, source=path.name, gwp=gwp, city=city, year=year)


def read_inventory_frame(
    frame: pd.DataFrame,
    *,
    source: str = "<frame>",
    gwp: str = DEFAULT_GWP,
    city: str | None = None,
    year: int | None = None,
    first_row: int = 2,
) -> InventoryBook:
    """Read a DataFrame in the long or wide layout; `first_row` is the file row of its first row."""
    gwp = gwp.upper()
    gwp_values(gwp)  # validates the set name
    columns = {normalise(c): c for c in frame.columns}
    df = frame.rename(columns={orig: norm for norm, orig in columns.items()})
    problems = Problems(source)
    rows = np.arange(first_row, first_row + len(df))
    if "gpc_ref" in df.columns:
        return _read_long(df, rows, problems, gwp, source, city, year)
    refs = [c for c in frame.columns if str(c).strip() in gpc_taxonomy().index]
    if refs:
        return _read_wide(frame, rows, problems, gwp, source, city, year)
    raise InputError(
        f"{source}: neither a long nor a wide inventory",
        hint="add a 'gpc_ref' column (long layout: one row per entry) or one column per GPC "
        "reference number such as I.1.1 (wide layout: one row per city-year); "
        "see docs/formats.md",
    )


# --- long layout ------------------------------------------------------------------------------


def _read_long(
    df: pd.DataFrame,
    rows: np.ndarray,
    problems: Problems,
    gwp: str,
    source: str,
    city: str | None,
    year: int | None,
) -> InventoryBook:
    n = len(df)
    city_s, year_s = _city_year(df, rows, problems, city, year, source)
    ref_code = _ref_codes(df["gpc_ref"], rows, problems, "gpc_ref")

    numeric = {
        c: _numeric(df, c, rows, problems)
        for c in ("activity_value", "ef_value", "emissions_value")
    }
    notation = _text(df, "notation_key")
    has_nk = notation.ne("").to_numpy()
    has_em = _filled(df, "emissions_value")
    has_act = _filled(df, "activity_value") | _filled(df, "ef_value")
    count = has_nk.astype(np.int8) + has_em + has_act
    _flag(
        problems,
        count == 0,
        rows,
        "row has no value",
        "give activity_value with ef_value, or emissions_value, or a notation_key",
    )
    _flag(
        problems,
        count > 1,
        rows,
        "row has more than one kind of value",
        "an entry is either activity x emission factor, a direct emission or a notation key; "
        "split it into several rows",
    )

    kind = np.where(has_nk, "notation", np.where(has_em, "emission", "activity"))
    keys = _notation_keys(notation, has_nk, rows, problems)
    gas = _gases(_text(df, "gas"), ~has_nk, rows, problems, gwp)

    mass_t = np.full(n, np.nan)
    act = has_act & ~has_nk & ~has_em
    if act.any():
        a, ef = numeric["activity_value"].to_numpy(), numeric["ef_value"].to_numpy()
        _flag(
            problems,
            act & np.isnan(a),
            rows,
            "activity_value is missing",
            "give the activity next to its emission factor",
            "activity_value",
        )
        _flag(
            problems,
            act & np.isnan(ef),
            rows,
            "ef_value is missing",
            "give the emission factor next to its activity",
            "ef_value",
        )
        _flag(
            problems,
            act & (a < 0),
            rows,
            "activity_value is negative",
            "activity data are amounts (energy, fuel, distance) and cannot be negative",
            "activity_value",
        )
        _flag(
            problems,
            act & (ef < 0),
            rows,
            "ef_value is negative",
            "emission factors cannot be negative; report removals as negative "
            "emissions_value in AFOLU (V.*)",
            "ef_value",
        )
        units = [_text(df, "activity_unit")[act], _text(df, "ef_unit")[act], gas[act]]
        factor = _unit_factors(units, product_factor_t, rows[act], problems, "ef_unit")
        mass_t[act] = a[act] * ef[act] * factor
    em = has_em & ~has_nk
    if em.any():
        v = numeric["emissions_value"].to_numpy()
        negative = em & (v < 0) & ~_may_be_negative(ref_code)
        _flag(
            problems,
            negative,
            rows,
            "emissions_value is negative",
            _NEGATIVE_HINT,
            "emissions_value",
        )
        units = [_text(df, "emissions_unit")[em], gas[em]]
        factor = _unit_factors(units, mass_factor_t, rows[em], problems, "emissions_unit")
        mass_t[em] = v[em] * factor
    problems.raise_if_any()

    gwp_by_gas = gwp_values(gwp)
    gwp_factor = pd.Series(gas).map(gwp_by_gas).to_numpy(dtype=float, na_value=np.nan)
    entries = _entries(
        city=city_s,
        year=year_s,
        ref_code=ref_code,
        gas=gas,
        kind=kind,
        mass_t=mass_t,
        co2e_t=mass_t * gwp_factor,
        notation_key=keys,
        explanation=_text(df, "explanation").to_numpy(object),
        description=_text(df, "description").to_numpy(object),
        source=_text(df, "source").to_numpy(object),
        rows=rows,
    )
    meta = _meta(entries, df.get("population"))
    return InventoryBook(entries, meta, gwp, source, "long")


def _unit_factors(
    columns: list[pd.Series | np.ndarray], factor, rows: np.ndarray, problems: Problems, column: str
) -> np.ndarray:
    factors = factors_by_combination([pd.Series(c) for c in columns], factor)
    for combination, message in factors.errors.items():
        bad = rows[factors.combination == combination]
        problems.add(
            message,
            bad,
            column,
            "see docs/formats.md for the units Kizuna reads (t, kg, kt; TJ, kWh, l, m3, "
            "km; factors such as kg/TJ or kg CH4/TJ)",
        )
    return factors.per_row


def _notation_keys(
    notation: pd.Series, has_nk: np.ndarray, rows: np.ndarray, problems: Problems
) -> np.ndarray:
    keys = np.full(len(notation), None, dtype=object)
    if not has_nk.any():
        return keys
    uniques = pd.unique(notation[has_nk])
    parsed = {u: parse_notation(u) for u in uniques}
    bad = [u for u, p in parsed.items() if p is None]
    if bad:
        mask = has_nk & notation.isin(bad).to_numpy()
        problems.add(
            f"unknown notation key {bad[0]!r}",
            rows[mask],
            "notation_key",
            "use NO (not occurring), NE (not estimated), IE (included elsewhere) "
            "or C (confidential)",
        )
    mapping = {u: p[0] for u, p in parsed.items() if p is not None}
    keys[has_nk] = notation[has_nk].map(mapping).to_numpy(object)
    return keys


def _gases(
    gas: pd.Series, needed: np.ndarray, rows: np.ndarray, problems: Problems, gwp: str
) -> np.ndarray:
    codes, uniques = pd.factorize(gas)
    canonical = np.array(
        [canonical_gas(u, gwp) if u else None for u in uniques] + [None], dtype=object
    )
    out = canonical[codes]  # code -1 (missing) picks the trailing None
    missing = needed & (gas.eq("").to_numpy())
    _flag(
        problems,
        missing,
        rows,
        "gas is missing",
        "name the gas: CO2, CH4, N2O, an HFC/PFC such as HFC134a, SF6, NF3, or CO2e",
        "gas",
    )
    unknown = needed & ~missing & pd.isna(out)
    if unknown.any():
        names = sorted({str(g) for g in gas[unknown]})
        problems.add(
            f"unknown gas {', '.join(repr(n) for n in names[:3])} for GWP set {gwp}",
            rows[unknown],
            "gas",
            "use CO2, CH4, CH4_fossil, CH4_biogenic, N2O, SF6, NF3, an HFC or PFC "
            "named as in IPCC tables (HFC134a, CF4), or CO2e for converted masses",
        )
    return out


# --- wide layout ------------------------------------------------------------------------------


def _read_wide(
    frame: pd.DataFrame,
    rows: np.ndarray,
    problems: Problems,
    gwp: str,
    source: str,
    city: str | None,
    year: int | None,
) -> InventoryBook:
    df = frame.rename(
        columns={c: normalise(c) for c in frame.columns if not _REF_PATTERN.match(str(c).strip())}
    )
    if "year_calendar" in df.columns:
        df = df.drop(columns=["year"], errors="ignore").rename(columns={"year_calendar": "year"})
    ref_cols = [c for c in df.columns if _REF_PATTERN.match(str(c).strip())]
    taxonomy = gpc_taxonomy()
    unknown = [c for c in ref_cols if str(c).strip() not in taxonomy.index]
    for c in unknown:
        problems.add(
            f"unknown GPC reference number {str(c).strip()!r} as a column",
            None,
            str(c),
            _suggest(str(c).strip()),
        )
    ref_cols = [c for c in ref_cols if c not in unknown]
    cells = df[ref_cols]
    empty_row = cells.isna().all(axis=1).to_numpy().copy()
    if "city" in df.columns:
        empty_row &= df["city"].isna().to_numpy()
    df, cells, rows = df[~empty_row], cells[~empty_row], rows[~empty_row]
    city_s, year_s = _city_year(df, rows, problems, city, year, source)
    dup = pd.DataFrame({"c": city_s, "y": year_s}).duplicated(keep=False).to_numpy()
    _flag(
        problems,
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
    neg &= ~_may_be_negative(taxonomy.index.get_indexer(cell_refs))
    if neg.any():
        problems.add("negative emissions", cell_rows[neg], cell_refs[neg][0], _NEGATIVE_HINT)
    problems.raise_if_any()

    is_value = ~np.isnan(values)
    is_key = np.zeros(len(flat), dtype=bool)
    is_key[text.index.to_numpy()] = True
    keep = is_value | is_key
    key_text = np.full(len(flat), None, dtype=object)
    key_text[text.index.to_numpy()] = text.to_numpy()
    keys = np.array([parsed[t][0] if t is not None else None for t in key_text[keep]], object)
    expl = np.array([parsed[t][1] if t is not None else "" for t in key_text[keep]], object)
    row_of_cell = np.repeat(np.arange(len(df)), k)[keep]
    co2e = values[keep]
    entries = _entries(
        city=city_s[row_of_cell],
        year=year_s[row_of_cell],
        ref_code=taxonomy.index.get_indexer(cell_refs[keep]),
        gas=np.full(keep.sum(), CO2E, object),
        kind=np.where(is_value[keep], "emission", "notation"),
        mass_t=co2e,
        co2e_t=co2e,
        notation_key=keys,
        explanation=expl,
        description=np.full(keep.sum(), "", object),
        source=np.full(keep.sum(), "", object),
        rows=cell_rows[keep],
    )
    meta = _meta(entries, df["population"] if "population" in df.columns else None, city_s, year_s)
    return InventoryBook(entries, meta, gwp, source, "wide")


# --- shared pieces ----------------------------------------------------------------------------


def _city_year(
    df: pd.DataFrame,
    rows: np.ndarray,
    problems: Problems,
    city: str | None,
    year: int | None,
    source: str,
) -> tuple[np.ndarray, np.ndarray]:
    n = len(df)
    if "city" in df.columns:
        city_s = _text(df, "city")
        if city is not None:
            city_s = city_s.mask(city_s.eq(""), city)
        _flag(
            problems,
            city_s.eq("").to_numpy(),
            rows,
            "city is missing",
            "fill the city column or pass --city",
            "city",
        )
        cities = city_s.to_numpy(object)
    elif city is not None:
        cities = np.full(n, city, dtype=object)
    else:
        cities = np.full(n, Path(source).stem, dtype=object)
    if "year" in df.columns:
        raw = df["year"]
        years = pd.to_numeric(raw, errors="coerce")
        if year is not None:
            years = years.fillna(year)
        bad = years.isna() | (years != np.floor(years))
        _flag(
            problems,
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


def _ref_codes(refs: pd.Series, rows: np.ndarray, problems: Problems, column: str) -> np.ndarray:
    taxonomy = gpc_taxonomy()
    codes, uniques = pd.factorize(refs.astype("string").str.strip())
    positions = np.append(taxonomy.index.get_indexer(pd.Index(uniques, dtype=object)), -1)
    ref_code = positions[codes]
    for u in uniques[np.flatnonzero(positions[:-1] < 0)]:
        problems.add(
            f"unknown GPC reference number {u!r}",
            rows[(codes >= 0) & (np.asarray(uniques)[np.maximum(codes, 0)] == u)],
            column,
            _suggest(str(u)),
        )
    missing = codes < 0
    _flag(
        problems,
        missing,
        rows,
        "gpc_ref is missing",
        "give the GPC reference number of the entry, such as I.1.1",
        column,
    )
    return ref_code


def _suggest(ref: str) -> str:
    close = difflib.get_close_matches(ref, list(gpc_taxonomy().index), n=3, cutoff=0.5)
    did = f"did you mean {' or '.join(close)}? " if close else ""
    return f"{did}valid numbers run from I.1.1 to VI.1 (GPC v1.1, Table 4.1; docs/formats.md)"


def _numeric(df: pd.DataFrame, column: str, rows: np.ndarray, problems: Problems) -> pd.Series:
    if column not in df.columns:
        return pd.Series(np.full(len(df), np.nan), index=df.index)
    col = df[column]
    if pd.api.types.is_numeric_dtype(col):
        return col.astype(float)
    values = pd.to_numeric(col, errors="coerce")
    junk = values.isna() & col.notna() & col.astype("string").str.strip().ne("")
    _flag(
        problems,
        junk.to_numpy(),
        rows,
        f"{column} is not a number",
        "write plain numbers with a dot as decimal separator and no thousands separators",
        column,
    )
    return values.astype(float)


def _filled(df: pd.DataFrame, column: str) -> np.ndarray:
    """Per row: does the cell hold anything (a number or some text)?"""
    if column not in df.columns:
        return np.zeros(len(df), dtype=bool)
    col = df[column]
    if pd.api.types.is_numeric_dtype(col):
        return col.notna().to_numpy()
    return (col.notna() & col.astype("string").str.strip().ne("")).to_numpy(bool)


def _text(df: pd.DataFrame, column: str) -> pd.Series:
    """A text column with blanks as ''; an absent column reads as all blanks."""
    if column not in df.columns:
        return pd.Series("", index=df.index, dtype=object)
    col = df[column]
    return col.astype("string").str.strip().fillna("").astype(object)


_NEGATIVE_HINT = (
    "only AFOLU (V.*) and other scope 3 (VI.1) may hold net negative values; "
    "elsewhere report emissions as positive numbers"
)


def _may_be_negative(ref_code: np.ndarray) -> np.ndarray:
    """Per row: may the value at this reference number be negative (unknown refs: no)."""
    allowed = np.append(gpc_taxonomy()["may_be_negative"].to_numpy(bool), False)
    return allowed[np.asarray(ref_code)]


def _flag(
    problems: Problems,
    mask: np.ndarray,
    rows: np.ndarray,
    message: str,
    hint: str,
    column: str | None = None,
) -> None:
    if mask.any():
        problems.add(message, rows[mask], column, hint)


def _entries(
    *,
    city,
    year,
    ref_code,
    gas,
    kind,
    mass_t,
    co2e_t,
    notation_key,
    explanation,
    description,
    source,
    rows,
) -> pd.DataFrame:
    refs = pd.Categorical.from_codes(
        np.asarray(ref_code, dtype=np.int64), categories=gpc_taxonomy().index
    )
    frame = pd.DataFrame(
        {
            "city": pd.Categorical(city),
            "year": np.asarray(year, dtype=np.int64),
            "gpc_ref": refs,
            "gas": pd.Categorical(gas),
            "kind": pd.Categorical(kind),
            "mass_t": mass_t,
            "co2e_t": co2e_t,
            "notation_key": notation_key,
            "explanation": explanation,
            "description": description,
            "source": source,
            "row": np.asarray(rows, dtype=np.int64),
        }
    )
    return frame[list(ENTRY_COLUMNS)]


def _meta(
    entries: pd.DataFrame,
    population: pd.Series | None,
    city: np.ndarray | None = None,
    year: np.ndarray | None = None,
) -> pd.DataFrame:
    """One row per (city, year): the population where the file gives one."""
    if city is None:
        city, year = entries["city"].to_numpy(object), entries["year"].to_numpy()
    pop = (
        pd.to_numeric(population, errors="coerce").to_numpy(float)
        if population is not None
        else np.full(len(city), np.nan)
    )
    meta = pd.DataFrame({"city": city, "year": year, "population": pop})
    return meta.groupby(["city", "year"], sort=True).agg(population=("population", "first"))
