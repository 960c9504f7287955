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
                by_sector={
                    s: float(by_sector[i, j])
                    for j, s in enumerate(sector_names)
                    if sector_has[i, j]
                },
                by_scope={str(j + 1): float(by_scope[i, j]) for j in range(3) if scope_has[i, j]},
                by_gas={str(g): float(by_gas[i, j]) for j, g in enumerate(gases) if n_gas[i, j]},
                by_ref={refs[j]: float(by_ref[i, j]) for j in np.flatnonzero(has[i])},
                by_sector_scope=_sector_scope(by_sector_scope[i], combo_has[i], sector_names),
                completeness_summary=coverage[i],
                ref_status=RefStatus(ref_records, has[i], note_keys[i], note_expl[i]),
            )
        )
    return results


def _inventory_codes(e: pd.DataFrame, keys: pd.MultiIndex) -> np.ndarray:
    """Index into `keys` (sorted city, year) of every entry, without a per-row Python loop."""
    city_pos = pd.Index(keys.levels[0]).get_indexer(e["city"].cat.categories)
    city_code = city_pos[e["city"].cat.codes.to_numpy()]
    year_levels = keys.levels[1].to_numpy()
    year_code = np.searchsorted(year_levels, e["year"].to_numpy())
    flat_keys = keys.codes[0].astype(np.int64) * len(year_levels) + keys.codes[1]
    order = np.argsort(flat_keys)
    flat = city_code.astype(np.int64) * len(year_levels) + year_code
    return order[np.searchsorted(flat_keys[order], flat)]


def _one_hot(codes: np.ndarray, n: int) -> np.ndarray:
    m = np.zeros((len(codes), n))
    m[np.arange(len(codes)), codes] = 1.0
    return m


def _first_notation(
    e: pd.DataFrame, inv: np.ndarray, ref: np.ndarray, is_value: np.ndarray, shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Matrices [inventory, ref] of the first notation key and its explanation (None if none)."""
    keys = np.full(shape, None, dtype=object)
    explanations = np.full(shape, None, dtype=object)
    notation = np.flatnonzero(~is_value)
    if len(notation):
        cell = inv[notation] * shape[1] + ref[notation]
        _, first = np.unique(cell, return_index=True)
        rows = notation[first]
        keys.flat[cell[first]] = e["notation_key"].to_numpy(object)[rows]
        expl = e["explanation"].to_numpy(object)[rows]
        explanations.flat[cell[first]] = np.where(pd.isna(expl), "", expl)
    return keys, explanations


def _sector_scope(values: np.ndarray, has: np.ndarray, sectors: list[str]) -> dict:
    out: dict[str, dict[str, float]] = {}
    for j in np.flatnonzero(has):
        sector, scope = sectors[j // 3], str(j % 3 + 1)
        out.setdefault(sector, {})[scope] = float(values[j])
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
