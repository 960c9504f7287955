"""Computing inventories: totals by reporting level, breakdowns and completeness.

All city-years of a book are computed together. With i an inventory, r a GPC
reference number and e an entry:

    E[i, r] = sum over entries e at (i, r) of co2e_t[e]          (one np.bincount)
    total_L[i] = sum over r of E[i, r] x in_L[r]                 (a matrix product)

and likewise by sector, scope and gas. A reference number is *covered* when it
has a value or a notation key; BASIC completeness counts the covered BASIC
numbers (GPC v1.1, section 2.3: notation keys make an inventory complete).
"""

from __future__ import annotations

import math
from itertools import compress
from typing import Any

import numpy as np
import pandas as pd

from kizuna.inventory.book import InventoryBook
from kizuna.inventory.results import InventoryResult, RefStatus
from kizuna.reference.gpc import GPC_LEVELS, SECTOR_ORDER, gpc_taxonomy


def compute(book: InventoryBook) -> list[InventoryResult]:
    """Compute every city-year of `book`, sorted by city and year."""
    tax = gpc_taxonomy()
    e = book.entries
    keys = book.meta.index
    n_inv, n_ref = len(keys), len(tax)
    inv = _inventory_codes(e, keys)
    ref = e["gpc_ref"].cat.codes.to_numpy(np.int64)
    is_value = (e["kind"] != "notation").to_numpy()
    co2e = np.where(is_value, e["co2e_t"].to_numpy(float), 0.0)

    cell = inv * n_ref + ref
    by_ref = np.bincount(cell, weights=co2e, minlength=n_inv * n_ref).reshape(n_inv, n_ref)
    n_values = np.bincount(cell[is_value], minlength=n_inv * n_ref).reshape(n_inv, n_ref)
    level_flags = tax[[f"in_{lv}" for lv in GPC_LEVELS]].to_numpy(float)
    totals = by_ref @ level_flags
    sector_codes, sectors = pd.factorize(pd.Categorical(tax["sector"], categories=SECTOR_ORDER))
    scope_codes = tax["scope"].to_numpy() - 1
    sector_of = _one_hot(sector_codes, len(sectors))
    scope_of = _one_hot(scope_codes, 3)
    combo_of = _one_hot(sector_codes * 3 + scope_codes, len(sectors) * 3)
    by_sector, by_scope, by_sector_scope = by_ref @ sector_of, by_ref @ scope_of, by_ref @ combo_of
    has_value = (n_values > 0).astype(float)
    sector_has, scope_has = has_value @ sector_of > 0, has_value @ scope_of > 0
    combo_has = has_value @ combo_of > 0

    gas_codes = e["gas"].cat.codes.to_numpy(np.int64)
    gases = list(e["gas"].cat.categories)
    gas_cell = inv[is_value] * len(gases) + gas_codes[is_value]
    by_gas = np.bincount(gas_cell, weights=co2e[is_value], minlength=n_inv * len(gases)).reshape(
        n_inv, len(gases)
    )
    n_gas = np.bincount(gas_cell, minlength=n_inv * len(gases)).reshape(n_inv, len(gases))

    note_keys, note_expl = _first_notation(e, inv, ref, is_value, (n_inv, n_ref))
    populations = book.meta["population"].to_numpy(float)
    level_names = list(GPC_LEVELS)
    sector_names = [str(s) for s in sectors]
    refs = list(tax.index)
    ref_records = _ref_records(tax)
    has = n_values > 0
    coverage = _coverage(tax, has, pd.notna(note_keys))

    sector_dicts = _row_dicts(by_sector, sector_has, sector_names)
    scope_dicts = _row_dicts(by_scope, scope_has, ["1", "2", "3"])
    gas_dicts = _row_dicts(by_gas, n_gas > 0, [str(g) for g in gases])
    ref_dicts = _row_dicts(by_ref, has, refs)
    sector_scope_dicts = _sector_scope(by_sector_scope, combo_has, sector_names)
    results = []
    for i, (city, year) in enumerate(keys):
        pop = populations[i]
        population = None if math.isnan(pop) else float(pop)
        tot = dict(zip(level_names, totals[i].tolist(), strict=True))
        results.append(
            InventoryResult(
                city=str(city),
                year=int(year),
                gwp=book.gwp,
                source=book.source,
                population=population,
                totals=tot,
                per_capita={k: v / population for k, v in tot.items()} if population else {},
                by_sector=sector_dicts[i],
                by_scope=scope_dicts[i],
                by_gas=gas_dicts[i],
                by_ref=ref_dicts[i],
                by_sector_scope=sector_scope_dicts[i],
                completeness_summary=coverage[i],
                ref_status=RefStatus(ref_records, has[i], note_keys[i], note_expl[i]),
            )
        )
    return results


