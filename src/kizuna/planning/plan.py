"""The plan file: a city's baseline, targets, milestone rule and candidate measures.

A plan is YAML or JSON (docs/formats.md, "Plan files"), validated by the
pydantic models below. `load_plan` turns every validation problem into one
`InputError` naming the file and the field path (``measures[3].lifetime``).

Units: emissions in tCO2e; abatement in tCO2e per unit per year (or a value
times a driver path, such as kWh saved x grid factor in tCO2e/kWh); money in
the plan's `currency` (ISO 4217), capex per unit installed, opex per unit per
year (negative for savings); lifetimes in years; rates as fractions per year.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kizuna.errors import InputError, Location
from kizuna.planning.library import expand_library

Year = Annotated[int, Field(ge=1900, le=2200)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DriverPath(_Model):
    """A driver over time: points ``{year: value}`` (linear between them, flat outside),
    or a ``base`` value in the plan's base year growing at ``growth`` per year."""

    points: dict[int, float] | None = None
    base: float | None = None
    growth: float = 0.0

    @model_validator(mode="before")
    @classmethod
    def _points_as_mapping(cls, data: object) -> object:
        if isinstance(data, dict) and data and all(str(k).lstrip("-").isdigit() for k in data):
            return {"points": {int(k): v for k, v in data.items()}}
        return data

    @model_validator(mode="after")
    def _one_form(self) -> DriverPath:
        if (self.points is None) == (self.base is None):
            raise ValueError("give either points {year: value} or base (with optional growth)")
        if self.points is not None and not self.points:
            raise ValueError("points must hold at least one year")
        return self


class SectorBaseline(_Model):
    """One sector's BAU: base-year emissions (tCO2e, or from the inventory) and how they grow.

    E(t) = E(b) x (1 + growth)^(t - b) x prod_d (D_d(t) / D_d(b))^e_d
                x [(1 - sum_k s_k) + sum_k s_k D_k(t) / D_k(b)]

    with elasticities e_d and linear driver shares s_k (the share of the sector's
    base-year emissions that moves in proportion to driver k, e.g. the part from grid
    electricity following the grid factor). `refs` picks the inventory's GPC reference
    numbers (or prefixes such as ``I.1``) that make up the sector; by default a sector
    named like a GPC sector takes that sector's numbers.
    """

    emissions: float | None = Field(None, ge=0)
    refs: list[str] = Field(default_factory=list)
    growth: float = Field(0.0, gt=-1)
    elasticities: dict[str, float] = Field(default_factory=dict)
    driver_shares: dict[str, float] = Field(default_factory=dict)

    @field_validator("driver_shares")
    @classmethod
    def _shares(cls, value: dict[str, float]) -> dict[str, float]:
        if any(not 0 <= v <= 1 for v in value.values()) or sum(value.values()) > 1:
            raise ValueError("driver shares are fractions in [0, 1] that sum to at most 1")
        return value


class Baseline(_Model):
    """The BAU path: sectors, optional inventory for base-year emissions, and driver paths."""

    inventory: str | None = None
    inventory_level: Literal["basic", "basic_plus", "territorial"] = "basic"
    gwp: Literal["AR4", "AR5", "AR6"] = "AR5"
    sectors: dict[str, SectorBaseline] = Field(default_factory=dict)
    drivers: dict[str, DriverPath] = Field(default_factory=dict)


class Target(_Model):
    """A reduction relative to the base-year total (0.5 = -50 %, 1.0 = net zero)."""

    year: Year
    reduction: float = Field(ge=0, le=1)
    sector: str | None = None


class Milestones(_Model):
    """How yearly caps are derived between targets.

    - ``targets_only``: caps in target years only;
    - ``linear``: every year, linear between the base year and the targets;
    - ``constant_rate``: every year, a constant annual rate between targets (linear
      on a segment that ends at zero);
    - ``budget``: caps in target years plus a cumulative budget (tCO2e over the
      horizon; by default the area under the linear path).
    """

    method: Literal["targets_only", "linear", "constant_rate", "budget"] = "linear"
    budget: float | None = Field(None, ge=0)


class Abatement(_Model):
    """Driver-linked abatement per unit per year: ``value x driver(t)``
    (e.g. 2,000 kWh saved x grid factor in tCO2e/kWh)."""

    value: float = Field(ge=0)
    driver: str
    unit: str = ""


