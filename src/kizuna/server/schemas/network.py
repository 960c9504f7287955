"""Shapes of the network in the JSON API: city network profiles, peers, standing, matches,
providers, solutions, case studies, partnerships and notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kizuna.network.matchmaking import Match
from kizuna.server.schemas.common import PageInfo
from kizuna.server.schemas.places import SLUG_PATTERN, Sharing
from kizuna.server.tables import Visibility
from kizuna.server.tables.network import (
    CaseStudy,
    CityNetworkProfile,
    Notification,
    Partnership,
    Provider,
    Solution,
)

Goals = list[int]
SDG = Field(default_factory=list, max_length=17, description="SDG numbers 1-17.")
OptionalSlug = Field(None, pattern=SLUG_PATTERN, description="Default: made from the title.")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceIn(_In):
    """A public source of a figure: title, publisher, year, address."""

    title: str = Field(min_length=1, max_length=300)
    publisher: str = Field(min_length=1, max_length=300)
    year: int = Field(ge=1800, le=2200)
    url: str = Field(min_length=1, max_length=1000)
    note: str = Field("", max_length=2000)


# --- city network profiles ------------------------------------------------------------------


class NetworkFields(BaseModel):
    """A city's own network fields (empty ones come from GeoNames)."""

    geonameid: int | None = Field(None, ge=1, le=99_999_999, description="GeoNames id.")
    locode: str | None = Field(None, max_length=6, description="UN/LOCODE, such as JPYOK.")
    latitude: float | None = Field(None, ge=-90, le=90, description="Degrees.")
    longitude: float | None = Field(None, ge=-180, le=180, description="Degrees.")
    area_km2: float | None = Field(None, gt=0, le=1e6, description="Land area, km2.")
    gdp_per_capita: float | None = Field(None, gt=0, le=1e9, description="In gdp_currency.")
    gdp_currency: str | None = Field(None, pattern=r"^[A-Z]{3}$", description="ISO 4217.")
    gdp_year: int | None = Field(None, ge=1950, le=2200)
    priority_sdgs: Goals | None = Field(None, max_length=17, description="SDG numbers 1-17.")
    off_track_indicators: list[str] | None = Field(
        None, max_length=300, description="SDG indicator codes such as 11.6.2."
    )
    challenges: list[str] | None = Field(None, max_length=50)
    languages: list[str] | None = Field(None, max_length=50, description="BCP 47 tags.")

    @classmethod
    def of(cls, row: CityNetworkProfile | None) -> NetworkFields:
        if row is None:
            return cls()
        return cls.model_validate({f: getattr(row, f) for f in cls.model_fields})


class NetworkFieldsIn(NetworkFields):
    """Network fields to set (a field left out stays; ``null`` clears it)."""

    model_config = ConfigDict(extra="forbid")


class NetworkProfileOut(BaseModel):
    """A city's network profile: GeoNames identity, its own figures and network fields, and
    emissions (tCO2e) and sector shares from its latest inventory you may read."""

    city: str = Field(description="Slug of the city.")
    profile: dict[str, Any] = Field(
        description="kizuna.network.CityProfile.to_dict(): name, country, coordinates, "
        "population, area, density, GDP per capita, climate zone, emissions, sector shares, "
        "targets, SDGs, challenges, languages."
    )
    stored: NetworkFields = Field(description="The fields the city set itself.")
    links: dict[str, str]


# --- peers, standing, matches ---------------------------------------------------------------


class PeerOut(BaseModel):
    """A peer city: `score` 0-1 (higher is closer) and the reasons (docs/network.md)."""

    name: str
    country: str
    admin1: str | None
    geonameid: int | None
    score: float
    distance: float
    coverage: float
    explanation: str
    components: list[dict[str, Any]]
    latitude: float | None
    longitude: float | None
    city: str | None = Field(description="Slug of the peer when it is a city of this instance.")


class PeersOut(BaseModel):
    """The k cities most like a city, best first; the city is never its own peer."""

    city: str
    name: str
    country: str
    geonameid: int | None
    latitude: float | None
    longitude: float | None
    dimensions: list[str]
    dimensions_used: list[str]
    candidates: int
    method: str
    peers: list[PeerOut]


class StandingOut(BaseModel):
    """Where the city stands on one metric among its peers (percentile 0-100)."""

    metric: str
    label: str
    unit: str
    value: float | None
    peers: int
    median: float | None
    p25: float | None
    p75: float | None
    percentile: float | None


class BenchmarkOut(BaseModel):
    """The city's standing among its peers, on each metric it has."""

    city: str
    peers: list[str]
    standing: list[StandingOut]


class ScoreComponentOut(BaseModel):
    """One part of a match score: value 0-1 x weight = contribution, and why."""

    name: str
    value: float
    weight: float
    contribution: float
    reason: str


