"""The network tables of the platform: city network profiles, providers, solutions, case
studies, partnership projects (members, documents, the feed) and in-app notifications.

Providers, solutions, case studies and partnerships are shared objects
(`places.SharedObject`: owner organisation, visibility, licence); who reads and changes
them is decided in `kizuna.server.tenancy.network`. The values mirror the library's
(`kizuna.network.knowledge`, `kizuna.network.partnerships`), which validate them.

The extra fields of a city's network profile (GeoNames id, UN/LOCODE, coordinates, area,
GDP per capita, priority SDGs, ...) are a 1:1 table, `CityNetworkProfile`, rather than
columns of ``city``: the ``city`` model belongs to the platform core (`places.City`), the
profile is optional (most cities take these figures from GeoNames), and it follows its
city's sharing, so it needs no visibility of its own.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kizuna.server.tables.base import Base, JSONDict, JSONList, StrList, str_enum, utcnow
from kizuna.server.tables.places import SharedObject

if TYPE_CHECKING:
    from kizuna.server.tables.accounts import Organisation
    from kizuna.server.tables.places import City

IntList = list[int]


class ProviderKind(StrEnum):
    """What a solution provider is."""

    COMPANY = "company"
    STARTUP = "startup"
    UNIVERSITY = "university"
    LAB = "lab"


class CostBand(StrEnum):
    """A solution's cost, roughly."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Stage(StrEnum):
    """Stages of a partnership project, in order (`kizuna.network.partnerships.STAGES`)."""

    IDEA = "idea"
    SCREENING = "screening"
    FEASIBILITY = "feasibility"
    INVESTMENT_READY = "investment-ready"
    FINANCED = "financed"
    IMPLEMENTED = "implemented"


class MemberRole(StrEnum):
    """An organisation's role in a partnership."""

    LEAD = "lead"
    PARTNER = "partner"
    PROVIDER = "provider"
    FUNDER = "funder"
    OBSERVER = "observer"


class MemberStatus(StrEnum):
    """Where an organisation's invitation to a partnership stands."""

    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class UpdateKind(StrEnum):
    """What an entry of a partnership's feed records."""

    NOTE = "note"
    STAGE = "stage"
    INVITATION = "invitation"
    RESPONSE = "response"
    DOCUMENT = "document"


def _json_list() -> Mapped[Any]:
    return mapped_column(JSON, default=list)


class CityNetworkProfile(Base):
    """A city's network profile beyond the platform's city fields (1:1 with ``city``).

    Degrees for coordinates, km2 for the land area, GDP per capita in `gdp_currency`
    (ISO 4217) of `gdp_year`, never converted. Empty fields are taken from GeoNames
    through the registry (`kizuna.network.registry`).
    """

    __tablename__ = "city_network_profile"

    city_id: Mapped[int] = mapped_column(
        ForeignKey("city.id", ondelete="CASCADE"), primary_key=True
    )
    geonameid: Mapped[int | None] = mapped_column(index=True)
    locode: Mapped[str | None] = mapped_column(String(6))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    area_km2: Mapped[float | None]
    gdp_per_capita: Mapped[float | None]
    gdp_currency: Mapped[str | None] = mapped_column(String(3))
    gdp_year: Mapped[int | None]
    #: SDG numbers 1-17.
    priority_sdgs: Mapped[IntList] = _json_list()
    #: SDG indicator codes such as ``11.6.2``.
    off_track_indicators: Mapped[StrList] = _json_list()
    challenges: Mapped[StrList] = _json_list()
    #: BCP 47 tags (``ja``, ``en-SG``).
    languages: Mapped[StrList] = _json_list()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    city: Mapped[City] = relationship()


class Provider(SharedObject, Base):
    """A company, startup, university or lab that offers solutions.

    `organisation_id` is the provider's own organisation on this instance when it has
    one (its members publish its solutions); a provider listed by someone else (the demo
    network's secretariat) has none.
    """

    __tablename__ = "network_provider"
    shared_type = "provider"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ProviderKind] = mapped_column(str_enum(ProviderKind, "kind"))
    #: ISO 3166-1 alpha-2.
    country: Mapped[str] = mapped_column(String(2))
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(500))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    fictional: Mapped[bool] = mapped_column(default=False)
    #: ``[{title, publisher, year, url, note}]``.
    sources: Mapped[JSONList] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    #: The owner organisation (the mixin's relationship, with the foreign key named: this
    #: table has a second one to ``organisation``).
    owner: Mapped[Organisation] = relationship(foreign_keys="Provider.owner_org_id")
    organisation: Mapped[Organisation | None] = relationship(foreign_keys=[organisation_id])
    solutions: Mapped[list[Solution]] = relationship(
        back_populates="provider", order_by="Solution.name", passive_deletes=True
    )

    def describe(self) -> tuple[str, str]:
        return self.name, f"/network/providers/{self.slug}"


