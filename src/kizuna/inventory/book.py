"""An inventory book: the normalised entries of one or more city-year inventories.

One book comes from one file (or DataFrame) and may hold many city-years, as
the C40 workbook does. Entries are rows of one long table so that every
calculation runs vectorised over all inventories at once.

Entry kinds (GPC v1.1, chapter 4 and 6):

- ``activity``: activity data x emission factor for one gas,
  m_gas [t] = A [activity unit] x EF [mass unit of gas / activity unit];
- ``emission``: a direct emission of one gas (or of CO2e);
- ``notation``: a notation key (NO, NE, IE, C) with an explanation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kizuna.reference.gwp import DEFAULT_GWP

#: GPC notation keys (GPC v1.1, Table 2.2).
NOTATION_KEYS: dict[str, str] = {
    "NO": "Not occurring",
    "NE": "Not estimated",
    "IE": "Included elsewhere",
    "C": "Confidential",
}

#: Columns of `InventoryBook.entries`, in order, with their dtypes.
ENTRY_COLUMNS: tuple[str, ...] = (
    "city",  # category (str categories, sorted)
    "year",  # int64
    "gpc_ref",  # category: the GPC taxonomy's numbers, in GPC order
    "gas",  # category (str, sorted) as GWP tables name it; NaN where a notation row has none
    "kind",  # category (str, sorted): the kinds the book holds of activity, emission, notation
    "mass_t",  # float64: mass of the gas in tonnes (NaN for notation keys)
    "co2e_t",  # float64: mass_t x GWP-100 of the gas in the book's GWP set, tCO2e
    "notation_key",  # str: NO, NE, IE or C; NaN on the other kinds
    "explanation",  # str, "" when blank
    "description",  # str, "" when blank
    "source",  # str, "" when blank
    "row",  # int64: the 1-based row of the source file
)


@dataclass(frozen=True)
class InventoryBook:
    """Validated entries of one or more inventories, all converted to tonnes and tCO2e.

    Attributes:
        entries: one row per entry with `ENTRY_COLUMNS`; ``row`` is the 1-based
            row of the source file (the header is row 1).
        meta: one row per (city, year) with optional ``population`` (inhabitants).
        gwp: the GWP set used for CO2e (``AR4``, ``AR5``, ``AR6``).
        source: the file name or label the entries came from.
        layout: ``long`` or ``wide``, the layout the source was read as.
    """

    entries: pd.DataFrame
    meta: pd.DataFrame
    gwp: str = DEFAULT_GWP
    source: str = "<memory>"
    layout: str = "long"

    def keys(self) -> list[tuple[str, int]]:
        """The (city, year) pairs in the book, sorted."""
        return [(str(c), int(y)) for c, y in self.meta.index]

    def __len__(self) -> int:
        """The number of entries."""
        return len(self.entries)

    def records(self, city: str, year: int) -> list[dict[str, Any]]:
        """The entries of (`city`, `year`) as JSON-safe records (one dict per entry)."""
        e = self.entries
        chosen = e[(e["city"].astype(str) == city) & (e["year"] == year)]
        return json.loads(pd.DataFrame(chosen).to_json(orient="records"))
