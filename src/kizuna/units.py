"""The one pint unit registry of Kizuna.

Masses of gases are kept apart from plain masses: each greenhouse gas is a
dimension of its own (``[CO2]``, ``[CH4]``, ...) so that ``1 t CH4`` cannot be
added to ``1 t CO2`` by mistake, and ``CO2e`` is the dimension of
CO2-equivalent mass. Converting a gas to CO2e needs a GWP set
(`kizuna.reference.gwp`), never the registry alone.

Definitions added to pint's defaults (sources):

- ``t`` and its prefixes (``kt``, ``Mt``) are the metric tonne; pint's default
  ``kt`` (knot) is replaced because no inventory means a speed.
- ``toe`` = 41.868 GJ (IEA/OECD/Eurostat Energy Statistics Manual, 2005, p. 20),
  as pint defines it; ``ktoe``, ``Mtoe`` by prefix.
- ``MMBtu`` = 10^6 Btu (International Table Btu, 1055.056 J).
- ``m3``, ``Nm3``, ``Sm3`` are cubic metres (normal and standard conditions are
  labels only: the volume is not corrected for temperature or pressure).
- ``vkm``, ``pkm`` (vehicle-, passenger-kilometre) are kilometres; ``tkm``
  (tonne-kilometre) is tonne x kilometre.
"""

from __future__ import annotations

import globalwarmingpotentials
import pint

#: The dimension name of CO2-equivalent mass.
CO2E = "CO2e"

#: Gases with a dimension of their own: CO2, methane by origin, and every species of the
#: `globalwarmingpotentials` package (IPCC names without hyphens: HFC134a, CF4, SF6, NF3, ...).
GASES: tuple[str, ...] = tuple(
    sorted(
        {"CO2", "CH4_fossil", "CH4_biogenic"}
        | {
            species
            for table in globalwarmingpotentials.data.values()
            for species in table
            if species.isidentifier()
        }
    )
)


def _build_registry() -> pint.UnitRegistry:
    ureg = pint.UnitRegistry(
        autoconvert_offset_to_baseunit=True,
        on_redefinition="ignore",
        cache_folder=":auto:",  # pint caches parsed definitions in the user cache folder
    )
    ureg.define("tonne = 1000 kilogram = t")
    ureg.define("kilotonne = 1e3 tonne = kt")
    ureg.define("megatonne = 1e6 tonne = Mt")
    ureg.define("gigatonne = 1e9 tonne = Gt")
    ureg.define("MMBtu = 1e6 Btu")
    ureg.define("m3 = meter ** 3 = cubic_metre")
    ureg.define("Nm3 = meter ** 3")
    ureg.define("Sm3 = meter ** 3")
    ureg.define("vkm = kilometer = vehicle_kilometre")
    ureg.define("pkm = kilometer = passenger_kilometre")
    ureg.define("tkm = tonne * kilometer = tonne_kilometre")
    ureg.define(f"{CO2E} = [carbon_dioxide_equivalent]")
    for gas in GASES:
        if gas in ureg._units:  # never shadow a unit pint already has
            raise RuntimeError(f"gas name {gas} collides with a unit of the registry")
        ureg.define(f"{gas} = [{gas}]")
    return ureg


ureg: pint.UnitRegistry = _build_registry()
Quantity = ureg.Quantity


def gas_unit(gas: str) -> pint.Unit:
    """The unit that marks a mass as a mass of `gas` (``CO2e`` included).

    >>> (1 * ureg.t * gas_unit("CH4")).dimensionality
    <UnitsContainer({'[CH4]': 1, '[mass]': 1})>
    """
    if gas != CO2E and gas not in GASES:
        raise ValueError(f"{gas!r} is not a gas Kizuna knows")
    return ureg.Unit(gas)


def parse_unit(text: str) -> pint.Unit:
    """Parse a unit as written in an input file (``kg/TJ``, ``t CO2e``, ``kWh``).

    Raises `pint.errors.UndefinedUnitError` or `ValueError` for text that is not a unit.
    """
    cleaned = " ".join(str(text).replace("·", " ").split())
    if not cleaned:
        raise ValueError("empty unit")
    return ureg.parse_units(cleaned)
