"""The computed inventory of one city-year, and its exports (dict/JSON, DataFrame, CSV)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class RefStatus:
    """What each GPC reference number holds in one inventory, in taxonomy order.

    Kept as arrays so computing thousands of inventories builds no per-number
    records until someone asks for them (`InventoryResult.completeness`).
    """

    records: list[dict[str, Any]]  # taxonomy fields per reference number (shared)
    has_value: np.ndarray  # bool: at least one value entry
    notation_key: np.ndarray  # object: first notation key, or None
    explanation: np.ndarray  # object: its explanation, or None

    def completeness(self) -> list[dict[str, Any]]:
        """One record per GPC number: the taxonomy fields, status, notation key and explanation."""
        out = []
        for base, value, key, expl in zip(
            self.records, self.has_value, self.notation_key, self.explanation, strict=True
        ):
            status = "value" if value else ("notation" if key is not None else "missing")
            noted = status == "notation"
            out.append(
                {
                    **base,
                    "status": status,
                    "notation_key": key if noted else None,
                    "explanation": expl if noted else None,
                }
            )
        return out


@dataclass(frozen=True)
class InventoryResult:
    """Totals and breakdowns of one city-year, all in tCO2e.

    totals: ``basic``, ``basic_plus``, ``basic_plus_s3``, ``territorial``
    (definitions in `kizuna.reference.gpc`). Breakdowns hold only the
    categories with at least one value. ``completeness`` has one record per
    GPC reference number with ``status`` ``value``, ``notation`` or ``missing``;
    ``completeness_summary`` counts, per level, the numbers required, covered
    (a value or a notation key) and with a value.
    """

    city: str
    year: int
    gwp: str
    totals: dict[str, float]
    by_sector: dict[str, float]
    by_scope: dict[str, float]
    by_gas: dict[str, float]
    by_ref: dict[str, float]
    by_sector_scope: dict[str, dict[str, float]]
    completeness_summary: dict[str, dict[str, int]]
    ref_status: RefStatus = field(repr=False, compare=False)
    population: float | None = None
    source: str = ""
    per_capita: dict[str, float] = field(default_factory=dict)

    @cached_property
    def completeness(self) -> list[dict[str, Any]]:
        """One record per GPC number: ``gpc_ref``, ``sector``, ``subsector``, ``scope``,
        ``status`` (value, notation, missing), ``notation_key``, ``explanation``,
        ``in_basic``, ``in_basic_plus``."""
        return self.ref_status.completeness()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (the shape of ``kizuna inventory compute --format json``)."""
        return {
            "city": self.city,
            "year": self.year,
            "gwp": self.gwp,
            "unit": "tCO2e",
            "source": self.source,
            "population": self.population,
            "totals": self.totals,
            "per_capita": self.per_capita,
            "by_sector": self.by_sector,
            "by_scope": self.by_scope,
            "by_gas": self.by_gas,
            "by_ref": self.by_ref,
            "by_sector_scope": self.by_sector_scope,
            "completeness_summary": self.completeness_summary,
            "completeness": self.completeness,
        }


def to_json(results: list[InventoryResult], indent: int | None = 2) -> str:
    """One object for one inventory, an array for several."""
    data: Any = [r.to_dict() for r in results]
    if len(results) == 1:
        data = data[0]
    return json.dumps(data, indent=indent, ensure_ascii=False)


def totals_frame(results: list[InventoryResult]) -> pd.DataFrame:
    """One row per city-year: totals, per-capita totals and sector totals (tCO2e)."""
    records = []
    for r in results:
        rec: dict[str, Any] = {
            "city": r.city,
            "year": r.year,
            "gwp": r.gwp,
            "population": r.population,
        }
        rec.update({f"{k}_tco2e": v for k, v in r.totals.items()})
        rec.update({f"{k}_tco2e_per_capita": v for k, v in r.per_capita.items()})
        rec.update({f"{_slug(k)}_tco2e": v for k, v in r.by_sector.items()})
        records.append(rec)
    return pd.DataFrame.from_records(records)


def _slug(name: str) -> str:
    """``Stationary energy`` -> ``stationary_energy``; ``Other scope 3`` -> ``other_scope_3``."""
    return "_".join(name.lower().split())


def refs_frame(results: list[InventoryResult]) -> pd.DataFrame:
    """One row per city-year and GPC reference number: emissions and completeness status."""
    records = []
    for r in results:
        for c in r.completeness:
            records.append(
                {
                    "city": r.city,
                    "year": r.year,
                    "gwp": r.gwp,
                    **c,
                    "emissions_tco2e": r.by_ref.get(c["gpc_ref"]),
                }
            )
    return pd.DataFrame.from_records(records)


def write_csv(results: list[InventoryResult], path: str | Path, detail: str = "totals") -> None:
    """Write `totals_frame` (``detail="totals"``) or `refs_frame` (``"refs"``) as CSV."""
    frame = totals_frame(results) if detail == "totals" else refs_frame(results)
    frame.to_csv(path, index=False)
