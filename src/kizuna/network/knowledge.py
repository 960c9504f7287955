"""Case studies and the solution catalogue: what cities did, and what providers offer.

A case study is what one city did: linked to measures of the planner's library
(`kizuna.planning.library.measure_library`, by id), with its cost (amount and ISO currency,
as reported), the outcome measured, lessons, a contact and the public sources it rests on.
A provider is a company, startup, university or lab; a solution is what a provider offers for
one sector and measure type, with a cost band, an impact per unit, its technology readiness
level (TRL 1-9, as in ISO 16290 / the EU Horizon definitions), references (cities where it is
deployed), regions served (``global``, GeoNames continent codes or ISO alpha-2 countries) and
SDGs. Invented demo organisations say so (``fictional: true``).

Every item carries an owner organisation and a visibility (`kizuna.network.visibility`).
`search_case_studies` ranks them by text (TF-IDF, `kizuna.network.text`) with filters.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kizuna.network.profiles import Goals
from kizuna.network.text import TextIndex
from kizuna.network.visibility import Visibility
from kizuna.planning.library import measure_library

ProviderKind = Literal["company", "startup", "university", "lab"]
CostBand = Literal["low", "medium", "high"]


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    owner: str | None = None
    visibility: Visibility = "public"
    shared_with: list[str] = Field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class Source(BaseModel):
    """A public source: title, publisher, year, URL (and what was read in it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    publisher: str
    year: int
    url: str
    note: str = ""


class Money(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    amount: float | None = Field(None, ge=0)
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    note: str = ""


class Outcome(BaseModel):
    """What was measured: a value in a unit for a year, in words in `text`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    value: float | None = None
    unit: str | None = None
    year: int | None = None


def _known_measures(ids: list[str]) -> list[str]:
    library = measure_library()["measures"]
    unknown = [m for m in ids if m not in library]
    if unknown:
        raise ValueError(
            f"unknown measure ids {unknown}: use ids of the measure library (kizuna plan library)"
        )
    return ids


class CaseStudy(_Item):
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    title: str
    city: str
    country: str = Field(pattern=r"^[A-Z]{2}$")
    geonameid: int | None = None
    years: str = ""  # e.g. "2010-2014"
    measures: list[str] = Field(min_length=1)  # measure library ids
    sector: str | None = None  # GPC sector; by default the first measure's
    summary: str
    cost: Money = Money()
    outcome: Outcome
    lessons: list[str] = Field(default_factory=list)
    contact: str = ""
    sdgs: Goals = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    fictional: bool = False

    @field_validator("measures")
    @classmethod
    def _measures(cls, value: list[str]) -> list[str]:
        return _known_measures(value)

    @model_validator(mode="before")
    @classmethod
    def _default_sector(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("sector") and data.get("measures"):
            entry = measure_library()["measures"].get(data["measures"][0])
            if entry is not None:
                data = {**data, "sector": entry["sector"]}
        return data

    @model_validator(mode="after")
    def _sources(self) -> CaseStudy:
        if not self.fictional and not self.sources:
            raise ValueError(f"case study {self.id!r}: a real case study cites its sources")
        return self

    def text(self) -> str:
        """What text search reads: title, summary, outcome, lessons, tags, measure names."""
        library = measure_library()["measures"]
        names = [library[m]["name"] for m in self.measures]
        return " ".join(
            [
                self.title,
                self.summary,
                self.outcome.text,
                *self.lessons,
                *self.tags,
                *names,
                self.sector or "",
            ]
        )


class Provider(_Item):
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    name: str
    kind: ProviderKind
    country: str = Field(pattern=r"^[A-Z]{2}$")
    description: str = ""
    url: str | None = None
    fictional: bool = False
    sources: list[Source] = Field(default_factory=list)


class Impact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    value: float = Field(ge=0)
    unit: str  # e.g. "tCO2e/yr per bus"
    note: str = ""


class Solution(_Item):
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    provider: str  # Provider.id
    name: str
    description: str
    sector: str  # GPC sector
    measure_type: str  # a measure library id
    cost_band: CostBand
    impact: Impact | None = None
    trl: int = Field(ge=1, le=9)
    references: list[str] = Field(default_factory=list)  # cities where deployed
    regions: list[str] = Field(default_factory=lambda: ["global"])
    sdgs: Goals = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    fictional: bool = False

    @field_validator("measure_type")
    @classmethod
    def _measure(cls, value: str) -> str:
        return _known_measures([value])[0]

    def text(self) -> str:
        name = measure_library()["measures"][self.measure_type]["name"]
        return " ".join([self.name, self.description, self.sector, name])


def library_impact(measure_id: str) -> Impact:
    """The per-unit abatement of a library measure as a solution's impact (with its source)."""
    library = measure_library()
    entry = library["measures"][measure_id]
    unit = entry.get("unit", "unit")
    abatement = entry["abatement"]
    note = (
        f"Kizuna measure library, {measure_id} (sources: "
        + ", ".join(
            f"{k}: {', '.join(v) if isinstance(v, list) else v}"
            for k, v in (entry.get("sources") or {}).items()
        )
        + ")"
    )
    if isinstance(abatement, dict):
        return Impact(
            value=float(abatement["value"]),
            unit=f"{abatement.get('unit', '')} per {unit} (x the grid emission factor)",
            note=note,
        )
    return Impact(value=float(abatement), unit=f"tCO2e/yr per {unit}", note=note)


def search_case_studies(
    cases: list[CaseStudy],
    query: str = "",
    *,
    sector: str | None = None,
    measure: str | None = None,
    country: str | None = None,
    limit: int = 20,
    method: str = "tfidf",
) -> list[tuple[CaseStudy, float]]:
    """Case studies matching the filters, ranked by text similarity to `query` (cosine, 0..1;
    all 0 when the query is empty, then in their given order). Give only visible items."""
    chosen = [
        c
        for c in cases
        if (sector is None or c.sector == sector)
        and (measure is None or measure in c.measures)
        and (country is None or c.country == country.upper())
    ]
    if not chosen:
        return []
    if not query.strip():
        return [(c, 0.0) for c in chosen[:limit]]
    index = TextIndex([c.text() for c in chosen], method=method)
    scores = index.similarity(query)
    order = sorted(range(len(chosen)), key=lambda i: (-scores[i], i))
    return [(chosen[i], float(scores[i])) for i in order[:limit]]
