"""Shapes of scenario sets and plan reviews in the JSON API (``/api/v1``).

Emissions are tCO2e and money is in the plan's currency, as in `kizuna.review`'s results
(docs/review.md); a review's `result` is the library's ``to_dict()``, the JSON the CLI prints.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kizuna.review import ScenarioSet
from kizuna.server.schemas.common import PageInfo
from kizuna.server.schemas.places import Sharing
from kizuna.server.tables import City, Visibility
from kizuna.server.tables.review import PlanReview, ReviewKind, StoredScenarioSet
from kizuna.server.tenancy.review import MAX_DRAWS, PACKAGED, PACKAGED_NAME

SET_KEY_PATTERN = rf"^({PACKAGED}|[0-9]{{1,9}})$"


class ScenarioBrief(BaseModel):
    """One scenario of a set: its id, name and description."""

    id: str
    name: str
    description: str = ""


class ScenarioSetOut(BaseModel):
    """A scenario set: the packaged one (`key` ``default``, everyone reads it) or a stored
    upload (`key` its id), with its scenarios; `data` is the validated file
    (`kizuna.review.ScenarioSet`) when one set is read."""

    key: str = Field(description="The set in addresses and in stress tests: default or its id.")
    packaged: bool
    name: str
    description: str | None
    source_file: str | None
    created_at: datetime | None
    scenarios: list[ScenarioBrief]
    sharing: Sharing | None = Field(description="None for the packaged set.")
    data: dict[str, Any] | None = Field(
        None, description="Scenarios, exchange rates and sources (only when one set is read)."
    )
    links: dict[str, str]

    @classmethod
    def of(
        cls, stored: StoredScenarioSet | None, scenarios: ScenarioSet, *, full: bool = False
    ) -> ScenarioSetOut:
        """The API view of a stored set, or of the packaged one (`stored` None)."""
        key = PACKAGED if stored is None else str(stored.id)
        links = {"self": f"/api/v1/scenario-sets/{key}", "page": f"/review/scenarios/{key}"}
        if stored is not None:
            links["sharing"] = f"/api/v1/sharing/scenario_set/{stored.id}"
        return cls(
            key=key,
            packaged=stored is None,
            name=PACKAGED_NAME if stored is None else stored.name,
            description=None if stored is None else stored.description,
            source_file="scenarios.yaml" if stored is None else stored.source_file,
            created_at=None if stored is None else stored.created_at,
            scenarios=[
                ScenarioBrief(id=s.id, name=s.name, description=s.description)
                for s in scenarios.scenarios
            ],
            sharing=None if stored is None else Sharing.of(stored),
            data=scenarios.model_dump(mode="json") if full else None,
            links=links,
        )


class ScenarioSetList(PageInfo):
    """A page of the scenario sets you may read: the packaged set first, then the stored
    ones, newest first."""

    scenario_sets: list[ScenarioSetOut]


class ReviewSummaryOut(BaseModel):
    """A stored review of a city's plan, without its inputs and result."""

    id: int
    city: str
    kind: ReviewKind
    title: str
    computed_at: datetime
    plan_computed_at: datetime = Field(description="When the reviewed roadmap was optimised.")
    stale: bool = Field(description="True when the plan was optimised again since.")
    summary: dict[str, Any] = Field(
        description="Headline figures: per scenario the milestones met (stress), each "
        "milestone's probability (risk), on track or not (progress), the cost change (replan)."
    )
    sharing: Sharing
    links: dict[str, str]

    @classmethod
    def fields_of(cls, city: City, review: PlanReview) -> dict[str, Any]:
        base = f"/api/v1/cities/{city.slug}/reviews/{review.id}"
        return {
            "id": review.id,
            "city": city.slug,
            "kind": review.kind,
            "title": review.title,
            "computed_at": review.computed_at,
            "plan_computed_at": review.plan_computed_at,
            "stale": review.stale,
            "summary": review.summary,
            "sharing": Sharing.of(review),
            "links": {
                "self": base,
                "plan": f"/api/v1/cities/{city.slug}/plan",
                "sharing": f"/api/v1/sharing/review/{review.id}",
                "page": f"/cities/{city.slug}/review/{review.id}",
            },
        }

    @classmethod
    def of(cls, city: City, review: PlanReview) -> ReviewSummaryOut:
        return cls(**cls.fields_of(city, review))


class ReviewOut(ReviewSummaryOut):
    """A stored review with what it was computed from and the library's result."""

    inputs: dict[str, Any] = Field(
        description="The scenarios (stress); draws, seed and risk file (risk); the actual "
        "emissions and deliveries read (progress, replan); notes."
    )
    result: dict[str, Any] = Field(
        description="The kizuna.review result's to_dict(): StressResult, RiskResult, "
        "ProgressResult or ReplanResult (tCO2e; money in the plan currency)."
    )

    @classmethod
    def of(cls, city: City, review: PlanReview) -> ReviewOut:
        return cls(**cls.fields_of(city, review), inputs=review.inputs, result=review.result)


class ReviewList(PageInfo):
    """A page of the reviews of a city's plan you may read, newest first."""

    city: str
    reviews: list[ReviewSummaryOut]


class _Sharing(BaseModel):
    model_config = ConfigDict(extra="forbid")

    visibility: Visibility | None = Field(
        None, description="Who reads the review (private unless given; not private: admins)."
    )
    licence: str | None = Field(None, max_length=64, description="SPDX id (public reviews).")


class StressIn(_Sharing):
    """A stress test of the plan's roadmap under a scenario set."""

    scenario_set: str = Field(
        PACKAGED, pattern=SET_KEY_PATTERN, description="default (packaged) or a stored set's id."
    )


class RiskIn(_Sharing):
    """A Monte Carlo risk analysis of the plan's roadmap."""

    draws: int = Field(
        2_000,
        description=f"Latin hypercube draws, 2 to {MAX_DRAWS:,} on the web (fewer for "
        "large plans: draws x measures at most 1,000,000); more with `kizuna review risk`.",
    )
    seed: int = Field(0, ge=0, le=2**32 - 1, description="The same seed gives the same draws.")
    risk: dict[str, Any] | None = Field(
        None,
        description="A risk file's content (docs/review.md, 'Risk files'); the packaged "
        "uncertainties when null.",
    )
