"""Scenario files: the packaged set and its sources, validation with field paths, the forms
of a driver change and of a shock, and the pandemic drop against real city data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kizuna.errors import InputError
from kizuna.review import default_scenarios, load_scenarios, parse_scenarios
from kizuna.review.scenarios import DriverChange, Shock
from kizuna.review.worlds import changed_driver, shock_multiplier

YEARS = np.arange(2020, 2031)


def test_the_packaged_set_is_documented() -> None:
    s = default_scenarios()
    assert [x.id for x in s.scenarios] == [
        "current-policies",
        "fast-grid",
        "high-growth",
        "pandemic",
    ]
    for scenario in s.scenarios:
        assert scenario.description
        assert scenario.assumptions
        assert scenario.sources
        for source in scenario.sources:
            assert source.url.startswith("https://")
            assert source.title
            assert source.publisher
            assert source.year >= 2012
    assert s.rate("USD", "JPY") == 140.5
    assert s.rate("JPY", "USD") == pytest.approx(1 / 140.5)


def test_errors_name_the_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "scenarios:\n"
        "  - {id: a, name: A, shocks: [{year: 2030, drop: 1.5}]}\n"
        "  - {id: b, name: B, drivers: {grid_ef: {scale: {2030: 0.5}, growth: 0.1}}}\n"
        "  - {id: c, name: C, colour: red}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as exc:
        load_scenarios(path)
    text = str(exc.value)
    assert "3 problems" in text
    assert "scenarios[0].shocks[0].drop" in text
    assert (
        "scenarios[1].drivers.grid_ef: give exactly one of path, scale, from_start, growth" in text
    )
    assert "scenarios[2].colour" in text
    assert {w.field for w in exc.value.where} >= {"scenarios[0].shocks[0].drop"}


def test_duplicate_ids_and_bare_lists() -> None:
    with pytest.raises(InputError, match="duplicate ids"):
        parse_scenarios([{"id": "a", "name": "A"}, {"id": "a", "name": "B"}])
    assert parse_scenarios([{"id": "a", "name": "A"}]).scenarios[0].id == "a"


def test_driver_change_forms_by_hand() -> None:
    """Plan path 10 in 2020 falling by 0.5 a year (5 in 2030); start 2025 (value 7.5).
    path {2030: 1}: the path's own values from 2025 on (1, flat outside its point);
    scale {2025: 1, 2030: 0.5}: 5 x 0.5 = 2.5 in 2030;
    from_start {2030: 0.2}: 7.5 x r, r linear from 1 (2025) to 0.2 (2030): 1.5 in 2030 and
    7.5 x (1 - 0.8 x 2/5) = 5.1 in 2027; growth 10 %: 5 x 1.1^5 in 2030.
    Before 2025 every form keeps the plan's values."""
    plan = 10 - 0.5 * (YEARS - 2020)
    for change, at_2030 in (
        ({"path": {2030: 1.0}}, 1.0),
        ({"scale": {2025: 1.0, 2030: 0.5}}, 2.5),
        ({"from_start": {2030: 0.2}}, 1.5),
        ({"growth": 0.1}, 5 * 1.1**5),
    ):
        got = changed_driver(DriverChange.model_validate(change), plan, YEARS, 2025)
        assert got[-1] == pytest.approx(at_2030)
        assert np.allclose(got[:5], plan[:5])
    mid = changed_driver(
        DriverChange.model_validate({"from_start": {2030: 0.2}}), plan, YEARS, 2025
    )
    assert mid[YEARS == 2027][0] == pytest.approx(7.5 * (1 - 0.8 * 2 / 5))


def test_shock_by_hand() -> None:
    """Drop 10 % in 2026, rebound over 2 years to half the drop: 1, 0.9, 0.925, 0.95, 0.95."""
    shock = Shock(year=2026, drop=0.1, rebound_years=2, rebound=0.5)
    got = shock_multiplier(shock, np.arange(2025, 2030), 2025)
    assert got == pytest.approx([1.0, 0.9, 0.925, 0.95, 0.95])
    after_start = Shock(years_after_start=1, drop=0.2)
    assert shock_multiplier(after_start, np.arange(2025, 2028), 2025) == pytest.approx([1, 0.8, 1])


@pytest.mark.shared_data
def test_pandemic_drop_is_that_of_real_cities(shared_data: Path) -> None:
    """Carbon Monitor Cities (Huo et al. 2022, CC BY 4.0): the packaged pandemic drop (5.4 %,
    the global figure) lies between the quartiles of the cities' 2020 change against 2019,
    near their median (-4.5 %), and the cities' median 2021 was back within 2 % of 2019
    (the scenario's one-year rebound)."""
    frame = pd.read_csv(shared_data / "cities" / "carbon-monitor-cities-v0325.csv")
    totals = frame.groupby(["city_name", "year"])["emissions_value"].sum().unstack()
    change_2020 = totals[2020] / totals[2019] - 1
    change_2021 = totals[2021] / totals[2019] - 1
    (shock,) = default_scenarios().get("pandemic").shocks
    q25, q50, q75 = change_2020.quantile([0.25, 0.5, 0.75])
    assert q25 <= -shock.drop <= q75
    assert abs(-shock.drop - q50) < 0.02
    assert abs(change_2021.median()) < 0.02
    assert shock.rebound_years == 1