class MatchOut(BaseModel):
    """A ranked solution or case study: score = sum of the components' contributions."""

    kind: str
    id: str
    title: str
    score: float
    reasons: list[str]
    components: list[ScoreComponentOut]
    detail: dict[str, Any]
    page: str

    @classmethod
    def of(cls, m: Match) -> MatchOut:
        base = "/network/solutions/" if m.kind == "solution" else "/network/case-studies/"
        return cls(
            kind=m.kind,
            id=m.id,
            title=m.title,
            score=m.score,
            reasons=m.reasons,
            components=[ScoreComponentOut.model_validate(c.to_dict()) for c in m.components],
            detail=m.detail,
            page=base + m.id,
        )


class MatchesOut(BaseModel):
    """Solutions, case studies and cities that did it, for a city's needs (read from its
    plan where you may read it, and its off-track SDG indicators)."""

    city: str
    text_method: str = Field(description="tfidf, or embedding:<model> when installed.")
    needs: dict[str, Any]
    solutions: list[MatchOut]
    case_studies: list[MatchOut]
    peer_cities: list[dict[str, Any]]


# --- providers and solutions ----------------------------------------------------------------


def _links(kind: str, slug: str, page: str, shared_type: str, obj_id: int) -> dict[str, str]:
    return {
        "self": f"/api/v1/network/{kind}/{slug}",
        "page": page,
        "sharing": f"/api/v1/sharing/{shared_type}/{obj_id}",
    }


class ProviderOut(BaseModel):
    """A company, startup, university or lab offering solutions."""

    slug: str
    name: str
    kind: str
    country: str
    description: str
    url: str | None
    organisation: str | None = Field(description="Slug of its own organisation here, if any.")
    fictional: bool
    sources: list[dict[str, Any]]
    sharing: Sharing
    links: dict[str, str]

    @classmethod
    def of(cls, p: Provider) -> ProviderOut:
        links = _links("providers", p.slug, p.describe()[1], "provider", p.id)
        links["solutions"] = f"/api/v1/network/solutions?provider={p.slug}"
        return cls(
            slug=p.slug,
            name=p.name,
            kind=p.kind.value,
            country=p.country,
            description=p.description,
            url=p.url,
            organisation=p.organisation.slug if p.organisation else None,
            fictional=p.fictional,
            sources=p.sources,
            sharing=Sharing.of(p),
            links=links,
        )


class ProviderList(PageInfo):
    """A page of the providers you may read, by name."""

    providers: list[ProviderOut]


class ProviderIn(_In):
    """A new provider, owned by your company, startup or university `owner`."""

    owner: str = Field(pattern=SLUG_PATTERN, description="Slug of the provider organisation.")
    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(pattern=r"^(company|startup|university|lab)$")
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2.")
    slug: str | None = OptionalSlug
    description: str = Field("", max_length=5000)
    url: str | None = Field(None, max_length=500)
    sources: list[SourceIn] = Field(default_factory=list, max_length=50)
    visibility: Visibility = Visibility.PRIVATE
    licence: str | None = Field(None, max_length=64)


class SolutionOut(BaseModel):
    """A solution: sector, measure type, cost band, impact per unit, TRL 1-9, regions, SDGs."""

    slug: str
    provider: str
    provider_name: str
    name: str
    description: str
    sector: str
    measure_type: str
    cost_band: str
    impact: dict[str, Any] | None
    trl: int
    references: list[str]
    regions: list[str]
    sdgs: list[int]
    sources: list[dict[str, Any]]
    fictional: bool
    sharing: Sharing
    links: dict[str, str]

    @classmethod
    def of(cls, s: Solution) -> SolutionOut:
        return cls(
            slug=s.slug,
            provider=s.provider.slug,
            provider_name=s.provider.name,
            name=s.name,
            description=s.description,
            sector=s.sector,
            measure_type=s.measure_type,
            cost_band=s.cost_band.value,
            impact=s.impact,
            trl=s.trl,
            references=s.references,
            regions=s.regions,
            sdgs=s.sdgs,
            sources=s.sources,
            fictional=s.fictional,
            sharing=Sharing.of(s),
            links=_links("solutions", s.slug, s.describe()[1], "solution", s.id),
        )


class SolutionList(PageInfo):
    """A page of the solutions you may read, by name."""

    solutions: list[SolutionOut]


