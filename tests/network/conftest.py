"""A hand-made registry of six cities, the one the peer tests compute by hand."""

from __future__ import annotations

import pytest

from kizuna.network import CityProfile, Registry, registry_from_profiles


def city(name: str, country: str, region: str, population: float, **fields: object) -> CityProfile:
    return CityProfile(name=name, country=country, region=region, population=population, **fields)


SHARES_A = {"Stationary energy": 0.70, "Transportation": 0.22, "Waste": 0.08}
SHARES_B = {"Stationary energy": 0.68, "Transportation": 0.24, "Waste": 0.08}
SHARES_C = {"Stationary energy": 0.50, "Transportation": 0.45, "Waste": 0.05}


@pytest.fixture
def registry() -> Registry:
    """Six cities (geonameid 1..6): populations, climates and emissions chosen so the
    neighbours of Alpha can be worked out on paper (see the tests' docstrings)."""
    return registry_from_profiles(
        [
            city(
                "Alpha",
                "JP",
                "AS",
                1_000_000,
                geonameid=1,
                climate_zone="Cfa",
                emissions_tco2e=5_000_000,
                sector_shares=SHARES_A,
            ),
            city(
                "Beta",
                "JP",
                "AS",
                1_800_000,
                geonameid=2,
                climate_zone="Cfa",
                emissions_tco2e=9_000_000,
                sector_shares=SHARES_B,
            ),
            city(
                "Gamma",
                "KR",
                "AS",
                300_000,
                geonameid=3,
                climate_zone="Dwa",
                emissions_tco2e=3_000_000,
                sector_shares=SHARES_C,
            ),
            city("Delta", "DK", "EU", 1_100_000, geonameid=4, climate_zone="Cfb"),
            city(
                "Epsilon",
                "JP",
                "AS",
                120_000,
                geonameid=5,
                climate_zone="Cfa",
                emissions_tco2e=600_000,
                sector_shares=SHARES_A,
            ),
            city(
                "Zeta",
                "ES",
                "EU",
                10_000_000,
                geonameid=6,
                climate_zone="Csa",
                emissions_tco2e=20_000_000,
                sector_shares=SHARES_C,
            ),
        ],
        source="hand-made",
    )
