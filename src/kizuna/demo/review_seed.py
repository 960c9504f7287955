"""The demo's reviews, stored by `kizuna.demo.load_demo` in its transaction.

For the demo Yokohama plan (``data/plans/yokohama.yaml``): a stress test against the
packaged scenarios (`kizuna.review.default_scenarios`: current policies, fast grid
decarbonisation, high growth and the pandemic shock, each citing its sources) and a
Monte Carlo risk run of `RISK_DRAWS` draws with seed `RISK_SEED` over the packaged
uncertainties. Both are computed by `kizuna.review` through the tenancy service as the
system (audited), owned by the City of Yokohama and shared like its plan
(`kizuna.demo.accounts.CITY_SHARING`: the network). Loading the demo again replaces them
(the reviews others stored stay).

Cost: about 0.1 s for both on a 2-core machine (docs/review.md, "In the platform").
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.demo.accounts import CITY_SHARING, LICENCE, CitySharing
from kizuna.server.tables import City, CityPlan, Organisation, Visibility
from kizuna.server.tables.review import PlanReview, ReviewKind
from kizuna.server.tenancy import SYSTEM, delete_object, run_review

CITY = "yokohama"
RISK_DRAWS = 2_000
RISK_SEED = 2025


def seed(session: Session, orgs: dict[str, Organisation]) -> int:
    """Store the demo reviews of the Yokohama plan (none when the demo data have no such
    plan, as in the tests' small data); returns how many were stored."""
    city = session.scalars(select(City).where(City.slug == CITY)).one_or_none()
    if city is None or CITY not in orgs:
        return 0
    plan = session.scalars(select(CityPlan).where(CityPlan.city_id == city.id)).one_or_none()
    if plan is None:
        return 0
    visibility = CITY_SHARING.get(CITY, CitySharing()).plan
    licence = LICENCE if visibility is Visibility.PUBLIC else None
    runs = [
        (ReviewKind.STRESS, {}),
        (ReviewKind.RISK, {"draws": RISK_DRAWS, "seed": RISK_SEED}),
    ]
    made = [
        run_review(session, SYSTEM, city, kind, visibility=visibility, licence=licence, **options)
        for kind, options in runs
    ]
    # the same reviews from an earlier load of the demo go (others' reviews stay)
    same = {(r.kind, r.title) for r in made}
    earlier = select(PlanReview).where(
        PlanReview.plan_id == plan.id, PlanReview.id.not_in([r.id for r in made])
    )
    for old in session.scalars(earlier):
        if (old.kind, old.title) in same:
            delete_object(session, SYSTEM, old)
    return len(made)