def _inventory_codes(e: pd.DataFrame, keys: pd.MultiIndex) -> np.ndarray:
    """Index into `keys` (sorted city, year) of every entry, through lookup tables.

    Each entry's (city, year) becomes a position in a table of ``cities x years``
    that holds the index of that key; no per-row search or sort.
    """
    cities, years = keys.levels[0], keys.levels[1].to_numpy(np.int64)
    table = np.full(len(cities) * len(years), -1, dtype=np.int64)
    table[keys.codes[0].astype(np.int64) * len(years) + keys.codes[1]] = np.arange(len(keys))
    city = e["city"].array
    city_code = pd.Index(cities).get_indexer(city.categories)[city.codes]
    return table[city_code * len(years) + _year_codes(e["year"].to_numpy(np.int64), years)]


def _year_codes(year: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Position of each of `year` in the sorted distinct `levels` (which hold every year)."""
    if len(levels) == 0 or levels[-1] - levels[0] >= 4 * len(year) + 1024:
        return np.searchsorted(levels, year)
    position = np.zeros(levels[-1] - levels[0] + 1, dtype=np.int64)
    position[levels - levels[0]] = np.arange(len(levels))
    return position[year - levels[0]]


def _one_hot(codes: np.ndarray, n: int) -> np.ndarray:
    """A matrix [len(codes), n] with a 1 in column codes[i] of row i."""
    m = np.zeros((len(codes), n))
    m[np.arange(len(codes)), codes] = 1.0
    return m


def _first_notation(
    e: pd.DataFrame, inv: np.ndarray, ref: np.ndarray, is_value: np.ndarray, shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Matrices [inventory, ref] of the first notation key and its explanation (None if none).

    Only the chosen notation rows are turned into Python objects.
    """
    keys = np.full(shape, None, dtype=object)
    explanations = np.full(shape, None, dtype=object)
    notation = np.flatnonzero(~is_value)
    if len(notation):
        cell = inv[notation] * shape[1] + ref[notation]
        _, first = np.unique(cell, return_index=True)
        rows = notation[first]
        keys.flat[cell[first]] = e["notation_key"].take(rows).to_numpy(object)
        explanations.flat[cell[first]] = e["explanation"].take(rows).fillna("").to_numpy(object)
    return keys, explanations


def _row_dicts(values: np.ndarray, present: np.ndarray, names: list[str]) -> list[dict]:
    """Per row i: ``{names[j]: values[i, j]}`` for the columns j where `present[i, j]`."""
    return [
        dict(compress(zip(names, row, strict=True), flags))
        for row, flags in zip(values.tolist(), present.tolist(), strict=True)
    ]


def _sector_scope(values: np.ndarray, has: np.ndarray, sectors: list[str]) -> list[dict]:
    """Per row: ``{sector: {scope: value}}`` from columns sector x 3 + scope - 1 where `has`."""
    out = []
    for row, flags in zip(values.tolist(), has.tolist(), strict=True):
        by_sector: dict[str, dict[str, float]] = {}
        for j, (v, p) in enumerate(zip(row, flags, strict=True)):
            if p:
                by_sector.setdefault(sectors[j // 3], {})[str(j % 3 + 1)] = v
        out.append(by_sector)
    return out


def _ref_records(tax: pd.DataFrame) -> list[dict[str, Any]]:
    """The taxonomy fields every completeness record repeats, built once per compute."""
    return [
        {
            "gpc_ref": ref,
            "sector": sector,
            "subsector": sub,
            "scope": int(scope),
            "in_basic": bool(b),
            "in_basic_plus": bool(bp),
        }
        for ref, sector, sub, scope, b, bp in zip(
            tax.index,
            tax["sector"],
            tax["subsector"],
            tax["scope"],
            tax["in_basic"],
            tax["in_basic_plus"],
            strict=True,
        )
    ]


def _coverage(
    tax: pd.DataFrame, has: np.ndarray, has_key: np.ndarray
) -> list[dict[str, dict[str, int]]]:
    """Per inventory and level: reference numbers required, covered, and with a value."""
    levels = ("basic", "basic_plus")
    required = tax[[f"in_{lv}" for lv in levels]].to_numpy(np.int64)
    covered = (has | has_key).astype(np.int64) @ required
    valued = has.astype(np.int64) @ required
    n_required = required.sum(axis=0)
    return [
        {
            lv: {
                "covered": int(covered[i, k]),
                "required": int(n_required[k]),
                "with_value": int(valued[i, k]),
            }
            for k, lv in enumerate(levels)
        }
        for i in range(len(has))
    ]
