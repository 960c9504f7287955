"""Peer search on the hand-made registry of conftest.py, checked against hand computations.

Populations (log10): Alpha 1.0 M (6), Beta 1.8 M (6.2553), Gamma 0.3 M (5.4771), Delta 1.1 M
(6.0414), Epsilon 0.12 M (5.0792), Zeta 10 M (7). Climates: Alpha, Beta, Epsilon Cfa; Delta
Cfb; Gamma Dwa; Zeta Csa. Delta has no emissions.
"""

from __future__ import annotations

import math
import statistics

import pytest

from kizuna.errors import InputError, NotFound
from kizuna.network import CityProfile, Registry, find_peers, registry_from_profiles
from kizuna.network.peers import similarity

POP = {"Alpha": 1e6, "Beta": 1.8e6, "Gamma": 3e5, "Delta": 1.1e6, "Epsilon": 1.2e5, "Zeta": 1e7}


def names(result) -> list[str]:
    return [p.name for p in result.peers]


def test_size_neighbours_and_scores(registry: Registry) -> None:
    """On size alone the distance is |log10 P_i - log10 P_Alpha| / sd (sd over the six
    cities), so the order is Delta (0.041), Beta (0.255), Gamma (0.523), Epsilon (0.921),
    Zeta (1.0), and score = 1 / (1 + distance)."""
    result = find_peers(registry, "Alpha", k=5, dimensions="size")
    assert names(result) == ["Delta", "Beta", "Gamma", "Epsilon", "Zeta"]
    sd = statistics.stdev(math.log10(p) for p in POP.values())
    for peer in result.peers:
        d = abs(math.log10(POP[peer.name]) - 6.0) / sd
        assert peer.distance == pytest.approx(d)
        assert peer.score == pytest.approx(1 / (1 + d))
        assert peer.coverage == 1.0


def test_climate_distances(registry: Registry) -> None:
    """Climate: same code 0, same two letters 0.5 (Cfb), same group 1 (Csa), other 1.5 (Dwa);
    ties keep registry order (Beta before Epsilon)."""
    result = find_peers(registry, "Alpha", k=5, dimensions=["climate"])
    assert names(result) == ["Beta", "Epsilon", "Delta", "Zeta", "Gamma"]
    assert [p.score for p in result.peers] == pytest.approx([1, 1, 1 / 1.5, 1 / 2, 1 / 2.5])


def test_city_is_never_its_own_peer(registry: Registry) -> None:
    """A second row with Alpha's GeoNames id (a duplicate profile) is left out too."""
    twin = CityProfile(
        name="Alpha bis", country="JP", population=1e6, geonameid=1, climate_zone="Cfa"
    )
    frame_with_twin = registry_from_profiles(
        [registry.profile(i) for i in range(len(registry))] + [twin]
    )
    result = find_peers(frame_with_twin, 0, k=10, dimensions="size,climate")
    assert "Alpha" not in names(result)
    assert "Alpha bis" not in names(result)
    assert len(result.peers) == 5
    assert result.candidates == 5


def test_missing_feature_lowers_coverage(registry: Registry) -> None:
    """On size + emissions, Delta has only size: coverage 1/2, distance on size alone, so
    score = 0.5 / (1 + d_size); it is never imputed."""
    result = find_peers(registry, "Alpha", k=5, dimensions="size,emissions")
    delta = next(p for p in result.peers if p.name == "Delta")
    sd = statistics.stdev(math.log10(p) for p in POP.values())
    d = abs(math.log10(1.1e6) - 6.0) / sd
    assert delta.coverage == 0.5
    assert delta.distance == pytest.approx(d)
    assert delta.score == pytest.approx(0.5 / (1 + d))
    assert [c.dimension for c in delta.components] == ["size"]
    assert names(result)[0] == "Beta"  # 5.0 t/cap for both Alpha and Beta, close in size
    with pytest.raises(InputError, match="none of the dimensions"):
        find_peers(registry, "Delta", dimensions="emissions")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"region": "EU"}, {"Delta", "Zeta"}),
        ({"region": "Europe"}, {"Delta", "Zeta"}),
        ({"country": "JP"}, {"Beta", "Epsilon"}),
        ({"country": "jp,kr"}, {"Beta", "Epsilon", "Gamma"}),
        ({"size_band": "small"}, {"Epsilon"}),
        ({"size_band": ["metropolitan", "large-metropolitan"]}, {"Beta", "Delta", "Zeta"}),
        ({"region": "AS", "size_band": "medium"}, {"Gamma"}),
    ],
)
def test_filters(registry: Registry, filters: dict, expected: set[str]) -> None:
    assert set(names(find_peers(registry, "Alpha", k=10, dimensions="size", **filters))) == (
        expected
    )


