"""Shapes of a city's pipelines in the JSON API: the file in, the pipeline out, a run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kizuna.server.schemas.places import Sharing
from kizuna.server.tables.base import Visibility
from kizuna.server.tables.datahub import Dataset, HubPipeline


class PipelineIn(BaseModel):
    """A pipeline file to store for a city (docs/datahub.md, Pipeline files)."""

    model_config = ConfigDict(extra="forbid")

    definition: str = Field(
        ..., min_length=10, max_length=64_000, description="The pipeline file, YAML or JSON."
    )
    visibility: Visibility = Visibility.PRIVATE
    licence: str = Field("", max_length=64, description="An open licence (SPDX id).")


class PipelineChange(BaseModel):
    """A new text of a stored pipeline's file (its name stays)."""

    model_config = ConfigDict(extra="forbid")

    definition: str = Field(..., min_length=10, max_length=64_000)


class PipelineOut(BaseModel):
    """A city's pipeline: its file, its outputs' data sets and what its last run did."""

    name: str
    city: str = Field(description="Slug of the city.")
    title: str
    definition: str = Field(description="The pipeline file as written.")
    spec: dict[str, Any] = Field(description="The file as validated, defaults filled in.")
    input: str = Field(description="The city's data set the pipeline reads.")
    outputs: dict[str, str | None] = Field(
        description="Each output's data set name (null until the first run made it)."
    )
    last_run: dict[str, Any] | None
    last_run_at: datetime | None
    created_at: datetime
    updated_at: datetime
    sharing: Sharing
    links: dict[str, str]

    @classmethod
    def of(cls, pipeline: HubPipeline, outputs: dict[str, Dataset]) -> PipelineOut:
        base = f"/api/v1/cities/{pipeline.city.slug}/pipelines/{pipeline.name}"
        names = [o["name"] for o in pipeline.spec.get("outputs", [])]
        return cls(
            name=pipeline.name,
            city=pipeline.city.slug,
            title=pipeline.title,
            definition=pipeline.definition,
            spec=pipeline.spec,
            input=pipeline.spec["input"]["dataset"],
            outputs={n: outputs[n].name if n in outputs else None for n in names},
            last_run=pipeline.last_run,
            last_run_at=pipeline.last_run_at,
            created_at=pipeline.created_at,
            updated_at=pipeline.updated_at,
            sharing=Sharing.of(pipeline),
            links={
                "self": base,
                "run": f"{base}/run",
                "page": pipeline.page,
                "sharing": f"/api/v1/sharing/pipeline/{pipeline.id}",
            },
        )


class PipelineList(BaseModel):
    """The pipelines of a city you may read, by name."""

    pipelines: list[PipelineOut]


class RunOutputOut(BaseModel):
    """One output of a run: its rows and the keys (year/GPC number, year/disaggregation)
    whose rows are new, changed or gone since the previous run."""

    name: str
    kind: str
    dataset: str = Field(description="The city's data set holding the output.")
    rows: int
    changed: list[str]


class RunOut(BaseModel):
    """What a run did: months recomputed (their input changed), kept, removed; the outputs."""

    model_config = ConfigDict(extra="ignore")

    pipeline: str
    input: str
    engine: str
    recomputed: list[str]
    unchanged: list[str]
    removed: list[str]
    monthly_rows: int
    outputs: list[RunOutputOut]
    ran_at: datetime
    ran_by: str
