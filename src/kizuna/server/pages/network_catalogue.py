"""The network's catalogue pages: solutions, providers and the case study library, with the
forms that add to them (errors shown next to their fields).
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from kizuna.errors import InputError, Location
from kizuna.network import search_case_studies
from kizuna.network.profiles import SECTORS
from kizuna.planning.library import measure_library
from kizuna.server import tenancy
from kizuna.server.deps import Auth, AuthDep, SessionDep
from kizuna.server.pages.forms import csrf_form, render, signed_in
from kizuna.server.pages.network_common import (
    VISIBILITIES,
    Csrf,
    Long,
    Many,
    Short,
    licence_for,
    lines,
    measures,
    my_orgs,
    number,
    numbers,
    page_context,
    submit,
    visibility_of,
    words,
)
from kizuna.server.tables import Role
from kizuna.server.tables.network import (
    CostBand,
    ProviderKind,
)
from kizuna.server.tenancy import network as nt

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


# --- providers and solutions ------------------------------------------------------------------


@router.get("/network/solutions")
def solutions(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    sector: Annotated[str, Query(max_length=64)] = "",
    measure: Annotated[str, Query(max_length=64)] = "",
    region: Annotated[str, Query(max_length=10)] = "",
    q: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """The solution catalogue, with filters."""
    found = nt.list_solutions(
        session,
        auth.principal,
        sector=sector or None,
        measure=measure or None,
        region=region or None,
        q=q or None,
    )
    filters = {"sector": sector, "measure": measure, "region": region, "q": q}
    publish = bool(my_orgs(session, auth, nt.PROVIDER_ORG_KINDS))
    context = page_context(
        auth,
        solutions=found,
        filters=filters,
        sectors=list(SECTORS),
        measures=measures(),
        can_publish=publish,
    )
    return render(request, "network_solutions.html", context)


def _solution_form(session: SessionDep, auth: Auth, form: dict[str, Any]) -> dict[str, Any]:
    mine = {o.id for o in my_orgs(session, auth)}
    providers = [p for p in nt.list_providers(session, auth.principal) if p.owner_org_id in mine]
    return page_context(
        auth,
        providers=providers,
        measures=measures(),
        form=form,
        visibilities=VISIBILITIES,
        cost_bands=[c.value for c in CostBand],
    )


@router.get("/network/solutions/new")
def new_solution(request: Request, session: SessionDep, auth: AuthDep) -> Response:
    """The form to publish a solution (editors of a provider's organisation)."""
    signed_in(request, auth)
    return render(request, "network_solution_new.html", _solution_form(session, auth, {}))


@router.post("/network/solutions")
def create_solution(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    csrf_token: Csrf = "",
    provider: Short = "",
    name: Short = "",
    description: Long = "",
    measure_type: Short = "",
    cost_band: Short = "medium",
    trl: Short = "",
    regions: Short = "global",
    sdgs: Short = "",
    visibility: Short = "private",
) -> Response:
    """Publish a solution; errors next to the fields."""
    csrf_form(request, auth, csrf_token)
    form = {k: v for k, v in locals().items() if isinstance(v, str) and k != "csrf_token"}

    def change() -> str:
        owner = nt.get_provider(session, auth.principal, provider) if provider else None
        if owner is None:
            raise InputError("Choose the provider", where=Location(field="provider"))
        chosen = visibility_of(visibility)
        made = nt.create_solution(
            session,
            auth.principal,
            owner,
            name=name,
            description=description,
            measure_type=measure_type,
            cost_band=cost_band,
            trl=_trl(trl),
            regions=words(regions) or ["global"],
            sdgs=numbers(sdgs, "sdgs"),
            visibility=chosen,
            licence=licence_for(chosen),
        )
        return f"/network/solutions/{made.slug}"

    def again() -> dict[str, Any]:
        return _solution_form(session, auth, form)

    return submit(request, session, "network_solution_new.html", change, again)


def _trl(text: str) -> int:
    value = number(text, "trl", integer=True)
    if value is None:
        raise InputError(
            "Give the technology readiness level (1 to 9)", where=Location(field="trl")
        )
    return int(value)


@router.get("/network/solutions/{slug}")
def solution(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """One solution of the catalogue."""
    found = nt.get_solution(session, auth.principal, slug)
    library = measure_library()["measures"]
    context = page_context(auth, solution=found, measure=library.get(found.measure_type, {}))
    return render(request, "network_solution.html", context)


@router.get("/network/providers")
def providers(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    kind: Annotated[ProviderKind | None, Query()] = None,
) -> Response:
    """Companies, startups, universities and labs that offer solutions."""
    found = nt.list_providers(session, auth.principal, kind=kind)
    offers = Counter(s.provider_id for s in nt.list_solutions(session, auth.principal))
    can_add = bool(my_orgs(session, auth, nt.PROVIDER_ORG_KINDS))
    context = page_context(
        auth,
        providers=found,
        offers=offers,
        kind=kind,
        kinds=[k.value for k in ProviderKind],
        can_add=can_add,
    )
    return render(request, "network_providers.html", context)


def _provider_form(session: SessionDep, auth: Auth, form: dict[str, Any]) -> dict[str, Any]:
    return page_context(
        auth,
        owners=my_orgs(session, auth, nt.PROVIDER_ORG_KINDS),
        kinds=[k.value for k in ProviderKind],
        visibilities=VISIBILITIES,
        form=form,
    )


@router.get("/network/providers/new")
def new_provider(request: Request, session: SessionDep, auth: AuthDep) -> Response:
    """The form to list your company, startup or university as a provider."""
    signed_in(request, auth)
    return render(request, "network_provider_new.html", _provider_form(session, auth, {}))


@router.post("/network/providers")
def create_provider(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    csrf_token: Csrf = "",
    owner: Short = "",
    name: Short = "",
    kind: Short = "",
    country: Short = "",
    description: Long = "",
    url: Short = "",
    visibility: Short = "private",
) -> Response:
    """List a provider; errors next to the fields."""
    csrf_form(request, auth, csrf_token)
    form = {k: v for k, v in locals().items() if isinstance(v, str) and k != "csrf_token"}

    def change() -> str:
        if not owner:
            raise InputError("Choose your organisation", where=Location(field="owner"))
        org = tenancy.get_organisation(session, owner)
        chosen = visibility_of(visibility)
        made = nt.create_provider(
            session,
            auth.principal,
            owner=org,
            name=name,
            kind=kind,
            country=country,
            description=description,
            url=url.strip() or None,
            visibility=chosen,
            licence=licence_for(chosen),
        )
        return f"/network/providers/{made.slug}"

    def again() -> dict[str, Any]:
        return _provider_form(session, auth, form)

    return submit(request, session, "network_provider_new.html", change, again)


@router.get("/network/providers/{slug}")
def provider(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """A provider and its solutions."""
    found = nt.get_provider(session, auth.principal, slug)
    offers = nt.list_solutions(session, auth.principal, provider=found)
    can_publish = auth.principal.has_role(found.owner_org_id, Role.EDITOR)
    context = page_context(auth, provider=found, solutions=offers, can_publish=can_publish)
    return render(request, "network_provider.html", context)


# --- case studies -----------------------------------------------------------------------------


@router.get("/network/case-studies")
def case_studies(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    q: Annotated[str, Query(max_length=200)] = "",
    sector: Annotated[str, Query(max_length=64)] = "",
    country: Annotated[str, Query(max_length=2)] = "",
) -> Response:
    """The case study library: search by words, filter by sector and country."""
    rows = nt.list_case_studies(
        session, auth.principal, sector=sector or None, country=country or None
    )
    by_slug = {r.slug: r for r in rows}
    ranked = search_case_studies(
        [nt.library_case_study(r) for r in rows], q, limit=max(1, len(rows))
    )
    found = [(by_slug[c.id], score) for c, score in ranked if not q or score > 0]
    context = page_context(
        auth,
        found=found,
        filters={"q": q, "sector": sector, "country": country},
        sectors=list(SECTORS),
        can_add=bool(my_orgs(session, auth)),
    )
    return render(request, "network_case_studies.html", context)


def _case_form(session: SessionDep, auth: Auth, form: dict[str, Any]) -> dict[str, Any]:
    return page_context(
        auth,
        owners=my_orgs(session, auth),
        cities=tenancy.list_cities(session, auth.principal),
        measures=measures(),
        visibilities=VISIBILITIES,
        form=form,
    )


@router.get("/network/case-studies/new")
def new_case_study(request: Request, session: SessionDep, auth: AuthDep) -> Response:
    """The form to add a case study."""
    signed_in(request, auth)
    return render(request, "network_case_study_new.html", _case_form(session, auth, {}))


@router.post("/network/case-studies")
def create_case_study(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    csrf_token: Csrf = "",
    owner: Short = "",
    title: Short = "",
    city: Short = "",
    city_name: Short = "",
    country: Short = "",
    measures: Many = [],  # noqa: B006 (FastAPI copies form defaults)
    summary: Long = "",
    outcome: Long = "",
    outcome_value: Short = "",
    outcome_unit: Short = "",
    outcome_year: Short = "",
    lessons: Long = "",
    source_title: Short = "",
    source_publisher: Short = "",
    source_year: Short = "",
    source_url: Short = "",
    fictional: Short = "",
    visibility: Short = "private",
) -> Response:
    """Add a case study; errors next to the fields."""
    csrf_form(request, auth, csrf_token)
    form = {k: v for k, v in locals().items() if isinstance(v, str | list) and k != "csrf_token"}

    def change() -> str:
        if not owner:
            raise InputError("Choose your organisation", where=Location(field="owner"))
        org = tenancy.get_organisation(session, owner)
        linked = tenancy.get_city(session, auth.principal, city) if city else None
        sources = []
        if source_title or source_url:
            sources.append(
                {
                    "title": source_title.strip(),
                    "publisher": source_publisher.strip(),
                    "year": number(source_year, "source_year", integer=True),
                    "url": source_url.strip(),
                }
            )
        chosen = visibility_of(visibility)
        made = nt.create_case_study(
            session,
            auth.principal,
            owner=org,
            title=title,
            city_name=city_name or (linked.name if linked else ""),
            country=country,
            city=linked,
            measures=measures,
            summary=summary,
            outcome={
                "text": outcome.strip(),
                "value": number(outcome_value, "outcome.value"),
                "unit": outcome_unit.strip() or None,
                "year": number(outcome_year, "outcome.year", integer=True),
            },
            lessons=lines(lessons),
            sources=sources,
            fictional=bool(fictional),
            visibility=chosen,
            licence=licence_for(chosen),
        )
        return f"/network/case-studies/{made.slug}"

    def again() -> dict[str, Any]:
        return _case_form(session, auth, form)

    return submit(request, session, "network_case_study_new.html", change, again)


@router.get("/network/case-studies/{slug}")
def case_study(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """One case study with its outcome, lessons and sources."""
    found = nt.get_case_study(session, auth.principal, slug)
    library = measure_library()["measures"]
    slugs = {c.id: c.slug for c in tenancy.list_cities(session, auth.principal)}
    context = page_context(
        auth,
        case=found,
        measures=[library[m] for m in found.measures if m in library],
        city_slug=slugs.get(found.city_id or -1),
    )
    return render(request, "network_case_study.html", context)
