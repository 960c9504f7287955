"""``/api/v1/scenario-sets`` and ``/api/v1/cities/{slug}/reviews``: scenario sets, and stress
tests, Monte Carlo risk runs, progress tracking and re-plans of a city's plan, stored.

Every review is computed by `kizuna.review` from the stored plan and its stored roadmap when
it is asked for (``POST``), stored with its inputs, and read again as often as needed
(``GET``, cached until something changes). A review is readable where both it and its plan
are; running one needs an editor of the plan's owner.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, Request, Response, UploadFile

from kizuna.errors import Forbidden
from kizuna.review import default_scenarios, parse_scenarios
from kizuna.server import tenancy
from kizuna.server.api.common import PagingDep, cached_read, errors, read_upload
from kizuna.server.deps import AuthDep, SessionDep
from kizuna.server.schemas.places import SLUG_PATTERN
from kizuna.server.schemas.review import (
    SET_KEY_PATTERN,
    ReviewList,
    ReviewOut,
    ReviewSummaryOut,
    RiskIn,
    ScenarioSetList,
    ScenarioSetOut,
    StressIn,
)
from kizuna.server.tables import City, CityPlan, Visibility
from kizuna.server.tables.review import ReviewKind, StoredScenarioSet
from kizuna.server.tenancy.review import PACKAGED

router = APIRouter(tags=["review"])

SetKey = Annotated[str, Path(pattern=SET_KEY_PATTERN, description="default, or a stored id.")]
ReviewId = Annotated[int, Path(ge=1, le=2**31 - 1)]
OptionalFile = Annotated[UploadFile | None, File()]


def _set_id(key: str) -> int | None:
    return None if key == PACKAGED else int(key)


def _set_out(stored: StoredScenarioSet | None, *, full: bool = False) -> ScenarioSetOut:
    scenarios = (
        default_scenarios()
        if stored is None
        else parse_scenarios(stored.scenarios, source=stored.source_file)
    )
    return ScenarioSetOut.of(stored, scenarios, full=full)


@router.get("/scenario-sets", response_model=ScenarioSetList, responses=errors(422))
def list_scenario_sets(
    request: Request, session: SessionDep, auth: AuthDep, page: PagingDep
) -> Response:
    """The packaged scenario set (everyone's) and the stored sets you may read, newest first."""

    def build() -> ScenarioSetList:
        every = [None, *tenancy.list_scenario_sets(session, auth.principal)]
        shown = every[page.offset : page.offset + page.limit]
        return ScenarioSetList(
            scenario_sets=[_set_out(s) for s in shown], **page.info(request, len(every))
        )

    return cached_read(request, session, auth, build)


@router.post(
    "/scenario-sets",
    response_model=ScenarioSetOut,
    status_code=201,
    responses=errors(403, 404, 413, 422),
)
async def upload_scenario_set(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    file: Annotated[UploadFile, File(description="A scenario file, YAML or JSON.")],
    owner: Annotated[str, Form(pattern=SLUG_PATTERN, description="Owner organisation slug.")],
    name: Annotated[str | None, Form(max_length=200)] = None,
    description: Annotated[str | None, Form(max_length=2000)] = None,
    visibility: Annotated[Visibility, Form()] = Visibility.PRIVATE,
    licence: Annotated[str | None, Form(max_length=64)] = None,
) -> ScenarioSetOut:
    """Validate a scenario file (docs/review.md, 'Scenario files') and store it for the
    organisation `owner` (you are its editor or more). Problems answer 422 with the field
    paths in `error.details`; nothing is stored."""
    filename, data = await read_upload(file, request.app.state.settings.upload_max_bytes)
    org = tenancy.get_organisation(session, owner)
    stored = tenancy.create_scenario_set(
        session,
        auth.principal,
        owner_org_id=org.id,
        upload=tenancy.Upload(filename, data),
        name=name,
        description=description,
        visibility=visibility,
        licence=licence or None,
    )
    session.commit()
    return _set_out(stored, full=True)


@router.get("/scenario-sets/{key}", response_model=ScenarioSetOut, responses=errors(404, 422))
def get_scenario_set(request: Request, key: SetKey, session: SessionDep, auth: AuthDep) -> Response:
    """One scenario set with its scenarios, exchange rates and sources."""

    def build() -> ScenarioSetOut:
        set_id = _set_id(key)
        stored = (
            None if set_id is None else tenancy.get_scenario_set(session, auth.principal, set_id)
        )
        return _set_out(stored, full=True)

    return cached_read(request, session, auth, build)


@router.delete("/scenario-sets/{key}", status_code=204, responses=errors(403, 404, 422))
def delete_scenario_set(key: SetKey, session: SessionDep, auth: AuthDep) -> Response:
    """Delete a stored scenario set (editors and up of its owner); the reviews made with it
    keep their scenarios."""
    set_id = _set_id(key)
    if set_id is None:
        raise Forbidden(
            "The packaged scenario set is part of Kizuna and cannot be deleted",
            hint="upload your own scenario file to use other scenarios",
        )
    stored = tenancy.get_scenario_set(session, auth.principal, set_id)
    tenancy.delete_object(session, auth.principal, stored)
    session.commit()
    return Response(status_code=204)


# --- reviews of a city's plan -----------------------------------------------------------------


def _plan(session: SessionDep, auth: AuthDep, slug: str) -> tuple[City, CityPlan]:
    city = tenancy.get_city(session, auth.principal, slug)
    return city, tenancy.get_plan(session, auth.principal, city)


@router.get("/cities/{slug}/reviews", response_model=ReviewList, responses=errors(404, 422))
def list_reviews(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    page: PagingDep,
    kind: Annotated[ReviewKind | None, Query(description="Only reviews of this kind.")] = None,
) -> Response:
    """A page of the stored reviews of the city's plan you may read, newest first, with
    their headline figures."""

    def build() -> ReviewList:
        city, stored = _plan(session, auth, slug)
        found = tenancy.list_reviews(
            session, auth.principal, stored, kind=kind, limit=page.limit, offset=page.offset
        )
        total = tenancy.count_reviews(session, auth.principal, stored, kind=kind)
        return ReviewList(
            city=city.slug,
            reviews=[ReviewSummaryOut.of(city, r) for r in found],
            **page.info(request, total),
        )

    return cached_read(request, session, auth, build)


def _run(
    session: SessionDep,
    auth: AuthDep,
    slug: str,
    kind: ReviewKind,
    visibility: Visibility | None,
    licence: str | None,
    **options: object,
) -> ReviewOut:
    city = tenancy.get_city(session, auth.principal, slug)
    review = tenancy.run_review(
        session,
        auth.principal,
        city,
        kind,
        visibility=visibility,
        licence=licence or None,
        **options,
    )
    session.commit()
    return ReviewOut.of(city, review)


@router.post(
    "/cities/{slug}/reviews/stress",
    response_model=ReviewOut,
    status_code=201,
    responses=errors(403, 404, 422),
)
def run_stress(slug: str, body: StressIn, session: SessionDep, auth: AuthDep) -> ReviewOut:
    """Stress-test the plan's roadmap, kept as optimised, under each scenario of a set (the
    packaged one by default) and store the comparison (`StressResult.to_dict()`)."""
    return _run(
        session,
        auth,
        slug,
        ReviewKind.STRESS,
        body.visibility,
        body.licence,
        scenario_set=_set_id(body.scenario_set),
    )


@router.post(
    "/cities/{slug}/reviews/risk",
    response_model=ReviewOut,
    status_code=201,
    responses=errors(403, 404, 422),
)
def run_risk(slug: str, body: RiskIn, session: SessionDep, auth: AuthDep) -> ReviewOut:
    """Monte Carlo risk of the roadmap (Latin hypercube, seeded): each milestone's
    probability with its standard error, the fan chart, expected shortfall and rank
    correlations (`RiskResult.to_dict()`). At most 20,000 draws on the web (422 beyond)."""
    return _run(
        session,
        auth,
        slug,
        ReviewKind.RISK,
        body.visibility,
        body.licence,
        draws=body.draws,
        seed=body.seed,
        risk=body.risk,
    )


async def _uploads(
    request: Request, actuals: UploadFile | None, delivery: UploadFile | None
) -> dict[str, tenancy.Upload | None]:
    limit = request.app.state.settings.upload_max_bytes
    out: dict[str, tenancy.Upload | None] = {}
    for key, file in (("actuals", actuals), ("delivery", delivery)):
        out[key] = None if file is None else tenancy.Upload(*await read_upload(file, limit))
    return out


@router.post(
    "/cities/{slug}/reviews/progress",
    response_model=ReviewOut,
    status_code=201,
    responses=errors(403, 404, 413, 422),
)
async def run_progress(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    actuals: OptionalFile = None,
    delivery: OptionalFile = None,
    tolerance: Annotated[float, Form(ge=0, le=1)] = 0.02,
    visibility: Annotated[Visibility | None, Form()] = None,
    licence: Annotated[str | None, Form(max_length=64)] = None,
) -> ReviewOut:
    """Track the plan against actual emissions: an actuals CSV (`year, sector,
    emissions_tco2e`) or an inventory file, or without one the city's stored inventories
    after the base year; optional delivery records (`year, measure, installed`). On or off
    track per sector and milestone, the gap and the trend needed (`ProgressResult`)."""
    files = await _uploads(request, actuals, delivery)
    return _run(
        session,
        auth,
        slug,
        ReviewKind.PROGRESS,
        visibility,
        licence,
        tolerance=tolerance,
        **files,
    )


@router.post(
    "/cities/{slug}/reviews/replan",
    response_model=ReviewOut,
    status_code=201,
    responses=errors(403, 404, 413, 422),
)
async def run_replan(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    actuals: OptionalFile = None,
    delivery: OptionalFile = None,
    visibility: Annotated[Visibility | None, Form()] = None,
    licence: Annotated[str | None, Form(max_length=64)] = None,
) -> ReviewOut:
    """Re-plan after the actuals (as for progress): the past fixed, the remaining budget
    carried forward, BAU re-levelled, the rest re-optimised; what changed and the cost
    change (`ReplanResult`). The stored plan itself is not changed."""
    files = await _uploads(request, actuals, delivery)
    return _run(session, auth, slug, ReviewKind.REPLAN, visibility, licence, **files)


@router.get(
    "/cities/{slug}/reviews/{review_id}", response_model=ReviewOut, responses=errors(404, 422)
)
def get_review(
    request: Request, slug: str, review_id: ReviewId, session: SessionDep, auth: AuthDep
) -> Response:
    """One stored review with its inputs and result."""

    def build() -> ReviewOut:
        city, stored = _plan(session, auth, slug)
        return ReviewOut.of(city, tenancy.get_review(session, auth.principal, stored, review_id))

    return cached_read(request, session, auth, build)


@router.delete(
    "/cities/{slug}/reviews/{review_id}", status_code=204, responses=errors(403, 404, 422)
)
def delete_review(slug: str, review_id: ReviewId, session: SessionDep, auth: AuthDep) -> Response:
    """Delete a stored review (editors and up of its owner)."""
    _city, stored = _plan(session, auth, slug)
    review = tenancy.get_review(session, auth.principal, stored, review_id)
    tenancy.delete_object(session, auth.principal, review)
    session.commit()
    return Response(status_code=204)