class SolutionIn(_In):
    """A new solution of provider `provider` (you are an editor of its organisation)."""

    provider: str = Field(pattern=SLUG_PATTERN)
    name: str = Field(min_length=1, max_length=300)
    description: str = Field(min_length=1, max_length=5000)
    measure_type: str = Field(min_length=1, max_length=64, description="A measure library id.")
    cost_band: str = Field(pattern=r"^(low|medium|high)$")
    trl: int = Field(ge=1, le=9, description="Technology readiness level.")
    slug: str | None = OptionalSlug
    sector: str | None = Field(None, max_length=64, description="Default: the measure's.")
    references: list[str] = Field(default_factory=list, max_length=100)
    regions: list[str] = Field(default_factory=lambda: ["global"], max_length=100)
    sdgs: Goals = SDG
    sources: list[SourceIn] = Field(default_factory=list, max_length=50)
    visibility: Visibility = Visibility.PRIVATE
    licence: str | None = Field(None, max_length=64)


# --- case studies ---------------------------------------------------------------------------


class CaseStudyOut(BaseModel):
    """What a city did, with its cost, the outcome measured, lessons and sources."""

    slug: str
    title: str
    city_name: str
    country: str
    city: str | None = Field(description="Slug of the city here, when it is one.")
    geonameid: int | None
    years: str
    measures: list[str]
    sector: str | None
    summary: str
    cost: dict[str, Any]
    outcome: dict[str, Any]
    lessons: list[str]
    contact: str
    sdgs: list[int]
    tags: list[str]
    sources: list[dict[str, Any]]
    fictional: bool
    score: float | None = Field(None, description="Text similarity to the query (0-1).")
    sharing: Sharing
    links: dict[str, str]

    @classmethod
    def of(cls, c: CaseStudy, city_slug: str | None, score: float | None = None) -> CaseStudyOut:
        return cls(
            slug=c.slug,
            title=c.title,
            city_name=c.city_name,
            country=c.country,
            city=city_slug,
            geonameid=c.geonameid,
            years=c.years,
            measures=c.measures,
            sector=c.sector,
            summary=c.summary,
            cost=c.cost,
            outcome=c.outcome,
            lessons=c.lessons,
            contact=c.contact,
            sdgs=c.sdgs,
            tags=c.tags,
            sources=c.sources,
            fictional=c.fictional,
            score=score,
            sharing=Sharing.of(c),
            links=_links("case-studies", c.slug, c.describe()[1], "case_study", c.id),
        )


class CaseStudyList(PageInfo):
    """A page of the case studies you may read: best match to `query` first (by title
    without one)."""

    query: str
    method: str
    case_studies: list[CaseStudyOut]


class OutcomeIn(_In):
    """What was measured: in words, and as a value in a unit for a year when there is one."""

    text: str = Field(min_length=1, max_length=5000)
    value: float | None = None
    unit: str | None = Field(None, max_length=200)
    year: int | None = Field(None, ge=1800, le=2200)


class CostIn(_In):
    """The cost as reported: an amount in an ISO currency, or a note."""

    amount: float | None = Field(None, ge=0)
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    note: str = Field("", max_length=2000)


class CaseStudyIn(_In):
    """A new case study owned by organisation `owner`; a real one cites its sources."""

    owner: str = Field(pattern=SLUG_PATTERN)
    title: str = Field(min_length=1, max_length=300)
    city_name: str = Field(min_length=1, max_length=200)
    country: str = Field(pattern=r"^[A-Z]{2}$")
    measures: list[str] = Field(min_length=1, max_length=30, description="Measure library ids.")
    summary: str = Field(min_length=1, max_length=10_000)
    outcome: OutcomeIn
    slug: str | None = OptionalSlug
    city: str | None = Field(None, pattern=SLUG_PATTERN, description="A city here, if any.")
    geonameid: int | None = Field(None, ge=1, le=99_999_999)
    years: str = Field("", max_length=32)
    sector: str | None = Field(None, max_length=64)
    cost: CostIn = Field(default_factory=CostIn)
    lessons: list[str] = Field(default_factory=list, max_length=50)
    contact: str = Field("", max_length=300)
    sdgs: Goals = SDG
    tags: list[str] = Field(default_factory=list, max_length=50)
    sources: list[SourceIn] = Field(default_factory=list, max_length=50)
    fictional: bool = False
    visibility: Visibility = Visibility.PRIVATE
    licence: str | None = Field(None, max_length=64)


# --- partnerships ---------------------------------------------------------------------------


class MemberOut(BaseModel):
    """An organisation in a partnership: role and invitation status."""

    organisation: str
    name: str
    kind: str
    role: str
    status: str


class DocumentOut(BaseModel):
    """A document of a partnership and where it is kept."""

    title: str
    url: str
    kind: str
    added_at: datetime


class UpdateOut(BaseModel):
    """An entry of a partnership's feed."""

    at: datetime
    author: str | None
    kind: str
    text: str


