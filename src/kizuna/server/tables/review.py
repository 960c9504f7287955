"""Review tables: stored scenario sets and the reviews of city plans (both shared objects).

- `StoredScenarioSet` (``scenario_set``): an uploaded scenario file, validated by
  `kizuna.review.parse_scenarios`, owned by an organisation and shared like any object. The
  packaged set (`kizuna.review.default_scenarios`) is not stored: every reader has it.
- `PlanReview` (``plan_review``): one review of a city's plan, computed by `kizuna.review`
  when it was asked for and stored with its inputs: a stress test (`ReviewKind.STRESS`), a
  Monte Carlo risk run (``risk``), progress tracking against actuals (``progress``) or a
  re-plan (``replan``). `result` is the library's ``to_dict()``, as the CLI prints it.

A review belongs to a plan (deleted with it) and to the plan's owner organisation; it has its
own visibility, and a reader must be able to read both the review and its plan
(`kizuna.server.tenancy.review`). Who may read or change what is decided there only.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, ForeignKey, String, Text, delete, event, select
from sqlalchemy.orm import Mapped, Mapper, backref, mapped_column, object_session, relationship

from kizuna.server.tables.base import Base, JSONDict, str_enum, utcnow
from kizuna.server.tables.places import CityPlan, SharedObject
from kizuna.server.tables.sharing import Share

if TYPE_CHECKING:
    from kizuna.server.tenancy.principals import Principal


class ReviewKind(StrEnum):
    """What a stored review is."""

    STRESS = "stress"  # the fixed roadmap under each scenario of a scenario set
    RISK = "risk"  # Monte Carlo: probabilities of the milestones, fan chart, tornado
    PROGRESS = "progress"  # actual emissions and deliveries against the plan
    REPLAN = "replan"  # the rest of the horizon re-optimised after the actuals


class StoredScenarioSet(SharedObject, Base):
    """An uploaded scenario file (docs/review.md, "Scenario files"), validated."""

    __tablename__ = "scenario_set"
    shared_type = "scenario_set"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    source_file: Mapped[str] = mapped_column(String(300))
    #: `kizuna.review.ScenarioSet.model_dump(mode="json")`: scenarios, exchange rates, sources.
    scenarios: Mapped[JSONDict]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def describe(self) -> tuple[str, str]:
        return self.name, f"/review/scenarios/{self.id}"

    @property
    def scenario_names(self) -> list[str]:
        """The names of its scenarios, in file order."""
        return [s.get("name", s.get("id", "")) for s in self.scenarios.get("scenarios", [])]


class PlanReviews(list["PlanReview"]):
    """The reviews of a plan (``CityPlan.reviews``), with `readable_by` for the pages."""

    def readable_by(self, principal: Principal) -> list[PlanReview]:
        """Those `principal` may read (the visibility rule of `kizuna.server.tenancy`)."""
        if not self:
            return []
        from kizuna.server.tenancy.visibility import visible  # tenancy imports the tables

        session = object_session(self[0])
        if session is None:
            return []
        ids = [r.id for r in self]
        stmt = visible(select(PlanReview.id).where(PlanReview.id.in_(ids)), PlanReview, principal)
        readable = set(session.scalars(stmt))
        return [r for r in self if r.id in readable]


class PlanReview(SharedObject, Base):
    """One review of a city plan, computed when asked for (see the module docstring).

    Emissions in tCO2e and money in the plan's currency, as in the library's results.
    """

    __tablename__ = "plan_review"
    shared_type = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("city_plan.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ReviewKind] = mapped_column(str_enum(ReviewKind, "kind"))
    title: Mapped[str] = mapped_column(String(200))
    #: The stored scenario set a stress test used (None: the packaged set, or deleted since).
    scenario_set_id: Mapped[int | None] = mapped_column(
        ForeignKey("scenario_set.id", ondelete="SET NULL"), index=True
    )
    #: What it was computed from: the scenarios, risk file, draws and seed, actuals, ...
    inputs: Mapped[JSONDict] = mapped_column(default=dict)
    #: A few headline figures for lists (milestones met, probabilities, on track, cost change).
    summary: Mapped[JSONDict] = mapped_column(default=dict)
    #: The library's ``to_dict()`` (deferred: lists do not read it).
    result: Mapped[JSONDict] = mapped_column(deferred=True)
    #: `CityPlan.computed_at` of the roadmap reviewed: a newer plan makes the review stale.
    plan_computed_at: Mapped[datetime]
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

    plan: Mapped[CityPlan] = relationship(
        backref=backref(
            "reviews", viewonly=True, order_by="PlanReview.id", collection_class=PlanReviews
        )
    )
    scenario_set: Mapped[StoredScenarioSet | None] = relationship()

    def describe(self) -> tuple[str, str]:
        city = self.plan.city
        return f"{city.name}: {self.title}", f"/cities/{city.slug}/review/{self.id}"

    def parents(self) -> tuple[SharedObject, ...]:
        return (self.plan, self.plan.city)

    @property
    def stale(self) -> bool:
        """True when the plan was optimised again after this review was computed."""
        return self.plan.computed_at > self.plan_computed_at


@event.listens_for(CityPlan, "before_delete")
def _forget_review_shares(_mapper: Mapper[Any], connection: Connection, plan: CityPlan) -> None:
    """A plan's reviews go with it (ON DELETE CASCADE); their shares go first, so that no
    share outlives its review (and applies to a later row with the same id)."""
    reviews = select(PlanReview.id).where(PlanReview.plan_id == plan.id)
    connection.execute(
        delete(Share).where(
            Share.object_type == PlanReview.shared_type, Share.object_id.in_(reviews)
        )
    )
