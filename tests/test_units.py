"""The unit registry: tonnes (not knots), energy units, gases as dimensions."""

import pytest

from kizuna.units import GASES, Quantity, gas_unit, parse_unit


def test_kt_is_a_kilotonne_not_a_knot() -> None:
    assert Quantity(1, "kt").to("t").magnitude == pytest.approx(1000)


@pytest.mark.parametrize(
    ("text", "target", "expected"),
    [
        ("toe", "GJ", 41.868),
        ("ktoe", "TJ", 41.868),
        ("MWh", "GJ", 3.6),
        ("MMBtu", "GJ", 1.055056),
        ("m3", "l", 1000),
        ("tkm", "kg * km", 1000),
    ],
)
def test_energy_volume_and_transport_units(text: str, target: str, expected: float) -> None:
    assert Quantity(1, parse_unit(text)).to(target).magnitude == pytest.approx(expected)


def test_a_gas_mass_cannot_be_added_to_another_gas() -> None:
    ch4 = Quantity(1, parse_unit("t CH4"))
    co2 = Quantity(1, parse_unit("t CO2"))
    with pytest.raises(Exception, match="Cannot convert"):
        _ = ch4 + co2


def test_emission_factor_per_unit_energy() -> None:
    mass = Quantity(1200, "TJ") * Quantity(56100, parse_unit("kg CO2/TJ"))
    assert (mass / gas_unit("CO2")).to("t").magnitude == pytest.approx(67320)


def test_every_gas_has_a_dimension() -> None:
    assert {"CO2", "CH4", "N2O", "SF6", "NF3", "HFC134a", "CF4", "CH4_fossil"} <= set(GASES)
    with pytest.raises(ValueError, match="not a gas"):
        gas_unit("XYZ")
