"""Shapes of SDG data sets, progress assessments and VLR projects in the JSON API (``/api/v1``).

Progress follows `kizuna.sdg` (Open SDG / Statistics Canada method, docs/methods.md):
scores from -5 to 5, statuses `kizuna.sdg.STATUSES`; values are in each indicator's unit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kizuna.sdg import Assessment, IndicatorData
from kizuna.server.schemas.common import PageInfo
from kizuna.server.schemas.places import Sharing
from kizuna.server.tables import Visibility
from kizuna.server.tables.sdg import SdgDataset, VlrProject

Status = Literal[
    "target_achieved",
    "substantial_progress",
    "moderate_progress",
    "limited_progress",
    "deterioration",
    "not_available",
]
Lang = Literal["en", "ja"]


def dataset_links(dataset: SdgDataset) -> dict[str, str]:
    """The addresses of a data set (API and pages)."""
    base = f"/api/v1/cities/{dataset.city.slug}/sdg/datasets/{dataset.name}"
    return {
        "self": base,
        "progress": f"{base}/progress",
        "download": f"{base}/download",
        "page": f"/sdg/{dataset.city.slug}?dataset={dataset.name}",
        "sharing": f"/api/v1/sharing/{dataset.shared_type}/{dataset.id}",
    }


class _DatasetFields(BaseModel):
    city: str = Field(description="Slug of the city.")
    name: str = Field(description="The data set's name within the city (indicators).")
    title: str
    source_file: str = Field(description="The uploaded file(s) it came from.")
    uploaded_at: datetime
    sharing: Sharing
    links: dict[str, str] = Field(description="self, progress, download, page, sharing.")

    @staticmethod
    def fields_of(dataset: SdgDataset) -> dict[str, Any]:
        return {
            "city": dataset.city.slug,
            "name": dataset.name,
            "title": dataset.title,
            "source_file": dataset.source_file,
            "uploaded_at": dataset.uploaded_at,
            "sharing": Sharing.of(dataset),
            "links": dataset_links(dataset),
        }


class SdgDatasetSummary(_DatasetFields):
    """A stored data set of a city (Open SDG indicators)."""

    indicators: int = Field(ge=0, description="How many indicators it holds.")

    @classmethod
    def of(cls, dataset: SdgDataset, count: int) -> SdgDatasetSummary:
        return cls(**cls.fields_of(dataset), indicators=count)


class SdgDatasetList(PageInfo):
    """A page of data sets you may read."""

    datasets: list[SdgDatasetSummary]


class SdgIndicatorSummary(BaseModel):
    """One indicator of a data set: its number, name, unit and the years it covers."""

    id: str = Field(description="The id of its file name: indicator_<id>.csv (13-2-2).")
    number: str = Field(description="Its number with dots (13.2.2, 11.1.1.a).")
    name: str
    name_ja: str | None
    unit: str | None
    global_indicators: list[str] = Field(description="The global indicators it maps to.")
    goals: list[int]
    first_year: int | None
    last_year: int | None
    points: int = Field(ge=0, description="Values in its CSV (rows with a Value).")
    links: dict[str, str] = Field(description="self and page.")


class SdgDatasetOut(_DatasetFields):
    """A data set with its indicators."""

    indicators: list[SdgIndicatorSummary]


class SdgIndicatorOut(SdgIndicatorSummary):
    """One indicator with its Open SDG config and its data rows (blank cells as null)."""

    config: dict[str, Any]
    columns: list[str]
    rows: list[dict[str, Any]]


def indicator_summary(
    dataset: SdgDataset, item: IndicatorData, assessment: Assessment
) -> dict[str, Any]:
    """The `SdgIndicatorSummary` fields of `item` (as assessed in `assessment`)."""
    local = assessment.indicator(item.id).indicator
    years = item.frame["Year"].astype(str).str.slice(0, 4).astype(int)
    base = dataset_links(dataset)
    return {
        "id": item.id,
        "number": local.number,
        "name": local.name,
        "name_ja": local.name_ja,
        "unit": local.unit,
        "global_indicators": list(local.global_indicators),
        "goals": list(local.goals),
        "first_year": int(years.min()) if len(years) else None,
        "last_year": int(years.max()) if len(years) else None,
        "points": int(item.frame["Value"].notna().sum()),
        "links": {
            "self": f"{base['self']}/indicators/{item.id}",
            "page": f"/sdg/{dataset.city.slug}/indicators/{item.id}?dataset={dataset.name}",
        },
    }


class SeriesProgressOut(BaseModel):
    """The progress of one series (values in the indicator's unit; null when not assessed)."""

    series: str
    base_year: int | None
    base_value: float | None
    current_year: int | None
    current_value: float | None
    direction: int = Field(description="1: higher is better; -1: lower is better.")
    target: float | None
    target_year: int | None
    limit: float | None
    progress_value: float | None = Field(
        description="R = CAGR / required CAGR with a target; the growth in the desired "
        "direction without one."
    )
    score: float | None = Field(description="From -5 to 5.")
    status: Status


class IndicatorProgressOut(BaseModel):
    """An indicator's progress: the mean score of its series and its status."""

    id: str
    number: str
    name: str
    name_ja: str | None
    unit: str | None
    global_indicators: list[str]
    targets: list[str]
    goals: list[int]
    sources: list[str]
    is_global: bool
    score: float | None
    status: Status
    manual: bool = Field(description="True when the status is given by hand in the config.")
    series: list[SeriesProgressOut]


class GroupProgressOut(BaseModel):
    """A global indicator, target or goal: the mean score of its members and its status."""

    level: Literal["global_indicator", "target", "goal"]
    key: str = Field(description="11.6.2, 11.6 or 11.")
    score: float | None
    status: Status
    members: list[str]


class ProgressOut(BaseModel):
    """The progress assessment of a data set (`kizuna.sdg.Assessment.to_dict()`)."""

    city: str
    dataset: str
    framework: str
    status_counts: dict[str, int]
    indicators: list[IndicatorProgressOut]
    global_indicators: list[GroupProgressOut]
    targets: list[GroupProgressOut]
    goals: list[GroupProgressOut]


class VlrOut(BaseModel):
    """A city's VLR project: city.yaml fields, narratives by language and section."""

    city: str
    dataset: str | None = Field(description="Name of the data set it reviews.")
    use_plan: bool = Field(description="Whether it shows the city's stored climate plan.")
    config: dict[str, Any] = Field(description="The fields of city.yaml (docs/sdg.md).")
    narratives: dict[str, dict[str, str]] = Field(
        description="Markdown by language and section: {en: {opening: ..., goals/13: ...}}."
    )
    updated_at: datetime
    sharing: Sharing
    links: dict[str, str] = Field(description="self, narratives, html, pdf, page, sharing.")

    @classmethod
    def of(cls, project: VlrProject) -> VlrOut:
        slug = project.city.slug
        base = f"/api/v1/cities/{slug}/vlr"
        by_lang: dict[str, dict[str, str]] = {}
        for key, texts in project.narratives.items():
            for lang, text in texts.items():
                by_lang.setdefault(lang, {})[key] = text
        return cls(
            city=slug,
            dataset=project.dataset.name if project.dataset else None,
            use_plan=project.use_plan,
            config=project.config,
            narratives=by_lang,
            updated_at=project.updated_at,
            sharing=Sharing.of(project),
            links={
                "self": base,
                "narratives": f"{base}/narratives",
                "html": f"{base}/report.html",
                "pdf": f"{base}/report.pdf",
                "page": f"/sdg/{slug}/vlr",
                "sharing": f"/api/v1/sharing/{project.shared_type}/{project.id}",
            },
        )


class VlrIn(BaseModel):
    """The settings of a VLR: its city.yaml fields, data set and whether to show the plan.

    A new VLR is private unless `visibility` is given (admins); later changes of sharing go
    through ``/api/v1/sharing/vlr/{id}``.
    """

    model_config = ConfigDict(extra="forbid")

    config: dict[str, Any] = Field(
        description="city.yaml fields: name, name_ja, country, report_year, title, title_ja, "
        "facts, climate, budget, sources (docs/sdg.md)."
    )
    dataset: str | None = Field(None, max_length=64, description="A data set of the city.")
    use_plan: bool = True
    visibility: Visibility | None = None
    licence: str | None = Field(None, max_length=64)


class NarrativesIn(BaseModel):
    """Narrative sections to set, by language and section; an empty text removes one."""

    model_config = ConfigDict(extra="forbid")

    narratives: dict[Lang, dict[str, str]] = Field(
        description="{en: {opening: '...', goals/13: '...'}, ja: {...}}; sections: opening, "
        "highlights, profile, methodology, policy, lnob, means, climate, conclusions, "
        "goals/1 to goals/17."
    )
