"""All 329 inventories of the C40 GHG Emissions Dashboard workbook against its published totals.

Source: C40 Cities, GHG Emissions Dashboard data, version 30.05.2023 (../shared/data,
tests and validation only).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kizuna.inventory import InventoryResult, compute, read_inventory_file

pytestmark = pytest.mark.shared_data

SHEET = "GHG Dashboard Data - Inventory"

#: Published rows whose totals disagree with the workbook's own reference-number cells.
#: Houston 2020: the published sector totals do not add up from the row's sub-sector columns
#: (published BASIC Stationary 29.38 Mt, but its sub-sectors I.1-I.8 sum to 13.08 Mt; published
#: BASIC Transport 8.02 Mt, but II.1.1 alone is 16.17 Mt), so BASIC (39.84 Mt) and BASIC+
#: (41.13 Mt) cannot be derived from the row; the territorial total does match.
KNOWN_DISAGREEMENTS: dict[tuple[str, int], set[str]] = {
    ("Houston", 2020): {"basic", "basic_plus"},
}

LEVELS = {"basic": "BASIC", "basic_plus": "BASIC+", "territorial": "Territorial"}


@pytest.fixture(scope="module")
def workbook(shared_data: Path) -> Path:
    return shared_data / "cities" / "c40-gpc-inventories-2023.xlsx"


@pytest.fixture(scope="module")
def results(workbook: Path) -> list[InventoryResult]:
    return compute(read_inventory_file(workbook))


@pytest.fixture(scope="module")
def published(workbook: Path) -> pd.DataFrame:
    frame = pd.read_excel(workbook, sheet_name=SHEET, engine="calamine")
    frame = frame[frame["Use for GPC Dashboard?"].eq("Yes")]
    return frame.set_index(["City", frame["Year_calendar"].astype(int)])


def test_every_inventory_is_read(results: list[InventoryResult], published: pd.DataFrame) -> None:
    assert len(results) == 329 == len(published)
    assert {(r.city, r.year) for r in results} == set(published.index)


def test_published_totals_match(results: list[InventoryResult], published: pd.DataFrame) -> None:
    mismatches: dict[tuple[str, int], set[str]] = {}
    for r in results:
        row = published.loc[(r.city, r.year)]
        for level, column in LEVELS.items():
            if not np.isclose(r.totals[level], float(row[column]), rtol=1e-6, atol=0):
                mismatches.setdefault((r.city, r.year), set()).add(level)
    assert mismatches == KNOWN_DISAGREEMENTS


def test_known_disagreement_is_in_the_published_row(published: pd.DataFrame) -> None:
    """Houston 2020's published sector totals are not the sums of its own sub-sector columns."""
    row = published.loc[("Houston", 2020)]
    stationary_parts = sum(
        float(row[c])
        for c in published.columns
        if str(c).startswith("BASIC \nI.")
        if pd.notna(row[c])
    )
    assert stationary_parts == pytest.approx(13.08e6, rel=1e-3)
    assert float(row["BASIC Stationary"]) == pytest.approx(29.38e6, rel=1e-3)


def test_notation_keys_and_population(results: list[InventoryResult]) -> None:
    by_key = {(r.city, r.year): r for r in results}
    abidjan = by_key[("Abidjan", 2016)]
    assert abidjan.population == 4_962_135
    notes = {c["gpc_ref"]: c for c in abidjan.completeness}
    assert notes["I.1.3"]["notation_key"] == "NE"
    assert abidjan.completeness_summary["basic"]["covered"] == 32
    keys = {c["notation_key"] for r in results for c in r.completeness if c["notation_key"]}
    assert keys == {"NO", "NE", "IE", "C"}
