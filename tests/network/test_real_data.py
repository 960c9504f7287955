"""The loaders on the real CDP 2021 and Carbon Monitor files, and the network they give.

Sources: CDP Open Data Portal (2021 City-wide Emissions; 2021 City Emissions Reduction
Targets; "This data was collected in partnership by CDP and ICLEI - Local Governments for
Sustainability"); Huo et al. (2022), Carbon Monitor Cities, Sci Data 9, 533, CC BY 4.0.
Expected figures are read straight from the files with pandas, independently of the loaders.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kizuna.network import enrich_registry, find_peers, geonames_registry
from kizuna.network.loaders import read_carbon_monitor, read_cdp_emissions, read_cdp_targets

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def files(shared_data: Path) -> dict[str, Path]:
    folder = shared_data / "cities"
    return {
        "cdp_emissions": folder / "cdp-2021-city-wide-emissions.csv",
        "cdp_targets": folder / "cdp-2021-city-emissions-reduction-targets.csv",
        "carbon_monitor": folder / "carbon-monitor-cities-v0325.csv",
    }


@pytest.fixture(scope="module")
def network(files: dict[str, Path]):
    return enrich_registry(geonames_registry(), **files)


def test_cdp_readers(files: dict[str, Path]) -> None:
    """989 accounts in both files. Yokohama (account 31113) reports, for 2017-04-01 -
    2018-03-31, 6,964,825 t direct (excl. grid generation) + 6,804,647 t indirect = 13,769,472
    tCO2e, 3,776,146 people, 438 km2; its steepest city-wide base-year target is -30 % by
    2030 from 2013 = 1.765 %/yr."""
    targets = read_cdp_targets(files["cdp_targets"])
    emissions = read_cdp_emissions(files["cdp_emissions"], targets)
    assert len(targets) == len(emissions) == 989
    raw = pd.read_csv(files["cdp_emissions"])
    direct = raw.columns[15]
    assert "Direct emissions" in direct
    assert "excluding generation" in direct
    indirect = raw.columns[17]
    assert "Indirect emissions" in indirect
    assert "excluding generation" in indirect
    scope1 = raw["TOTAL Scope 1 Emissions (metric tonnes CO2e)"]
    scope2 = raw["TOTAL Scope 2 emissions (metric tonnes CO2e)"]
    # the rule: direct + indirect where direct is given, else total scope 1 + 2
    given = raw[direct].notna()
    total = (raw[direct].fillna(0) + raw[indirect].fillna(0)).where(
        given, (scope1.fillna(0) + scope2.fillna(0)).where(scope1.notna())
    )
    assert emissions["emissions_tco2e"].notna().sum() == (total > 0).sum() == 368
    y = emissions.set_index("cdp_account").loc[31113]
    assert y["name"] == "Yokohama"
    assert y["country"] == "JP"
    assert y["emissions_tco2e"] == 6_964_825 + 6_804_647
    assert y["emissions_year"] == 2017
    assert y["population"] == 3_776_146
    assert y["area_km2"] == 438
    t = targets.set_index("cdp_account").loc[31113]
    assert t["ambition_pct_per_year"] == pytest.approx(30 / 17)
    assert (t["target_year"], t["target_base_year"]) == (2030, 2013)
    assert emissions["country"].notna().all()  # every UN country name maps to a code


def test_carbon_monitor_reader(files: dict[str, Path]) -> None:
    """806 cities (UN/LOCODE); Tokyo (JP TYO) 2021 = sum of its rows in kg / 1000, and its
    transport share = (Ground Transport + Aviation) / all."""
    cm = read_carbon_monitor(files["carbon_monitor"])
    raw = pd.read_csv(files["carbon_monitor"])
    assert len(cm) == raw["locode"].nunique() == 806
    tokyo = cm.set_index("locode").loc["JP TYO"]
    rows = raw[(raw["locode"] == "JP TYO") & (raw["year"] == 2021)]
    assert tokyo["emissions_year"] == 2021
    assert tokyo["emissions_tco2e"] == pytest.approx(rows["emissions_value"].sum() / 1000)
    transport = rows[rows["sector"].isin(["Ground Transport", "Aviation"])]["emissions_value"]
    assert tokyo["share_transportation"] == pytest.approx(
        transport.sum() / rows["emissions_value"].sum()
    )


def test_match_rates_and_network_size(network) -> None:
    """Measured: Carbon Monitor 773 of 806 (95.9 %), CDP emissions 787 of 989 (79.6 %),
    CDP targets 781 of 989 (79.0 %); 1,015 cities with emissions. The bounds leave room for
    better matching, not for a regression."""
    rates = {k: r.rate for k, r in network.reports.items()}
    assert rates["carbon_monitor"] >= 0.95
    assert rates["cdp_emissions"] >= 0.78
    assert rates["cdp_targets"] >= 0.76
    for report in network.reports.values():
        assert (
            report.matched
            + sum(v for k, v in report.by_method.items() if k in ("unmatched", "duplicate"))
            == report.total
        )
    assert 950 <= network.with_emissions <= 1100
    assert set(network.dropped) == {"carbon_monitor", "cdp_emissions"}


def test_known_cities_after_the_join(network) -> None:
    """Yokohama takes CDP's figures (3.646 t/cap = 13,769,472 / 3,776,146); Tokyo keeps
    Carbon Monitor's sector shares under CDP's total; both have a CDP target."""
    registry = network.registry
    y = registry.frame.iloc[registry.resolve("Yokohama, JP")]
    assert y["emissions_source"] == "CDP 2021"
    assert y["emissions_per_capita"] == pytest.approx(13_769_472 / 3_776_146)
    assert y["ambition_pct_per_year"] == pytest.approx(30 / 17)
    tokyo = registry.frame.iloc[registry.resolve("Tokyo, JP")]
    assert tokyo["locode"] == "JP TYO"
    assert tokyo["share_transportation"] > 0
    result = find_peers(
        registry, "Yokohama, JP", k=10, dimensions="size,emissions,climate", min_coverage=1.0
    )
    assert len(result.peers) == 10
    assert all(p.coverage == 1.0 for p in result.peers)
    assert all(registry.frame["emissions_tco2e"].notna().iloc[[p.row for p in result.peers]])