def test_explanation_names_the_reasons(registry: Registry) -> None:
    """Beta against Alpha: 1.8 M / 1.0 M = 1.8x the population, both Cfa, stationary energy
    68 % vs 70 % (within 5 points: similar; Alpha's largest sector is named first). Gamma
    against Alpha: stationary 50 vs 70 and transport 45 vs 22 are far apart, waste 5 vs 8 is
    within 5 points, so waste is the similar share named."""
    result = find_peers(registry, "Alpha", k=1, dimensions="size,climate,sectors")
    (beta,) = result.peers
    assert beta.name == "Beta"
    text = beta.explanation
    assert "1.8x the population" in text
    assert "same climate zone (Cfa)" in text
    assert "similar stationary energy share (68% vs 70%)" in text
    gamma = next(
        p
        for p in find_peers(registry, "Alpha", k=5, dimensions="sectors,climate").peers
        if p.name == "Gamma"
    )
    assert "different climate (Dwa vs Cfa)" in gamma.explanation
    assert "similar waste share (5% vs 8%)" in gamma.explanation
    delta = next(
        p for p in find_peers(registry, "Alpha", k=5, dimensions="size").peers if p.name == "Delta"
    )
    assert delta.explanation == "similar population (1.1 M vs 1.0 M)"
    as_json = beta.to_dict()
    assert {"name", "country", "score", "explanation"} <= set(as_json)


def test_similarity_matches_find_peers(registry: Registry) -> None:
    """`similarity` gives the same scores as the ranking, and 0 for the city itself."""
    result = find_peers(registry, "Alpha", k=5, dimensions="size,climate")
    rows = [p.row for p in result.peers]
    assert similarity(registry, "Alpha", rows, dimensions="size,climate") == pytest.approx(
        [p.score for p in result.peers]
    )
    assert similarity(registry, 0, [0])[0] == 0.0


def test_resolve_names(registry: Registry) -> None:
    assert registry.resolve("alpha") == 0
    assert registry.resolve("Alpha, JP") == 0
    assert registry.resolve("geonames:4") == 3
    with pytest.raises(NotFound, match="did you mean 'Alpha, JP'"):
        registry.resolve("Alpah")
    with pytest.raises(NotFound):
        registry.resolve("Alpha, KR")
    two = registry_from_profiles(
        [
            CityProfile(name="Kochi", country="JP", population=3e5, geonameid=10),
            CityProfile(name="Kochi", country="IN", population=6e5, geonameid=11),
        ]
    )
    with pytest.raises(InputError, match=r"matches 2 cities: Kochi, IN .*Kochi, JP"):
        two.resolve("Kochi")
    assert two.resolve("Kochi, JP") == 0


def test_bad_arguments(registry: Registry) -> None:
    with pytest.raises(InputError, match="unknown peer dimensions"):
        find_peers(registry, "Alpha", dimensions="size,colour")
    with pytest.raises(InputError, match="unknown size band"):
        find_peers(registry, "Alpha", size_band="huge")
    with pytest.raises(InputError, match="unknown region"):
        find_peers(registry, "Alpha", region="Atlantis")
