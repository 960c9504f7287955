"""Cities and what they publish: `City`, `Inventory` and `CityPlan`, each a shared object.

A shared object (`SharedObject`) has an owner organisation, a `Visibility` and,
when public, an open licence (a database CHECK refuses a public object without
one). Who may read or change it is decided in one place,
`kizuna.server.tenancy`; these classes only hold the data.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from kizuna.server.tables.base import Base, JSONDict, JSONList, Visibility, utcnow

if TYPE_CHECKING:
    from kizuna.server.tables.accounts import Organisation


class SharedObject:
    """Mixin of every shared object: owner organisation, visibility and licence.

    `shared_type` is the object's name in shares and in the audit log
    (``"city"``, ``"inventory"``, ``"plan"``).
    """

    shared_type: ClassVar[str]

    id: Mapped[int]

    @declared_attr
    @classmethod
    def owner_org_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)

    @declared_attr
    @classmethod
    def owner(cls) -> Mapped[Organisation]:
        return relationship("Organisation")

    visibility: Mapped[Visibility] = mapped_column(default=Visibility.PRIVATE)
    #: An SPDX licence id (``CC-BY-4.0``); required when `visibility` is public.
    licence: Mapped[str | None] = mapped_column(String(64))

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[CheckConstraint, ...]:
        return (licence_check(),)

    def describe(self) -> tuple[str, str]:
        """A title of the object and the address of its page (for the sharing page)."""
        return f"{self.shared_type} #{self.id}", "/"

    def parents(self) -> tuple[SharedObject, ...]:
        """The shared objects this one belongs to (an inventory's city, a review's plan):
        a reader must be able to read them too (`kizuna.server.tenancy.get_object`)."""
        return ()


def licence_check() -> CheckConstraint:
    """The CHECK of every shared table: a public object names its licence."""
    return CheckConstraint(
        "visibility <> 'public' OR licence IS NOT NULL", name="licence_when_public"
    )


class City(SharedObject, Base):
    """A city profile: names, population, targets and the sources of its data."""

    __tablename__ = "city"
    shared_type = "city"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_ja: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(100))
    population: Mapped[int | None]
    population_year: Mapped[int | None]
    #: ``[{year, reduction, base_year, source}]``, reduction as a fraction (0.5 = -50 %).
    targets: Mapped[JSONList] = mapped_column(default=list)
    #: ``[{id, title, publisher, year, url}]``.
    sources: Mapped[JSONList] = mapped_column(default=list)
    notes: Mapped[str | None] = mapped_column(Text)

    #: All inventories, or only the readable ones when loaded by `kizuna.server.tenancy`.
    inventories: Mapped[list[Inventory]] = relationship(
        back_populates="city",
        cascade="all, delete-orphan",
        order_by="Inventory.year",
    )
    plan: Mapped[CityPlan | None] = relationship(
        back_populates="city", cascade="all, delete-orphan", uselist=False
    )

    def describe(self) -> tuple[str, str]:
        return self.name, f"/cities/{self.slug}"

    def latest_inventory(self) -> Inventory | None:
        """The inventory of the most recent year in `inventories` (as loaded), or None."""
        return max(self.inventories, key=lambda inv: inv.year, default=None)

    def inventory_for(self, year: int) -> Inventory | None:
        """The inventory of `year` in `inventories` (as loaded), or None."""
        return next((inv for inv in self.inventories if inv.year == year), None)


class Inventory(SharedObject, Base):
    """A computed GPC inventory of one city for one year and GWP set."""

    __tablename__ = "inventory"
    shared_type = "inventory"

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[CheckConstraint | UniqueConstraint, ...]:
        return (licence_check(), UniqueConstraint("city_id", "year", "gwp"))

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="CASCADE"), index=True)
    year: Mapped[int]
    gwp: Mapped[str] = mapped_column(String(16))
    source_file: Mapped[str] = mapped_column(String(300))
    #: `kizuna.inventory.InventoryResult.to_dict()`: totals, breakdowns and completeness.
    result: Mapped[JSONDict]
    #: The input entries of this city and year, one JSON object per row (deferred: read
    #: only for an export, never when listing).
    entries: Mapped[JSONList] = mapped_column(default=list, deferred=True)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

    city: Mapped[City] = relationship(back_populates="inventories")

    def describe(self) -> tuple[str, str]:
        return (
            f"{self.city.name} {self.year} ({self.gwp})",
            f"/cities/{self.city.slug}?year={self.year}",
        )

    def parents(self) -> tuple[SharedObject, ...]:
        return (self.city,)


class CityPlan(SharedObject, Base):
    """A city's back-casting plan with its optimised roadmap (one plan per city for now).

    Money is in the plan's `currency`, emissions in tCO2e (see `kizuna.planning.results`).
    The JSON columns are deferred: listing cities with their plans does not read them.
    """

    __tablename__ = "city_plan"
    shared_type = "plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(
        ForeignKey("city.id", ondelete="CASCADE"), unique=True, index=True
    )
    source_file: Mapped[str] = mapped_column(String(300))
    currency: Mapped[str] = mapped_column(String(3))
    #: The validated plan: `kizuna.planning.Plan.model_dump(mode="json")`.
    plan: Mapped[JSONDict] = mapped_column(deferred=True)
    #: `kizuna.planning.PlanResult.to_dict()`: trajectory, milestones, measures, NPV.
    result: Mapped[JSONDict] = mapped_column(deferred=True)
    #: `kizuna.planning.macc.macc_table(plan)` as records, sorted by LCOA.
    macc: Mapped[JSONList] = mapped_column(default=list, deferred=True)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

    city: Mapped[City] = relationship(back_populates="plan")

    def describe(self) -> tuple[str, str]:
        return self.city.name, f"/cities/{self.city.slug}/plan"

    def parents(self) -> tuple[SharedObject, ...]:
        return (self.city,)
