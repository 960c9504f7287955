"""Macro scenarios: how the world may turn out differently from what a plan assumes.

A scenario file (YAML or JSON, docs/review.md) holds several scenarios. Each names changes
to the plan's driver paths (population, GDP, grid emission factor, ... by the plan's own
driver names), an energy-intensity index on BAU, an energy-price index on operating costs,
a carbon price, a discount rate and shocks (a drop of x % in year t that rebounds over n
years). Every change applies from the plan's `start_year`: history before it is what the
plan says. `load_scenarios` turns every validation problem into one `InputError` naming the
file and the field path (``scenarios[2].shocks[0].drop``); `default_scenarios` is the set
shipped in ``kizuna/review/data/scenarios.yaml``, each scenario citing its sources.

Index paths (`Index`) are multipliers relative to the plan (1 = as the plan assumes); money is
in the carbon price's own currency, converted to the plan's with the file's `exchange_rates`.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kizuna.errors import InputError, Location

Year = Annotated[int, Field(ge=1900, le=2200)]
Points = dict[int, float]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Model):
    """A public source of a scenario's figures."""

    id: str
    title: str
    publisher: str
    year: int
    url: str
    note: str = ""


class Index(_Model):
    """A multiplier path relative to the plan (1 = as the plan assumes), from start_year t_s:
    ``scale`` points {year: factor} (linear between, flat outside), or ``growth`` g per year:
    (1 + g)^max(0, t - t_s)."""

    scale: Points | None = None
    growth: float | None = Field(None, gt=-1)

    @model_validator(mode="after")
    def _one_form(self) -> Index:
        given = [k for k in self._forms() if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(self._forms())}")
        for k in ("scale", "path", "from_start"):
            points = getattr(self, k, None)
            if points is not None and (not points or any(v < 0 for v in points.values())):
                raise ValueError(f"{k} needs at least one {{year: value}} and no negative value")
        return self

    @classmethod
    def _forms(cls) -> tuple[str, ...]:
        return ("scale", "growth")


class DriverChange(Index):
    """A change to one of the plan's drivers D(t), for t >= t_s (one form):

    - ``path``: absolute values {year: value} replacing D(t);
    - ``scale`` / ``growth``: D'(t) = D(t) x index(t) (see `Index`);
    - ``from_start``: D'(t) = D(t_s) x r(t), r linear from (t_s, 1) through the points given
      and flat after the last (e.g. the grid factor falls to 0.5 of its start-year value).

    A driver the plan does not have acts through ``elasticity``: every sector's BAU is
    multiplied by index(t)^elasticity (only ``scale`` and ``growth`` make sense there).
    """

    path: Points | None = None
    from_start: Points | None = None
    elasticity: float = 0.0

    @classmethod
    def _forms(cls) -> tuple[str, ...]:
        return ("path", "scale", "from_start", "growth")


class EnergyIntensity(Index):
    """Energy used per unit of activity, as an index on BAU emissions of `sectors` (all when
    empty): BAU'_s(t) = BAU_s(t) x index(t)."""

    sectors: list[str] = Field(default_factory=list)


class EnergyPrice(Index):
    """An index on energy prices scaling the opex of the measures it `applies_to`:
    ``savings`` (measures whose opex is negative, i.e. energy-cost savings; the default),
    ``all``, or a list of measure ids and sector names."""

    applies_to: Literal["savings", "all"] | list[str] = "savings"


class CarbonPrice(_Model):
    """A carbon price (`currency` per tCO2e) by year: points, linear between, flat outside."""

    currency: str = Field(pattern=r"^[A-Z]{3}$")
    points: Points

    @field_validator("points")
    @classmethod
    def _prices(cls, value: Points) -> Points:
        if not value or any(v < 0 for v in value.values()):
            raise ValueError("give at least one {year: price} and no negative price")
        return value


class Shock(_Model):
    """BAU drops by `drop` (a fraction) in one year, then recovers linearly over
    `rebound_years` years, to `rebound` (the fraction of the drop made up; 1 = fully):

        m(t0 + k) = 1 - drop x (1 - rebound x min(k, n) / n)   for k >= 0, 1 before t0

    The year is `year`, or start_year + `years_after_start`. `sectors`: all when empty."""

    year: Year | None = None
    years_after_start: int | None = Field(None, ge=0)
    drop: float = Field(gt=-1, lt=1)
    rebound_years: int = Field(1, ge=1)
    rebound: float = Field(1.0, ge=0, le=1)
    sectors: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_year(self) -> Shock:
        if (self.year is None) == (self.years_after_start is None):
            raise ValueError("give either year or years_after_start")
        return self


