"""Converting entry values to tonnes of gas, vectorised over unique unit combinations.

Only the distinct (unit, emission-factor unit, gas) combinations of a file are
parsed with pint (a few dozen at most); the factors are then mapped back to
all rows with integer codes, so a million entries cost a few array operations.

Units may name the gas (``kg CH4/TJ``, ``t CO2e``); it must then be the gas of
the row. After removing the gas, activity unit x emission-factor unit must be
a mass (``TJ x kg/TJ = kg``); anything else (``l x kg/kWh``) is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pint

from kizuna.inventory.columns import CodedColumn, combine_codes
from kizuna.units import CO2E, Quantity, gas_unit, parse_unit, ureg

_MASS = ureg.Unit("t").dimensionality


def mass_factor_t(unit_text: str, gas: str) -> float:
    """Tonnes of `gas` in one `unit_text` (a mass unit, optionally naming the gas).

    Raises ValueError with a sentence a user can act on.
    """
    quantity = _strip_gas(Quantity(1.0, _parse(unit_text)), gas, unit_text)
    if quantity.dimensionality != _MASS:
        raise ValueError(f"{unit_text!r} is not a mass unit: write emissions in t, kg or kt")
    return float(quantity.to("t").magnitude)


def product_factor_t(activity_unit: str, ef_unit: str, gas: str) -> float:
    """Tonnes of `gas` from 1 `activity_unit` x 1 `ef_unit`.

    >>> round(product_factor_t("TJ", "kg/TJ", "CO2"), 6)
    0.001
    """
    a = Quantity(1.0, _parse(activity_unit))
    ef = Quantity(1.0, _parse(ef_unit))
    product = _strip_gas(a * ef, gas, ef_unit)
    if product.dimensionality != _MASS:
        raise ValueError(
            f"an emission factor in {ef_unit!r} cannot be applied to activity in "
            f"{activity_unit!r}: the product is {product.units:~}, not a mass; give the "
            f"activity in the unit the factor is per (e.g. {_denominator_hint(ef_unit)})"
        )
    return float(product.to("t").magnitude)


@dataclass(frozen=True)
class Factors:
    """Conversion factors per row, computed once per distinct combination of inputs."""

    per_row: np.ndarray  # factor of each row; NaN where the combination failed
    combination: np.ndarray  # index of each row's combination
    errors: dict[int, str]  # combination index -> why it failed


def factors_by_combination(columns: Sequence[CodedColumn], factor: Callable[..., float]) -> Factors:
    """Apply `factor(*values)` once per distinct combination of the values in `columns`.

    `errors` lists the failed combinations in the order their values first appear in
    the rows, compared column by column.
    """
    combination, parts = combine_codes([c.codes for c in columns], [len(c.values) for c in columns])
    values = np.empty(len(parts[0]))
    errors: dict[int, str] = {}
    for i, codes in enumerate(zip(*(p.tolist() for p in parts), strict=True)):
        try:
            values[i] = factor(*(c.values[k] for c, k in zip(columns, codes, strict=True)))
        except ValueError as exc:
            values[i] = np.nan
            errors[i] = str(exc)
    if len(errors) > 1:
        ranks = [c.first_seen()[p] for c, p in zip(columns, parts, strict=True)]
        order = sorted(errors, key=lambda i: [int(r[i]) for r in ranks])
        errors = {i: errors[i] for i in order}
    return Factors(values[combination], combination, errors)


def _parse(text: str) -> pint.Unit:
    """`text` as a pint unit; ValueError naming the text if it is not one."""
    try:
        return parse_unit(text)
    except (
        pint.errors.UndefinedUnitError,
        pint.errors.DefinitionSyntaxError,
        ValueError,
        AttributeError,
        TypeError,
    ) as exc:
        raise ValueError(f"{text!r} is not a unit Kizuna knows ({exc})") from None


def _strip_gas(q: pint.Quantity, gas: str, unit_text: str) -> pint.Quantity:
    """Divide out the gas dimension of `q`; it must be the row's gas (or CO2e for CO2e rows)."""
    gas_dims = [d for d in q.dimensionality if d not in _BASE_DIMS]
    if not gas_dims:
        return q
    own = gas_unit(gas if gas != CO2E else CO2E)
    stripped = q / own
    if any(d not in _BASE_DIMS for d in stripped.dimensionality):
        named = ", ".join(d.strip("[]") for d in gas_dims)
        raise ValueError(f"unit {unit_text!r} names {named} but the row's gas is {gas}")
    return stripped


_BASE_DIMS = {
    "[mass]",
    "[length]",
    "[time]",
    "[temperature]",
    "[substance]",
    "[current]",
    "[luminosity]",
    "[currency]",
}


def _denominator_hint(ef_unit: str) -> str:
    """The unit an emission factor is per (``TJ`` of ``kg/TJ``), for error hints."""
    return ef_unit.split("/", 1)[1].strip() if "/" in ef_unit else "the factor's unit"
