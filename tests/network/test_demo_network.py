"""The packaged demo network: every file validates, real items cite sources, invented ones
say so, and Yokohama's needs come from its demo plan."""

from __future__ import annotations

from kizuna.network.demo import demo_network
from kizuna.network.partnerships import STAGES


def test_demo_network_files() -> None:
    net = demo_network()
    assert {p.name for p in net.profiles} >= {"Yokohama", "Kurume", "Singapore", "Copenhagen"}
    kinds = {p.kind for p in net.providers}
    assert {"company", "startup", "university", "lab"} <= kinds
    assert all(p.fictional and "fictional" in p.name for p in net.providers)
    assert all(
        s.fictional and s.impact is not None and "measure library" in s.impact.note
        for s in net.solutions
    )
    real = [c for c in net.case_studies if not c.fictional]
    assert len(real) >= 6
    assert all(c.sources and all(s.url.startswith("http") for s in c.sources) for c in real)
    assert {c.id for c in real} >= {
        "tokyo-cap-and-trade",
        "seoul-one-less-nuclear-power-plant",
        "copenhagen-district-heating",
        "yokohama-smart-city-project",
    }
    assert all(c.geonameid for c in net.case_studies)
    private = [c for c in net.case_studies if c.visibility == "private"]
    assert private
    assert all(c.fictional for c in private)
    in_progress = [p for p in net.partnerships if p.stage not in ("idea", "implemented")]
    assert in_progress
    assert all(p.fictional for p in net.partnerships)
    assert all(p.stage in STAGES for p in net.partnerships)


def test_demo_profiles_come_from_inventories() -> None:
    """Yokohama's profile: the demo inventory's latest year (FY2013, BASIC 21.59 MtCO2e) over
    the demo population of 3.7 M; its 2030 target (-50 % from 2013) gives 2.94 %/yr."""
    net = demo_network()
    y = net.profile("Yokohama")
    assert y.emissions_tco2e == 21_590_000
    assert y.emissions_per_capita == 21_590_000 / 3_700_000
    assert round(y.ambition, 2) == 2.94
    assert y.climate_zone == "Cfa"
    row = net.registry.resolve("Yokohama")
    assert net.registry.frame["emissions_tco2e"].iat[row] == 21_590_000


def test_yokohama_needs_from_its_plan() -> None:
    needs = demo_network().needs("Yokohama")
    assert needs.gaps
    assert needs.gaps[0].year == 2030
    assert abs(sum(needs.gap_share.values()) - 1) < 1e-9
    assert needs.limited
    assert needs.off_track == ["7.2.1", "11.6.2"]
    assert demo_network().needs("Tokyo").gaps == []  # no plan: no gaps, no invention