class Scenario(_Model):
    """One possible world (see the module docstring)."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    name: str
    description: str = ""
    assumptions: list[str] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    drivers: dict[str, DriverChange] = Field(default_factory=dict)
    energy_intensity: EnergyIntensity | None = None
    energy_price: EnergyPrice | None = None
    carbon_price: CarbonPrice | None = None
    discount_rate: float | None = Field(None, ge=0, le=1)
    shocks: list[Shock] = Field(default_factory=list)


class ScenarioSet(_Model):
    """A scenario file: the scenarios, and exchange rates for their money.

    ``exchange_rates: {USD: {JPY: 140.5}}`` reads "1 USD = 140.5 JPY" (the inverse is
    used too)."""

    scenarios: list[Scenario] = Field(min_length=1)
    exchange_rates: dict[str, dict[str, float]] = Field(default_factory=dict)
    sources: list[Source] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> ScenarioSet:
        ids = [s.id for s in self.scenarios]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"scenarios: duplicate ids {dupes}")
        return self

    def rate(self, from_currency: str, to_currency: str) -> float | None:
        """Units of `to_currency` per unit of `from_currency`, or None when unknown."""
        if from_currency == to_currency:
            return 1.0
        direct = self.exchange_rates.get(from_currency, {}).get(to_currency)
        if direct:
            return direct
        inverse = self.exchange_rates.get(to_currency, {}).get(from_currency)
        return 1.0 / inverse if inverse else None

    def get(self, scenario_id: str) -> Scenario:
        for s in self.scenarios:
            if s.id == scenario_id:
                return s
        raise InputError(
            f"no scenario {scenario_id!r}",
            hint=f"the scenarios are {', '.join(s.id for s in self.scenarios)}",
        )


HINT = "see docs/review.md, 'Scenario files'"


def load_scenarios(path: str | Path) -> ScenarioSet:
    """Read and validate a scenario file (YAML or JSON); raises `InputError` on any problem."""
    data, name = read_data(path)
    return parse_scenarios(data, source=name)


def read_data(path: str | Path) -> tuple[object, str]:
    """The data of a YAML or JSON file and its name (for messages); `InputError` when the
    file is missing or not valid."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file", hint="check the path")
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InputError(
            f"{path.name}: not valid YAML or JSON ({exc})", where=Location(path.name)
        ) from None
    return data, path.name


def packaged(name: str) -> object:
    """The data of ``kizuna/review/data/<name>``."""
    return yaml.safe_load(files("kizuna.review").joinpath("data", name).read_text("utf-8"))


def parse_scenarios(data: object, *, source: str = "<scenarios>") -> ScenarioSet:
    """Validate scenario data: a mapping with ``scenarios`` (or a bare list of scenarios)."""
    if isinstance(data, list):
        data = {"scenarios": data}
    if not isinstance(data, dict):
        raise InputError(f"{source}: a scenario file is a mapping with 'scenarios'", hint=HINT)
    try:
        return ScenarioSet.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, source, "scenario file", HINT) from None


@cache
def default_scenarios() -> ScenarioSet:
    """The packaged scenarios (``kizuna/review/data/scenarios.yaml``), each with its sources."""
    return parse_scenarios(packaged("scenarios.yaml"), source="scenarios.yaml")


def validation_error(exc: ValidationError, source: str, what: str, hint: str) -> InputError:
    """One `InputError` listing every problem of `exc` with its field path."""
    where, lines = [], []
    for err in exc.errors():
        field = field_path(err["loc"])
        message = str(err["msg"]).removeprefix("Value error, ")
        where.append(Location(source, field=field or None))
        lines.append(f"  - {field or '(file)'}: {message}")
    head = f"{source}: {len(lines)} problem{'s' if len(lines) > 1 else ''} in the {what}"
    return InputError(head + "\n" + "\n".join(lines), where=where, where_in_message=True, hint=hint)


def field_path(loc: tuple[int | str, ...]) -> str:
    """``("scenarios", 2, "shocks", 0, "drop")`` -> ``scenarios[2].shocks[0].drop``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif "[" in str(part) or part in ("str", "list[str]", "literal['savings','all']"):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out