class Measure(_Model):
    """A candidate measure; one unit is what `unit` says (a household, a bus, 1 MW of PV)."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    name: str
    sector: str
    unit: str = "unit"
    potential: float = Field(gt=0)
    abatement: float | Abatement
    capex: float = 0.0
    opex: float = 0.0
    lifetime: int = Field(gt=0, le=100)
    max_rate: float | None = Field(None, gt=0)
    start: int | None = None
    requires: list[str] = Field(default_factory=list)
    excludes: list[str] = Field(default_factory=list)
    jobs: float = Field(0.0, ge=0)
    sdgs: list[int] = Field(default_factory=list)
    source: str = ""
    integer: bool = False
    all_or_nothing: bool = False

    @field_validator("abatement")
    @classmethod
    def _non_negative(cls, value: float | Abatement) -> float | Abatement:
        if isinstance(value, float | int) and value < 0:
            raise ValueError("abatement must be >= 0 tCO2e per unit per year")
        return value

    @field_validator("sdgs")
    @classmethod
    def _goals(cls, value: list[int]) -> list[int]:
        bad = [g for g in value if not 1 <= g <= 17]
        if bad:
            raise ValueError(f"SDGs are numbered 1 to 17, not {bad}")
        return value


class Budget(_Model):
    """Optional caps on capital spending per year (plan currency, undiscounted)."""

    annual_capex: float | dict[int, float] | None = None


class Weights(_Model):
    """Co-benefit weights in the objective: value per job-year created (plan currency)."""

    jobs: float = Field(0.0, ge=0)


class Plan(_Model):
    """A back-casting plan for one city (see the module docstring for units)."""

    city: str
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    base_year: Year
    start_year: Year
    end_year: Year
    discount_rate: float = Field(ge=0, le=1)
    baseline: Baseline
    targets: list[Target] = Field(min_length=1)
    milestones: Milestones = Milestones()
    measures: list[Measure] = Field(default_factory=list)
    budget: Budget = Budget()
    weights: Weights = Weights()
    penalty: float = Field(
        1.0e5, gt=0, description="cost per tCO2e missing from a milestone (plan currency)"
    )

    @field_validator("milestones", mode="before")
    @classmethod
    def _method_as_text(cls, value: object) -> object:
        return {"method": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _consistent(self) -> Plan:
        problems: list[str] = []
        if not self.base_year <= self.start_year <= self.end_year:
            problems.append("years must satisfy base_year <= start_year <= end_year")
        for i, t in enumerate(self.targets):
            if t.year < self.start_year or t.year > self.end_year:
                problems.append(
                    f"targets[{i}]: year {t.year} is outside start_year.."
                    f"end_year ({self.start_year}..{self.end_year})"
                )
            if t.sector is not None and t.sector not in self.baseline.sectors:
                problems.append(f"targets[{i}]: unknown sector {t.sector!r}")
        ids = [m.id for m in self.measures]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            problems.append(f"measures: duplicate ids {dupes}")
        known = set(ids)
        for i, m in enumerate(self.measures):
            if self.baseline.sectors and m.sector not in self.baseline.sectors:
                problems.append(
                    f"measures[{i}] ({m.id}): sector {m.sector!r} is not a "
                    f"baseline sector ({', '.join(self.baseline.sectors)})"
                )
            for field in ("requires", "excludes"):
                for other in getattr(m, field):
                    if other not in known:
                        problems.append(
                            f"measures[{i}] ({m.id}): {field} unknown measure {other!r}"
                        )
                    elif other == m.id:
                        problems.append(f"measures[{i}] ({m.id}): {field} itself")
            if isinstance(m.abatement, Abatement) and m.abatement.driver not in (
                self.baseline.drivers
            ):
                problems.append(
                    f"measures[{i}] ({m.id}): abatement driver "
                    f"{m.abatement.driver!r} is not in baseline.drivers"
                )
        for name, sector in self.baseline.sectors.items():
            for driver in [*sector.elasticities, *sector.driver_shares]:
                if driver not in self.baseline.drivers:
                    problems.append(f"baseline.sectors.{name}: unknown driver {driver!r}")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def load_plan(path: str | Path) -> Plan:
    """Read and validate a plan file (YAML or JSON); raises `InputError` on any problem."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file", hint="check the path")
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InputError(
            f"{path.name}: not valid {'JSON' if path.suffix == '.json' else 'YAML'} ({exc})",
            where=Location(path.name),
        ) from None
    return parse_plan(data, source=path.name, folder=path.parent)


def parse_plan(data: object, *, source: str = "<plan>", folder: Path | None = None) -> Plan:
    """Validate plan data (a dict); a relative `baseline.inventory` is resolved against `folder`."""
    if not isinstance(data, dict):
        raise InputError(
            f"{source}: a plan is a mapping of fields (city, currency, ...)",
            hint="see docs/formats.md, 'Plan files'",
        )
    data = expand_library(data, source)
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        raise _input_error(exc, source) from None
    inv = plan.baseline.inventory
    if inv is not None and folder is not None and not Path(inv).is_absolute():
        baseline = plan.baseline.model_copy(update={"inventory": str(folder / inv)})
        plan = plan.model_copy(update={"baseline": baseline})
    return plan


def _input_error(exc: ValidationError, source: str) -> InputError:
    where, lines = [], []
    for err in exc.errors():
        field = _field_path(err["loc"])
        message = str(err["msg"]).removeprefix("Value error, ")
        where.append(Location(source, field=field or None))
        lines.append(f"  - {field or '(plan)'}: {message}")
    head = f"{source}: {len(lines)} problem{'s' if len(lines) > 1 else ''} in the plan"
    return InputError(
        head + "\n" + "\n".join(lines),
        where=where,
        where_in_message=True,
        hint="see docs/formats.md, 'Plan files'",
    )


#: Parts of a pydantic error location that name a union member, not a field.
_TYPE_TAGS = {"float", "int", "str", "bool", "Abatement", "DriverPath"}


def _field_path(loc: tuple[int | str, ...]) -> str:
    """``("measures", 3, "lifetime")`` -> ``measures[3].lifetime`` (union member tags dropped)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in _TYPE_TAGS or "[" in part:
            continue
        else:
            out += ("." if out else "") + part
    return out
