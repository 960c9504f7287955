"""Carbon Monitor Cities through the documented column mapping (docs/formats.md).

Source: Huo et al. (2022), Sci Data 9, 533, doi:10.1038/s41597-022-01657-z, CC BY 4.0.
The file holds annual CO2 in kg by city (UN/LOCODE), year and GPC number.
"""

from pathlib import Path

import pandas as pd
import pytest

from kizuna.inventory import compute, read_inventory_file
from kizuna.inventory.mappings import CARBON_MONITOR

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def path(shared_data: Path) -> Path:
    return shared_data / "cities" / "carbon-monitor-cities-v0325.csv"


def test_city_totals(path: Path) -> None:
    results = compute(read_inventory_file(path, columns=CARBON_MONITOR))
    raw = pd.read_csv(path)
    # Independent sums straight from the file, kg -> t. The five sectors are all scope 1:
    # residential I.1.1, power I.4.1, ground transport II.1.1, aviation II.4.1, industry IV.1.
    expected = raw.groupby(["locode", "year"])["emissions_value"].sum() / 1000
    basic_refs = ["I.1.1", "I.4.1", "II.1.1", "II.4.1"]
    expected_basic = (
        raw[raw["GPC_refno"].isin(basic_refs)].groupby(["locode", "year"])["emissions_value"].sum()
        / 1000
    )
    assert len(results) == len(expected) == 2418
    for r in results:
        assert r.totals["territorial"] == pytest.approx(expected[(r.city, r.year)], rel=1e-9)
        assert r.totals["basic"] == pytest.approx(expected_basic.get((r.city, r.year), 0), rel=1e-9)
        assert r.totals["basic_plus"] == pytest.approx(r.totals["territorial"], rel=1e-9)
        assert set(r.by_gas) == {"CO2"}


def test_a_city_by_hand(path: Path) -> None:
    """Abu Dhabi (AE AUH) 2019, five rows of the file read by eye."""
    results = compute(read_inventory_file(path, columns=CARBON_MONITOR))
    (auh,) = [r for r in results if (r.city, r.year) == ("AE AUH", 2019)]
    assert auh.by_ref["I.4.1"] == pytest.approx(15_871_169.027)
    assert auh.by_ref["I.1.1"] == pytest.approx(391_497.468)
    assert auh.by_ref["II.1.1"] == pytest.approx(18_040_359.031)
    assert auh.by_ref["II.4.1"] == pytest.approx(1_701_605.191)
