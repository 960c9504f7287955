"""City profiles: who a city is and where it stands, the unit of the collaboration network.

A profile holds identity (name, ISO 3166-1 country code, coordinates, GeoNames id, UN/LOCODE
where known), size (population, land area in km2 and the density they give, GDP per capita
in a stated currency), the Köppen-Geiger climate zone, emissions (tCO2e in one year, per
capita in tCO2e per person, and the sector mix as fractions of the GPC sectors' sum), targets,
priority SDGs (goal numbers 1-17) and off-track indicators (SDG indicator codes such as
``11.6.2``), challenges and languages (BCP 47 tags as GeoNames lists them for the country).

`profile_from_inventory` fills the emissions from a `kizuna.inventory` result, so a city that
keeps its inventory in Kizuna has an up-to-date profile without typing figures twice.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from kizuna.inventory import InventoryResult

#: The five GPC sectors, as `kizuna.inventory` names them, and the registry column of each share.
SECTORS: dict[str, str] = {
    "Stationary energy": "share_stationary_energy",
    "Transportation": "share_transportation",
    "Waste": "share_waste",
    "IPPU": "share_ippu",
    "AFOLU": "share_afolu",
}

#: How a sector reads in an explanation ("similar transport share").
SECTOR_WORDS: dict[str, str] = {
    "Stationary energy": "stationary energy",
    "Transportation": "transport",
    "Waste": "waste",
    "IPPU": "industrial process",
    "AFOLU": "land use",
}


def _goals(value: list[int]) -> list[int]:
    bad = [g for g in value if not 1 <= g <= 17]
    if bad:
        raise ValueError(f"SDGs are numbered 1 to 17, not {bad}")
    return value


#: A list of SDG numbers (1-17), checked.
Goals = Annotated[list[int], AfterValidator(_goals)]

TargetKind = Literal["base_year", "net_zero", "bau", "fixed_level", "intensity"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the shape of the CLI's ``--format json`` and of the API)."""
        return self.model_dump(mode="json")


class Target(_Model):
    """A reduction of `reduction` (fraction: 0.5 = -50 %) by `year` against `base_year`.

    ``kind`` says what the reduction is against: the base year (``base_year``, ``net_zero``),
    the business-as-usual path in the target year (``bau``), a fixed level or an intensity.
    """

    year: int = Field(ge=1990, le=2100)
    reduction: float | None = Field(None, ge=0, le=1)
    base_year: int | None = Field(None, ge=1950, le=2100)
    kind: TargetKind = "base_year"
    sector: str | None = None
    source: str = ""

    @property
    def annual_rate(self) -> float | None:
        """Average reduction per year against the base year, in percent of base-year emissions
        per year: 100 x reduction / (year - base_year); None for other kinds of target."""
        if self.kind not in ("base_year", "net_zero") or self.base_year is None:
            return None
        if self.reduction is None or self.year <= self.base_year:
            return None
        return 100.0 * self.reduction / (self.year - self.base_year)


def ambition(targets: list[Target]) -> Target | None:
    """The city-wide base-year target with the highest annual rate (the city's ambition)."""
    rated = [t for t in targets if t.sector is None and t.annual_rate is not None]
    return max(rated, key=lambda t: t.annual_rate or 0.0, default=None)


class CityProfile(_Model):
    """One city's profile (units in the module docstring). Missing figures are ``None``."""

    name: str
    country: str = Field(pattern=r"^[A-Z]{2}$")
    country_name: str | None = None
    region: str | None = None  # continent code of GeoNames: AF, AS, EU, NA, OC, SA, AN
    admin1: str | None = None
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    geonameid: int | None = None
    locode: str | None = Field(None, pattern=r"^[A-Z]{2} ?[A-Z0-9]{3}$")
    population: float | None = Field(None, gt=0)
    population_year: int | None = None
    area_km2: float | None = Field(None, gt=0)
    gdp_per_capita: float | None = Field(None, gt=0)
    gdp_currency: str = Field("USD", pattern=r"^[A-Z]{3}$")
    gdp_year: int | None = None
    climate_zone: str | None = None
    emissions_tco2e: float | None = Field(None, ge=0)
    emissions_year: int | None = None
    emissions_basis: str | None = None  # e.g. "GPC BASIC (AR5)", "CDP scope 1 + 2"
    emissions_population: float | None = Field(None, gt=0)  # people the emissions refer to
    sector_shares: dict[str, float] = Field(default_factory=dict)
    targets: list[Target] = Field(default_factory=list)
    priority_sdgs: Goals = Field(default_factory=list)
    off_track_indicators: list[str] = Field(default_factory=list)
    challenges: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)

    @field_validator("sector_shares")
    @classmethod
    def _shares(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(SECTORS))
        if unknown:
            raise ValueError(f"unknown sectors {unknown}; use the GPC sectors {list(SECTORS)}")
        if any(not 0 <= v <= 1 for v in value.values()):
            raise ValueError("sector shares are fractions in [0, 1]")
        return value

    @property
    def density_per_km2(self) -> float | None:
        """Population / land area (people per km2)."""
        if self.population is None or self.area_km2 is None:
            return None
        return self.population / self.area_km2

    @property
    def emissions_per_capita(self) -> float | None:
        """tCO2e per person: emissions / the population they refer to (else `population`)."""
        people = self.emissions_population or self.population
        if self.emissions_tco2e is None or not people:
            return None
        return self.emissions_tco2e / people

    @property
    def ambition(self) -> float | None:
        """The highest annual reduction rate of the city-wide targets (percent per year)."""
        best = ambition(self.targets)
        return None if best is None else best.annual_rate

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data["density_per_km2"] = self.density_per_km2
        data["emissions_per_capita"] = self.emissions_per_capita
        data["ambition_pct_per_year"] = self.ambition
        return data


def sector_shares(by_sector: dict[str, float]) -> dict[str, float]:
    """Each GPC sector's share of the sum over the sectors (negative removals count as 0)."""
    positive = {s: max(0.0, float(by_sector.get(s, 0.0))) for s in SECTORS}
    total = sum(positive.values())
    if total <= 0 or not math.isfinite(total):
        return {}
    return {s: v / total for s, v in positive.items()}


def profile_from_inventory(
    result: InventoryResult,
    *,
    level: Literal["basic", "basic_plus", "basic_plus_s3", "territorial"] = "basic",
    base: CityProfile | None = None,
    **identity: Any,
) -> CityProfile:
    """A profile whose emissions come from an inventory result.

    ``emissions_tco2e`` is the result's total at `level`; ``sector_shares`` are the GPC
    sectors' shares of ``result.by_sector``; ``emissions_population`` is the result's
    population when it has one. Identity and the other fields come from `base` (an existing
    profile) and/or keyword arguments (``name``, ``country``, ...; at least those two).
    """
    fields: dict[str, Any] = base.model_dump() if base is not None else {}
    fields.update(identity)
    fields.setdefault("name", result.city)
    fields.update(
        emissions_tco2e=float(result.totals[level]),
        emissions_year=int(result.year),
        emissions_basis=f"GPC {level.replace('_plus', '+').replace('_s3', ' S3').upper()} "
        f"({result.gwp}), kizuna.inventory",
        sector_shares=sector_shares(result.by_sector),
    )
    if result.population:
        fields["emissions_population"] = float(result.population)
    return CityProfile.model_validate(fields)
