"""Number formatting of pages and reports: units, separators, money."""

from __future__ import annotations

import math

import pytest

from kizuna.reports.formatting import (
    KTCO2E,
    MTCO2E,
    TCO2E,
    format_emissions,
    format_number,
    format_percent,
    per_capita,
    pick_unit,
)


@pytest.mark.parametrize(
    ("values", "unit"),
    [
        ([], TCO2E),
        ([9_999.0], TCO2E),
        ([10_000.0, 5.0], KTCO2E),
        ([-25_000.0], KTCO2E),  # net removals count by size
        ([9_999_999.0], KTCO2E),
        ([12_000_000.0, 300_000.0, None, math.nan], MTCO2E),
    ],
)
def test_pick_unit(values: list[float | None], unit: object) -> None:
    assert pick_unit(values) is unit


def test_format_emissions() -> None:
    assert format_emissions(1_638_800, KTCO2E) == "1,639"
    assert format_emissions(61_234_567, MTCO2E) == "61.23"
    assert format_emissions(812.4, TCO2E) == "812"
    assert format_emissions(None, KTCO2E) == "–"


def test_format_number() -> None:
    assert format_number(1234567) == "1,234,567"
    assert format_number(6.254, 1) == "6.3"
    assert format_number(-0.04, 1) == "0"
    assert format_number(math.nan) == "–"


def test_per_capita_and_percent() -> None:
    assert per_capita(1_000_000, 250_000) == 4
    assert per_capita(1_000_000, None) is None
    assert per_capita(None, 10) is None
    assert format_percent(0.46) == "46 %"
    assert format_percent(None) == "–"


def test_money_units() -> None:
    from kizuna.reports.formatting import MoneyUnit, format_money, pick_money_unit
    from kizuna.reports.rendering import format_amount

    assert pick_money_unit([9_999.0], "JPY") == MoneyUnit("JPY")
    assert pick_money_unit([-25_000.0, None], "EUR").label == "thousand EUR"
    assert pick_money_unit([534e9], "JPY").label == "billion JPY"
    assert pick_money_unit([9.9e9], "JPY").label == "million JPY"
    assert format_money(75e9, MoneyUnit("JPY", 1e9)) == "75.0"
    assert format_money(534e9, MoneyUnit("JPY", 1e9)) == "534"
    assert format_money(-1_234_567, MoneyUnit("JPY")) == "-1,234,567"
    assert format_amount(161.8e9, "JPY") == "162 billion JPY"
    assert format_amount(830, "USD") == "830 USD"
    assert format_amount(None, "USD") == "– USD"
