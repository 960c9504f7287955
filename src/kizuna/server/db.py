"""Platform state in a relational database: models, engine and sessions.

Three tables for now: `City` (a profile with targets and sources),
`Inventory` (one computed GPC inventory of a city for a year and GWP set,
with the raw entries it was computed from) and `CityPlan` (a city's plan
with its optimised roadmap and MACC). SQLite by default, any
SQLAlchemy URL otherwise. The schema is made with `create_all` until the
Alembic migrations arrive.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Engine,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    make_url,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    sessionmaker,
)

JSONDict = dict[str, Any]
JSONList = list[dict[str, Any]]


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of all Kizuna tables."""

    type_annotation_map = {JSONDict: JSON, JSONList: JSON}  # noqa: RUF012


class City(Base):
    """A city profile: names, population, targets and the sources of its data."""

    __tablename__ = "city"

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

    inventories: Mapped[list[Inventory]] = relationship(
        back_populates="city",
        cascade="all, delete-orphan",
        order_by="Inventory.year",
    )
    plan: Mapped[CityPlan | None] = relationship(
        back_populates="city", cascade="all, delete-orphan", uselist=False
    )

    def latest_inventory(self) -> Inventory | None:
        """The inventory of the most recent year, or None."""
        return max(self.inventories, key=lambda inv: inv.year, default=None)

    def inventory_for(self, year: int) -> Inventory | None:
        """The inventory of `year`, or None."""
        return next((inv for inv in self.inventories if inv.year == year), None)


class Inventory(Base):
    """A computed GPC inventory of one city for one year and GWP set."""

    __tablename__ = "inventory"
    __table_args__ = (UniqueConstraint("city_id", "year", "gwp"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="CASCADE"), index=True)
    year: Mapped[int]
    gwp: Mapped[str] = mapped_column(String(16))
    source_file: Mapped[str] = mapped_column(String(300))
    #: `kizuna.inventory.InventoryResult.to_dict()`: totals, breakdowns and completeness.
    result: Mapped[JSONDict]
    #: The input entries of this city and year, one JSON object per row.
    entries: Mapped[JSONList] = mapped_column(default=list)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    city: Mapped[City] = relationship(back_populates="inventories")


class CityPlan(Base):
    """A city's back-casting plan with its optimised roadmap (one plan per city for now).

    Money is in the plan's `currency`, emissions in tCO2e (see `kizuna.planning.results`).
    The JSON columns are deferred: listing cities with their plans does not read them.
    """

    __tablename__ = "city_plan"

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
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    city: Mapped[City] = relationship(back_populates="plan")


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for `url`; for an SQLite file, its folder is made and foreign keys are enforced."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"check_same_thread": False}
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_all(engine: Engine) -> None:
    """Create the tables that do not exist yet (idempotent)."""
    Base.metadata.create_all(engine)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to `engine`; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on any error."""
    with factory() as session, session.begin():
        yield session
