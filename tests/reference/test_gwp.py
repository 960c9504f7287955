"""GWP-100 sets: IPCC values as published (AR4 Table 2.14, AR5 Table 8.A.1, AR6 Table 7.SM.7)."""

import pytest

from kizuna.errors import InputError
from kizuna.reference.gwp import canonical_gas, gwp_values


@pytest.mark.parametrize(
    ("gwp_set", "gas", "value"),
    [
        ("AR4", "CH4", 25),
        ("AR4", "N2O", 298),
        ("AR4", "SF6", 22800),
        ("AR5", "CH4", 28),
        ("AR5", "N2O", 265),
        ("AR5", "HFC134a", 1300),
        ("AR5", "NF3", 16100),
        ("AR5", "CH4_fossil", 30),
        ("AR6", "CH4", 27.9),
        ("AR6", "CH4_fossil", 29.8),
        ("AR6", "CH4_biogenic", 27.0),
        ("AR6", "N2O", 273),
        ("AR6", "SF6", 25200),
        ("AR6", "CF4", 7380),
    ],
)
def test_published_values(gwp_set: str, gas: str, value: float) -> None:
    assert gwp_values(gwp_set)[gas] == pytest.approx(value)


def test_co2_and_co2e_are_one_in_every_set() -> None:
    for s in ("AR4", "AR5", "AR6"):
        assert gwp_values(s)["CO2"] == gwp_values(s)["CO2e"] == 1.0


@pytest.mark.parametrize(
    ("written", "species"),
    [
        ("ch4", "CH4"),
        ("HFC-134a", "HFC134a"),
        ("hfc134a", "HFC134a"),
        ("co2e", "CO2e"),
        ("CH4 fossil", "CH4_fossil"),
        ("sf6", "SF6"),
    ],
)
def test_gas_names_as_people_write_them(written: str, species: str) -> None:
    assert canonical_gas(written, "AR5") == species


def test_unknown_set_is_an_input_error() -> None:
    with pytest.raises(InputError, match="AR4, AR5, AR6"):
        gwp_values("AR7")
