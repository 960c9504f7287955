"""Number formatting for the web pages: thousands separators and emission units.

Emissions are stored in tCO2e. A table or a chart shows all its values in one
unit (tCO2e, ktCO2e or MtCO2e), chosen from the largest value so that numbers
stay short and comparable down a column.
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