class Solution(SharedObject, Base):
    """What a provider offers for one sector and measure type (`kizuna.network.Solution`)."""

    __tablename__ = "network_solution"
    shared_type = "solution"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("network_provider.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    #: A GPC sector (``Transportation``).
    sector: Mapped[str] = mapped_column(String(64))
    #: A measure library id (``electric-bus``).
    measure_type: Mapped[str] = mapped_column(String(64))
    cost_band: Mapped[CostBand] = mapped_column(str_enum(CostBand, "cost_band"))
    #: ``{value, unit, note}``: abatement per unit (the library measure's by default).
    impact: Mapped[JSONDict | None] = mapped_column(JSON)
    #: Technology readiness level, 1-9.
    trl: Mapped[int]
    #: Cities where it is deployed.
    references: Mapped[StrList] = _json_list()
    #: ``global``, GeoNames continent codes or ISO alpha-2 countries.
    regions: Mapped[StrList] = _json_list()
    sdgs: Mapped[IntList] = _json_list()
    sources: Mapped[JSONList] = mapped_column(default=list)
    fictional: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    provider: Mapped[Provider] = relationship(back_populates="solutions")

    def describe(self) -> tuple[str, str]:
        return self.name, f"/network/solutions/{self.slug}"


class CaseStudy(SharedObject, Base):
    """What a city did (`kizuna.network.CaseStudy`); `city_id` links a city of this
    instance when the case study is about one."""

    __tablename__ = "network_case_study"
    shared_type = "case_study"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    title: Mapped[str] = mapped_column(String(300))
    city_name: Mapped[str] = mapped_column(String(200))
    #: ISO 3166-1 alpha-2.
    country: Mapped[str] = mapped_column(String(2))
    geonameid: Mapped[int | None]
    city_id: Mapped[int | None] = mapped_column(
        ForeignKey("city.id", ondelete="SET NULL"), index=True
    )
    years: Mapped[str] = mapped_column(String(32), default="")
    #: Measure library ids.
    measures: Mapped[StrList] = _json_list()
    sector: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text)
    #: ``{amount, currency, note}`` as reported.
    cost: Mapped[JSONDict] = mapped_column(default=dict)
    #: ``{text, value, unit, year}``.
    outcome: Mapped[JSONDict] = mapped_column(default=dict)
    lessons: Mapped[StrList] = _json_list()
    contact: Mapped[str] = mapped_column(String(300), default="")
    sdgs: Mapped[IntList] = _json_list()
    tags: Mapped[StrList] = _json_list()
    sources: Mapped[JSONList] = mapped_column(default=list)
    fictional: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def describe(self) -> tuple[str, str]:
        return self.title, f"/network/case-studies/{self.slug}"


class Partnership(SharedObject, Base):
    """A partnership project between cities and providers (`kizuna.network.Partnership`).

    Its members read it whatever its visibility (`kizuna.server.tenancy.network`).
    """

    __tablename__ = "partnership"
    shared_type = "partnership"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    title: Mapped[str] = mapped_column(String(300))
    goal: Mapped[str] = mapped_column(Text)
    stage: Mapped[Stage] = mapped_column(str_enum(Stage, "stage"), default=Stage.IDEA)
    measures: Mapped[StrList] = _json_list()
    sdgs: Mapped[IntList] = _json_list()
    #: ``[{date, title, done}]``, dates as ISO text.
    timeline: Mapped[JSONList] = mapped_column(default=list)
    fictional: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list[PartnershipMember]] = relationship(
        back_populates="partnership",
        cascade="all, delete-orphan",
        order_by="PartnershipMember.id",
        passive_deletes=True,
    )
    documents: Mapped[list[PartnershipDocument]] = relationship(
        cascade="all, delete-orphan", order_by="PartnershipDocument.id", passive_deletes=True
    )
    updates: Mapped[list[PartnershipUpdate]] = relationship(
        cascade="all, delete-orphan",
        order_by=lambda: [PartnershipUpdate.at, PartnershipUpdate.id],
        passive_deletes=True,
    )

    def describe(self) -> tuple[str, str]:
        return self.title, f"/network/partnerships/{self.slug}"


class PartnershipMember(Base):
    """An organisation in a partnership: its role and where its invitation stands."""

    __tablename__ = "partnership_member"
    #: One membership per organisation and partnership.
    __table_args__ = (UniqueConstraint("partnership_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[MemberRole] = mapped_column(str_enum(MemberRole, "role"))
    status: Mapped[MemberStatus] = mapped_column(str_enum(MemberStatus, "status"))
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[datetime | None]

    partnership: Mapped[Partnership] = relationship(back_populates="members")
    organisation: Mapped[Organisation] = relationship()


class PartnershipDocument(Base):
    """A document of a partnership: a title and the address where it is kept."""

    __tablename__ = "partnership_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(1000))
    #: Concept note, feasibility study, term sheet, ...
    kind: Mapped[str] = mapped_column(String(64), default="document")
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )


class PartnershipUpdate(Base):
    """One entry of a partnership's feed: who (organisation, user), when, what."""

    __tablename__ = "partnership_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    author_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    #: A plain id (like the audit log's), so the feed outlives the user.
    author_user_id: Mapped[int | None]
    kind: Mapped[UpdateKind] = mapped_column(str_enum(UpdateKind, "kind"))
    text: Mapped[str] = mapped_column(Text)

    author: Mapped[Organisation | None] = relationship()


class Notification(Base):
    """An in-app notification of one user: what happened (`text`), where (`link`), when,
    and whether it was read.

    `message` is the English message with ``%(name)s`` placeholders and `params` their
    values, so a page can show it in the reader's language; `text` is it in English.
    """

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    message: Mapped[str] = mapped_column(String(300))
    params: Mapped[JSONDict] = mapped_column(default=dict)
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
