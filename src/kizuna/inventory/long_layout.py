"""The long layout: one row per entry (activity x emission factor, direct emission, notation key).

Columns (see docs/formats.md): ``gpc_ref``, ``gas`` and one of
  - ``activity_value``, ``activity_unit``, ``ef_value``, ``ef_unit``;
  - ``emissions_value``, ``emissions_unit``;
  - ``notation_key`` (NO, NE, IE, C) with ``explanation``;
optional ``city``, ``year``, ``population``, ``description``, ``source``.

Every text column is factorized once (`columns.text_codes`); GPC numbers, notation
keys, gases, GWPs and unit factors are looked up once per distinct value and reach the
rows through integer codes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from kizuna.inventory.book import InventoryBook
from kizuna.inventory.checks import NEGATIVE_HINT, city_year, may_be_negative, suggest_ref
from kizuna.inventory.columns import CodedColumn, filled, numbers, text_codes
from kizuna.inventory.conversion import factors_by_combination, mass_factor_t, product_factor_t
from kizuna.inventory.entries import entries_frame, meta_frame
from kizuna.inventory.notation import parse_notation
from kizuna.inventory.problems import Problems
from kizuna.reference.gpc import gpc_taxonomy
from kizuna.reference.gwp import canonical_gas, gwp_values

_UNIT_HINT = (
    "see docs/formats.md for the units Kizuna reads (t, kg, kt; TJ, kWh, l, m3, "
    "km; factors such as kg/TJ or kg CH4/TJ)"
)


def read_long(
    df: pd.DataFrame,
    rows: np.ndarray,
    problems: Problems,
    gwp: str,
    source: str,
    city: str | None,
    year: int | None,
) -> InventoryBook:
    """Check and convert `df` (normalised column names) in the long layout into a book.

    `rows` are the file rows of `df`'s rows. Raises `InputError` with every problem.
    """
    n = len(df)
    cities, years = city_year(df, rows, problems, city, year, source)
    ref_code = _ref_codes(text_codes(df, "gpc_ref"), rows, problems)
    values = {
        c: numbers(df, c, rows, problems) for c in ("activity_value", "ef_value", "emissions_value")
    }
    notation = text_codes(df, "notation_key")
    has_nk = ~notation.blank()
    has_em = filled(df, "emissions_value")
    has_act = filled(df, "activity_value") | filled(df, "ef_value")
    count = has_nk.astype(np.int8) + has_em + has_act
    problems.flag(
        count == 0,
        rows,
        "row has no value",
        "give activity_value with ef_value, or emissions_value, or a notation_key",
    )
    problems.flag(
        count > 1,
        rows,
        "row has more than one kind of value",
        "an entry is either activity x emission factor, a direct emission or a notation key; "
        "split it into several rows",
    )
    kind = np.where(has_nk, 2, has_em).astype(np.int8)  # codes into entries.KINDS
    keys = _notation_keys(notation, rows, problems)
    gas = _gases(text_codes(df, "gas"), ~has_nk, rows, problems, gwp)

    mass_t = np.full(n, np.nan)
    act = has_act & ~has_nk & ~has_em
    if act.any():
        a, ef = values["activity_value"], values["ef_value"]
        _check_activity(a, ef, act, rows, problems)
        units = [text_codes(df, "activity_unit"), text_codes(df, "ef_unit"), gas]
        factor = _unit_factors(units, act, product_factor_t, rows, problems, "ef_unit")
        mass_t[act] = a[act] * ef[act] * factor
    em = has_em & ~has_nk
    if em.any():
        v = values["emissions_value"]
        problems.flag(
            em & (v < 0) & ~may_be_negative(ref_code),
            rows,
            "emissions_value is negative",
            NEGATIVE_HINT,
            "emissions_value",
        )
        units = [text_codes(df, "emissions_unit"), gas]
        factor = _unit_factors(units, em, mass_factor_t, rows, problems, "emissions_unit")
        mass_t[em] = v[em] * factor
    problems.raise_if_any()

    gwp_by_gas = gwp_values(gwp)
    gwp_of_gas = [gwp_by_gas.get(g, np.nan) if isinstance(g, str) else np.nan for g in gas.values]
    entries = entries_frame(
        city=cities,
        year=years,
        ref_code=ref_code,
        gas=gas,
        kind=kind,
        mass_t=mass_t,
        co2e_t=mass_t * gas.per_row(np.array(gwp_of_gas, dtype=float)),
        notation_key=keys.strings(),
        explanation=text_codes(df, "explanation").strings(),
        description=text_codes(df, "description").strings(),
        source=text_codes(df, "source").strings(),
        rows=rows,
    )
    meta = meta_frame(entries["city"].array, years, df.get("population"))
    return InventoryBook(entries, meta, gwp, source, "long")


def _ref_codes(refs: CodedColumn, rows: np.ndarray, problems: Problems) -> np.ndarray:
    """Per row: the position of its GPC reference number in the taxonomy (-1: unknown, blank)."""
    positions = gpc_taxonomy().index.get_indexer(pd.Index(refs.values, dtype=object))
    for j in np.flatnonzero((positions < 0) & (refs.values != "")):
        ref = refs.values[j]
        message = f"unknown GPC reference number {ref!r}"
        problems.add(message, rows[refs.codes == j], "gpc_ref", suggest_ref(ref))
    problems.flag(
        refs.blank(),
        rows,
        "gpc_ref is missing",
        "give the GPC reference number of the entry, such as I.1.1",
        "gpc_ref",
    )
    return refs.per_row(positions)


def _notation_keys(notation: CodedColumn, rows: np.ndarray, problems: Problems) -> CodedColumn:
    """The notation key (NO, NE, IE, C) of every row, NaN where none; flags unknown keys."""
    parsed = [parse_notation(v) if v else None for v in notation.values]
    bad = np.array([v != "" and p is None for v, p in zip(notation.values, parsed, strict=True)])
    if bad.any():
        problems.add(
            f"unknown notation key {notation.values[np.argmax(bad)]!r}",
            rows[notation.per_row(bad)],
            "notation_key",
            "use NO (not occurring), NE (not estimated), IE (included elsewhere) "
            "or C (confidential)",
        )
    key_of = {v: p[0] for v, p in zip(notation.values, parsed, strict=True) if p is not None}
    return notation.map(key_of.get)


def _gases(
    gas: CodedColumn, needed: np.ndarray, rows: np.ndarray, problems: Problems, gwp: str
) -> CodedColumn:
    """The gas of every row as GWP tables name it (NaN if blank or unknown).

    Flags rows that need a gas (all but notation keys) and have none, or an unknown one.
    """
    missing = needed & gas.blank()
    problems.flag(
        missing,
        rows,
        "gas is missing",
        "name the gas: CO2, CH4, N2O, an HFC/PFC such as HFC134a, SF6, NF3, or CO2e",
        "gas",
    )
    canonical = gas.map(lambda v: canonical_gas(v, gwp) if v else None)
    unknown = needed & ~missing & canonical.per_row(pd.isna(canonical.values))
    if unknown.any():
        names = sorted(gas.values[np.unique(gas.codes[unknown])])
        problems.add(
            f"unknown gas {', '.join(repr(n) for n in names[:3])} for GWP set {gwp}",
            rows[unknown],
            "gas",
            "use CO2, CH4, CH4_fossil, CH4_biogenic, N2O, SF6, NF3, an HFC or PFC "
            "named as in IPCC tables (HFC134a, CF4), or CO2e for converted masses",
        )
    return canonical


def _check_activity(
    a: np.ndarray, ef: np.ndarray, act: np.ndarray, rows: np.ndarray, problems: Problems
) -> None:
    """Flag activity x emission factor rows with a missing or negative activity or factor."""
    problems.flag(
        act & np.isnan(a),
        rows,
        "activity_value is missing",
        "give the activity next to its emission factor",
        "activity_value",
    )
    problems.flag(
        act & np.isnan(ef),
        rows,
        "ef_value is missing",
        "give the emission factor next to its activity",
        "ef_value",
    )
    problems.flag(
        act & (a < 0),
        rows,
        "activity_value is negative",
        "activity data are amounts (energy, fuel, distance) and cannot be negative",
        "activity_value",
    )
    problems.flag(
        act & (ef < 0),
        rows,
        "ef_value is negative",
        "emission factors cannot be negative; report removals as negative "
        "emissions_value in AFOLU (V.*)",
        "ef_value",
    )


def _unit_factors(
    columns: list[CodedColumn],
    selected: np.ndarray,
    factor: Callable[..., float],
    rows: np.ndarray,
    problems: Problems,
    column: str,
) -> np.ndarray:
    """`factor(*values)` of the `selected` rows, once per distinct combination of the columns.

    A combination that fails is reported at its rows, in column `column`.
    """
    where = np.flatnonzero(selected)
    factors = factors_by_combination([c.take(where) for c in columns], factor)
    for combination, message in factors.errors.items():
        problems.add(message, rows[where[factors.combination == combination]], column, _UNIT_HINT)
    return factors.per_row