class PartnershipOut(BaseModel):
    """A partnership project: goal, stage, members, documents, timeline and feed."""

    slug: str
    title: str
    goal: str
    stage: str
    allowed_stages: list[str] = Field(description="Where the stage may move next.")
    measures: list[str]
    sdgs: list[int]
    timeline: list[dict[str, Any]]
    members: list[MemberOut]
    documents: list[DocumentOut]
    feed: list[UpdateOut]
    fictional: bool
    sharing: Sharing
    links: dict[str, str]

    @classmethod
    def of(cls, p: Partnership, allowed: list[str]) -> PartnershipOut:
        return cls(
            slug=p.slug,
            title=p.title,
            goal=p.goal,
            stage=p.stage.value,
            allowed_stages=allowed,
            measures=p.measures,
            sdgs=p.sdgs,
            timeline=p.timeline,
            members=[
                MemberOut(
                    organisation=m.organisation.slug,
                    name=m.organisation.name,
                    kind=m.organisation.kind.value,
                    role=m.role.value,
                    status=m.status.value,
                )
                for m in p.members
            ],
            documents=[
                DocumentOut(title=d.title, url=d.url, kind=d.kind, added_at=d.added_at)
                for d in p.documents
            ],
            feed=[
                UpdateOut(
                    at=u.at,
                    author=u.author.slug if u.author else None,
                    kind=u.kind.value,
                    text=u.text,
                )
                for u in p.updates
            ],
            fictional=p.fictional,
            sharing=Sharing.of(p),
            links=_links("partnerships", p.slug, p.describe()[1], "partnership", p.id),
        )


class PartnershipCard(BaseModel):
    """A partnership on the board: its stage, accepted and invited members."""

    slug: str
    title: str
    stage: str
    members: list[str]
    invited: list[str]
    updated_at: datetime
    page: str


class PartnershipList(PageInfo):
    """A page of the partnerships you may read (as a member or by their visibility)."""

    partnerships: list[PartnershipCard]


class StageColumn(BaseModel):
    """One column of the board: a stage, how many partnerships and their cards."""

    stage: str
    count: int
    items: list[dict[str, Any]]


class PipelineOut(BaseModel):
    """The pipeline board a network secretariat needs: partnerships by stage, in order."""

    total: int
    stages: list[StageColumn]


class PartnershipIn(_In):
    """A new partnership led by organisation `owner` (you are its editor or more)."""

    owner: str = Field(pattern=SLUG_PATTERN)
    title: str = Field(min_length=1, max_length=300)
    goal: str = Field(min_length=1, max_length=5000)
    slug: str | None = OptionalSlug
    measures: list[str] = Field(default_factory=list, max_length=30)
    sdgs: Goals = SDG
    timeline: list[dict[str, Any]] = Field(default_factory=list, max_length=100)
    visibility: Visibility = Visibility.PRIVATE
    licence: str | None = Field(None, max_length=64)


class _Acting(_In):
    as_organisation: str | None = Field(
        None,
        pattern=SLUG_PATTERN,
        description="The member organisation you act for (default: the one where you are "
        "editor or more, leads first).",
    )


class InviteIn(_Acting):
    """Invite organisation `organisation` as `role` (a lead's editors)."""

    organisation: str = Field(pattern=SLUG_PATTERN)
    role: str = Field(pattern=r"^(lead|partner|provider|funder|observer)$")


class ResponseIn(_In):
    """Accept (true) or decline (false) the invitation."""

    accept: bool


class StageIn(_Acting):
    """Move to `stage` (one step forward, or one back), with an optional note."""

    stage: str = Field(max_length=32)
    note: str = Field("", max_length=5000)


class UpdateIn(_Acting):
    """A note for the feed."""

    text: str = Field(min_length=1, max_length=5000)


class DocumentIn(_Acting):
    """A document: its title and the https:// address where it is kept."""

    title: str = Field(min_length=1, max_length=300)
    url: str = Field(min_length=1, max_length=1000)
    kind: str = Field("document", max_length=64)


# --- notifications --------------------------------------------------------------------------


class NotificationOut(BaseModel):
    """An in-app notification: what happened, where, when, read or not."""

    id: int
    text: str
    link: str
    created_at: datetime
    read: bool

    @classmethod
    def of(cls, n: Notification) -> NotificationOut:
        return cls(id=n.id, text=n.text, link=n.link, created_at=n.created_at, read=n.is_read)


class NotificationList(BaseModel):
    """Your newest notifications, and how many are unread."""

    unread: int
    notifications: list[NotificationOut]


class ReadIn(_In):
    """Mark these notifications read (`ids`), or all unread ones (`ids` left out)."""

    ids: list[int] | None = Field(None, max_length=500)


class ReadOut(BaseModel):
    """How many notifications were marked read, and how many are left unread."""

    marked: int
    unread: int
