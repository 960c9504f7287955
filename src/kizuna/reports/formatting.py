"""Number formatting for pages and reports: thousands separators, emission and money units.

Emissions are stored in tCO2e. A table or a chart shows all its values in one
unit (tCO2e, ktCO2e or MtCO2e), chosen from the largest value so that numbers
stay short and comparable down a column. Money is a number plus an ISO 4217
currency code; a column of large amounts is shown in thousands, millions or
billions of that currency, chosen the same way.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EmissionUnit:
    """A display unit for emissions: its label and how many tCO2e one unit is."""

    label: str
    tco2e: float

    def convert(self, value_tco2e: float) -> float:
        """`value_tco2e` expressed in this unit."""
        return value_tco2e / self.tco2e


TCO2E = EmissionUnit("tCO2e", 1.0)
KTCO2E = EmissionUnit("ktCO2e", 1e3)
MTCO2E = EmissionUnit("MtCO2e", 1e6)


def pick_unit(values_tco2e: Iterable[float | None]) -> EmissionUnit:
    """The unit for a set of values: MtCO2e from 10 Mt, ktCO2e from 10 kt, else tCO2e."""
    largest = max((abs(v) for v in values_tco2e if v is not None and math.isfinite(v)), default=0)
    if largest >= 1e7:
        return MTCO2E
    if largest >= 1e4:
        return KTCO2E
    return TCO2E


def decimals_for(unit: EmissionUnit) -> int:
    """Decimals shown in `unit`: two for MtCO2e (10 kt steps), none otherwise."""
    return 2 if unit is MTCO2E else 0


def format_number(value: float | None, decimals: int = 0) -> str:
    """`value` with thousands separators and `decimals` decimals; an en dash for None or NaN."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    return "0" if text.strip("-0.,") == "" else text  # no "-0"


def format_cost(value: float | None) -> str:
    """A cost per unit (currency per tCO2e) with the decimals its size needs: none from 100,
    one from 10, two below (0.43, 12.0, 6,667)."""
    if value is None:
        return format_number(None)
    size = abs(value)
    return format_number(value, 0 if size >= 100 else 1 if size >= 10 else 2)


def format_emissions(value_tco2e: float | None, unit: EmissionUnit) -> str:
    """`value_tco2e` in `unit`, without the unit label (the column header shows it)."""
    if value_tco2e is None:
        return format_number(None)
    return format_number(unit.convert(value_tco2e), decimals_for(unit))


def per_capita(value_tco2e: float | None, population: int | None) -> float | None:
    """Emissions per inhabitant in tCO2e, or None when either input is missing."""
    if value_tco2e is None or not population:
        return None
    return value_tco2e / population


def format_percent(fraction: float | None, decimals: int = 0) -> str:
    """A fraction (0.46) as a percentage ("46 %")."""
    if fraction is None:
        return format_number(None)
    return f"{format_number(fraction * 100, decimals)} %"


@dataclass(frozen=True, slots=True)
class MoneyUnit:
    """A display unit for money: the currency (ISO 4217) and a scale (1, 1e3, 1e6, 1e9)."""

    currency: str
    scale: float = 1.0

    @property
    def label(self) -> str:
        """``"JPY"``, ``"thousand JPY"``, ``"million JPY"`` or ``"billion JPY"``."""
        prefix = _MONEY_SCALES.get(self.scale, f"{self.scale:g} x")
        return f"{prefix} {self.currency}".strip()

    def convert(self, amount: float) -> float:
        """`amount` (in the currency) expressed in this unit."""
        return amount / self.scale


_MONEY_SCALES = {1.0: "", 1e3: "thousand", 1e6: "million", 1e9: "billion"}


def pick_money_unit(amounts: Iterable[float | None], currency: str) -> MoneyUnit:
    """The unit for a set of amounts: the largest scale that keeps the largest amount >= 10."""
    largest = max((abs(v) for v in amounts if v is not None and math.isfinite(v)), default=0)
    for scale in (1e9, 1e6, 1e3):
        if largest >= 10 * scale:
            return MoneyUnit(currency, scale)
    return MoneyUnit(currency)


def format_money(amount: float | None, unit: MoneyUnit) -> str:
    """`amount` in `unit` without its label: one decimal when scaled below 100, else none."""
    if amount is None:
        return format_number(None)
    value = unit.convert(amount)
    decimals = 1 if unit.scale > 1 and abs(value) < 100 else 0
    return format_number(value, decimals)
