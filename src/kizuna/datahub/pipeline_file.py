"""The pipeline file: a small YAML (or JSON) declaring how raw series become activity data
and indicator series. docs/datahub.md describes every field; an example::

    name: smart-meters
    input: {dataset: meters}          # a warehouse time series (its time, value, unit)
    aggregate: {by: [building_type], unit: kWh}
    engine: duckdb                    # or dask (with dask: {address: tcp://..., workers: 2})
    outputs:
      - kind: activity                # GPC activity rows in the long inventory layout
        name: buildings-electricity
        city: Sample City
        column: building_type
        map: {residential: I.1.2, commercial: I.2.2}
        unit: MWh
        emission_factor: {value: 0.441, unit: t/MWh, gas: CO2}
        file: out/activity.csv
      - kind: indicator               # Open SDG-like Year, disaggregations, Units, Value
        name: electricity-per-person
        indicator: 7.1.x
        unit: kWh
        divide_by: {value: 120000, name: population}
        disaggregate: [building_type]
        file: out/indicator_electricity.csv
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kizuna.errors import InputError, Location
from kizuna.reference.gpc import gpc_taxonomy
from kizuna.units import parse_unit


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _unit(text: str) -> str:
    try:
        parse_unit(text)
    except Exception as exc:  # pint raises several kinds
        raise ValueError(f"{text!r} is not a unit ({exc})") from None
    return text


class InputSpec(_Strict):
    """The raw series: a warehouse data set; columns and unit default to its declaration."""

    dataset: str
    time: str | None = None
    value: str | None = None
    unit: str | None = None

    _check_unit = field_validator("unit")(lambda v: v if v is None else _unit(v))


class AggregateSpec(_Strict):
    """Monthly sums of the value by the `by` columns, in `unit` (default the input's)."""

    by: list[str] = Field(default_factory=list)
    period: Literal["month"] = "month"
    unit: str | None = None

    _check_unit = field_validator("unit")(lambda v: v if v is None else _unit(v))


class _ByYear(_Strict):
    """A value for every year (`value`) with exceptions for some (`by_year`)."""

    value: float | None = None
    by_year: dict[int, float] = Field(default_factory=dict)

    def for_year(self, year: int) -> float | None:
        return self.by_year.get(year, self.value)


class EmissionFactor(_ByYear):
    """The factor the inventory applies to the activity: `value` in `unit` for `gas`,
    or one value per year (`by_year`, the others taking `value`)."""

    value: float | None = Field(default=None, ge=0)
    unit: str
    gas: str = "CO2"
    source: str | None = None

    _check_unit = field_validator("unit")(_unit)


class ActivityOutput(_Strict):
    """Yearly activity by GPC reference number, as rows of the long inventory layout."""

    kind: Literal["activity"]
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    city: str
    column: str
    map: dict[str, str]
    unit: str = "MWh"
    emission_factor: EmissionFactor
    complete_years: bool = False
    description: str | None = None
    source: str | None = None
    file: str | None = None

    _check_unit = field_validator("unit")(_unit)

    @field_validator("map")
    @classmethod
    def _refs(cls, value: dict[str, str]) -> dict[str, str]:
        known = set(gpc_taxonomy().index)
        bad = sorted({ref for ref in value.values() if ref not in known})
        if bad:
            raise ValueError(
                f"not GPC reference numbers: {', '.join(bad)} (see kizuna reference gpc)"
            )
        return value


class Divisor(_ByYear):
    """What an indicator is divided by: one value, or one per year (others take `value`)."""

    name: str
    value: float | None = Field(default=None, gt=0)


class IndicatorOutput(_Strict):
    """A yearly indicator series: headline rows plus one row per disaggregation value."""

    kind: Literal["indicator"]
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    indicator: str
    unit: str
    series: str | None = None
    disaggregate: list[str] = Field(default_factory=list)
    divide_by: Divisor | None = None
    file: str | None = None

    _check_unit = field_validator("unit")(_unit)

    def units_label(self) -> str:
        """The Units cell: the unit, per the divisor's name when divided."""
        return self.unit + (f" per {self.divide_by.name}" if self.divide_by else "")


Output = Annotated[ActivityOutput | IndicatorOutput, Field(discriminator="kind")]


class DaskSpec(_Strict):
    """Where the Dask engine runs: a scheduler `address`, else a local cluster of `workers`."""

    address: str | None = None
    workers: int = Field(default=2, ge=1)
    threads_per_worker: int = Field(default=1, ge=1)


class Pipeline(_Strict):
    """A pipeline: input series, monthly aggregation, engine, outputs."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    description: str | None = None
    input: InputSpec
    aggregate: AggregateSpec = Field(default_factory=AggregateSpec)
    engine: Literal["duckdb", "dask"] = "duckdb"
    dask: DaskSpec = Field(default_factory=DaskSpec)
    outputs: list[Output] = Field(default_factory=list)


def parse_pipeline(data: object, source: str = "<pipeline>") -> Pipeline:
    """Validate a pipeline mapping; an `InputError` naming every bad field."""
    try:
        return Pipeline.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        where = [Location(file=source, field=".".join(str(p) for p in e["loc"])) for e in errors]
        lines = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors]
        raise InputError(
            f"{source}: invalid pipeline: " + "; ".join(lines),
            where=where,
            hint="see docs/datahub.md, Pipeline files",
            where_in_message=True,
        ) from None


def load_pipeline(path: str | Path) -> Pipeline:
    """Read and validate a pipeline file (YAML or JSON)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file", hint="check the path of the pipeline file")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{path.name} is not valid YAML ({exc})",
            where=Location(file=path.name),
            hint="check the indentation and quotes",
        ) from None
    return parse_pipeline(data, path.name)
